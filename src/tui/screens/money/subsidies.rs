//! 互助补贴发放: each community's monthly neighbour-help subsidy lists — making a month
//! (Ctrl+N), submitting (T), approving by another account (A), recording the payment (P) and
//! printing the list (D, or X for the payment workbook).

use crossterm::event::KeyCode;
use ratatui::text::Line;

use crate::app::print::ListFormat;
use crate::app::{subsidy, AppError};
use crate::domain::month::Month;
use crate::domain::org::Tier;
use crate::domain::permission::Action as Permission;
use crate::domain::settlement::SettlementState;
use crate::domain::subsidy::SubsidyList;
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

/// The subsidy lists.
pub type SubsidyLists = ListScreen<Subsidies>;

/// The list's data: what the session may do.
pub struct Subsidies {
    may_make: bool,
    may_approve: bool,
    may_pay: bool,
}

const STEP_SUBMIT: u8 = 1;
const STEP_APPROVE: u8 = 2;
const STEP_PAY: u8 = 3;
const STEP_PRINT: u8 = 4;
const STEP_WORKBOOK: u8 = 5;

const ASK_SUBMIT: u32 = 1;
const ASK_APPROVE: u32 = 2;

impl SubsidyLists {
    /// Every list the session may see.
    pub fn new(env: &mut Env) -> SubsidyLists {
        let spec = Subsidies {
            may_make: env.may_somewhere(Permission::MakeSubsidy),
            may_approve: env.may_somewhere(Permission::ApproveSubsidy),
            may_pay: env.may_somewhere(Permission::PaySubsidy),
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

impl Subsidies {
    fn step(
        &self,
        env: &mut Env,
        s: &SubsidyList,
        done_key: &str,
        f: impl FnOnce(&mut crate::app::Ctx<'_>, &str) -> crate::app::Result<SubsidyList>,
    ) -> Outcome {
        let lang = env.lang;
        let id = s.meta.id.clone();
        match env.ctx().and_then(|mut ctx| f(&mut ctx, &id)) {
            Ok(_) => Outcome::Status(t(lang, done_key).to_string()),
            Err(e) => error(lang, &e),
        }
    }

    fn print(&self, env: &mut Env, s: &SubsidyList, format: ListFormat) -> Outcome {
        let lang = env.lang;
        let id = s.meta.id.clone();
        match env
            .ctx()
            .and_then(|mut ctx| subsidy::print(&mut ctx, &id, format, lang))
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

impl ListSpec for Subsidies {
    type Item = SubsidyList;

    fn title(&self) -> &'static str {
        "subsidies.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "field.month",
            "field.community",
            "settlements.col_state",
            "subsidies.col_helpers",
            "settlements.col_total",
        ]
    }

    fn flex(&self) -> usize {
        1
    }

    fn empty(&self) -> &'static str {
        "subsidies.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<SubsidyList>, AppError> {
        env.ctx().and_then(|ctx| subsidy::list(&ctx))
    }

    fn cells(&self, s: &SubsidyList, env: &Env) -> Vec<Line<'static>> {
        vec![
            Line::from(s.month.to_string()),
            Line::from(safe(env.tree.name_of(&s.community))),
            Line::from(t(env.lang, s.state.label_key()).to_string()),
            Line::from(s.lines.len().to_string()),
            Line::from(s.total.yuan_text()),
        ]
    }

    fn count(&self, shown: &[&SubsidyList], lang: Lang) -> Option<String> {
        Some(tf(
            lang,
            "subsidies.count",
            &[("n", &shown.len().to_string())],
        ))
    }

    fn open_command(&self, current: Option<&SubsidyList>) -> Option<Command> {
        current.map(|_| {
            Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "settlements.show",
            )
        })
    }

    /// Enter: the rule, who is paid (capped or not), what does not count.
    fn open(&self, s: &SubsidyList, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let capped = s.lines.iter().filter(|l| l.capped()).count();
        let mut lines = vec![tf(
            lang,
            "subsidies.summary",
            &[
                ("n", &s.lines.len().to_string()),
                ("capped", &capped.to_string()),
                ("total", &s.total.yuan_text()),
                ("excluded", &s.excluded.len().to_string()),
            ],
        )];
        if let (Some(on), Some(v)) = (s.paid_on, &s.voucher_no) {
            lines.push(tf(
                lang,
                "settlements.paid_line",
                &[("date", &on.format("%Y-%m-%d").to_string()), ("voucher", v)],
            ));
        }
        let text: Vec<String> = lines.iter().map(|l| safe(l)).collect();
        Outcome::Dialog(Dialog::message(
            format!("{} {}", safe(env.tree.name_of(&s.community)), s.month),
            text.join("\n"),
        ))
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_make.then_some("subsidies.make")
    }

    fn new_item(&self, env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(MakeForm::new(env)))
    }

