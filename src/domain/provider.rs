//! 服务供给主体: the providers that deliver services, of the five kinds.

use chrono::NaiveDate;

use super::catalogue::{Catalogue, ListKind};
use super::credit_code::CreditCode;
use super::date::parse_date;
use super::org::parse_org_code;
use super::person::parse_phone;
use super::record::RecordMeta;
use super::text::{optional_line, required_line};
use super::validation::{Field, Reason, ValidationError};

/// A stored provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Identity and version.
    pub meta: RecordMeta,
    /// Its name.
    pub name: String,
    /// One of the five provider kinds.
    pub kind: String,
    /// Service item codes it offers.
    pub items: Vec<String>,
    /// Contact person.
    pub contact: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// The org unit it serves (and everything below it).
    pub area: String,
    /// Still taking recipients.
    pub active: bool,
    /// Its registration and certificate, where it has them.
    pub qualification: Qualification,
}

/// A provider's qualification facts (资质): none is required, since volunteer teams and
/// party members' groups hold no certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Qualification {
    /// 统一社会信用代码, checked (GB 32100).
    pub credit_code: Option<String>,
    /// 资质类别 (catalogue `qualification_kind`).
    pub kind: Option<String>,
    /// 资质证书编号.
    pub number: Option<String>,
    /// The last day the certificate is valid.
    pub valid_until: Option<NaiveDate>,
}

/// What the registry form holds.
#[derive(Debug, Clone, Default)]
pub struct ProviderDraft {
    pub name: String,
    pub kind: String,
    pub items: Vec<String>,
    pub contact: String,
    pub phone: String,
    pub area: String,
    pub active: bool,
    pub credit_code: String,
    pub qualification_kind: String,
    pub qualification_no: String,
    pub qualification_valid_until: String,
}

/// The validated facts of a provider (everything but identity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFacts {
    pub name: String,
    pub kind: String,
    pub items: Vec<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub area: String,
    pub active: bool,
    pub qualification: Qualification,
}

impl ProviderDraft {
    /// Checks every field against the catalogue.
    pub fn validate(&self, cat: &Catalogue) -> Result<ProviderFacts, ValidationError> {
        let name = required_line(Field::ProviderName, &self.name, 60)?;
        if !cat.contains(ListKind::ProviderKind, &self.kind) {
            return Err(ValidationError::new(
                Field::ProviderKind,
                Reason::NotInCatalogue {
                    code: self.kind.clone(),
                },
            ));
        }
        if self.items.is_empty() {
            return Err(ValidationError::new(Field::Needs, Reason::Required));
        }
        if let Some(bad) = self
            .items
            .iter()
            .find(|i| !cat.contains(ListKind::ServiceItem, i))
        {
            return Err(ValidationError::new(
                Field::Needs,
                Reason::NotInCatalogue { code: bad.clone() },
            ));
        }
        let credit_code = match self.credit_code.trim() {
            "" => None,
            code => Some(CreditCode::parse(code)?.as_str().to_string()),
        };
        let kind = match self.qualification_kind.trim() {
            "" => None,
            k if cat.contains(ListKind::QualificationKind, k) => Some(k.to_string()),
            k => {
                return Err(ValidationError::new(
                    Field::QualificationKind,
                    Reason::NotInCatalogue { code: k.into() },
                ))
            }
        };
        let qualification = Qualification {
            credit_code,
            kind,
            number: super::agreement::parse_qualification_no(&self.qualification_no)?,
            valid_until: parse_date(
                Field::QualificationValidUntil,
                &self.qualification_valid_until,
            )?,
        };
        Ok(ProviderFacts {
            name,
            kind: self.kind.clone(),
            items: self.items.clone(),
            contact: optional_line(Field::Reporter, &self.contact, 30)?,
            phone: parse_phone(Field::Phone, &self.phone)?,
            area: parse_org_code(Field::Community, &self.area)?,
            active: self.active,
            qualification,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ProviderDraft {
        ProviderDraft {
            name: "青云谱区爱心助餐中心".into(),
            kind: "enterprise_institution".into(),
            items: vec!["meal_delivery".into()],
            area: "360104001".into(),
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_provider_is_checked_against_the_catalogue() {
        let cat = Catalogue::builtin();
        assert!(draft().validate(cat).is_ok());
        let mut d = draft();
        d.kind = "bank".into();
        assert_eq!(d.validate(cat).unwrap_err().field, Field::ProviderKind);
        let mut d = draft();
        d.items.clear();
        assert_eq!(d.validate(cat).unwrap_err().field, Field::Needs);
        let mut d = draft();
        d.name = " ".into();
        assert_eq!(d.validate(cat).unwrap_err().field, Field::ProviderName);
        let mut d = draft();
        d.credit_code = "914403001922038217".into();
        assert_eq!(d.validate(cat).unwrap_err().field, Field::CreditCode);
        let mut d = draft();
        d.qualification_kind = "bank_licence".into();
        assert_eq!(d.validate(cat).unwrap_err().field, Field::QualificationKind);
        let mut d = draft();
        d.qualification_valid_until = "2026-02-30".into();
        assert_eq!(
            d.validate(cat).unwrap_err().field,
            Field::QualificationValidUntil
        );
        let mut d = draft();
        d.credit_code = "914403001922038216".into();
        d.qualification_kind = "business_licence".into();
        d.qualification_valid_until = "2028-06-30".into();
        let q = d.validate(cat).unwrap().qualification;
        assert_eq!(q.credit_code.as_deref(), Some("914403001922038216"));
        assert_eq!(q.valid_until, NaiveDate::from_ymd_opt(2028, 6, 30));
    }
}
