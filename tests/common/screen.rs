//! Driving the terminal UI in process: an environment on a database with the fixed clock, key
//! presses, and what is drawn read back as text.

use std::path::Path;

use crossterm::event::KeyCode;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;
use jiuzhu::tui::theme::{Scheme, Symbols, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The UI's environment on database `db`: the common clock, standard colours, and the search
/// index built before the first frame (so no test waits for it).
pub fn env(db: &Path, lang: Lang) -> Env {
    let store = jiuzhu::store::Store::open(db, &Default::default()).unwrap();
    let mut env = Env::new(
        store,
        db.to_path_buf(),
        Box::new(super::clock()),
        lang,
        Theme::new(Scheme::Standard),
        Symbols::STANDARD,
    );
    env.index_in_foreground = true;
    env
}

/// Draws `app` on a `w`x`h` test terminal.
pub fn draw_at(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.size = ratatui::layout::Rect::new(0, 0, w, h);
    t.draw(|f| app.render(f)).unwrap();
    t
}

/// Draws `app` at 80x24.
pub fn draw(app: &mut App) -> Terminal<TestBackend> {
    draw_at(app, 80, 24)
}

/// Presses each key in turn.
pub fn press(app: &mut App, keys: &[Key]) {
    for k in keys {
        app.handle_key(*k);
    }
}

/// Types `s`, a key per character.
pub fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        app.handle_key(Key::ch(c));
    }
}

/// A key without modifiers.
pub fn k(code: KeyCode) -> Key {
    Key::plain(code)
}

/// Row `y` of the screen as text, each double-width character once.
pub fn row(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    let mut x = 0;
    while x < buf.area.width {
        let sym = buf[(x, y)].symbol();
        out.push_str(sym);
        x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
    }
    out
}

/// The whole screen as text, a line per row.
pub fn shown(t: &Terminal<TestBackend>) -> String {
    let height = t.backend().buffer().area.height;
    (0..height).map(|y| row(t, y) + "\n").collect()
}

/// `app` drawn at 80x24, as text.
pub fn screen(app: &mut App) -> String {
    shown(&draw(app))
}

/// Runs background work to its end, taking its result as the UI loop does.
pub fn finish_job(app: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while app.busy() {
        assert!(std::time::Instant::now() < deadline, "the work never ended");
        std::thread::sleep(std::time::Duration::from_millis(10));
        app.tick();
    }
}
