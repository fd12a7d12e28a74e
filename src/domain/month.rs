//! Calendar months and years as reports name them: `2026-11`, `202611`, `2026年11月`, `2026`.

use chrono::{Datelike, NaiveDate};

use super::text::half_width;
use super::validation::{Field, Reason, ValidationError};

/// Earliest and latest year a report may name: the pilot began in 2020; nothing is recorded
/// before it, and a typo such as `20266` should not be read as a year.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month `month` (1–12) of `year`; `None` outside the calendar or the years reports cover.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (YEARS.contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    /// The month holding `day`.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Parses a typed month; the message names the month field.
    pub fn parse(input: &str) -> Result<Month, ValidationError> {
        let s: String = half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err(ValidationError::new(Field::Month, Reason::Required));
        }
        let bad = || {
            ValidationError::new(
                Field::Month,
                Reason::BadFormat {
                    example: "example.month",
                },
            )
        };
        let cleaned = s.replace(['年', '/', '.'], "-").replace('月', "");
        let (year, month) = if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            (&s[0..4], &s[4..6])
        } else {
            cleaned.split_once('-').ok_or_else(bad)?
        };
        if year.len() != 4 || month.is_empty() || month.len() > 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(|| ValidationError::new(Field::Month, Reason::BadDate))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        // Proven: `new` and `of` only make months of real years, and day 1 exists in each.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        let (year, month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The month after, within the years reports cover.
    pub fn next(self) -> Option<Month> {
        if self.month == 12 {
            Month::new(self.year + 1, 1)
        } else {
            Month::new(self.year, self.month + 1)
        }
    }

    /// The month before, within the years reports cover.
    pub fn prev(self) -> Option<Month> {
        if self.month == 1 {
            Month::new(self.year - 1, 12)
        } else {
            Month::new(self.year, self.month - 1)
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Parses a typed year (`2026`, `2026年`); the message names the year field.
pub fn parse_year(input: &str) -> Result<i32, ValidationError> {
    let s: String = half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '年')
        .collect();
    if s.is_empty() {
        return Err(ValidationError::new(Field::Year, Reason::Required));
    }
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::new(
            Field::Year,
            Reason::BadFormat {
                example: "example.year",
            },
        ));
    }
    let year: i32 = s.parse().map_err(|_| {
        ValidationError::new(
            Field::Year,
            Reason::BadFormat {
                example: "example.year",
            },
        )
    })?;
    if !YEARS.contains(&year) {
        return Err(ValidationError::new(
            Field::Year,
            Reason::OutOfRange {
                min: i64::from(*YEARS.start()),
                max: i64::from(*YEARS.end()),
            },
        ));
    }
    Ok(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u32) -> Month {
        Month::new(y, mo).unwrap()
    }

    #[test]
    fn the_ways_people_write_a_month() {
        for s in [
            "2026-11",
            "202611",
            "2026年11月",
            "2026/11",
            "2026.11",
            "２０２６－１１",
        ] {
            assert_eq!(Month::parse(s), Ok(m(2026, 11)), "{s}");
        }
        assert_eq!(Month::parse("2026-3"), Ok(m(2026, 3)));
    }

    #[test]
    fn bad_months_name_the_field_and_reason() {
        let e = Month::parse("2026-13").unwrap_err();
        assert_eq!(e.field, Field::Month);
        assert_eq!(e.reason, Reason::BadDate);
        for s in ["11", "2026", "26-11", "2026-11-05", "abcd-ef"] {
            let e = Month::parse(s).unwrap_err();
            assert_eq!(e.field, Field::Month, "{s}");
            assert!(matches!(e.reason, Reason::BadFormat { .. }), "{s}: {e:?}");
        }
        assert_eq!(Month::parse(" ").unwrap_err().reason, Reason::Required);
    }

    #[test]
    fn first_and_last_days_cover_the_month() {
        assert_eq!(
            m(2024, 2).last_day(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            m(2026, 12).last_day(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert_eq!(m(2026, 12).next(), Some(m(2027, 1)));
        assert_eq!(m(2027, 1).prev(), Some(m(2026, 12)));
        assert_eq!(m(2000, 1).prev(), None);
        assert_eq!(m(2100, 12).next(), None);
        assert_eq!(m(2026, 11).to_string(), "2026-11");
        assert_eq!(
            Month::of(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()),
            m(2026, 11)
        );
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("2026"), Ok(2026));
        assert_eq!(parse_year("2026年"), Ok(2026));
        assert_eq!(parse_year("26").unwrap_err().field, Field::Year);
        assert!(matches!(
            parse_year("1999").unwrap_err().reason,
            Reason::OutOfRange { .. }
        ));
    }
}
