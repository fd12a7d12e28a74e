//! 用户管理 (系统设置 → U): the accounts of this workstation with their real names, roles and
//! state; an administrator adds a user (N or Ctrl+N), changes a user's real name and provider
//! (E), sets a new password for one who forgot theirs (P), and disables one (D) — nothing is
//! deleted.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use zeroize::Zeroizing;

use crate::app::users::{self, Account, AccountEdit};
use crate::domain::permission::Role;
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::FormPage;
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::filtered_table::{FilteredTable, Row};
use crate::tui::widgets::form::{Form, FormField};

const NEW: u8 = 0;
const PASSWORD: u8 = 1;
const DISABLE: u8 = 2;
const EDIT: u8 = 3;
const ASK_DISABLE: u32 = 1;

/// The users screen.
pub struct UsersScreen {
    table: FilteredTable,
    accounts: Result<Vec<Account>, String>,
}

impl UsersScreen {
    /// Every account.
    pub fn new(env: &mut Env) -> UsersScreen {
        let mut s = UsersScreen {
            table: FilteredTable::new(1, 0),
            accounts: Err(String::new()),
        };
        s.reload(env);
        s
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.accounts = env
            .ctx()
            .and_then(|ctx| users::list(&ctx))
            .map_err(|e| e.localize(lang));
        let n = self.accounts.as_ref().map_or(0, Vec::len);
        self.table.clamp(n);
    }

    fn selected(&self) -> Option<&Account> {
        self.accounts.as_ref().ok()?.get(self.table.selected)
    }
}

