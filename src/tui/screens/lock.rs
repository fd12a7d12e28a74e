//! The idle lock: after a configurable time without a key, the screen hides everything and asks
//! the signed-in user's password again. The screens below stay as they were, so nothing typed
//! is lost. Wrong passwords count towards the account's lock-out like any sign-in.

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use zeroize::Zeroizing;

use super::{Outcome, Screen};
use crate::app::auth;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::text::{fit, safe};
use crate::tui::widgets::text_field::TextField;

/// Keys pressed this soon after the lock appears were meant for the screen it covers (the
/// user was typing as the idle time ran out): they never reach the password field.
const GRACE: chrono::Duration = chrono::Duration::seconds(1);

/// The locked screen.
pub struct LockScreen {
    password: TextField,
    error: Option<String>,
    /// When it appeared (the workstation's clock).
    since: chrono::DateTime<chrono::Utc>,
}

impl LockScreen {
    /// A lock asking for the password, appearing at `since`.
    pub fn new(since: chrono::DateTime<chrono::Utc>) -> LockScreen {
        let mut password = TextField::new(128);
        password.masked = true;
        LockScreen {
            password,
            error: None,
            since,
        }
    }

    /// True while keys still belong to what was typed before the lock.
    fn in_grace(&self, env: &Env) -> bool {
        env.clock.now() - self.since < GRACE
    }

    fn row(area: Rect) -> Rect {
        let x = area.x + 4 + 14;
        Rect::new(x, area.y + 6, 30.min(area.width.saturating_sub(20)), 1)
    }

    fn unlock(&mut self, env: &mut Env) -> Outcome {
        let Some(username) = env.session.as_ref().map(|s| s.username.clone()) else {
            return Outcome::None;
        };
        // Enter on an empty field is no attempt: it must not count towards the lock-out.
        if self.password.value().is_empty() {
            return Outcome::None;
        }
        let password = Zeroizing::new(self.password.value().to_string());
        self.password.set_value("");
        match auth::login(&mut env.store, &username, password, &*env.clock) {
            Ok(_) => Outcome::Pop,
            Err(e) => {
                self.error = Some(e.localize(env.lang));
                Outcome::None
            }
        }
    }
}

impl Screen for LockScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "lock.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.unlock",
        )]
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Open if !self.in_grace(env) => self.unlock(env),
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        if !self.in_grace(env) && self.password.handle(key) {
            self.error = None;
        }
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let user = env
            .session
            .as_ref()
            .map(|s| safe(&s.username))
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(""),
                Line::styled(format!("    {}", t(lang, "lock.locked")), env.theme.title),
                Line::from(format!("    {}", tf(lang, "lock.who", &[("user", &user)]))),
            ]),
            area,
        );
        let row = Self::row(area);
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(t(lang, "field.password"), 13),
                env.theme.label,
            )),
            Rect::new(area.x + 4, row.y, 14, 1),
        );
        frame.render_widget(
            Paragraph::new(" ".repeat(row.width as usize)).style(env.theme.selected),
            row,
        );
        self.password.render(frame, row, env.theme.selected, true);
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(Line::styled(e.clone(), env.theme.error)),
                Rect::new(area.x + 4, row.y + 2, area.width.saturating_sub(8), 1),
            );
        }
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        Some(self.password.cursor(Self::row(area)))
    }
}
