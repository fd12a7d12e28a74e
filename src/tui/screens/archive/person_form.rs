//! Creating and editing a person: the ID number is checked when the focus leaves it, and the
//! birth date and sex it holds are shown at once. A new person is checked at the door before
//! saving: an ID number on record offers to open its holder, and people alike (a similar name
//! with the same birth date or phone in the same community) are listed to open one of them or
//! to save anyway with a deliberate key.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::app::person::Candidate;
use crate::app::{person, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::id_number::IdNumber;
use crate::domain::person::{parse_phone, Person, PersonDraft, ADDRESS_MAX, NAME_MAX};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};
use crate::tui::widgets::table::{column_widths, row_line};

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

/// Dialog tag: open the person who already holds the typed ID number.
const ASK_OPEN_EXISTING: u32 = 1;

/// The people a new person may duplicate, shown over the form before it is saved.
struct DupPanel {
    candidates: Vec<Candidate>,
    selected: usize,
}

/// The person form.
pub struct PersonForm {
    form: Form,
    /// The person being edited; `None` when creating.
    editing: Option<Person>,
    /// Created while choosing the person of a new clue: the clue form follows the save.
    for_clue: bool,
    /// Possible duplicates found when saving a new person; shown until answered.
    dups: Option<DupPanel>,
    /// The record holding the typed ID number, while the offer to open it is asked.
    existing: Option<String>,
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
            // What a clerk fills in for everyone first: where the person lives and their
            // 救助身份; the community is already the clerk's own.
            FormField::text("address", "field.address", ADDRESS_MAX).for_field(Field::Address),
            FormField::choice(
                "assistance_status",
                "field.assistance_status",
                options(ListKind::AssistanceStatus, env),
                false,
            )
            .for_field(Field::AssistanceStatus),
            FormField::choice("community", "field.community", communities, false)
                .for_field(Field::Community),
            FormField::text("phone", "field.phone", 20)
                .for_field(Field::Phone)
                .checked(check_phone),
            FormField::yes_no("hukou_local", "field.hukou_local"),
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
            FormField::choice(
                "guardian_status",
                "field.guardian_status",
                options(ListKind::GuardianStatus, env),
                true,
            )
            .for_field(Field::GuardianStatus),
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
            dups: None,
            existing: None,
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

