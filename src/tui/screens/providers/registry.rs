//! 服务资源: the provider registry — list, register, edit.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::{provider, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::permission::Action as Permission;
use crate::domain::provider::{Provider, ProviderDraft};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::destination::Destination;
use crate::tui::screens::list::{Allowed, ListScreen, ListSpec};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

/// The provider list.
pub type ProviderList = ListScreen<Providers>;

/// The provider list's data: whether the session may register providers at all; each row
/// carries whether it may change that one (its area must be within the session's reach). Only
/// those commands are offered.
pub struct Providers {
    may_add: bool,
    /// The session may read persons, and so print a provider's name list.
    may_list: bool,
}

/// 名单: print the selected provider's name list.
const STEP_NAME_LIST: u8 = 1;

/// 协议: the selected provider's agreements.
const STEP_AGREEMENTS: u8 = 2;
/// Opens the neighbour helpers (邻里互助员), the plan's other service resource.
const STEP_HELPERS: u8 = 3;

impl ProviderList {
    /// Every provider.
    pub fn new(env: &mut Env) -> ProviderList {
        let spec = Providers {
            may_add: env.may_somewhere(Permission::ManageProviders),
            may_list: env.may_somewhere(Permission::ViewPerson),
        };
        ListScreen::with(env, spec)
    }
}

impl ListSpec for Providers {
    type Item = Allowed<Provider>;

    fn title(&self) -> &'static str {
        "providers.title"
    }

    fn headers(&self) -> &'static [&'static str] {
        &[
            "field.provider_name",
            "field.provider_kind",
            "providers.col_area",
            "providers.col_items",
            "providers.col_active",
        ]
    }

    fn flex(&self) -> usize {
        1
    }

    fn empty(&self) -> &'static str {
        "providers.none"
    }

    fn load(&mut self, env: &mut Env, _tab: usize) -> Result<Vec<Self::Item>, AppError> {
        let items = env.ctx().and_then(|ctx| provider::list(&ctx))?;
        Ok(items
            .into_iter()
            .map(|line| Allowed {
                may: env.may(Permission::ManageProviders, &line.area),
                line,
            })
            .collect())
    }

    fn cells(&self, x: &Self::Item, env: &Env) -> Vec<Line<'static>> {
        let (p, lang) = (&x.line, env.lang);
        vec![
            Line::from(safe(&p.name)),
            Line::from(
                Catalogue::builtin()
                    .label(ListKind::ProviderKind, &p.kind, lang)
                    .to_string(),
            ),
            Line::from(safe(env.org_name(&p.area))),
            Line::from(tf(
                lang,
                "providers.items_n",
                &[("n", &p.items.len().to_string())],
            )),
            Line::from(t(lang, if p.active { "form.yes" } else { "form.no" }).to_string()),
        ]
    }

    fn count(&self, _shown: &[&Self::Item], _lang: Lang) -> Option<String> {
        None
    }

    /// Enter (or E) edits a provider the session may change.
    fn open_command(&self, current: Option<&Self::Item>) -> Option<Command> {
        current.is_some_and(|x| x.may).then(|| {
            Command::bar(
                &[Key::plain(KeyCode::Enter), Key::ch('e')],
                Action::Open,
                "cmd.edit",
            )
        })
    }

    fn open(&self, x: &Self::Item, env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(ProviderForm::new(env, Some(x.line.clone()))))
    }

    fn new_label(&self) -> Option<&'static str> {
        self.may_add.then_some("cmd.new_provider")
    }

    fn new_item(&self, env: &mut Env) -> Outcome {
        Outcome::Push(Box::new(ProviderForm::new(env, None)))
    }

    fn extra_commands(&self, _current: Option<&Self::Item>) -> Vec<Command> {
        if !self.may_list {
            return Vec::new();
        }
        vec![
            Command::bar(
                &[Key::ch('g')],
                Action::Step(STEP_AGREEMENTS),
                "providers.agreements",
            ),
            Command::bar(
                &[Key::ch('l')],
                Action::Step(STEP_NAME_LIST),
                "providers.name_list",
            ),
            Command::bar(
                &[Key::ch('h')],
                Action::Step(STEP_HELPERS),
                "providers.helpers",
            ),
        ]
    }

    fn extra(&self, action: Action, current: Option<&Self::Item>, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if action == Action::Step(STEP_HELPERS) {
            return Outcome::Open(Destination::Helpers);
        }
        if let (Action::Step(STEP_AGREEMENTS), Some(x)) = (action, current) {
            return Outcome::Open(Destination::Agreements(Box::new(x.line.clone())));
        }
        let (Action::Step(STEP_NAME_LIST), Some(x)) = (action, current) else {
            return Outcome::None;
        };
        let id = x.line.meta.id.clone();
        match env
            .ctx()
            .and_then(|mut ctx| crate::app::print::name_list(&mut ctx, &id, lang))
        {
            Ok((path, n)) => Outcome::Dialog(Dialog::message(
                t(lang, "dialog.done_title").into(),
                tf(
                    lang,
                    "providers.name_list_written",
                    &[
                        ("n", &n.to_string()),
                        ("path", &safe(&path.display().to_string())),
                    ],
                ),
            )),
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }

    /// Up and Down only: the list is short.
    fn moves(&self) -> Vec<Command> {
        vec![
            Command::help_only(
                &[Key::plain(KeyCode::Up), Key::ch('k')],
                Action::Up,
                "cmd.up",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::Down), Key::ch('j')],
                Action::Down,
                "cmd.down",
            ),
        ]
    }
}

