//! The 18-digit resident ID number (居民身份证号, GB 11643-1999).
//!
//! Layout: 6-digit region code, 8-digit birth date, 3-digit sequence (odd for men, even for
//! women), and a check character computed with ISO 7064 MOD 11-2 (`0`-`9` or `X`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::text::half_width;
use super::validation::{Field, Reason, ValidationError};

/// Weights of the first 17 digits in the MOD 11-2 check.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (first two digits) that GB/T 2260 assigns; 81, 82 and 83 are used by
/// residence permits for Hong Kong, Macao and Taiwan residents, which carry the same format.
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// Region codes of the residence permits for Hong Kong, Macao and Taiwan residents
/// (港澳台居民居住证): a whole region, not a county, yet a valid registration place.
const RESIDENCE_PERMIT_REGIONS: [&[u8]; 3] = [b"810000", b"820000", b"830000"];

/// Sex as the ID number records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl Sex {
    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<Sex> {
        match s {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Sex::Male => "sex.male",
            Sex::Female => "sex.female",
        }
    }
}

/// A valid 18-character ID number in its one normal form: ASCII digits and upper-case `X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

impl TryFrom<String> for IdNumber {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        // Stored and transported values carry no "today"; only the shape and check are re-verified.
        IdNumber::parse_shape(&s)
    }
}

/// Brings what people type into one shape: full-width to half-width, white space and
/// hyphens removed, `x` upper-cased.
pub fn normalise(input: &str) -> String {
    half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The check character for the first 17 digits (which must be ASCII digits).
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        // Callers pass digits; anything else counts as 0 rather than overflowing.
        .map(|(d, w)| u32::from(d.wrapping_sub(b'0')).min(9) * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses and validates a typed ID number; `today` bounds the birth date.
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, ValidationError> {
        let id = IdNumber::parse_shape(input)?;
        if id.birth_date() > today {
            return Err(err(Reason::FutureDate));
        }
        Ok(id)
    }

    /// All checks except the one against today's date.
    fn parse_shape(input: &str) -> Result<IdNumber, ValidationError> {
        let s = normalise(input);
        if s.is_empty() {
            return Err(err(Reason::Required));
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(err(Reason::WrongLength { len }));
        }
        let b = s.as_bytes();
        for (i, c) in b.iter().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && *c == b'X');
            if !ok {
                return Err(err(Reason::BadCharacter { position: i + 1 }));
            }
        }
        let province = (b[0] - b'0') * 10 + (b[1] - b'0');
        let county = &b[2..6] != b"0000" || RESIDENCE_PERMIT_REGIONS.contains(&&b[..6]);
        if !PROVINCES.contains(&province) || !county {
            return Err(err(Reason::BadRegion));
        }
        if birth_date_of(b).is_none() {
            return Err(err(Reason::BadBirthDate));
        }
        let expected = check_char(&b[..17]);
        if char::from(b[17]) != expected {
            return Err(err(Reason::BadCheckDigit { expected }));
        }
        Ok(IdNumber(s))
    }

    /// Converts a 15-digit first-generation number (two-digit year, no check character) to
    /// its 18-digit form, assuming a 19xx birth year as those numbers were issued before 2000.
    pub fn from_legacy_15(input: &str, today: NaiveDate) -> Result<IdNumber, ValidationError> {
        let s = normalise(input);
        let len = s.chars().count();
        if len != 15 {
            return Err(err(Reason::WrongLength { len }));
        }
        if let Some(pos) = s.bytes().position(|c| !c.is_ascii_digit()) {
            return Err(err(Reason::BadCharacter { position: pos + 1 }));
        }
        let first17 = format!("{}19{}", &s[..6], &s[6..]);
        let check = check_char(first17.as_bytes());
        IdNumber::parse(&format!("{first17}{check}"), today)
    }

    /// The normal form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit region code of the registration place.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// Birth date (proven valid at parse time).
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(self.0.as_bytes()).unwrap_or(NaiveDate::MIN)
    }

    /// Sex from the parity of the 17th digit.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        age_on(self.birth_date(), today)
    }

    /// The form shown to people who may not see the whole number: `3601**********1234`.
    pub fn masked(&self) -> String {
        mask_text(&self.0)
    }
}

/// An ID number's text with its middle hidden, first four and last four shown
/// (`3601**********1234`); text of fewer than eight characters is hidden whole. The one mask
/// for every ID number shown to a reader who may not see it, parsed or not (a value received
/// from elsewhere may not parse).
pub fn mask_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// Age in whole years of someone born on `birth` on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

