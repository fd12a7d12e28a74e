//! 家庭户: the household as the 户口簿 lists it — the head, then each member with their
//! relation to the head. A adds a member (chosen in the person list), R changes a relation,
//! D removes a member (their file stays), H makes the selected member the head.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{household, person, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::household::{Household, HEAD};
use crate::domain::person::{Disclosure, Person};
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{fit, safe, truncate};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};
use crate::tui::widgets::table::{column_widths, row_line};

/// Dialog tag: remove the selected member.
const ASK_REMOVE: u32 = 1;
/// Steps of the screen.
const ADD: u8 = 0;
const RELATION: u8 = 1;
const REMOVE: u8 = 2;
const HEAD_STEP: u8 = 3;

/// The household screen.
pub struct HouseholdScreen {
    household: Household,
    members: Vec<Person>,
    /// How the session sees the facts here: whole when it may edit the household's community,
    /// which is also when it may change the household.
    shown: Disclosure,
    selected: usize,
}

impl HouseholdScreen {
    /// Loads household `id`; the error is a message for the status line.
    pub fn load(env: &mut Env, id: &str) -> Result<HouseholdScreen, String> {
        let lang = env.lang;
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let h = household::get(&ctx, id).map_err(|e| e.localize(lang))?;
        let members = household::members(&ctx, id).map_err(|e| e.localize(lang))?;
        let shown = person::disclosure(&ctx, &h.community);
        Ok(HouseholdScreen {
            household: h,
            members,
            shown,
            selected: 0,
        })
    }

    fn head_name(&self) -> String {
        self.members
            .iter()
            .find(|p| p.meta.id == self.household.head_person_id)
            .map(|p| p.facts.name.clone())
            .unwrap_or_default()
    }

    fn current(&self) -> Option<&Person> {
        self.members.get(self.selected)
    }

    fn error(lang: crate::i18n::Lang, e: AppError) -> Outcome {
        Outcome::Dialog(Dialog::error(
            t(lang, "dialog.error_title").to_string(),
            e.localize(lang),
        ))
    }
}

