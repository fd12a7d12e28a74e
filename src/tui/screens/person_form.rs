//! Creating and editing a person: the ID number is checked when the focus leaves it, and the
//! birth date and sex it holds are shown at once.

use chrono::NaiveDate;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::person_detail::PersonDetail;
use super::{Outcome, Screen};
use crate::app::{person, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::id_number::IdNumber;
use crate::domain::person::{parse_phone, Person, PersonDraft, ADDRESS_MAX, NAME_MAX};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};

fn check_name(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Name, v, NAME_MAX).map(|_| ())
}

fn check_id(v: &str, today: NaiveDate) -> Result<(), ValidationError> {
    if v.trim().is_empty() {
        return Ok(());
    }
    IdNumber::parse(v, today).map(|_| ())
}

fn check_phone(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    parse_phone(Field::Phone, v).map(|_| ())
}

fn check_guardian_phone(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    parse_phone(Field::GuardianPhone, v).map(|_| ())
}

/// The person form.
pub struct PersonForm {
    form: Form,
    /// The person being edited; `None` when creating.
    editing: Option<Person>,
    /// Created while choosing the person of a new clue: the clue form follows the save.
    for_clue: bool,
}

fn options(kind: ListKind, env: &Env) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
        .collect()
}

impl PersonForm {
    fn fields(env: &mut Env) -> Form {
        let communities: Vec<(String, String)> = env
            .ctx()
            .and_then(|ctx| person::hosted_communities(&ctx))
            .unwrap_or_default()
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect();
        let mut form = Form::new(vec![
            FormField::text("name", "field.name", NAME_MAX)
                .for_field(Field::Name)
                .checked(check_name),
            FormField::text("id_number", "field.id_number", 22)
                .for_field(Field::IdNumber)
                .checked(check_id),
            FormField::info("derived", "form.derived"),
            FormField::choice("community", "field.community", communities, false)
                .for_field(Field::Community),
            FormField::text("phone", "field.phone", 20)
                .for_field(Field::Phone)
                .checked(check_phone),
            FormField::text("address", "field.address", ADDRESS_MAX).for_field(Field::Address),
            FormField::yes_no("hukou_local", "field.hukou_local"),
            FormField::choice(
                "assistance_status",
                "field.assistance_status",
                options(ListKind::AssistanceStatus, env),
                false,
            )
            .for_field(Field::AssistanceStatus),
            FormField::text("assistance_certificate", "field.certificate_no", 40)
                .for_field(Field::CertificateNo),
            FormField::choice(
                "self_care",
                "field.self_care",
                options(ListKind::SelfCare, env),
                true,
            )
            .for_field(Field::SelfCare),
            FormField::yes_no("lives_alone", "field.lives_alone"),
            FormField::choice(
                "disability_type",
                "field.disability_type",
                options(ListKind::DisabilityType, env),
                true,
            )
            .for_field(Field::DisabilityType),
            FormField::choice(
                "disability_grade",
                "field.disability_grade",
                options(ListKind::DisabilityGrade, env),
                true,
            )
            .for_field(Field::DisabilityGrade),
            FormField::text("disability_cert", "field.disability_cert", 40)
                .for_field(Field::DisabilityCert),
            FormField::text("diseases", "field.diseases", 200).for_field(Field::Diseases),
            FormField::text("guardian_name", "field.guardian_name", NAME_MAX)
                .for_field(Field::GuardianName),
            FormField::text("guardian_phone", "field.guardian_phone", 20)
                .for_field(Field::GuardianPhone)
                .checked(check_guardian_phone),
            FormField::text("emergency_contact", "field.emergency_contact", 100)
                .for_field(Field::EmergencyContact),
            FormField::text("note", "field.note", crate::domain::person::NOTE_MAX)
                .for_field(Field::Note),
        ]);
        form.today = env.clock.today();
        form.set_choice("assistance_status", "none");
        form.set_yes("hukou_local", true);
        form
    }

    /// An empty form for a new person.
    pub fn create(env: &mut Env) -> PersonForm {
        let mut f = PersonForm {
            form: Self::fields(env),
            editing: None,
            for_clue: false,
        };
        f.update_derived(env);
        f
    }

    /// An empty form for a person met while recording a clue; saving goes on to the clue.
    pub fn create_for_clue(env: &mut Env) -> PersonForm {
        let mut f = Self::create(env);
        f.for_clue = true;
        f
    }

    /// The form filled with `p`.
    pub fn edit(env: &mut Env, p: &Person) -> PersonForm {
        let mut form = Self::fields(env);
        let f = &p.facts;
        form.set_value("name", &f.name);
        form.set_value(
            "id_number",
            f.id_number.as_ref().map(IdNumber::as_str).unwrap_or(""),
        );
        form.set_choice_labelled("community", &f.community, env.org_name(&f.community));
        for (id, v) in [
            ("phone", &f.phone),
            ("address", &f.address),
            ("assistance_certificate", &f.assistance_certificate),
            ("disability_cert", &f.disability_cert),
            ("diseases", &f.diseases),
            ("guardian_name", &f.guardian_name),
            ("guardian_phone", &f.guardian_phone),
            ("emergency_contact", &f.emergency_contact),
            ("note", &f.note),
        ] {
            form.set_value(id, v.as_deref().unwrap_or(""));
        }
        form.set_yes("hukou_local", f.hukou_local);
        form.set_yes("lives_alone", f.lives_alone);
        form.set_choice("assistance_status", &f.assistance_status);
        for (id, v) in [
            ("self_care", &f.self_care),
            ("disability_type", &f.disability_type),
            ("disability_grade", &f.disability_grade),
        ] {
            if let Some(code) = v {
                form.set_choice(id, code);
            }
        }
        let mut pf = PersonForm {
            form,
            editing: Some(p.clone()),
            for_clue: false,
        };
        pf.update_derived(env);
        pf.form.mark_saved();
        pf
    }

