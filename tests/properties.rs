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

mod chain {
    use chrono::{DateTime, Utc};
    use jiuzhu::app::setup::{create_workstation, InitParams};
    use jiuzhu::app::FixedClock;
    use jiuzhu::domain::org::Tier;
    use jiuzhu::domain::person::{Person, PersonFacts};
    use jiuzhu::domain::record::RecordMeta;
    use jiuzhu::store::changelog::{verify_chains, BreakKind};
    use jiuzhu::store::persons;
    use proptest::prelude::*;

    fn facts(name: &str) -> PersonFacts {
        PersonFacts {
            name: name.into(),
            id_number: None,
            sex: None,
            birth_date: None,
            phone: None,
            address: None,
            community: "360104001001".into(),
            hukou_local: true,
            assistance_status: "none".into(),
            assistance_certificate: None,
            self_care: None,
            disability_type: None,
            disability_grade: None,
            disability_cert: None,
            diseases: None,
            lives_alone: false,
            guardian_name: None,
            guardian_phone: None,
            guardian_status: None,
            emergency_contact: None,
            note: None,
        }
    }

    proptest! {
        // PROPTEST_CASES runs more by hand; CI keeps the short form.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
        ))]

        /// Any sequence of writes, batched any way into transactions, gives one unbroken chain;
        /// editing any one entry afterwards is found at exactly that entry.
        #[test]
        fn chains_verify_and_any_edited_entry_is_found(
            names in proptest::collection::vec("[\u{4e00}-\u{9fa5}]{1,4}", 1..16),
            batch in 1usize..5,
            target in any::<proptest::sample::Index>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("p.db");
            let clock = FixedClock(DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z").unwrap().with_timezone(&Utc));
            let params = InitParams {
                tier: Tier::Subdistrict,
                org_code: "360104001".into(),
                org_name: "洪都街道".into(),
                parent: None,
                admin: "admin".into(),
                admin_name: String::new(),
                org_full_name: String::new(),
                demo: true,
            };
            let mut store = create_workstation(dir.path(), &db, &params, Vec::new(), &clock).unwrap();
            let mut n = 0;
            for (k, chunk) in names.chunks(batch).enumerate() {
                store
                    .write("tester", &format!("2026-11-28T02:00:{k:02}.000Z"), |w| {
                        for name in chunk {
                            let p = Person::new(
                                RecordMeta::new(format!("p{n}"), w.origin(), w.at()),
                                facts(name),
                            );
                            persons::insert(w, &p)?;
                            n += 1;
                        }
                        Ok::<_, jiuzhu::store::StoreError>(())
                    })
                    .unwrap();
            }
            let conn = rusqlite::Connection::open(&db).unwrap();
            let chains = verify_chains(&conn).unwrap();
            prop_assert_eq!(chains.len(), 1);
            prop_assert_eq!(chains[0].entries, names.len() as i64);
            prop_assert!(chains[0].broken.is_none());
            let seq = target.index(names.len()) as i64 + 1;
            conn.execute_batch("DROP TRIGGER change_log_no_update").unwrap();
            conn.execute("UPDATE change_log SET record = record || ' ' WHERE seq = ?1", [seq]).unwrap();
            let chains = verify_chains(&conn).unwrap();
            let broken = chains[0].broken.clone().unwrap();
            prop_assert_eq!(broken.seq, seq);
            prop_assert_eq!(broken.kind, BreakKind::ContentChanged);
        }
    }
}
