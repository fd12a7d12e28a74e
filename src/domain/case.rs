//! 需求认定 to 动态管理: a case (救助服务个案) opened when the subdistrict accepts a reported
//! clue, and its state machine.
//!
//! accepted ─survey→ surveyed ─assess→ assessed ─approve→ approved ─issue card→ in service
//!                                        └─deny→ denied
//! in service ─suspend→ suspended ─resume→ in service;  in service | suspended ─stop→ stopped
//! in service ─review→ in service (continue or change items; the card gets a new version)
//! accepted | surveyed | assessed ─withdraw→ withdrawn

use chrono::NaiveDate;

use super::record::RecordMeta;
use super::transition::TransitionError;

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The person it serves.
    pub person_id: String,
    /// The clue it came from, if any.
    pub clue_id: Option<String>,
    /// The person's community.
    pub community: String,
    /// Where it stands.
    pub state: CaseState,
    /// When it entered that state (RFC 3339).
    pub state_changed_at: String,
    /// Recipient category code (one of six), set at assessment.
    pub category: Option<String>,
    /// Self-care level code, set at assessment.
    pub self_care: Option<String>,
    /// Service item codes assessed as needed.
    pub needs: Vec<String>,
    /// Day of the home survey.
    pub survey_date: Option<NaiveDate>,
    /// Who surveyed.
    pub survey_staff: Option<String>,
    /// What the survey found.
    pub survey_findings: Option<String>,
    /// The decision's note (认定意见), or the reason of a 不予认定. Only the decision writes
    /// it: every later step keeps its own note.
    pub decision_note: Option<String>,
    /// 服务卡 number, once issued.
    pub card_no: Option<String>,
    /// The card's last valid day.
    pub card_valid_until: Option<NaiveDate>,
    /// Stop reason code, once stopped.
    pub stop_reason: Option<String>,
    /// The service plan: one line per assessed need, in the order of `needs`.
    pub plan: Vec<PlannedItem>,
    /// Version of the service card: 0 before issue, then 1, 2, … as its items change.
    pub card_version: i64,
    /// The day of the last review (复核); the card's issue counts as the first. `None` on
    /// cases carded before reviews were scheduled.
    pub reviewed_on: Option<NaiveDate>,
    /// The survey's household facts and second investigator.
    pub household: SurveyHousehold,
    /// The account that assessed (the maker); `None` on cases assessed before it was kept.
    pub assessed_by: Option<String>,
    /// The decision's 审批人 (an account) and day, and whether the assessor decided it under
    /// the workstation's exception to the maker-checker rule.
    pub decided_by: Option<String>,
    /// The day of the decision (认定日期).
    pub decided_on: Option<NaiveDate>,
    /// True when the account that assessed also decided, as the exception allowed.
    pub decided_by_assessor: bool,
    /// The last review's outcome code (`review_outcome`), note and reviewer.
    pub review_outcome: Option<String>,
    /// The last review's note.
    pub review_note: Option<String>,
    /// Who did the last review (a name as written on the form).
    pub reviewed_by: Option<String>,
    /// The last suspension's reason, first day and the day service is expected to resume.
    pub suspend_reason: Option<String>,
    /// The first day of the last suspension.
    pub suspended_on: Option<NaiveDate>,
    /// The day the suspended service is expected to resume (overdue → 待办).
    pub resume_expected: Option<NaiveDate>,
    /// The day the service stopped (终止日期) and the stop's note.
    pub stopped_on: Option<NaiveDate>,
    /// The stop's note.
    pub stop_note: Option<String>,
    /// Why the case was withdrawn (撤销).
    pub withdraw_reason: Option<String>,
}

/// A case's decision as the 需求认定表 and the case page show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// 认定意见 (or the reason of a 不予认定).
    pub note: Option<String>,
    /// 审批人 as people read it: the real name of the account that decided (its login name
    /// when it has none; the case record keeps the account).
    pub by: Option<String>,
    /// 认定日期.
    pub on: Option<NaiveDate>,
    /// Decided by the assessor under the workstation's exception.
    pub by_assessor: bool,
}

/// What the home survey found of the household (入户调查).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyHousehold {
    /// Number of people living in the household (共同生活家庭成员), the person included.
    pub size: Option<i64>,
    /// The household's monthly income.
    pub monthly_income: Option<super::money::Fen>,
    /// Housing code (catalogue `housing`).
    pub housing: Option<String>,
    /// Who cares for the person now (照料情况), as written.
    pub care: Option<String>,
    /// The second investigator (the plan asks for two).
    pub second_investigator: Option<String>,
}

/// One line of the service plan (服务计划): an assessed need, how often and how urgently it is
/// served, and the provider proposed for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedItem {
    /// Service item code.
    pub item: String,
    /// Frequency code (catalogue `frequency`).
    pub frequency: String,
    /// Priority code (catalogue `priority`).
    pub priority: String,
    /// The proposed provider's record id, if one was found.
    #[serde(default)]
    pub provider_id: Option<String>,
}

