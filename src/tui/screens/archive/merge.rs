//! 合并重复记录: two records of one person side by side — the one kept on the left, showing
//! what it will take from the other, the one merged and cancelled on the right — and the
//! reason, confirmed before anything changes.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::person::{self, REASON_MAX};
use crate::app::refusal::PeopleRefusal;
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::person::{Disclosure, Person};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::{fit, safe, truncate, wrap};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{Form, FormField};

/// Dialog tag: confirm the merge.
const ASK_MERGE: u32 = 1;
/// Width of the label column.
const LABEL_W: usize = 12;

fn required_reason(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Reason, v, REASON_MAX).map(|_| ())
}

/// The merge screen.
pub struct MergeScreen {
    keep: Person,
    other: Person,
    /// How the session sees each record's facts.
    shown: (Disclosure, Disclosure),
    form: Form,
    /// Why these two cannot be merged this way round, shown before a reason is typed.
    refusal: Option<String>,
}

impl MergeScreen {
    /// Both records, `keep_id` kept; the error is a message for the status line.
    pub fn load(env: &mut Env, keep_id: &str, other_id: &str) -> Result<MergeScreen, String> {
        let lang = env.lang;
        if keep_id == other_id {
            return Err(PeopleRefusal::MergeSelf.localize(lang));
        }
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let keep = person::get(&ctx, keep_id).map_err(|e| e.localize(lang))?;
        let other = person::get(&ctx, other_id).map_err(|e| e.localize(lang))?;
        let shown = (
            person::disclosure(&ctx, &keep.facts.community),
            person::disclosure(&ctx, &other.facts.community),
        );
        let form = Form::new(vec![FormField::text("reason", "merge.reason", REASON_MAX)
            .for_field(Field::Reason)
            .checked(required_reason)]);
        let mut m = MergeScreen {
            keep,
            other,
            shown,
            form,
            refusal: None,
        };
        m.recheck(env);
        Ok(m)
    }

    /// Asks the core whether the merge as shown can be done.
    fn recheck(&mut self, env: &mut Env) {
        let lang = env.lang;
        let (k, o) = (self.keep.meta.id.clone(), self.other.meta.id.clone());
        self.refusal = env
            .ctx()
            .and_then(|ctx| person::check_merge(&ctx, &k, &o))
            .err()
            .map(|e| e.localize(lang));
    }

    /// The rows compared: label key, then each record's value (empty when it has none).
    fn rows(&self, env: &Env) -> Vec<(&'static str, String, String)> {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let id = |p: &Person, shown: Disclosure| {
            p.facts
                .id_number
                .as_ref()
                .map(|n| shown.id_number(n))
                .unwrap_or_default()
        };
        let opt = |v: &Option<String>| v.as_deref().map(safe).unwrap_or_default();
        let phone = |v: &Option<String>, shown: Disclosure| {
            v.as_deref()
                .map(|p| shown.phone(&safe(p)))
                .unwrap_or_default()
        };
        let address = |v: &Option<String>, shown: Disclosure| {
            v.as_deref()
                .map(|a| shown.located(&safe(a), lang))
                .unwrap_or_default()
        };
        let date = |p: &Person, shown: Disclosure| {
            p.facts
                .birth_date
                .map(|d| shown.birth_date(d, lang, |d| d.format("%Y-%m-%d").to_string()))
                .unwrap_or_default()
        };
        let status = |p: &Person| {
            if p.facts.assistance_status == "none" {
                String::new()
            } else {
                cat.label(ListKind::AssistanceStatus, &p.facts.assistance_status, lang)
                    .to_string()
            }
        };
        let household = |p: &Person| {
            p.household
                .as_ref()
                .map(|m| {
                    cat.label(ListKind::HouseholdRelation, &m.relation, lang)
                        .to_string()
                })
                .unwrap_or_default()
        };
        let (k, o) = (&self.keep, &self.other);
        let (ks, os) = self.shown;
        vec![
            ("field.name", safe(&k.facts.name), safe(&o.facts.name)),
            ("field.id_number", id(k, ks), id(o, os)),
            ("field.birth_date", date(k, ks), date(o, os)),
            (
                "field.phone",
                phone(&k.facts.phone, ks),
                phone(&o.facts.phone, os),
            ),
            (
                "field.address",
                address(&k.facts.address, ks),
                address(&o.facts.address, os),
            ),
            (
                "field.community",
                safe(env.org_name(&k.facts.community)),
                safe(env.org_name(&o.facts.community)),
            ),
            ("detail.service_no", opt(&k.service_no), opt(&o.service_no)),
            ("field.assistance_status", status(k), status(o)),
            (
                "field.diseases",
                opt(&k.facts.diseases),
                opt(&o.facts.diseases),
            ),
            ("field.relation", household(k), household(o)),
            (
                "detail.status",
                t(lang, k.status.label_key()).to_string(),
                t(lang, o.status.label_key()).to_string(),
            ),
        ]
    }

    fn body(area: Rect) -> Rect {
        // The reason field sits below the comparison.
        Rect::new(
            area.x + 1,
            area.y + area.height.saturating_sub(2),
            area.width.saturating_sub(1),
            1,
        )
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if let Some(why) = &self.refusal {
            return Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                why.clone(),
            ));
        }
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        Outcome::Dialog(Dialog::confirm(
            t(lang, "merge.ask_title").to_string(),
            tf(
                lang,
                "merge.ask",
                &[
                    ("merged", &safe(&self.other.facts.name)),
                    ("keep", &safe(&self.keep.facts.name)),
                ],
            ),
            Purpose::Screen(ASK_MERGE),
        ))
    }
}

