//! Households as the 户口簿 has them: one head (户主) and members, each with their relation to
//! the head (与户主关系, a catalogue code). A person belongs to one household at a time.

use super::catalogue::{Catalogue, ListKind};
use super::record::RecordMeta;
use super::validation::{Field, Reason, ValidationError};

/// The relation code of the head of household.
pub const HEAD: &str = "head";

/// A person's place in a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The household's record id.
    pub household_id: String,
    /// 与户主关系: a `household_relation` code, [`HEAD`] for the head.
    pub relation: String,
}

/// A stored household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The community it is registered in (its head's).
    pub community: String,
    /// The head's person id.
    pub head_person_id: String,
    /// The address of the household register.
    pub address: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// When its last member left (RFC 3339): a closed household takes no members.
    pub closed_at: Option<String>,
}

impl Household {
    /// True once its last member left.
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }
}

/// Checks the relation of a member who is not the head: a catalogue code other than [`HEAD`]
/// (a household has one head; making someone head is its own step).
pub fn member_relation(code: &str) -> Result<String, ValidationError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(ValidationError::new(Field::Relation, Reason::Required));
    }
    if code == HEAD || !Catalogue::builtin().contains(ListKind::HouseholdRelation, code) {
        return Err(ValidationError::new(
            Field::Relation,
            Reason::NotInCatalogue {
                code: code.to_string(),
            },
        ));
    }
    Ok(code.to_string())
}

/// The order members are listed in: the head first, then by relation as the catalogue lists
/// them (配偶, 子女, 父母 …).
pub fn relation_rank(code: &str) -> usize {
    Catalogue::builtin()
        .entries(ListKind::HouseholdRelation)
        .iter()
        .position(|e| e.code == code)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_have_a_relation_other_than_head() {
        assert_eq!(member_relation(" spouse ").unwrap(), "spouse");
        assert_eq!(
            member_relation("head").unwrap_err().field,
            Field::Relation,
            "one head per household"
        );
        assert_eq!(member_relation("").unwrap_err().reason, Reason::Required);
        assert!(member_relation("cousin").is_err());
    }

    #[test]
    fn the_head_is_listed_first() {
        assert!(relation_rank(HEAD) < relation_rank("spouse"));
        assert!(relation_rank("spouse") < relation_rank("other"));
        assert_eq!(relation_rank("unknown"), usize::MAX);
    }
}
