//! 迁出 and 迁入: the form that moves a person to another community (their file and open
//! work follow them), and the list of transfers where the receiving community acknowledges
//! them and numbers the person in its archive.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::clock::show_instant;
use crate::app::person::{self, TransferLine, REASON_MAX};
use crate::app::AppError;
use crate::domain::org::Tier;
use crate::domain::permission::Action as Permission;
use crate::domain::person::Person;
use crate::domain::text::required_line;
use crate::domain::transfer::TransferState;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{list_moves, Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};
use crate::tui::widgets::table::{column_widths, row_line};

/// Dialog tag: confirm the transfer.
const ASK_SEND: u32 = 1;
/// Dialog tag: confirm the receipt.
const ASK_RECEIVE: u32 = 2;
/// Rows moved by PageUp / PageDown.
const PAGE: usize = 15;

fn required_reason(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Reason, v, REASON_MAX).map(|_| ())
}

/// 迁往其他社区: the receiving community and the reason.
pub struct TransferForm {
    person: Person,
    form: Form,
}

impl TransferForm {
    /// The form for `person`: every other community this workstation knows, in code order.
    pub fn new(env: &Env, person: &Person) -> TransferForm {
        let communities: Vec<(String, String)> = env
            .tree
            .units()
            .iter()
            .filter(|u| u.tier() == Tier::Community && u.code != person.facts.community)
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        let mut form = Form::new(vec![
            FormField::info("who", "transfers.person"),
            FormField::info("from", "transfers.from"),
            FormField::choice("to", "field.to_community", communities, false)
                .for_field(Field::Community),
            FormField::text("reason", "field.reason", REASON_MAX)
                .for_field(Field::Reason)
                .checked(required_reason),
        ]);
        form.set_value("who", &safe(&person.facts.name));
        form.set_value("from", &safe(env.org_name(&person.facts.community)));
        TransferForm {
            person: person.clone(),
            form,
        }
    }
}

impl Screen for TransferForm {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "transfers.form_title",
            &[("name", &safe(&self.person.facts.name))],
        )
    }

    fn commands(&self) -> Vec<Command> {
        form_screen::commands()
    }

    fn text_focused(&self) -> bool {
        self.form.text_focused()
    }

    fn unsaved(&self) -> bool {
        self.form.changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        match action {
            Action::Save => {
                if !self.form.check_all(lang) {
                    return Outcome::Status(t(lang, "form.fix_errors").to_string());
                }
                let to = self.form.choice("to");
                Outcome::Dialog(Dialog::confirm(
                    t(lang, "transfers.ask_title").to_string(),
                    tf(
                        lang,
                        "transfers.ask",
                        &[
                            ("name", &safe(&self.person.facts.name)),
                            ("from", &safe(env.org_name(&self.person.facts.community))),
                            ("to", &safe(env.org_name(&to))),
                        ],
                    ),
                    Purpose::Screen(ASK_SEND),
                ))
            }
            a => {
                form_screen::navigate(&mut self.form, a, lang);
                Outcome::None
            }
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form.handle(key);
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_SEND) || !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let (to, reason) = (self.form.choice("to"), self.form.value("reason"));
        let id = self.person.meta.id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| person::transfer(&mut ctx, &id, &to, &reason));
        match result {
            Ok(_) => {
                self.form.mark_saved();
                env.reload_index();
                Outcome::Pop
            }
            Err(AppError::Validation(v)) => {
                self.form.show_error(&v, lang);
                Outcome::Status(v.localize(lang))
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                e.localize(lang),
            )),
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        form_screen::render(&self.form, frame, area, env, "transfers.hint");
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        form_screen::cursor(&self.form, area)
    }
}

/// 迁移接收: transfers sent from or to the communities the user may see, pending first.
pub struct TransferList {
    lines: Result<Vec<TransferLine>, String>,
    selected: usize,
    /// For each line, whether the session may receive it (change records of the community it
    /// goes to): 接收 is offered only then.
    may_receive: Vec<bool>,
}

impl TransferList {
    /// The list, loaded now.
    pub fn new(env: &mut Env) -> TransferList {
        let mut l = TransferList {
            lines: Ok(Vec::new()),
            selected: 0,
            may_receive: Vec::new(),
        };
        l.reload(env);
        l
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.lines = env
            .ctx()
            .and_then(|ctx| person::transfers(&ctx))
            .map_err(|e| e.localize(lang));
        let n = self.lines.as_ref().map_or(0, Vec::len);
        self.selected = self.selected.min(n.saturating_sub(1));
        self.may_receive = self.lines.as_ref().map_or(Vec::new(), |l| {
            l.iter()
                .map(|x| env.may(Permission::EditPerson, &x.transfer.to_community))
                .collect()
        });
    }

