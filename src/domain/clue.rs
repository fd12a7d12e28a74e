//! 主动发现: a clue (线索) about a person who may need services, and its state machine.
//!
//! recorded ─verify(real)→ verified ─report→ reported ─accept→ accepted
//!    │  └─verify(not real)→ unfounded
//!    └─withdraw (from recorded, verified or reported)→ withdrawn

use chrono::NaiveDate;

use super::record::RecordMeta;
use super::transition::TransitionError;

/// A stored clue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clue {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The person it is about.
    pub person_id: String,
    /// The community where it was found.
    pub community: String,
    /// What difficulty, in the officer's words.
    pub difficulty: String,
    /// Key-group codes (重点人群), possibly none.
    pub key_groups: Vec<String>,
    /// Source code (走访, 电话 …).
    pub source: String,
    /// Who reported it, if someone did.
    pub reporter: Option<String>,
    /// The day it was found.
    pub found_on: NaiveDate,
    /// Where it stands.
    pub state: ClueState,
    /// Username of the officer who recorded it.
    pub recorded_by: String,
    /// When it was verified (RFC 3339).
    pub verified_at: Option<String>,
    /// The verification finding.
    pub verify_note: Option<String>,
    /// When it was reported to the subdistrict.
    pub reported_at: Option<String>,
    /// When the subdistrict accepted it.
    pub accepted_at: Option<String>,
    /// When it was closed as unfounded or withdrawn.
    pub closed_at: Option<String>,
    /// Why it was withdrawn.
    pub close_reason: Option<String>,
}

/// Where a clue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClueState {
    /// 待核实: recorded, waiting for the information officer's check.
    Recorded,
    /// 核实属实: the difficulty is real; to be reported to the subdistrict.
    Verified,
    /// 核实不属实: closed.
    Unfounded,
    /// 已上报: waiting for the subdistrict to accept.
    Reported,
    /// 已受理: the subdistrict opened a case for it.
    Accepted,
    /// 已撤销: closed with a reason.
    Withdrawn,
}

/// A step on a clue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClueEvent {
    /// 核实, with the finding.
    Verify { real: bool },
    /// 上报街道.
    Report,
    /// 受理 (the subdistrict).
    Accept,
    /// 撤销.
    Withdraw,
}

impl ClueState {
    /// Every state, in workflow order.
    pub const ALL: [ClueState; 6] = [
        ClueState::Recorded,
        ClueState::Verified,
        ClueState::Unfounded,
        ClueState::Reported,
        ClueState::Accepted,
        ClueState::Withdrawn,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ClueState::Recorded => "recorded",
            ClueState::Verified => "verified",
            ClueState::Unfounded => "unfounded",
            ClueState::Reported => "reported",
            ClueState::Accepted => "accepted",
            ClueState::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<ClueState> {
        ClueState::ALL.into_iter().find(|st| st.code() == s)
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            ClueState::Recorded => "clue_state.recorded",
            ClueState::Verified => "clue_state.verified",
            ClueState::Unfounded => "clue_state.unfounded",
            ClueState::Reported => "clue_state.reported",
            ClueState::Accepted => "clue_state.accepted",
            ClueState::Withdrawn => "clue_state.withdrawn",
        }
    }

    /// True when no further step is possible.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ClueState::Unfounded | ClueState::Accepted | ClueState::Withdrawn
        )
    }

    /// The state after `event`, or the refusal.
    pub fn apply(self, event: ClueEvent) -> Result<ClueState, TransitionError> {
        use ClueState::*;
        match (self, event) {
            (Recorded, ClueEvent::Verify { real: true }) => Ok(Verified),
            (Recorded, ClueEvent::Verify { real: false }) => Ok(Unfounded),
            (Verified, ClueEvent::Report) => Ok(Reported),
            (Reported, ClueEvent::Accept) => Ok(Accepted),
            (Recorded | Verified | Reported, ClueEvent::Withdraw) => Ok(Withdrawn),
            _ => Err(TransitionError {
                record_key: "record.clue",
                from_key: self.label_key(),
                event_key: event.label_key(),
            }),
        }
    }
}

impl ClueEvent {
    /// String-table key of the step's name.
    pub fn label_key(self) -> &'static str {
        match self {
            ClueEvent::Verify { .. } => "clue_event.verify",
            ClueEvent::Report => "clue_event.report",
            ClueEvent::Accept => "clue_event.accept",
            ClueEvent::Withdraw => "clue_event.withdraw",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClueEvent::*;
    use ClueState::*;

    const EVENTS: [ClueEvent; 5] = [
        Verify { real: true },
        Verify { real: false },
        Report,
        Accept,
        Withdraw,
    ];

    #[test]
    fn the_happy_path() {
        let s = Recorded.apply(Verify { real: true }).unwrap();
        let s = s.apply(Report).unwrap();
        assert_eq!(s.apply(Accept).unwrap(), Accepted);
        assert_eq!(Recorded.apply(Verify { real: false }).unwrap(), Unfounded);
    }

    #[test]
    fn refuses_skipping_verification() {
        let e = Recorded.apply(Report).unwrap_err();
        assert_eq!(e.from_key, "clue_state.recorded");
        assert_eq!(e.event_key, "clue_event.report");
        assert!(Recorded.apply(Accept).is_err());
        assert!(Verified.apply(Accept).is_err());
    }

    #[test]
    fn closed_states_refuse_everything() {
        for st in ClueState::ALL.into_iter().filter(|s| s.is_closed()) {
            for ev in EVENTS {
                assert!(st.apply(ev).is_err(), "{st:?} must refuse {ev:?}");
            }
        }
    }

    #[test]
    fn cannot_verify_twice() {
        assert!(Verified.apply(Verify { real: true }).is_err());
        assert!(Reported.apply(Verify { real: false }).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for st in ClueState::ALL {
            assert_eq!(ClueState::from_code(st.code()), Some(st));
        }
    }
}
