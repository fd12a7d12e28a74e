//! 主动发现: the clue list — newest first, filtered by state, overdue clues marked.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::clue::{self, ClueLine};
use crate::domain::clue::ClueState;
use crate::domain::permission::Action as Permission;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::filtered_table::{days_cell, FilteredTable, Row};

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
    table: FilteredTable,
    lines: Result<Vec<ClueLine>, String>,
    /// The session may record a clue somewhere (else 新增 is not offered).
    may_record: bool,
}

impl ClueList {
    /// The list of all clues the user may see.
    pub fn new(env: &mut Env) -> ClueList {
        let mut l = ClueList {
            table: FilteredTable::new(FILTERS.len(), 0),
            lines: Ok(Vec::new()),
            may_record: env.may_somewhere(Permission::RecordClue),
        };
        l.reload(env);
        l
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let state = FILTERS[self.table.filter];
        self.lines = env
            .ctx()
            .and_then(|ctx| clue::list(&ctx, state, MAX_LINES))
            .map_err(|e| e.localize(lang));
        self.table.clamp(self.lines.as_ref().map_or(0, Vec::len));
    }
}

impl Screen for ClueList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "clues.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        if self.may_record {
            c.push(Command::bar(
                &[Key::ctrl('n'), Key::ch('n')],
                Action::New,
                "cmd.new_clue",
            ));
        }
        c.extend(FilteredTable::commands());
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let n = self.lines.as_ref().map_or(0, Vec::len);
        match self.table.handle(action, n) {
            Some(true) => {
                self.reload(env);
                return Outcome::None;
            }
            Some(false) => return Outcome::None,
            None => {}
        }
        match action {
            Action::New => Outcome::Open(Destination::ClueTargetPicker),
            Action::Open => {
                let id = self
                    .lines
                    .as_ref()
                    .ok()
                    .and_then(|l| l.get(self.table.selected))
                    .map(|l| l.clue.meta.id.clone());
                match id {
                    Some(id) => Outcome::Open(Destination::ClueDetail { id }),
                    None => Outcome::None,
                }
            }
            _ => Outcome::None,
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        // Short tab names, so all seven fit in 80 columns.
        let tabs: Vec<String> = FILTERS
            .iter()
            .map(|f| {
                let key = match f {
                    None => "clues.tab_all".to_string(),
                    Some(s) => format!("clues.tab_{}", s.code()),
                };
                t(lang, &key).to_string()
            })
            .collect();
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
        let items: &[ClueLine] = self.lines.as_deref().unwrap_or(&[]);
        let count = self.lines.as_ref().map_err(Clone::clone).map(|items| {
            let overdue = items.iter().filter(|l| l.overdue).count();
            tf(
                lang,
                "clues.count",
                &[
                    ("n", &items.len().to_string()),
                    ("overdue", &overdue.to_string()),
                ],
            )
        });
        let rows: Vec<Row> = items
            .iter()
            .skip(self.table.top(area))
            .take(FilteredTable::rows(area))
            .map(|l| Row {
                cells: vec![
                    Line::from(l.clue.found_on.format("%Y-%m-%d").to_string()),
                    Line::from(safe(&l.person_name)),
                    Line::from(safe(env.org_name(&l.clue.community))),
                    Line::from(t(lang, l.clue.state.label_key()).to_string()),
                    days_cell(l.days, l.overdue),
                    Line::from(safe(&l.clue.difficulty)),
                ],
                overdue: l.overdue,
            })
            .collect();
        self.table.render(
            frame,
            area,
            env,
            &tabs,
            count,
            &headers,
            &rows,
            5,
            t(lang, "clues.none"),
        );
    }
}
