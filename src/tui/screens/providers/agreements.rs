//! 服务协议 of one provider: the list (number, state, period, communities, items with their
//! prices), recording a new one (Ctrl+N) and ending one (E) with a state and a reason.

use crossterm::event::KeyCode;
use ratatui::text::Line;

use crate::app::agreement::{self, Ending};
use crate::app::AppError;
use crate::domain::agreement::{Agreement, AgreementDraft, AgreementState, PriceLineDraft};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::org::Tier;
use crate::domain::permission::Action as Permission;
use crate::domain::provider::Provider;
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

/// The agreements of one provider.
pub type AgreementList = ListScreen<Agreements>;

/// The list's data: the provider, and whether the session may record agreements anywhere.
pub struct Agreements {
    provider: Provider,
    may_manage: bool,
}

/// E: end the selected agreement.
const STEP_END: u8 = 1;

/// J: the provider's settlements.
const STEP_SETTLEMENTS: u8 = 2;

impl AgreementList {
    /// The agreements of `provider`.
    pub fn of(env: &mut Env, provider: Provider) -> AgreementList {
        let spec = Agreements {
            provider,
            may_manage: env.may_somewhere(Permission::ManageAgreements),
        };
        ListScreen::with(env, spec)
    }
}

impl ListSpec for Agreements {
    type Item = Agreement;

    fn title(&self) -> &'static str {
        "agreements.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "field.agreement_no",
            "agreements.col_state",
            "agreements.col_period",
            "agreements.col_communities",
            "agreements.col_items",
        ]
    }

    fn flex(&self) -> usize {
        4
    }

    fn empty(&self) -> &'static str {
        "agreements.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<Agreement>, AppError> {
        let id = self.provider.meta.id.clone();
        env.ctx().and_then(|ctx| agreement::of_provider(&ctx, &id))
    }

    fn cells(&self, a: &Agreement, env: &Env) -> Vec<Line<'static>> {
        let lang = env.lang;
        vec![
            Line::from(safe(&a.number)),
            Line::from(t(lang, a.state_on(env.clock.today()).label_key()).to_string()),
            Line::from(format!(
                "{}~{}",
                a.period_from.format("%Y-%m-%d"),
                a.last_day().format("%m-%d")
            )),
            Line::from(a.communities.len().to_string()),
            Line::from(safe(&a.items_text(lang))),
        ]
    }

    fn count(&self, shown: &[&Agreement], lang: Lang) -> Option<String> {
        Some(tf(
            lang,
            "agreements.count",
            &[
                ("provider", &safe(&self.provider.name)),
                ("n", &shown.len().to_string()),
            ],
        ))
    }

    fn open_command(&self, current: Option<&Agreement>) -> Option<Command> {
        current.map(|_| {
            Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "agreements.show",
            )
        })
    }

    /// Enter shows the whole agreement.
    fn open(&self, a: &Agreement, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let sep = t(lang, "form.list_separator");
        let communities: Vec<&str> = a.communities.iter().map(|c| env.org_name(c)).collect();
        let mut lines = vec![
            format!("{}：{}", t(lang, "field.provider"), self.provider.name),
            format!("{}：{}", t(lang, "field.buyer"), env.org_name(&a.buyer)),
            tf(
                lang,
                "agreements.period_line",
                &[
                    ("from", &a.period_from.format("%Y-%m-%d").to_string()),
                    ("to", &a.period_to.format("%Y-%m-%d").to_string()),
                ],
            ),
            format!("{}：{}", t(lang, "field.community"), communities.join(sep)),
            format!(
                "{}：{}",
                t(lang, "agreements.col_items"),
                a.items_text(lang)
            ),
        ];
        if let Some(c) = a.ceiling {
            lines.push(format!("{}：{}", t(lang, "field.ceiling"), c.yuan_text()));
        }
        lines.push(format!(
            "{}：{}",
            t(lang, "agreements.col_state"),
            t(lang, a.state_on(env.clock.today()).label_key())
        ));
        if let (Some(on), Some(why)) = (a.ended_on, &a.end_reason) {
            lines.push(tf(
                lang,
                "agreements.ended_line",
                &[
                    ("date", &on.format("%Y-%m-%d").to_string()),
                    ("reason", why),
                ],
            ));
        }
        let text: Vec<String> = lines.iter().map(|l| safe(l)).collect();
        Outcome::Dialog(Dialog::message(safe(&a.number), text.join("\n")))
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_manage.then_some("agreements.new")
    }

    fn new_item(&self, env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(AgreementForm::new(env, self.provider.clone())))
    }

    fn extra_commands(&self, current: Option<&Agreement>) -> Vec<Command> {
        let mut c = Vec::new();
        if let Some(a) = current {
            if self.may_manage && a.state == AgreementState::Running {
                c.push(Command::bar(
                    &[Key::ch('e')],
                    Action::Step(STEP_END),
                    "agreements.end",
                ));
            }
        }
        c.push(Command::bar(
            &[Key::ch('j')],
            Action::Step(STEP_SETTLEMENTS),
            "agreements.settlements",
        ));
        c
    }

    fn extra(&self, action: Action, current: Option<&Agreement>, env: &mut Env) -> Outcome {
        if action == Action::Step(STEP_SETTLEMENTS) {
            return Outcome::Open(crate::tui::screens::destination::Destination::Settlements(
                Box::new(self.provider.clone()),
            ));
        }
        match (action, current) {
            (Action::Step(STEP_END), Some(a)) if a.state == AgreementState::Running => {
                Outcome::Push(Box::new(EndForm::new(env, a)))
            }
            _ => Outcome::None,
        }
    }
}

