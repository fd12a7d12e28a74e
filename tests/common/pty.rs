//! The real binary in a pseudo-terminal, its screen parsed by vt100 (shared by the
//! end-to-end tests and the TUI benchmark).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

/// A running program in an 80x24 pseudo-terminal.
pub struct Pty {
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Bytes the program has written to the terminal so far.
    pub bytes: Arc<AtomicUsize>,
    /// Everything the program has written to the terminal, as written.
    raw: Arc<Mutex<Vec<u8>>>,
    /// The program.
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    /// Starts `jiuzhu ARGS` with locale `lang` and TERM=xterm-256color.
    pub fn spawn(args: &[&str], lang: &str) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jiuzhu"));
        cmd.args(args);
        cmd.env("LANG", lang);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let bytes = Arc::new(AtomicUsize::new(0));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (sink, count, copy) = (Arc::clone(&parser), Arc::clone(&bytes), Arc::clone(&raw));
        // Drain the terminal on a thread so the program never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                count.fetch_add(n, Ordering::SeqCst);
                copy.lock().expect("raw").extend_from_slice(&buf[..n]);
                sink.lock().expect("parser").process(&buf[..n]);
            }
        });
        // The master must outlive the child; it is released with the process.
        std::mem::forget(pair.master);
        Pty {
            writer,
            parser,
            bytes,
            raw,
            child,
        }
    }

    /// Every byte the program has written to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    /// Types `s` (UTF-8, as an input method commits it) or sends control sequences.
    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    /// The cursor as (row, column).
    pub fn cursor(&self) -> (u16, u16) {
        self.parser
            .lock()
            .expect("parser")
            .screen()
            .cursor_position()
    }

    /// True while the program shows the alternate screen.
    pub fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .expect("parser")
            .screen()
            .alternate_screen()
    }

    /// Waits until the screen shows `text` and two reads in a row are the same frame.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut last = String::new();
        loop {
            let now = self.screen();
            if now.contains(text) && now == last {
                return now;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{now}"
            );
            last = now;
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Signs in as `user` with `password` from the sign-in screen and waits for the home
    /// screen.
    pub fn sign_in(&mut self, user: &str, password: &str) {
        self.wait_for("用户名");
        self.send(&format!("{user}\r"));
        self.send(&format!("{password}\r"));
        self.wait_for("主菜单");
    }

    /// Waits until the screen first shows `text`, checking every millisecond (for timing how
    /// soon something appears; tests use [`Pty::wait_for`]).
    pub fn wait_shown(&self, text: &str) {
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

    /// Waits until the program has written nothing for `quiet`.
    pub fn settle(&self, quiet: Duration) {
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

    /// Waits up to `limit` for the program to end; kills it past that. True if it ended.
    pub fn wait_exit(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
