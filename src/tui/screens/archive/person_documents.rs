//! The 档案材料 tab of a person's file: the document checklist with each filed scan, the forms
//! the program makes, and the forms to file and withdraw a scan.

use std::path::PathBuf;

use crossterm::event::KeyCode;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::document::{self, ChecklistLine};
use crate::app::AppError;
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::document::{Document, DocumentWaiver};
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::FormPage;
use crate::tui::screens::Outcome;
use crate::tui::text::{fit, safe};
use crate::tui::viewer;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{Form, FormField};

/// Steps of the tab (distinct from the person screen's own).
pub const STEP_ATTACH: u8 = 21;
/// Withdraw the selected scan (or 不适用).
pub const STEP_WITHDRAW: u8 = 22;
/// Mark the selected missing document 不适用, with a reason.
pub const STEP_WAIVE: u8 = 23;

/// One selectable row.
#[derive(Debug, Clone)]
enum DocRow {
    /// A kind with nothing filed.
    Missing(String),
    /// A filed scan.
    Filed(Box<Document>),
    /// A form the program makes, from line `usize` of the checklist.
    Generated(usize),
    /// Marked 不适用 (line `usize` of the checklist holds the record).
    Waived(usize),
}

impl DocRow {
    fn kind(&self, lines: &[ChecklistLine]) -> String {
        match self {
            DocRow::Missing(k) => k.clone(),
            DocRow::Filed(d) => d.kind.clone(),
            DocRow::Generated(i) | DocRow::Waived(i) => {
                lines.get(*i).map(|l| l.kind.clone()).unwrap_or_default()
            }
        }
    }
}

/// The checklist of one person.
pub struct DocumentsTab {
    person_id: String,
    lines: Vec<ChecklistLine>,
    rows: Vec<DocRow>,
    selected: usize,
    /// The session may file and withdraw scans (and open them: a scan cannot be masked).
    may_edit: bool,
}

