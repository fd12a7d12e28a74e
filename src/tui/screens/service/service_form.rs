//! 温情服务: a provider registers a card holder, then records each service. The core refuses
//! a card that is unknown, not in service or expired, a recipient not yet registered, and an
//! item the card does not cover; the reason shows on the status line.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::Frame;

use crate::app::{service, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::parse_date;
use crate::domain::service::Satisfaction;
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

fn check_card(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::CardNo, v, 40).map(|_| ())
}

/// The service desk screen.
pub struct ServiceDesk {
    form: Form,
    /// The card number the holder line and the item choice were last filled for.
    looked_up: String,
    /// The holder of that card, when it is one the desk may serve.
    holder: Option<service::CardHolder>,
}

/// The whole catalogue of service items, or only `needs` (in their order) when given.
fn item_options(needs: &[String], lang: crate::i18n::Lang) -> Vec<(String, String)> {
    let catalogue = Catalogue::builtin();
    let all = catalogue.entries(ListKind::ServiceItem);
    if needs.is_empty() {
        return all
            .iter()
            .map(|e| (e.code.clone(), e.label(lang).to_string()))
            .collect();
    }
    needs
        .iter()
        .map(|code| {
            let label = all
                .iter()
                .find(|e| &e.code == code)
                .map_or_else(|| code.clone(), |e| e.label(lang).to_string());
            (code.clone(), label)
        })
        .collect()
}

impl ServiceDesk {
    /// The desk, with the active providers to choose from.
    pub fn new(env: &mut Env) -> ServiceDesk {
        let lang = env.lang;
        // An account tied to one provider sees that provider only (and may see it without
        // the right to view persons).
        let providers: Vec<(String, String)> = env
            .ctx()
            .and_then(|ctx| service::desk_providers(&ctx))
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.meta.id, crate::tui::text::safe(&p.name)))
            .collect();
        let items = item_options(&[], lang);
        let satisfaction: Vec<(String, String)> = Satisfaction::ALL
            .iter()
            .map(|s| (s.code().to_string(), t(lang, s.label_key()).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice("provider", "services.provider", providers, false),
            FormField::text("card_no", "field.card_no", 40)
                .for_field(Field::CardNo)
                .checked(check_card),
            FormField::info("holder", "services.holder"),
            // Who served and what was done are typed for every service; the item (the card's
            // first), the day and the time are chosen for the user and come after.
            FormField::text("served_by", "services.served_by", 50).for_field(Field::Reporter),
            FormField::text("content", "services.content", 1000).for_field(Field::Note),
            FormField::choice("item", "services.item", items, false).for_field(Field::Needs),
            FormField::date("served_on", "services.served_on").for_field(Field::Date),
            FormField::number("minutes", "field.minutes", 1, 1440).for_field(Field::Minutes),
            FormField::yes_no("confirmed", "services.confirmed"),
            FormField::choice("satisfaction", "services.satisfaction", satisfaction, true),
        ]);
        form.today = env.clock.today();
        form.set_value(
            "served_on",
            &env.clock.today().format("%Y-%m-%d").to_string(),
        );
        form.set_value("minutes", "30");
        form.set_yes("confirmed", true);
        // An account tied to one provider has nothing to choose: the card number comes first.
        if form.get("provider").is_some_and(|f| f.options().len() <= 1) {
            form.focus_on("card_no");
        }
        form.mark_saved();
        ServiceDesk {
            form,
            looked_up: String::new(),
            holder: None,
        }
    }

    /// After the card number changed: shows who holds the card (or why it cannot be used)
    /// and offers the items the card covers.
    fn look_up_card(&mut self, env: &mut Env) {
        let card = self.form.value("card_no").trim().to_string();
        if card == self.looked_up {
            return;
        }
        let lang = env.lang;
        self.looked_up = card.clone();
        let found = if card.is_empty() {
            None
        } else {
            Some(env.ctx().and_then(|ctx| service::card_holder(&ctx, &card)))
        };
        let line = match &found {
            None => String::new(),
            Some(Ok(h)) => tf(
                lang,
                "services.holder_line",
                &[
                    ("name", &crate::tui::text::safe(&h.name)),
                    (
                        "community",
                        &crate::tui::text::safe(env.org_name(&h.community)),
                    ),
                ],
            ),
            Some(Err(e)) => e.localize(lang),
        };
        self.form.set_value("holder", &line);
        self.holder = found.and_then(Result::ok);
        let needs = self
            .holder
            .as_ref()
            .map(|h| h.needs.clone())
            .unwrap_or_default();
        self.form.set_options("item", item_options(&needs, lang));
    }

    fn outcome(&mut self, r: Result<(), AppError>, ok_key: &str, env: &Env) -> Outcome {
        let lang = env.lang;
        match r {
            Ok(()) => Outcome::Status(t(lang, ok_key).to_string()),
            Err(AppError::Validation(v)) => {
                self.form.show_error(&v, lang);
                Outcome::Status(v.localize(lang))
            }
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }

    fn register(&mut self, env: &mut Env) -> Outcome {
        let (p, card) = (self.form.choice("provider"), self.form.value("card_no"));
        let r = env
            .ctx()
            .and_then(|mut ctx| service::register(&mut ctx, &p, &card))
            .map(|_| ());
        let ok = r.is_ok();
        let out = self.outcome(r, "services.registered", env);
        if ok {
            // Registered: the first service is recorded next.
            self.form.focus_on("served_by");
        }
        match (&self.holder, ok) {
            (Some(h), true) => Outcome::Status(tf(
                env.lang,
                "services.registered_holder",
                &[
                    ("name", &crate::tui::text::safe(&h.name)),
                    (
                        "community",
                        &crate::tui::text::safe(env.org_name(&h.community)),
                    ),
                ],
            )),
            _ => out,
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let f = &self.form;
        let d = service::ServiceDraft {
            provider_id: f.choice("provider"),
            card_no: f.value("card_no"),
            item: f.choice("item"),
            served_on: parse_date(Field::Date, &f.value("served_on"))
                .ok()
                .flatten(),
            minutes: f.value("minutes").trim().parse().unwrap_or(0),
            served_by: f.value("served_by"),
            content: f.value("content"),
            confirmed: f.yes("confirmed"),
            satisfaction: Satisfaction::from_code(&f.choice("satisfaction")),
        };
        let today = env.clock.today();
        let r = env.ctx().and_then(|mut ctx| {
            let id = service::record(&mut ctx, &d)?;
            let covered = service::agreement_of(
                &ctx,
                &d.card_no,
                &d.provider_id,
                &d.item,
                d.served_on.unwrap_or(today),
            )?;
            Ok((id, covered.is_some()))
        });
        let key = match &r {
            Ok((_, false)) => "services.recorded_no_agreement",
            _ => "services.recorded",
        };
        let r = r.map(|_| ());
        let ok = r.is_ok();
        let out = self.outcome(r, key, env);
        if ok {
            // Ready for the next service of the same card.
            self.form.set_value("content", "");
            self.form.mark_saved();
        }
        out
    }
}

impl Screen for ServiceDesk {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "services.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(&[Key::ctrl('r')], Action::Step(1), "cmd.register"),
            Command::bar(&[Key::ctrl('s')], Action::Save, "cmd.record_service"),
            Command::help_only(&[Key::ctrl('l')], Action::Step(2), "cmd.recipients"),
            Command::bar(
                &[
                    Key::plain(KeyCode::Tab),
                    Key::plain(KeyCode::Down),
                    Key::plain(KeyCode::Enter),
                ],
                Action::NextField,
                "cmd.next_field",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Up)],
                Action::PrevField,
                "cmd.prev_field",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
            Command::doc(
                &[
                    Key::plain(KeyCode::Left),
                    Key::plain(KeyCode::Right),
                    Key::ch(' '),
                ],
                "cmd.choose",
            ),
        ]
    }

    fn text_focused(&self) -> bool {
        self.form.text_focused()
    }

    fn unsaved(&self) -> bool {
        self.form.changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let out = self.act(action, env);
        self.look_up_card(env);
        out
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        self.form.handle(key);
        self.look_up_card(env);
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        form_screen::render(&self.form, frame, area, env, "services.hint");
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        form_screen::cursor(&self.form, area)
    }
}

