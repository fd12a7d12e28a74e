//! How long a step may wait before it is overdue, and when a service is due for review. The
//! plan says 第一时间 and 立即 without numbers; the numbers here are the defaults, and each
//! workstation may change them (系统设置 → 时限), so every list and the 待办 inbox take a
//! [`Thresholds`] rather than the constants.

use chrono::{Duration, NaiveDate};

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
/// Days from survey to decision (and the card that carries it).
pub const DECIDE_DAYS: i64 = 15;
/// Days a roster follow-up task may stay open: the next monthly roster arrives after that.
pub const FOLLOW_UP_DAYS: i64 = 30;
/// Days a complaint or objection may stay open before it is closed.
pub const COMPLAINT_DAYS: i64 = 15;
/// Days between re-reviews of a service (半年复核).
pub const REVIEW_INTERVAL_DAYS: i64 = 180;
/// Days before a service card's last valid day that it appears in the inbox.
pub const CARD_WARNING_DAYS: i64 = 30;
/// Days after the last backup before the administrator is reminded.
pub const BACKUP_REMIND_DAYS: i64 = 7;
/// Minutes without a key before the terminal UI locks.
pub const IDLE_LOCK_MINUTES: i64 = 10;
/// Minutes an account stays locked after five wrong passwords.
pub const LOCK_OUT_MINUTES: i64 = 15;

/// One configurable number of days (minutes for the idle lock and the lock-out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Limit {
    /// Recorded clue → verified.
    Verify,
    /// Verified clue → reported.
    Report,
    /// Reported → accepted by the subdistrict.
    Accept,
    /// Accepted → home survey.
    Survey,
    /// Survey → decision and card.
    Decide,
    /// A roster follow-up task open → done.
    FollowUp,
    /// A complaint received → closed.
    Complaint,
    /// Card issue or last review → next review.
    ReviewInterval,
    /// How early an expiring card is listed.
    CardWarning,
    /// Days after the last backup before 待办 reminds the administrator.
    BackupRemind,
    /// Minutes without a key before the screen locks.
    IdleLock,
    /// Minutes an account stays locked after five wrong passwords.
    LockOut,
}

impl Limit {
    /// Every limit, in the order the settings screen shows them.
    pub const ALL: [Limit; 12] = [
        Limit::Verify,
        Limit::Report,
        Limit::Accept,
        Limit::Survey,
        Limit::Decide,
        Limit::FollowUp,
        Limit::Complaint,
        Limit::ReviewInterval,
        Limit::CardWarning,
        Limit::BackupRemind,
        Limit::IdleLock,
        Limit::LockOut,
    ];

    /// Stable code, the key of the workstation setting (no dot: it is not a string-table key).
    pub fn code(self) -> &'static str {
        match self {
            Limit::Verify => "verify_days",
            Limit::Report => "report_days",
            Limit::Accept => "accept_days",
            Limit::Survey => "survey_days",
            Limit::Decide => "decide_days",
            Limit::FollowUp => "follow_up_days",
            Limit::Complaint => "complaint_days",
            Limit::ReviewInterval => "review_interval_days",
            Limit::CardWarning => "card_warning_days",
            Limit::BackupRemind => "backup_remind_days",
            Limit::IdleLock => "idle_lock_minutes",
            Limit::LockOut => "lock_out_minutes",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<Limit> {
        Limit::ALL.into_iter().find(|l| l.code() == s)
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Limit::Verify => "limits.verify",
            Limit::Report => "limits.report",
            Limit::Accept => "limits.accept",
            Limit::Survey => "limits.survey",
            Limit::Decide => "limits.decide",
            Limit::FollowUp => "limits.follow_up",
            Limit::Complaint => "limits.complaint",
            Limit::ReviewInterval => "limits.review_interval",
            Limit::CardWarning => "limits.card_warning",
            Limit::BackupRemind => "limits.backup_remind",
            Limit::IdleLock => "limits.idle_lock",
            Limit::LockOut => "limits.lock_out",
        }
    }

