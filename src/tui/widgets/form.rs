//! Forms: text, number, date, single and multiple choice from the catalogue, yes/no, and
//! read-only lines. Tab/Shift+Tab, arrows and Enter move; a field is checked when the focus
//! leaves it and the reason stands beside it; the cursor sits where the user types.
//!
//! A multiple choice, and a single choice of more than [`LONG_CHOICE`] options, narrows as
//! the user types: Chinese text or pinyin initials keep the options whose labels match
//! ([`label_matches`]), Backspace edits the filter, Left/Right move among the matches and
//! Space chooses. The filter is dropped when the focus leaves the field.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::domain::date::parse_date;
use crate::domain::search::label_matches;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::Key;
use crate::tui::text::{fit, truncate, width};
use crate::tui::widgets::text_field::TextField;

/// A single choice of more options than this filters as the user types.
pub const LONG_CHOICE: usize = 8;

/// Checks one field's text when the focus leaves it; gets today's date for checks that need it.
pub type Validator = fn(&str, NaiveDate) -> Result<(), ValidationError>;

/// What a field holds.
#[derive(Debug, Clone)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A whole number in a range.
    Number { min: i64, max: i64 },
    /// A date as people type it.
    Date,
    /// One of the options (code, label); with `empty`, also none.
    Choice {
        options: Vec<(String, String)>,
        empty: bool,
    },
    /// Any of the options.
    Multi { options: Vec<(String, String)> },
    /// Yes or no.
    YesNo,
    /// A line the screen fills; not focusable.
    Info,
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct FormField {
    /// The screen's name for it.
    pub id: &'static str,
    /// String-table key of its label.
    pub label: &'static str,
    /// What it holds.
    pub kind: FieldKind,
    /// The domain field whose refusals belong here.
    pub field: Option<Field>,
    /// Text of Text, Number, Date and Info fields.
    pub text: TextField,
    /// Choice: selected option (`None` for empty); Multi: the option under the cursor.
    pub index: Option<usize>,
    /// Multi: which options are chosen.
    pub chosen: Vec<bool>,
    /// YesNo: the value.
    pub yes: bool,
    /// Checked on leave.
    pub validator: Option<Validator>,
    /// The current refusal, shown beside the field.
    pub error: Option<String>,
    /// Multi and long Choice: what was typed to narrow the options.
    pub filter: String,
}

impl FormField {
    fn base(id: &'static str, label: &'static str, kind: FieldKind) -> FormField {
        let n = match &kind {
            FieldKind::Multi { options } => options.len(),
            _ => 0,
        };
        FormField {
            id,
            label,
            kind,
            field: None,
            text: TextField::new(200),
            index: None,
            chosen: vec![false; n],
            yes: false,
            validator: None,
            error: None,
            filter: String::new(),
        }
    }

    /// A text field of at most `max` characters.
    pub fn text(id: &'static str, label: &'static str, max: usize) -> FormField {
        let mut f = FormField::base(id, label, FieldKind::Text);
        f.text = TextField::new(max);
        f
    }

    /// A password field: typed characters show as dots.
    pub fn password(id: &'static str, label: &'static str) -> FormField {
        let mut f = FormField::text(id, label, 128);
        f.text.masked = true;
        f
    }

    /// A whole-number field.
    pub fn number(id: &'static str, label: &'static str, min: i64, max: i64) -> FormField {
        let mut f = FormField::base(id, label, FieldKind::Number { min, max });
        f.text = TextField::new(12);
        f
    }

    /// A date field.
    pub fn date(id: &'static str, label: &'static str) -> FormField {
        let mut f = FormField::base(id, label, FieldKind::Date);
        f.text = TextField::new(12);
        f
    }

    /// A single choice.
    pub fn choice(
        id: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
        empty: bool,
    ) -> FormField {
        let mut f = FormField::base(id, label, FieldKind::Choice { options, empty });
        if !empty {
            f.index = Some(0);
        }
        f
    }

