//! The real binary in a pseudo-terminal: sign in, search, add a person with a Chinese name
//! typed as UTF-8 (what an input method commits), check the cursor after wide characters,
//! save, find the person, quit; then the database holds the person and the terminal is back
//! from the alternate screen.

mod common;

use std::time::{Duration, Instant};

use common::pty::Pty;

#[cfg(unix)]
#[test]
fn sign_in_search_add_a_person_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) =
        common::run(common::jiuzhu(dir.path()).args(["demo", "--persons", "60", "--seed", "3"]));
    assert_eq!(code, 0, "{err}");
    let data = dir.path().to_str().unwrap().to_string();
    let mut t = Pty::spawn(&["--data-dir", &data], "C.UTF-8");
    t.sign_in("demo", "demo");
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
    assert!(t.wait_exit(Duration::from_secs(20)), "quit with success");
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.alternate_screen() {
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
    let mut t = Pty::spawn(&["--data-dir", &data], "zh_CN.GBK");
    let shown = t.wait_for("not UTF-8");
    assert!(shown.contains("zh_CN.GBK"), "{shown}");
    t.send("q\r");
    assert!(t.wait_exit(Duration::from_secs(20)));
}