    fn current(&self) -> Option<&TransferLine> {
        self.lines.as_ref().ok().and_then(|l| l.get(self.selected))
    }
}

impl Screen for TransferList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "transfers.list_title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        if self
            .may_receive
            .get(self.selected)
            .copied()
            .unwrap_or(false)
        {
            c.push(Command::bar(
                &[Key::ch('r')],
                Action::Step(0),
                "cmd.receive",
            ));
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c.extend(list_moves());
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let last = self.lines.as_ref().map_or(0, Vec::len).saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            Action::PageDown => self.selected = (self.selected + PAGE).min(last),
            Action::Open => {
                let Some(id) = self.current().map(|l| l.transfer.person_id.clone()) else {
                    return Outcome::None;
                };
                return Outcome::Open(Destination::PersonFile { id });
            }
            Action::Step(0) => {
                if let Some(l) = self.current() {
                    return Outcome::Dialog(Dialog::confirm(
                        t(lang, "transfers.receive_title").to_string(),
                        tf(
                            lang,
                            "transfers.ask_receive",
                            &[
                                ("name", &safe(&l.person_name)),
                                ("to", &safe(env.org_name(&l.transfer.to_community))),
                            ],
                        ),
                        Purpose::Screen(ASK_RECEIVE),
                    ));
                }
            }
            _ => {}
        }
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_RECEIVE) || !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let Some((id, name)) = self
            .current()
            .map(|l| (l.transfer.meta.id.clone(), l.person_name.clone()))
        else {
            return Outcome::None;
        };
        let result = env
            .ctx()
            .and_then(|mut ctx| person::receive_transfer(&mut ctx, &id));
        match result {
            Ok(t_) => {
                self.reload(env);
                env.reload_index();
                let text = match &t_.new_service_no {
                    Some(no) => tf(
                        lang,
                        "transfers.received",
                        &[("name", &safe(&name)), ("no", no)],
                    ),
                    None => tf(
                        lang,
                        "transfers.received_no_number",
                        &[("name", &safe(&name))],
                    ),
                };
                Outcome::Dialog(Dialog::message(
                    t(lang, "dialog.done_title").to_string(),
                    text,
                ))
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                e.localize(lang),
            )),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let items = match &self.lines {
            Err(why) => {
                frame.render_widget(
                    Paragraph::new(Line::styled(format!("  {why}"), env.theme.error)),
                    area,
                );
                return;
            }
            Ok(items) => items,
        };
        let headers: Vec<String> = [
            "transfers.col_state",
            "transfers.col_name",
            "transfers.col_from",
            "transfers.col_to",
            "transfers.col_sent",
            "transfers.col_reason",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows = (area.height as usize).saturating_sub(3).max(1);
        let top = (self.selected / rows) * rows;
        let cells: Vec<Vec<Line<'static>>> = items
            .iter()
            .skip(top)
            .take(rows)
            .map(|l| {
                let tr = &l.transfer;
                vec![
                    Line::from(t(lang, tr.state.label_key()).to_string()),
                    Line::from(safe(&l.person_name)),
                    Line::from(safe(env.org_name(&tr.from_community))),
                    Line::from(safe(env.org_name(&tr.to_community))),
                    Line::from(show_instant(&tr.sent_at)),
                    Line::from(safe(&tr.reason)),
                ]
            })
            .collect();
        let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 5);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        let pending = items
            .iter()
            .filter(|l| l.transfer.state == TransferState::Pending)
            .count();
        let count = tf(
            lang,
            "transfers.count",
            &[
                ("pending", &pending.to_string()),
                ("n", &items.len().to_string()),
            ],
        );
        let mut lines = vec![Line::styled(format!("  {count}"), env.theme.hint), header];
        for (n, row) in cells.iter().enumerate() {
            let selected = top + n == self.selected;
            let style = if selected {
                env.theme.selected
            } else {
                Style::default()
            };
            let mut l = row_line(row, &widths, style);
            let marker = if selected { env.symbols.marker } else { " " };
            l.spans.insert(0, Span::raw(format!("{marker} ")));
            lines.push(l);
        }
        if items.is_empty() {
            lines.push(Line::styled(
                format!("  {}", t(lang, "transfers.none")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
