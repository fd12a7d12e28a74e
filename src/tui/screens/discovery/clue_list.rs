//! 主动发现: the clue list — newest first, filtered by state, overdue clues marked. A session
//! whose only step on recorded clues is 受理 opens on the clues waiting for it (已上报).

use ratatui::text::Line;

use crate::app::clue::{self, ClueLine};
use crate::app::AppError;
use crate::domain::clue::ClueState;
use crate::domain::permission::Action as Permission;
use crate::i18n::{t, tf, Lang};
use crate::tui::env::Env;
use crate::tui::screens::list::{ListScreen, ListSpec};
use crate::tui::screens::{Destination, Outcome};
use crate::tui::text::safe;
use crate::tui::widgets::filtered_table::days_cell;

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
pub type ClueList = ListScreen<Clues>;

/// The clue list's data.
pub struct Clues {
    /// The session may record a clue somewhere (else 新增 is not offered).
    may_record: bool,
}

impl ClueList {
    /// The list of all clues the user may see.
    pub fn new(env: &mut Env) -> ClueList {
        ListScreen::with(
            env,
            Clues {
                may_record: env.may_somewhere(Permission::RecordClue),
            },
        )
    }
}

/// The tab of the clues that wait for the session's step: 已上报 for a session that may accept
/// reports but neither verify nor report (the subdistrict); 全部 for everyone else.
fn tab_of(env: &Env) -> usize {
    let only_accepts = env.may_somewhere(Permission::AcceptReport)
        && !env.may_somewhere(Permission::VerifyClue)
        && !env.may_somewhere(Permission::ReportClue);
    let waiting = only_accepts.then_some(ClueState::Reported);
    FILTERS.iter().position(|f| *f == waiting).unwrap_or(0)
}

impl ListSpec for Clues {
    type Item = ClueLine;

    fn title(&self) -> &'static str {
        "clues.title"
    }

    fn tabs(&self) -> Vec<String> {
        // Short tab names, so all seven fit in 80 columns.
        FILTERS
            .iter()
            .map(|f| match f {
                None => "clues.tab_all".to_string(),
                Some(s) => format!("clues.tab_{}", s.code()),
            })
            .collect()
    }

    fn first_tab(&self, env: &Env) -> usize {
        tab_of(env)
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "clues.col_found",
            "clues.col_name",
            "clues.col_community",
            "clues.col_state",
            "clues.col_days",
            "clues.col_difficulty",
        ]
    }

    fn flex(&self) -> usize {
        5
    }

    fn empty(&self) -> &'static str {
        "clues.none"
    }

    fn load(&mut self, env: &mut Env, tab: usize) -> Result<Vec<ClueLine>, AppError> {
        let state = FILTERS.get(tab).copied().flatten();
        env.ctx().and_then(|ctx| clue::list(&ctx, state, MAX_LINES))
    }

    fn cells(&self, l: &ClueLine, env: &Env) -> Vec<Line<'static>> {
        vec![
            Line::from(l.clue.found_on.format("%Y-%m-%d").to_string()),
            Line::from(safe(&l.person_name)),
            Line::from(safe(env.org_name(&l.clue.community))),
            Line::from(t(env.lang, l.clue.state.label_key()).to_string()),
            days_cell(l.days, l.overdue),
            Line::from(safe(&l.clue.difficulty)),
        ]
    }

    fn overdue(&self, l: &ClueLine) -> bool {
        l.overdue
    }

    fn count(&self, shown: &[&ClueLine], lang: Lang) -> Option<String> {
        let overdue = shown.iter().filter(|l| l.overdue).count();
        Some(tf(
            lang,
            "clues.count",
            &[
                ("n", &shown.len().to_string()),
                ("overdue", &overdue.to_string()),
            ],
        ))
    }

    fn open(&self, l: &ClueLine, _env: &mut Env) -> Outcome {
        Outcome::Open(Destination::ClueDetail {
            id: l.clue.meta.id.clone(),
        })
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_record.then_some("cmd.new_clue")
    }

    fn new_item(&self, _env: &mut Env) -> Outcome {
        Outcome::Open(Destination::ClueTargetPicker)
    }
}