    /// A multiple choice.
    pub fn multi(
        id: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
    ) -> FormField {
        let mut f = FormField::base(id, label, FieldKind::Multi { options });
        f.index = Some(0);
        f
    }

    /// A yes/no field.
    pub fn yes_no(id: &'static str, label: &'static str) -> FormField {
        FormField::base(id, label, FieldKind::YesNo)
    }

    /// A read-only line.
    pub fn info(id: &'static str, label: &'static str) -> FormField {
        FormField::base(id, label, FieldKind::Info)
    }

    /// Names the domain field whose refusals show here.
    pub fn for_field(mut self, field: Field) -> FormField {
        self.field = Some(field);
        self
    }

    /// Adds a check run when the focus leaves.
    pub fn checked(mut self, v: Validator) -> FormField {
        self.validator = Some(v);
        self
    }

    fn focusable(&self) -> bool {
        !matches!(self.kind, FieldKind::Info)
    }

    /// True for a field that narrows its options as the user types.
    fn filterable(&self) -> bool {
        match &self.kind {
            FieldKind::Multi { .. } => true,
            FieldKind::Choice { options, .. } => options.len() > LONG_CHOICE,
            _ => false,
        }
    }

    /// The options of a Choice or Multi field (none for others).
    pub fn options(&self) -> &[(String, String)] {
        match &self.kind {
            FieldKind::Multi { options } | FieldKind::Choice { options, .. } => options,
            _ => &[],
        }
    }

    /// Positions of the options the filter keeps.
    fn matching(&self) -> Vec<usize> {
        self.options()
            .iter()
            .enumerate()
            .filter(|(_, o)| label_matches(&o.1, &self.filter))
            .map(|(i, _)| i)
            .collect()
    }

    /// The option `step` matches away from the current one (wrapping), or the first match
    /// when the current one does not match.
    fn step_among_matches(&self, step: isize) -> Option<usize> {
        let m = self.matching();
        if m.is_empty() {
            return None;
        }
        match self.index.and_then(|i| m.iter().position(|&x| x == i)) {
            Some(p) => {
                let n = m.len() as isize;
                Some(m[(p as isize + step).rem_euclid(n) as usize])
            }
            None => m.first().copied(),
        }
    }

    /// Applies a filtering key (a typed character or Backspace); `None` when it is not one.
    /// The option under the cursor (Multi) or the chosen one (Choice) moves to the first
    /// match when it no longer matches.
    fn edit_filter(&mut self, key: Key) -> Option<bool> {
        match (key.code, key.typed_char()) {
            (KeyCode::Char(' '), _) => return None,
            (_, Some(c)) => self.filter.push(c),
            (KeyCode::Backspace, _) if !self.filter.is_empty() => {
                self.filter.pop();
            }
            _ => return None,
        }
        let m = self.matching();
        let keeps = self.index.is_some_and(|i| m.contains(&i));
        if !keeps {
            if let Some(&first) = m.first() {
                self.index = Some(first);
                return Some(matches!(self.kind, FieldKind::Choice { .. }));
            }
        }
        Some(false)
    }

    fn is_text(&self) -> bool {
        matches!(
            self.kind,
            FieldKind::Text | FieldKind::Number { .. } | FieldKind::Date
        )
    }

    /// The refusal of the current value, if any.
    fn check(&self, today: NaiveDate) -> Option<ValidationError> {
        let field = self.field.unwrap_or(Field::Note);
        let v = self.text.value();
        match &self.kind {
            FieldKind::Number { min, max } if !v.trim().is_empty() => match v.trim().parse::<i64>()
            {
                Ok(n) if (*min..=*max).contains(&n) => None,
                _ => Some(ValidationError::new(
                    field,
                    Reason::OutOfRange {
                        min: *min,
                        max: *max,
                    },
                )),
            },
            FieldKind::Date => parse_date(self.field.unwrap_or(Field::Date), v).err(),
            _ => None,
        }
        .or_else(|| match (self.is_text(), self.validator) {
            (true, Some(check)) => check(v, today).err(),
            _ => None,
        })
    }
}

