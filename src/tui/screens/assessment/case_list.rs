//! 需求认定 and 动态管理: the case list — most recently changed first, filtered by state,
//! overdue cases marked. Typing a name or its pinyin initials narrows the list with the
//! person list's matcher (张三 is found by 张, zs or zhangsan), best match first.

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::case::{self, CaseLine};
use crate::app::settings;
use crate::domain::case::CaseState;
use crate::domain::person::PersonStatus;
use crate::domain::pinyin_keys::keys_of;
use crate::domain::search::{SearchIndex, SearchRow};
use crate::domain::timeliness::{Limit, Thresholds};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{safe, width};
use crate::tui::widgets::filtered_table::{days_cell, FilteredTable, Row};
use crate::tui::widgets::text_field::TextField;

/// Most cases listed at once.
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

/// Tab of the cases waiting for a survey (需求认定 opens here).
const TAB_TO_SURVEY: usize = 1;
/// Tab of the cases in service (动态管理 opens here).
const TAB_IN_SERVICE: usize = 5;

/// 动态管理's step: import the monthly roster.
const STEP_IMPORT: u8 = 0;
/// 动态管理's step: the follow-up tasks.
const STEP_TASKS: u8 = 1;

/// The case list screen.
pub struct CaseList {
    /// String-table key of the title: the list serves 需求认定 and 动态管理.
    title: &'static str,
    /// Opened from 动态管理: the monthly roster and its follow-up tasks are reached from here.
    dynamic: bool,
    table: FilteredTable,
    lines: Result<Vec<CaseLine>, String>,
    /// The limits the count line names.
    thresholds: Thresholds,
    /// The name typed to narrow the list.
    query: TextField,
    /// The person names of `lines`, searchable as the person list searches.
    index: SearchIndex,
    /// Positions in `lines` of the rows shown: all, or the matches of the query, best first.
    shown: Vec<usize>,
    /// The session may import the roster and work its follow-ups (it edits persons).
    may_roster: bool,
}

impl CaseList {
    /// The list on the cases waiting for a survey.
    pub fn new(env: &mut Env) -> CaseList {
        CaseList::on_tab(env, TAB_TO_SURVEY, "cases.title", false)
    }

    /// The list on the cases in service (动态管理).
    pub fn in_service(env: &mut Env) -> CaseList {
        CaseList::on_tab(env, TAB_IN_SERVICE, "cases.title_dynamic", true)
    }

    fn on_tab(env: &mut Env, tab: usize, title: &'static str, dynamic: bool) -> CaseList {
        let mut l = CaseList {
            title,
            dynamic,
            table: FilteredTable::new(FILTERS.len(), tab),
            lines: Ok(Vec::new()),
            thresholds: Thresholds::default(),
            query: TextField::new(40),
            index: SearchIndex::default(),
            shown: Vec::new(),
            may_roster: env.may_somewhere(crate::domain::permission::Action::EditPerson),
        };
        l.reload(env);
        l
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let state = FILTERS[self.table.filter];
        let loaded = env.ctx().and_then(|ctx| {
            Ok((
                case::list(&ctx, state, MAX_LINES)?,
                settings::thresholds(&ctx)?,
            ))
        });
        self.lines = match loaded {
            Ok((lines, thresholds)) => {
                self.thresholds = thresholds;
                Ok(lines)
            }
            Err(e) => Err(e.localize(lang)),
        };
        let rows: Vec<SearchRow> = self
            .lines
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (initials, full) = keys_of(&l.person_name).joined();
                SearchRow {
                    id: i.to_string(),
                    name: l.person_name.clone(),
                    initials,
                    full,
                    id_number: None,
                    phone: None,
                    service_no: l.case.card_no.clone(),
                    community: l.case.community.clone(),
                    status: PersonStatus::Active,
                }
            })
            .collect();
        self.index = SearchIndex::build(rows);
        self.refilter();
    }

    /// Recomputes the rows shown from the query.
    fn refilter(&mut self) {
        let n = self.lines.as_ref().map_or(0, Vec::len);
        self.shown = if self.query.value().trim().is_empty() {
            (0..n).collect()
        } else {
            self.index
                .search(self.query.value(), MAX_LINES)
                .into_iter()
                .filter_map(|i| self.index.entry(i).id.parse().ok())
                .collect()
        };
        self.table.clamp(self.shown.len());
    }

    fn line(&self, row: usize) -> Option<&CaseLine> {
        let i = *self.shown.get(row)?;
        self.lines.as_ref().ok()?.get(i)
    }

    fn query_prefix(&self, env: &Env) -> Option<String> {
        let q = self.query.value();
        (!q.is_empty()).then(|| format!("{}：{q}  ", t(env.lang, "persons.search")))
    }
}

