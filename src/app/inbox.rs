//! 待办: what waits for this workstation's users, by workflow step. This release counts the
//! clues and cases in each waiting state; the per-user inbox with ages and thresholds comes
//! with the workflow.

use super::{Ctx, Result};
use crate::domain::case::CaseState;
use crate::domain::clue::ClueState;
use crate::domain::permission::Action;
use crate::store::{cases, clues, persons};

/// One line of the inbox: the string-table key of what waits, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// String-table key.
    pub label: &'static str,
    /// How many.
    pub count: i64,
}

/// The counts shown on the home screen.
pub fn counts(ctx: &Ctx<'_>) -> Result<Vec<Waiting>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let conn = ctx.store.conn();
    let clue = clues::count_by_state(conn)?;
    let case = cases::count_by_state(conn)?;
    let of_clue = |s: ClueState| {
        clue.iter()
            .find(|(st, _)| *st == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let of_case = |s: CaseState| {
        case.iter()
            .find(|(st, _)| *st == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    Ok(vec![
        Waiting {
            label: "inbox.clues_to_verify",
            count: of_clue(ClueState::Recorded),
        },
        Waiting {
            label: "inbox.clues_to_report",
            count: of_clue(ClueState::Verified),
        },
        Waiting {
            label: "inbox.reports_to_accept",
            count: of_clue(ClueState::Reported),
        },
        Waiting {
            label: "inbox.cases_to_survey",
            count: of_case(CaseState::Accepted),
        },
        Waiting {
            label: "inbox.cases_to_assess",
            count: of_case(CaseState::Surveyed),
        },
        Waiting {
            label: "inbox.cases_to_decide",
            count: of_case(CaseState::Assessed),
        },
        Waiting {
            label: "inbox.cards_to_issue",
            count: of_case(CaseState::Approved),
        },
        Waiting {
            label: "inbox.in_service",
            count: of_case(CaseState::InService),
        },
        Waiting {
            label: "inbox.persons",
            count: persons::count(conn)?,
        },
    ])
}
