//! 需求认定 and 动态管理: the case list — most recently changed first, filtered by state,
//! overdue cases marked. Typing a name or its pinyin initials narrows the list with the
//! person list's matcher (张三 is found by 张, zs or zhangsan), best match first.

use ratatui::text::Line;

use crate::app::case::{self, CaseLine};
use crate::app::{settings, AppError};
use crate::domain::case::CaseState;
use crate::domain::timeliness::{Limit, Thresholds};
use crate::i18n::{t, tf, Lang};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::list::{ListScreen, ListSpec, SearchName};
use crate::tui::screens::{Destination, Outcome};
use crate::tui::text::safe;
use crate::tui::widgets::filtered_table::days_cell;

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
pub type CaseList = ListScreen<Cases>;

/// The case list's data.
pub struct Cases {
    /// String-table key of the title: the list serves 需求认定 and 动态管理.
    title: &'static str,
    /// The tab it opens on.
    tab: usize,
    /// Opened from 动态管理: the monthly roster and its follow-up tasks are reached from here.
    dynamic: bool,
    /// The limits the count line names.
    thresholds: Thresholds,
    /// The session may import the roster and work its follow-ups (it edits persons).
    may_roster: bool,
}

impl CaseList {
    /// The list on the cases waiting for a survey.
    pub fn new(env: &mut Env) -> CaseList {
        Cases::on_tab(env, TAB_TO_SURVEY, "cases.title", false)
    }

    /// The list on the cases in service (动态管理).
    pub fn in_service(env: &mut Env) -> CaseList {
        Cases::on_tab(env, TAB_IN_SERVICE, "cases.title_dynamic", true)
    }
}

impl Cases {
    fn on_tab(env: &mut Env, tab: usize, title: &'static str, dynamic: bool) -> CaseList {
        let spec = Cases {
            title,
            tab,
            dynamic,
            thresholds: Thresholds::default(),
            may_roster: env.may_somewhere(crate::domain::permission::Action::EditPerson),
        };
        ListScreen::with(env, spec)
    }

    fn roster(&self) -> bool {
        self.dynamic && self.may_roster
    }
}

impl ListSpec for Cases {
    type Item = CaseLine;

    const SEARCH: bool = true;

    fn title(&self) -> &'static str {
        self.title
    }

    fn tabs(&self) -> Vec<String> {
        FILTERS
            .iter()
            .map(|f| match f {
                None => "cases.tab_all".to_string(),
                Some(s) => format!("cases.tab_{}", s.code()),
            })
            .collect()
    }

    fn first_tab(&self, _env: &Env) -> usize {
        self.tab
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "clues.col_name",
            "clues.col_community",
            "clues.col_state",
            "clues.col_days",
            "cases.col_card",
        ]
    }

    fn flex(&self) -> usize {
        4
    }

    fn empty(&self) -> &'static str {
        "cases.none"
    }

    fn load(&mut self, env: &mut Env, tab: usize) -> Result<Vec<CaseLine>, AppError> {
        let state = FILTERS.get(tab).copied().flatten();
        let (lines, thresholds) = env.ctx().and_then(|ctx| {
            Ok((
                case::list(&ctx, state, MAX_LINES)?,
                settings::thresholds(&ctx)?,
            ))
        })?;
        self.thresholds = thresholds;
        Ok(lines)
    }

    fn cells(&self, l: &CaseLine, env: &Env) -> Vec<Line<'static>> {
        vec![
            Line::from(safe(&l.person_name)),
            Line::from(safe(env.org_name(&l.case.community))),
            Line::from(t(env.lang, l.case.state.label_key()).to_string()),
            days_cell(l.days, l.overdue),
            Line::from(
                l.case
                    .card_no
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| "-".into()),
            ),
        ]
    }

    fn overdue(&self, l: &CaseLine) -> bool {
        l.overdue
    }

    fn count(&self, shown: &[&CaseLine], lang: Lang) -> Option<String> {
        let overdue = shown.iter().filter(|l| l.overdue).count();
        Some(tf(
            lang,
            "cases.count",
            &[
                ("n", &shown.len().to_string()),
                ("overdue", &overdue.to_string()),
                ("survey", &self.thresholds.get(Limit::Survey).to_string()),
                ("decide", &self.thresholds.get(Limit::Decide).to_string()),
            ],
        ))
    }

    fn open(&self, l: &CaseLine, _env: &mut Env) -> Outcome {
        Outcome::Open(Destination::CaseDetail {
            id: l.case.meta.id.clone(),
        })
    }

    fn extra_commands(&self, _current: Option<&CaseLine>) -> Vec<Command> {
        if !self.roster() {
            return Vec::new();
        }
        // Letters type into the search, so these take Ctrl.
        vec![
            Command::bar(
                &[Key::ctrl('r')],
                Action::Step(STEP_IMPORT),
                "cmd.import_roster",
            ),
            Command::bar(&[Key::ctrl('t')], Action::Step(STEP_TASKS), "cmd.tasks"),
        ]
    }

    fn extra(&self, action: Action, _current: Option<&CaseLine>, _env: &mut Env) -> Outcome {
        match action {
            Action::Step(STEP_IMPORT) if self.roster() => Outcome::Open(Destination::RosterImport),
            Action::Step(STEP_TASKS) if self.roster() => {
                Outcome::Open(Destination::Tasks { at: None })
            }
            _ => Outcome::None,
        }
    }

    fn search_name(&self, l: &CaseLine) -> Option<SearchName> {
        Some(SearchName {
            name: l.person_name.clone(),
            service_no: l.case.card_no.clone(),
            community: l.case.community.clone(),
        })
    }
}
