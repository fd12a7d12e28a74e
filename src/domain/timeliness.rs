//! How long a step may wait before it is overdue (defaults; the plan says 第一时间 and 立即).

use chrono::NaiveDate;

use super::case::CaseState;
use super::clue::ClueState;

/// Days a recorded clue may wait for verification.
pub const VERIFY_DAYS: i64 = 3;
/// Days a verified clue may wait to be reported (the plan: 立即上报).
pub const REPORT_DAYS: i64 = 1;
/// Days a report may wait for the subdistrict to accept it.
pub const ACCEPT_DAYS: i64 = 3;
/// Days an accepted case may wait for the home survey.
pub const SURVEY_DAYS: i64 = 7;
/// Days from survey to decision.
pub const DECIDE_DAYS: i64 = 15;

/// The days a clue in `state` may wait, if it is waiting at all.
pub fn clue_limit(state: ClueState) -> Option<i64> {
    match state {
        ClueState::Recorded => Some(VERIFY_DAYS),
        ClueState::Verified => Some(REPORT_DAYS),
        ClueState::Reported => Some(ACCEPT_DAYS),
        _ => None,
    }
}

/// The days a case in `state` may wait, if it is waiting at all.
pub fn case_limit(state: CaseState) -> Option<i64> {
    match state {
        CaseState::Accepted => Some(SURVEY_DAYS),
        CaseState::Surveyed | CaseState::Assessed => Some(DECIDE_DAYS),
        _ => None,
    }
}

/// Whole days from `since` to `today` (0 for today or a future date).
pub fn days_waiting(since: NaiveDate, today: NaiveDate) -> i64 {
    (today - since).num_days().max(0)
}

/// True when something waiting since `since` with `limit` days is overdue on `today`.
pub fn overdue(since: NaiveDate, today: NaiveDate, limit: Option<i64>) -> bool {
    limit.is_some_and(|l| days_waiting(since, today) > l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_clue_is_overdue_after_three_days_unverified() {
        let lim = clue_limit(ClueState::Recorded);
        assert!(!overdue(d("2026-11-25"), d("2026-11-28"), lim));
        assert!(overdue(d("2026-11-24"), d("2026-11-28"), lim));
        assert!(!overdue(
            d("2026-01-01"),
            d("2026-11-28"),
            clue_limit(ClueState::Accepted)
        ));
        assert_eq!(days_waiting(d("2026-11-29"), d("2026-11-28")), 0);
    }
}
