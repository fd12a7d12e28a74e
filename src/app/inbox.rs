//! 待办: what waits, by workflow step, in the communities the user may see. The per-task
//! inbox with ages and configurable thresholds comes later; the lists of each step already
//! mark overdue items.

use super::{Ctx, Result};
use crate::domain::case::CaseState;
use crate::domain::clue::ClueState;
use crate::domain::permission::Action;
use crate::store::{cases, clues, persons, supervision, transfers};

/// One line of the inbox: the string-table key of what waits, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// String-table key.
    pub label: &'static str,
    /// How many.
    pub count: i64,
}

/// The counts shown on the home screen, over the communities the session may see.
pub fn counts(ctx: &Ctx<'_>) -> Result<Vec<Waiting>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let conn = ctx.store.conn();
    let visible = |community: &str| ctx.require(Action::ViewPerson, community).is_ok();
    let clue_counts = clues::count_by_community_and_state(conn)?;
    let case_counts = cases::count_by_community_and_state(conn)?;
    let of_clue = |s: ClueState| -> i64 {
        clue_counts
            .iter()
            .filter(|(c, st, _)| *st == s && visible(c))
            .map(|(_, _, n)| n)
            .sum()
    };
    let of_case = |s: CaseState| -> i64 {
        case_counts
            .iter()
            .filter(|(c, st, _)| *st == s && visible(c))
            .map(|(_, _, n)| n)
            .sum()
    };
    let persons: i64 = persons::count_by_community(conn)?
        .iter()
        .filter(|(c, _)| visible(c))
        .map(|(_, n)| n)
        .sum();
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
            label: "inbox.roster_follow_ups",
            count: super::task::counts(ctx)?.total(),
        },
        Waiting {
            label: "inbox.complaints_open",
            count: supervision::open_complaints_by_community(conn)?
                .iter()
                .filter(|(c, _)| visible(c))
                .map(|(_, n)| n)
                .sum(),
        },
        Waiting {
            label: "inbox.transfers_in",
            count: transfers::pending_by_community(conn)?
                .iter()
                .filter(|(c, _)| visible(c))
                .map(|(_, n)| n)
                .sum(),
        },
        Waiting {
            label: "inbox.persons",
            count: persons,
        },
    ])
}
