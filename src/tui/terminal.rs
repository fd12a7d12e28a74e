//! Taking and giving back the terminal. ratatui's own `init` comes with a crossterm backend
//! built with underline colours, which legacy Windows consoles reject on every frame; this
//! uses the backend without them and restores the terminal on quit, on error and on panic.

use std::io::{self, Stdout};
use std::sync::Once;

use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui_crossterm::CrosstermBackend;

/// The terminal the UI draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Raw mode, alternate screen, and a panic hook that restores both before the report
/// (installed after color-eyre's, so the report lands on a normal screen).
pub fn enter() -> io::Result<Tui> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave();
            previous(info);
        }));
    });
    enable_raw_mode()?;
    if let Err(e) = execute!(io::stdout(), EnterAlternateScreen) {
        leave();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(io::stdout())) {
        Ok(t) => Ok(t),
        Err(e) => {
            leave();
            Err(e)
        }
    }
}

/// Gives the terminal back as it was; safe to call more than once.
pub fn leave() {
    // Raw mode off first, so anything printed after is not drawn as a staircase.
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}
