//! 邻里互助员: a neighbour who volunteered to give home care. A helper is a person of the
//! archive (never a separate register of names), with the trainings the subdistrict organised
//! (a visit by a helper without a passed training is refused) and the bank account the
//! monthly subsidy is paid into — printed only with its last four digits.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::parse_date;
use super::record::RecordMeta;
use super::text::{optional_line, required_line};
use super::validation::{Field, Reason, ValidationError};

/// Longest course, organiser or bank name.
pub const LINE_MAX: usize = 60;

/// One training a helper attended (简单护理技能培训).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The course.
    pub course: String,
    /// Who ran it (the professional training body the subdistrict engaged).
    pub organiser: String,
    /// The day it ended.
    pub on: NaiveDate,
    /// Class hours.
    pub hours: i64,
    /// Passed its assessment (考核合格).
    pub passed: bool,
}

/// A stored helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helper {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The helper as a person of the archive.
    pub person_id: String,
    /// The community the helper serves in (the person's).
    pub community: String,
    /// 开户银行.
    pub bank_name: Option<String>,
    /// 银行账号, digits only.
    pub bank_account: Option<String>,
    /// Trainings, oldest first.
    pub trainings: Vec<Training>,
    /// Still helping.
    pub active: bool,
    /// Who registered the helper.
    pub recorded_by: String,
}

impl Helper {
    /// True when a training the helper passed had ended by `day`.
    pub fn trained_by(&self, day: NaiveDate) -> bool {
        self.trainings.iter().any(|t| t.passed && t.on <= day)
    }
}

/// A training as the form holds it.
#[derive(Debug, Clone, Default)]
pub struct TrainingDraft {
    /// The course.
    pub course: String,
    /// Who ran it.
    pub organiser: String,
    /// The day, as typed.
    pub on: String,
    /// Class hours, as typed.
    pub hours: String,
    /// Passed.
    pub passed: bool,
}

impl TrainingDraft {
    /// The training, or the first field in error; `today` bounds the day.
    pub fn validate(&self, today: NaiveDate) -> Result<Training, ValidationError> {
        let course = required_line(Field::Course, &self.course, LINE_MAX)?;
        let organiser = required_line(Field::Organiser, &self.organiser, LINE_MAX)?;
        let on = parse_date(Field::Date, &self.on)?
            .ok_or_else(|| ValidationError::new(Field::Date, Reason::Required))?;
        if on > today {
            return Err(ValidationError::new(Field::Date, Reason::FutureDate));
        }
        let hours = self.hours.trim();
        if hours.is_empty() {
            return Err(ValidationError::new(Field::TrainingHours, Reason::Required));
        }
        let range = ValidationError::new(
            Field::TrainingHours,
            Reason::OutOfRange {
                min: 1,
                max: HOURS_MAX,
            },
        );
        let hours: i64 = hours.parse().map_err(|_| range.clone())?;
        if !(1..=HOURS_MAX).contains(&hours) {
            return Err(range);
        }
        Ok(Training {
            course,
            organiser,
            on,
            hours,
            passed: self.passed,
        })
    }
}

/// Most class hours one training may have.
pub const HOURS_MAX: i64 = 500;

/// A bank account as typed: digits, spaces and dashes allowed between them, 8 to 30 digits;
/// `None` when left empty.
pub fn parse_bank_account(input: &str) -> Result<Option<String>, ValidationError> {
    let s = super::text::half_width(input);
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let mut digits = String::new();
    for (i, c) in s.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' => {}
            _ => {
                return Err(ValidationError::new(
                    Field::BankAccount,
                    Reason::BadCharacter { position: i + 1 },
                ))
            }
        }
    }
    if !(8..=30).contains(&digits.len()) {
        return Err(ValidationError::new(
            Field::BankAccount,
            Reason::WrongLength { len: digits.len() },
        ));
    }
    Ok(Some(digits))
}

/// The account as anything printed shows it: every digit but the last four hidden, in
/// groups of four (`**** **** **** 1234`).
pub fn masked_account(account: &str) -> String {
    let n = account.chars().count();
    let shown: String = account.chars().skip(n.saturating_sub(4)).collect();
    let hidden = n.saturating_sub(4).max(4);
    let mut out = String::new();
    for i in 0..hidden {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push('*');
    }
    out.push(' ');
    out.push_str(&shown);
    out
}

/// A helper as the form holds it.
#[derive(Debug, Clone, Default)]
pub struct HelperDraft {
    /// The person who helps.
    pub person_id: String,
    /// 开户银行.
    pub bank_name: String,
    /// 银行账号.
    pub bank_account: String,
}

/// The checked facts of a helper draft: bank name and account.
pub fn validate_bank(d: &HelperDraft) -> Result<(Option<String>, Option<String>), ValidationError> {
    let name = optional_line(Field::BankName, &d.bank_name, LINE_MAX)?;
    let account = parse_bank_account(&d.bank_account)?;
    if account.is_some() && name.is_none() {
        return Err(ValidationError::new(Field::BankName, Reason::Required));
    }
    Ok((name, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn only_the_last_four_digits_are_shown() {
        assert_eq!(
            masked_account("6217002430012345678"),
            "**** **** **** *** 5678"
        );
        assert_eq!(masked_account("62170024"), "**** 0024");
        assert!(!masked_account("6217002430012345678").contains("62170"));
    }

    #[test]
    fn an_account_is_digits() {
        assert_eq!(
            parse_bank_account(" 6217 0024-3001 2345 678 ")
                .unwrap()
                .as_deref(),
            Some("6217002430012345678")
        );
        assert_eq!(parse_bank_account("").unwrap(), None);
        assert_eq!(
            parse_bank_account("6217O024").unwrap_err().reason,
            Reason::BadCharacter { position: 5 }
        );
        assert_eq!(
            parse_bank_account("1234").unwrap_err().reason,
            Reason::WrongLength { len: 4 }
        );
    }

    #[test]
    fn a_helper_is_trained_from_the_day_a_passed_training_ended() {
        let training = |on: &str, passed| Training {
            course: "居家照料基本技能".into(),
            organiser: "南昌市青云谱区红十字会".into(),
            on: day(on),
            hours: 16,
            passed,
        };
        let mut h = Helper {
            meta: RecordMeta::default(),
            person_id: "p".into(),
            community: "c".into(),
            bank_name: None,
            bank_account: None,
            trainings: vec![training("2026-03-10", false)],
            active: true,
            recorded_by: "u".into(),
        };
        assert!(
            !h.trained_by(day("2026-11-01")),
            "a failed training does not count"
        );
        h.trainings.push(training("2026-04-20", true));
        assert!(!h.trained_by(day("2026-04-19")));
        assert!(h.trained_by(day("2026-04-20")));
    }

    #[test]
    fn a_training_names_its_fields() {
        let d = TrainingDraft {
            course: "居家照料".into(),
            organiser: "区红十字会".into(),
            on: "2026-04-20".into(),
            hours: "0".into(),
            passed: true,
        };
        let e = d.validate(day("2026-11-28")).unwrap_err();
        assert_eq!(e.field, Field::TrainingHours);
        let e = TrainingDraft {
            on: "2026-12-20".into(),
            ..d.clone()
        }
        .validate(day("2026-11-28"))
        .unwrap_err();
        assert_eq!((e.field, e.reason), (Field::Date, Reason::FutureDate));
    }
}
