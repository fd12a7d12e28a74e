//! The home screen: the main menu of the six steps and the other areas on the left, the 待办
//! inbox on the right — one line per waiting task, overdue first. Tab (or Left/Right) moves
//! the focus between the two; Up/Down move in the focused one; Enter opens the menu entry or
//! goes straight to the task's record; the digits open menu entries wherever the focus is.

use crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{Destination, Outcome, Screen};
use crate::app::inbox::{self, Inbox, InboxItem, InboxKind, Target, INBOX_MAX};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{list_moves, Action, Command, Key};
use crate::tui::text::{fit, safe, width, wrap};
use crate::tui::widgets::filtered_table::days_cell;
use crate::tui::widgets::table::row_line;

/// Main-menu entries, in the plan's order: the six steps, then resources, exchange, reports,
/// settings.
pub const MENU: [&str; 10] = [
    "menu.discovery",
    "menu.determination",
    "menu.archive",
    "menu.service",
    "menu.dynamic",
    "menu.supervision",
    "menu.resources",
    "menu.exchange",
    "menu.reports",
    "menu.settings",
];

/// True when the session's roles may use menu entry `key`: its screen offers them something
/// (settings, with the look and the password, everyone).
fn menu_allowed(key: &str, env: &Env) -> bool {
    use crate::domain::permission::Action as P;
    let needs = match key {
        "menu.service" => P::RecordService,
        "menu.exchange" => P::ExchangeBundles,
        "menu.settings" => return true,
        _ => P::ViewPerson,
    };
    env.may_somewhere(needs)
}

/// Rows moved by PageUp / PageDown in the inbox.
const PAGE: usize = 10;
/// Width of the menu column.
const MENU_W: u16 = 30;
/// Widest name shown before it is cut (four characters; longer names are rare).
const NAME_W: usize = 8;
/// Widest community name shown (six characters: 洪都新村社区); a wide terminal keeps the
/// days beside the names rather than at the far edge.
const COMMUNITY_W: usize = 16;
/// Width of the days column (`!365`).
const DAYS_W: usize = 4;

/// The home screen's step: focus the menu.
const STEP_MENU: u8 = 0;
/// The home screen's step: focus the inbox.
const STEP_INBOX: u8 = 1;
/// Opens the list of transfers waiting to be received.
const STEP_TRANSFERS: u8 = 2;
/// Sign out and back to the sign-in screen, for another account.
/// Shows only the next kind of task present in the inbox (after the last: all again).
const STEP_NEXT_KIND: u8 = 4;

/// Which side has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The main menu.
    Menu,
    /// The 待办 inbox.
    Inbox,
}

/// The home screen.
pub struct Home {
    selected: usize,
    focus: Focus,
    /// The selected inbox line.
    row: usize,
    /// The inbox, or why it cannot be shown.
    inbox: Option<Result<Inbox, String>>,
    /// The one kind of task shown; `None`: all.
    kind: Option<InboxKind>,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    /// The home screen without its inbox (see [`Home::with_inbox`]).
    pub fn new() -> Home {
        Home {
            selected: 0,
            focus: Focus::Menu,
            row: 0,
            inbox: None,
            kind: None,
        }
    }

    /// Loads the inbox now (the App does it before the first frame); the focus starts in the
    /// inbox when something waits, so Enter goes straight to the most urgent task.
    pub fn with_inbox(mut self, env: &mut Env) -> Home {
        self.refresh(env);
        if self.items().is_empty() {
            self.focus = Focus::Menu;
        } else {
            self.focus = Focus::Inbox;
        }
        self
    }

    /// Which side has the keyboard (tests).
    pub fn focus(&self) -> Focus {
        self.focus
    }

    fn refresh(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.inbox = Some(
            env.ctx()
                .and_then(|ctx| inbox::tasks(&ctx))
                .map_err(|e| e.localize(lang)),
        );
        if self.kind.is_some_and(|k| !self.kinds().contains(&k)) {
            self.kind = None;
        }
        self.row = self.row.min(self.items().len().saturating_sub(1));
    }

