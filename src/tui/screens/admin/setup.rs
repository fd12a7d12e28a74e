//! First run: with no workstation in the database, the terminal UI opens this set-up form —
//! tier, unit (a code of the district's tree fills in its name and parent), the first
//! administrator and password — which makes the workstation and its keys as `jiuzhu init`
//! does. Ctrl+D instead makes a demo workstation with 300 synthetic persons to look around
//! (users `demo`/`demo` …).

use crossterm::event::{KeyCode, KeyModifiers};
use zeroize::Zeroizing;

use crate::app::{demo, setup};
use crate::domain::org::{OrgTree, Tier};
use crate::domain::validation::Field;
use crate::i18n::{t, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::FormPage;
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

/// Step: make a demo workstation instead.
const DEMO: u8 = 0;
/// Persons a demo workstation made here starts with.
const DEMO_PERSONS: usize = 300;

/// The set-up form.
pub struct SetupWizard {
    form: Form,
}

impl SetupWizard {
    /// An empty set-up form (tier: community).
    pub fn new(lang: crate::i18n::Lang) -> SetupWizard {
        let tiers = [Tier::Community, Tier::Subdistrict, Tier::District]
            .iter()
            .map(|tier| {
                (
                    tier.code().to_string(),
                    t(lang, tier.label_key()).to_string(),
                )
            })
            .collect();
        let mut password =
            FormField::text("password", "field.password", 128).for_field(Field::Password);
        password.text.masked = true;
        let mut again =
            FormField::text("again", "users.password_again", 128).for_field(Field::Password);
        again.text.masked = true;
        let mut form = Form::new(vec![
            FormField::choice("tier", "field.tier", tiers, false).for_field(Field::Tier),
            FormField::text("org_code", "field.org_code", 20).for_field(Field::OrgCode),
            FormField::text("org_name", "field.org_name", 40).for_field(Field::OrgName),
            FormField::text("parent", "field.parent_code", 20).for_field(Field::ParentCode),
            FormField::text("admin", "field.username", 32).for_field(Field::Username),
            password,
            again,
            FormField::text("admin_name", "users.real_name", 30).for_field(Field::Name),
        ]);
        form.set_value("admin", "admin");
        form.mark_saved();
        SetupWizard { form }
    }

    fn db_dir(env: &Env) -> std::path::PathBuf {
        env.db_path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Swaps the environment's database for the one just set up and returns to sign-in.
    fn done(env: &mut Env, store: crate::store::Store) -> Outcome {
        env.workstation = store.workstation().ok();
        env.tree = crate::store::orgs::tree(store.conn()).unwrap_or_default();
        env.store = store;
        Outcome::OpenInstead(Destination::Login)
    }

    fn demo(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let dir = Self::db_dir(env);
        let made =
            demo::setup(&dir, &env.db_path.clone(), &*env.clock).and_then(|(mut store, users)| {
                // Some people to look at straight away; G on the settings screen adds more.
                let first = users.first().ok_or(crate::app::AppError::NotFound {
                    what: "record.user",
                })?;
                let session = crate::app::Session {
                    username: first.username.clone(),
                    grants: first.grants.clone(),
                };
                let mut ctx = crate::app::Ctx::new(&mut store, session, &*env.clock)?;
                demo::generate(&mut ctx, DEMO_PERSONS, 1, &mut |_, _| true)?;
                Ok(store)
            });
        match made {
            Ok(store) => Self::done(env, store),
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }
}

impl FormPage for SetupWizard {
    fn page_title(&self, env: &Env) -> String {
        t(env.lang, "setup.title").to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn hint_key(&self) -> &'static str {
        "setup.hint"
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let code = self.form.value("org_code").trim().to_string();
        // A code of the district's tree fills in what the form left empty.
        if let Some(unit) = OrgTree::demo().get(&code).cloned() {
            if self.form.value("org_name").trim().is_empty() {
                self.form.set_value("org_name", &unit.name);
            }
            if self.form.value("parent").trim().is_empty() {
                if let Some(p) = &unit.parent {
                    self.form.set_value("parent", p);
                }
            }
        }
        let parent = self.form.value("parent");
        let params = match setup::validate_params(
            &self.form.choice("tier"),
            &code,
            &self.form.value("org_name"),
            Some(parent.trim()).filter(|p| !p.is_empty()),
            &self.form.value("admin"),
            false,
        )
        .and_then(|p| p.with_admin_name(&self.form.value("admin_name")))
        {
            Ok(p) => p,
            Err(e) => {
                self.form.show_error(&e, lang);
                return Outcome::None;
            }
        };
        let password = Zeroizing::new(self.form.value("password"));
        if *password != self.form.value("again") {
            return Outcome::Status(t(lang, "error.passwords_differ").into());
        }
        let dir = Self::db_dir(env);
        match setup::init(&dir, &env.db_path.clone(), &params, password, &*env.clock) {
            Ok(store) => {
                self.form.mark_saved();
                Self::done(env, store)
            }
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }
}

/// The wizard's own keys on top of the form's: Ctrl+D for a demo workstation.
pub struct SetupScreen(pub SetupWizard);

impl Screen for SetupScreen {
    fn title(&self, env: &Env) -> String {
        self.0.page_title(env)
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = form_screen::commands();
        c.push(Command::bar(
            &[Key {
                code: KeyCode::Char('d'),
                mods: KeyModifiers::CONTROL,
            }],
            Action::Step(DEMO),
            "cmd.setup_demo",
        ));
        c
    }

    fn text_focused(&self) -> bool {
        self.0.form().text_focused()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        if action == Action::Step(DEMO) {
            return self.0.demo(env);
        }
        Screen::on_action(&mut self.0, action, env)
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        Screen::on_key(&mut self.0, key, env)
    }

    fn render(&self, frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, env: &Env) {
        Screen::render(&self.0, frame, area, env);
    }

    fn cursor(&self, area: ratatui::layout::Rect, env: &Env) -> Option<ratatui::layout::Position> {
        Screen::cursor(&self.0, area, env)
    }
}