impl Screen for UsersScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "users.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![
            Command::bar(
                &[Key::ctrl('n'), Key::ch('n')],
                Action::Step(NEW),
                "cmd.new_user",
            ),
            Command::bar(&[Key::ch('e')], Action::Step(EDIT), "cmd.edit_user"),
            Command::bar(&[Key::ch('p')], Action::Step(PASSWORD), "cmd.set_password"),
            Command::bar(&[Key::ch('d')], Action::Step(DISABLE), "cmd.disable_user"),
        ];
        c.extend(FilteredTable::commands());
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        match action {
            Action::Step(NEW) => Outcome::Push(Box::new(UserForm::new(env))),
            Action::Step(EDIT) => match self.selected().cloned() {
                Some(a) => Outcome::Push(Box::new(EditForm::new(env, &a))),
                None => Outcome::None,
            },
            Action::Step(PASSWORD) => match self.selected() {
                Some(a) => Outcome::Push(Box::new(PasswordForm::new(&a.username))),
                None => Outcome::None,
            },
            Action::Step(DISABLE) => match self.selected() {
                Some(a) if !a.disabled => Outcome::Dialog(Dialog::confirm(
                    t(lang, "users.disable_title").into(),
                    tf(
                        lang,
                        "users.ask_disable",
                        &[("username", &safe(&a.username))],
                    ),
                    Purpose::Screen(ASK_DISABLE),
                )),
                _ => Outcome::None,
            },
            Action::Back => Outcome::Pop,
            other => {
                let n = self.accounts.as_ref().map_or(0, Vec::len);
                self.table.handle(other, n);
                Outcome::None
            }
        }
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_DISABLE) || !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let Some(name) = self.selected().map(|a| a.username.clone()) else {
            return Outcome::None;
        };
        let done = env
            .ctx()
            .and_then(|mut ctx| users::disable(&mut ctx, &name));
        self.reload(env);
        match done {
            Ok(()) => Outcome::Status(tf(lang, "users.disabled", &[("username", &safe(&name))])),
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let headers: Vec<String> = [
            "field.username",
            "users.col_real_name",
            "field.role",
            "users.col_state",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows: Vec<Row> = match &self.accounts {
            Ok(list) => list
                .iter()
                .skip(self.table.top(area))
                .take(FilteredTable::rows(area))
                .map(|a| {
                    let roles: Vec<String> = a
                        .grants
                        .iter()
                        .map(|g| {
                            // A bound provider staff account works at its provider.
                            let at = match (&a.provider_name, g.role) {
                                (Some(p), Role::ProviderStaff) => p.as_str(),
                                _ => env.org_name(&g.org),
                            };
                            format!("{}@{}", t(lang, g.role.label_key()), safe(at))
                        })
                        .collect();
                    let state = a.localize(lang);
                    Row {
                        cells: vec![
                            Line::from(safe(&a.username)),
                            Line::from(safe(&a.display_name)),
                            Line::from(roles.join(t(lang, "form.list_separator"))),
                            Line::from(state),
                        ],
                        overdue: a.disabled,
                    }
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let count = self
            .accounts
            .as_ref()
            .map(|l| tf(lang, "users.count", &[("n", &l.len().to_string())]))
            .map_err(Clone::clone);
        self.table.render(
            frame,
            area,
            env,
            &[t(lang, "users.tab").to_string()],
            count,
            &headers,
            &rows,
            2,
            t(lang, "users.none"),
        );
    }
}

fn password_field(id: &'static str, label: &'static str) -> FormField {
    let mut f = FormField::text(id, label, 128).for_field(Field::Password);
    f.text.masked = true;
    f
}

/// The providers an account may be bound to, chosen from a list (none chosen: not bound).
fn provider_field(env: &mut Env) -> FormField {
    let choices = env
        .ctx()
        .and_then(|ctx| users::provider_choices(&ctx))
        .unwrap_or_default()
        .into_iter()
        .map(|(id, name)| (id, safe(&name)))
        .collect();
    FormField::choice("provider", "users.provider", choices, true).for_field(Field::Provider)
}

fn chosen_provider(form: &Form) -> Option<String> {
    Some(form.choice("provider")).filter(|p| !p.is_empty())
}

/// Adding a user: login name, real name, one or more roles, the unit, the provider (for
/// provider staff), and the first password twice.
pub struct UserForm {
    form: Form,
}

impl UserForm {
    fn new(env: &mut Env) -> UserForm {
        let lang = env.lang;
        let roles: Vec<(String, String)> = Role::ALL
            .iter()
            .map(|r| (r.code().to_string(), t(lang, r.label_key()).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::text("username", "field.username", 32).for_field(Field::Username),
            FormField::text("real_name", "users.real_name", users::REAL_NAME_CHARS)
                .for_field(Field::Name),
            FormField::multi("roles", "field.role", roles).for_field(Field::Role),
            FormField::text("org", "field.org_code", 20).for_field(Field::OrgCode),
            provider_field(env),
            password_field("password", "field.password"),
            password_field("again", "users.password_again"),
        ]);
        if let Some(ws) = &env.workstation {
            form.set_value("org", &ws.org_code);
        }
        form.mark_saved();
        UserForm { form }
    }
}

impl FormPage for UserForm {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "users.new_title").to_string()
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let password = Zeroizing::new(self.form.value("password"));
        if *password != self.form.value("again") {
            return Outcome::Status(t(lang, "error.passwords_differ").into());
        }
        let roles: Result<Vec<Role>, _> = self
            .form
            .multi("roles")
            .iter()
            .map(|c| Role::parse(c))
            .collect();
        let roles = match roles {
            Ok(r) if !r.is_empty() => r,
            Ok(_) => {
                return Outcome::Status(
                    crate::domain::validation::ValidationError::new(
                        Field::Role,
                        crate::domain::validation::Reason::Required,
                    )
                    .localize(lang),
                )
            }
            Err(e) => return Outcome::Status(e.localize(lang)),
        };
        let username = self.form.value("username").trim().to_string();
        let real_name = self.form.value("real_name");
        let org = self.form.value("org").trim().to_string();
        let provider = chosen_provider(&self.form);
        let done = env.ctx().and_then(|mut ctx| {
            users::add(
                &mut ctx,
                &username,
                &real_name,
                &roles,
                Some(&org),
                provider.as_deref(),
                password,
            )
        });
        match done {
            Ok(()) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(crate::app::AppError::Validation(e)) => {
                self.form.show_error(&e, lang);
                Outcome::None
            }
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }
}

/// Changing a user's real name and, for a provider staff account, the provider it works for.
pub struct EditForm {
    username: String,
    form: Form,
}

impl EditForm {
    fn new(env: &mut Env, a: &Account) -> EditForm {
        let mut fields = vec![
            FormField::info("who", "field.username"),
            FormField::text("real_name", "users.real_name", users::REAL_NAME_CHARS)
                .for_field(Field::Name),
        ];
        // Only a provider staff account works for a provider.
        if a.grants.iter().any(|g| g.role == Role::ProviderStaff) {
            fields.push(provider_field(env));
        }
        let mut form = Form::new(fields);
        form.set_value("who", &safe(&a.username));
        form.set_value("real_name", &a.display_name);
        if let Some(p) = &a.provider_id {
            form.set_choice("provider", p);
        }
        form.mark_saved();
        EditForm {
            username: a.username.clone(),
            form,
        }
    }
}

impl FormPage for EditForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "users.edit_title",
            &[("username", &safe(&self.username))],
        )
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let edit = AccountEdit {
            real_name: self.form.value("real_name"),
            provider_id: chosen_provider(&self.form),
        };
        let name = self.username.clone();
        match env
            .ctx()
            .and_then(|mut ctx| users::update(&mut ctx, &name, &edit))
        {
            Ok(()) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(crate::app::AppError::Validation(e)) => {
                self.form.show_error(&e, lang);
                Outcome::Status(e.localize(lang))
            }
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }
}

/// A new password for a user who forgot theirs, typed twice.
pub struct PasswordForm {
    username: String,
    form: Form,
}

impl PasswordForm {
    fn new(username: &str) -> PasswordForm {
        let mut form = Form::new(vec![
            FormField::info("who", "field.username"),
            password_field("password", "field.password"),
            password_field("again", "users.password_again"),
        ]);
        form.set_value("who", &safe(username));
        form.mark_saved();
        PasswordForm {
            username: username.to_string(),
            form,
        }
    }
}

impl FormPage for PasswordForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "users.password_title",
            &[("username", &safe(&self.username))],
        )
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let password = Zeroizing::new(self.form.value("password"));
        if *password != self.form.value("again") {
            return Outcome::Status(t(lang, "error.passwords_differ").into());
        }
        let name = self.username.clone();
        match env
            .ctx()
            .and_then(|mut ctx| users::set_password(&mut ctx, &name, password))
        {
            Ok(()) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }
}