    /// Every task of the inbox, whatever the kind shown.
    fn all_items(&self) -> &[InboxItem] {
        match &self.inbox {
            Some(Ok(i)) => &i.items,
            _ => &[],
        }
    }

    /// The tasks shown: all, or those of the kind chosen.
    fn items(&self) -> Vec<&InboxItem> {
        self.all_items()
            .iter()
            .filter(|i| self.kind.is_none_or(|k| i.kind == k))
            .collect()
    }

    /// The kinds of task present, in the order the catalogue of kinds lists them.
    fn kinds(&self) -> Vec<InboxKind> {
        InboxKind::ALL
            .into_iter()
            .filter(|k| self.all_items().iter().any(|i| i.kind == *k))
            .collect()
    }

    /// Shows the next kind present (after the last one, all kinds again).
    fn next_kind(&mut self) {
        let kinds = self.kinds();
        self.kind = match self.kind.and_then(|k| kinds.iter().position(|x| *x == k)) {
            None => kinds.first().copied(),
            Some(p) => kinds.get(p + 1).copied(),
        };
        self.row = 0;
    }

    fn open(&mut self, i: usize, env: &mut Env) -> Outcome {
        self.selected = i;
        if MENU.get(i).is_some_and(|k| !menu_allowed(k, env)) {
            return Outcome::Status(t(env.lang, "home.menu_not_allowed").to_string());
        }
        let to = match MENU.get(i) {
            Some(&"menu.archive") => Destination::Persons,
            Some(&"menu.service") => Destination::ServiceDesk,
            Some(&"menu.resources") => Destination::Providers,
            Some(&"menu.supervision") => Destination::Supervision,
            Some(&"menu.dynamic") => Destination::Cases { in_service: true },
            Some(&"menu.determination") => Destination::Cases { in_service: false },
            Some(&"menu.discovery") => Destination::Clues,
            Some(&"menu.reports") => Destination::Statistics,
            Some(&"menu.settings") => Destination::Settings,
            Some(&"menu.exchange") => Destination::Exchange { queue: false },
            Some(key) => Destination::Placeholder(key),
            None => return Outcome::None,
        };
        Outcome::Open(to)
    }

    /// Backs up into the user's outbox on its own connection and thread, with the screen's
    /// clock; the message names the file written.
    fn back_up(&mut self, env: &mut Env) -> Outcome {
        let Some(session) = env.session.clone() else {
            return Outcome::None;
        };
        let db = env.db_path.clone();
        let now = env.clock.now();
        let lang = env.lang;
        Outcome::Job(crate::tui::job::Job::spawn(
            t(lang, "home.backup_job").to_string(),
            move |_progress| {
                let run = || -> Result<crate::app::backup::BackupSummary, crate::app::AppError> {
                    let mut store = crate::store::Store::open(&db, &Default::default())?;
                    let clock = crate::app::FixedClock(now);
                    let mut ctx = crate::app::Ctx::new(&mut store, session, &clock)?;
                    crate::app::backup::backup(&mut ctx, None)
                };
                run()
                    .map(|s| {
                        tf(
                            lang,
                            "home.backup_done",
                            &[(
                                "path",
                                &crate::tui::text::safe(&crate::store::data_dir::shown_path(
                                    &s.path,
                                )),
                            )],
                        )
                    })
                    .map_err(|e| crate::i18n::Localize::localize(&e, lang))
            },
        ))
    }