fn check_name(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::ProviderName, v, 60).map(|_| ())
}

fn check_credit_code(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    if v.trim().is_empty() {
        return Ok(());
    }
    crate::domain::credit_code::CreditCode::parse(v).map(|_| ())
}

fn options(kind: ListKind, env: &Env) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
        .collect()
}

/// Registering or editing a provider.
pub struct ProviderForm {
    editing: Option<Provider>,
    form: Form,
}

impl ProviderForm {
    /// The form, empty or filled with `p`.
    pub fn new(env: &Env, p: Option<Provider>) -> ProviderForm {
        let mut areas: Vec<(String, String)> = Vec::new();
        if let Some(ws) = &env.workstation {
            for u in env.tree.subtree(&ws.org_code) {
                areas.push((u.code.clone(), u.name.clone()));
            }
        }
        let mut form = Form::new(vec![
            FormField::text("name", "field.provider_name", 60)
                .for_field(Field::ProviderName)
                .checked(check_name),
            FormField::choice(
                "kind",
                "field.provider_kind",
                options(ListKind::ProviderKind, env),
                false,
            )
            .for_field(Field::ProviderKind),
            FormField::multi(
                "items",
                "providers.col_items",
                Catalogue::builtin()
                    .entries(ListKind::ServiceItem)
                    .iter()
                    .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
                    .collect(),
            )
            .for_field(Field::Needs),
            FormField::text("contact", "providers.contact", 30).for_field(Field::Reporter),
            FormField::text("phone", "field.phone", 20).for_field(Field::Phone),
            FormField::choice("area", "providers.col_area", areas, false)
                .for_field(Field::Community),
            FormField::yes_no("active", "providers.col_active"),
            FormField::text("credit_code", "providers.credit_code", 18)
                .for_field(Field::CreditCode)
                .checked(check_credit_code),
            FormField::choice(
                "qualification_kind",
                "field.qualification_kind",
                options(ListKind::QualificationKind, env),
                true,
            )
            .for_field(Field::QualificationKind),
            FormField::text("qualification_no", "field.qualification_no", 40)
                .for_field(Field::QualificationNo),
            FormField::date(
                "qualification_valid_until",
                "field.qualification_valid_until",
            )
            .for_field(Field::QualificationValidUntil),
        ]);
        form.today = env.clock.today();
        form.set_yes("active", true);
        if let Some(p) = &p {
            form.set_value("name", &p.name);
            form.set_choice("kind", &p.kind);
            form.set_value("contact", p.contact.as_deref().unwrap_or(""));
            form.set_value("phone", p.phone.as_deref().unwrap_or(""));
            form.set_choice_labelled("area", &p.area, env.org_name(&p.area));
            form.set_yes("active", p.active);
            let q = &p.qualification;
            form.set_value("credit_code", q.credit_code.as_deref().unwrap_or(""));
            if let Some(k) = &q.kind {
                form.set_choice("qualification_kind", k);
            }
            form.set_value("qualification_no", q.number.as_deref().unwrap_or(""));
            form.set_value(
                "qualification_valid_until",
                &q.valid_until
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            );
            if let Some(f) = form.field_mut("items") {
                if let crate::tui::widgets::form::FieldKind::Multi { options } = &f.kind {
                    f.chosen = options.iter().map(|o| p.items.contains(&o.0)).collect();
                }
            }
        }
        form.mark_saved();
        ProviderForm { editing: p, form }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let f = &self.form;
        let draft = ProviderDraft {
            name: f.value("name"),
            kind: f.choice("kind"),
            items: f.multi("items"),
            contact: f.value("contact"),
            phone: f.value("phone"),
            area: f.choice("area"),
            active: f.yes("active"),
            credit_code: f.value("credit_code"),
            qualification_kind: f.choice("qualification_kind"),
            qualification_no: f.value("qualification_no"),
            qualification_valid_until: f.value("qualification_valid_until"),
        };
        let result = env.ctx().and_then(|mut ctx| match &self.editing {
            None => provider::create(&mut ctx, &draft).map(|_| ()),
            Some(p) => provider::update(&mut ctx, &p.meta.id, p.meta.version, &draft).map(|_| ()),
        });
        crate::tui::screens::form_page::saved_or_refused(&mut self.form, result, env)
    }
}

impl Screen for ProviderForm {
    fn title(&self, env: &Env) -> String {
        match &self.editing {
            None => t(env.lang, "cmd.new_provider").to_string(),
            Some(p) => tf(
                env.lang,
                "providers.edit_title",
                &[("name", &safe(&p.name))],
            ),
        }
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
        if form_screen::navigate(&mut self.form, action, env.lang) {
            return Outcome::None;
        }
        match action {
            Action::Save => self.save(env),
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form.handle(key);
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        self.form.render(frame, body(area), env);
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        self.form.cursor(body(area))
    }
}

fn body(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(1),
        area.height.saturating_sub(1),
    )
}
