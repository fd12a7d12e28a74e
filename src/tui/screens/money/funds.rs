//! 资金专户: per unit and fund source the income, what was spent and the balance; booking
//! income (Ctrl+N), the subsidy rule (R) and the neighbour-help subsidy lists (B). Enter
//! shows the ledger's entries and what was spent on each measure.

use crossterm::event::KeyCode;
use ratatui::text::Line;

use crate::app::{ledger, subsidy, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::ledger::{Balance, EntryKind};
use crate::domain::permission::Action as Permission;
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Lang};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::list::{ListScreen, ListSpec};
use crate::tui::screens::{Destination, Outcome};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{Form, FormField};

/// The fund ledgers.
pub type FundList = ListScreen<Funds>;

/// One ledger: its unit, source and balance.
#[derive(Debug, Clone)]
pub struct Ledger {
    unit: String,
    source: String,
    balance: Balance,
}

/// The list's data: what the session may do, and the spending by measure.
pub struct Funds {
    may_book: bool,
    by_measure: Vec<(String, crate::domain::money::Fen)>,
}

const STEP_SUBSIDIES: u8 = 1;
const STEP_RULE: u8 = 2;

impl FundList {
    /// Every ledger the session may see.
    pub fn new(env: &mut Env) -> FundList {
        let spec = Funds {
            may_book: env.may_somewhere(Permission::ManageFunds),
            by_measure: Vec::new(),
        };
        ListScreen::with(env, spec)
    }
}

impl ListSpec for Funds {
    type Item = Ledger;

    fn title(&self) -> &'static str {
        "funds.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "funds.col_unit",
            "field.fund_source",
            "funds.col_income",
            "funds.col_spent",
            "funds.col_balance",
        ]
    }

    fn flex(&self) -> usize {
        1
    }

    fn empty(&self) -> &'static str {
        "funds.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<Ledger>, AppError> {
        let by_measure = &mut self.by_measure;
        env.ctx().and_then(|ctx| {
            *by_measure = ledger::spent_by_measure(&ctx)?;
            Ok(ledger::balances(&ctx, None)?
                .into_iter()
                .map(|(unit, source, balance)| Ledger {
                    unit,
                    source,
                    balance,
                })
                .collect())
        })
    }

    fn cells(&self, l: &Ledger, env: &Env) -> Vec<Line<'static>> {
        let cat = Catalogue::builtin();
        vec![
            Line::from(safe(env.tree.name_of(&l.unit))),
            Line::from(
                cat.label(ListKind::FundSource, &l.source, env.lang)
                    .to_string(),
            ),
            Line::from(l.balance.income.yuan_text()),
            Line::from(l.balance.spent.yuan_text()),
            Line::from(l.balance.balance.yuan_text()),
        ]
    }

    fn count(&self, shown: &[&Ledger], lang: Lang) -> Option<String> {
        let total: i64 = shown.iter().map(|l| l.balance.balance.0).sum();
        Some(tf(
            lang,
            "funds.count",
            &[
                ("n", &shown.len().to_string()),
                ("balance", &crate::domain::money::Fen(total).yuan_text()),
            ],
        ))
    }

    fn open_command(&self, current: Option<&Ledger>) -> Option<Command> {
        current.map(|_| Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "funds.show"))
    }

    /// Enter: what was spent on each measure, from every ledger shown.
    fn open(&self, l: &Ledger, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let mut lines = vec![tf(
            lang,
            "funds.ledger_line",
            &[
                ("source", cat.label(ListKind::FundSource, &l.source, lang)),
                ("income", &l.balance.income.yuan_text()),
                ("spent", &l.balance.spent.yuan_text()),
                ("balance", &l.balance.balance.yuan_text()),
            ],
        )];
        lines.push(t(lang, "funds.by_measure").to_string());
        for (measure, fen) in &self.by_measure {
            lines.push(format!(
                "{}：{} {}",
                cat.label(ListKind::Measure, measure, lang),
                fen.yuan_text(),
                t(lang, "funds.yuan")
            ));
        }
        Outcome::Dialog(Dialog::message(
            safe(env.tree.name_of(&l.unit)),
            lines.join("\n"),
        ))
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_book.then_some("funds.book")
    }

    fn new_item(&self, env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(IncomeForm::new(env)))
    }

    fn extra_commands(&self, _current: Option<&Ledger>) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::ch('b')],
            Action::Step(STEP_SUBSIDIES),
            "funds.subsidies",
        )];
        if self.may_book {
            c.push(Command::bar(
                &[Key::ch('r')],
                Action::Step(STEP_RULE),
                "funds.rule",
            ));
        }
        c
    }

    fn extra(&self, action: Action, _current: Option<&Ledger>, env: &mut Env) -> Outcome {
        match action {
            Action::Step(STEP_SUBSIDIES) => Outcome::Open(Destination::Subsidies),
            Action::Step(STEP_RULE) => Outcome::Push(Box::new(RuleForm::new(env))),
            _ => Outcome::None,
        }
    }
}