/// Form ids of the item lines: a provider offers a handful of items, the form has a line
/// for each (at most this many).
const LINES: [(&str, &str, &str); 8] = [
    ("item_0", "unit_0", "price_0"),
    ("item_1", "unit_1", "price_1"),
    ("item_2", "unit_2", "price_2"),
    ("item_3", "unit_3", "price_3"),
    ("item_4", "unit_4", "price_4"),
    ("item_5", "unit_5", "price_5"),
    ("item_6", "unit_6", "price_6"),
    ("item_7", "unit_7", "price_7"),
];

/// String-table keys of the lines' labels (服务项目一 … ).
const LINE_LABELS: [&str; 8] = [
    "agreements.item_1",
    "agreements.item_2",
    "agreements.item_3",
    "agreements.item_4",
    "agreements.item_5",
    "agreements.item_6",
    "agreements.item_7",
    "agreements.item_8",
];

fn catalogue_options(kind: ListKind, lang: Lang) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(lang).to_string()))
        .collect()
}

/// Recording an agreement of one provider: number, buying unit, dates, communities, and a
/// line per item it offers (an item left without a unit is not bought).
pub struct AgreementForm {
    provider: Provider,
    form: Form,
}

impl AgreementForm {
    /// The empty form for `provider`.
    pub fn new(env: &Env, provider: Provider) -> AgreementForm {
        let lang = env.lang;
        let mut buyers: Vec<(String, String)> = Vec::new();
        let mut communities: Vec<(String, String)> = Vec::new();
        if let Some(ws) = &env.workstation {
            for u in env.tree.subtree(&ws.org_code) {
                match u.tier() {
                    Tier::Community => communities.push((u.code.clone(), u.name.clone())),
                    _ if env.may(Permission::ManageAgreements, &u.code) => {
                        buyers.push((u.code.clone(), u.name.clone()))
                    }
                    _ => {}
                }
            }
        }
        let cat = Catalogue::builtin();
        let items: Vec<(String, String)> = provider
            .items
            .iter()
            .map(|i| {
                (
                    i.clone(),
                    cat.label(ListKind::ServiceItem, i, lang).to_string(),
                )
            })
            .collect();
        let mut fields = vec![
            FormField::text("number", "field.agreement_no", 40).for_field(Field::AgreementNo),
            FormField::choice("buyer", "field.buyer", buyers, false).for_field(Field::Buyer),
            FormField::date("signed_on", "field.signed_on").for_field(Field::SignedOn),
            FormField::date("period_from", "field.agreement_from").for_field(Field::AgreementFrom),
            FormField::date("period_to", "field.agreement_to").for_field(Field::AgreementTo),
            FormField::multi("communities", "field.community", communities)
                .for_field(Field::Community),
        ];
        for (n, (item, unit, price)) in LINES.iter().enumerate().take(items.len()) {
            fields.push(
                FormField::choice(item, LINE_LABELS[n], items.clone(), false)
                    .for_field(Field::Needs),
            );
            fields.push(
                FormField::choice(
                    unit,
                    "field.pricing_unit",
                    catalogue_options(ListKind::PricingUnit, lang),
                    true,
                )
                .for_field(Field::PricingUnit),
            );
            fields.push(FormField::text(price, "field.unit_price", 12).for_field(Field::UnitPrice));
        }
        fields.push(FormField::text("ceiling", "field.ceiling", 14).for_field(Field::Ceiling));
        let mut form = Form::new(fields);
        form.today = env.clock.today();
        for (n, (item, _, _)) in LINES.iter().enumerate().take(items.len()) {
            form.set_choice(item, &items[n].0);
        }
        // Every community ticked: an agreement most often covers the whole subdistrict.
        if let Some(f) = form.field_mut("communities") {
            f.chosen = vec![true; f.options().len()];
        }
        form.mark_saved();
        AgreementForm { provider, form }
    }

