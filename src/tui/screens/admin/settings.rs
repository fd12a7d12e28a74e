//! 系统设置: what this workstation is and how the UI looks; the time limits of the 待办
//! inbox and the review interval (an administrator edits them with E); on a demo
//! workstation, adding synthetic people for training (long work, with a progress bar that
//! can be cancelled).

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{demo, settings, AppError, Ctx, SystemClock};
use crate::domain::permission::{allows_anywhere, Action as Permission};
use crate::domain::timeliness::{Limit, Thresholds};
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Localize};
use crate::store::{OpenOptions, Store};
use crate::tui::env::Env;
use crate::tui::job::Job;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{fit, width};
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{Form, FormField};

/// How many synthetic people one press adds.
pub const DEMO_BATCH: usize = 1000;

/// The settings screen.
pub struct Settings {
    /// A demo workstation, and the session may generate its data.
    demo: bool,
    /// The administrator may change the time limits.
    may_edit: bool,
    /// A supervisor or administrator may browse the logs.
    may_audit: bool,
    /// An administrator may manage the accounts.
    may_manage_users: bool,
    thresholds: Result<Thresholds, String>,
    /// The maker-checker exception: the assessor may also decide.
    assessor_may_decide: bool,
    /// The public phones printed on posting lists.
    phones: settings::PublicPhones,
    /// This workstation's unit as its seal reads.
    seal: String,
}

impl Settings {
    /// The screen for this workstation.
    pub fn new(env: &mut Env) -> Settings {
        let mut s = Settings {
            // 生成演示数据 is offered on a demo workstation to a session that may run it.
            demo: env
                .workstation
                .as_ref()
                .is_some_and(|w| w.demo && env.may(Permission::GenerateDemo, &w.org_code)),
            may_edit: env
                .session
                .as_ref()
                .is_some_and(|s| allows_anywhere(&s.grants, Permission::ManageSettings)),
            may_audit: env
                .session
                .as_ref()
                .is_some_and(|s| allows_anywhere(&s.grants, Permission::Inspect)),
            may_manage_users: env
                .session
                .as_ref()
                .is_some_and(|s| allows_anywhere(&s.grants, Permission::ManageUsers)),
            thresholds: Ok(Thresholds::default()),
            assessor_may_decide: false,
            phones: settings::PublicPhones::default(),
            seal: String::new(),
        };
        s.reload(env);
        s
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.thresholds = env
            .ctx()
            .and_then(|ctx| settings::thresholds(&ctx))
            .map_err(|e| e.localize(lang));
        self.assessor_may_decide = env
            .ctx()
            .and_then(|ctx| settings::assessor_may_decide(&ctx))
            .unwrap_or(false);
        self.phones = env
            .ctx()
            .and_then(|ctx| settings::public_phones(&ctx))
            .unwrap_or_default();
        let own = env.workstation.as_ref().map(|w| w.org_code.clone());
        self.seal = match (env.ctx(), own) {
            (Ok(ctx), Some(code)) => settings::seal_name(&ctx, &code),
            _ => String::new(),
        };
    }

    /// The seal name, and the public phones on one line.
    fn public_lines(&self, env: &Env) -> Vec<Line<'static>> {
        let lang = env.lang;
        let shown = |v: &str| {
            if v.is_empty() {
                t(lang, "settings.not_set").to_string()
            } else {
                v.to_string()
            }
        };
        vec![
            Line::from(format!(
                "  {}",
                tf(lang, "settings.seal_line", &[("name", &shown(&self.seal))])
            )),
            Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "settings.phones_line",
                    &[
                        ("service", &shown(&self.phones.service)),
                        ("supervision", &shown(&self.phones.supervision)),
                    ]
                )
            )),
        ]
    }

    /// The time limits, two to a line.
    fn limit_lines(&self, env: &Env) -> Vec<Line<'static>> {
        let lang = env.lang;
        let t_ = match &self.thresholds {
            Ok(t_) => t_,
            Err(why) => return vec![Line::styled(format!("  {why}"), env.theme.error)],
        };
        let label_w = Limit::ALL
            .iter()
            .map(|l| width(t(lang, l.label_key())))
            .max()
            .unwrap_or(8);
        let cell = |l: Limit| {
            vec![
                Span::styled(
                    format!("{} ", fit(t(lang, l.label_key()), label_w)),
                    env.theme.label,
                ),
                Span::raw(fit(
                    &tf(
                        lang,
                        if l.in_minutes() {
                            "settings.minutes"
                        } else {
                            "settings.days"
                        },
                        &[("n", &t_.get(l).to_string())],
                    ),
                    10,
                )),
            ]
        };
        Limit::ALL
            .chunks(2)
            .map(|pair| {
                let mut spans = vec![Span::raw("  ")];
                for l in pair {
                    spans.extend(cell(*l));
                }
                Line::from(spans)
            })
            .collect()
    }

    fn start_demo(env: &Env) -> Outcome {
        let Some(session) = env.session.clone() else {
            return Outcome::None;
        };
        let path = env.db_path.clone();
        let lang = env.lang;
        let seed = env.index.as_ref().map_or(0, |i| i.len() as u64);
        let job = Job::spawn(
            tf(lang, "settings.demo_job", &[("n", &DEMO_BATCH.to_string())]),
            move |progress| {
                let run = || -> Result<demo::Summary, crate::app::AppError> {
                    let mut store = Store::open(&path, &OpenOptions::default())?;
                    let clock = SystemClock;
                    let mut ctx = Ctx::new(&mut store, session, &clock)?;
                    demo::generate(&mut ctx, DEMO_BATCH, seed, &mut |done, total| {
                        progress(done as u64, total as u64)
                    })
                };
                run()
                    .map(|s| {
                        tf(
                            lang,
                            "settings.demo_done",
                            &[
                                ("persons", &s.persons.to_string()),
                                ("clues", &s.clues.to_string()),
                            ],
                        )
                    })
                    .map_err(|e| e.localize(lang))
            },
        );
        Outcome::Job(job)
    }
}