    /// The default number of days.
    pub fn default_days(self) -> i64 {
        match self {
            Limit::Verify => VERIFY_DAYS,
            Limit::Report => REPORT_DAYS,
            Limit::Accept => ACCEPT_DAYS,
            Limit::Survey => SURVEY_DAYS,
            Limit::Decide => DECIDE_DAYS,
            Limit::FollowUp => FOLLOW_UP_DAYS,
            Limit::Complaint => COMPLAINT_DAYS,
            Limit::ReviewInterval => REVIEW_INTERVAL_DAYS,
            Limit::CardWarning => CARD_WARNING_DAYS,
            Limit::BackupRemind => BACKUP_REMIND_DAYS,
            Limit::IdleLock => IDLE_LOCK_MINUTES,
            Limit::LockOut => LOCK_OUT_MINUTES,
        }
    }

    /// The values accepted: a deadline may be 0 (the same day); a review interval under a
    /// month or over two years, or a warning longer than half a year, is a typing error.
    pub fn range(self) -> (i64, i64) {
        match self {
            Limit::ReviewInterval => (30, 730),
            Limit::CardWarning => (0, 180),
            Limit::BackupRemind => (1, 365),
            Limit::IdleLock => (1, 240),
            Limit::LockOut => (1, 1440),
            _ => (0, 365),
        }
    }

    /// True for the limits counted in minutes (the others are days).
    pub fn in_minutes(self) -> bool {
        matches!(self, Limit::IdleLock | Limit::LockOut)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The days every step may wait on this workstation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    days: [i64; 12],
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            days: Limit::ALL.map(Limit::default_days),
        }
    }
}

impl Thresholds {
    /// The days of `limit`.
    pub fn get(&self, limit: Limit) -> i64 {
        self.days[limit.index()]
    }

    /// Sets the days of `limit` (the caller checks the range: see [`Limit::range`]).
    pub fn set(&mut self, limit: Limit, days: i64) {
        self.days[limit.index()] = days;
    }

    /// The same thresholds with `limit` set to `days`.
    pub fn with(mut self, limit: Limit, days: i64) -> Thresholds {
        self.set(limit, days);
        self
    }

    /// The limit a clue in `state` waits under, if it is waiting at all.
    pub fn clue_limit(&self, state: ClueState) -> Option<Limit> {
        match state {
            ClueState::Recorded => Some(Limit::Verify),
            ClueState::Verified => Some(Limit::Report),
            ClueState::Reported => Some(Limit::Accept),
            _ => None,
        }
    }

    /// The limit a case in `state` waits under, if it is waiting for a step at all (a case in
    /// service waits for its review on a schedule instead: see [`review_due`]).
    pub fn case_limit(&self, state: CaseState) -> Option<Limit> {
        match state {
            CaseState::Accepted => Some(Limit::Survey),
            // Assessment, decision and the card are one deadline counted from the survey:
            // the person is not served until the card is in hand.
            CaseState::Surveyed | CaseState::Assessed | CaseState::Approved => Some(Limit::Decide),
            _ => None,
        }
    }
}

/// Something waiting since a day, under a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// The day it started waiting.
    pub since: NaiveDate,
    /// The days it may wait.
    pub limit: i64,
}

impl Wait {
    /// Whole days waited by `today`.
    pub fn days(&self, today: NaiveDate) -> i64 {
        days_waiting(self.since, today)
    }