    fn draft(&self) -> AgreementDraft {
        let f = &self.form;
        let lines = LINES
            .iter()
            .take(self.provider.items.len())
            .filter(|(_, unit, _)| !f.choice(unit).is_empty())
            .map(|(item, unit, price)| PriceLineDraft {
                item: f.choice(item),
                unit: f.choice(unit),
                price: f.value(price),
            })
            .collect();
        AgreementDraft {
            provider_id: self.provider.meta.id.clone(),
            number: f.value("number"),
            buyer: f.choice("buyer"),
            signed_on: f.value("signed_on"),
            period_from: f.value("period_from"),
            period_to: f.value("period_to"),
            communities: f.multi("communities"),
            lines,
            ceiling: f.value("ceiling"),
        }
    }
}

impl FormPage for AgreementForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "agreements.new_title",
            &[("provider", &safe(&self.provider.name))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn hint_key(&self) -> &'static str {
        "agreements.form_hint"
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let draft = self.draft();
        let result = env
            .ctx()
            .and_then(|mut ctx| agreement::create(&mut ctx, &draft));
        saved_or_refused(&mut self.form, result, env)
    }
}

/// Ending an agreement: how (到期、提前解除、变更替代), its last day, why.
pub struct EndForm {
    id: String,
    number: String,
    form: Form,
}

impl EndForm {
    fn new(env: &Env, a: &Agreement) -> EndForm {
        let lang = env.lang;
        let states: Vec<(String, String)> = AgreementState::ALL
            .into_iter()
            .filter(|s| *s != AgreementState::Running)
            .map(|s| (s.code().to_string(), t(lang, s.label_key()).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice("state", "agreements.col_state", states, false)
                .for_field(Field::RecordState),
            FormField::date("on", "agreements.last_day").for_field(Field::Date),
            FormField::text("reason", "field.reason", 100).for_field(Field::Reason),
        ]);
        form.today = env.clock.today();
        form.set_value("on", &env.clock.today().format("%Y-%m-%d").to_string());
        form.mark_saved();
        EndForm {
            id: a.meta.id.clone(),
            number: a.number.clone(),
            form,
        }
    }
}

impl FormPage for EndForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "agreements.end_title",
            &[("number", &safe(&self.number))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let on = match crate::domain::date::parse_date(Field::Date, &self.form.value("on")) {
            Ok(on) => on,
            Err(e) => return saved_or_refused::<()>(&mut self.form, Err(e.into()), env),
        };
        let ending = Ending {
            state: AgreementState::from_code(&self.form.choice("state"))
                .unwrap_or(AgreementState::Expired),
            on,
            reason: self.form.value("reason"),
        };
        let id = self.id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| agreement::end(&mut ctx, &id, &ending));
        saved_or_refused(&mut self.form, result, env)
    }
}
