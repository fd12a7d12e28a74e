//! 邻里互助员: the helpers the session may see — trained or not, how many they are paired
//! with, their visits this month — registering one (Ctrl+N, by ID number), a training (T), a
//! pairing (P) and a visit (V). Enter shows the trainings and pairings.

use std::collections::HashMap;

use crossterm::event::KeyCode;
use ratatui::text::Line;

use crate::app::helper::{self, PairingDraft, VisitDraft};
use crate::app::AppError;
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::helper::{Helper, HelperDraft, TrainingDraft};
use crate::domain::month::Month;
use crate::domain::pairing::Pairing;
use crate::domain::permission::Action as Permission;
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Lang};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::list::{ListScreen, ListSpec};
use crate::tui::screens::Outcome;
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{Form, FormField};

/// The helpers.
pub type HelperList = ListScreen<Helpers>;

/// One helper with what the row shows.
#[derive(Debug, Clone)]
pub struct HelperRow {
    helper: Helper,
    name: String,
    /// Their pairings with the name of the person helped.
    pairings: Vec<(Pairing, String)>,
    /// Visits recorded this month.
    this_month: usize,
}

/// The list's data: what the session may do.
pub struct Helpers {
    may_manage: bool,
}

const STEP_TRAINING: u8 = 1;
const STEP_PAIR: u8 = 2;
const STEP_VISIT: u8 = 3;

impl HelperList {
    /// Every helper the session may see.
    pub fn new(env: &mut Env) -> HelperList {
        let spec = Helpers {
            may_manage: env.may_somewhere(Permission::ManageHelpers),
        };
        ListScreen::with(env, spec)
    }
}

impl ListSpec for Helpers {
    type Item = HelperRow;

    fn title(&self) -> &'static str {
        "helpers.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "field.name",
            "field.community",
            "helpers.col_trained",
            "helpers.col_paired",
            "helpers.col_month",
        ]
    }

    fn flex(&self) -> usize {
        1
    }

    fn empty(&self) -> &'static str {
        "helpers.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<HelperRow>, AppError> {
        let month = Month::of(env.clock.today());
        env.ctx().and_then(|ctx| {
            let mut names: HashMap<String, String> = HashMap::new();
            let mut rows = Vec::new();
            for (h, name) in helper::list(&ctx)? {
                let mut pairings = Vec::new();
                for p in helper::pairings_of(&ctx, &h.meta.id)? {
                    let helped = match names.get(&p.person_id) {
                        Some(n) => n.clone(),
                        None => {
                            let n = crate::app::person::get(&ctx, &p.person_id)
                                .map(|x| x.facts.name)
                                .unwrap_or_default();
                            names.insert(p.person_id.clone(), n.clone());
                            n
                        }
                    };
                    pairings.push((p, helped));
                }
                let mut this_month = 0;
                for (p, _) in &pairings {
                    this_month += helper::visits_to(&ctx, &p.person_id)?
                        .iter()
                        .filter(|v| v.helper_id == h.meta.id && Month::of(v.visited_on) == month)
                        .count();
                }
                rows.push(HelperRow {
                    helper: h,
                    name,
                    pairings,
                    this_month,
                });
            }
            Ok(rows)
        })
    }

    fn cells(&self, r: &HelperRow, env: &Env) -> Vec<Line<'static>> {
        let lang = env.lang;
        let today = env.clock.today();
        let running = r.pairings.iter().filter(|(p, _)| p.runs_on(today)).count();
        vec![
            Line::from(safe(&r.name)),
            Line::from(safe(env.tree.name_of(&r.helper.community))),
            Line::from(
                t(
                    lang,
                    if r.helper.trained_by(today) {
                        "helpers.trained"
                    } else {
                        "helpers.untrained"
                    },
                )
                .to_string(),
            ),
            Line::from(running.to_string()),
            Line::from(r.this_month.to_string()),
        ]
    }

    fn count(&self, shown: &[&HelperRow], lang: Lang) -> Option<String> {
        Some(tf(
            lang,
            "helpers.count",
            &[("n", &shown.len().to_string())],
        ))
    }

    fn open_command(&self, current: Option<&HelperRow>) -> Option<Command> {
        current.map(|_| Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "helpers.show"))
    }

    /// Enter: the trainings and the pairings.
    fn open(&self, r: &HelperRow, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let mut lines = vec![t(lang, "helpers.trainings").to_string()];
        if r.helper.trainings.is_empty() {
            lines.push(t(lang, "helpers.no_training").to_string());
        }
        for tr in &r.helper.trainings {
            lines.push(tf(
                lang,
                "helpers.training_line",
                &[
                    ("date", &tr.on.format("%Y-%m-%d").to_string()),
                    ("course", &tr.course),
                    ("hours", &tr.hours.to_string()),
                    (
                        "result",
                        t(
                            lang,
                            if tr.passed {
                                "helpers.passed"
                            } else {
                                "helpers.failed"
                            },
                        ),
                    ),
                ],
            ));
        }
        lines.push(t(lang, "helpers.pairings").to_string());
        let cat = Catalogue::builtin();
        for (p, name) in &r.pairings {
            let to =
                p.to.map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| t(lang, "helpers.open_ended").to_string());
            lines.push(tf(
                lang,
                "helpers.pairing_line",
                &[
                    ("name", name),
                    ("from", &p.from.format("%Y-%m-%d").to_string()),
                    ("to", &to),
                    (
                        "frequency",
                        cat.label(ListKind::Frequency, &p.frequency, lang),
                    ),
                ],
            ));
        }
        let text: Vec<String> = lines.iter().map(|l| safe(l)).collect();
        Outcome::Dialog(Dialog::message(safe(&r.name), text.join("\n")))
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_manage.then_some("helpers.register")
    }

    fn new_item(&self, _env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(RegisterForm::new()))
    }

    fn extra_commands(&self, current: Option<&HelperRow>) -> Vec<Command> {
        if !self.may_manage || current.is_none() {
            return Vec::new();
        }
        vec![
            Command::bar(&[Key::ch('v')], Action::Step(STEP_VISIT), "helpers.visit"),
            Command::bar(
                &[Key::ch('t')],
                Action::Step(STEP_TRAINING),
                "helpers.training",
            ),
            Command::bar(&[Key::ch('p')], Action::Step(STEP_PAIR), "helpers.pair"),
        ]
    }

    fn extra(&self, action: Action, current: Option<&HelperRow>, env: &mut Env) -> Outcome {
        let Some(r) = current else {
            return Outcome::None;
        };
        match action {
            Action::Step(STEP_TRAINING) => Outcome::Push(Box::new(TrainingForm::new(env, r))),
            Action::Step(STEP_PAIR) => Outcome::Push(Box::new(PairForm::new(env, r))),
            Action::Step(STEP_VISIT) => {
                let today = env.clock.today();
                if !r.pairings.iter().any(|(p, _)| p.runs_on(today)) {
                    return Outcome::Status(t(env.lang, "helpers.no_pairing").to_string());
                }
                Outcome::Push(Box::new(VisitForm::new(env, r)))
            }
            _ => Outcome::None,
        }
    }
}

