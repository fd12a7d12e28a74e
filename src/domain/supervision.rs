//! 监督管理: posting periods of the list of people served, complaints and objections with their
//! handling, and random inspections of recorded services.

use chrono::NaiveDate;

use super::record::RecordMeta;
use super::transition::TransitionError;

/// One posting period (公示) of a community's list: when, where, how many, and the hash of the
/// list as posted, so a later question about "the list that hung" has an exact answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// Identity and version.
    pub meta: RecordMeta,
    /// Community code.
    pub community: String,
    /// First day posted.
    pub period_from: NaiveDate,
    /// Last day posted; `None` for a long-term posting (长期公示) still hanging.
    pub period_to: Option<NaiveDate>,
    /// Posted with no end date (长期公示); stays so after a re-issue closed it.
    pub long_term: bool,
    /// The version that replaced this one (a re-issue of the community's list closes it).
    pub replaced_by: Option<String>,
    /// SHA-256 (hex) of who was listed: the sorted record ids of the cases in service
    /// (`None` for postings recorded before schema 16).
    pub members_sha256: Option<String>,
    /// Where it hung.
    pub place: String,
    /// How many persons it listed.
    pub persons: i64,
    /// SHA-256 (hex) of the file as posted.
    pub list_sha256: String,
    /// Who posted it.
    pub posted_by: String,
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComplaintState {
    /// 待处理: received, maybe assigned.
    Open,
    /// 已答复: answered, waiting to be closed.
    Answered,
    /// 已办结
    Closed,
}

/// A step on a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintEvent {
    /// 交办: (re)assign to a person.
    Assign,
    /// 答复
    Answer,
    /// 办结
    Close,
    /// 答复 and 办结 in one step: the answer given on the closing call.
    AnswerAndClose,
}

impl ComplaintState {
    /// Every state.
    pub const ALL: [ComplaintState; 3] = [
        ComplaintState::Open,
        ComplaintState::Answered,
        ComplaintState::Closed,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ComplaintState::Open => "open",
            ComplaintState::Answered => "answered",
            ComplaintState::Closed => "closed",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<ComplaintState> {
        ComplaintState::ALL.into_iter().find(|x| x.code() == s)
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            ComplaintState::Open => "complaint_state.open",
            ComplaintState::Answered => "complaint_state.answered",
            ComplaintState::Closed => "complaint_state.closed",
        }
    }

    /// The state after `event`, or the refusal. An answer may be given again (corrected)
    /// until the complaint is closed; closing needs an answer first.
    pub fn apply(self, event: ComplaintEvent) -> Result<ComplaintState, TransitionError> {
        use ComplaintEvent as E;
        use ComplaintState as S;
        match (self, event) {
            (S::Open, E::Assign) => Ok(S::Open),
            (S::Open | S::Answered, E::Answer) => Ok(S::Answered),
            (S::Answered, E::Close) | (S::Open, E::AnswerAndClose) => Ok(S::Closed),
            _ => Err(TransitionError {
                record_key: "record.complaint",
                from_key: self.label_key(),
                event_key: event.label_key(),
            }),
        }
    }
}

impl ComplaintEvent {
    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            ComplaintEvent::Assign => "complaint_event.assign",
            ComplaintEvent::Answer => "complaint_event.answer",
            ComplaintEvent::Close => "complaint_event.close",
            ComplaintEvent::AnswerAndClose => "complaint_event.answer_and_close",
        }
    }
}

/// A complaint or objection (投诉 / 异议) against a person's listing, a provider or a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The community it concerns.
    pub community: String,
    /// How it came in (catalogue `complaint_channel`).
    pub channel: String,
    /// The posting objected to, if any.
    pub posting_id: Option<String>,
    /// The person it concerns, if any.
    pub person_id: Option<String>,
    /// The provider it concerns, if any.
    pub provider_id: Option<String>,
    /// The service it concerns, if any.
    pub service_id: Option<String>,
    /// Day received.
    pub received_on: NaiveDate,
    /// Who complained (may be anonymous).
    pub complainant: Option<String>,
    /// What they said.
    pub content: String,
    /// Who handles it (a user name).
    pub assigned_to: Option<String>,
    /// The unit it was assigned to (交办 to a unit), an org code.
    pub assigned_unit: Option<String>,
    /// The day by which it is to be handled; past it the complaint is overdue in 待办.
    pub due_on: Option<NaiveDate>,
    /// The day of the follow-up call (回访) made on closing.
    pub followup_on: Option<NaiveDate>,
    /// The complainant's satisfaction at the follow-up (a `Satisfaction` code).
    pub satisfaction: Option<String>,
    /// What the follow-up found.
    pub followup_note: Option<String>,
    /// Where it stands.
    pub state: ComplaintState,
    /// The answer given.
    pub answer: Option<String>,
    /// When answered (RFC 3339).
    pub answered_at: Option<String>,
    /// When closed (RFC 3339).
    pub closed_at: Option<String>,
}

impl Posting {
    /// True while it hangs: long-term and not replaced, or its last day not yet past.
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.replaced_by.is_none() && self.period_to.is_none_or(|to| to >= day)
    }
}

/// A random inspection (督查) of one recorded service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The community of the person served.
    pub community: String,
    /// The service inspected.
    pub service_id: String,
    /// Day of the inspection.
    pub inspected_on: NaiveDate,
    /// Who inspected.
    pub inspector: String,
    /// Finding code (catalogue `inspection_result`).
    pub result: String,
    /// What was found.
    pub finding: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_is_answered_before_it_is_closed_and_stays_closed() {
        use ComplaintEvent as E;
        use ComplaintState as S;
        assert_eq!(S::Open.apply(E::Assign), Ok(S::Open));
        assert!(
            S::Open.apply(E::Close).is_err(),
            "no closing without an answer"
        );
        assert_eq!(S::Open.apply(E::Answer), Ok(S::Answered));
        assert_eq!(S::Answered.apply(E::Answer), Ok(S::Answered));
        assert_eq!(S::Answered.apply(E::Close), Ok(S::Closed));
        assert_eq!(S::Open.apply(E::AnswerAndClose), Ok(S::Closed));
        assert!(
            S::Answered.apply(E::AnswerAndClose).is_err(),
            "an answered complaint is closed, not answered again on closing"
        );
        for e in [E::Assign, E::Answer, E::Close, E::AnswerAndClose] {
            assert!(S::Closed.apply(e).is_err(), "closed stays closed: {e:?}");
        }
        for s in ComplaintState::ALL {
            assert_eq!(ComplaintState::from_code(s.code()), Some(s));
        }
    }
}