impl Screen for MergeScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "merge.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(&[Key::ctrl('s')], Action::Save, "cmd.merge_save"),
            Command::bar(&[Key::ctrl('t')], Action::Step(0), "cmd.swap"),
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
            Action::Step(0) => {
                std::mem::swap(&mut self.keep, &mut self.other);
                self.shown = (self.shown.1, self.shown.0);
                self.recheck(env);
                Outcome::None
            }
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form.handle(key);
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_MERGE) || !answer.yes {
            return Outcome::None;
        }
        let reason = self.form.value("reason");
        let (keep, other) = (self.keep.meta.id.clone(), self.other.meta.id.clone());
        let result = env
            .ctx()
            .and_then(|mut ctx| person::merge(&mut ctx, &keep, &other, &reason));
        let result = result;
        if result.is_ok() {
            env.reload_index();
        }
        crate::tui::screens::form_page::saved_or_refused(&mut self.form, result, env)
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let col = (area.width as usize).saturating_sub(LABEL_W + 3) / 2;
        let mut lines: Vec<Line<'_>> = wrap(
            t(lang, "merge.intro"),
            (area.width as usize).saturating_sub(2),
        )
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), env.theme.hint))
        .collect();
        lines.push(Line::from(""));
        let head = |k: &str| fit(t(lang, k), col);
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::raw(" ".repeat(LABEL_W)),
            Span::styled(head("merge.keep"), env.theme.focused),
            Span::raw(" "),
            Span::styled(head("merge.merged"), env.theme.error),
        ]));
        let filled = t(lang, "merge.filled");
        for (label, kept, gone) in self.rows(env) {
            // What the kept record lacks and the other has is filled in: shown as it will be.
            let (shown, style) = if kept.is_empty() && !gone.is_empty() && label != "detail.status"
            {
                let room = col.saturating_sub(crate::tui::text::width(filled));
                (
                    format!("{}{filled}", truncate(&gone, room)),
                    env.theme.matched,
                )
            } else {
                (kept, ratatui::style::Style::default())
            };
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled(fit(t(lang, label), LABEL_W), env.theme.label),
                Span::styled(fit(&truncate(&shown, col), col), style),
                Span::raw(" "),
                Span::raw(truncate(&gone, col)),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(match &self.refusal {
            Some(why) => Line::styled(
                format!(
                    " {}",
                    truncate(why, (area.width as usize).saturating_sub(2))
                ),
                env.theme.error,
            ),
            None => Line::styled(format!(" {}", t(lang, "merge.hint")), env.theme.hint),
        });
        frame.render_widget(Paragraph::new(lines), area);
        self.form.render(frame, Self::body(area), env);
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        self.form.cursor(Self::body(area))
    }
}