/// A form: its fields and which has focus.
#[derive(Debug, Clone, Default)]
pub struct Form {
    /// The fields, in order.
    pub fields: Vec<FormField>,
    /// The focused field.
    pub focus: usize,
    changed: bool,
    /// Today, for checks that need it.
    pub today: NaiveDate,
}

impl Form {
    /// A form over `fields`, focus on the first focusable one.
    pub fn new(fields: Vec<FormField>) -> Form {
        let focus = fields.iter().position(FormField::focusable).unwrap_or(0);
        Form {
            fields,
            focus,
            changed: false,
            today: NaiveDate::default(),
        }
    }

    /// True once the user changed anything.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Marks the form as saved.
    pub fn mark_saved(&mut self) {
        self.changed = false;
    }

    /// True when the focused field takes typed text (a text field, or a list of options
    /// that narrows as the user types).
    pub fn text_focused(&self) -> bool {
        self.fields
            .get(self.focus)
            .is_some_and(|f| f.is_text() || f.filterable())
    }

    /// The field `id`, if the form has one.
    pub fn get(&self, id: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The field called `id`.
    pub fn field_mut(&mut self, id: &str) -> Option<&mut FormField> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// Text of a Text, Number, Date or Info field.
    pub fn value(&self, id: &str) -> String {
        self.get(id)
            .map(|f| f.text.value().to_string())
            .unwrap_or_default()
    }

    /// Sets a field's text (loading a record, or an Info line).
    pub fn set_value(&mut self, id: &str, value: &str) {
        if let Some(f) = self.field_mut(id) {
            f.text.set_value(value);
        }
    }

    /// Puts the focus on field `id` (when it takes focus); the filter of the one left goes.
    pub fn focus_on(&mut self, id: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id && f.focusable()) {
            if let Some(f) = self.fields.get_mut(self.focus) {
                f.filter.clear();
            }
            self.focus = i;
        }
    }

