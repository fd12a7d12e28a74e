//! 互助服务记录: one visit of a helper to the person paired with them, recorded by the
//! community — the day, the item, how long, what was done, and whether the person confirmed
//! it. Only confirmed visits count towards the helper's monthly subsidy.

use chrono::NaiveDate;

use super::record::RecordMeta;

/// Longest description of a visit.
pub const CONTENT_MAX: usize = 200;

/// A stored visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpVisit {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The pairing visited under.
    pub pairing_id: String,
    /// The helper.
    pub helper_id: String,
    /// The person helped.
    pub person_id: String,
    /// The person's community.
    pub community: String,
    /// The day.
    pub visited_on: NaiveDate,
    /// The service item.
    pub item: String,
    /// Minutes spent.
    pub minutes: i64,
    /// What was done.
    pub content: String,
    /// The person confirmed it (签字或电话确认).
    pub confirmed: bool,
    /// Who recorded it.
    pub recorded_by: String,
}