/// 登记收入: an appropriation or a donation into one of this unit's ledgers.
pub struct IncomeForm {
    form: Form,
}

impl IncomeForm {
    fn new(env: &Env) -> IncomeForm {
        let lang = env.lang;
        let sources: Vec<(String, String)> = Catalogue::builtin()
            .entries(ListKind::FundSource)
            .iter()
            .map(|e| (e.code.clone(), e.label(lang).to_string()))
            .collect();
        let kinds: Vec<(String, String)> = [EntryKind::Appropriation, EntryKind::Donation]
            .iter()
            .map(|k| (k.code().to_string(), t(lang, k.label_key()).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice("source", "field.fund_source", sources, false)
                .for_field(Field::FundSource),
            FormField::choice("kind", "funds.kind", kinds, false).for_field(Field::RecordState),
            FormField::text("amount", "field.amount", 16).for_field(Field::Amount),
            FormField::date("on", "field.date").for_field(Field::Date),
            FormField::text("note", "funds.note", 60).for_field(Field::Note),
        ]);
        form.today = env.clock.today();
        form.set_value("on", &env.clock.today().format("%Y-%m-%d").to_string());
        form.mark_saved();
        IncomeForm { form }
    }
}

impl FormPage for IncomeForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "funds.book_title").to_string()
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
        let kind =
            EntryKind::from_code(&self.form.choice("kind")).unwrap_or(EntryKind::Appropriation);
        let draft = ledger::IncomeDraft {
            source: self.form.choice("source"),
            kind,
            amount: self.form.value("amount"),
            booked_on: on,
            note: self.form.value("note"),
        };
        let result = env
            .ctx()
            .and_then(|mut ctx| ledger::book_income(&mut ctx, &draft));
        saved_or_refused(&mut self.form, result, env)
    }
}

/// 补贴标准: the subdistrict's rule for the neighbour-help subsidy.
pub struct RuleForm {
    form: Form,
}

impl RuleForm {
    fn new(env: &mut Env) -> RuleForm {
        let lang = env.lang;
        let bases: Vec<(String, String)> = crate::domain::subsidy::Basis::ALL
            .iter()
            .map(|b| (b.code().to_string(), t(lang, b.label_key()).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice("basis", "field.subsidy_basis", bases, false)
                .for_field(Field::SubsidyBasis),
            FormField::text("rate", "field.subsidy_rate", 10).for_field(Field::SubsidyRate),
            FormField::text("cap", "field.subsidy_cap", 10).for_field(Field::SubsidyCap),
        ]);
        if let Ok(Some(r)) = env.ctx().and_then(|ctx| subsidy::rule(&ctx)) {
            form.set_choice("basis", r.basis.code());
            form.set_value("rate", &r.rate.yuan_text());
            form.set_value("cap", &r.cap.yuan_text());
        }
        form.mark_saved();
        RuleForm { form }
    }
}

impl FormPage for RuleForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "funds.rule_title").to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let (basis, rate, cap) = (
            self.form.choice("basis"),
            self.form.value("rate"),
            self.form.value("cap"),
        );
        let result = env
            .ctx()
            .and_then(|mut ctx| subsidy::set_rule(&mut ctx, &basis, &rate, &cap));
        saved_or_refused(&mut self.form, result, env)
    }
}
