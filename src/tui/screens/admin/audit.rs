//! 审计日志 (系统设置 → L): a supervisor browses the access log and the change log, newest
//! first. F (or /) types a filter — a user, an action, a person's name, a record id, a date —
//! and Enter applies it to both logs.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::check::{self, Logs};
use crate::app::clock::show_instant;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::{safe, width};
use crate::tui::widgets::filtered_table::{FilteredTable, Row};
use crate::tui::widgets::text_field::TextField;

const TABS: [&str; 2] = ["audit.access", "audit.changes"];
/// Step: type a filter.
const FILTER: u8 = 0;
/// Step: give up typing it.
const CANCEL: u8 = 1;

/// The audit screen.
pub struct AuditScreen {
    table: FilteredTable,
    query: String,
    typing: Option<TextField>,
    logs: Result<Logs, String>,
}

impl AuditScreen {
    /// Both logs, unfiltered.
    pub fn new(env: &mut Env) -> AuditScreen {
        let mut s = AuditScreen {
            table: FilteredTable::new(TABS.len(), 0),
            query: String::new(),
            typing: None,
            logs: Err(String::new()),
        };
        s.reload(env);
        s
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.logs = env
            .ctx()
            .and_then(|ctx| check::browse_logs(&ctx, &self.query))
            .map_err(|e| e.localize(lang));
        let len = self.len();
        self.table.clamp(len);
    }

    fn len(&self) -> usize {
        match &self.logs {
            Ok(l) if self.table.filter == 0 => l.access.len(),
            Ok(l) => l.changes.len(),
            Err(_) => 0,
        }
    }

    fn rows(&self, env: &Env, skip: usize, take: usize) -> Vec<Row> {
        let lang = env.lang;
        let Ok(logs) = &self.logs else {
            return Vec::new();
        };
        let row = |cells: Vec<String>| Row {
            cells: cells.into_iter().map(Line::from).collect(),
            overdue: false,
        };
        if self.table.filter == 0 {
            logs.access
                .iter()
                .skip(skip)
                .take(take)
                .map(|e| {
                    row(vec![
                        show_instant(&e.at),
                        safe(&e.actor),
                        safe(&e.event),
                        crate::tui::text::truncate(&safe(&e.subject), 14),
                        safe(&e.detail),
                    ])
                })
                .collect()
        } else {
            logs.changes
                .iter()
                .skip(skip)
                .take(take)
                .map(|c| {
                    let label = format!("kind.{}", c.kind);
                    let what = t(lang, &label);
                    let what = if what == label {
                        safe(&c.kind)
                    } else {
                        what.to_string()
                    };
                    row(vec![
                        show_instant(&c.at),
                        safe(&c.actor),
                        what,
                        c.person.as_deref().map(safe).unwrap_or_default(),
                        safe(&c.record_id),
                    ])
                })
                .collect()
        }
    }

    fn filter_row(area: Rect, env: &Env) -> (Rect, u16) {
        let row = Rect::new(
            area.x + 1,
            area.bottom().saturating_sub(1),
            area.width.saturating_sub(2),
            1,
        );
        let w = width(t(env.lang, "audit.filter_label")) as u16;
        (row, w.min(row.width))
    }
}

impl Screen for AuditScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "audit.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        if self.typing.is_some() {
            return vec![
                Command::bar(
                    &[Key::plain(KeyCode::Enter)],
                    Action::Save,
                    "cmd.apply_filter",
                ),
                Command::bar(
                    &[Key::plain(KeyCode::Esc)],
                    Action::Step(CANCEL),
                    "cmd.cancel",
                ),
            ];
        }
        let mut c = vec![Command::bar(
            &[Key::ch('f'), Key::ch('/')],
            Action::Step(FILTER),
            "cmd.filter",
        )];
        c.extend(FilteredTable::commands());
        c
    }

    fn text_focused(&self) -> bool {
        self.typing.is_some()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Step(FILTER) => {
                self.typing = Some(TextField::with_value(&self.query, 60));
                Outcome::None
            }
            Action::Step(CANCEL) => {
                self.typing = None;
                Outcome::None
            }
            Action::Save => {
                if let Some(f) = self.typing.take() {
                    self.query = f.value().trim().to_string();
                    self.table.selected = 0;
                    self.reload(env);
                }
                Outcome::None
            }
            Action::Back => Outcome::Pop,
            other => {
                let len = self.len();
                if self.table.handle(other, len) == Some(true) {
                    self.table.clamp(self.len());
                }
                Outcome::None
            }
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        if let Some(f) = &mut self.typing {
            f.handle(key);
        }
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let tabs: Vec<String> = TABS.iter().map(|k| t(lang, k).to_string()).collect();
        let headers: Vec<String> = if self.table.filter == 0 {
            [
                "audit.col_at",
                "audit.col_user",
                "audit.col_event",
                "audit.col_subject",
                "audit.col_detail",
            ]
        } else {
            [
                "audit.col_at",
                "audit.col_user",
                "audit.col_kind",
                "audit.col_person",
                "audit.col_record",
            ]
        }
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let count = self.logs.as_ref().map_err(Clone::clone).map(|_| {
            let n = self.len().to_string();
            if self.query.is_empty() {
                tf(lang, "audit.count", &[("n", &n)])
            } else {
                tf(
                    lang,
                    "audit.count_filtered",
                    &[("n", &n), ("query", &safe(&self.query))],
                )
            }
        });
        let body = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1));
        let rows = self.rows(env, self.table.top(body), FilteredTable::rows(body));
        self.table.render(
            frame,
            body,
            env,
            &tabs,
            count,
            &headers,
            &rows,
            4,
            t(lang, "audit.none"),
        );
        if let Some(f) = &self.typing {
            let (row, label_w) = Self::filter_row(area, env);
            frame.render_widget(Clear, row);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    t(lang, "audit.filter_label").to_string(),
                    env.theme.label,
                )),
                Rect::new(row.x, row.y, label_w, 1),
            );
            f.render(
                frame,
                Rect::new(row.x + label_w, row.y, row.width.saturating_sub(label_w), 1),
                env.theme.selected,
                true,
            );
        }
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<ratatui::layout::Position> {
        let f = self.typing.as_ref()?;
        let (row, label_w) = Self::filter_row(area, env);
        Some(f.cursor(Rect::new(
            row.x + label_w,
            row.y,
            row.width.saturating_sub(label_w),
            1,
        )))
    }
}
