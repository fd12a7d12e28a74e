//! 打印与导出 of one case: the service card (A4 or wallet size) and the two archive forms. Each
//! choice writes an HTML file into the user's outbox and shows its full path: a browser opens
//! and prints it, and over SSH it is fetched with SFTP first.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::print::{self, CardLayout, ServicePeriod};
use crate::domain::case::Case;
use crate::domain::month::Month;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;

/// What can be printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Printout {
    CardA4,
    CardCompact,
    NeedsForm,
    ServiceForm(ServiceSpan),
}

/// The periods the menu offers a 接受救助服务情况表 for, counted from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServiceSpan {
    ThisMonth,
    LastMonth,
    ThisYear,
    All,
}

impl ServiceSpan {
    fn period(self, today: chrono::NaiveDate) -> ServicePeriod {
        let this = Month::of(today);
        match self {
            ServiceSpan::ThisMonth => ServicePeriod::Month(this),
            // The first month there is has no month before it: print that month.
            ServiceSpan::LastMonth => ServicePeriod::Month(this.prev().unwrap_or(this)),
            ServiceSpan::ThisYear => ServicePeriod::Year(this.year()),
            ServiceSpan::All => ServicePeriod::All,
        }
    }
}

impl Printout {
    fn label_key(self) -> &'static str {
        match self {
            Printout::CardA4 => "print_menu.card_a4",
            Printout::CardCompact => "print_menu.card_compact",
            Printout::NeedsForm => "print_menu.needs_form",
            Printout::ServiceForm(ServiceSpan::ThisMonth) => "print_menu.service_form_month",
            Printout::ServiceForm(ServiceSpan::LastMonth) => "print_menu.service_form_last_month",
            Printout::ServiceForm(ServiceSpan::ThisYear) => "print_menu.service_form_year",
            Printout::ServiceForm(ServiceSpan::All) => "print_menu.service_form_all",
        }
    }
}

/// The print menu of one case.
pub struct PrintMenu {
    case_id: String,
    person_name: String,
    choices: Vec<Printout>,
    selected: usize,
}

impl PrintMenu {
    /// The choices `case` allows: the card once issued, the forms always.
    pub fn new(case: &Case, person_name: &str) -> PrintMenu {
        let mut choices = Vec::new();
        if case.card_no.is_some() {
            choices.extend([Printout::CardA4, Printout::CardCompact]);
        }
        choices.push(Printout::NeedsForm);
        choices.extend(
            [
                ServiceSpan::ThisMonth,
                ServiceSpan::LastMonth,
                ServiceSpan::ThisYear,
                ServiceSpan::All,
            ]
            .map(Printout::ServiceForm),
        );
        PrintMenu {
            case_id: case.meta.id.clone(),
            person_name: person_name.to_string(),
            choices,
            selected: 0,
        }
    }

    fn print(&mut self, which: Printout, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let id = self.case_id.clone();
        let today = env.clock.today();
        let result = env.ctx().and_then(|mut ctx| match which {
            Printout::CardA4 => print::card(&mut ctx, &id, CardLayout::A4, lang),
            Printout::CardCompact => print::card(&mut ctx, &id, CardLayout::Compact, lang),
            Printout::NeedsForm => print::needs_form(&mut ctx, &id, lang),
            Printout::ServiceForm(span) => {
                print::service_form(&mut ctx, &id, span.period(today), lang)
            }
        });
        match result {
            Ok(path) => Outcome::Dialog(Dialog::message(
                t(lang, "dialog.done_title").into(),
                tf(
                    lang,
                    "print_menu.written",
                    &[("path", &safe(&path.display().to_string()))],
                ),
            )),
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }
}

impl Screen for PrintMenu {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "print_menu.title",
            &[("name", &safe(&self.person_name))],
        )
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "print_menu.do"),
            Command::help_only(&[Key::plain(KeyCode::Up)], Action::Up, "cmd.up"),
            Command::help_only(&[Key::plain(KeyCode::Down)], Action::Down, "cmd.down"),
            Command::doc(&[Key::ch('1')], "print_menu.digit"),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ]
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::None
            }
            Action::Down => {
                if self.selected + 1 < self.choices.len() {
                    self.selected += 1;
                }
                Outcome::None
            }
            Action::Open => match self.choices.get(self.selected) {
                Some(&which) => self.print(which, env),
                None => Outcome::None,
            },
            Action::Back => Outcome::Pop,
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        let Some(d) = key.typed_char().and_then(|c| c.to_digit(10)) else {
            return Outcome::None;
        };
        match (d as usize)
            .checked_sub(1)
            .and_then(|i| self.choices.get(i))
        {
            Some(&which) => {
                self.selected = d as usize - 1;
                self.print(which, env)
            }
            None => Outcome::None,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let mut lines = vec![Line::from("")];
        for (i, c) in self.choices.iter().enumerate() {
            let text = format!("{}. {}", i + 1, t(lang, c.label_key()));
            lines.push(if i == self.selected {
                Line::from(vec![
                    Span::raw(format!(" {} ", env.symbols.marker)),
                    Span::styled(text, env.theme.selected),
                ])
            } else {
                Line::from(format!("   {text}"))
            });
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            format!("   {}", t(lang, "print_menu.hint")),
            env.theme.hint,
        ));
        frame.render_widget(Paragraph::new(lines), area);
    }
}
