//! The terminal UI: one loop — terminal events → key map → actions → state → view.
//! Screens live in `screens` and open one another through `navigate` (a screen names a
//! `Destination`, never another screen), widgets in `widgets`; nothing here writes SQL or decides a
//! business rule: every change goes through `app`.

pub mod app;
pub mod env;
pub mod job;
pub mod keys;
pub mod navigate;
pub mod path_completion;
pub mod screens;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod viewer;
pub mod widgets;

use std::io::{self, BufRead, Write};
use std::time::Duration;

use crossterm::event::{self, Event};

use self::app::App;
use self::env::Env;
use self::keys::Key;
use self::theme::{Symbols, Theme};
use crate::app::SystemClock;
use crate::cli::Paths;
use crate::i18n::Lang;
use crate::store::{OpenOptions, Store, StoreError};

/// How the UI looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Look {
    /// ASCII borders and symbols only (`--ascii` or `JIUZHU_ASCII=1`).
    pub ascii: bool,
    /// The high-contrast colour scheme (`--high-contrast`).
    pub high_contrast: bool,
}

/// The locale variable that decides the terminal's character set, if it is not UTF-8.
fn non_utf8_locale() -> Option<String> {
    if cfg!(windows) {
        return None;
    }
    let value = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())?;
    let lower = value.to_ascii_lowercase();
    if lower.contains("utf-8") || lower.contains("utf8") {
        None
    } else {
        Some(value)
    }
}

/// Warns about a non-UTF-8 locale in plain text before the screen is taken; returns false
/// when the user chose to stop.
fn locale_warning_accepted() -> bool {
    let Some(locale) = non_utf8_locale() else {
        return true;
    };
    let mut out = io::stdout();
    let _ = writeln!(
        out,
        "{}",
        crate::i18n::tf(Lang::ZhCn, "tui.locale_warning", &[("locale", &locale)])
    );
    let _ = writeln!(
        out,
        "{}",
        crate::i18n::tf(Lang::En, "tui.locale_warning", &[("locale", &locale)])
    );
    let _ = out.flush();
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    !line.trim().eq_ignore_ascii_case("q")
}

/// The waiting notice: its text (in the user's language) and the status row it goes on.
static WAIT_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
static STATUS_ROW: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(22);

/// Told by the store when a save has waited over a second for another user's: writes the
/// notice straight onto the status row, since the loop itself is blocked in the save.
fn show_waiting(_: Duration) {
    use crossterm::{cursor, queue, style};
    let Some(text) = WAIT_TEXT.get() else {
        return;
    };
    let row = STATUS_ROW.load(std::sync::atomic::Ordering::Relaxed);
    let mut out = io::stdout();
    let _ = queue!(
        out,
        cursor::SavePosition,
        cursor::MoveTo(0, row),
        style::Print(text),
        cursor::RestorePosition
    );
    let _ = out.flush();
}

/// Runs the UI on the database of `paths` until the user quits. The terminal is restored on
/// every exit, including a panic (see `terminal`).
pub fn run(paths: &Paths, lang: Lang, look: Look) -> Result<(), StoreError> {
    // First run: an empty database to set up from the set-up form (owner-only, or for the
    // group in group mode).
    let store = if paths.db.exists() {
        Store::open(&paths.db, &OpenOptions::default())?
    } else {
        crate::store::data_dir::ensure_dir(&paths.data_dir)?;
        if let Some(parent) = paths.db.parent() {
            crate::store::data_dir::ensure_dir(parent)?;
        }
        Store::open(
            &paths.db,
            &OpenOptions {
                create: true,
                file_mode: crate::store::data_dir::file_mode_for(&paths.data_dir),
                ..OpenOptions::default()
            },
        )?
    };
    if !locale_warning_accepted() {
        return Ok(());
    }
    let theme = Theme::from_env(look.high_contrast);
    let ascii = look.ascii || std::env::var("JIUZHU_ASCII").is_ok_and(|v| v == "1");
    let symbols = if ascii {
        Symbols::ASCII
    } else {
        Symbols::STANDARD
    };
    let env = Env::new(
        store,
        paths.db.clone(),
        Box::new(SystemClock),
        lang,
        theme,
        symbols,
    );
    let _ = WAIT_TEXT.set(format!(" {}", crate::i18n::t(lang, "tui.waiting")));
    crate::store::busy::set_notifier(show_waiting, Duration::from_secs(1));
    let mut app = App::new(env);
    let mut terminal = terminal::enter().map_err(|e| StoreError::Io {
        path: paths.db.clone(),
        source: e,
    })?;
    let result = (|| -> io::Result<()> {
        while !app.quit {
            app.size = terminal
                .size()
                .map(|s| ratatui::layout::Rect::new(0, 0, s.width, s.height))?;
            STATUS_ROW.store(
                app.size.height.saturating_sub(2),
                std::sync::atomic::Ordering::Relaxed,
            );
            terminal.draw(|f| app.render(f))?;
            // Wake now and then for the clock and the background index load.
            let wait = if app.busy() { 100 } else { 500 };
            if !event::poll(Duration::from_millis(wait))? {
                app.tick();
                continue;
            }
            match event::read()? {
                Event::Key(k) => {
                    for key in Key::from_event(&k).map(Key::presses).unwrap_or_default() {
                        app.handle_key(key);
                    }
                }
                // Windows reports the buffer size, not the window's: redraw from the real size.
                Event::Resize(_, _) => terminal.autoresize()?,
                Event::Paste(text) => app.paste(&text),
                _ => {}
            }
            app.tick();
        }
        Ok(())
    })();
    terminal::leave();
    result.map_err(|e| StoreError::Io {
        path: paths.db.clone(),
        source: e,
    })
}
