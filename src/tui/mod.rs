//! The terminal UI. This release shows a welcome screen that says what the workstation holds
//! and how to use the command line; the full shell arrives with its own release.

use std::io;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::cli::{show_path, Paths};
use crate::i18n::{t, tf, Lang};
use crate::store::{OpenOptions, Store};

/// What the welcome screen shows.
struct Welcome {
    lines: Vec<String>,
}

fn describe(paths: &Paths, lang: Lang) -> Welcome {
    let mut lines = vec![tf(lang, "tui.database", &[("path", &show_path(&paths.db))])];
    match Store::open(&paths.db, &OpenOptions::default()) {
        Ok(store) => match store.workstation() {
            Ok(ws) => {
                let tree = crate::store::orgs::tree(store.conn()).unwrap_or_default();
                lines.push(tf(
                    lang,
                    "tui.workstation",
                    &[
                        ("org", tree.name_of(&ws.org_code)),
                        ("tier", t(lang, ws.tier.label_key())),
                    ],
                ));
                if ws.demo {
                    lines.push(t(lang, "tui.demo").to_string());
                }
            }
            Err(_) => lines.push(t(lang, "tui.not_initialised").to_string()),
        },
        Err(_) => lines.push(t(lang, "tui.not_initialised").to_string()),
    }
    lines.push(String::new());
    lines.push(t(lang, "tui.placeholder").to_string());
    Welcome { lines }
}

fn render(frame: &mut Frame<'_>, w: &Welcome, lang: Lang) {
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(
        Paragraph::new(t(lang, "tui.title"))
            .style(Style::default().add_modifier(Modifier::REVERSED)),
        top,
    );
    let text = Text::from(
        w.lines
            .iter()
            .map(|l| Line::from(l.as_str()))
            .collect::<Vec<_>>(),
    );
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL)),
        body,
    );
    frame.render_widget(Paragraph::new(t(lang, "tui.keys")), bottom);
}

/// Runs the welcome screen until the user quits; the terminal is restored on every exit,
/// including a panic (ratatui's init installs the hook).
pub fn run(paths: &Paths, lang: Lang) -> io::Result<()> {
    let welcome = describe(paths, lang);
    let mut terminal = ratatui::init();
    let result = (|| -> io::Result<()> {
        loop {
            terminal.draw(|f| render(f, &welcome, lang))?;
            if let Event::Key(k) = event::read()? {
                // Only presses act: Windows also reports releases.
                if k.kind != KeyEventKind::Press {
                    continue;
                }
                let quit = matches!(k.code, KeyCode::Char('q') | KeyCode::Esc)
                    || (k.code == KeyCode::Char('q')
                        && k.modifiers.contains(KeyModifiers::CONTROL))
                    || (k.code == KeyCode::Char('c')
                        && k.modifiers.contains(KeyModifiers::CONTROL));
                if quit {
                    return Ok(());
                }
            }
        }
    })();
    ratatui::restore();
    result
}
