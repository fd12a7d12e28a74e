//! A person in the archive: the facts DOMAIN.md lists, validated from what people type.

use chrono::{Datelike, NaiveDate};

use super::catalogue::{Catalogue, ListKind};
use super::id_number::{IdNumber, Sex};
use super::org::parse_org_code;
use super::text::{clean_line, clean_multiline, half_width, optional_line, required_line};
use super::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang};

/// Longest name accepted (minority names with `·` can be long).
pub const NAME_MAX: usize = 30;
/// Longest address accepted.
pub const ADDRESS_MAX: usize = 100;
/// Longest free-text note accepted.
pub const NOTE_MAX: usize = 2000;

/// Where a person's record stands; nothing is deleted, a record ends with a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonStatus {
    /// 在册
    Active,
    /// 已迁出
    MovedOut,
    /// 已故
    Deceased,
    /// 已注销 (entered by mistake or merged)
    Cancelled,
}

impl PersonStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PersonStatus::Active => "active",
            PersonStatus::MovedOut => "moved_out",
            PersonStatus::Deceased => "deceased",
            PersonStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<PersonStatus> {
        Some(match s {
            "active" => PersonStatus::Active,
            "moved_out" => PersonStatus::MovedOut,
            "deceased" => PersonStatus::Deceased,
            "cancelled" => PersonStatus::Cancelled,
            _ => return None,
        })
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            PersonStatus::Active => "person_status.active",
            PersonStatus::MovedOut => "person_status.moved_out",
            PersonStatus::Deceased => "person_status.deceased",
            PersonStatus::Cancelled => "person_status.cancelled",
        }
    }
}

/// What a person types into the person form; every field is raw text.
#[derive(Debug, Clone, Default)]
pub struct PersonDraft {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub community: String,
    pub hukou_local: bool,
    pub assistance_status: String,
    pub assistance_certificate: String,
    pub self_care: String,
    pub disability_type: String,
    pub disability_grade: String,
    pub disability_cert: String,
    pub diseases: String,
    pub lives_alone: bool,
    pub guardian_name: String,
    pub guardian_phone: String,
    /// 监护人情况 code, or empty when not recorded.
    pub guardian_status: String,
    pub emergency_contact: String,
    pub note: String,
}

/// The validated facts of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub name: String,
    /// `None` for a person without an ID number at hand (flagged in lists).
    pub id_number: Option<IdNumber>,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub community: String,
    pub hukou_local: bool,
    pub assistance_status: String,
    pub assistance_certificate: Option<String>,
    pub self_care: Option<String>,
    pub disability_type: Option<String>,
    pub disability_grade: Option<String>,
    pub disability_cert: Option<String>,
    pub diseases: Option<String>,
    pub lives_alone: bool,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    /// 监护人情况 (a `guardian_status` code); category 5 needs none or an incapable one.
    pub guardian_status: Option<String>,
    pub emergency_contact: Option<String>,
    pub note: Option<String>,
}

impl PersonFacts {
    /// True when the person has no ID number recorded: lists show a flag.
    pub fn lacks_id_number(&self) -> bool {
        self.id_number.is_none()
    }
}

fn optional_code(
    cat: &Catalogue,
    kind: ListKind,
    field: Field,
    input: &str,
) -> Result<Option<String>, ValidationError> {
    let s = clean_line(field, input, 40)?;
    if s.is_empty() {
        return Ok(None);
    }
    if !cat.contains(kind, &s) {
        return Err(ValidationError::new(
            field,
            Reason::NotInCatalogue { code: s },
        ));
    }
    Ok(Some(s))
}

