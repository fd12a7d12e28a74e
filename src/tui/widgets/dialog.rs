//! Dialogs: confirm (yes/no), message and error. A dialog takes every key until answered.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::i18n::t;
use crate::tui::env::Env;
use crate::tui::keys::Key;
use crate::tui::text::wrap;
use crossterm::event::KeyCode;

/// What kind of dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A yes/no question.
    Confirm,
    /// A yes/no question only Y answers yes (Enter does nothing), for a decision that must
    /// not be taken by a key pressed once too often, such as trusting a key.
    Verify,
    /// Information; any confirming key closes it.
    Message,
    /// A refusal or failure.
    Error,
}

/// Who asked, so the answer reaches the right place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Quit although a form is unsaved.
    Quit,
    /// Leave the current screen although its form is unsaved.
    Leave,
    /// The screen's own question, with its tag.
    Screen(u32),
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// Who asked.
    pub purpose: Purpose,
    /// Yes (or acknowledged).
    pub yes: bool,
}

/// A dialog on top of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub kind: Kind,
    pub title: String,
    pub text: String,
    pub purpose: Purpose,
}

impl Dialog {
    /// A yes/no question.
    pub fn confirm(title: String, text: String, purpose: Purpose) -> Dialog {
        Dialog {
            kind: Kind::Confirm,
            title,
            text,
            purpose,
        }
    }

    /// A yes/no question that only Y answers yes.
    pub fn verify(title: String, text: String, purpose: Purpose) -> Dialog {
        Dialog {
            kind: Kind::Verify,
            title,
            text,
            purpose,
        }
    }

    /// An error message.
    pub fn error(title: String, text: String) -> Dialog {
        Dialog {
            kind: Kind::Error,
            title,
            text,
            purpose: Purpose::Screen(0),
        }
    }

    /// An information message.
    pub fn message(title: String, text: String) -> Dialog {
        Dialog {
            kind: Kind::Message,
            title,
            text,
            purpose: Purpose::Screen(0),
        }
    }

    /// The answer a key gives, if it gives one. Y/Enter say yes (only Y to a verifying
    /// question), N/Esc say no.
    pub fn answer(&self, key: Key) -> Option<Answer> {
        let question = matches!(self.kind, Kind::Confirm | Kind::Verify);
        let yes = match (self.kind, key.code) {
            (Kind::Confirm, KeyCode::Enter) => true,
            (Kind::Confirm | Kind::Verify, KeyCode::Char('y' | 'Y')) => true,
            (Kind::Confirm | Kind::Verify, KeyCode::Esc | KeyCode::Char('n' | 'N')) => false,
            (_, KeyCode::Enter | KeyCode::Esc | KeyCode::Char(' ')) if !question => true,
            _ => return None,
        };
        Some(Answer {
            purpose: self.purpose,
            yes,
        })
    }

    /// Draws the dialog centred in `area`.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let hint = match self.kind {
            Kind::Confirm => t(env.lang, "dialog.confirm_keys"),
            Kind::Verify => t(env.lang, "dialog.verify_keys"),
            _ => t(env.lang, "dialog.ok_keys"),
        };
        let inner_w = (area.width.saturating_sub(8)).min(60);
        let w = (inner_w + 4).min(area.width);
        // Each paragraph of the text wraps on its own, by display width, before the box is
        // sized: a long path or a Chinese sentence never runs out of the box.
        let lines: Vec<String> = self
            .text
            .split('\n')
            .flat_map(|p| wrap(p, usize::from(w.saturating_sub(2))))
            .collect();
        let h = (lines.len().min(usize::from(u16::MAX - 8)) as u16 + 4).min(area.height);
        let rect = Rect::new(
            area.x + area.width.saturating_sub(w) / 2,
            area.y + area.height.saturating_sub(h) / 2,
            w,
            h,
        );
        let style = match self.kind {
            Kind::Error => env.theme.error,
            _ => env.theme.title,
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(env.symbols.border)
            .title(Line::styled(format!(" {} ", self.title), style));
        let mut body: Vec<Line<'_>> = lines.into_iter().map(Line::from).collect();
        body.push(Line::from(""));
        body.push(Line::styled(hint, env.theme.hint));
        let body = Text::from(body);
        frame.render_widget(Clear, clear_area(rect, area));
        frame.render_widget(
            Paragraph::new(body).block(block).alignment(Alignment::Left),
            rect,
        );
    }
}

/// The area to clear under an overlay: one column wider on each side, so that a double-width
/// character straddling the overlay's edge is wiped whole instead of leaving half a glyph
/// that terminals draw over the border.
pub fn clear_area(rect: Rect, within: Rect) -> Rect {
    let x = rect.x.saturating_sub(1).max(within.x);
    let right = (rect.x + rect.width + 1).min(within.x + within.width);
    Rect::new(x, rect.y, right.saturating_sub(x), rect.height)
}
