//! Follow-up tasks (跟进任务): work that dynamic management (动态管理) owes a person, such as
//! visiting someone newly approved for assistance or reviewing the services of someone whose
//! assistance ended. A task is open until someone marks it done with a note.

use chrono::NaiveDate;

use super::record::RecordMeta;
use super::roster::RosterStatus;
use super::transition::TransitionError;

/// What the task asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// 走访: visit someone the monthly roster lists as newly approved.
    RosterVisit,
    /// 复核: review the services of someone whose assistance changed or ended.
    RosterReview,
}

impl TaskKind {
    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            TaskKind::RosterVisit => "roster_visit",
            TaskKind::RosterReview => "roster_review",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<TaskKind> {
        Some(match s {
            "roster_visit" => TaskKind::RosterVisit,
            "roster_review" => TaskKind::RosterReview,
            _ => return None,
        })
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            TaskKind::RosterVisit => "task_kind.roster_visit",
            TaskKind::RosterReview => "task_kind.roster_review",
        }
    }

    /// The task a roster row asks for: a visit for the newly approved, a review otherwise.
    pub fn for_roster(status: RosterStatus) -> TaskKind {
        match status {
            RosterStatus::Added => TaskKind::RosterVisit,
            RosterStatus::Changed | RosterStatus::Cancelled => TaskKind::RosterReview,
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// 待办
    Open,
    /// 已完成
    Done,
}

impl TaskState {
    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::Done => "done",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<TaskState> {
        Some(match s {
            "open" => TaskState::Open,
            "done" => TaskState::Done,
            _ => return None,
        })
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            TaskState::Open => "task_state.open",
            TaskState::Done => "task_state.done",
        }
    }

    /// Marking done: only an open task can be.
    pub fn finish(self) -> Result<TaskState, TransitionError> {
        match self {
            TaskState::Open => Ok(TaskState::Done),
            TaskState::Done => Err(TransitionError {
                record_key: "record.task",
                from_key: self.label_key(),
                event_key: "task_event.done",
            }),
        }
    }
}

/// A stored follow-up task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Identity and version.
    pub meta: RecordMeta,
    /// What it asks for.
    pub kind: TaskKind,
    /// The person it concerns.
    pub person_id: String,
    /// The person's community (scopes who sees the task).
    pub community: String,
    /// Where it came from: `roster:<first 12 hex digits of the file's SHA-256>:<line>`.
    pub source: String,
    /// The roster row's 救助类别, as an `assistance_status` code.
    pub category: Option<String>,
    /// The roster row's 审批日期.
    pub approved_on: Option<NaiveDate>,
    /// The roster row's 状态.
    pub roster_status: Option<RosterStatus>,
    /// The person's case still open when the task was made (its services need review).
    pub case_id: Option<String>,
    /// Open or done.
    pub state: TaskState,
    /// When it was marked done (RFC 3339).
    pub done_at: Option<String>,
    /// Who marked it done.
    pub done_by: Option<String>,
    /// What was done.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in [TaskKind::RosterVisit, TaskKind::RosterReview] {
            assert_eq!(TaskKind::from_code(k.code()), Some(k));
        }
        for s in [TaskState::Open, TaskState::Done] {
            assert_eq!(TaskState::from_code(s.code()), Some(s));
        }
        assert_eq!(TaskKind::from_code("x"), None);
    }

    #[test]
    fn roster_rows_ask_for_a_visit_or_a_review() {
        assert_eq!(
            TaskKind::for_roster(RosterStatus::Added),
            TaskKind::RosterVisit
        );
        assert_eq!(
            TaskKind::for_roster(RosterStatus::Changed),
            TaskKind::RosterReview
        );
        assert_eq!(
            TaskKind::for_roster(RosterStatus::Cancelled),
            TaskKind::RosterReview
        );
    }

    #[test]
    fn a_task_is_done_once() {
        assert_eq!(TaskState::Open.finish(), Ok(TaskState::Done));
        let e = TaskState::Done.finish().unwrap_err();
        assert_eq!(e.from_key, "task_state.done");
    }
}
