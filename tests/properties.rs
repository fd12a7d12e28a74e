//! Property tests of the rules every record depends on.

use chrono::NaiveDate;
use jiuzhu::domain::id_number::{check_char, IdNumber};
use jiuzhu::domain::pinyin_keys::keys_of;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

proptest! {
    /// Any real birth date with a real region and any sequence gives a valid number whose
    /// derived birth date and sex are the ones put in.
    #[test]
    fn valid_numbers_round_trip(days in 0i64..45_000, seq in 0u32..1000, region in prop::sample::select(vec!["360104", "360111", "110105", "440305"])) {
        let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        prop_assume!(birth <= today());
        let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
        let s = format!("{first17}{}", check_char(first17.as_bytes()));
        let id = IdNumber::parse(&s, today()).unwrap();
        prop_assert_eq!(id.birth_date(), birth);
        prop_assert_eq!(id.sex() == jiuzhu::domain::id_number::Sex::Male, seq % 2 == 1);
        // Lower-case x and surrounding spaces parse to the same number.
        let typed = format!("  {}  ", s.to_lowercase());
        prop_assert_eq!(IdNumber::parse(&typed, today()).unwrap(), id);
    }

    /// Changing any one digit of a valid number is always caught.
    #[test]
    fn one_changed_digit_is_refused(pos in 0usize..17, delta in 1u8..10) {
        let s = b"11010519491231002X".to_vec();
        let mut t = s.clone();
        t[pos] = b'0' + (t[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(t).unwrap();
        prop_assert!(IdNumber::parse(&changed, today()).is_err(), "{}", changed);
    }

    /// The parser never panics, whatever is typed.
    #[test]
    fn parser_never_panics(s in "\\PC{0,40}") {
        let _ = IdNumber::parse(&s, today());
        let _ = IdNumber::from_legacy_15(&s, today());
    }

    /// Pinyin keys of any name are ASCII lower-case, bounded, and never panic.
    #[test]
    fn pinyin_keys_are_clean(name in "[\\u{4e00}-\\u{9fa5}·a-zA-Z]{1,8}") {
        let k = keys_of(&name);
        prop_assert!(k.full.len() <= 16 && k.initials.len() <= 16);
        for v in k.full.iter().chain(&k.initials) {
            prop_assert!(v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{:?}", v);
        }
    }
}