fn birth_date_of(b: &[u8]) -> Option<NaiveDate> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(&b[r]).ok()?.parse().ok()
    };
    let year = num(6..10)?;
    if year < 1880 {
        return None;
    }
    NaiveDate::from_ymd_opt(year as i32, num(10..12)?, num(12..14)?)
}

fn err(reason: Reason) -> ValidationError {
    ValidationError::new(Field::IdNumber, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// Builds a valid number from 17 digits, for tests that need one.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17.as_bytes()))
    }

    #[test]
    fn accepts_valid_and_derives_birth_and_sex() {
        // The GB 11643 standard's own example.
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        let id = IdNumber::parse(&with_check("36010419800101001"), today()).unwrap();
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.age_on(today()), 46);
    }

    #[test]
    fn tolerates_what_people_type() {
        let canonical = "11010519491231002X";
        for typed in [
            " 11010519491231002x ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105 19491231 002X",
            "\u{3000}11010519491231002ｘ",
        ] {
            assert_eq!(
                IdNumber::parse(typed, today()).unwrap().as_str(),
                canonical,
                "{typed:?}"
            );
        }
    }

    #[test]
    fn refuses_wrong_length() {
        let e = IdNumber::parse("3601041980010100", today()).unwrap_err();
        assert_eq!(e.reason, Reason::WrongLength { len: 16 });
        assert_eq!(e.field, Field::IdNumber);
    }

    #[test]
    fn refuses_empty_as_required() {
        assert_eq!(
            IdNumber::parse("  ", today()).unwrap_err().reason,
            Reason::Required
        );
    }

    #[test]
    fn refuses_letters_and_x_in_the_middle() {
        let e = IdNumber::parse("3601041980X101001X", today()).unwrap_err();
        assert_eq!(e.reason, Reason::BadCharacter { position: 11 });
    }

    #[test]
    fn refuses_bad_region() {
        let e = IdNumber::parse(&with_check("99010419800101001"), today()).unwrap_err();
        assert_eq!(e.reason, Reason::BadRegion);
        let e = IdNumber::parse(&with_check("36000019800101001"), today()).unwrap_err();
        assert_eq!(e.reason, Reason::BadRegion);
    }

    #[test]
    fn accepts_residence_permits_of_hong_kong_macao_and_taiwan_residents() {
        for (first17, sex) in [
            ("81000019800101001", Sex::Male),
            ("82000019750612002", Sex::Female),
            ("83000019601231003", Sex::Male),
        ] {
            let id = IdNumber::parse(&with_check(first17), today()).unwrap();
            assert_eq!(id.region(), &first17[..6]);
            assert_eq!(id.birth_date(), birth_date_of(first17.as_bytes()).unwrap());
            assert_eq!(id.sex(), sex, "{first17}");
        }
        // The check digit is checked as on any other number.
        let mut wrong = with_check("81000019800101001");
        let last = if wrong.ends_with('0') { '1' } else { '0' };
        wrong.pop();
        wrong.push(last);
        assert!(matches!(
            IdNumber::parse(&wrong, today()).unwrap_err().reason,
            Reason::BadCheckDigit { .. }
        ));
        // A mainland province's own code is still no county.
        let e = IdNumber::parse(&with_check("11000019800101001"), today()).unwrap_err();
        assert_eq!(e.reason, Reason::BadRegion);
    }

    #[test]
    fn refuses_impossible_dates() {
        for first17 in [
            "36010419800230001",
            "36010419801301001",
            "36010418000101001",
            "36010420230229001",
        ] {
            let e = IdNumber::parse(&with_check(first17), today()).unwrap_err();
            assert_eq!(e.reason, Reason::BadBirthDate, "{first17}");
        }
        // 2024 is a leap year.
        assert!(IdNumber::parse(&with_check("36010420240229001"), today()).is_ok());
    }

    #[test]
    fn refuses_future_birth() {
        let e = IdNumber::parse(&with_check("36010420261129001"), today()).unwrap_err();
        assert_eq!(e.reason, Reason::FutureDate);
        assert!(IdNumber::parse(&with_check("36010420261128001"), today()).is_ok());
    }

    #[test]
    fn refuses_wrong_check_digit_and_names_the_right_one() {
        let e = IdNumber::parse("110105194912310021", today()).unwrap_err();
        assert_eq!(e.reason, Reason::BadCheckDigit { expected: 'X' });
    }

    #[test]
    fn converts_legacy_15_digit_numbers() {
        let id = IdNumber::from_legacy_15("360104800101001", today()).unwrap();
        assert_eq!(id.as_str(), with_check("36010419800101001"));
    }

    #[test]
    fn masks_all_but_region_head_and_tail() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.masked(), "1101**********002X");
    }

    #[test]
    fn serde_round_trip_revalidates() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }
}
