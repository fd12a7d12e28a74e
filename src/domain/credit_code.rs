//! 统一社会信用代码 (GB 32100-2015): the 18-character code every registered organisation
//! carries. Characters come from a 31-symbol alphabet (digits and capitals without I, O, Z,
//! S, V); the third to eighth are the registering region's 行政区划码; the eighteenth is a
//! check character over the first seventeen, weighted 3^(i-1) mod 31.

use std::fmt;

use super::validation::{Field, Reason, ValidationError};

/// The code's alphabet, in the order of its values 0..31.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weight of each of the first seventeen characters: 3^i mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A checked 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|v| v as u32)
}

/// The check character the first seventeen characters call for.
fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[v as usize]))
}

impl CreditCode {
    /// Parses a code as typed: surrounding spaces dropped, small letters taken as capitals;
    /// the refusal says which character is wrong, or which check character was due.
    pub fn parse(text: &str) -> Result<CreditCode, ValidationError> {
        let s = text.trim().to_ascii_uppercase();
        let err = |reason| ValidationError::new(Field::CreditCode, reason);
        if s.is_empty() {
            return Err(err(Reason::Required));
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(err(Reason::WrongLength { len }));
        }
        let bytes = s.as_bytes();
        for (i, c) in bytes.iter().enumerate() {
            let region = (2..8).contains(&i);
            if value_of(*c).is_none() || (region && !c.is_ascii_digit()) {
                return Err(err(Reason::BadCodeCharacter { position: i + 1 }));
            }
        }
        // Every character is in the alphabet, so the check character exists.
        match check_char(&bytes[..17]) {
            Some(expected) if char::from(bytes[17]) == expected => Ok(CreditCode(s)),
            Some(expected) => Err(err(Reason::BadCheckDigit { expected })),
            None => Err(err(Reason::BadCodeCharacter { position: 1 })),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 行政区划码 of the registering authority (characters 3 to 8).
    pub fn region(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_codes_pass() {
        for code in ["914403001922038216", "91110000802100433B"] {
            assert_eq!(CreditCode::parse(code).unwrap().as_str(), code);
        }
        let c = CreditCode::parse(" 91110000802100433b ").unwrap();
        assert_eq!(c.as_str(), "91110000802100433B");
        assert_eq!(c.region(), "110000");
    }

    #[test]
    fn each_refusal_names_the_reason() {
        let reason = |s: &str| CreditCode::parse(s).unwrap_err().reason;
        assert_eq!(reason(""), Reason::Required);
        assert_eq!(reason("91440300192203821"), Reason::WrongLength { len: 17 });
        // I, O, Z, S, V are not in the alphabet.
        assert_eq!(
            reason("9144030019220382I6"),
            Reason::BadCodeCharacter { position: 17 }
        );
        // The region is digits only.
        assert_eq!(
            reason("91A403001922038216"),
            Reason::BadCodeCharacter { position: 3 }
        );
        assert_eq!(
            reason("914403001922038217"),
            Reason::BadCheckDigit { expected: '6' }
        );
    }

    proptest! {
        /// Any seventeen characters of the alphabet (region digits) with their check
        /// character pass, and every other last character is refused naming the right one.
        #[test]
        fn the_check_character_is_the_only_one_accepted(
            head in "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}",
            other in 0usize..31,
        ) {
            let check = check_char(head.as_bytes()).unwrap();
            let right = format!("{}{}", head, check);
            prop_assert!(CreditCode::parse(&right).is_ok());
            let wrong = char::from(ALPHABET[other]);
            if wrong != check {
                prop_assert_eq!(
                    CreditCode::parse(&format!("{}{}", head, wrong)).unwrap_err().reason,
                    Reason::BadCheckDigit { expected: check }
                );
            }
        }
    }
}
