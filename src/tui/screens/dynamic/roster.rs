//! 动态管理 → 导入名单: the monthly roster import. The user types the file's path, Enter
//! imports it as background work (a large workbook takes a while on an old PC), and the
//! receipt lists every refused row and every note in a table that scrolls.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::roster::{self, Receipt};
use crate::app::{AppError, Ctx, FixedClock};
use crate::i18n::{t, tf, Localize};
use crate::store::{OpenOptions, Store};
use crate::tui::env::Env;
use crate::tui::job::Job;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::{fit, safe, width, wrap};
use crate::tui::widgets::text_field::TextField;

/// Longest path accepted in the field.
const PATH_MAX: usize = 1000;
/// Lines moved by PageUp / PageDown.
const PAGE: usize = 10;
/// Rows above the receipt: the path field, two hint lines, a blank line.
const HEAD_ROWS: u16 = 4;

/// What the background import hands back to the screen.
type Slot = Arc<Mutex<Option<Result<Receipt, String>>>>;

/// The roster import screen.
pub struct RosterImport {
    path: TextField,
    slot: Slot,
    receipt: Option<Result<Receipt, String>>,
    scroll: usize,
}

impl Default for RosterImport {
    fn default() -> Self {
        Self::new()
    }
}

impl RosterImport {
    /// The screen with an empty path.
    pub fn new() -> RosterImport {
        RosterImport {
            path: TextField::new(PATH_MAX),
            slot: Arc::new(Mutex::new(None)),
            receipt: None,
            scroll: 0,
        }
    }

    fn start(&mut self, env: &Env) -> Outcome {
        let lang = env.lang;
        let typed = self.path.value().trim().to_string();
        if typed.is_empty() {
            return Outcome::Status(t(lang, "roster.path_required").to_string());
        }
        let Some(session) = env.session.clone() else {
            return Outcome::None;
        };
        let db = env.db_path.clone();
        // The import runs on its own connection and thread; it takes the screen's time so a
        // fixed clock (tests, training) holds there too.
        let now = env.clock.now();
        let path = PathBuf::from(&typed);
        let file = path
            .file_name()
            .map_or_else(|| typed.clone(), |n| n.to_string_lossy().into_owned());
        let slot = Arc::clone(&self.slot);
        let job = Job::spawn(
            tf(lang, "roster.job", &[("file", &safe(&file))]),
            move |progress| {
                let run = || -> Result<Receipt, AppError> {
                    let mut store = Store::open(&db, &OpenOptions::default())?;
                    let clock = FixedClock(now);
                    let mut ctx = Ctx::new(&mut store, session, &clock)?;
                    roster::import_file(&mut ctx, &path, &mut |done, total| {
                        progress(done as u64, total as u64)
                    })
                };
                let result = run().map_err(|e| e.localize(lang));
                let message = match &result {
                    Ok(r) => Ok(tf(
                        lang,
                        "roster.job_done",
                        &[
                            ("imported", &r.imported.to_string()),
                            ("refused", &r.refused.len().to_string()),
                            ("tasks", &r.tasks_created.to_string()),
                        ],
                    )),
                    Err(why) => Err(why.clone()),
                };
                if let Ok(mut s) = slot.lock() {
                    *s = Some(result);
                }
                message
            },
        );
        Outcome::Job(job)
    }

    /// A bound on how far the receipt scrolls, without knowing the width it is drawn at: a
    /// table row wraps to a few lines at most (drawing stops at the true end).
    fn scroll_bound(&self) -> usize {
        match &self.receipt {
            Some(Ok(r)) => 8 + 3 * (r.refused.len() + r.notes.len()),
            _ => 0,
        }
    }