    /// Shows the birth date and sex an ID number holds, or that none is given.
    fn update_derived(&mut self, env: &Env) {
        let lang = env.lang;
        let v = self.form.value("id_number");
        let text = if v.trim().is_empty() {
            t(lang, "form.no_id_flag").to_string()
        } else {
            match IdNumber::parse(&v, env.clock.today()) {
                Ok(id) => tf(
                    lang,
                    "form.derived_value",
                    &[
                        ("birth", &id.birth_date().format("%Y-%m-%d").to_string()),
                        ("sex", t(lang, id.sex().label_key())),
                        ("age", &id.age_on(env.clock.today()).to_string()),
                    ],
                ),
                Err(_) => String::new(),
            }
        };
        self.form.set_value("derived", &text);
    }

    fn draft(&self) -> PersonDraft {
        let f = &self.form;
        PersonDraft {
            name: f.value("name"),
            id_number: f.value("id_number"),
            phone: f.value("phone"),
            address: f.value("address"),
            community: f.choice("community"),
            hukou_local: f.yes("hukou_local"),
            assistance_status: f.choice("assistance_status"),
            assistance_certificate: f.value("assistance_certificate"),
            self_care: f.choice("self_care"),
            disability_type: f.choice("disability_type"),
            disability_grade: f.choice("disability_grade"),
            disability_cert: f.value("disability_cert"),
            diseases: f.value("diseases"),
            lives_alone: f.yes("lives_alone"),
            guardian_name: f.value("guardian_name"),
            guardian_phone: f.value("guardian_phone"),
            emergency_contact: f.value("emergency_contact"),
            note: f.value("note"),
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let draft = self.draft();
        let result = match env.ctx() {
            Ok(mut ctx) => match &self.editing {
                None => person::create(&mut ctx, &draft),
                Some(p) => {
                    person::update(&mut ctx, &p.meta.id, p.meta.version, &draft).map(|p| p.meta.id)
                }
            },
            Err(e) => Err(e),
        };
        match result {
            Ok(id) => {
                self.form.mark_saved();
                env.reload_index();
                if self.editing.is_some() {
                    return Outcome::Pop;
                }
                if self.for_clue {
                    let name = draft.name.trim().to_string();
                    return Outcome::Replace(Box::new(super::clue_form::ClueForm::new(
                        env, &id, &name,
                    )));
                }
                match PersonDetail::load(env, &id) {
                    Ok(d) => Outcome::Replace(Box::new(d)),
                    Err(msg) => Outcome::Status(msg),
                }
            }
            Err(AppError::Validation(e)) => {
                self.form.show_error(&e, lang);
                Outcome::Status(e.localize(lang))
            }
            Err(e @ AppError::DuplicateIdNumber { .. }) => {
                if let Some(f) = self.form.field_mut("id_number") {
                    f.error = Some(e.localize(lang));
                }
                Outcome::Status(e.localize(lang))
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                e.localize(lang),
            )),
        }
    }
}

impl Screen for PersonForm {
    fn title(&self, env: &Env) -> String {
        match &self.editing {
            None => t(env.lang, "form.new_person").to_string(),
            Some(p) => tf(
                env.lang,
                "form.edit_person",
                &[("name", &crate::tui::text::safe(&p.facts.name))],
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
        let lang = env.lang;
        let left = self.form.focus;
        match action {
            Action::Save => return self.save(env),
            Action::NextField => self.form.next(lang),
            Action::PrevField => self.form.prev(lang),
            _ => {}
        }
        self.update_derived(env);
        // The row beside a field may cut a long reason: the status line shows it whole.
        match self
            .form
            .fields
            .get(left)
            .and_then(|f| f.error.as_ref().map(|e| (f.label, e)))
        {
            Some((label, e)) => Outcome::Status(tf(
                lang,
                "error.validation",
                &[("field", t(lang, label)), ("reason", e)],
            )),
            None => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        self.form.handle(key);
        if self
            .form
            .fields
            .get(self.form.focus)
            .is_some_and(|f| f.id == "id_number")
        {
            self.update_derived(env);
        }
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let hint = Rect::new(area.x, area.y, area.width, 1);
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", t(env.lang, "form.hint")),
                env.theme.hint,
            )),
            hint,
        );
        self.form.render(frame, Self::body(area), env);
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        self.form.cursor(Self::body(area))
    }
}

impl PersonForm {
    fn body(area: Rect) -> Rect {
        Rect::new(
            area.x + 1,
            area.y + 1,
            area.width.saturating_sub(1),
            area.height.saturating_sub(1),
        )
    }
}