impl Screen for CaseList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, self.title).to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        if self.dynamic && self.may_roster {
            // Letters type into the search, so these take Ctrl.
            c.push(Command::bar(
                &[Key::ctrl('r')],
                Action::Step(STEP_IMPORT),
                "cmd.import_roster",
            ));
            c.push(Command::bar(
                &[Key::ctrl('t')],
                Action::Step(STEP_TASKS),
                "cmd.tasks",
            ));
        }
        c.extend(
            FilteredTable::commands()
                .into_iter()
                .filter(|c| !c.keys.iter().any(Key::is_printable)),
        );
        c.extend(crate::tui::keys::arrow_moves());
        c.push(Command::doc(&[], "cmd.type_to_search"));
        c
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        if self.query.handle(key) {
            self.table.selected = 0;
            self.refilter();
        }
        Outcome::None
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        let prefix = self.query_prefix(env)?;
        let before = format!("{}：", t(env.lang, "persons.search"));
        let box_x = area.x + 2 + width(&before) as u16;
        let w = width(&prefix).saturating_sub(width(&before)) as u16;
        Some(self.query.cursor(Rect::new(box_x, area.y + 1, w.max(1), 1)))
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let n = self.shown.len();
        match self.table.handle(action, n) {
            Some(true) => {
                self.reload(env);
                return Outcome::None;
            }
            Some(false) => return Outcome::None,
            None => {}
        }
        match action {
            Action::Step(STEP_IMPORT) if self.dynamic && self.may_roster => {
                return Outcome::Open(Destination::RosterImport)
            }
            Action::Step(STEP_TASKS) if self.dynamic && self.may_roster => {
                return Outcome::Open(Destination::Tasks { at: None })
            }
            Action::Open => {}
            _ => return Outcome::None,
        }
        let id = self
            .line(self.table.selected)
            .map(|l| l.case.meta.id.clone());
        match id {
            Some(id) => Outcome::Open(Destination::CaseDetail { id }),
            None => Outcome::None,
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let tabs: Vec<String> = FILTERS
            .iter()
            .map(|f| {
                let key = match f {
                    None => "cases.tab_all".to_string(),
                    Some(s) => format!("cases.tab_{}", s.code()),
                };
                t(lang, &key).to_string()
            })
            .collect();
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
        let items: Vec<&CaseLine> = (0..self.shown.len()).filter_map(|r| self.line(r)).collect();
        let prefix = self.query_prefix(env).unwrap_or_default();
        let count = self.lines.as_ref().map_err(Clone::clone).map(|_| {
            let overdue = items.iter().filter(|l| l.overdue).count();
            prefix
                + &tf(
                    lang,
                    "cases.count",
                    &[
                        ("n", &items.len().to_string()),
                        ("overdue", &overdue.to_string()),
                        ("survey", &self.thresholds.get(Limit::Survey).to_string()),
                        ("decide", &self.thresholds.get(Limit::Decide).to_string()),
                    ],
                )
        });
        let rows: Vec<Row> = items
            .iter()
            .skip(self.table.top(area))
            .take(FilteredTable::rows(area))
            .map(|l| Row {
                cells: vec![
                    Line::from(safe(&l.person_name)),
                    Line::from(safe(env.org_name(&l.case.community))),
                    Line::from(t(lang, l.case.state.label_key()).to_string()),
                    days_cell(l.days, l.overdue),
                    Line::from(
                        l.case
                            .card_no
                            .as_deref()
                            .map(safe)
                            .unwrap_or_else(|| "-".into()),
                    ),
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
            4,
            t(lang, "cases.none"),
        );
    }
}