impl DocumentsTab {
    /// Loads person `person_id`'s checklist; `may_edit`: the session may edit the person.
    pub fn load(env: &mut Env, person_id: &str, may_edit: bool) -> Result<DocumentsTab, String> {
        let lang = env.lang;
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let lines = document::checklist(&ctx, person_id).map_err(|e| e.localize(lang))?;
        let mut rows = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if l.generated_from.is_some() {
                rows.push(DocRow::Generated(i));
            }
            rows.extend(
                l.documents
                    .iter()
                    .cloned()
                    .map(|d| DocRow::Filed(Box::new(d))),
            );
            if l.waiver.is_some() {
                rows.push(DocRow::Waived(i));
            }
            if !l.complete() {
                rows.push(DocRow::Missing(l.kind.clone()));
            }
        }
        Ok(DocumentsTab {
            person_id: person_id.to_string(),
            lines,
            rows,
            selected: 0,
            may_edit,
        })
    }

    /// Kinds filed or generated, of all kinds: (done, total).
    pub fn progress(&self) -> (usize, usize) {
        (
            self.lines.iter().filter(|l| l.complete()).count(),
            self.lines.len(),
        )
    }

    /// Keeps the selection after a reload.
    pub fn keep_selection(&mut self, selected: usize) {
        self.selected = selected.min(self.rows.len().saturating_sub(1));
    }

    /// The selected row.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The tab's commands: filing and withdrawing only for whom may edit the person.
    pub fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "documents.open",
        )];
        if self.may_edit {
            c.push(Command::bar(
                &[Key::ch('a')],
                Action::Step(STEP_ATTACH),
                "documents.attach",
            ));
            c.push(Command::bar(
                &[Key::ch('w')],
                Action::Step(STEP_WITHDRAW),
                "documents.withdraw",
            ));
            c.push(Command::bar(
                &[Key::ch('u')],
                Action::Step(STEP_WAIVE),
                "documents.waive",
            ));
        }
        c.extend([
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
        ]);
        c
    }

    /// Handles the tab's actions.
    pub fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        match action {
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::None
            }
            Action::Down => {
                if self.selected + 1 < self.rows.len() {
                    self.selected += 1;
                }
                Outcome::None
            }
            Action::Step(STEP_ATTACH | STEP_WITHDRAW | STEP_WAIVE) if !self.may_edit => {
                Outcome::None
            }
            Action::Step(STEP_WAIVE) => match self.rows.get(self.selected) {
                Some(DocRow::Missing(kind)) => {
                    Outcome::Push(Box::new(DocumentForm::waive(env, &self.person_id, kind)))
                }
                _ => Outcome::Status(t(lang, "documents.waive_missing_only").to_string()),
            },
            Action::Step(STEP_ATTACH) => {
                let kind = self
                    .rows
                    .get(self.selected)
                    .map(|r| r.kind(&self.lines))
                    .unwrap_or_default();
                Outcome::Push(Box::new(DocumentForm::attach(env, &self.person_id, &kind)))
            }
            Action::Step(STEP_WITHDRAW) => match self.rows.get(self.selected) {
                Some(DocRow::Filed(d)) => Outcome::Push(Box::new(DocumentForm::withdraw(d))),
                Some(DocRow::Waived(i)) => {
                    match self.lines.get(*i).and_then(|l| l.waiver.clone()) {
                        Some(w) => Outcome::Push(Box::new(DocumentForm::withdraw_waiver(env, &w))),
                        None => Outcome::None,
                    }
                }
                _ => Outcome::Status(t(lang, "documents.nothing_to_withdraw").to_string()),
            },
            Action::Open => {
                let result = match self.rows.get(self.selected).cloned() {
                    Some(DocRow::Filed(d)) => env
                        .ctx()
                        .and_then(|mut ctx| document::export(&mut ctx, &d.meta.id)),
                    Some(DocRow::Generated(i)) => match self.lines.get(i).cloned() {
                        Some(line) => env
                            .ctx()
                            .and_then(|mut ctx| document::generate(&mut ctx, &line, lang)),
                        None => return Outcome::None,
                    },
                    Some(DocRow::Missing(_) | DocRow::Waived(_)) if !self.may_edit => {
                        return Outcome::None
                    }
                    Some(DocRow::Waived(_)) => return Outcome::None,
                    Some(DocRow::Missing(kind)) => {
                        return Outcome::Push(Box::new(DocumentForm::attach(
                            env,
                            &self.person_id,
                            &kind,
                        )))
                    }
                    None => return Outcome::None,
                };
                opened(lang, result)
            }
            _ => Outcome::None,
        }
    }

    /// Draws the checklist.
    pub fn lines(&self, env: &Env, height: usize) -> Vec<Line<'static>> {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let (done, total) = self.progress();
        let mut out = vec![Line::styled(
            tf(
                lang,
                if self.may_edit {
                    "documents.summary"
                } else {
                    "documents.summary_view"
                },
                &[("done", &done.to_string()), ("total", &total.to_string())],
            ),
            env.theme.hint,
        )];
        let room = height.saturating_sub(1).max(1);
        let top = (self.selected / room) * room;
        for (i, row) in self.rows.iter().enumerate().skip(top).take(room) {
            let kind = row.kind(&self.lines);
            let label = fit(cat.label(ListKind::DocumentKind, &kind, lang), 20);
            let (mark, text, style) = match row {
                DocRow::Missing(_) => (
                    t(lang, "documents.mark_missing"),
                    t(lang, "documents.missing").to_string(),
                    env.theme.error,
                ),
                DocRow::Filed(d) => (
                    t(lang, "documents.mark_filed"),
                    tf(
                        lang,
                        "documents.filed",
                        &[
                            ("file", &safe(&d.file_name)),
                            ("size", &size_text(d.size)),
                            ("date", &crate::app::clock::show_day(&d.meta.created_at)),
                        ],
                    ),
                    Style::default(),
                ),
                DocRow::Generated(_) => (
                    t(lang, "documents.mark_filed"),
                    t(lang, "documents.generated").to_string(),
                    Style::default(),
                ),
                DocRow::Waived(i) => (
                    t(lang, "documents.mark_filed"),
                    tf(
                        lang,
                        "documents.waived",
                        &[(
                            "reason",
                            &self
                                .lines
                                .get(*i)
                                .and_then(|l| l.waiver.as_ref())
                                .map(|w| safe(&w.reason))
                                .unwrap_or_default(),
                        )],
                    ),
                    Style::default(),
                ),
            };
            let selected = i == self.selected;
            let marker = if selected {
                format!("{} ", env.symbols.marker)
            } else {
                "  ".to_string()
            };
            let style = if selected { env.theme.selected } else { style };
            out.push(Line::from(vec![
                Span::raw(marker),
                Span::styled(format!("{mark} {label} {text}"), style),
            ]));
        }
        out
    }
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The message after a document was written out: the path, and whether a viewer opened it.
fn opened(lang: Lang, result: Result<PathBuf, AppError>) -> Outcome {
    match result {
        Ok(path) => {
            let shown = safe(&path.display().to_string());
            let key = if viewer::open(&path) {
                "documents.opened"
            } else {
                "documents.written"
            };
            Outcome::Dialog(Dialog::message(
                t(lang, "dialog.done_title").into(),
                tf(lang, key, &[("path", &shown)]),
            ))
        }
        Err(e) => Outcome::Dialog(Dialog::error(
            t(lang, "dialog.error_title").into(),
            e.localize(lang),
        )),
    }
}

/// Which document form.
enum Kind {
    /// File a scan for person (id).
    Attach(String),
    /// Withdraw document (id).
    Withdraw(String),
    /// Mark a document of kind (.1) 不适用 for person (.0).
    Waive(String, String),
    /// Withdraw the 不适用 (id).
    WithdrawWaiver(String),
}

/// Filing or withdrawing a scan.
pub struct DocumentForm {
    kind: Kind,
    form: Form,
}