impl ServiceDesk {
    fn act(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Step(1) => self.register(env),
            Action::Step(2) => {
                let p = self.form.choice("provider");
                Outcome::Push(Box::new(RecipientList::new(env, &p)))
            }
            Action::Save => self.save(env),
            Action::NextField => {
                self.form.next(env.lang);
                Outcome::None
            }
            Action::PrevField => {
                self.form.prev(env.lang);
                Outcome::None
            }
            _ => Outcome::None,
        }
    }
}

/// The recipients a provider has registered: what provider staff see of the people they
/// serve (name, community, card, state), nothing more.
pub struct RecipientList {
    table: crate::tui::widgets::filtered_table::FilteredTable,
    rows: Result<Vec<crate::store::services::Recipient>, String>,
}

impl RecipientList {
    fn new(env: &mut Env, provider_id: &str) -> RecipientList {
        let lang = env.lang;
        let rows = env
            .ctx()
            .and_then(|ctx| service::recipients(&ctx, provider_id))
            .map_err(|e| e.localize(lang));
        RecipientList {
            table: crate::tui::widgets::filtered_table::FilteredTable::new(1, 0),
            rows,
        }
    }
}

impl Screen for RecipientList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "services.recipients_title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        crate::tui::widgets::filtered_table::FilteredTable::commands()
    }

    fn on_action(&mut self, action: Action, _env: &mut Env) -> Outcome {
        if action == Action::Back {
            return Outcome::Pop;
        }
        let n = self.rows.as_ref().map_or(0, Vec::len);
        self.table.handle(action, n);
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        use crate::tui::widgets::filtered_table::{FilteredTable, Row};
        use ratatui::text::Line;
        let lang = env.lang;
        let safe = crate::tui::text::safe;
        let headers: Vec<String> = [
            "field.name",
            "field.community",
            "field.card_no",
            "services.col_registered",
            "services.col_state",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows: Vec<Row> = match &self.rows {
            Ok(list) => list
                .iter()
                .skip(self.table.top(area))
                .take(FilteredTable::rows(area))
                .map(|r| Row {
                    cells: vec![
                        Line::from(safe(&r.name)),
                        Line::from(safe(env.org_name(&r.community))),
                        Line::from(safe(&r.card_no)),
                        Line::from(safe(&r.registered_on)),
                        Line::from(
                            crate::domain::case::CaseState::from_code(&r.case_state)
                                .map(|s| t(lang, s.label_key()).to_string())
                                .unwrap_or_else(|| safe(&r.case_state)),
                        ),
                    ],
                    overdue: false,
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let count = self
            .rows
            .as_ref()
            .map(|l| {
                crate::i18n::tf(
                    lang,
                    "services.recipients_count",
                    &[("n", &l.len().to_string())],
                )
            })
            .map_err(Clone::clone);
        self.table.render(
            frame,
            area,
            env,
            &[t(lang, "services.recipients_tab").to_string()],
            count,
            &headers,
            &rows,
            0,
            t(lang, "services.recipients_none"),
        );
    }
}