    /// True when it has waited longer than its limit.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.days(today) > self.limit
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

/// The day of the next review of a service last reviewed (or carded) on `last`.
pub fn next_review(last: NaiveDate, t: &Thresholds) -> NaiveDate {
    last + Duration::days(t.get(Limit::ReviewInterval))
}

/// A review that has come due by `today`: it waits from its due day, and the due day is
/// itself the deadline (limit 0), so it is overdue from the day after.
pub fn review_due(last: NaiveDate, t: &Thresholds, today: NaiveDate) -> Option<Wait> {
    let due = next_review(last, t);
    (due <= today).then_some(Wait {
        since: due,
        limit: 0,
    })
}

/// A card whose last valid day is within the warning window (or past) on `today`: it waits
/// from the window's first day, and is overdue once the card has expired.
pub fn card_expiring(valid_until: NaiveDate, t: &Thresholds, today: NaiveDate) -> Option<Wait> {
    let warning = t.get(Limit::CardWarning);
    let since = valid_until - Duration::days(warning);
    (since <= today).then_some(Wait {
        since,
        limit: warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_clue_is_overdue_after_three_days_unverified() {
        let t = Thresholds::default();
        let lim = t.clue_limit(ClueState::Recorded).map(|l| t.get(l));
        assert_eq!(lim, Some(3));
        assert!(!overdue(d("2026-11-25"), d("2026-11-28"), lim));
        assert!(overdue(d("2026-11-24"), d("2026-11-28"), lim));
        assert_eq!(t.clue_limit(ClueState::Accepted), None);
        assert_eq!(days_waiting(d("2026-11-29"), d("2026-11-28")), 0);
    }

    #[test]
    fn changed_thresholds_change_what_is_overdue() {
        let w = |limit| Wait {
            since: d("2026-11-20"),
            limit,
        };
        let t = Thresholds::default().with(Limit::Survey, 10);
        assert_eq!(t.get(Limit::Survey), 10);
        assert_eq!(
            t.get(Limit::Verify),
            VERIFY_DAYS,
            "the others keep their defaults"
        );
        assert!(w(SURVEY_DAYS).overdue(d("2026-11-28")));
        assert!(!w(t.get(Limit::Survey)).overdue(d("2026-11-28")));
        assert_eq!(w(7).days(d("2026-11-28")), 8);
    }

    #[test]
    fn decision_and_card_share_the_deadline_from_the_survey() {
        let t = Thresholds::default();
        for st in [
            CaseState::Surveyed,
            CaseState::Assessed,
            CaseState::Approved,
        ] {
            assert_eq!(t.case_limit(st), Some(Limit::Decide), "{st:?}");
        }
        assert_eq!(t.case_limit(CaseState::Accepted), Some(Limit::Survey));
        assert_eq!(t.case_limit(CaseState::InService), None);
    }

    #[test]
    fn a_review_comes_due_after_the_interval_and_is_late_the_day_after() {
        let t = Thresholds::default();
        let last = d("2026-05-01");
        assert_eq!(next_review(last, &t), d("2026-10-28"));
        assert_eq!(review_due(last, &t, d("2026-10-27")), None);
        let w = review_due(last, &t, d("2026-10-28")).unwrap();
        assert!(!w.overdue(d("2026-10-28")));
        assert!(w.overdue(d("2026-10-29")));
        let quarterly = t.with(Limit::ReviewInterval, 90);
        assert!(review_due(last, &quarterly, d("2026-08-01")).is_some());
    }

    #[test]
    fn an_expiring_card_is_listed_a_month_ahead_and_late_once_expired() {
        let t = Thresholds::default();
        let until = d("2026-12-20");
        assert_eq!(card_expiring(until, &t, d("2026-11-19")), None);
        let w = card_expiring(until, &t, d("2026-11-28")).unwrap();
        assert_eq!(w.since, d("2026-11-20"));
        assert!(!w.overdue(d("2026-12-20")), "still valid on its last day");
        assert!(w.overdue(d("2026-12-21")));
    }

    #[test]
    fn codes_round_trip_and_defaults_are_in_range() {
        for l in Limit::ALL {
            assert_eq!(Limit::from_code(l.code()), Some(l));
            let (lo, hi) = l.range();
            assert!((lo..=hi).contains(&l.default_days()), "{l:?}");
            assert_eq!(Thresholds::default().get(l), l.default_days());
        }
        assert_eq!(Limit::from_code("x"), None);
    }
}
