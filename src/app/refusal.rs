//! Refusals of the household, merge, transfer and filed-paper use cases: each names what is
//! wrong and what to do instead, in the user's language.

use crate::i18n::{t, tf, Lang, Localize};

/// Why a household, merge, transfer or filed-paper step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleRefusal {
    /// A record cannot be merged into itself.
    #[error("merge into itself")]
    MergeSelf,
    /// Two different ID numbers are two different people.
    #[error("different ID numbers")]
    MergeDifferentIds,
    /// The two belong to different households (or the kept one could not take the other's
    /// place in a household of another community).
    #[error("different households")]
    MergeHouseholds,
    /// The record is not active (cancelled, deceased, moved out of the district).
    #[error("person not active")]
    NotActive {
        /// The person's name.
        name: String,
        /// String-table key of their status.
        status: &'static str,
    },
    /// A transfer of this person waits for the receiving community.
    #[error("transfer pending")]
    TransferPending {
        /// The person's name.
        name: String,
    },
    /// The transfer names the community the person is already in.
    #[error("same community")]
    SameCommunity,
    /// The code names an org unit that is not a community or village.
    #[error("not a community")]
    NotACommunity {
        /// The org unit's name or code.
        name: String,
    },
    /// The head cannot leave while other members remain.
    #[error("head with members")]
    HeadWithMembers {
        /// The head's name.
        name: String,
    },
    /// The household was closed when its last member left.
    #[error("household closed")]
    HouseholdClosed,
    /// Members live in the household's community.
    #[error("other community")]
    OtherCommunity {
        /// The person's name.
        name: String,
    },
    /// The person is not a member of this household.
    #[error("not a member")]
    NotMember {
        /// The person's name.
        name: String,
    },
    /// The person already heads the household.
    #[error("already head")]
    AlreadyHead {
        /// The person's name.
        name: String,
    },
    /// A scan cannot be masked, and the session sees the person's facts masked.
    #[error("scan shows masked facts")]
    ScanShowsWhole,
}

impl Localize for PeopleRefusal {
    fn localize(&self, lang: Lang) -> String {
        match self {
            PeopleRefusal::MergeSelf => t(lang, "people.merge_self").to_string(),
            PeopleRefusal::MergeDifferentIds => t(lang, "people.merge_different_ids").to_string(),
            PeopleRefusal::MergeHouseholds => t(lang, "people.merge_households").to_string(),
            PeopleRefusal::NotActive { name, status } => tf(
                lang,
                "people.not_active",
                &[("name", name), ("status", t(lang, status))],
            ),
            PeopleRefusal::TransferPending { name } => {
                tf(lang, "people.transfer_pending", &[("name", name)])
            }
            PeopleRefusal::SameCommunity => t(lang, "people.same_community").to_string(),
            PeopleRefusal::NotACommunity { name } => {
                tf(lang, "people.not_a_community", &[("name", name)])
            }
            PeopleRefusal::HeadWithMembers { name } => {
                tf(lang, "people.head_with_members", &[("name", name)])
            }
            PeopleRefusal::HouseholdClosed => t(lang, "people.household_closed").to_string(),
            PeopleRefusal::OtherCommunity { name } => {
                tf(lang, "people.other_community", &[("name", name)])
            }
            PeopleRefusal::NotMember { name } => tf(lang, "people.not_member", &[("name", name)]),
            PeopleRefusal::AlreadyHead { name } => {
                tf(lang, "people.already_head", &[("name", name)])
            }
            PeopleRefusal::ScanShowsWhole => t(lang, "people.scan_shows_whole").to_string(),
        }
    }
}
