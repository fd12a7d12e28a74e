//! The home screen: the main menu of the six steps and the other areas, beside the 待办 counts.

use crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::person_list::PersonList;
use super::placeholder::Placeholder;
use super::{Outcome, Screen};
use crate::app::inbox::{self, Waiting};
use crate::i18n::{t, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::text::fit;

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

/// The home screen.
pub struct Home {
    selected: usize,
    /// The counts, or why they cannot be shown (a role that may not see persons).
    waiting: Option<Result<Vec<Waiting>, String>>,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    /// The home screen without counts (see [`Home::with_counts`]).
    pub fn new() -> Home {
        Home {
            selected: 0,
            waiting: None,
        }
    }

    fn refresh(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.waiting = Some(
            env.ctx()
                .and_then(|ctx| inbox::counts(&ctx))
                .map_err(|e| e.localize(lang)),
        );
    }

    fn open(&mut self, i: usize, env: &mut Env) -> Outcome {
        self.selected = i;
        match MENU.get(i) {
            Some(&"menu.archive") => Outcome::Push(Box::new(PersonList::new(env))),
            Some(&"menu.service") => {
                Outcome::Push(Box::new(super::service_form::ServiceDesk::new(env)))
            }
            Some(&"menu.resources") => {
                Outcome::Push(Box::new(super::providers::ProviderList::new(env)))
            }
            Some(&"menu.supervision") => {
                Outcome::Push(Box::new(super::supervision::SupervisionScreen::new(env)))
            }
            Some(&"menu.dynamic") => {
                Outcome::Push(Box::new(super::case_list::CaseList::in_service(env)))
            }
            Some(&"menu.determination") => {
                Outcome::Push(Box::new(super::case_list::CaseList::new(env)))
            }
            Some(&"menu.discovery") => {
                Outcome::Push(Box::new(super::clue_list::ClueList::new(env)))
            }
            Some(&"menu.settings") => Outcome::Push(Box::new(super::settings::Settings::new(env))),
            Some(key) => Outcome::Push(Box::new(Placeholder::new(key))),
            None => Outcome::None,
        }
    }

    /// Loads the counts now (the App does it before the first frame).
    pub fn with_counts(mut self, env: &mut Env) -> Home {
        self.refresh(env);
        self
    }
}

impl Screen for Home {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "menu.home").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        for (i, d) in "1234567890".chars().enumerate() {
            let mut cmd = Command::help_only(&[Key::ch(d)], Action::Menu(i as u8), MENU[i]);
            cmd.in_bar = i == 0;
            if i == 0 {
                cmd.label = "cmd.menu_digit";
            }
            c.push(cmd);
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Up), Key::ch('k')],
            Action::Up,
            "cmd.up",
        ));
        c.push(Command::bar(
            &[Key::plain(KeyCode::Down), Key::ch('j')],
            Action::Down,
            "cmd.down",
        ));
        c.push(Command::help_only(
            &[Key::ch('r')],
            Action::Home,
            "cmd.refresh",
        ));
        c.push(Command::help_only(
            &[Key::ch('t')],
            Action::Step(0),
            "cmd.transfers",
        ));
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Up => self.selected = (self.selected + MENU.len() - 1) % MENU.len(),
            Action::Down => self.selected = (self.selected + 1) % MENU.len(),
            Action::Open => return self.open(self.selected, env),
            Action::Menu(i) => return self.open(i as usize, env),
            Action::Step(0) => {
                return Outcome::Push(Box::new(super::transfer::TransferList::new(env)))
            }
            _ => {}
        }
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let [menu_area, inbox_area] =
            Layout::horizontal([Constraint::Length(30), Constraint::Min(20)]).areas(area);
        let mut lines = vec![Line::styled(
            format!(" {}", t(lang, "home.menu")),
            env.theme.label,
        )];
        for (i, key) in MENU.iter().enumerate() {
            let digit = (i + 1) % 10;
            let marker = if i == self.selected {
                env.symbols.marker
            } else {
                " "
            };
            let text = format!("{marker} {digit}  {}", t(lang, key));
            let style = if i == self.selected {
                env.theme.selected
            } else {
                ratatui::style::Style::default()
            };
            lines.push(Line::styled(fit(&text, 28), style));
            if i == 5 {
                lines.push(Line::from(""));
            }
        }
        frame.render_widget(Paragraph::new(lines), menu_area);
        let mut right = vec![Line::styled(t(lang, "home.inbox"), env.theme.label)];
        match &self.waiting {
            Some(Err(why)) => right.push(Line::styled(why.clone(), env.theme.hint)),
            Some(Ok(items)) => {
                for w in items {
                    right.push(Line::from(vec![
                        Span::raw(fit(t(lang, w.label), 24)),
                        Span::styled(format!("{:>8}", w.count), env.theme.focused),
                    ]));
                }
            }
            None => right.push(Line::styled(t(lang, "home.loading"), env.theme.hint)),
        }
        right.push(Line::from(""));
        right.push(Line::styled(t(lang, "home.inbox_note"), env.theme.hint));
        frame.render_widget(
            Paragraph::new(right).wrap(ratatui::widgets::Wrap { trim: false }),
            inbox_area,
        );
    }
}
