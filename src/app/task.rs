//! 动态管理: the follow-up tasks the monthly roster leaves (visit the newly approved, review
//! the services of the cancelled), listed for the communities the user may see and marked
//! done with a note.

use super::{AppError, Ctx, Result};
use crate::domain::permission::Action;
use crate::domain::task::{Task, TaskKind};
use crate::domain::text::clean_multiline;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::tasks;

/// Longest note accepted when a task is marked done.
pub const NOTE_MAX: usize = 500;

/// Most open tasks listed at once.
pub const LIST_MAX: usize = 2000;

/// One open task with its person's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    /// The task.
    pub task: Task,
    /// Its person's name.
    pub person_name: String,
}

/// Open tasks in the communities the session may see, oldest first.
pub fn list_open(ctx: &Ctx<'_>) -> Result<Vec<TaskLine>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(tasks::list_open(ctx.store.conn(), LIST_MAX)?
        .into_iter()
        .filter(|(t, _)| ctx.require(Action::ViewPerson, &t.community).is_ok())
        .map(|(task, person_name)| TaskLine { task, person_name })
        .collect())
}

/// How many tasks are open, by kind, in the communities the session may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenCounts {
    /// Visits to the newly approved.
    pub visits: i64,
    /// Reviews of changed or cancelled assistance.
    pub reviews: i64,
}

impl OpenCounts {
    /// Every open task.
    pub fn total(&self) -> i64 {
        self.visits + self.reviews
    }
}

/// The open-task counts (for the home screen's 待办).
pub fn counts(ctx: &Ctx<'_>) -> Result<OpenCounts> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let mut out = OpenCounts::default();
    for (community, kind, n) in tasks::count_open(ctx.store.conn())? {
        if ctx.require(Action::ViewPerson, &community).is_err() {
            continue;
        }
        match kind {
            TaskKind::RosterVisit => out.visits += n,
            TaskKind::RosterReview => out.reviews += n,
        }
    }
    Ok(out)
}

/// Reads a task the session may see.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Task> {
    let task = tasks::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.task",
    })?;
    ctx.require(Action::ViewPerson, &task.community)?;
    Ok(task)
}

/// Marks task `id` (read at `version`) done, with a note of what was done.
pub fn done(ctx: &mut Ctx<'_>, id: &str, version: i64, note: &str) -> Result<Task> {
    let task = get(ctx, id)?;
    ctx.require(Action::EditPerson, &task.community)?;
    let state = task.state.finish()?;
    let note = clean_multiline(Field::Note, note, NOTE_MAX)?;
    if note.is_empty() {
        return Err(ValidationError::new(Field::Note, Reason::Required).into());
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = task.clone();
        next.meta.version = version;
        next.state = state;
        next.done_at = Some(at.clone());
        next.done_by = Some(actor.clone());
        next.note = Some(note);
        Ok(tasks::update(w, &next, "task.done")?)
    })
}
