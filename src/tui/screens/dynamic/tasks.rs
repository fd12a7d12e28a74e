//! 动态管理 → 跟进任务: the open follow-up tasks the monthly roster left. Enter opens the
//! person's file; D marks the task done with a note of what was done.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::clock::show_day;
use crate::app::task::{self, OpenCounts, TaskLine, NOTE_MAX};
use crate::app::AppError;
use crate::domain::permission::Action as Permission;
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{list_moves, Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};
use crate::tui::widgets::table::{column_widths, row_line};

/// Rows moved by PageUp / PageDown.
const PAGE: usize = 15;

/// The open follow-up tasks.
pub struct TaskList {
    lines: Result<Vec<TaskLine>, String>,
    counts: OpenCounts,
    selected: usize,
    /// For each line, whether the session may mark it done (change its person's record).
    may_close: Vec<bool>,
}

impl TaskList {
    /// The open tasks the user may see.
    pub fn new(env: &mut Env) -> TaskList {
        let mut l = TaskList {
            lines: Ok(Vec::new()),
            counts: OpenCounts::default(),
            selected: 0,
            may_close: Vec::new(),
        };
        l.reload(env);
        l
    }

    /// The open tasks with task `id` selected (the inbox opens a task here).
    pub fn at(env: &mut Env, id: &str) -> TaskList {
        let mut l = TaskList::new(env);
        if let Some(i) = l
            .lines
            .as_ref()
            .ok()
            .and_then(|v| v.iter().position(|x| x.task.meta.id == id))
        {
            l.selected = i;
        }
        l
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let loaded = env
            .ctx()
            .and_then(|ctx| Ok((task::list_open(&ctx)?, task::counts(&ctx)?)));
        match loaded {
            Ok((lines, counts)) => {
                self.lines = Ok(lines);
                self.counts = counts;
            }
            Err(e) => self.lines = Err(e.localize(lang)),
        }
        let n = self.lines.as_ref().map_or(0, Vec::len);
        self.selected = self.selected.min(n.saturating_sub(1));
        self.may_close = self.lines.as_ref().map_or(Vec::new(), |l| {
            l.iter()
                .map(|x| env.may(Permission::EditPerson, &x.task.community))
                .collect()
        });
    }

    fn current(&self) -> Option<&TaskLine> {
        self.lines.as_ref().ok().and_then(|l| l.get(self.selected))
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

impl Screen for TaskList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "tasks.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        if self.may_close.get(self.selected).copied().unwrap_or(false) {
            c.push(Command::bar(
                &[Key::ch('d')],
                Action::Step(0),
                "cmd.mark_done",
            ));
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c.extend(list_moves());
        c
    }

    fn on_action(&mut self, action: Action, _env: &mut Env) -> Outcome {
        let last = self.lines.as_ref().map_or(0, Vec::len).saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            Action::PageDown => self.selected = (self.selected + PAGE).min(last),
            Action::Open => {
                let Some(id) = self.current().map(|l| l.task.person_id.clone()) else {
                    return Outcome::None;
                };
                return Outcome::Open(Destination::PersonFile { id });
            }
            Action::Step(0) => {
                if let Some(l) = self.current() {
                    return Outcome::Push(Box::new(TaskDone::new(l)));
                }
            }
            _ => {}
        }
        Outcome::None
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let items = match &self.lines {
            Err(why) => {
                frame.render_widget(
                    Paragraph::new(Line::styled(format!("  {why}"), env.theme.error)),
                    area,
                );
                return;
            }
            Ok(items) => items,
        };
        let headers: Vec<String> = [
            "tasks.col_kind",
            "tasks.col_name",
            "tasks.col_community",
            "tasks.col_roster",
            "tasks.col_since",
            "tasks.col_case",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows = (area.height as usize).saturating_sub(3).max(1);
        let top = (self.selected / rows) * rows;
        let cells: Vec<Vec<Line<'static>>> = items
            .iter()
            .skip(top)
            .take(rows)
            .map(|l| {
                vec![
                    Line::from(t(lang, l.task.kind.label_key()).to_string()),
                    Line::from(safe(&l.person_name)),
                    Line::from(safe(env.org_name(&l.task.community))),
                    Line::from(roster_cell(env, l)),
                    Line::from(made_on(&l.task.meta.created_at)),
                    Line::from(if l.task.case_id.is_some() {
                        t(lang, "tasks.has_case").to_string()
                    } else {
                        "-".to_string()
                    }),
                ]
            })
            .collect();
        let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 2);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        let count = tf(
            lang,
            "tasks.count",
            &[
                ("n", &self.counts.total().to_string()),
                ("visits", &self.counts.visits.to_string()),
                ("reviews", &self.counts.reviews.to_string()),
            ],
        );
        let mut lines = vec![Line::styled(format!("  {count}"), env.theme.hint), header];
        for (n, row) in cells.iter().enumerate() {
            let selected = top + n == self.selected;
            let style = if selected {
                env.theme.selected
            } else {
                Style::default()
            };
            let mut l = row_line(row, &widths, style);
            l.spans.insert(
                0,
                Span::raw(if selected {
                    format!("{} ", env.symbols.marker)
                } else {
                    "  ".into()
                }),
            );
            lines.push(l);
        }
        if items.is_empty() {
            lines.push(Line::styled(
                format!("  {}", t(lang, "tasks.none")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
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
