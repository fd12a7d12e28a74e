//! 迁出 and 迁入: the form that moves a person to another community (their file and open
//! work follow them), and the list of transfers where the receiving community acknowledges
//! them and numbers the person in its archive.

use chrono::NaiveDate;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
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
use crate::i18n::{t, tf, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::list::{Allowed, ListScreen, ListSpec};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

/// Dialog tag: confirm the transfer.
const ASK_SEND: u32 = 1;
/// Dialog tag: confirm the receipt.
const ASK_RECEIVE: u32 = 2;

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
        let (to, reason) = (self.form.choice("to"), self.form.value("reason"));
        let id = self.person.meta.id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| person::transfer(&mut ctx, &id, &to, &reason));
        let result = result;
        if result.is_ok() {
            env.reload_index();
        }
        crate::tui::screens::form_page::saved_or_refused(&mut self.form, result, env)
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        form_screen::render(&self.form, frame, area, env, "transfers.hint");
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        form_screen::cursor(&self.form, area)
    }
}

/// 迁移接收: transfers sent from or to the communities the user may see, pending first.
pub type TransferList = ListScreen<Transfers>;

/// The transfer list's data: each row carries whether the session may receive it (change
/// records of the community it goes to); 接收 is offered only then.
pub struct Transfers;

impl TransferList {
    /// The list, loaded now.
    pub fn new(env: &mut Env) -> TransferList {
        ListScreen::with(env, Transfers)
    }
}

impl ListSpec for Transfers {
    type Item = Allowed<TransferLine>;

    fn title(&self) -> &'static str {
        "transfers.list_title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "transfers.col_state",
            "transfers.col_name",
            "transfers.col_from",
            "transfers.col_to",
            "transfers.col_sent",
            "transfers.col_reason",
        ]
    }

    fn flex(&self) -> usize {
        5
    }

    fn empty(&self) -> &'static str {
        "transfers.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<Self::Item>, AppError> {
        let lines = env.ctx().and_then(|ctx| person::transfers(&ctx))?;
        Ok(lines
            .into_iter()
            .map(|line| Allowed {
                may: env.may(Permission::EditPerson, &line.transfer.to_community),
                line,
            })
            .collect())
    }

    fn cells(&self, x: &Self::Item, env: &Env) -> Vec<Line<'static>> {
        let (l, lang) = (&x.line, env.lang);
        let tr = &l.transfer;
        vec![
            Line::from(t(lang, tr.state.label_key()).to_string()),
            Line::from(safe(&l.person_name)),
            Line::from(safe(env.org_name(&tr.from_community))),
            Line::from(safe(env.org_name(&tr.to_community))),
            Line::from(show_instant(&tr.sent_at)),
            Line::from(safe(&tr.reason)),
        ]
    }

    fn count(&self, shown: &[&Self::Item], lang: Lang) -> Option<String> {
        let pending = shown
            .iter()
            .filter(|x| x.line.transfer.state == TransferState::Pending)
            .count();
        Some(tf(
            lang,
            "transfers.count",
            &[
                ("pending", &pending.to_string()),
                ("n", &shown.len().to_string()),
            ],
        ))
    }

    fn open(&self, x: &Self::Item, _env: &mut Env) -> Outcome {
        Outcome::Open(Destination::PersonFile {
            id: x.line.transfer.person_id.clone(),
        })
    }

    fn extra_commands(&self, current: Option<&Self::Item>) -> Vec<Command> {
        Allowed::offer(
            current,
            Command::bar(&[Key::ch('r')], Action::Step(0), "cmd.receive"),
        )
    }

    fn extra(&self, action: Action, current: Option<&Self::Item>, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let (Action::Step(0), Some(x)) = (action, current) else {
            return Outcome::None;
        };
        let l = &x.line;
        Outcome::Dialog(Dialog::confirm(
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
        ))
    }

    fn on_answer(
        &self,
        answer: Answer,
        current: Option<&Self::Item>,
        env: &mut Env,
    ) -> Option<Outcome> {
        if answer.purpose != Purpose::Screen(ASK_RECEIVE) || !answer.yes {
            return None;
        }
        let lang = env.lang;
        let (id, name) =
            current.map(|x| (x.line.transfer.meta.id.clone(), x.line.person_name.clone()))?;
        let result = env
            .ctx()
            .and_then(|mut ctx| person::receive_transfer(&mut ctx, &id));
        Some(match result {
            Ok(t_) => {
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
        })
    }
}
