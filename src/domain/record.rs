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