    /// The receipt as lines `cells` wide: the summary, then the table of refused rows and
    /// notes, each cell wrapped in its column.
    fn receipt_lines(&self, env: &Env, cells: usize) -> Vec<Line<'static>> {
        let lang = env.lang;
        let r = match &self.receipt {
            None => return Vec::new(),
            Some(Err(why)) => {
                return wrap(&safe(why), cells)
                    .into_iter()
                    .map(|l| Line::styled(l, env.theme.error))
                    .collect()
            }
            Some(Ok(r)) => r,
        };
        let mut out: Vec<Line<'static>> = Vec::new();
        for s in r.summary(lang) {
            out.extend(wrap(&safe(&s), cells).into_iter().map(Line::from));
        }
        out.push(Line::from(""));
        // (line, field, text, is a refusal), in line order.
        let mut rows: Vec<(usize, String, String, bool)> = r
            .refused
            .iter()
            .map(|x| {
                (
                    x.line,
                    t(lang, x.error.field.key()).to_string(),
                    x.error.reason.localize(lang),
                    true,
                )
            })
            .chain(r.notes.iter().map(|n| {
                (
                    n.line,
                    t(lang, "roster.note_label").to_string(),
                    n.note.localize(lang),
                    false,
                )
            }))
            .collect();
        rows.sort_by_key(|row| row.0);
        if r.refused.is_empty() {
            out.push(Line::styled(t(lang, "roster.none_refused"), env.theme.hint));
        }
        if rows.is_empty() {
            return out;
        }
        let line_w = rows
            .iter()
            .map(|row| width(&row.0.to_string()))
            .chain([width(t(lang, "roster.col_line"))])
            .max()
            .unwrap_or(4);
        let field_w = rows
            .iter()
            .map(|row| width(&row.1))
            .chain([width(t(lang, "roster.col_field"))])
            .max()
            .unwrap_or(8)
            .min(cells / 4);
        let text_w = cells.saturating_sub(line_w + field_w + 2).max(8);
        out.push(Line::styled(
            format!(
                "{} {} {}",
                fit(t(lang, "roster.col_line"), line_w),
                fit(t(lang, "roster.col_field"), field_w),
                t(lang, "roster.col_reason")
            ),
            env.theme.label,
        ));
        for (line, field, text, refusal) in rows {
            let style = if refusal {
                env.theme.error
            } else {
                Style::default()
            };
            let fields = wrap(&safe(&field), field_w);
            let texts = wrap(&safe(&text), text_w);
            for i in 0..fields.len().max(texts.len()) {
                let number = if i == 0 {
                    line.to_string()
                } else {
                    String::new()
                };
                out.push(Line::from(vec![
                    Span::raw(format!("{:>w$} ", number, w = line_w)),
                    Span::styled(
                        fit(fields.get(i).map_or("", String::as_str), field_w),
                        env.theme.label,
                    ),
                    Span::raw(" "),
                    Span::styled(texts.get(i).cloned().unwrap_or_default(), style),
                ]));
            }
        }
        out
    }
}

impl Screen for RosterImport {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "roster.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "cmd.import"),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ];
        c.extend(crate::tui::keys::scroll_moves());
        c
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Open => return self.start(env),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll += 1,
            Action::PageUp => self.scroll = self.scroll.saturating_sub(PAGE),
            Action::PageDown => self.scroll += PAGE,
            _ => {}
        }
        self.scroll = self.scroll.min(self.scroll_bound());
        Outcome::None
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.path.handle(key);
        Outcome::None
    }

    fn on_resume(&mut self, _env: &mut Env) {
        let done = self.slot.lock().ok().and_then(|mut s| s.take());
        if let Some(result) = done {
            self.receipt = Some(result);
            self.scroll = 0;
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let label = format!(" {} ", t(lang, "roster.path"));
        let label_w = width(&label) as u16;
        frame.render_widget(
            Paragraph::new(Line::styled(label.clone(), env.theme.label)),
            Rect::new(area.x, area.y, label_w.min(area.width), 1),
        );
        self.path
            .render(frame, field_area(area, label_w), env.theme.focused, true);
        let hint_area = Rect::new(
            area.x + 1,
            area.y + 1,
            area.width.saturating_sub(2),
            2.min(area.height.saturating_sub(1)),
        );
        let hint: Vec<Line<'static>> = wrap(t(lang, "roster.hint"), hint_area.width as usize)
            .into_iter()
            .map(|l| Line::styled(l, env.theme.hint))
            .collect();
        frame.render_widget(Paragraph::new(hint), hint_area);
        let body = Rect::new(
            area.x + 1,
            area.y + HEAD_ROWS.min(area.height),
            area.width.saturating_sub(2),
            area.height.saturating_sub(HEAD_ROWS),
        );
        let lines = self.receipt_lines(env, body.width as usize);
        // Scrolling stops with the last line at the bottom.
        let top = self
            .scroll
            .min(lines.len().saturating_sub(body.height as usize));
        let shown: Vec<Line<'static>> = lines
            .into_iter()
            .skip(top)
            .take(body.height as usize)
            .collect();
        frame.render_widget(Paragraph::new(shown), body);
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        let label_w = width(&format!(" {} ", t(env.lang, "roster.path"))) as u16;
        Some(self.path.cursor(field_area(area, label_w)))
    }
}

/// Where the path field sits: after its label on the first row.
fn field_area(area: Rect, label_w: u16) -> Rect {
    Rect::new(
        area.x + label_w,
        area.y,
        area.width.saturating_sub(label_w + 1),
        1,
    )
}
