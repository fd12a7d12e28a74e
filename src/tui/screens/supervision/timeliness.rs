//! 统计报表 → 时效统计: per community, the median days of each workflow step and how many
//! took it, and how many items are overdue now. Tab switches between the medians and the
//! counts; P cycles the period (all time, the last twelve months, this month).

use chrono::{Datelike, Duration, NaiveDate};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::timeliness::{self, CommunityTimeliness, Period, Report, Step};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::filtered_table::{FilteredTable, Row};

/// The two views of the table.
const VIEWS: [&str; 2] = ["timeliness.view_median", "timeliness.view_count"];
const VIEW_MEDIAN: usize = 0;

/// The periods P cycles through.
const PERIODS: [&str; 3] = [
    "timeliness.period_all",
    "timeliness.period_year",
    "timeliness.period_month",
];

/// The 时效统计 screen.
pub struct TimelinessScreen {
    table: FilteredTable,
    period: usize,
    report: Result<Report, String>,
}

impl TimelinessScreen {
    /// The table over all time, medians shown.
    pub fn new(env: &mut Env) -> TimelinessScreen {
        let mut s = TimelinessScreen {
            table: FilteredTable::new(VIEWS.len(), VIEW_MEDIAN),
            period: 0,
            report: Err(String::new()),
        };
        s.reload(env);
        s
    }

    /// The days of period `n` as of `today`.
    fn period_of(n: usize, today: NaiveDate) -> Option<Period> {
        match n {
            1 => Some(Period {
                from: today - Duration::days(364),
                to: today,
            }),
            2 => Some(Period {
                from: today.with_day(1).unwrap_or(today),
                to: today,
            }),
            _ => None,
        }
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let period = Self::period_of(self.period, env.clock.today());
        self.report = env
            .ctx()
            .and_then(|ctx| timeliness::report(&ctx, period))
            .map_err(|e| e.localize(lang));
        let n = self.report.as_ref().map_or(0, |r| r.communities.len() + 1);
        self.table.clamp(n);
    }

    fn row(&self, env: &Env, r: &CommunityTimeliness) -> Row {
        let lang = env.lang;
        let name = if r.community.is_empty() {
            t(lang, "timeliness.total").to_string()
        } else {
            safe(env.org_name(&r.community))
        };
        let mut cells = vec![Line::from(name)];
        for step in Step::ALL {
            let s = r.step(step);
            cells.push(Line::from(if self.table.filter == VIEW_MEDIAN {
                s.median.map(days).unwrap_or_else(|| "-".into())
            } else {
                s.count.to_string()
            }));
        }
        cells.push(Line::from(r.overdue.to_string()));
        Row {
            cells,
            overdue: r.overdue > 0,
        }
    }
}

/// A median in days: whole, or with the half.
fn days(m: f64) -> String {
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

impl Screen for TimelinessScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "timeliness.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(&[Key::ch('p')], Action::Step(0), "cmd.period")];
        c.extend(FilteredTable::commands());
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let n = self.report.as_ref().map_or(0, |r| r.communities.len() + 1);
        if self.table.handle(action, n).is_some() {
            return Outcome::None;
        }
        if action == Action::Step(0) {
            self.period = (self.period + 1) % PERIODS.len();
            self.reload(env);
        }
        Outcome::None
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let tabs: Vec<String> = VIEWS.iter().map(|k| t(lang, k).to_string()).collect();
        let mut headers = vec![t(lang, "field.community").to_string()];
        headers.extend(Step::ALL.iter().map(|s| t(lang, s.label_key()).to_string()));
        headers.push(t(lang, "timeliness.col_overdue").to_string());
        let count = self.report.as_ref().map_err(Clone::clone).map(|_| {
            tf(
                lang,
                if self.table.filter == VIEW_MEDIAN {
                    "timeliness.legend_median"
                } else {
                    "timeliness.legend_count"
                },
                &[("period", t(lang, PERIODS[self.period]))],
            )
        });
        let rows: Vec<Row> = match &self.report {
            Ok(r) => r
                .communities
                .iter()
                .chain(std::iter::once(&r.total))
                .skip(self.table.top(area))
                .take(FilteredTable::rows(area))
                .map(|c| self.row(env, c))
                .collect(),
            Err(_) => Vec::new(),
        };
        self.table.render(
            frame,
            area,
            env,
            &tabs,
            count,
            &headers,
            &rows,
            0,
            t(lang, "timeliness.none"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_show_whole_or_half_days() {
        assert_eq!(days(3.0), "3");
        assert_eq!(days(2.5), "2.5");
    }

    #[test]
    fn periods_end_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(TimelinessScreen::period_of(0, today), None);
        let month = TimelinessScreen::period_of(2, today).unwrap();
        assert_eq!(month.from, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let year = TimelinessScreen::period_of(1, today).unwrap();
        assert_eq!((year.to - year.from).num_days(), 364);
    }
}