/// Checks a phone number: an 11-digit mobile number or a landline with area code, spaces
/// and hyphens as people write them; stored without spaces.
pub fn parse_phone(field: Field, input: &str) -> Result<Option<String>, ValidationError> {
    let s = clean_line(field, &half_width(input), 30)?;
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.strip_prefix("+86").unwrap_or(&s);
    let plain: String = digits.chars().filter(|&c| c != '-').collect();
    let all_digits = plain.bytes().all(|b| b.is_ascii_digit());
    let mobile = all_digits
        && plain.len() == 11
        && plain.starts_with('1')
        && matches!(plain.as_bytes()[1], b'3'..=b'9');
    let landline = all_digits && (7..=12).contains(&plain.len()) && !plain.starts_with('1');
    if mobile {
        Ok(Some(plain))
    } else if landline {
        Ok(Some(digits.to_string()))
    } else {
        Err(ValidationError::new(
            field,
            Reason::BadFormat {
                example: "example.phone",
            },
        ))
    }
}

impl PersonDraft {
    /// Validates every field, the first refusal naming its field.
    pub fn validate(
        &self,
        today: NaiveDate,
        cat: &Catalogue,
    ) -> Result<PersonFacts, ValidationError> {
        let name = required_line(Field::Name, &self.name, NAME_MAX)?;
        let id_number = if self.id_number.trim().is_empty() {
            None
        } else {
            Some(IdNumber::parse(&self.id_number, today)?)
        };
        let community = parse_org_code(Field::Community, &self.community)?;
        let status_in = if self.assistance_status.trim().is_empty() {
            "none"
        } else {
            self.assistance_status.as_str()
        };
        let assistance_status = optional_code(
            cat,
            ListKind::AssistanceStatus,
            Field::AssistanceStatus,
            status_in,
        )?
        .unwrap_or_else(|| "none".to_string());
        Ok(PersonFacts {
            sex: id_number.as_ref().map(IdNumber::sex),
            birth_date: id_number.as_ref().map(IdNumber::birth_date),
            id_number,
            name,
            phone: parse_phone(Field::Phone, &self.phone)?,
            address: optional_line(Field::Address, &self.address, ADDRESS_MAX)?,
            community,
            hukou_local: self.hukou_local,
            assistance_status,
            assistance_certificate: optional_line(
                Field::CertificateNo,
                &self.assistance_certificate,
                40,
            )?,
            self_care: optional_code(cat, ListKind::SelfCare, Field::SelfCare, &self.self_care)?,
            disability_type: optional_code(
                cat,
                ListKind::DisabilityType,
                Field::DisabilityType,
                &self.disability_type,
            )?,
            disability_grade: optional_code(
                cat,
                ListKind::DisabilityGrade,
                Field::DisabilityGrade,
                &self.disability_grade,
            )?,
            disability_cert: optional_line(Field::DisabilityCert, &self.disability_cert, 40)?,
            diseases: optional_line(Field::Diseases, &self.diseases, 200)?,
            lives_alone: self.lives_alone,
            guardian_name: optional_line(Field::GuardianName, &self.guardian_name, NAME_MAX)?,
            guardian_phone: parse_phone(Field::GuardianPhone, &self.guardian_phone)?,
            guardian_status: optional_code(
                cat,
                ListKind::GuardianStatus,
                Field::GuardianStatus,
                &self.guardian_status,
            )?,
            emergency_contact: optional_line(
                Field::EmergencyContact,
                &self.emergency_contact,
                100,
            )?,
            note: Some(clean_multiline(Field::Note, &self.note, NOTE_MAX)?)
                .filter(|s| !s.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn draft() -> PersonDraft {
        PersonDraft {
            name: " 张三 ".into(),
            id_number: "11010519491231002x".into(),
            community: "360104001001".into(),
            phone: "138 0000 1234".into(),
            ..Default::default()
        }
    }

    #[test]
    fn derives_birth_and_sex_from_id() {
        let f = draft().validate(today(), Catalogue::builtin()).unwrap();
        assert_eq!(f.name, "张三");
        assert_eq!(f.sex, Some(Sex::Female));
        assert_eq!(f.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(f.phone.as_deref(), Some("13800001234"));
        assert_eq!(f.assistance_status, "none");
        assert!(!f.lacks_id_number());
    }

    #[test]
    fn a_person_without_id_is_allowed_and_flagged() {
        let mut d = draft();
        d.id_number = "  ".into();
        let f = d.validate(today(), Catalogue::builtin()).unwrap();
        assert!(f.lacks_id_number());
        assert_eq!(f.birth_date, None);
    }

    #[test]
    fn refusals_name_the_field() {
        let cat = Catalogue::builtin();
        let mut d = draft();
        d.name = "".into();
        assert_eq!(d.validate(today(), cat).unwrap_err().field, Field::Name);
        let mut d = draft();
        d.phone = "12345".into();
        assert_eq!(d.validate(today(), cat).unwrap_err().field, Field::Phone);
        let mut d = draft();
        d.self_care = "flying".into();
        let e = d.validate(today(), cat).unwrap_err();
        assert_eq!(e.field, Field::SelfCare);
        assert_eq!(
            e.reason,
            Reason::NotInCatalogue {
                code: "flying".into()
            }
        );
        let mut d = draft();
        d.address = "南昌\u{1b}[2J".into();
        assert_eq!(d.validate(today(), cat).unwrap_err().field, Field::Address);
    }

    #[test]
    fn phones_as_people_write_them() {
        assert_eq!(
            parse_phone(Field::Phone, "+86 139-0000-1111")
                .unwrap()
                .as_deref(),
            Some("13900001111")
        );
        assert_eq!(
            parse_phone(Field::Phone, "0791-88123456")
                .unwrap()
                .as_deref(),
            Some("0791-88123456")
        );
        assert_eq!(parse_phone(Field::Phone, "").unwrap(), None);
        assert!(parse_phone(Field::Phone, "1230000111").is_err());
        assert!(parse_phone(Field::Phone, "abc").is_err());
    }
}

/// A stored person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Identity and version.
    pub meta: super::record::RecordMeta,
    /// The facts.
    pub facts: PersonFacts,
    /// 服务号, once enrolled in the archive.
    pub service_no: Option<String>,
    /// Where the record stands.
    pub status: PersonStatus,
    /// The household (户口簿) the person belongs to now, if recorded.
    pub household: Option<super::household::Membership>,
    /// The record this one was merged into (its status is then Cancelled).
    pub merged_into: Option<String>,
    /// Why the record ended (cancelled, merged), as typed.
    pub status_reason: Option<String>,
}

impl Person {
    /// A new, active person with `facts`, in no household.
    pub fn new(meta: super::record::RecordMeta, facts: PersonFacts) -> Person {
        Person {
            meta,
            facts,
            service_no: None,
            status: PersonStatus::Active,
            household: None,
            merged_into: None,
            status_reason: None,
        }
    }

    /// The id of the household the person belongs to, if any.
    pub fn household_id(&self) -> Option<&str> {
        self.household.as_ref().map(|m| m.household_id.as_str())
    }
}

/// True when two names may be the same person's, written twice: the same name, the same full
/// pinyin (张三 and 章三, a homophone typed by an input method), or the same length with one
/// character different (a slip of the input method or of the ear).
pub fn similar_names(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = b.chars().filter(|c| !c.is_whitespace()).collect();
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    if a.len() == b.len() && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1 {
        return true;
    }
    let ka = super::pinyin_keys::keys_of(&a.iter().collect::<String>());
    let kb = super::pinyin_keys::keys_of(&b.iter().collect::<String>());
    ka.full.iter().any(|f| kb.full.contains(f))
}

#[cfg(test)]
mod similar_tests {
    use super::similar_names;

    #[test]
    fn names_alike_and_not() {
        assert!(similar_names("张三", "张三"));
        assert!(similar_names("张三", "章三"), "homophone, one character");
        assert!(
            similar_names("王芳", "汪方"),
            "same full pinyin, two characters"
        );
        assert!(similar_names("欧阳修文", "欧阳秀文"));
        assert!(!similar_names("张三", "李四"));
        assert!(
            !similar_names("张三", "张三丰"),
            "different length, other reading"
        );
        assert!(!similar_names("张小明", "李小红"), "two characters differ");
        assert!(!similar_names("", "张三"));
    }
}

/// A phone number as shown to people who may not see it whole: the first three and last four
/// digits (`138****1234`); shorter numbers are starred out entirely.
pub fn masked_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// How much of a person's identifying facts a reader sees: whole (those who may edit the
/// record), or masked the same way on every screen, print and export (everyone else; only a
/// reveal with a reason, kept in the access log, shows them whole on the person's screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Everything as recorded.
    Whole,
    /// ID number and phones masked, address and contact text hidden, birth date as its year.
    Masked,
}

impl Disclosure {
    /// `Whole` when `whole`, else `Masked`.
    pub fn whole_if(whole: bool) -> Disclosure {
        if whole {
            Disclosure::Whole
        } else {
            Disclosure::Masked
        }
    }

    /// True when the facts show as recorded.
    pub fn is_whole(self) -> bool {
        self == Disclosure::Whole
    }

    /// An ID number as shown: whole, or `3601**********1234`.
    pub fn id_number(self, n: &IdNumber) -> String {
        match self {
            Disclosure::Whole => n.as_str().to_string(),
            Disclosure::Masked => n.masked(),
        }
    }

    /// A phone as shown: whole, or `138****1234` (see [`masked_phone`]).
    pub fn phone(self, phone: &str) -> String {
        match self {
            Disclosure::Whole => phone.to_string(),
            Disclosure::Masked => masked_phone(phone),
        }
    }

    /// Text that locates or reaches a person (address, emergency contact) as shown: whole, or
    /// the hidden mark, since no part of it can be shown safely.
    pub fn located(self, text: &str, lang: Lang) -> String {
        match self {
            Disclosure::Whole => text.to_string(),
            Disclosure::Masked => t(lang, "detail.hidden").to_string(),
        }
    }

    /// The age on `today` as shown: none when masked, since beside the birth year it tells
    /// whether the birthday is past, which narrows the date again.
    pub fn age(self, birth: NaiveDate, today: NaiveDate) -> Option<u32> {
        match self {
            Disclosure::Whole => Some(crate::domain::id_number::age_on(birth, today)),
            Disclosure::Masked => None,
        }
    }

    /// A birth date as shown: written by `whole`, or the year alone (`1947年`), because a
    /// masked ID number beside the whole date leaves only a handful of numbers it can be.
    pub fn birth_date(
        self,
        birth: NaiveDate,
        lang: Lang,
        whole: impl FnOnce(NaiveDate) -> String,
    ) -> String {
        match self {
            Disclosure::Whole => whole(birth),
            Disclosure::Masked => tf(
                lang,
                "detail.birth_year",
                &[("year", &birth.year().to_string())],
            ),
        }
    }
}

#[cfg(test)]
mod masking_tests {
    use super::{masked_phone, Disclosure};
    use crate::domain::id_number::IdNumber;
    use crate::i18n::Lang;
    use chrono::NaiveDate;

    #[test]
    fn a_masked_reader_sees_the_same_masks_everywhere() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let id = IdNumber::parse("360104194707107719", today).unwrap();
        let birth = id.birth_date();
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let m = Disclosure::Masked;
        assert_eq!(m.id_number(&id), "3601**********7719");
        assert_eq!(m.phone("13800001234"), "138****1234");
        assert_eq!(m.located("洪都中大道8号", Lang::ZhCn), "（已隐藏）");
        assert_eq!(m.birth_date(birth, Lang::ZhCn, iso), "1947年");
        assert_eq!(m.birth_date(birth, Lang::En, iso), "1947");
        let w = Disclosure::Whole;
        assert_eq!(w.id_number(&id), "360104194707107719");
        assert_eq!(w.phone("13800001234"), "13800001234");
        assert_eq!(w.located("洪都中大道8号", Lang::ZhCn), "洪都中大道8号");
        assert_eq!(w.birth_date(birth, Lang::ZhCn, iso), "1947-07-10");
    }

    #[test]
    fn phones_keep_their_first_three_and_last_four_digits() {
        assert_eq!(masked_phone("13800001234"), "138****1234");
        assert_eq!(masked_phone("0791-88123456"), "079******3456");
        assert_eq!(masked_phone("12345"), "*****");
    }
}
