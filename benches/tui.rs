//! The terminal UI on the 100k-person demo database: time to the first complete frame and
//! bytes per keystroke through a real pseudo-terminal, frame render time in process, and
//! resident memory while browsing. `cargo bench --bench tui`.

mod common;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use jiuzhu::app::SystemClock;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;
use jiuzhu::tui::theme::{Scheme, Symbols, Theme};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

struct Pty {
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<AtomicUsize>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn spawn(data_dir: &str) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jiuzhu"));
        cmd.args(["--data-dir", data_dir]);
        cmd.env("LANG", "C.UTF-8");
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let bytes = Arc::new(AtomicUsize::new(0));
        let (sink, count) = (Arc::clone(&parser), Arc::clone(&bytes));
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                count.fetch_add(n, Ordering::SeqCst);
                sink.lock().expect("parser").process(&buf[..n]);
            }
        });
        std::mem::forget(pair.master);
        Pty {
            writer,
            parser,
            bytes,
            child,
        }
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits until no byte has arrived for `quiet`.
    fn settle(&self, quiet: Duration) {
        let mut last = self.bytes.load(Ordering::SeqCst);
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(2));
            let now = self.bytes.load(Ordering::SeqCst);
            if now != last {
                last = now;
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                return;
            }
        }
    }
}

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
        let mut p = Pty::spawn(&data);
        p.wait_for("演示工作站：用户名 demo");
        firsts.push(t.elapsed());
        p.send("\x11");
        let _ = p.child.wait();
    }
    common::row(
        "open the TUI to the first complete frame",
        common::stats(firsts),
        None,
    );

    // Browse: sign in, open the person list, move down it; bytes per keystroke and memory.
    let mut p = Pty::spawn(&data);
    p.wait_for("用户名");
    let t = Instant::now();
    p.send("demo\rdemo\r");
    p.wait_for("主菜单");
    common::row(
        "sign in to the home screen (Argon2id, counts)",
        common::stats(vec![t.elapsed()]),
        None,
    );
    p.send("\x1bOQ");
    p.wait_for("共 ");
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
    let deadline = Instant::now() + Duration::from_secs(10);
    while p.child.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            eprintln!("did not quit; screen:\n{}", p.screen());
            let _ = p.child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
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