    /// The form with the name already filled in (the name typed in the person search, so
    /// that it is not typed twice).
    pub fn with_name(mut self, env: &mut Env, name: &str) -> PersonForm {
        self.form.set_value("name", name.trim());
        self.update_derived(env);
        self
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
        if let Some(g) = &f.guardian_status {
            form.set_choice("guardian_status", g);
        }
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
            dups: None,
            existing: None,
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
            guardian_status: f.choice("guardian_status"),
            emergency_contact: f.value("emergency_contact"),
            note: f.value("note"),
        }
    }

    /// Ctrl+S: a new person is checked at the door first; `anyway` saves after the user saw
    /// the possible duplicates and said none of them is this person.
    fn save(&mut self, env: &mut Env, anyway: bool) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let draft = self.draft();
        if self.editing.is_none() && !anyway {
            let found = env
                .ctx()
                .and_then(|ctx| person::possible_duplicates(&ctx, &draft));
            match found {
                Ok(c) if c.is_empty() => {}
                Ok(candidates) => {
                    self.dups = Some(DupPanel {
                        candidates,
                        selected: 0,
                    });
                    return Outcome::None;
                }
                Err(AppError::DuplicateIdNumber { existing_id }) => {
                    return self.offer_existing(env, existing_id)
                }
                Err(e) => return self.refused(e, lang),
            }
        }
        self.dups = None;
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
                    return Outcome::OpenInstead(Destination::NewClue {
                        person_id: id,
                        person_name: name,
                    });
                }
                Outcome::OpenInstead(Destination::PersonFile { id })
            }
            Err(AppError::DuplicateIdNumber { existing_id }) if self.editing.is_none() => {
                self.offer_existing(env, existing_id)
            }
            Err(e) => self.refused(e, lang),
        }
    }

    /// Shows a refusal: beside its field when it names one, else in a dialog.
    fn refused(&mut self, e: AppError, lang: crate::i18n::Lang) -> Outcome {
        match e {
            AppError::Validation(e) => {
                self.form.show_error(&e, lang);
                Outcome::Status(e.localize(lang))
            }
            e @ AppError::DuplicateIdNumber { .. } => {
                if let Some(f) = self.form.field_mut("id_number") {
                    f.error = Some(e.localize(lang));
                }
                Outcome::Status(e.localize(lang))
            }
            e => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                e.localize(lang),
            )),
        }
    }

    /// The typed ID number is on record: says whose, beside the field, and offers to open
    /// them (a person the user may not see is only named as existing).
    fn offer_existing(&mut self, env: &mut Env, existing_id: String) -> Outcome {
        let lang = env.lang;
        let refusal = AppError::DuplicateIdNumber {
            existing_id: existing_id.clone(),
        };
        let holder = env.ctx().and_then(|ctx| person::get(&ctx, &existing_id));
        let holder = match holder {
            Ok(p) => p,
            Err(_) => return self.refused(refusal, lang),
        };
        if let Some(f) = self.form.field_mut("id_number") {
            f.error = Some(refusal.localize(lang));
        }
        self.existing = Some(existing_id);
        Outcome::Dialog(Dialog::confirm(
            t(lang, "dup.existing_title").to_string(),
            tf(
                lang,
                "dup.existing_text",
                &[
                    ("name", &safe(&holder.facts.name)),
                    ("community", &safe(env.org_name(&holder.facts.community))),
                    ("status", t(lang, holder.status.label_key())),
                ],
            ),
            Purpose::Screen(ASK_OPEN_EXISTING),
        ))
    }

    /// The candidate under the selection.
    fn selected_candidate(&self) -> Option<&Candidate> {
        self.dups
            .as_ref()
            .and_then(|d| d.candidates.get(d.selected))
    }

    fn render_dups(&self, frame: &mut Frame<'_>, area: Rect, env: &Env, panel: &DupPanel) {
        let lang = env.lang;
        let rows = panel
            .candidates
            .len()
            .min(usize::from(area.height.saturating_sub(8)));
        let h = (rows as u16 + 7).min(area.height);
        let rect = Rect::new(area.x, area.y + 1, area.width, h);
        let headers: Vec<String> = [
            "dup.col_name",
            "dup.col_id",
            "dup.col_birth",
            "dup.col_phone",
            "dup.col_community",
            "dup.col_alike",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let none = t(lang, "form.none").to_string();
        let top = (panel.selected / rows.max(1)) * rows.max(1);
        let cells: Vec<Vec<Line<'static>>> = panel
            .candidates
            .iter()
            .skip(top)
            .take(rows)
            .map(|c| {
                let f = &c.person.facts;
                let mut alike = Vec::new();
                if c.same_birth_date {
                    alike.push(t(lang, "dup.same_birth"));
                }
                if c.same_phone {
                    alike.push(t(lang, "dup.same_phone"));
                }
                vec![
                    Line::from(safe(&f.name)),
                    Line::from(
                        f.id_number
                            .as_ref()
                            .map(IdNumber::masked)
                            .unwrap_or_else(|| t(lang, "find.no_id").to_string()),
                    ),
                    Line::from(
                        f.birth_date
                            .map(|d| d.format("%Y-%m-%d").to_string())
                            .unwrap_or_else(|| none.clone()),
                    ),
                    Line::from(f.phone.as_deref().map(safe).unwrap_or_else(|| none.clone())),
                    Line::from(safe(env.org_name(&f.community))),
                    Line::from(alike.join(t(lang, "form.list_separator"))),
                ]
            })
            .collect();
        let inner_w = rect.width.saturating_sub(4) as usize;
        let widths = column_widths(&headers, &cells, inner_w, 4);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut lines = vec![
            Line::styled(
                tf(
                    lang,
                    "dup.intro",
                    &[("n", &panel.candidates.len().to_string())],
                ),
                env.theme.hint,
            ),
            Line::from(""),
        ];
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        lines.push(header);
        for (n, row) in cells.iter().enumerate() {
            let selected = top + n == panel.selected;
            let style = if selected {
                env.theme.selected
            } else {
                Style::default()
            };
            let mut l = row_line(row, &widths, style);
            let marker = if selected { env.symbols.marker } else { " " };
            l.spans.insert(0, Span::raw(format!("{marker} ")));
            lines.push(l);
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(t(lang, "dup.keys"), env.theme.hint));
        frame.render_widget(Clear, crate::tui::widgets::dialog::clear_area(rect, area));
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_set(env.symbols.border)
                    .title(Line::styled(
                        format!(" {} ", t(lang, "dup.title")),
                        env.theme.title,
                    )),
            ),
            rect,
        );
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
        if self.dups.is_some() {
            return vec![
                Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "cmd.open_dup"),
                Command::bar(&[Key::ch('n')], Action::Step(0), "cmd.save_anyway"),
                Command::bar(
                    &[Key::plain(KeyCode::Esc)],
                    Action::Step(1),
                    "cmd.back_to_form",
                ),
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
            ];
        }
        form_screen::commands()
    }

    fn text_focused(&self) -> bool {
        self.dups.is_none() && self.form.text_focused()
    }

    fn unsaved(&self) -> bool {
        self.form.changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if let Some(panel) = self.dups.as_mut() {
            let last = panel.candidates.len().saturating_sub(1);
            match action {
                Action::Up => panel.selected = panel.selected.saturating_sub(1),
                Action::Down => panel.selected = (panel.selected + 1).min(last),
                // The form stays below with what was typed: back from the file, the list
                // is still there to answer.
                Action::Open => {
                    let Some(id) = self.selected_candidate().map(|c| c.person.meta.id.clone())
                    else {
                        return Outcome::None;
                    };
                    return Outcome::Open(Destination::PersonFile { id });
                }
                Action::Step(0) => return self.save(env, true),
                Action::Step(1) => self.dups = None,
                _ => {}
            }
            return Outcome::None;
        }
        let left = self.form.focus;
        match action {
            Action::Save => return self.save(env, false),
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

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        let existing = self.existing.take();
        match (answer.purpose, answer.yes, existing) {
            (Purpose::Screen(ASK_OPEN_EXISTING), true, Some(id)) => {
                // The person is on record: their file replaces the form — or, while recording
                // a clue, the clue form for them.
                if self.for_clue {
                    let name = env
                        .ctx()
                        .and_then(|ctx| person::get(&ctx, &id))
                        .map(|p| p.facts.name)
                        .unwrap_or_default();
                    self.form.mark_saved();
                    return Outcome::OpenInstead(Destination::NewClue {
                        person_id: id,
                        person_name: name,
                    });
                }
                // The file replaces the form, which goes with it; should the file not load
                // (outside the user's area), the form stays, unsaved, under the status line.
                Outcome::OpenInstead(Destination::PersonFile { id })
            }
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        if self.dups.is_some() {
            return Outcome::None;
        }
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
        if let Some(panel) = &self.dups {
            self.render_dups(frame, area, env, panel);
        }
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        if self.dups.is_some() {
            return None;
        }
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
