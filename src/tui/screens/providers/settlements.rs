//! 结算 of one provider: its months settled (state, what counts, the amount, who made and who
//! approved), making a month (Ctrl+N), submitting (T), approving by another account (A),
//! recording the payment (P) and printing the sheet (D, or X for the workbook).

use crossterm::event::KeyCode;
use ratatui::text::Line;

use crate::app::print::ListFormat;
use crate::app::{settlement, AppError};
use crate::domain::month::Month;
use crate::domain::permission::Action as Permission;
use crate::domain::provider::Provider;
use crate::domain::settlement::{Settlement, SettlementState};
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::list::{ListScreen, ListSpec};
use crate::tui::screens::pay_form::PayForm;
use crate::tui::screens::Outcome;
use crate::tui::text::safe;
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{Form, FormField};

/// The settlements of one provider.
pub type SettlementList = ListScreen<Settlements>;

/// The list's data: the provider and what the session may do.
pub struct Settlements {
    provider: Provider,
    may_make: bool,
    may_approve: bool,
    may_pay: bool,
    /// Real names of the accounts the rows name, read with the rows.
    names: std::collections::HashMap<String, String>,
}

const STEP_SUBMIT: u8 = 1;
const STEP_APPROVE: u8 = 2;
const STEP_PAY: u8 = 3;
const STEP_PRINT: u8 = 4;
const STEP_WORKBOOK: u8 = 5;

/// Dialog tags: confirm submitting, confirm approving.
const ASK_SUBMIT: u32 = 1;
const ASK_APPROVE: u32 = 2;

impl SettlementList {
    /// The settlements of `provider`.
    pub fn of(env: &mut Env, provider: Provider) -> SettlementList {
        let spec = Settlements {
            provider,
            may_make: env.may_somewhere(Permission::MakeSettlement),
            may_approve: env.may_somewhere(Permission::ApproveSettlement),
            may_pay: env.may_somewhere(Permission::PaySettlement),
            names: Default::default(),
        };
        ListScreen::with(env, spec)
    }
}

fn error(lang: Lang, e: &AppError) -> Outcome {
    Outcome::Dialog(Dialog::error(
        t(lang, "dialog.error_title").into(),
        e.localize(lang),
    ))
}

impl Settlements {
    /// A step on `s` whose outcome is the settlement changed (or a refusal in a dialog).
    fn step(
        &self,
        env: &mut Env,
        s: &Settlement,
        done_key: &str,
        f: impl FnOnce(&mut crate::app::Ctx<'_>, &str) -> crate::app::Result<Settlement>,
    ) -> Outcome {
        let lang = env.lang;
        let id = s.meta.id.clone();
        match env.ctx().and_then(|mut ctx| f(&mut ctx, &id)) {
            Ok(_) => Outcome::Status(t(lang, done_key).to_string()),
            Err(e) => error(lang, &e),
        }
    }

    fn print(&self, env: &mut Env, s: &Settlement, format: ListFormat) -> Outcome {
        let lang = env.lang;
        let id = s.meta.id.clone();
        match env
            .ctx()
            .and_then(|mut ctx| settlement::print(&mut ctx, &id, format, lang))
        {
            Ok(path) => Outcome::Dialog(Dialog::message(
                t(lang, "dialog.done_title").into(),
                tf(
                    lang,
                    "print_menu.written",
                    &[("path", &safe(&path.display().to_string()))],
                ),
            )),
            Err(e) => error(lang, &e),
        }
    }
}

impl ListSpec for Settlements {
    type Item = Settlement;

