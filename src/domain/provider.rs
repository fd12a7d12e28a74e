//! 服务供给主体: the providers that deliver services, of the five kinds.

use super::catalogue::{Catalogue, ListKind};
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
        Ok(ProviderFacts {
            name,
            kind: self.kind.clone(),
            items: self.items.clone(),
            contact: optional_line(Field::Reporter, &self.contact, 30)?,
            phone: parse_phone(Field::Phone, &self.phone)?,
            area: parse_org_code(Field::Community, &self.area)?,
            active: self.active,
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
    }
}