    /// The id of the focused field.
    pub fn focused_id(&self) -> Option<&'static str> {
        self.fields.get(self.focus).map(|f| f.id)
    }

    /// The chosen option's code of a Choice field, empty when none.
    pub fn choice(&self, id: &str) -> String {
        match self.get(id) {
            Some(FormField {
                kind: FieldKind::Choice { options, .. },
                index: Some(i),
                ..
            }) => options.get(*i).map(|o| o.0.clone()).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Selects the option with `code` in a Choice field.
    /// A code the options do not hold (a newer catalogue, another workstation's unit) is
    /// added as an option of its own, so that saving the form never changes it unasked.
    pub fn set_choice(&mut self, id: &str, code: &str) {
        self.set_choice_labelled(id, code, code);
    }

    /// As [`Form::set_choice`], with the label to show if the code has to be added.
    pub fn set_choice_labelled(&mut self, id: &str, code: &str, label: &str) {
        if let Some(f) = self.field_mut(id) {
            if let FieldKind::Choice { options, .. } = &mut f.kind {
                let i = match options.iter().position(|o| o.0 == code) {
                    Some(i) => i,
                    None => {
                        options.push((code.to_string(), label.to_string()));
                        options.len() - 1
                    }
                };
                f.index = Some(i);
            }
        }
    }

    /// Replaces the options of a Choice field, keeping the chosen code when the new options
    /// hold it, otherwise choosing the first (or none, for a field that may be empty).
    pub fn set_options(&mut self, id: &str, new: Vec<(String, String)>) {
        let code = self.choice(id);
        if let Some(f) = self.field_mut(id) {
            if let FieldKind::Choice { options, empty } = &mut f.kind {
                let i = new.iter().position(|o| o.0 == code);
                f.index = i.or(if *empty || new.is_empty() {
                    None
                } else {
                    Some(0)
                });
                *options = new;
                f.filter.clear();
            }
        }
    }

    /// Codes chosen in a Multi field.
    pub fn multi(&self, id: &str) -> Vec<String> {
        match self.get(id) {
            Some(FormField {
                kind: FieldKind::Multi { options },
                chosen,
                ..
            }) => options
                .iter()
                .zip(chosen)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.0.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Value of a YesNo field.
    pub fn yes(&self, id: &str) -> bool {
        self.get(id).is_some_and(|f| f.yes)
    }

    /// Sets a YesNo field.
    pub fn set_yes(&mut self, id: &str, yes: bool) {
        if let Some(f) = self.field_mut(id) {
            f.yes = yes;
        }
    }

    /// Shows a refusal beside the field it names and moves the focus there.
    pub fn show_error(&mut self, e: &ValidationError, lang: Lang) -> bool {
        match self.fields.iter().position(|f| f.field == Some(e.field)) {
            Some(i) => {
                self.fields[i].error = Some(e.reason.localize(lang));
                self.focus = i;
                true
            }
            None => false,
        }
    }

    fn leave(&mut self, lang: Lang) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.filter.clear();
            f.error = f.check(self.today).map(|e| e.reason.localize(lang));
        }
    }

    /// Moves the focus to the next focusable field, checking the one left.
    pub fn next(&mut self, lang: Lang) {
        self.leave(lang);
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + step) % n;
            if self.fields[i].focusable() {
                self.focus = i;
                return;
            }
        }
    }

    /// Moves the focus to the previous focusable field, checking the one left.
    pub fn prev(&mut self, lang: Lang) {
        self.leave(lang);
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + n - step) % n;
            if self.fields[i].focusable() {
                self.focus = i;
                return;
            }
        }
    }

    /// Checks every field; true when none is refused.
    pub fn check_all(&mut self, lang: Lang) -> bool {
        let mut first_bad = None;
        let today = self.today;
        for (i, f) in self.fields.iter_mut().enumerate() {
            f.error = f.check(today).map(|e| e.reason.localize(lang));
            if f.error.is_some() && first_bad.is_none() {
                first_bad = Some(i);
            }
        }
        if let Some(i) = first_bad {
            self.focus = i;
        }
        first_bad.is_none()
    }

    /// Applies a key to the focused field; true when the form used it.
    pub fn handle(&mut self, key: Key) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return false;
        };
        if f.filterable() {
            if let Some(changed) = f.edit_filter(key) {
                self.changed |= changed;
                return true;
            }
            if !f.filter.is_empty() {
                // Moving and choosing keep to the options that match.
                let step = match key.code {
                    KeyCode::Right => 1,
                    KeyCode::Left => -1,
                    KeyCode::Char(' ') if matches!(f.kind, FieldKind::Choice { .. }) => 1,
                    _ => 0,
                };
                if step != 0 {
                    if let Some(i) = f.step_among_matches(step) {
                        f.index = Some(i);
                        self.changed |= matches!(f.kind, FieldKind::Choice { .. });
                    }
                    return true;
                }
            }
        }
        let used = match &f.kind {
            FieldKind::Text | FieldKind::Number { .. } | FieldKind::Date => {
                if TextField::takes(key) {
                    if f.text.handle(key) {
                        f.error = None;
                        self.changed = true;
                    }
                    true
                } else {
                    false
                }
            }
            FieldKind::Choice { options, empty } => {
                let n = options.len() + usize::from(*empty);
                let pos = match f.index {
                    Some(i) => i + usize::from(*empty),
                    None => 0,
                };
                let next = match key.code {
                    KeyCode::Right | KeyCode::Char(' ') => Some((pos + 1) % n.max(1)),
                    KeyCode::Left => Some((pos + n.max(1) - 1) % n.max(1)),
                    _ => None,
                };
                match next {
                    Some(p) => {
                        f.index = if *empty { p.checked_sub(1) } else { Some(p) };
                        self.changed = true;
                        true
                    }
                    None => false,
                }
            }
            FieldKind::Multi { options } => {
                let n = options.len().max(1);
                let i = f.index.unwrap_or(0);
                match key.code {
                    KeyCode::Right => f.index = Some((i + 1) % n),
                    KeyCode::Left => f.index = Some((i + n - 1) % n),
                    KeyCode::Char(' ') => {
                        let shown =
                            label_matches(options.get(i).map_or("", |o| o.1.as_str()), &f.filter);
                        if let Some(c) = f.chosen.get_mut(i).filter(|_| shown) {
                            *c = !*c;
                            self.changed = true;
                        }
                    }
                    _ => return false,
                }
                true
            }
            FieldKind::YesNo => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    f.yes = !f.yes;
                    self.changed = true;
                    true
                }
                KeyCode::Char('y' | 'Y') => {
                    f.yes = true;
                    self.changed = true;
                    true
                }
                KeyCode::Char('n' | 'N') => {
                    f.yes = false;
                    self.changed = true;
                    true
                }
                _ => false,
            },
            FieldKind::Info => false,
        };
        used
    }

    const LABEL_W: u16 = 14;

    fn input_width(area: Rect) -> u16 {
        (area.width.saturating_sub(Self::LABEL_W + 2) * 5 / 9).clamp(10, 44)
    }

    fn first_row(&self, area: Rect) -> usize {
        self.focus
            .saturating_sub(area.height.saturating_sub(1) as usize)
    }

    /// What a multiple choice holds, in `room` cells: the chosen labels when they fit,
    /// otherwise how many are chosen (已选 3 项).
    fn chosen_summary(f: &FormField, lang: Lang, room: usize) -> String {
        let chosen: Vec<&str> = f
            .options()
            .iter()
            .zip(&f.chosen)
            .filter(|(_, c)| **c)
            .map(|(o, _)| o.1.as_str())
            .collect();
        if chosen.is_empty() {
            return t(lang, "form.none").to_string();
        }
        let list = chosen.join(t(lang, "form.list_separator"));
        if width(&list) <= room {
            list
        } else {
            tf(
                lang,
                "form.chosen_count",
                &[("n", &chosen.len().to_string())],
            )
        }
    }

    /// Shown beside the focused field: for a multiple choice how many are chosen, and for a
    /// field being narrowed the filter and how many options it keeps.
    fn filter_hint(f: &FormField, lang: Lang) -> Option<String> {
        let count = match &f.kind {
            FieldKind::Multi { .. } => Some(tf(
                lang,
                "form.chosen_count",
                &[("n", &f.chosen.iter().filter(|c| **c).count().to_string())],
            )),
            _ => None,
        };
        if f.filter.is_empty() {
            return count;
        }
        let n = f.matching().len();
        let filter = if n == 0 {
            tf(lang, "form.filter_none", &[("q", &f.filter)])
        } else {
            tf(
                lang,
                "form.filter",
                &[
                    ("q", &f.filter),
                    ("n", &n.to_string()),
                    ("all", &f.options().len().to_string()),
                ],
            )
        };
        Some(match count {
            Some(c) => format!("{c} {filter}"),
            None => filter,
        })
    }

    fn shown_value(f: &FormField, lang: Lang, focused: bool, room: usize) -> String {
        match &f.kind {
            FieldKind::Choice { options, .. } => {
                let label = f
                    .index
                    .and_then(|i| options.get(i))
                    .map(|o| o.1.as_str())
                    .unwrap_or(t(lang, "form.none"));
                format!("< {label} >")
            }
            FieldKind::Multi { .. } if !focused => Self::chosen_summary(f, lang, room),
            FieldKind::Multi { options } => {
                let under = f
                    .index
                    .and_then(|i| options.get(i))
                    .filter(|o| label_matches(&o.1, &f.filter))
                    .map(|o| {
                        let mark = if f.chosen.get(f.index.unwrap_or(0)).copied().unwrap_or(false) {
                            "[x]"
                        } else {
                            "[ ]"
                        };
                        format!("{mark}{}", o.1)
                    })
                    .unwrap_or_default();
                // How many are chosen stands beside the field (see `filter_hint`).
                under
            }
            FieldKind::YesNo => {
                if f.yes {
                    t(lang, "form.yes").to_string()
                } else {
                    t(lang, "form.no").to_string()
                }
            }
            _ => f.text.value().to_string(),
        }
    }

    /// Draws the form in `area`, one row a field, scrolled to keep the focus visible.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let input_w = Self::input_width(area);
        let first = self.first_row(area);
        for (row, (i, f)) in self.fields.iter().enumerate().skip(first).enumerate() {
            if row as u16 >= area.height {
                break;
            }
            let y = area.y + row as u16;
            let focused = i == self.focus;
            let label_style = if focused {
                env.theme.focused
            } else {
                env.theme.label
            };
            let label = fit(t(env.lang, f.label), Self::LABEL_W as usize - 1);
            frame.render_widget(
                Paragraph::new(Span::styled(format!("{label} "), label_style)),
                Rect::new(area.x, y, Self::LABEL_W, 1),
            );
            let input = Rect::new(
                area.x + Self::LABEL_W,
                y,
                input_w.min(area.width.saturating_sub(Self::LABEL_W)),
                1,
            );
            let style = if focused {
                env.theme.selected
            } else if matches!(f.kind, FieldKind::Info) {
                env.theme.hint
            } else {
                env.theme
                    .focused
                    .remove_modifier(ratatui::style::Modifier::BOLD)
            };
            if f.is_text() {
                frame.render_widget(
                    Paragraph::new(" ".repeat(input.width as usize)).style(style),
                    input,
                );
                f.text.render(frame, input, style, focused);
            } else {
                let shown = fit(
                    &Self::shown_value(f, env.lang, focused, input.width as usize),
                    input.width as usize,
                );
                frame.render_widget(Paragraph::new(Span::styled(shown, style)), input);
            }
            let msg_x = input.x + input.width + 1;
            let room = (area.x + area.width).saturating_sub(msg_x) as usize;
            if let Some(err) = &f.error {
                frame.render_widget(
                    Paragraph::new(Line::styled(truncate(err, room), env.theme.error)),
                    Rect::new(msg_x, y, room as u16, 1),
                );
            } else if let Some(hint) = Self::filter_hint(f, env.lang).filter(|_| focused) {
                frame.render_widget(
                    Paragraph::new(Line::styled(truncate(&hint, room), env.theme.hint)),
                    Rect::new(msg_x, y, room as u16, 1),
                );
            }
        }
    }

    /// Where the terminal cursor goes: in the focused text field.
    pub fn cursor(&self, area: Rect) -> Option<Position> {
        let f = self.fields.get(self.focus)?;
        if !f.is_text() {
            return None;
        }
        let row = self.focus - self.first_row(area);
        let input = Rect::new(
            area.x + Self::LABEL_W,
            area.y + row as u16,
            Self::input_width(area),
            1,
        );
        Some(f.text.cursor(input))
    }

    /// The full text of the focused field's refusal (the row beside it may cut it).
    pub fn focused_error(&self) -> Option<&str> {
        self.fields.get(self.focus).and_then(|f| f.error.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(vec![
            FormField::info("hint", "form.none"),
            FormField::text("name", "field.name", 30).for_field(Field::Name),
            FormField::date("date", "field.date").for_field(Field::Date),
            FormField::number("n", "field.persons", 1, 10),
            FormField::choice(
                "c",
                "field.self_care",
                vec![("a".into(), "甲".into()), ("b".into(), "乙".into())],
                true,
            ),
            FormField::yes_no("alone", "field.lives_alone"),
        ])
    }

    #[test]
    fn focus_skips_info_and_wraps() {
        let mut f = form();
        assert_eq!(f.focus, 1);
        for _ in 0..5 {
            f.next(Lang::ZhCn);
        }
        assert_eq!(f.focus, 1, "wrapped past the info line");
        f.prev(Lang::ZhCn);
        assert_eq!(f.fields[f.focus].id, "alone");
    }

    #[test]
    fn a_field_is_checked_when_left() {
        let mut f = form();
        f.next(Lang::ZhCn);
        for c in "2021-02-30".chars() {
            f.handle(Key::ch(c));
        }
        assert!(f.fields[2].error.is_none(), "not while typing");
        f.next(Lang::ZhCn);
        assert!(
            f.fields[2]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("日期")),
            "{:?}",
            f.fields[2].error
        );
        for c in "11".chars() {
            f.handle(Key::ch(c));
        }
        f.next(Lang::En);
        assert!(f.fields[3]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("between 1 and 10")));
        assert!(!f.check_all(Lang::ZhCn));
        assert_eq!(f.focus, 2, "focus goes to the first refused field");
    }

    #[test]
    fn choices_cycle_and_yes_no_toggles() {
        let mut f = form();
        f.focus = 4;
        assert_eq!(f.choice("c"), "");
        f.handle(Key::plain(KeyCode::Right));
        assert_eq!(f.choice("c"), "a");
        f.handle(Key::plain(KeyCode::Right));
        f.handle(Key::plain(KeyCode::Right));
        assert_eq!(f.choice("c"), "", "back to none");
        f.handle(Key::plain(KeyCode::Left));
        assert_eq!(f.choice("c"), "b");
        f.focus = 5;
        f.handle(Key::ch(' '));
        assert!(f.yes("alone"));
        assert!(f.changed());
    }

    #[test]
    fn an_unknown_code_is_kept_not_replaced() {
        let mut f = form();
        f.set_choice("c", "zz");
        assert_eq!(f.choice("c"), "zz");
    }

    #[test]
    fn multi_choice_toggles_the_option_under_the_cursor() {
        let mut f = Form::new(vec![FormField::multi(
            "m",
            "field.key_group",
            vec![("x".into(), "X".into()), ("y".into(), "Y".into())],
        )]);
        f.handle(Key::ch(' '));
        f.handle(Key::plain(KeyCode::Right));
        f.handle(Key::ch(' '));
        assert_eq!(f.multi("m"), vec!["x".to_string(), "y".to_string()]);
        f.handle(Key::ch(' '));
        assert_eq!(f.multi("m"), vec!["x".to_string()]);
    }

    fn items() -> Vec<(String, String)> {
        [
            "助餐服务",
            "助浴服务",
            "助洁服务",
            "陪同就医",
            "康复护理",
            "精神慰藉",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("c{i}"), l.to_string()))
        .collect()
    }

    #[test]
    fn a_multi_choice_narrows_as_the_user_types() {
        let mut f = Form::new(vec![FormField::multi("m", "field.key_group", items())]);
        assert!(f.text_focused(), "typed letters go to the filter");
        for c in "zy".chars() {
            f.handle(Key::ch(c));
        }
        assert_eq!(f.fields[0].filter, "zy");
        f.handle(Key::ch(' '));
        assert_eq!(
            f.multi("m"),
            vec!["c1".to_string()],
            "助浴 is the one match"
        );
        // Moving keeps to the matches.
        f.handle(Key::plain(KeyCode::Right));
        assert_eq!(f.fields[0].index, Some(1));
        f.handle(Key::plain(KeyCode::Backspace));
        f.handle(Key::plain(KeyCode::Backspace));
        assert_eq!(f.fields[0].filter, "");
        for c in "康复".chars() {
            f.handle(Key::ch(c));
        }
        f.handle(Key::ch(' '));
        assert_eq!(f.multi("m"), vec!["c1".to_string(), "c4".to_string()]);
        // Nothing matches: Space chooses nothing.
        f.handle(Key::ch('x'));
        f.handle(Key::ch(' '));
        assert_eq!(f.multi("m").len(), 2);
        f.next(Lang::ZhCn);
        assert_eq!(f.fields[0].filter, "", "the filter goes with the focus");
    }

    #[test]
    fn a_long_single_choice_narrows_and_a_short_one_still_cycles() {
        let mut options = items();
        options.extend(
            items()
                .into_iter()
                .map(|(c, l)| (format!("{c}b"), format!("{l}乙"))),
        );
        let mut f = Form::new(vec![
            FormField::choice("long", "field.source", options, false),
            FormField::choice("short", "field.source", items(), false),
        ]);
        for c in "jsw".chars() {
            f.handle(Key::ch(c));
        }
        assert_eq!(f.choice("long"), "c5", "精神慰藉 is the first match");
        f.handle(Key::plain(KeyCode::Right));
        assert_eq!(f.choice("long"), "c5b");
        f.handle(Key::plain(KeyCode::Right));
        assert_eq!(f.choice("long"), "c5", "wraps among the matches");
        f.next(Lang::ZhCn);
        assert!(!f.text_focused(), "a short choice takes no typing");
        f.handle(Key::plain(KeyCode::Right));
        assert_eq!(f.choice("short"), "c1");
    }

    #[test]
    fn refusals_from_the_core_land_on_their_field() {
        let mut f = form();
        let e = ValidationError::new(Field::Name, Reason::Required);
        assert!(f.show_error(&e, Lang::ZhCn));
        assert_eq!(f.focus, 1);
        assert_eq!(f.focused_error(), Some("不能为空"));
    }
}

