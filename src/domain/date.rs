//! Dates as people type them: `2021-07-15`, `20210715`, `2021/7/15`, `2021.7.15`, `2021年7月15日`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use super::text::half_width;
use super::validation::{Field, Reason, ValidationError};
use crate::i18n::Lang;

/// Parses a typed date; empty input is `Ok(None)`.
pub fn parse_date(field: Field, input: &str) -> Result<Option<NaiveDate>, ValidationError> {
    let s: String = half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        ValidationError::new(
            field,
            Reason::BadFormat {
                example: "example.date",
            },
        )
    };
    let parts: Vec<String> = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        vec![
            s[0..4].to_string(),
            s[4..6].to_string(),
            s[6..8].to_string(),
        ]
    } else {
        s.replace(['年', '月', '/', '.'], "-")
            .replace('日', "")
            .split('-')
            .map(str::to_string)
            .collect()
    };
    if parts.len() != 3 || parts[0].len() != 4 {
        return Err(bad());
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if nums.len() != 3 {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2])
        .map(Some)
        .ok_or_else(|| ValidationError::new(field, Reason::BadDate))
}

/// China Standard Time, UTC+8 (no daylight saving); checked at compile time.
const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// China Standard Time.
pub fn china() -> FixedOffset {
    CHINA
}

/// The date in China at instant `t`.
pub fn china_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china()).date_naive()
}

/// The China date of a stored instant (RFC 3339), if it parses: the one way a stored time
/// becomes a date (never its first ten characters, which are the UTC date).
pub fn stored_day(stored: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|t| china_date(t.with_timezone(&Utc)))
}

/// Shows the China date of a stored instant, `YYYY-MM-DD`; empty when it does not parse.
pub fn show_day(stored: &str) -> String {
    stored_day(stored)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Shows a stored instant in China time, `YYYY-MM-DD HH:MM` (the text itself when it does
/// not parse).
pub fn show_instant(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| {
            t.with_timezone(&china())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_string())
}

/// A date as printed on paper: `2026年11月1日` in Chinese (official style, no leading zeros),
/// `2026-11-01` in English. Data files (csv, xlsx) keep ISO dates and do not use this.
pub fn official(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_dates_are_official_without_leading_zeros() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(official(d, Lang::ZhCn), "2026年11月1日");
        assert_eq!(official(d, Lang::En), "2026-11-01");
        let d = NaiveDate::from_ymd_opt(2027, 1, 9).unwrap();
        assert_eq!(official(d, Lang::ZhCn), "2027年1月9日");
    }

    #[test]
    fn a_stored_instant_is_shown_on_its_china_day() {
        // 18:00 UTC is 02:00 the next day in China.
        assert_eq!(show_day("2026-11-27T18:00:00.000Z"), "2026-11-28");
        assert_eq!(show_day("2026-11-28T15:59:59Z"), "2026-11-28");
        assert_eq!(show_day("2026-11-28T16:00:00Z"), "2026-11-29");
        assert_eq!(show_day("not a time"), "");
        assert_eq!(show_instant("2026-11-27T18:00:00Z"), "2026-11-28 02:00");
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn the_ways_people_write_dates() {
        for s in [
            "2021-07-15",
            "20210715",
            "2021/7/15",
            "2021.7.15",
            "2021年7月15日",
            " ２０２１－０７－１５ ",
        ] {
            let got = parse_date(Field::Date, &s.replace('－', "-"));
            assert_eq!(got, Ok(d(2021, 7, 15)), "{s}");
        }
        assert_eq!(parse_date(Field::Date, ""), Ok(None));
    }

    #[test]
    fn refuses_impossible_and_malformed() {
        assert_eq!(
            parse_date(Field::Date, "2021-02-30").unwrap_err().reason,
            Reason::BadDate
        );
        assert_eq!(
            parse_date(Field::Date, "20211301").unwrap_err().reason,
            Reason::BadDate
        );
        assert!(matches!(
            parse_date(Field::Date, "15/7/2021").unwrap_err().reason,
            Reason::BadFormat { .. }
        ));
        assert!(matches!(
            parse_date(Field::Date, "yesterday").unwrap_err().reason,
            Reason::BadFormat { .. }
        ));
    }
}