/// 登记互助员: the person by ID number, and the account the subsidy goes to.
pub struct RegisterForm {
    form: Form,
}

impl RegisterForm {
    fn new() -> RegisterForm {
        let mut form = Form::new(vec![
            FormField::text("id_number", "field.id_number", 18).for_field(Field::IdNumber),
            FormField::text("bank_name", "field.bank_name", 30).for_field(Field::BankName),
            FormField::text("bank_account", "field.bank_account", 30).for_field(Field::BankAccount),
        ]);
        form.mark_saved();
        RegisterForm { form }
    }
}

impl FormPage for RegisterForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "helpers.register_title").to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let (id_number, bank_name, bank_account) = (
            self.form.value("id_number"),
            self.form.value("bank_name"),
            self.form.value("bank_account"),
        );
        let result = env.ctx().and_then(|mut ctx| {
            let p = helper::person_by_id_number(&ctx, &id_number)?;
            helper::register(
                &mut ctx,
                &HelperDraft {
                    person_id: p.meta.id,
                    bank_name,
                    bank_account,
                },
            )
        });
        saved_or_refused(&mut self.form, result, env)
    }
}

/// 培训记录: one training of the helper.
pub struct TrainingForm {
    helper_id: String,
    name: String,
    form: Form,
}

impl TrainingForm {
    fn new(env: &Env, r: &HelperRow) -> TrainingForm {
        let lang = env.lang;
        let mut form = Form::new(vec![
            FormField::text("course", "field.course", 30).for_field(Field::Course),
            FormField::text("organiser", "field.organiser", 30).for_field(Field::Organiser),
            FormField::date("on", "field.date").for_field(Field::Date),
            FormField::text("hours", "field.training_hours", 4).for_field(Field::TrainingHours),
            FormField::choice(
                "passed",
                "helpers.result",
                vec![
                    ("1".into(), t(lang, "helpers.passed").to_string()),
                    ("0".into(), t(lang, "helpers.failed").to_string()),
                ],
                false,
            ),
        ]);
        form.today = env.clock.today();
        form.mark_saved();
        TrainingForm {
            helper_id: r.helper.meta.id.clone(),
            name: r.name.clone(),
            form,
        }
    }
}

