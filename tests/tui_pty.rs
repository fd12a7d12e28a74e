//! The real binary in a pseudo-terminal: sign in, search, add a person with a Chinese name
//! typed as UTF-8 (what an input method commits), check the cursor after wide characters,
//! save, find the person, quit; then the database holds the person and the terminal is back
//! from the alternate screen.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

struct Pty {
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn spawn(args: &[&str]) -> Pty {
        Pty::spawn_with_lang(args, "C.UTF-8")
    }

    fn spawn_with_lang(args: &[&str], lang: &str) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jiuzhu"));
        cmd.args(args);
        cmd.env("LANG", lang);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let sink = Arc::clone(&parser);
        // Drain the terminal on a thread so the program never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        // Keep the master alive as long as the child runs.
        std::mem::forget(pair.master);
        Pty {
            writer,
            parser,
            child,
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn cursor(&self) -> (u16, u16) {
        self.parser.lock().unwrap().screen().cursor_position()
    }

    /// Waits until the screen shows `text` and two reads in a row are the same frame.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
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
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[cfg(unix)]
#[test]
fn sign_in_search_add_a_person_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) =
        common::run(common::jiuzhu(dir.path()).args(["demo", "--persons", "60", "--seed", "3"]));
    assert_eq!(code, 0, "{err}");
    let data = dir.path().to_str().unwrap().to_string();
    let mut t = Pty::spawn(&["--data-dir", &data]);
    t.wait_for("用户名");
    t.send("demo\r");
    t.send("demo\r");
    t.wait_for("主菜单");
    t.send("\x1bOQ"); // F2
    t.wait_for("人员检索");
    t.send("\x0e"); // Ctrl+N
    t.wait_for("新增人员");
    t.send("王小明");
    t.wait_for("王小明");
    assert_eq!(
        t.cursor(),
        (3, 15 + 6),
        "cursor after three double-width characters"
    );
    t.send("\t11010519491231002x\t");
    t.wait_for("1949-12-31");
    t.send("\x13"); // Ctrl+S
    let detail = t.wait_for("人员档案：王小明");
    assert!(
        detail.contains("1101**********002X") || detail.contains("11010519491231002X"),
        "{detail}"
    );
    t.send("\x1b"); // Esc: back to the list
    t.wait_for("共 ");
    t.send("wxm");
    let list = t.wait_for("匹配");
    assert!(list.contains("王小明"), "{list}");
    t.send("\x11"); // Ctrl+Q
    let status = t.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.parser.lock().unwrap().screen().alternate_screen() {
        assert!(
            Instant::now() < deadline,
            "terminal left in the alternate screen"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let conn = rusqlite::Connection::open(dir.path().join("jiuzhu.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM persons WHERE name = '王小明' AND id_number = '11010519491231002X'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[cfg(unix)]
#[test]
fn a_non_utf8_locale_gets_a_plain_warning_first() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = common::run(common::jiuzhu(dir.path()).args(["demo", "--persons", "5"]));
    assert_eq!(code, 0, "{err}");
    let data = dir.path().to_str().unwrap().to_string();
    let mut t = Pty::spawn_with_lang(&["--data-dir", &data], "zh_CN.GBK");
    let shown = t.wait_for("not UTF-8");
    assert!(shown.contains("zh_CN.GBK"), "{shown}");
    t.send("q\r");
    let status = t.child.wait().unwrap();
    assert!(status.success());
}