impl Screen for Settings {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "menu.settings").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        )];
        if self.may_edit && self.thresholds.is_ok() {
            c.push(Command::bar(
                &[Key::ch('e')],
                Action::Edit,
                "cmd.edit_limits",
            ));
        }
        if self.may_edit {
            c.push(Command::bar(
                &[Key::ch('n')],
                Action::Step(1),
                "cmd.seal_and_phones",
            ));
        }
        if self.demo {
            c.push(Command::bar(&[Key::ch('g')], Action::New, "cmd.demo_data"));
        }
        if self.may_audit {
            c.push(Command::bar(&[Key::ch('l')], Action::Open, "cmd.audit"));
        }
        if self.may_manage_users {
            c.push(Command::bar(&[Key::ch('u')], Action::Step(0), "cmd.users"));
        }
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Step(0) if self.may_manage_users => Outcome::Open(Destination::Users),
            Action::Step(1) if self.may_edit => match SealForm::new(env) {
                Ok(f) => Outcome::Push(Box::new(f)),
                Err(e) => Outcome::Dialog(Dialog::error(
                    t(env.lang, "dialog.error_title").into(),
                    e.localize(env.lang),
                )),
            },
            Action::Open if self.may_audit => Outcome::Open(Destination::Audit),
            Action::New if self.demo => Self::start_demo(env),
            Action::Edit if self.may_edit => match &self.thresholds {
                Ok(t_) => Outcome::Push(Box::new(LimitsForm::new(*t_, self.assessor_may_decide))),
                Err(_) => Outcome::None,
            },
            _ => Outcome::None,
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let mut lines = vec![
            Line::from(""),
            Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "tui.database",
                    &[("path", &env.db_path.display().to_string())]
                )
            )),
        ];
        if let Some(ws) = &env.workstation {
            lines.push(Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "tui.workstation",
                    &[
                        ("org", env.org_name(&ws.org_code)),
                        ("tier", t(lang, ws.tier.label_key()))
                    ]
                )
            )));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            format!("  {}", t(lang, "settings.limits")),
            env.theme.title,
        ));
        lines.extend(self.limit_lines(env));
        lines.push(Line::from(format!(
            "  {}",
            t(
                lang,
                if self.assessor_may_decide {
                    "settings.assessor_may_decide_on"
                } else {
                    "settings.assessor_may_decide_off"
                }
            )
        )));
        lines.extend(self.public_lines(env));
        if !self.may_edit {
            lines.push(Line::styled(
                format!("  {}", t(lang, "settings.limits_admin_only")),
                env.theme.hint,
            ));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            format!("  {}", t(lang, "settings.look")),
            env.theme.hint,
        ));
        lines.push(Line::styled(
            format!("  {}", t(lang, "settings.look_color")),
            env.theme.hint,
        ));
        if self.demo {
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "settings.demo_hint",
                    &[("n", &DEMO_BATCH.to_string())]
                )
            )));
            lines.push(Line::styled(
                format!("  {}", t(lang, "settings.demo_cancel")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// Editing the time limits: one whole number of days each, checked against its range.
pub struct LimitsForm {
    form: Form,
}

impl LimitsForm {
    /// The form filled with `current`.
    pub fn new(current: Thresholds, assessor_may_decide: bool) -> LimitsForm {
        let mut fields: Vec<FormField> = Limit::ALL
            .iter()
            .map(|l| {
                let (min, max) = l.range();
                FormField::number(l.code(), l.label_key(), min, max).for_field(Field::Limit(*l))
            })
            .collect();
        fields.push(FormField::yes_no(
            "assessor_may_decide",
            "settings.assessor_may_decide",
        ));
        let mut form = Form::new(fields);
        for l in Limit::ALL {
            form.set_value(l.code(), &current.get(l).to_string());
        }
        form.set_yes("assessor_may_decide", assessor_may_decide);
        form.mark_saved();
        LimitsForm { form }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let mut next = Thresholds::default();
        for l in Limit::ALL {
            // An emptied field goes back to the default.
            let days = self
                .form
                .value(l.code())
                .trim()
                .parse::<i64>()
                .unwrap_or(l.default_days());
            next.set(l, days);
        }
        let may_decide = self.form.yes("assessor_may_decide");
        let result = env.ctx().and_then(|mut ctx| {
            settings::set_thresholds(&mut ctx, &next)?;
            settings::set_assessor_may_decide(&mut ctx, may_decide)
        });
        saved_or_refused(&mut self.form, result, env)
    }
}

impl FormPage for LimitsForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "settings.limits_title").to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        LimitsForm::save(self, env)
    }

    fn hint_key(&self) -> &'static str {
        "settings.limits_hint"
    }
}

