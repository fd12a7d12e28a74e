//! 统计报表 → 月度统计: one month's figures of every community the user may see, in four
//! views (services, people in and out, per service item, per provider). `[` and `]` move a
//! month; E writes the month's statistics and Y the year's 绩效评估 to the outbox as
//! spreadsheets; T opens 时效统计.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::print::ListFormat;
use crate::app::statistics::{self, one_decimal, Which};
use crate::domain::month::Month;
use crate::domain::permission::Action as Permission;
use crate::domain::statistics::{CommunityFigures, Line as Figures, Summary, Tally};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{safe, truncate};
use crate::tui::widgets::filtered_table::{FilteredTable, Row};

/// The four views Tab cycles through.
const VIEWS: [&str; 4] = [
    "statistics.view_services",
    "statistics.view_movement",
    "statistics.sheet_items",
    "statistics.sheet_providers",
];
const VIEW_SERVICES: usize = 0;
const VIEW_MOVEMENT: usize = 1;
const VIEW_ITEMS: usize = 2;

const PREV_MONTH: Action = Action::Step(0);
const NEXT_MONTH: Action = Action::Step(1);
const EXPORT_MONTH: Action = Action::Step(2);
const EXPORT_YEAR: Action = Action::Step(3);
const TIMELINESS: Action = Action::Step(4);
/// Opens the fund ledgers (资金专户).
const FUNDS: Action = Action::Step(5);

/// The 月度统计 screen.
pub struct StatisticsScreen {
    table: FilteredTable,
    month: Month,
    summary: Result<Summary, String>,
    /// The session may read the figures (they count persons): only then are the exports and
    /// 时效统计 offered.
    may_view: bool,
}

impl StatisticsScreen {
    /// This month's figures, services shown.
    pub fn new(env: &mut Env) -> StatisticsScreen {
        let mut s = StatisticsScreen {
            table: FilteredTable::new(VIEWS.len(), VIEW_SERVICES),
            month: Month::of(env.clock.today()),
            summary: Err(String::new()),
            may_view: env.may_somewhere(Permission::ViewPerson),
        };
        s.reload(env);
        s
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let month = self.month;
        self.summary = env
            .ctx()
            .and_then(|ctx| statistics::monthly(&ctx, month, lang))
            .map_err(|e| e.localize(lang));
        self.table.clamp(self.len());
    }

    fn len(&self) -> usize {
        match &self.summary {
            Ok(s) => match self.table.filter {
                VIEW_SERVICES | VIEW_MOVEMENT => s.communities.len() + 1,
                VIEW_ITEMS => s.items.len(),
                _ => s.providers.len(),
            },
            Err(_) => 0,
        }
    }

    fn headers(&self, env: &Env) -> Vec<String> {
        let keys: &[&str] = match self.table.filter {
            VIEW_SERVICES => &[
                "statistics.col_community",
                "statistics.col_recipients",
                "statistics.col_records",
                "statistics.col_hours",
                "statistics.col_confirmed",
                "statistics.col_satisfied",
            ],
            VIEW_MOVEMENT => &[
                "statistics.col_community",
                "statistics.col_clues",
                "statistics.col_enrolled",
                "statistics.col_stopped",
                "statistics.col_in_service",
                "statistics.col_complaints",
                "statistics.col_closed",
                "statistics.col_inspections",
            ],
            VIEW_ITEMS => &[
                "statistics.col_item",
                "statistics.col_category",
                "statistics.col_recipients",
                "statistics.col_records",
                "statistics.col_hours",
            ],
            _ => &[
                "statistics.col_provider",
                "statistics.col_kind",
                "statistics.col_recipients",
                "statistics.col_records",
                "statistics.col_hours",
                "statistics.col_satisfied",
            ],
        };
        keys.iter().map(|k| t(env.lang, k).to_string()).collect()
    }

    fn community_row(&self, env: &Env, c: &CommunityFigures) -> Row {
        let name = if c.community.is_empty() {
            t(env.lang, "statistics.total").to_string()
        } else {
            safe(&c.name)
        };
        let s = &c.services;
        let cells: Vec<String> = if self.table.filter == VIEW_SERVICES {
            vec![
                name,
                s.recipients.to_string(),
                s.records.to_string(),
                one_decimal(Some(s.hours())),
                one_decimal(s.confirmed_rate()),
                one_decimal(s.satisfaction_rate()),
            ]
        } else {
            vec![
                name,
                c.clues_found.to_string(),
                c.enrolled.to_string(),
                c.stopped.to_string(),
                c.in_service_at_end.to_string(),
                c.complaints_received.to_string(),
                c.complaints_closed.to_string(),
                c.inspections.to_string(),
            ]
        };
        Row {
            cells: cells.into_iter().map(Line::from).collect(),
            overdue: false,
        }
    }

    fn line_row(&self, l: &Figures) -> Row {
        let s: &Tally = &l.tally;
        let mut cells = vec![
            safe(&l.name),
            safe(&l.group),
            s.recipients.to_string(),
            s.records.to_string(),
            one_decimal(Some(s.hours())),
        ];
        if self.table.filter != VIEW_ITEMS {
            cells.push(one_decimal(s.satisfaction_rate()));
        }
        Row {
            cells: cells.into_iter().map(Line::from).collect(),
            overdue: false,
        }
    }