    /// Opens the record of the selected inbox line.
    fn open_task(&mut self, env: &mut Env) -> Outcome {
        let items = self.items();
        let Some(item) = items.get(self.row).copied() else {
            return Outcome::None;
        };
        if let Target::Backup { .. } = item.target {
            return self.back_up(env);
        }
        let to = match item.target.clone() {
            Target::Clue(id) => Destination::ClueDetail { id },
            Target::Case(id) => Destination::CaseDetail { id },
            Target::Task { id, .. } => Destination::Tasks { at: Some(id) },
            Target::Complaint(id) => Destination::Complaint { id },
            Target::Posting(community) => Destination::Posting { community },
            Target::Transfer(_) => Destination::Transfers,
            Target::ExchangeQueue { .. } => Destination::Exchange { queue: true },
            Target::KeyAlarms { .. } => Destination::Exchange { queue: false },
            Target::Agreements(provider) | Target::Settlements(provider) => {
                match env.ctx().and_then(|ctx| {
                    crate::app::provider::list(&ctx)
                        .map(|all| all.into_iter().find(|p| p.meta.id == provider))
                }) {
                    Ok(Some(p)) if matches!(item.target, Target::Settlements(_)) => {
                        Destination::Settlements(Box::new(p))
                    }
                    Ok(Some(p)) => Destination::Agreements(Box::new(p)),
                    _ => return Outcome::None,
                }
            }
            Target::Subsidy(_) => Destination::Subsidies,
            Target::Provider(_) => Destination::Providers,
            Target::Backup { .. } => return Outcome::None,
        };
        Outcome::Open(to)
    }