/// Editing the names the prints are sealed with and the public phones: a unit (this one or
/// one below) and its full official name, the 社会救助服务电话 and the 监督电话.
pub struct SealForm {
    form: Form,
    /// Each unit's code and stored full name.
    names: Vec<settings::UnitNames>,
    /// The unit whose stored name the full-name field was filled with.
    loaded_for: String,
}

impl SealForm {
    /// The form filled with what is stored, on this workstation's own unit.
    pub fn new(env: &mut Env) -> Result<SealForm, AppError> {
        let ctx = env.ctx()?;
        let names = settings::unit_names(&ctx)?;
        let phones = settings::public_phones(&ctx)?;
        drop(ctx);
        let options = names
            .iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice("unit", "settings.seal_unit", options, false),
            FormField::text(
                "full_name",
                "settings.seal_full_name",
                settings::FULL_NAME_MAX,
            )
            .for_field(Field::OrgFullName),
            FormField::text(
                "service_phone",
                "settings.seal_service_phone",
                settings::PUBLIC_PHONE_MAX,
            )
            .for_field(Field::ServicePhone),
            FormField::text(
                "supervision_phone",
                "field.supervision_phone",
                settings::PUBLIC_PHONE_MAX,
            )
            .for_field(Field::SupervisionPhone),
        ]);
        let loaded_for = names.first().map(|u| u.code.clone()).unwrap_or_default();
        if let Some(u) = names.first() {
            form.set_value("full_name", &u.full_name);
        }
        form.set_value("service_phone", &phones.service);
        form.set_value("supervision_phone", &phones.supervision);
        form.mark_saved();
        Ok(SealForm {
            form,
            names,
            loaded_for,
        })
    }

    /// Fills the full-name field with the chosen unit's stored name; false when it already was.
    fn load_chosen(&mut self) -> bool {
        let chosen = self.form.choice("unit");
        if chosen == self.loaded_for {
            return false;
        }
        let full = self
            .names
            .iter()
            .find(|u| u.code == chosen)
            .map(|u| u.full_name.clone())
            .unwrap_or_default();
        self.form.set_value("full_name", &full);
        self.loaded_for = chosen;
        true
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        // Another unit chosen since the name was filled: show its name before saving over it.
        if self.load_chosen() {
            self.form.focus_on("full_name");
            return Outcome::Status(t(lang, "settings.check_full_name").to_string());
        }
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let unit = self.loaded_for.clone();
        let full = self.form.value("full_name");
        let phones = settings::PublicPhones {
            service: self.form.value("service_phone"),
            supervision: self.form.value("supervision_phone"),
        };
        let result = env.ctx().and_then(|mut ctx| {
            settings::set_public_phones(&mut ctx, &phones)?;
            settings::set_full_name(&mut ctx, &unit, &full)
        });
        saved_or_refused(&mut self.form, result, env)
    }
}

impl FormPage for SealForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "settings.seal_title").to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        SealForm::save(self, env)
    }

    fn next_field(&mut self, _env: &mut Env) -> bool {
        // Leaving the unit: its stored full name comes up for editing.
        if self.form.focused_id() == Some("unit") {
            self.load_chosen();
        }
        false
    }

    fn hint_key(&self) -> &'static str {
        "settings.seal_hint"
    }
}
