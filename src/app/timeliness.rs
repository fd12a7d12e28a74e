//! 时效统计: how long each step of the workflow took, per community, measured from the stored
//! timestamps — clue found → verified → reported → accepted (the clue's own times), accepted →
//! surveyed (the survey date), surveyed → decided and card → first service (the time each
//! step left on its change-log entry, and the first recorded service) — with how many items
//! are overdue now.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::clock::stored_day;
use super::{Ctx, Result};
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::timeliness::days_waiting;
use crate::store::{cases, clues, services};

/// One measured step: from the previous step to this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// Clue found → verified.
    Verify,
    /// Verified → reported to the subdistrict.
    Report,
    /// Reported → accepted.
    Accept,
    /// Accepted → home survey.
    Survey,
    /// Survey → decision (approved or denied).
    Decide,
    /// Card issued → first service recorded.
    FirstService,
}

impl Step {
    /// Every step, in workflow order.
    pub const ALL: [Step; 6] = [
        Step::Verify,
        Step::Report,
        Step::Accept,
        Step::Survey,
        Step::Decide,
        Step::FirstService,
    ];

    /// String-table key of the column heading.
    pub fn label_key(self) -> &'static str {
        match self {
            Step::Verify => "timeliness.step_verify",
            Step::Report => "timeliness.step_report",
            Step::Accept => "timeliness.step_accept",
            Step::Survey => "timeliness.step_survey",
            Step::Decide => "timeliness.step_decide",
            Step::FirstService => "timeliness.step_first_service",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How long one step took over many records.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepStat {
    /// How many records took the step.
    pub count: usize,
    /// The median of their days (a half day when the middle falls between two); `None`
    /// when none took it.
    pub median: Option<f64>,
}

/// The timeliness of one community (or of all together).
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityTimeliness {
    /// The community code; empty for the total of all communities.
    pub community: String,
    /// One per [`Step`], in [`Step::ALL`] order.
    pub steps: [StepStat; 6],
    /// Items waiting past their time limit now (every kind the inbox knows).
    pub overdue: usize,
}

impl CommunityTimeliness {
    /// The figures of `step`.
    pub fn step(&self, step: Step) -> StepStat {
        self.steps[step.index()]
    }
}

/// The days a step must have ended within to be counted (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// True when `d` is one of its days.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// The table: one row per community the session may see, and the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Per community, in code order.
    pub communities: Vec<CommunityTimeliness>,
    /// All of them together.
    pub total: CommunityTimeliness,
}

/// The median of `days`, `None` when empty.
pub fn median(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

fn stats(mut durations: [Vec<i64>; 6]) -> [StepStat; 6] {
    let mut out = [StepStat::default(); 6];
    for (stat, days) in out.iter_mut().zip(durations.iter_mut()) {
        *stat = StepStat {
            count: days.len(),
            median: median(days),
        };
    }
    out
}

/// Timeliness per community for the steps that ended in `period` (all time when `None`).
pub fn by_community(ctx: &Ctx<'_>, period: Option<Period>) -> Result<Vec<CommunityTimeliness>> {
    Ok(report(ctx, period)?.communities)
}

/// Timeliness per community and in total for the steps that ended in `period`.
pub fn report(ctx: &Ctx<'_>, period: Option<Period>) -> Result<Report> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let visible = |c: &str| ctx.require(Action::ViewPerson, c).is_ok();
    let conn = ctx.store.conn();
    let mut durations: BTreeMap<String, [Vec<i64>; 6]> = BTreeMap::new();
    let mut record =
        |community: &str, step: Step, from: Option<NaiveDate>, to: Option<NaiveDate>| {
            let (Some(from), Some(to)) = (from, to) else {
                return;
            };
            if period.is_some_and(|p| !p.contains(to)) {
                return;
            }
            durations.entry(community.to_string()).or_default()[step.index()]
                .push(days_waiting(from, to));
        };
    for c in clues::all(conn)?.iter().filter(|c| visible(&c.community)) {
        let verified = c.verified_at.as_deref().and_then(stored_day);
        let reported = c.reported_at.as_deref().and_then(stored_day);
        let accepted = c.accepted_at.as_deref().and_then(stored_day);
        record(&c.community, Step::Verify, Some(c.found_on), verified);
        record(&c.community, Step::Report, verified, reported);
        record(&c.community, Step::Accept, reported, accepted);
    }
    let mut decided: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut carded: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for (id, kind, at) in cases::step_times(conn)? {
        let Some(day) = stored_day(&at) else { continue };
        let map = if kind == "case.issue_card" {
            &mut carded
        } else {
            &mut decided
        };
        // Approved and denied are both a decision: the first one counts.
        map.entry(id)
            .and_modify(|d| *d = (*d).min(day))
            .or_insert(day);
    }
    let first_served: BTreeMap<String, NaiveDate> =
        services::first_served(conn)?.into_iter().collect();
    for (case, accepted_at) in cases::all_with_acceptance(conn)? {
        if !visible(&case.community) {
            continue;
        }
        let opened = accepted_at
            .as_deref()
            .and_then(stored_day)
            .or_else(|| stored_day(&case.meta.created_at));
        let id = &case.meta.id;
        record(&case.community, Step::Survey, opened, case.survey_date);
        record(
            &case.community,
            Step::Decide,
            case.survey_date,
            decided.get(id).copied(),
        );
        record(
            &case.community,
            Step::FirstService,
            carded.get(id).copied(),
            first_served.get(id).copied(),
        );
    }
    let thresholds = super::settings::thresholds(ctx)?;
    // Everything overdue in the community, whoever's step it is: the table is about the
    // community's work, not the reader's.
    let overdue = super::inbox::overdue_by_community(ctx, &thresholds)?;
    let mut communities: BTreeSet<String> = super::person::hosted_communities(ctx)?
        .into_iter()
        .filter(|u| u.tier() == Tier::Community && visible(&u.code))
        .map(|u| u.code)
        .collect();
    communities.extend(durations.keys().cloned());
    communities.extend(overdue.keys().cloned());
    let mut all: [Vec<i64>; 6] = Default::default();
    for d in durations.values() {
        for (sum, part) in all.iter_mut().zip(d.iter()) {
            sum.extend_from_slice(part);
        }
    }
    let total = CommunityTimeliness {
        community: String::new(),
        steps: stats(all),
        overdue: overdue.values().sum(),
    };
    let rows = communities
        .into_iter()
        .map(|c| CommunityTimeliness {
            steps: stats(durations.remove(&c).unwrap_or_default()),
            overdue: overdue.get(&c).copied().unwrap_or(0),
            community: c,
        })
        .collect();
    Ok(Report {
        communities: rows,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median(&mut [1, 2, 3, 10]), Some(2.5));
    }

    #[test]
    fn steps_are_in_workflow_order() {
        assert_eq!(Step::ALL[0], Step::Verify);
        assert_eq!(Step::ALL[5], Step::FirstService);
        for (i, s) in Step::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
    }
}