    fn on_answer(
        &self,
        answer: Answer,
        current: Option<&SubsidyList>,
        env: &mut Env,
    ) -> Option<Outcome> {
        let s = current.filter(|_| answer.yes)?;
        Some(match answer.purpose {
            Purpose::Screen(ASK_SUBMIT) => {
                self.step(env, s, "subsidies.submitted", subsidy::submit)
            }
            Purpose::Screen(ASK_APPROVE) => {
                self.step(env, s, "subsidies.approved", subsidy::approve)
            }
            _ => return None,
        })
    }

    fn extra_commands(&self, current: Option<&SubsidyList>) -> Vec<Command> {
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
            "subsidies.print",
        ));
        c.push(Command::help_only(
            &[Key::ch('x')],
            Action::Step(STEP_WORKBOOK),
            "subsidies.workbook",
        ));
        c
    }

    fn extra(&self, action: Action, current: Option<&SubsidyList>, env: &mut Env) -> Outcome {
        let Some(s) = current else {
            return Outcome::None;
        };
        match action {
            Action::Step(STEP_SUBMIT) => ask(env, s, "subsidies.ask_submit", ASK_SUBMIT),
            Action::Step(STEP_APPROVE) => ask(env, s, "subsidies.ask_approve", ASK_APPROVE),
            Action::Step(STEP_PAY) => Outcome::Push(Box::new(PayForm::new(
                env,
                &s.meta.id,
                tf(
                    env.lang,
                    "subsidies.pay_title",
                    &[("month", &s.month.to_string())],
                ),
                |ctx, id, on, voucher, source| {
                    subsidy::pay(ctx, id, on, voucher, source).map(|_| ())
                },
            ))),
            Action::Step(STEP_PRINT) => self.print(env, s, ListFormat::Html),
            Action::Step(STEP_WORKBOOK) => self.print(env, s, ListFormat::Xlsx),
            _ => Outcome::None,
        }
    }
}

fn ask(env: &Env, s: &SubsidyList, key: &str, tag: u32) -> Outcome {
    let lang = env.lang;
    Outcome::Dialog(Dialog::confirm(
        t(lang, "subsidies.confirm_title").into(),
        tf(
            lang,
            key,
            &[
                ("community", &safe(env.tree.name_of(&s.community))),
                ("month", &s.month.to_string()),
                ("total", &s.total.yuan_text()),
            ],
        ),
        Purpose::Screen(tag),
    ))
}

/// 编制补贴发放表: the community and the month (last month unless changed).
pub struct MakeForm {
    form: Form,
}

impl MakeForm {
    fn new(env: &Env) -> MakeForm {
        let communities: Vec<(String, String)> = env
            .tree
            .units()
            .iter()
            .filter(|u| u.tier() == Tier::Community && env.may(Permission::MakeSubsidy, &u.code))
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        let this = Month::of(env.clock.today());
        let last = this.prev().unwrap_or(this);
        let mut form = Form::new(vec![
            FormField::choice("community", "field.community", communities, false)
                .for_field(Field::Community),
            FormField::text("month", "field.month", 7).for_field(Field::Month),
        ]);
        form.today = env.clock.today();
        form.set_value("month", &last.to_string());
        form.mark_saved();
        MakeForm { form }
    }
}

impl FormPage for MakeForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "subsidies.make_title").to_string()
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
        let community = self.form.choice("community");
        let result = env
            .ctx()
            .and_then(|mut ctx| subsidy::make(&mut ctx, &community, month));
        saved_or_refused(&mut self.form, result, env)
    }
}
