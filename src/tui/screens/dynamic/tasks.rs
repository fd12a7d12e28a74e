//! 动态管理 → 跟进任务: the open follow-up tasks the monthly roster left. Enter opens the
//! person's file; D marks the task done with a note of what was done.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::clock::show_day;
use crate::app::task::{self, OpenCounts, TaskLine, NOTE_MAX};
use crate::app::AppError;
use crate::domain::permission::Action as Permission;
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::list::{Allowed, ListScreen, ListSpec};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

/// The open follow-up tasks.
pub type TaskList = ListScreen<Tasks>;

/// The task list's data.
#[derive(Default)]
pub struct Tasks {
    counts: OpenCounts,
}

impl TaskList {
    /// The open tasks the user may see.
    pub fn new(env: &mut Env) -> TaskList {
        ListScreen::with(env, Tasks::default())
    }

    /// The open tasks with task `id` selected (the inbox opens a task here).
    pub fn at(env: &mut Env, id: &str) -> TaskList {
        let mut l = TaskList::new(env);
        l.select_where(|x| x.line.task.meta.id == id);
        l
    }
}

/// The date a task was made, in China time, from its stored timestamp.
fn made_on(created_at: &str) -> String {
    match show_day(created_at) {
        d if d.is_empty() => "-".into(),
        d => d,
    }
}

fn roster_cell(env: &Env, l: &TaskLine) -> String {
    let status = l
        .task
        .roster_status
        .map(|s| t(env.lang, s.label_key()).to_string())
        .unwrap_or_default();
    // A change by hand in the person form has no approval day: it says so instead.
    let date = match l.task.approved_on {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None if l.task.source.starts_with("person:") => t(env.lang, "tasks.by_hand").to_string(),
        None => String::new(),
    };
    format!("{status} {date}").trim().to_string()
}

/// Each row carries whether the session may mark it done (change its person's record).
impl ListSpec for Tasks {
    type Item = Allowed<TaskLine>;

    fn title(&self) -> &'static str {
        "tasks.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "tasks.col_kind",
            "tasks.col_name",
            "tasks.col_community",
            "tasks.col_roster",
            "tasks.col_since",
            "tasks.col_case",
        ]
    }

    fn flex(&self) -> usize {
        2
    }

    fn empty(&self) -> &'static str {
        "tasks.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<Self::Item>, AppError> {
        let (lines, counts) = env
            .ctx()
            .and_then(|ctx| Ok((task::list_open(&ctx)?, task::counts(&ctx)?)))?;
        self.counts = counts;
        Ok(lines
            .into_iter()
            .map(|line| Allowed {
                may: env.may(Permission::EditPerson, &line.task.community),
                line,
            })
            .collect())
    }

    fn cells(&self, x: &Self::Item, env: &Env) -> Vec<Line<'static>> {
        let l = &x.line;
        vec![
            Line::from(t(env.lang, l.task.kind.label_key()).to_string()),
            Line::from(safe(&l.person_name)),
            Line::from(safe(env.org_name(&l.task.community))),
            Line::from(roster_cell(env, l)),
            Line::from(made_on(&l.task.meta.created_at)),
            Line::from(if l.task.case_id.is_some() {
                t(env.lang, "tasks.has_case").to_string()
            } else {
                "-".to_string()
            }),
        ]
    }

    fn count(&self, _shown: &[&Self::Item], lang: Lang) -> Option<String> {
        Some(tf(
            lang,
            "tasks.count",
            &[
                ("n", &self.counts.total().to_string()),
                ("visits", &self.counts.visits.to_string()),
                ("reviews", &self.counts.reviews.to_string()),
            ],
        ))
    }

    fn open(&self, x: &Self::Item, _env: &mut Env) -> Outcome {
        Outcome::Open(Destination::PersonFile {
            id: x.line.task.person_id.clone(),
        })
    }

    fn extra_commands(&self, current: Option<&Self::Item>) -> Vec<Command> {
        Allowed::offer(
            current,
            Command::bar(&[Key::ch('d')], Action::Step(0), "cmd.mark_done"),
        )
    }

    fn extra(&self, action: Action, current: Option<&Self::Item>, _env: &mut Env) -> Outcome {
        match (action, current) {
            (Action::Step(0), Some(x)) => Outcome::Push(Box::new(TaskDone::new(&x.line))),
            _ => Outcome::None,
        }
    }
}

fn required_note(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Note, v, NOTE_MAX).map(|_| ())
}

/// Marking a task done: one note of what was done.
pub struct TaskDone {
    id: String,
    version: i64,
    name: String,
    form: Form,
}

impl TaskDone {
    /// The form for task `l`.
    pub fn new(l: &TaskLine) -> TaskDone {
        TaskDone {
            id: l.task.meta.id.clone(),
            version: l.task.meta.version,
            name: l.person_name.clone(),
            form: Form::new(vec![FormField::text("note", "field.note", NOTE_MAX)
                .for_field(Field::Note)
                .checked(required_note)]),
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let note = self.form.value("note");
        let result = env
            .ctx()
            .and_then(|mut ctx| task::done(&mut ctx, &self.id, self.version, &note));
        match result {
            Ok(_) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(AppError::Validation(v)) => {
                self.form.show_error(&v, lang);
                Outcome::Status(v.localize(lang))
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                e.localize(lang),
            )),
        }
    }
}

impl Screen for TaskDone {
    fn title(&self, env: &Env) -> String {
        tf(env.lang, "tasks.done_title", &[("name", &safe(&self.name))])
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(
                &[Key::ctrl('s'), Key::plain(KeyCode::Enter)],
                Action::Save,
                "cmd.save",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ]
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn unsaved(&self) -> bool {
        self.form.changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Save => self.save(env),
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form.handle(key);
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        form_screen::render(&self.form, frame, area, env, "tasks.done_hint");
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        form_screen::cursor(&self.form, area)
    }
}
