//! Recording a clue about a person (主动发现), and the one-line notes its steps ask for.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::Frame;

use crate::app::clue::{self, ClueDraft};
use crate::app::AppError;
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::parse_date;
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::destination::ClueStep as Step;
use crate::tui::screens::form_page::FormPage;
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

fn check_difficulty(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Difficulty, v, 500).map(|_| ())
}

fn options(kind: ListKind, env: &Env) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
        .collect()
}

fn error_outcome(form: &mut Form, e: AppError, env: &Env) -> Outcome {
    let lang = env.lang;
    match e {
        AppError::Validation(v) => {
            form.show_error(&v, lang);
            Outcome::Status(v.localize(lang))
        }
        other => Outcome::Dialog(Dialog::error(
            t(lang, "dialog.error_title").to_string(),
            other.localize(lang),
        )),
    }
}

/// The form that records a clue.
pub struct ClueForm {
    person_id: String,
    person_name: String,
    form: Form,
}

impl ClueForm {
    /// A new clue about `person_id`.
    pub fn new(env: &Env, person_id: &str, person_name: &str) -> ClueForm {
        let mut form = Form::new(vec![
            FormField::text("difficulty", "field.difficulty", 500)
                .for_field(Field::Difficulty)
                .checked(check_difficulty),
            FormField::multi(
                "key_groups",
                "field.key_group",
                options(ListKind::KeyGroup, env),
            )
            .for_field(Field::KeyGroup),
            FormField::choice(
                "source",
                "field.source",
                options(ListKind::ClueSource, env),
                false,
            )
            .for_field(Field::Source),
            FormField::text("reporter", "field.reporter", 50).for_field(Field::Reporter),
            FormField::date("found_on", "clues.found_on").for_field(Field::Date),
        ]);
        form.today = env.clock.today();
        form.set_value(
            "found_on",
            &env.clock.today().format("%Y-%m-%d").to_string(),
        );
        form.mark_saved();
        ClueForm {
            person_id: person_id.to_string(),
            person_name: person_name.to_string(),
            form,
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let found_on = parse_date(Field::Date, &self.form.value("found_on"))
            .ok()
            .flatten();
        let draft = ClueDraft {
            person_id: self.person_id.clone(),
            difficulty: self.form.value("difficulty"),
            key_groups: self.form.multi("key_groups"),
            source: self.form.choice("source"),
            reporter: self.form.value("reporter"),
            found_on,
        };
        let result = env.ctx().and_then(|mut ctx| clue::record(&mut ctx, &draft));
        match result {
            Ok(id) => {
                self.form.mark_saved();
                Outcome::OpenInstead(Destination::ClueDetail { id })
            }
            Err(e) => error_outcome(&mut self.form, e, env),
        }
    }
}

impl FormPage for ClueForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "clues.new_title",
            &[("name", &safe(&self.person_name))],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        ClueForm::save(self, env)
    }
}

/// The one-field form of a clue step.
pub struct StepForm {
    clue_id: String,
    step: Step,
    form: Form,
}

impl StepForm {
    /// The form of `step` on clue `clue_id`.
    pub fn new(clue_id: &str, step: Step) -> StepForm {
        let (label, field) = match step {
            Step::Withdraw => ("field.reason", Field::Reason),
            _ => ("field.note", Field::Note),
        };
        let mut f = FormField::text("text", label, 1000).for_field(field);
        if step != Step::VerifyReal {
            f = f.checked(if step == Step::Withdraw {
                required_reason
            } else {
                required_note
            });
        }
        let mut fields = vec![f];
        if step == Step::VerifyReal {
            // The plan: a clue found real is reported to the subdistrict at once (立即上报).
            fields.push(FormField::yes_no("report_now", "clues.report_now"));
        }
        let mut form = Form::new(fields);
        form.set_yes("report_now", true);
        form.mark_saved();
        StepForm {
            clue_id: clue_id.to_string(),
            step,
            form,
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let text = self.form.value("text");
        let report_now = self.form.yes("report_now");
        let (id, step) = (self.clue_id.clone(), self.step);
        let result = env.ctx().and_then(|mut ctx| match step {
            Step::VerifyReal => {
                let verified = clue::verify(&mut ctx, &id, true, &text)?;
                if report_now {
                    clue::report(&mut ctx, &id)?;
                }
                Ok(verified)
            }
            Step::VerifyUnfounded => clue::verify(&mut ctx, &id, false, &text),
            Step::Withdraw => clue::withdraw(&mut ctx, &id, &text),
        });
        match result {
            Ok(_) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(e) => error_outcome(&mut self.form, e, env),
        }
    }
}

fn required_note(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Note, v, 1000).map(|_| ())
}

fn required_reason(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Reason, v, 200).map(|_| ())
}

impl Screen for StepForm {
    fn title(&self, env: &Env) -> String {
        let key = match self.step {
            Step::VerifyReal => "clues.step_real",
            Step::VerifyUnfounded => "clues.step_unfounded",
            Step::Withdraw => "clues.step_withdraw",
        };
        t(env.lang, key).to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(
                &[Key::ctrl('s'), Key::plain(KeyCode::Enter)],
                Action::Save,
                "cmd.save",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ]
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn unsaved(&self) -> bool {
        self.form.changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
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
        self.form.render(frame, form_screen::body(area), env);
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        form_screen::cursor(&self.form, area)
    }
}
