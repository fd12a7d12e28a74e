//! What every replicated record carries besides its facts.

/// Global identity, origin and version of a replicated record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordMeta {
    /// Global id (UUIDv7 text).
    pub id: String,
    /// The workstation that created it.
    pub origin: String,
    /// Starts at 1, grows by one with every change.
    pub version: i64,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC.
    pub updated_at: String,
}

impl RecordMeta {
    /// Metadata of a record created now by `origin`.
    pub fn new(id: String, origin: &str, at: &str) -> RecordMeta {
        RecordMeta {
            id,
            origin: origin.to_string(),
            version: 1,
            created_at: at.to_string(),
            updated_at: at.to_string(),
        }
    }
}

/// A kind of replicated record (one table each in the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// `persons`
    Person,
    /// `clues`
    Clue,
    /// `cases`
    Case,
    /// `providers`
    Provider,
    /// `registrations`
    Registration,
    /// `services`
    Service,
    /// `documents`
    Document,
    /// `postings`
    Posting,
    /// `complaints`
    Complaint,
    /// `inspections`
    Inspection,
    /// `tasks`
    Task,
    /// `households`
    Household,
    /// `transfers`
    Transfer,
    /// `document_waivers`
    DocumentWaiver,
    /// `agreements`
    Agreement,
    /// `settlements`
    Settlement,
    /// `ledger_entries`
    LedgerEntry,
    /// `helpers`
    Helper,
    /// `pairings`
    Pairing,
    /// `help_visits`
    HelpVisit,
    /// `subsidy_lists`
    SubsidyList,
}

impl Entity {
    /// Every replicated kind.
    pub const ALL: [Entity; 21] = [
        Entity::Person,
        Entity::Clue,
        Entity::Case,
        Entity::Provider,
        Entity::Registration,
        Entity::Service,
        Entity::Document,
        Entity::Posting,
        Entity::Complaint,
        Entity::Inspection,
        Entity::Task,
        Entity::Household,
        Entity::Transfer,
        Entity::DocumentWaiver,
        Entity::Agreement,
        Entity::Settlement,
        Entity::LedgerEntry,
        Entity::Helper,
        Entity::Pairing,
        Entity::HelpVisit,
        Entity::SubsidyList,
    ];

    /// Code stored in the change log.
    pub fn code(self) -> &'static str {
        match self {
            Entity::Person => "person",
            Entity::Clue => "clue",
            Entity::Case => "case",
            Entity::Provider => "provider",
            Entity::Registration => "registration",
            Entity::Service => "service",
            Entity::Document => "document",
            Entity::Posting => "posting",
            Entity::Complaint => "complaint",
            Entity::Inspection => "inspection",
            Entity::Task => "task",
            Entity::Household => "household",
            Entity::Transfer => "transfer",
            Entity::DocumentWaiver => "document_waiver",
            Entity::Agreement => "agreement",
            Entity::Settlement => "settlement",
            Entity::LedgerEntry => "ledger_entry",
            Entity::Helper => "helper",
            Entity::Pairing => "pairing",
            Entity::HelpVisit => "help_visit",
            Entity::SubsidyList => "subsidy_list",
        }
    }

    /// Parses a change-log code.
    pub fn from_code(s: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == s)
    }
}
