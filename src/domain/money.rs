//! The one amount type: whole 分 (fen, 1/100 元) in an `i64`. Parsing what people type
//! ("1234.5", "1,234.50元", "¥12") and formatting ("1234.50") live here and nowhere else, so
//! no floating point ever comes near money.

use super::validation::{Field, Reason, ValidationError};

/// An amount of money in 分.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Largest amount accepted from a form: one hundred million 元, far above any household's
/// income or any agreement of a district, so that sums of many can never overflow.
pub const MAX_YUAN: i64 = 100_000_000;

impl Fen {
    /// Parses an amount in 元 as typed: digits with at most two decimals, optionally with a
    /// leading ¥ or ￥, a trailing 元, thousands separators, surrounding spaces. Negative
    /// amounts and more than two decimals are refused (a third decimal would be rounded
    /// silently); the refusal names `field`.
    pub fn parse_yuan(field: Field, text: &str) -> Result<Fen, ValidationError> {
        let bad = || {
            ValidationError::new(
                field,
                Reason::BadFormat {
                    example: "example.yuan",
                },
            )
        };
        let s = text.trim();
        let s = s
            .strip_prefix('¥')
            .or_else(|| s.strip_prefix('￥'))
            .unwrap_or(s);
        let s = s.strip_suffix('元').unwrap_or(s).trim();
        if s.is_empty() {
            return Err(ValidationError::new(field, Reason::Required));
        }
        let s: String = s.chars().filter(|c| *c != ',' && *c != '，').collect();
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s.as_str(), ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let yuan: i64 = whole.parse().map_err(|_| bad())?;
        if yuan > MAX_YUAN {
            return Err(ValidationError::new(
                field,
                Reason::OutOfRange {
                    min: 0,
                    max: MAX_YUAN,
                },
            ));
        }
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        Ok(Fen(yuan * 100 + cents))
    }

    /// The amount in 元 with two decimals, as forms show and people type it: "1234.50".
    pub fn yuan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Fen, ValidationError> {
        Fen::parse_yuan(Field::Income, s)
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse("1234").unwrap(), Fen(123_400));
        assert_eq!(parse("1234.5").unwrap(), Fen(123_450));
        assert_eq!(parse(" ¥1,234.05元 ").unwrap(), Fen(123_405));
        assert_eq!(parse("￥0.01").unwrap(), Fen(1));
        assert_eq!(parse("0").unwrap(), Fen(0));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for s in ["-5", "1.234", "12a", ".5", "1.2.3", "1e3"] {
            let e = parse(s).unwrap_err();
            assert_eq!(e.field, Field::Income, "{s}");
            assert!(matches!(e.reason, Reason::BadFormat { .. }), "{s}");
        }
        assert_eq!(parse(" 元").unwrap_err().reason, Reason::Required);
        assert!(matches!(
            parse("100000001").unwrap_err().reason,
            Reason::OutOfRange { .. }
        ));
    }

    #[test]
    fn formats_with_two_decimals_and_round_trips() {
        assert_eq!(Fen(123_405).yuan_text(), "1234.05");
        assert_eq!(Fen(5).yuan_text(), "0.05");
        assert_eq!(Fen(-250).yuan_text(), "-2.50");
        for n in [0, 1, 99, 100, 123_456_789] {
            assert_eq!(parse(&Fen(n).yuan_text()).unwrap(), Fen(n));
        }
    }
}