impl FormPage for TrainingForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "helpers.training_title",
            &[("name", &safe(&self.name))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let d = TrainingDraft {
            course: self.form.value("course"),
            organiser: self.form.value("organiser"),
            on: self.form.value("on"),
            hours: self.form.value("hours"),
            passed: self.form.choice("passed") == "1",
        };
        let id = self.helper_id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| helper::add_training(&mut ctx, &id, &d));
        saved_or_refused(&mut self.form, result, env)
    }
}

/// 结对: the person helped (by ID number), the period, the item and how often.
pub struct PairForm {
    helper_id: String,
    name: String,
    form: Form,
}

fn neighbour_items(lang: Lang) -> Vec<(String, String)> {
    let cat = Catalogue::builtin();
    ["neighbour_home_care", "love_doorbell"]
        .iter()
        .map(|c| {
            (
                c.to_string(),
                cat.label(ListKind::ServiceItem, c, lang).to_string(),
            )
        })
        .collect()
}

impl PairForm {
    fn new(env: &Env, r: &HelperRow) -> PairForm {
        let lang = env.lang;
        let frequencies: Vec<(String, String)> = Catalogue::builtin()
            .entries(ListKind::Frequency)
            .iter()
            .map(|e| (e.code.clone(), e.label(lang).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::text("id_number", "helpers.helped_id", 18).for_field(Field::IdNumber),
            FormField::date("from", "field.agreement_from").for_field(Field::AgreementFrom),
            FormField::date("to", "field.agreement_to").for_field(Field::AgreementTo),
            FormField::choice("item", "print.item", neighbour_items(lang), false)
                .for_field(Field::Needs),
            FormField::choice("frequency", "field.frequency", frequencies, false)
                .for_field(Field::Frequency),
        ]);
        form.today = env.clock.today();
        form.set_value("from", &env.clock.today().format("%Y-%m-%d").to_string());
        form.set_choice("frequency", "weekly");
        form.mark_saved();
        PairForm {
            helper_id: r.helper.meta.id.clone(),
            name: r.name.clone(),
            form,
        }
    }
}

impl FormPage for PairForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "helpers.pair_title",
            &[("name", &safe(&self.name))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let id_number = self.form.value("id_number");
        let mut d = PairingDraft {
            helper_id: self.helper_id.clone(),
            from: self.form.value("from"),
            to: self.form.value("to"),
            items: vec![self.form.choice("item")],
            frequency: self.form.choice("frequency"),
            ..Default::default()
        };
        let result = env.ctx().and_then(|mut ctx| {
            d.person_id = helper::person_by_id_number(&ctx, &id_number)?.meta.id;
            helper::pair(&mut ctx, &d)
        });
        saved_or_refused(&mut self.form, result, env)
    }
}

/// 互助服务登记: one visit under one of the helper's running pairings.
pub struct VisitForm {
    name: String,
    form: Form,
}

impl VisitForm {
    fn new(env: &Env, r: &HelperRow) -> VisitForm {
        let lang = env.lang;
        let today = env.clock.today();
        let pairings: Vec<(String, String)> = r
            .pairings
            .iter()
            .filter(|(p, _)| p.runs_on(today))
            .map(|(p, name)| (p.meta.id.clone(), safe(name)))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice("pairing", "helpers.helped", pairings, false)
                .for_field(Field::Pairing),
            FormField::date("on", "field.date").for_field(Field::Date),
            FormField::choice("item", "print.item", neighbour_items(lang), false)
                .for_field(Field::Needs),
            FormField::number("minutes", "field.minutes", 1, 1440).for_field(Field::Minutes),
            FormField::text("content", "field.content", 100).for_field(Field::Content),
            FormField::yes_no("confirmed", "helpers.confirmed"),
        ]);
        form.today = today;
        form.set_value("on", &today.format("%Y-%m-%d").to_string());
        form.set_value("minutes", "60");
        form.set_yes("confirmed", true);
        form.mark_saved();
        VisitForm {
            name: r.name.clone(),
            form,
        }
    }
}

impl FormPage for VisitForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "helpers.visit_title",
            &[("name", &safe(&self.name))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let d = VisitDraft {
            pairing_id: self.form.choice("pairing"),
            visited_on: self.form.value("on"),
            item: self.form.choice("item"),
            minutes: self.form.value("minutes").trim().parse().unwrap_or(0),
            content: self.form.value("content"),
            confirmed: self.form.yes("confirmed"),
        };
        let result = env
            .ctx()
            .and_then(|mut ctx| helper::record_visit(&mut ctx, &d));
        saved_or_refused(&mut self.form, result, env)
    }
}
