//! A screen that is one form: the form's keys, rendering and cursor come from here, so each
//! form screen says only what it saves and how it is titled.

use ratatui::layout::{Position, Rect};
use ratatui::Frame;

use super::{Outcome, Screen};
use crate::app::AppError;
use crate::i18n::{t, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::widgets::dialog::{Answer, Dialog};
use crate::tui::widgets::form::{screen as form_screen, Form};

/// What a form's save led to: saved, the form closes; a refusal of a field stands beside
/// that field and in the status line; any other error in a dialog.
pub fn saved_or_refused<T>(form: &mut Form, result: Result<T, AppError>, env: &Env) -> Outcome {
    let lang = env.lang;
    match result {
        Ok(_) => {
            form.mark_saved();
            Outcome::Pop
        }
        Err(AppError::Validation(v)) => {
            form.show_error(&v, lang);
            Outcome::Status(v.localize(lang))
        }
        Err(e) => Outcome::Dialog(Dialog::error(
            t(lang, "dialog.error_title").into(),
            e.localize(lang),
        )),
    }
}

/// What a one-form screen supplies; [`Screen`] follows from it.
pub trait FormPage {
    /// The title above the form.
    fn page_title(&self, env: &Env) -> String;

    /// The form.
    fn form(&self) -> &Form;

    /// The form, to change.
    fn form_mut(&mut self) -> &mut Form;

    /// Ctrl+S: saves, and says where to go.
    fn save(&mut self, env: &mut Env) -> Outcome;

    /// String-table key of the hint line above the form.
    fn hint_key(&self) -> &'static str {
        "form.hint"
    }

    /// Tab, before it moves on: true when the form used it (a path completed in place).
    fn next_field(&mut self, _env: &mut Env) -> bool {
        false
    }

    /// The answer to a dialog the form opened.
    fn answered(&mut self, _answer: Answer, _env: &mut Env) -> Outcome {
        Outcome::None
    }
}

impl<T: FormPage> Screen for T {
    fn title(&self, env: &Env) -> String {
        self.page_title(env)
    }

    fn commands(&self) -> Vec<Command> {
        form_screen::commands()
    }

    fn text_focused(&self) -> bool {
        self.form().text_focused()
    }

    fn unsaved(&self) -> bool {
        self.form().changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        if action == Action::NextField && self.next_field(env) {
            return Outcome::None;
        }
        if form_screen::navigate(self.form_mut(), action, env.lang) {
            return Outcome::None;
        }
        match action {
            Action::Save => self.save(env),
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form_mut().handle(key);
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        self.answered(answer, env)
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        form_screen::render(self.form(), frame, area, env, self.hint_key());
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        form_screen::cursor(self.form(), area)
    }
}
