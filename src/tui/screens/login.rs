//! Sign-in (and, on an uninitialised database, how to set one up).

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use zeroize::Zeroizing;

use super::{Destination, Outcome, Screen};
use crate::app::auth;
use crate::i18n::{t, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::text::fit;
use crate::tui::widgets::text_field::TextField;

/// The sign-in screen.
pub struct Login {
    username: TextField,
    password: TextField,
    on_password: bool,
    error: Option<String>,
}

impl Default for Login {
    fn default() -> Self {
        Self::new()
    }
}

impl Login {
    /// An empty sign-in form.
    pub fn new() -> Login {
        let mut password = TextField::new(128);
        password.masked = true;
        Login {
            username: TextField::new(32),
            password,
            on_password: false,
            error: None,
        }
    }

    fn rows(area: Rect) -> (Rect, Rect) {
        let x = area.x + 4 + 14;
        let w = 30.min(area.width.saturating_sub(20));
        (
            Rect::new(x, area.y + 6, w, 1),
            Rect::new(x, area.y + 8, w, 1),
        )
    }

    fn submit(&mut self, env: &mut Env) -> Outcome {
        if env.workstation.is_none() {
            return Outcome::None;
        }
        let password = Zeroizing::new(self.password.value().to_string());
        let username = self.username.value().trim().to_string();
        match auth::login(&mut env.store, &username, password, &*env.clock) {
            Ok(session) => {
                env.session = Some(session);
                env.reload_index();
                Outcome::OpenInstead(Destination::Home)
            }
            Err(e) => {
                self.error = Some(e.localize(env.lang));
                self.password.set_value("");
                self.on_password = true;
                Outcome::None
            }
        }
    }
}

impl Screen for Login {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "login.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, "cmd.login"),
            Command::bar(
                &[
                    Key::plain(KeyCode::Tab),
                    Key::plain(KeyCode::BackTab),
                    Key::plain(KeyCode::Up),
                    Key::plain(KeyCode::Down),
                ],
                Action::NextField,
                "cmd.next_field",
            ),
        ]
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::NextField => {
                self.on_password = !self.on_password;
                Outcome::None
            }
            Action::Open if !self.on_password => {
                self.on_password = true;
                Outcome::None
            }
            Action::Open => self.submit(env),
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        let field = if self.on_password {
            &mut self.password
        } else {
            &mut self.username
        };
        if field.handle(key) {
            self.error = None;
        }
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let Some(ws) = &env.workstation else {
            let text = vec![
                Line::from(""),
                Line::from(format!("  {}", t(lang, "tui.not_initialised"))),
                Line::from(""),
                Line::styled(format!("  {}", env.db_path.display()), env.theme.hint),
            ];
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
            return;
        };
        let mut lines = vec![
            Line::from(""),
            Line::styled(format!("    {}", t(lang, "login.welcome")), env.theme.title),
            Line::from(format!("    {}", env.org_name(&ws.org_code))),
        ];
        if ws.demo {
            lines.push(Line::styled(
                format!("    {}", t(lang, "tui.demo")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
        let (user_row, pass_row) = Self::rows(area);
        for (row, label, field, focused) in [
            (
                user_row,
                "field.username",
                &self.username,
                !self.on_password,
            ),
            (pass_row, "field.password", &self.password, self.on_password),
        ] {
            let label_area = Rect::new(area.x + 4, row.y, 14, 1);
            frame.render_widget(
                Paragraph::new(Span::styled(fit(t(lang, label), 13), env.theme.label)),
                label_area,
            );
            let style = if focused {
                env.theme.selected
            } else {
                env.theme.hint
            };
            frame.render_widget(
                Paragraph::new(" ".repeat(row.width as usize)).style(style),
                row,
            );
            field.render(frame, row, style, focused);
        }
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(Line::styled(e.clone(), env.theme.error)),
                Rect::new(area.x + 4, pass_row.y + 2, area.width.saturating_sub(8), 1),
            );
        }
        if ws.demo {
            frame.render_widget(
                Paragraph::new(Line::styled(t(lang, "login.demo_hint"), env.theme.hint)),
                Rect::new(area.x + 4, pass_row.y + 4, area.width.saturating_sub(8), 1),
            );
        }
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        env.workstation.as_ref()?;
        let (user_row, pass_row) = Self::rows(area);
        Some(if self.on_password {
            self.password.cursor(pass_row)
        } else {
            self.username.cursor(user_row)
        })
    }
}