    fn export(&self, which: Which, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let written = env
            .ctx()
            .and_then(|mut ctx| statistics::write(&mut ctx, which, ListFormat::Xlsx, None, lang));
        Outcome::Status(match written {
            Ok((path, n)) => tf(
                lang,
                "statistics.written",
                &[
                    (
                        "what",
                        t(
                            lang,
                            match which {
                                Which::Monthly(_) => "statistics.monthly",
                                Which::Evaluation(_) => "statistics.evaluation",
                            },
                        ),
                    ),
                    ("path", &safe(&crate::store::data_dir::shown_path(&path))),
                    ("n", &n.to_string()),
                ],
            ),
            Err(e) => e.localize(lang),
        })
    }
}

impl Screen for StatisticsScreen {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "statistics.screen_title",
            &[
                ("year", &self.month.year().to_string()),
                ("month", &self.month.month().to_string()),
            ],
        )
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![
            Command::bar(&[Key::ch('[')], PREV_MONTH, "cmd.prev_month"),
            Command::bar(&[Key::ch(']')], NEXT_MONTH, "cmd.next_month"),
        ];
        if self.may_view {
            c.extend([
                Command::bar(&[Key::ch('e')], EXPORT_MONTH, "cmd.export_month"),
                Command::bar(&[Key::ch('y')], EXPORT_YEAR, "cmd.export_evaluation"),
                Command::bar(&[Key::ch('t')], TIMELINESS, "cmd.timeliness"),
                Command::bar(&[Key::ch('f')], FUNDS, "cmd.funds"),
            ]);
        }
        c.extend(FilteredTable::commands());
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        if let Some(view_changed) = self.table.handle(action, self.len()) {
            if view_changed {
                self.table.clamp(self.len());
            }
            return Outcome::None;
        }
        match action {
            PREV_MONTH => {
                if let Some(m) = self.month.prev() {
                    self.month = m;
                    self.reload(env);
                }
                Outcome::None
            }
            NEXT_MONTH => {
                // Nothing is recorded in months that have not begun.
                if let Some(m) = self
                    .month
                    .next()
                    .filter(|m| *m <= Month::of(env.clock.today()))
                {
                    self.month = m;
                    self.reload(env);
                }
                Outcome::None
            }
            EXPORT_MONTH => self.export(Which::Monthly(self.month), env),
            EXPORT_YEAR => self.export(Which::Evaluation(self.month.year()), env),
            TIMELINESS => Outcome::Open(Destination::Timeliness),
            FUNDS => Outcome::Open(Destination::Funds),
            _ => Outcome::None,
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let tabs: Vec<String> = VIEWS.iter().map(|k| t(lang, k).to_string()).collect();
        let legend = self.summary.as_ref().map_err(Clone::clone).map(|s| {
            tf(
                lang,
                "statistics.legend",
                &[
                    ("from", &s.from.format("%Y-%m-%d").to_string()),
                    ("to", &s.to.format("%Y-%m-%d").to_string()),
                ],
            )
        });
        // By item or provider, the last row names the selected line whole: a long provider
        // name gives way in its column so that its kind shows whole.
        let lines_view = self.table.filter != VIEW_SERVICES && self.table.filter != VIEW_MOVEMENT;
        let selected_line = match (&self.summary, lines_view) {
            (Ok(s), true) if self.table.filter == VIEW_ITEMS => s.items.get(self.table.selected),
            (Ok(s), true) => s.providers.get(self.table.selected),
            _ => None,
        };
        let (area, detail) = match selected_line {
            Some(l) if area.height > 6 => (
                Rect::new(area.x, area.y, area.width, area.height - 1),
                Some((
                    Rect::new(area.x, area.y + area.height - 1, area.width, 1),
                    format!("  {}  {}", safe(&l.name), safe(&l.group)),
                )),
            ),
            _ => (area, None),
        };
        if let Some((rect, text)) = &detail {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    truncate(text, rect.width as usize),
                    env.theme.hint,
                )),
                *rect,
            );
        }
        let top = self.table.top(area);
        let shown = FilteredTable::rows(area);
        let rows: Vec<Row> = match &self.summary {
            Ok(s) => match self.table.filter {
                VIEW_SERVICES | VIEW_MOVEMENT => s
                    .communities
                    .iter()
                    .chain(std::iter::once(&s.total))
                    .skip(top)
                    .take(shown)
                    .map(|c| self.community_row(env, c))
                    .collect(),
                VIEW_ITEMS => s
                    .items
                    .iter()
                    .skip(top)
                    .take(shown)
                    .map(|l| self.line_row(l))
                    .collect(),
                _ => s
                    .providers
                    .iter()
                    .skip(top)
                    .take(shown)
                    .map(|l| self.line_row(l))
                    .collect(),
            },
            Err(_) => Vec::new(),
        };
        self.table.render(
            frame,
            area,
            env,
            &tabs,
            legend,
            &self.headers(env),
            &rows,
            // The community stays whole; the item's category and the provider's kind
            // (群团组织及部门) are short and stay whole too: a long provider name gives way.
            0,
            t(lang, "statistics.none"),
        );
    }
}