impl DocumentForm {
    /// Files a scan of `kind` (preselected) for `person_id`.
    pub fn attach(env: &Env, person_id: &str, kind: &str) -> DocumentForm {
        let options = Catalogue::builtin()
            .entries(ListKind::DocumentKind)
            .iter()
            .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
            .collect();
        // The kind comes chosen from the checklist's line: the path is what is typed.
        let mut form = Form::new(vec![
            FormField::text("path", "documents.path", 500).for_field(Field::File),
            FormField::choice("kind", "field.document_kind", options, false)
                .for_field(Field::DocumentKind),
        ]);
        if !kind.is_empty() {
            form.set_choice("kind", kind);
        }
        form.mark_saved();
        DocumentForm {
            kind: Kind::Attach(person_id.to_string()),
            form,
        }
    }

    /// Withdraws `d` with a reason.
    pub fn withdraw(d: &Document) -> DocumentForm {
        let mut form = Form::new(vec![
            FormField::info("file", "field.file"),
            FormField::text("reason", "field.reason", 200).for_field(Field::Reason),
        ]);
        form.set_value("file", &safe(&d.file_name));
        form.mark_saved();
        DocumentForm {
            kind: Kind::Withdraw(d.meta.id.clone()),
            form,
        }
    }

    /// Marks `kind` 不适用 for `person_id`, with a reason.
    pub fn waive(env: &Env, person_id: &str, kind: &str) -> DocumentForm {
        let mut form = Form::new(vec![
            FormField::info("kind", "field.document_kind"),
            FormField::text("reason", "documents.waive_reason", 200).for_field(Field::Reason),
        ]);
        form.set_value(
            "kind",
            Catalogue::builtin().label(ListKind::DocumentKind, kind, env.lang),
        );
        form.mark_saved();
        DocumentForm {
            kind: Kind::Waive(person_id.to_string(), kind.to_string()),
            form,
        }
    }

    /// Withdraws the 不适用 `w` with a reason.
    pub fn withdraw_waiver(env: &Env, w: &DocumentWaiver) -> DocumentForm {
        let mut form = Form::new(vec![
            FormField::info("kind", "field.document_kind"),
            FormField::text("reason", "field.reason", 200).for_field(Field::Reason),
        ]);
        form.set_value(
            "kind",
            Catalogue::builtin().label(ListKind::DocumentKind, &w.kind, env.lang),
        );
        form.mark_saved();
        DocumentForm {
            kind: Kind::WithdrawWaiver(w.meta.id.clone()),
            form,
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let result = match &self.kind {
            Kind::Waive(person, kind) => {
                let (person, kind) = (person.clone(), kind.clone());
                let reason = self.form.value("reason");
                env.ctx()
                    .and_then(|mut ctx| document::waive(&mut ctx, &person, &kind, &reason))
                    .map(|_| ())
            }
            Kind::WithdrawWaiver(id) => {
                let (id, reason) = (id.clone(), self.form.value("reason"));
                env.ctx()
                    .and_then(|mut ctx| document::withdraw_waiver(&mut ctx, &id, &reason))
                    .map(|_| ())
            }
            Kind::Attach(person) => {
                let (person, kind) = (person.clone(), self.form.choice("kind"));
                let path = PathBuf::from(self.form.value("path").trim());
                env.ctx()
                    .and_then(|mut ctx| document::attach(&mut ctx, &person, &kind, &path))
                    .map(|_| ())
            }
            Kind::Withdraw(id) => {
                let (id, reason) = (id.clone(), self.form.value("reason"));
                env.ctx()
                    .and_then(|mut ctx| document::withdraw(&mut ctx, &id, &reason))
                    .map(|_| ())
            }
        };
        match result {
            Ok(()) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(AppError::Validation(v)) => {
                self.form.show_error(&v, lang);
                Outcome::Status(v.localize(lang))
            }
            Err(AppError::Store(crate::store::StoreError::Io { path, .. })) => {
                self.form.show_error(
                    &crate::domain::validation::ValidationError::new(
                        Field::File,
                        crate::domain::validation::Reason::Required,
                    ),
                    lang,
                );
                Outcome::Status(tf(
                    lang,
                    "documents.unreadable",
                    &[("path", &safe(&path.display().to_string()))],
                ))
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }
}

impl FormPage for DocumentForm {
    fn page_title(&self, env: &Env) -> String {
        t(
            env.lang,
            match self.kind {
                Kind::Attach(_) => "documents.attach_title",
                Kind::Withdraw(_) | Kind::WithdrawWaiver(_) => "documents.withdraw_title",
                Kind::Waive(..) => "documents.waive_title",
            },
        )
        .to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        DocumentForm::save(self, env)
    }

    /// Tab on the path completes it as a shell does, while there is something to complete.
    fn next_field(&mut self, _env: &mut Env) -> bool {
        if self.form.focused_id() != Some("path") {
            return false;
        }
        match crate::tui::path_completion::complete(&self.form.value("path")) {
            Some(done) => {
                self.form.set_value("path", &done);
                true
            }
            None => false,
        }
    }

    fn hint_key(&self) -> &'static str {
        match self.kind {
            Kind::Attach(_) => "documents.attach_hint",
            Kind::Withdraw(_) | Kind::Waive(..) | Kind::WithdrawWaiver(_) => "form.hint",
        }
    }
}
