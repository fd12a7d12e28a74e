//! 需求认定: the case list — most recently changed first, filtered by state, overdue marked.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::case_detail::CaseDetail;
use super::{Outcome, Screen};
use crate::app::case::{self, CaseLine};
use crate::domain::case::CaseState;
use crate::domain::timeliness::case_limit;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::text::safe;
use crate::tui::widgets::table::{column_widths, row_line};
use crate::tui::widgets::tabs::tab_line;

const MAX_LINES: usize = 2000;

const FILTERS: [Option<CaseState>; 9] = [
    None,
    Some(CaseState::Accepted),
    Some(CaseState::Surveyed),
    Some(CaseState::Assessed),
    Some(CaseState::Approved),
    Some(CaseState::InService),
    Some(CaseState::Suspended),
    Some(CaseState::Stopped),
    Some(CaseState::Denied),
];

/// The case list screen.
pub struct CaseList {
    filter: usize,
    lines: Result<Vec<CaseLine>, String>,
    selected: usize,
}

impl CaseList {
    /// The list; it starts on the cases waiting for a survey.
    pub fn new(env: &mut Env) -> CaseList {
        let mut l = CaseList {
            filter: 1,
            lines: Ok(Vec::new()),
            selected: 0,
        };
        l.reload(env);
        l
    }

    /// The list showing the cases in service (动态管理).
    pub fn in_service(env: &mut Env) -> CaseList {
        let mut l = CaseList {
            filter: 5,
            lines: Ok(Vec::new()),
            selected: 0,
        };
        l.reload(env);
        l
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let state = FILTERS[self.filter];
        self.lines = env
            .ctx()
            .and_then(|ctx| case::list(&ctx, state, MAX_LINES))
            .map_err(|e| e.localize(lang));
        let n = self.lines.as_ref().map_or(0, Vec::len);
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    fn len(&self) -> usize {
        self.lines.as_ref().map_or(0, Vec::len)
    }
}

impl Screen for CaseList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "cases.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "cmd.open"),
            Command::bar(
                &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Right)],
                Action::NextField,
                "cmd.next_filter",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Left)],
                Action::PrevField,
                "cmd.prev_filter",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
            Command::help_only(
                &[Key::plain(KeyCode::Up), Key::ch('k')],
                Action::Up,
                "cmd.up",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::Down), Key::ch('j')],
                Action::Down,
                "cmd.down",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::PageUp)],
                Action::PageUp,
                "cmd.page_up",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::PageDown)],
                Action::PageDown,
                "cmd.page_down",
            ),
        ]
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let n = self.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(15),
            Action::PageDown => self.selected = (self.selected + 15).min(n.saturating_sub(1)),
            Action::NextField | Action::PrevField => {
                let k = FILTERS.len();
                self.filter = if action == Action::NextField {
                    (self.filter + 1) % k
                } else {
                    (self.filter + k - 1) % k
                };
                self.selected = 0;
                self.reload(env);
            }
            Action::Open => {
                let id = self
                    .lines
                    .as_ref()
                    .ok()
                    .and_then(|l| l.get(self.selected))
                    .map(|l| l.case.meta.id.clone());
                if let Some(id) = id {
                    return match CaseDetail::load(env, &id) {
                        Ok(d) => Outcome::Push(Box::new(d)),
                        Err(msg) => Outcome::Status(msg),
                    };
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
        let labels: Vec<String> = FILTERS
            .iter()
            .map(|f| {
                let key = match f {
                    None => "cases.tab_all".to_string(),
                    Some(s) => format!("cases.tab_{}", s.code()),
                };
                t(lang, &key).to_string()
            })
            .collect();
        let mut lines = vec![tab_line(&labels, self.filter, &env.theme)];
        let items = match &self.lines {
            Err(why) => {
                lines.push(Line::styled(format!("  {why}"), env.theme.error));
                frame.render_widget(Paragraph::new(lines), area);
                return;
            }
            Ok(items) => items,
        };
        let overdue = items.iter().filter(|l| l.overdue).count();
        lines.push(Line::styled(
            format!(
                "  {}",
                tf(
                    lang,
                    "cases.count",
                    &[
                        ("n", &items.len().to_string()),
                        ("overdue", &overdue.to_string())
                    ]
                )
            ),
            env.theme.hint,
        ));
        let rows = (area.height as usize).saturating_sub(4).max(1);
        let top = (self.selected / rows) * rows;
        let headers: Vec<String> = [
            "clues.col_name",
            "clues.col_community",
            "clues.col_state",
            "clues.col_days",
            "cases.col_card",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let cells: Vec<Vec<Line<'static>>> = items
            .iter()
            .skip(top)
            .take(rows)
            .map(|l| {
                let days = match (case_limit(l.case.state), l.overdue) {
                    (None, _) => "-".to_string(),
                    (Some(_), true) => format!("!{}", l.days),
                    (Some(_), false) => l.days.to_string(),
                };
                vec![
                    Line::from(safe(&l.person_name)),
                    Line::from(safe(env.org_name(&l.case.community))),
                    Line::from(t(lang, l.case.state.label_key()).to_string()),
                    Line::from(days),
                    Line::from(
                        l.case
                            .card_no
                            .as_deref()
                            .map(safe)
                            .unwrap_or_else(|| "-".into()),
                    ),
                ]
            })
            .collect();
        let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 4);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        lines.push(header);
        for (n, (row, item)) in cells.iter().zip(items.iter().skip(top)).enumerate() {
            let selected = top + n == self.selected;
            let style = if selected {
                env.theme.selected
            } else if item.overdue {
                env.theme.error
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
                format!("  {}", t(lang, "cases.none")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
