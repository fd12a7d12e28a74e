//! 温情服务: a provider's registration of a recipient (by the service card) and the record of
//! each service delivered.

use chrono::NaiveDate;

use super::record::RecordMeta;

/// A provider's registration of a recipient before the first service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The provider.
    pub provider_id: String,
    /// The recipient's case.
    pub case_id: String,
    /// The card presented.
    pub card_no: String,
    /// When.
    pub registered_on: NaiveDate,
}

/// The recipient's word on a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Satisfaction {
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Unsatisfied,
}

impl Satisfaction {
    /// Every value.
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::Satisfied,
        Satisfaction::Basic,
        Satisfaction::Unsatisfied,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|x| x.code() == s)
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfaction.satisfied",
            Satisfaction::Basic => "satisfaction.basic",
            Satisfaction::Unsatisfied => "satisfaction.unsatisfied",
        }
    }
}

/// One service delivered (服务开展记录).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRecord {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The registration it falls under.
    pub registration_id: String,
    /// The recipient's case.
    pub case_id: String,
    /// The provider.
    pub provider_id: String,
    /// The service item.
    pub item: String,
    /// The day.
    pub served_on: NaiveDate,
    /// How long, in minutes.
    pub minutes: i64,
    /// Who served.
    pub served_by: String,
    /// What was done.
    pub content: String,
    /// The recipient confirmed it.
    pub confirmed: bool,
    /// The recipient's satisfaction, if asked.
    pub satisfaction: Option<Satisfaction>,
}
