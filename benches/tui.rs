//! The terminal UI on the 100k-person demo database: time to the first complete frame and
//! bytes per keystroke through a real pseudo-terminal, frame render time in process, and
//! resident memory while browsing. `cargo bench --bench tui`.

mod common;
#[path = "../tests/common/pty.rs"]
mod pty;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use jiuzhu::app::SystemClock;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;
use jiuzhu::tui::theme::{Scheme, Symbols, Theme};
use pty::Pty;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let dir = common::data_dir();
    let data = dir.to_str().expect("utf-8 path").to_string();

    // First complete frame: from spawning the program to the sign-in screen drawn.
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut p = Pty::spawn(&["--data-dir", &data], "C.UTF-8");
        p.wait_shown("演示工作站：用户名 demo");
        firsts.push(t.elapsed());
        p.send("\x11");
        p.wait_exit(Duration::from_secs(20));
    }
    common::row(
        "open the TUI to the first complete frame",
        common::stats(firsts),
        None,
    );

    // Browse: sign in, open the person list, move down it; bytes per keystroke and memory.
    let mut p = Pty::spawn(&["--data-dir", &data], "C.UTF-8");
    p.wait_shown("用户名");
    let t = Instant::now();
    p.send("demo\rdemo\r");
    p.wait_shown("主菜单");
    common::row(
        "sign in to the home screen (Argon2id, counts)",
        common::stats(vec![t.elapsed()]),
        None,
    );
    p.send("\x1bOQ");
    p.wait_shown("共 ");
    p.settle(Duration::from_millis(200));
    let mut per_key = Vec::new();
    for _ in 0..60 {
        let before = p.bytes.load(Ordering::SeqCst);
        p.send("\x1b[B");
        p.settle(Duration::from_millis(30));
        per_key.push(p.bytes.load(Ordering::SeqCst) - before);
    }
    per_key.sort_unstable();
    println!(
        "{:<44} median {:>6} B   p99 {:>6} B   max {:>6} B",
        "bytes written per Down key in the list",
        per_key[per_key.len() / 2],
        per_key[per_key.len() * 99 / 100],
        per_key[per_key.len() - 1]
    );
    for q in ["z", "h", "a", "n", "g"] {
        p.send(q);
    }
    p.settle(Duration::from_millis(100));
    p.send("\r");
    p.settle(Duration::from_millis(100));
    p.send("\x1b");
    p.settle(Duration::from_millis(100));
    if let Some(pid) = p.child.process_id() {
        match rss_kb(pid) {
            Some(kb) => println!(
                "{:<44} {:>8.1} MB",
                "resident memory while browsing 100k",
                kb as f64 / 1024.0
            ),
            None => println!("resident memory: /proc not readable here"),
        }
    }
    p.send("\x11");
    if !p.wait_exit(Duration::from_secs(20)) {
        eprintln!("did not quit; screen:\n{}", p.screen());
    }

    // Render time of the busiest screen (the person list with a query) in process.
    let store = common::open();
    let db = dir.join("jiuzhu.db");
    let mut env = Env::new(
        store,
        db,
        Box::new(SystemClock),
        Lang::ZhCn,
        Theme::new(Scheme::Standard),
        Symbols::STANDARD,
    );
    env.index_in_foreground = true;
    let mut app = App::signed_in(env, common::demo_session());
    app.handle_key(Key::plain(KeyCode::F(2)));
    for c in "zhang".chars() {
        app.handle_key(Key::ch(c));
    }
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        app.size = ratatui::layout::Rect::new(0, 0, w, h);
        let samples = common::time_each(300, || {
            app.handle_key(Key::plain(KeyCode::Down));
            term.draw(|f| app.render(f)).expect("draw");
        });
        common::row(
            &format!("render one frame of the person list, {w}x{h}"),
            common::stats(samples),
            None,
        );
    }
}