    fn title(&self) -> &'static str {
        "settlements.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "field.month",
            "settlements.col_state",
            "settlements.col_counted",
            "settlements.col_excluded",
            "settlements.col_total",
            "settlements.col_people",
        ]
    }

    fn flex(&self) -> usize {
        5
    }

    fn empty(&self) -> &'static str {
        "settlements.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<Settlement>, AppError> {
        let id = self.provider.meta.id.clone();
        let names = &mut self.names;
        env.ctx().and_then(|ctx| {
            let rows: Vec<Settlement> = settlement::list(&ctx)?
                .into_iter()
                .filter(|s| s.provider_id == id)
                .collect();
            // A paper names people, not accounts: so does its list.
            for who in rows
                .iter()
                .flat_map(|s| [Some(&s.made_by), s.approved_by.as_ref()])
                .flatten()
            {
                if !names.contains_key(who) {
                    names.insert(who.clone(), crate::app::users::real_name(&ctx, who)?);
                }
            }
            Ok(rows)
        })
    }

    fn cells(&self, s: &Settlement, env: &Env) -> Vec<Line<'static>> {
        let lang = env.lang;
        let people = [Some(&s.made_by), s.approved_by.as_ref()]
            .into_iter()
            .flatten()
            .map(|u| safe(self.names.get(u).unwrap_or(u)))
            .collect::<Vec<_>>()
            .join(" / ");
        vec![
            Line::from(s.month.to_string()),
            Line::from(t(lang, s.state.label_key()).to_string()),
            Line::from(s.lines.len().to_string()),
            Line::from(s.excluded.len().to_string()),
            Line::from(s.total.yuan_text()),
            Line::from(people),
        ]
    }

    fn count(&self, shown: &[&Settlement], lang: Lang) -> Option<String> {
        Some(tf(
            lang,
            "settlements.count",
            &[
                ("provider", &safe(&self.provider.name)),
                ("n", &shown.len().to_string()),
            ],
        ))
    }

    fn open_command(&self, current: Option<&Settlement>) -> Option<Command> {
        current.map(|_| {
            Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "settlements.show",
            )
        })
    }

    /// Enter: what does not count, and why, by reason.
    fn open(&self, s: &Settlement, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let mut by_reason: std::collections::BTreeMap<_, usize> = Default::default();
        for e in &s.excluded {
            *by_reason.entry(e.reason).or_default() += 1;
        }
        let mut lines = vec![tf(
            lang,
            "settlements.summary",
            &[
                ("n", &s.lines.len().to_string()),
                ("total", &s.total.yuan_text()),
            ],
        )];
        if !by_reason.is_empty() {
            lines.push(t(lang, "settlements.not_counted").to_string());
        }
        for (reason, n) in by_reason {
            lines.push(format!("{}：{n}", t(lang, reason.label_key())));
        }
        if let (Some(on), Some(v)) = (s.paid_on, &s.voucher_no) {
            lines.push(tf(
                lang,
                "settlements.paid_line",
                &[("date", &on.format("%Y-%m-%d").to_string()), ("voucher", v)],
            ));
        }
        let text: Vec<String> = lines.iter().map(|l| safe(l)).collect();
        Outcome::Dialog(Dialog::message(s.month.to_string(), text.join("\n")))
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_make.then_some("settlements.make")
    }

    /// The confirmed step is taken, and the list reloads.
    fn on_answer(
        &self,
        answer: Answer,
        current: Option<&Settlement>,
        env: &mut Env,
    ) -> Option<Outcome> {
        let s = current.filter(|_| answer.yes)?;
        Some(match answer.purpose {
            Purpose::Screen(ASK_SUBMIT) => {
                self.step(env, s, "settlements.submitted", settlement::submit)
            }
            Purpose::Screen(ASK_APPROVE) => {
                self.step(env, s, "settlements.approved", settlement::approve)
            }
            _ => return None,
        })
    }

    fn new_item(&self, env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(MakeForm::new(env, self.provider.clone())))
    }

    fn extra_commands(&self, current: Option<&Settlement>) -> Vec<Command> {
        let Some(s) = current else {
            return Vec::new();
        };
        let mut c = Vec::new();
        if self.may_make && s.state == SettlementState::Draft {
            c.push(Command::bar(
                &[Key::ch('t')],
                Action::Step(STEP_SUBMIT),
                "settlements.submit",
            ));
        }
        if self.may_approve && s.state == SettlementState::Submitted {
            c.push(Command::bar(
                &[Key::ch('a')],
                Action::Step(STEP_APPROVE),
                "settlements.approve",
            ));
        }
        if self.may_pay && s.state == SettlementState::Approved {
            c.push(Command::bar(
                &[Key::ch('p')],
                Action::Step(STEP_PAY),
                "settlements.pay",
            ));
        }
        c.push(Command::bar(
            &[Key::ch('d')],
            Action::Step(STEP_PRINT),
            "settlements.print",
        ));
        c.push(Command::help_only(
            &[Key::ch('x')],
            Action::Step(STEP_WORKBOOK),
            "settlements.workbook",
        ));
        c
    }

    fn extra(&self, action: Action, current: Option<&Settlement>, env: &mut Env) -> Outcome {
        let Some(s) = current else {
            return Outcome::None;
        };
        match action {
            Action::Step(STEP_SUBMIT) => ask(env, s, "settlements.ask_submit", ASK_SUBMIT),
            Action::Step(STEP_APPROVE) => ask(env, s, "settlements.ask_approve", ASK_APPROVE),
            Action::Step(STEP_PAY) => Outcome::Push(Box::new(PayForm::new(
                env,
                &s.meta.id,
                tf(
                    env.lang,
                    "settlements.pay_title",
                    &[("month", &s.month.to_string())],
                ),
                |ctx, id, on, voucher, source| {
                    settlement::pay(ctx, id, on, voucher, source).map(|_| ())
                },
            ))),
            Action::Step(STEP_PRINT) => self.print(env, s, ListFormat::Html),
            Action::Step(STEP_WORKBOOK) => self.print(env, s, ListFormat::Xlsx),
            _ => Outcome::None,
        }
    }
}

/// A question before a money step, naming the month and the amount.
fn ask(env: &Env, s: &Settlement, key: &str, tag: u32) -> Outcome {
    let lang = env.lang;
    Outcome::Dialog(Dialog::confirm(
        t(lang, "settlements.confirm_title").into(),
        tf(
            lang,
            key,
            &[
                ("month", &s.month.to_string()),
                ("total", &s.total.yuan_text()),
            ],
        ),
        Purpose::Screen(tag),
    ))
}

/// 编制结算单: the month to settle (last month unless changed).
pub struct MakeForm {
    provider: Provider,
    form: Form,
}

impl MakeForm {
    fn new(env: &Env, provider: Provider) -> MakeForm {
        let this = Month::of(env.clock.today());
        let last = this.prev().unwrap_or(this);
        let mut form = Form::new(vec![
            FormField::text("month", "field.month", 7).for_field(Field::Month)
        ]);
        form.today = env.clock.today();
        form.set_value("month", &last.to_string());
        form.mark_saved();
        MakeForm { provider, form }
    }
}

impl FormPage for MakeForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "settlements.make_title",
            &[("provider", &safe(&self.provider.name))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let month = match Month::parse(&self.form.value("month")) {
            Ok(m) => m,
            Err(e) => return saved_or_refused::<()>(&mut self.form, Err(e.into()), env),
        };
        let id = self.provider.meta.id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| settlement::make(&mut ctx, &id, month));
        saved_or_refused(&mut self.form, result, env)
    }
}