/// What every form screen shares: its key commands, moving between fields, the hint line
/// above the fields, and the cursor.
pub mod screen {
    use crossterm::event::KeyCode;
    use ratatui::layout::{Position, Rect};
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;
    use ratatui::Frame;

    use super::Form;
    use crate::i18n::{t, Lang};
    use crate::tui::env::Env;
    use crate::tui::keys::{Action, Command, Key};

    /// Save, next and previous field, back, and the choosing keys.
    pub fn commands() -> Vec<Command> {
        vec![
            Command::bar(&[Key::ctrl('s')], Action::Save, "cmd.save"),
            Command::bar(
                &[
                    Key::plain(KeyCode::Tab),
                    Key::plain(KeyCode::Down),
                    Key::plain(KeyCode::Enter),
                ],
                Action::NextField,
                "cmd.next_field",
            ),
            Command::bar(
                &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Up)],
                Action::PrevField,
                "cmd.prev_field",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
            Command::doc(
                &[
                    Key::plain(KeyCode::Left),
                    Key::plain(KeyCode::Right),
                    Key::ch(' '),
                ],
                "cmd.choose",
            ),
        ]
    }

    /// Moves the focus for NextField / PrevField; true when the action was one of them.
    pub fn navigate(form: &mut Form, action: Action, lang: Lang) -> bool {
        match action {
            Action::NextField => form.next(lang),
            Action::PrevField => form.prev(lang),
            _ => return false,
        }
        true
    }

    /// Where the fields go: below a hint line and an empty line.
    pub fn body(area: Rect) -> Rect {
        Rect::new(
            area.x + 1,
            area.y + 2,
            area.width.saturating_sub(1),
            area.height.saturating_sub(2),
        )
    }

    /// Draws the hint line (`hint_key`) and the form.
    pub fn render(form: &Form, frame: &mut Frame<'_>, area: Rect, env: &Env, hint_key: &str) {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", t(env.lang, hint_key)),
                env.theme.hint,
            )),
            Rect::new(area.x, area.y, area.width, 1),
        );
        form.render(frame, body(area), env);
    }

    /// The cursor of the form drawn by [`render`].
    pub fn cursor(form: &Form, area: Rect) -> Option<Position> {
        form.cursor(body(area))
    }
}