/// Most people a survey may count in one household.
pub const HOUSEHOLD_MAX: i64 = 30;

/// How long a service card is valid from its issue or its last review.
pub const CARD_VALID_DAYS: i64 = 365;

/// Frequency proposed for a need until someone says otherwise.
pub const DEFAULT_FREQUENCY: &str = "weekly";
/// Priority proposed for a need until someone says otherwise.
pub const DEFAULT_PRIORITY: &str = "normal";

impl Case {
    /// The day the review schedule counts from: the last review, else the card's issue
    /// (read back from its validity for cases carded before reviews were recorded); `None`
    /// for a case without a card.
    pub fn review_from(&self) -> Option<NaiveDate> {
        self.reviewed_on.or_else(|| {
            self.card_valid_until
                .map(|d| d - chrono::Duration::days(CARD_VALID_DAYS))
        })
    }

    /// The plan line of each need, in the order of `needs`; a need without a line gets the
    /// defaults and no provider (older cases were assessed before plans existed).
    pub fn plan_lines(&self) -> Vec<PlannedItem> {
        self.needs
            .iter()
            .map(|item| {
                self.plan
                    .iter()
                    .find(|p| &p.item == item)
                    .cloned()
                    .unwrap_or_else(|| PlannedItem {
                        item: item.clone(),
                        frequency: DEFAULT_FREQUENCY.into(),
                        priority: DEFAULT_PRIORITY.into(),
                        provider_id: None,
                    })
            })
            .collect()
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseState {
    /// 待入户调查
    Accepted,
    /// 已入户调查，待评估
    Surveyed,
    /// 已评估，待认定
    Assessed,
    /// 认定通过，待发卡
    Approved,
    /// 不予认定 (closed)
    Denied,
    /// 服务中
    InService,
    /// 暂停服务
    Suspended,
    /// 已终止 (closed, with a reason)
    Stopped,
    /// 已撤销 (closed)
    Withdrawn,
}

impl Case {
    /// A case just opened by accepting a clue (or directly): waiting for the home survey.
    pub fn open(
        meta: RecordMeta,
        person_id: String,
        clue_id: Option<String>,
        community: String,
    ) -> Case {
        Case {
            state_changed_at: meta.created_at.clone(),
            meta,
            person_id,
            clue_id,
            community,
            state: CaseState::Accepted,
            category: None,
            self_care: None,
            needs: Vec::new(),
            survey_date: None,
            survey_staff: None,
            survey_findings: None,
            decision_note: None,
            card_no: None,
            card_valid_until: None,
            stop_reason: None,
            plan: Vec::new(),
            card_version: 0,
            reviewed_on: None,
            household: SurveyHousehold::default(),
            assessed_by: None,
            decided_by: None,
            decided_on: None,
            decided_by_assessor: false,
            review_outcome: None,
            review_note: None,
            reviewed_by: None,
            suspend_reason: None,
            suspended_on: None,
            resume_expected: None,
            stopped_on: None,
            stop_note: None,
            withdraw_reason: None,
        }
    }
}

/// A step on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    /// 入户调查
    Survey,
    /// 需求评估
    Assess,
    /// 认定通过
    Approve,
    /// 不予认定
    Deny,
    /// 发放服务卡
    IssueCard,
    /// 复核 (continue, or change items)
    Review,
    /// 暂停
    Suspend,
    /// 恢复
    Resume,
    /// 终止
    Stop,
    /// 撤销
    Withdraw,
}

impl CaseState {
    /// Every state, in workflow order.
    pub const ALL: [CaseState; 9] = [
        CaseState::Accepted,
        CaseState::Surveyed,
        CaseState::Assessed,
        CaseState::Approved,
        CaseState::Denied,
        CaseState::InService,
        CaseState::Suspended,
        CaseState::Stopped,
        CaseState::Withdrawn,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Accepted => "accepted",
            CaseState::Surveyed => "surveyed",
            CaseState::Assessed => "assessed",
            CaseState::Approved => "approved",
            CaseState::Denied => "denied",
            CaseState::InService => "in_service",
            CaseState::Suspended => "suspended",
            CaseState::Stopped => "stopped",
            CaseState::Withdrawn => "withdrawn",
        }
    }