impl Screen for HouseholdScreen {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "households.title",
            &[("name", &safe(&self.head_name()))],
        )
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        // Changing the household is offered only to whom may edit its people.
        if self.shown.is_whole() {
            c.extend([
                Command::bar(&[Key::ch('a')], Action::Step(ADD), "cmd.add_member"),
                Command::bar(&[Key::ch('r')], Action::Step(RELATION), "cmd.set_relation"),
                Command::bar(&[Key::ch('d')], Action::Step(REMOVE), "cmd.remove_member"),
                Command::bar(&[Key::ch('h')], Action::Step(HEAD_STEP), "cmd.make_head"),
            ]);
        }
        c.extend([
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
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

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let last = self.members.len().saturating_sub(1);
        let hid = self.household.meta.id.clone();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Open => {
                if let Some(p) = self.current() {
                    let id = p.meta.id.clone();
                    return Outcome::Open(Destination::PersonFile { id });
                }
            }
            Action::Step(_) if !self.shown.is_whole() => {}
            Action::Step(ADD) => {
                return Outcome::Open(Destination::MemberPicker { household: hid });
            }
            Action::Step(RELATION) => {
                let Some(p) = self.current() else {
                    return Outcome::None;
                };
                if p.meta.id == self.household.head_person_id {
                    return Outcome::Status(t(lang, "households.head_has_no_relation").into());
                }
                let id = p.meta.id.clone();
                return match RelationForm::set(env, &hid, &id) {
                    Ok(f) => Outcome::Push(Box::new(f)),
                    Err(msg) => Outcome::Status(msg),
                };
            }
            Action::Step(HEAD_STEP) => {
                let Some(p) = self.current() else {
                    return Outcome::None;
                };
                if p.meta.id == self.household.head_person_id {
                    return Outcome::Status(tf(
                        lang,
                        "people.already_head",
                        &[("name", &safe(&p.facts.name))],
                    ));
                }
                let id = p.meta.id.clone();
                return match RelationForm::head(env, &hid, &id) {
                    Ok(f) => Outcome::Push(Box::new(f)),
                    Err(msg) => Outcome::Status(msg),
                };
            }
            Action::Step(REMOVE) => {
                if let Some(p) = self.current() {
                    return Outcome::Dialog(Dialog::confirm(
                        t(lang, "households.remove_title").to_string(),
                        tf(
                            lang,
                            "households.ask_remove",
                            &[("name", &safe(&p.facts.name))],
                        ),
                        Purpose::Screen(ASK_REMOVE),
                    ));
                }
            }
            _ => {}
        }
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_REMOVE) || !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let Some(pid) = self.current().map(|p| p.meta.id.clone()) else {
            return Outcome::None;
        };
        let hid = self.household.meta.id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| household::remove_member(&mut ctx, &hid, &pid));
        match result {
            Ok(_) => {
                self.on_resume(env);
                Outcome::None
            }
            Err(e) => Self::error(lang, e),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        if let Ok(fresh) = HouseholdScreen::load(env, &self.household.meta.id) {
            let keep = self.selected;
            *self = fresh;
            self.selected = keep.min(self.members.len().saturating_sub(1));
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let h = &self.household;
        let none = t(lang, "form.none").to_string();
        let pair = |k: &str, v: String| {
            vec![
                Span::styled(fit(t(lang, k), 10), env.theme.label),
                Span::raw(fit(&v, 24)),
            ]
        };
        let mut first = vec![Span::raw(" ")];
        first.extend(pair("households.head", safe(&self.head_name())));
        first.extend(pair("field.community", safe(env.org_name(&h.community))));
        let address = h
            .address
            .as_deref()
            .map(|a| self.shown.located(&safe(a), lang))
            .unwrap_or_else(|| none.clone());
        let second = vec![
            Span::raw(" "),
            Span::styled(fit(t(lang, "field.address"), 10), env.theme.label),
            Span::raw(truncate(&address, (area.width as usize).saturating_sub(12))),
        ];
        let count = if h.is_closed() {
            Line::styled(
                format!(" {}", t(lang, "households.closed")),
                env.theme.error,
            )
        } else {
            Line::styled(
                format!(
                    " {}",
                    tf(
                        lang,
                        "households.count",
                        &[("n", &self.members.len().to_string())]
                    )
                ),
                env.theme.hint,
            )
        };
        let mut lines = vec![Line::from(first), Line::from(second), count, Line::from("")];
        let headers: Vec<String> = [
            "households.col_relation",
            "households.col_name",
            "households.col_id",
            "households.col_birth",
            "households.col_status",
            "households.col_no",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let cells: Vec<Vec<Line<'static>>> = self
            .members
            .iter()
            .map(|p| {
                let f = &p.facts;
                vec![
                    Line::from(
                        p.household
                            .as_ref()
                            .map(|m| {
                                cat.label(ListKind::HouseholdRelation, &m.relation, lang)
                                    .to_string()
                            })
                            .unwrap_or_default(),
                    ),
                    Line::from(safe(&f.name)),
                    Line::from(match &f.id_number {
                        Some(n) => self.shown.id_number(n),
                        None => t(lang, "find.no_id").to_string(),
                    }),
                    Line::from(
                        f.birth_date
                            .map(|d| {
                                self.shown
                                    .birth_date(d, lang, |d| d.format("%Y-%m-%d").to_string())
                            })
                            .unwrap_or_else(|| "-".into()),
                    ),
                    Line::from(t(lang, p.status.label_key()).to_string()),
                    Line::from(safe(p.service_no.as_deref().unwrap_or("-"))),
                ]
            })
            .collect();
        let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 0);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        lines.push(header);
        for (n, row) in cells.iter().enumerate() {
            let selected = n == self.selected;
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
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// What the relation form saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A new member's relation to the head.
    Add,
    /// A member's relation, changed.
    Set,
    /// The person becomes head; the form asks the former head's relation to them.
    Head,
}

/// Choosing a relation to the head (与户主关系): for a new member, a changed one, or the
/// former head's when the head changes.
pub struct RelationForm {
    mode: Mode,
    household_id: String,
    person_id: String,
    name: String,
    head_name: String,
    form: Form,
}

impl RelationForm {
    fn new(env: &mut Env, mode: Mode, household_id: &str, person_id: &str) -> Result<Self, String> {
        let lang = env.lang;
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let p = person::get(&ctx, person_id).map_err(|e| e.localize(lang))?;
        let h = household::get(&ctx, household_id).map_err(|e| e.localize(lang))?;
        let head_name = person::get(&ctx, &h.head_person_id)
            .map(|p| p.facts.name)
            .unwrap_or_default();
        let options: Vec<(String, String)> = Catalogue::builtin()
            .entries(ListKind::HouseholdRelation)
            .iter()
            .filter(|e| e.code != HEAD)
            .map(|e| (e.code.clone(), e.label(lang).to_string()))
            .collect();
        let label = if mode == Mode::Head {
            "households.old_head_relation"
        } else {
            "field.relation"
        };
        let mut form = Form::new(vec![
            FormField::info("who", "households.member"),
            FormField::choice("relation", label, options, false).for_field(Field::Relation),
        ]);
        form.set_value("who", &safe(&p.facts.name));
        let current = p
            .household
            .as_ref()
            .filter(|m| m.household_id == household_id && m.relation != HEAD);
        if let (Mode::Set, Some(m)) = (mode, current) {
            form.set_choice("relation", &m.relation);
        }
        Ok(RelationForm {
            mode,
            household_id: household_id.to_string(),
            person_id: person_id.to_string(),
            name: p.facts.name,
            head_name,
            form,
        })
    }

    /// Adding `person_id` to household `household_id`.
    pub fn add(env: &mut Env, household_id: &str, person_id: &str) -> Result<Self, String> {
        Self::new(env, Mode::Add, household_id, person_id)
    }

    /// Changing the relation of member `person_id`.
    pub fn set(env: &mut Env, household_id: &str, person_id: &str) -> Result<Self, String> {
        Self::new(env, Mode::Set, household_id, person_id)
    }

    /// Making member `person_id` the head.
    pub fn head(env: &mut Env, household_id: &str, person_id: &str) -> Result<Self, String> {
        Self::new(env, Mode::Head, household_id, person_id)
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let relation = self.form.choice("relation");
        let (h, p) = (self.household_id.clone(), self.person_id.clone());
        let mode = self.mode;
        let result = env.ctx().and_then(|mut ctx| match mode {
            Mode::Add => household::add_member(&mut ctx, &h, &p, &relation).map(|_| ()),
            Mode::Set => household::set_relation(&mut ctx, &h, &p, &relation).map(|_| ()),
            Mode::Head => household::change_head(&mut ctx, &h, &p, &relation).map(|_| ()),
        });
        match result {
            Ok(()) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Err(AppError::Validation(v)) => {
                self.form.show_error(&v, lang);
                Outcome::Status(v.localize(lang))
            }
            Err(e) => HouseholdScreen::error(lang, e),
        }
    }
}

impl Screen for RelationForm {
    fn title(&self, env: &Env) -> String {
        let key = match self.mode {
            Mode::Add => "households.add_title",
            Mode::Set => "households.relation_title",
            Mode::Head => "households.head_title",
        };
        tf(env.lang, key, &[("name", &safe(&self.name))])
    }

    fn commands(&self) -> Vec<Command> {
        form_screen::commands()
    }

    fn unsaved(&self) -> bool {
        self.form.changed()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Save => self.save(env),
            a => {
                form_screen::navigate(&mut self.form, a, env.lang);
                Outcome::None
            }
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form.handle(key);
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let hint = match self.mode {
            Mode::Head => tf(
                env.lang,
                "households.head_hint",
                &[("old", &safe(&self.head_name)), ("name", &safe(&self.name))],
            ),
            _ => tf(
                env.lang,
                "households.relation_hint",
                &[("head", &safe(&self.head_name))],
            ),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {hint}"), env.theme.hint)),
            Rect::new(area.x, area.y, area.width, 1),
        );
        self.form.render(frame, form_screen::body(area), env);
    }
}
