//! A menu entry whose screens arrive in a later release: says so plainly.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{Outcome, Screen};
use crate::i18n::t;
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crossterm::event::KeyCode;

/// A not-yet-built menu entry.
pub struct Placeholder {
    title_key: &'static str,
}

impl Placeholder {
    /// The placeholder of the menu entry titled `title_key`.
    pub fn new(title_key: &'static str) -> Placeholder {
        Placeholder { title_key }
    }
}

impl Screen for Placeholder {
    fn title(&self, env: &Env) -> String {
        t(env.lang, self.title_key).to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        )]
    }

    fn on_action(&mut self, _action: Action, _env: &mut Env) -> Outcome {
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let text = vec![
            Line::from(""),
            Line::from(format!("  {}", t(env.lang, "placeholder.later"))),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
    }
}