    /// True while the service plan may change: from the assessment until the case ends.
    pub fn plan_editable(self) -> bool {
        matches!(
            self,
            CaseState::Assessed | CaseState::Approved | CaseState::InService | CaseState::Suspended
        )
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|st| st.code() == s)
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            CaseState::Accepted => "case_state.accepted",
            CaseState::Surveyed => "case_state.surveyed",
            CaseState::Assessed => "case_state.assessed",
            CaseState::Approved => "case_state.approved",
            CaseState::Denied => "case_state.denied",
            CaseState::InService => "case_state.in_service",
            CaseState::Suspended => "case_state.suspended",
            CaseState::Stopped => "case_state.stopped",
            CaseState::Withdrawn => "case_state.withdrawn",
        }
    }

    /// True when no further step is possible.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            CaseState::Denied | CaseState::Stopped | CaseState::Withdrawn
        )
    }

    /// The state after `event`, or the refusal.
    pub fn apply(self, event: CaseEvent) -> Result<CaseState, TransitionError> {
        use CaseEvent as E;
        use CaseState::*;
        match (self, event) {
            (Accepted, E::Survey) => Ok(Surveyed),
            (Surveyed, E::Assess) => Ok(Assessed),
            (Assessed, E::Approve) => Ok(Approved),
            // Denied after the assessment, or straight after a survey that found the person
            // outside every category (nothing to assess).
            (Surveyed | Assessed, E::Deny) => Ok(Denied),
            (Approved, E::IssueCard) => Ok(InService),
            (InService, E::Review) => Ok(InService),
            (InService, E::Suspend) => Ok(Suspended),
            (Suspended, E::Resume) => Ok(InService),
            (InService | Suspended, E::Stop) => Ok(Stopped),
            (Accepted | Surveyed | Assessed, E::Withdraw) => Ok(Withdrawn),
            _ => Err(TransitionError {
                record_key: "record.case",
                from_key: self.label_key(),
                event_key: event.label_key(),
            }),
        }
    }
}

impl CaseEvent {
    /// Every step.
    pub const ALL: [CaseEvent; 10] = [
        CaseEvent::Survey,
        CaseEvent::Assess,
        CaseEvent::Approve,
        CaseEvent::Deny,
        CaseEvent::IssueCard,
        CaseEvent::Review,
        CaseEvent::Suspend,
        CaseEvent::Resume,
        CaseEvent::Stop,
        CaseEvent::Withdraw,
    ];

    /// String-table key of the step's name.
    pub fn label_key(self) -> &'static str {
        match self {
            CaseEvent::Survey => "case_event.survey",
            CaseEvent::Assess => "case_event.assess",
            CaseEvent::Approve => "case_event.approve",
            CaseEvent::Deny => "case_event.deny",
            CaseEvent::IssueCard => "case_event.issue_card",
            CaseEvent::Review => "case_event.review",
            CaseEvent::Suspend => "case_event.suspend",
            CaseEvent::Resume => "case_event.resume",
            CaseEvent::Stop => "case_event.stop",
            CaseEvent::Withdraw => "case_event.withdraw",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseEvent as E;
    use CaseState::*;

    #[test]
    fn the_whole_path_to_a_stopped_service() {
        let mut s = Accepted;
        for ev in [
            E::Survey,
            E::Assess,
            E::Approve,
            E::IssueCard,
            E::Review,
            E::Suspend,
            E::Resume,
            E::Stop,
        ] {
            s = s
                .apply(ev)
                .unwrap_or_else(|e| panic!("{ev:?} from {s:?}: {e}"));
        }
        assert_eq!(s, Stopped);
    }

    #[test]
    fn no_card_for_a_case_never_assessed() {
        for st in [Accepted, Surveyed, Assessed] {
            let e = st.apply(E::IssueCard).unwrap_err();
            assert_eq!(e.event_key, "case_event.issue_card");
            assert_eq!(e.record_key, "record.case");
        }
        assert!(Accepted.apply(E::Approve).is_err());
        assert!(Surveyed.apply(E::Approve).is_err());
    }

    #[test]
    fn closed_cases_refuse_every_step() {
        for st in CaseState::ALL.into_iter().filter(|s| s.is_closed()) {
            for ev in CaseEvent::ALL {
                assert!(st.apply(ev).is_err(), "{st:?} must refuse {ev:?}");
            }
        }
    }

    #[test]
    fn only_services_can_be_suspended_and_reviewed() {
        assert!(Approved.apply(E::Suspend).is_err());
        assert!(Suspended.apply(E::Review).is_err());
        assert!(InService.apply(E::Withdraw).is_err());
    }

    #[test]
    fn reviews_count_from_the_last_review_else_from_the_card() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut c = Case::open(
            RecordMeta::new("c".into(), "ws", "2026-01-01T00:00:00.000Z"),
            "p".into(),
            None,
            "360104001001".into(),
        );
        assert_eq!(c.review_from(), None, "no card, no schedule");
        c.card_valid_until = Some(d("2026-12-01"));
        assert_eq!(
            c.review_from(),
            Some(d("2025-12-01")),
            "carded before reviews were recorded"
        );
        c.reviewed_on = Some(d("2026-06-01"));
        assert_eq!(c.review_from(), Some(d("2026-06-01")));
    }

    #[test]
    fn codes_round_trip() {
        for st in CaseState::ALL {
            assert_eq!(CaseState::from_code(st.code()), Some(st));
        }
    }
}
