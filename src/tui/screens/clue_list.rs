//! 主动发现: the clue list — newest first, filtered by state, overdue clues marked.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::clue_detail::ClueDetail;
use super::person_list::PersonList;
use super::{Outcome, Screen};
use crate::app::clue::{self, ClueLine};
use crate::domain::clue::ClueState;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::text::safe;
use crate::tui::widgets::table::{column_widths, row_line};
use crate::tui::widgets::tabs::tab_line;

/// Most clues listed at once.
const MAX_LINES: usize = 2000;

/// The filters, in tab order: everything, then each waiting state, then the closed ones.
const FILTERS: [Option<ClueState>; 7] = [
    None,
    Some(ClueState::Recorded),
    Some(ClueState::Verified),
    Some(ClueState::Reported),
    Some(ClueState::Accepted),
    Some(ClueState::Unfounded),
    Some(ClueState::Withdrawn),
];

/// The clue list screen.
pub struct ClueList {
    filter: usize,
    lines: Result<Vec<ClueLine>, String>,
    selected: usize,
}

impl ClueList {
    /// The list of all clues the user may see.
    pub fn new(env: &mut Env) -> ClueList {
        let mut l = ClueList {
            filter: 0,
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
            .and_then(|ctx| clue::list(&ctx, state, MAX_LINES))
            .map_err(|e| e.localize(lang));
        let n = self.lines.as_ref().map_or(0, Vec::len);
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    fn len(&self) -> usize {
        self.lines.as_ref().map_or(0, Vec::len)
    }
}

impl Screen for ClueList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "clues.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "cmd.open"),
            Command::bar(&[Key::ctrl('n'), Key::ch('n')], Action::New, "cmd.new_clue"),
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
            Action::NextField => {
                self.filter = (self.filter + 1) % FILTERS.len();
                self.selected = 0;
                self.reload(env);
            }
            Action::PrevField => {
                self.filter = (self.filter + FILTERS.len() - 1) % FILTERS.len();
                self.selected = 0;
                self.reload(env);
            }
            Action::New => return Outcome::Push(Box::new(PersonList::picker(env))),
            Action::Open => {
                let id = self
                    .lines
                    .as_ref()
                    .ok()
                    .and_then(|l| l.get(self.selected))
                    .map(|l| l.clue.meta.id.clone());
                if let Some(id) = id {
                    return match ClueDetail::load(env, &id) {
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
        // Short tab names, so all seven fit in 80 columns.
        let labels: Vec<String> = FILTERS
            .iter()
            .map(|f| {
                let key = match f {
                    None => "clues.tab_all".to_string(),
                    Some(s) => format!("clues.tab_{}", s.code()),
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
                    "clues.count",
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
            "clues.col_found",
            "clues.col_name",
            "clues.col_community",
            "clues.col_state",
            "clues.col_days",
            "clues.col_difficulty",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let cells: Vec<Vec<Line<'static>>> = items
            .iter()
            .skip(top)
            .take(rows)
            .map(|l| {
                // Days count only for clues still waiting on a step.
                let days = match (
                    crate::domain::timeliness::clue_limit(l.clue.state),
                    l.overdue,
                ) {
                    (None, _) => "-".to_string(),
                    (Some(_), true) => format!("!{}", l.days),
                    (Some(_), false) => l.days.to_string(),
                };
                vec![
                    Line::from(l.clue.found_on.format("%Y-%m-%d").to_string()),
                    Line::from(safe(&l.person_name)),
                    Line::from(safe(env.org_name(&l.clue.community))),
                    Line::from(t(lang, l.clue.state.label_key()).to_string()),
                    Line::from(days),
                    Line::from(safe(&l.clue.difficulty)),
                ]
            })
            .collect();
        let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 5);
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
                format!("  {}", t(lang, "clues.none")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
