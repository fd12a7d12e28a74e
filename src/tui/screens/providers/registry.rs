//! 服务资源: the provider registry — list, register, edit.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{provider, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::permission::Action as Permission;
use crate::domain::provider::{Provider, ProviderDraft};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::Dialog;
use crate::tui::widgets::form::{screen as form_screen, Form, FormField};
use crate::tui::widgets::table::{column_widths, row_line};

/// The provider list.
pub struct ProviderList {
    items: Result<Vec<Provider>, String>,
    selected: usize,
    /// Whether the session may register providers at all, and change each one listed (its
    /// area must be within the session's reach): only those commands are offered.
    may_add: bool,
    may_edit: Vec<bool>,
    /// The session may read persons, and so print a provider's name list.
    may_list: bool,
}

impl ProviderList {
    /// Every provider.
    pub fn new(env: &mut Env) -> ProviderList {
        let mut l = ProviderList {
            items: Ok(Vec::new()),
            selected: 0,
            may_add: env.may_somewhere(Permission::ManageProviders),
            may_edit: Vec::new(),
            may_list: env.may_somewhere(Permission::ViewPerson),
        };
        l.reload(env);
        l
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.items = env
            .ctx()
            .and_then(|ctx| provider::list(&ctx))
            .map_err(|e| e.localize(lang));
        let n = self.items.as_ref().map_or(0, Vec::len);
        self.selected = self.selected.min(n.saturating_sub(1));
        self.may_edit = self.items.as_ref().map_or(Vec::new(), |l| {
            l.iter()
                .map(|p| env.may(Permission::ManageProviders, &p.area))
                .collect()
        });
    }
}

impl Screen for ProviderList {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "providers.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = Vec::new();
        if self.may_edit.get(self.selected).copied().unwrap_or(false) {
            c.push(Command::bar(
                &[Key::plain(KeyCode::Enter), Key::ch('e')],
                Action::Edit,
                "cmd.edit",
            ));
        }
        if self.may_add {
            c.push(Command::bar(
                &[Key::ctrl('n'), Key::ch('n')],
                Action::New,
                "cmd.new_provider",
            ));
        }
        if self.may_list {
            c.push(Command::bar(
                &[Key::ch('l')],
                Action::Step(1),
                "providers.name_list",
            ));
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
        let n = self.items.as_ref().map_or(0, Vec::len);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::New => return Outcome::Push(Box::new(ProviderForm::new(env, None))),
            Action::Step(1) => {
                let lang = env.lang;
                let Some(id) = self
                    .items
                    .as_ref()
                    .ok()
                    .and_then(|l| l.get(self.selected))
                    .map(|p| p.meta.id.clone())
                else {
                    return Outcome::None;
                };
                return match env
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
                };
            }
            Action::Edit => {
                if let Some(p) = self
                    .items
                    .as_ref()
                    .ok()
                    .and_then(|l| l.get(self.selected))
                    .cloned()
                {
                    return Outcome::Push(Box::new(ProviderForm::new(env, Some(p))));
                }
            }
            _ => {}
        }
        Outcome::None
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let items = match &self.items {
            Err(why) => {
                frame.render_widget(
                    Paragraph::new(Line::styled(format!("  {why}"), env.theme.error)),
                    area,
                );
                return;
            }
            Ok(items) => items,
        };
        let headers: Vec<String> = [
            "field.provider_name",
            "field.provider_kind",
            "providers.col_area",
            "providers.col_items",
            "providers.col_active",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows = (area.height as usize).saturating_sub(3).max(1);
        let top = (self.selected / rows) * rows;
        let cells: Vec<Vec<Line<'static>>> = items
            .iter()
            .skip(top)
            .take(rows)
            .map(|p| {
                vec![
                    Line::from(safe(&p.name)),
                    Line::from(cat.label(ListKind::ProviderKind, &p.kind, lang).to_string()),
                    Line::from(safe(env.org_name(&p.area))),
                    Line::from(tf(
                        lang,
                        "providers.items_n",
                        &[("n", &p.items.len().to_string())],
                    )),
                    Line::from(t(lang, if p.active { "form.yes" } else { "form.no" }).to_string()),
                ]
            })
            .collect();
        let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 1);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        let mut lines = vec![Line::from(""), header];
        for (n, row) in cells.iter().enumerate() {
            let selected = top + n == self.selected;
            let mut l = row_line(
                row,
                &widths,
                if selected {
                    env.theme.selected
                } else {
                    Style::default()
                },
            );
            l.spans.insert(
                0,
                Span::raw(if selected {
                    format!("{} ", env.symbols.marker)
                } else {
                    "  ".into()
                }),
            );
            lines.push(l);
        }
        if items.is_empty() {
            lines.push(Line::styled(
                format!("  {}", t(lang, "providers.none")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

fn check_name(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::ProviderName, v, 60).map(|_| ())
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
        };
        let result = env.ctx().and_then(|mut ctx| match &self.editing {
            None => provider::create(&mut ctx, &draft).map(|_| ()),
            Some(p) => provider::update(&mut ctx, &p.meta.id, p.meta.version, &draft).map(|_| ()),
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
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
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