    fn render_menu(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let focused = self.focus == Focus::Menu;
        let mut lines = vec![Line::styled(
            format!(" {}", t(lang, "home.menu")),
            if focused {
                env.theme.focused
            } else {
                env.theme.label
            },
        )];
        for (i, key) in MENU.iter().enumerate() {
            let digit = (i + 1) % 10;
            let chosen = focused && i == self.selected;
            let marker = if chosen { env.symbols.marker } else { " " };
            let text = format!("{marker} {digit}  {}", t(lang, key));
            let style = if chosen {
                env.theme.selected
            } else if !menu_allowed(key, env) {
                // Marked, not hidden: the digits keep their places for everyone.
                env.theme.hint
            } else {
                Style::default()
            };
            lines.push(Line::styled(fit(&text, MENU_W as usize - 2), style));
            if i == 5 {
                lines.push(Line::from(""));
            }
        }
        lines.push(Line::from(""));
        // One hint a line; a line too long for the column wraps.
        for l in t(lang, "home.inbox_note")
            .lines()
            .flat_map(|l| wrap(l, MENU_W as usize - 3))
        {
            lines.push(Line::styled(format!(" {l}"), env.theme.hint));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn render_inbox(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let focused = self.focus == Focus::Inbox;
        let title_style = if focused {
            env.theme.focused
        } else {
            env.theme.label
        };
        let mut lines = Vec::new();
        let inbox = match &self.inbox {
            None => {
                lines.push(Line::styled(t(lang, "home.inbox"), title_style));
                lines.push(Line::styled(t(lang, "home.loading"), env.theme.hint));
                frame.render_widget(Paragraph::new(lines), area);
                return;
            }
            Some(Err(why)) => {
                lines.push(Line::styled(t(lang, "home.inbox"), title_style));
                lines.extend(
                    wrap(why, area.width as usize)
                        .into_iter()
                        .map(|l| Line::styled(l, env.theme.hint)),
                );
                frame.render_widget(Paragraph::new(lines), area);
                return;
            }
            Some(Ok(inbox)) => inbox,
        };
        let mut count = if inbox.total > inbox.items.len() {
            tf(
                lang,
                "home.inbox_capped",
                &[
                    ("n", &inbox.total.to_string()),
                    ("shown", &INBOX_MAX.to_string()),
                    ("overdue", &inbox.overdue.to_string()),
                ],
            )
        } else {
            tf(
                lang,
                "home.inbox_count",
                &[
                    ("n", &inbox.total.to_string()),
                    ("overdue", &inbox.overdue.to_string()),
                ],
            )
        };
        let items = self.items();
        if let Some(k) = self.kind {
            count = tf(
                lang,
                "home.inbox_kind",
                &[
                    ("kind", t(lang, k.label_key())),
                    ("n", &items.len().to_string()),
                ],
            );
        }
        // Overdue means one thing everywhere: a step waiting past its limit. The inbox counts
        // the user's own; when the communities in view have more (other roles' steps), say
        // so, with the number 时效统计 shows.
        let count = if self.kind.is_none() && inbox.overdue_in_view != inbox.overdue {
            format!(
                "{count}{}",
                tf(
                    lang,
                    "home.inbox_in_view",
                    &[("k", &inbox.overdue_in_view.to_string())]
                )
            )
        } else {
            count
        };
        lines.push(Line::from(vec![
            Span::styled(t(lang, "home.inbox").to_string(), title_style),
            Span::styled(format!("  {count}"), env.theme.hint),
        ]));
        if inbox.items.is_empty() {
            lines.push(Line::styled(t(lang, "home.inbox_empty"), env.theme.hint));
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        // Fixed columns, so the table keeps its shape from page to page: the kind as wide as
        // its longest label, the name, the days; the community takes what is left, up to a
        // limit.
        let kind_w = InboxKind::ALL
            .iter()
            .map(|k| width(t(lang, k.label_key())))
            .max()
            .unwrap_or(8);
        let room = (area.width as usize).saturating_sub(2);
        let community_w = room
            .saturating_sub(kind_w + NAME_W + DAYS_W + 3)
            .clamp(4, COMMUNITY_W);
        let widths = [kind_w, NAME_W, community_w, DAYS_W];
        let headers: Vec<Line<'_>> = [
            "home.col_task",
            "clues.col_name",
            "clues.col_community",
            "clues.col_days",
        ]
        .iter()
        .map(|k| Line::from(t(lang, k)))
        .collect();
        let mut header = row_line(&headers, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        lines.push(header);
        let page = (area.height as usize).saturating_sub(2).max(1);
        let top = (self.row / page) * page;
        for (n, item) in items.iter().enumerate().skip(top).take(page) {
            let chosen = focused && n == self.row;
            let name = if item.name.is_empty() {
                "-".to_string()
            } else {
                safe(&item.name)
            };
            let style = if chosen {
                env.theme.selected
            } else if item.overdue {
                env.theme.error
            } else {
                Style::default()
            };
            let mut l = match item.target {
                // The exchange queue is one line for all its items: what waits takes the
                // name and community columns together.
                Target::Backup { ref last } => row_line(
                    &[
                        Line::from(t(lang, item.kind.label_key()).to_string()),
                        Line::from(match last {
                            Some(at) => tf(
                                lang,
                                "inbox.backup_last",
                                &[("at", &crate::app::clock::show_instant(at))],
                            ),
                            None => t(lang, "inbox.backup_never").to_string(),
                        }),
                        days_cell(Some(item.days), item.overdue),
                    ],
                    &[kind_w, NAME_W + 1 + community_w, DAYS_W],
                    style,
                ),
                Target::ExchangeQueue { open } => row_line(
                    &[
                        Line::from(t(lang, item.kind.label_key()).to_string()),
                        Line::from(tf(lang, "inbox.exchange_open", &[("n", &open.to_string())])),
                        days_cell(Some(item.days), item.overdue),
                    ],
                    &[kind_w, NAME_W + 1 + community_w, DAYS_W],
                    style,
                ),
                Target::KeyAlarms { open, ref org } => row_line(
                    &[
                        Line::from(t(lang, item.kind.label_key()).to_string()),
                        Line::from(tf(
                            lang,
                            "inbox.key_alarm_open",
                            &[("n", &open.to_string()), ("org", org)],
                        )),
                        days_cell(Some(item.days), item.overdue),
                    ],
                    &[kind_w, NAME_W + 1 + community_w, DAYS_W],
                    style,
                ),
                _ => row_line(
                    &[
                        Line::from(t(lang, item.kind.label_key()).to_string()),
                        Line::from(name),
                        Line::from(safe(env.org_name(&item.community))),
                        days_cell(Some(item.days), item.overdue),
                    ],
                    &widths,
                    style,
                ),
            };
            l.spans.insert(
                0,
                Span::raw(if chosen {
                    format!("{} ", env.symbols.marker)
                } else {
                    "  ".into()
                }),
            );
            lines.push(l);
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

impl Screen for Home {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "menu.home").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "cmd.open"),
            Command::bar(
                &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::BackTab)],
                Action::NextField,
                "cmd.switch_pane",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::Left)],
                Action::Step(STEP_MENU),
                "cmd.focus_menu",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::Right)],
                Action::Step(STEP_INBOX),
                "cmd.focus_inbox",
            ),
        ];
        for (i, d) in "1234567890".chars().enumerate() {
            let mut cmd = Command::help_only(&[Key::ch(d)], Action::Menu(i as u8), MENU[i]);
            // The bar speaks for the ten keys at once; the help names each entry.
            if i == 0 {
                cmd.in_bar = true;
                cmd.bar_label = Some("cmd.menu_digit");
            }
            c.push(cmd);
        }
        c.extend(list_moves());
        c.push(Command::help_only(
            &[Key::ch('r')],
            Action::Home,
            "cmd.refresh",
        ));
        c.push(Command::help_only(
            &[Key::ch('t')],
            Action::Step(STEP_TRANSFERS),
            "cmd.transfers",
        ));
        c.push(Command::help_only(
            &[Key::ch('f')],
            Action::Step(STEP_NEXT_KIND),
            "cmd.inbox_kind",
        ));
        c.push(Command::help_only(
            &[Key::ch('l')],
            Action::SwitchUser,
            "cmd.switch_user",
        ));
        // The home screen has no text field: q quits here as the README promises.
        c.push(Command::help_only(
            &[Key::ch('q')],
            Action::Quit,
            "cmd.quit",
        ));
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let n = self.items().len();
        let last = n.saturating_sub(1);
        match (action, self.focus) {
            (Action::NextField, Focus::Menu) if n > 0 => self.focus = Focus::Inbox,
            (Action::NextField, Focus::Inbox) => self.focus = Focus::Menu,
            (Action::Step(STEP_MENU), _) => self.focus = Focus::Menu,
            (Action::Step(STEP_INBOX), _) if n > 0 => self.focus = Focus::Inbox,
            (Action::Up, Focus::Menu) => {
                self.selected = (self.selected + MENU.len() - 1) % MENU.len()
            }
            (Action::Down, Focus::Menu) => self.selected = (self.selected + 1) % MENU.len(),
            (Action::Up, Focus::Inbox) => self.row = self.row.saturating_sub(1),
            (Action::Down, Focus::Inbox) => self.row = (self.row + 1).min(last),
            (Action::PageUp, Focus::Inbox) => self.row = self.row.saturating_sub(PAGE),
            (Action::PageDown, Focus::Inbox) => self.row = (self.row + PAGE).min(last),
            (Action::Open, Focus::Menu) => return self.open(self.selected, env),
            (Action::Open, Focus::Inbox) => return self.open_task(env),
            (Action::Menu(i), _) => return self.open(i as usize, env),
            (Action::Step(STEP_NEXT_KIND), _) if n > 0 || self.kind.is_some() => {
                self.next_kind();
                self.focus = Focus::Inbox;
            }
            (Action::Step(STEP_TRANSFERS), _) => return Outcome::Open(Destination::Transfers),
            _ => {}
        }
        Outcome::None
    }

    fn on_resume(&mut self, env: &mut Env) {
        // The task just handled leaves the list; the selection stays on the line that
        // follows it, so working down the inbox is Enter, act, Esc, Enter …
        self.refresh(env);
        if self.items().is_empty() {
            self.focus = Focus::Menu;
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let [menu_area, inbox_area] =
            Layout::horizontal([Constraint::Length(MENU_W), Constraint::Min(20)]).areas(area);
        self.render_menu(frame, menu_area, env);
        self.render_inbox(frame, inbox_area, env);
    }
}
