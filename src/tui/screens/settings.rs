//! 系统设置: what this workstation is and how the UI looks; on a demo workstation, adding
//! synthetic people for training (long work, with a progress bar that can be cancelled).

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{Outcome, Screen};
use crate::app::{demo, Ctx, SystemClock};
use crate::i18n::{t, tf, Localize};
use crate::store::{OpenOptions, Store};
use crate::tui::env::Env;
use crate::tui::job::Job;
use crate::tui::keys::{Action, Command, Key};

/// How many synthetic people one press adds.
pub const DEMO_BATCH: usize = 1000;

/// The settings screen.
pub struct Settings {
    demo: bool,
}

impl Settings {
    /// The screen for this workstation.
    pub fn new(env: &Env) -> Settings {
        Settings {
            demo: env.workstation.as_ref().is_some_and(|w| w.demo),
        }
    }

    fn start_demo(env: &Env) -> Outcome {
        let Some(session) = env.session.clone() else {
            return Outcome::None;
        };
        let path = env.db_path.clone();
        let lang = env.lang;
        let seed = env.index.as_ref().map_or(0, |i| i.len() as u64);
        let job = Job::spawn(
            tf(lang, "settings.demo_job", &[("n", &DEMO_BATCH.to_string())]),
            move |progress| {
                let run = || -> Result<demo::Summary, crate::app::AppError> {
                    let mut store = Store::open(&path, &OpenOptions::default())?;
                    let clock = SystemClock;
                    let mut ctx = Ctx::new(&mut store, session, &clock)?;
                    demo::generate(&mut ctx, DEMO_BATCH, seed, &mut |done, total| {
                        progress(done as u64, total as u64)
                    })
                };
                run()
                    .map(|s| {
                        tf(
                            lang,
                            "settings.demo_done",
                            &[
                                ("persons", &s.persons.to_string()),
                                ("clues", &s.clues.to_string()),
                            ],
                        )
                    })
                    .map_err(|e| e.localize(lang))
            },
        );
        Outcome::Job(job)
    }
}

impl Screen for Settings {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "menu.settings").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        )];
        if self.demo {
            c.push(Command::bar(&[Key::ch('g')], Action::New, "cmd.demo_data"));
        }
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::New if self.demo => Self::start_demo(env),
            _ => Outcome::None,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let mut lines = vec![
            Line::from(""),
            Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "tui.database",
                    &[("path", &env.db_path.display().to_string())]
                )
            )),
        ];
        if let Some(ws) = &env.workstation {
            lines.push(Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "tui.workstation",
                    &[
                        ("org", env.org_name(&ws.org_code)),
                        ("tier", t(lang, ws.tier.label_key()))
                    ]
                )
            )));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            format!("  {}", t(lang, "settings.look")),
            env.theme.hint,
        ));
        lines.push(Line::styled(
            format!("  {}", t(lang, "settings.look_color")),
            env.theme.hint,
        ));
        if self.demo {
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "  {}",
                tf(
                    lang,
                    "settings.demo_hint",
                    &[("n", &DEMO_BATCH.to_string())]
                )
            )));
            lines.push(Line::styled(
                format!("  {}", t(lang, "settings.demo_cancel")),
                env.theme.hint,
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
