//! Text from bundles, spreadsheets and users never carries an escape sequence or a control
//! character to the screen. Input refuses them (`clean_line`), but stored data may predate a
//! rule or come from elsewhere, so these tests write them straight into the database, as a
//! record arriving from a bundle or an old import would be, then look at what reaches the
//! terminal: every cell of the busiest screens in a test buffer, the raw bytes the real binary
//! writes to a pseudo-terminal, and the output of `jiuzhu find`.

mod common;

use common::screen::{k, press, shown, typed};
use common::{jiuzhu, with_ctx, DemoWs};
use crossterm::event::KeyCode;
use jiuzhu::app::clue::{self, ClueDraft};
use jiuzhu::app::person;
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::text::is_forbidden;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::Connection;

/// Clear the screen.
const CSI_CLEAR: &str = "\x1b[2J";
/// Red text.
const CSI_RED: &str = "\x1b[31m";
/// Put "evil" on the clipboard of the user's own computer.
const OSC_52: &str = "\x1b]52;c;ZXZpbA==\x07";
/// The one-byte C1 form of CSI.
const C1_CSI: &str = "\u{9b}";
/// Right-to-left override: shows what follows backwards.
const RLO: &str = "\u{202E}";
/// Left-to-right isolate.
const LRI: &str = "\u{2066}";
/// Arabic letter mark (a bidirectional mark).
const ALM: &str = "\u{061C}";

/// Every character the hostile text carries that must not be shown, checked by name as well
/// as through `is_forbidden`, so a gap in that rule cannot hide itself.
const INJECTED: [char; 8] = [
    '\x1b', '\x07', '\0', '\x7f', '\u{9b}', '\u{202E}', '\u{2066}', '\u{061C}',
];

/// True for a character that must never be shown.
fn unsafe_char(c: char) -> bool {
    is_forbidden(c) || INJECTED.contains(&c)
}

/// The name that carries everything; its visible letters are what a search finds.
fn evil_name() -> String {
    format!("恶{OSC_52}意{RLO}名{LRI}字\0\x7f{C1_CSI}2J\x1b")
}

/// The name as it may be shown: every forbidden character gone.
fn evil_shown() -> String {
    jiuzhu::domain::text::for_display(&evil_name())
}

/// The names of the four hostile persons.
fn hostile_names() -> [String; 4] {
    [
        evil_name(),
        format!("{CSI_RED}红字{CSI_CLEAR}人"),
        format!("{RLO}反向{LRI}隔{ALM}离"),
        format!("空\0字\x7f符{C1_CSI}"),
    ]
}

/// Hostile values for the other free-text columns of a person.
fn hostile_columns() -> Vec<(&'static str, String)> {
    vec![
        (
            "address",
            format!("南昌市{CSI_CLEAR}青云谱区{RLO}广州路1号"),
        ),
        ("note", format!("备注{OSC_52}结束")),
        ("diseases", format!("高血压{CSI_RED}糖尿病{LRI}")),
        ("phone", format!("138{C1_CSI}8m00001234")),
        ("guardian_name", format!("监护{RLO}人\x1b")),
        ("guardian_phone", format!("0791{OSC_52}88123456")),
        ("emergency_contact", format!("紧急{CSI_CLEAR}\0联系")),
        ("assistance_certificate", format!("证{CSI_RED}号")),
    ]
}

/// Writes the hostile names straight into `db` over the persons `ids`, every hostile column
/// on the first and into every clue, and each search row rebuilt the way an arriving record's is.
fn make_hostile(db: &std::path::Path, ids: &[String]) {
    let conn = Connection::open(db).unwrap();
    for (id, name) in ids.iter().zip(hostile_names()) {
        conn.execute(
            "UPDATE persons SET name = ?1 WHERE id = ?2",
            rusqlite::params![name, id],
        )
        .unwrap();
    }
    for (column, value) in hostile_columns() {
        conn.execute(
            &format!("UPDATE persons SET {column} = ?1 WHERE id = ?2"),
            rusqlite::params![value, ids[0]],
        )
        .unwrap();
    }
    conn.execute(
        "UPDATE clues SET difficulty = ?1, reporter = ?2",
        rusqlite::params![
            format!("独居{OSC_52}行动不便{RLO}"),
            format!("楼栋长{CSI_CLEAR}")
        ],
    )
    .unwrap();
    for id in ids {
        jiuzhu::store::persons::reindex(&conn, id).unwrap();
    }
}

/// A demo workstation with four persons whose stored text is hostile, the first with a clue
/// waiting in the inbox.
fn workstation() -> DemoWs {
    let mut ws = DemoWs::new();
    let ids: Vec<String> = with_ctx(&mut ws, "demo", |ctx| {
        let ids: Vec<String> = ["甲", "乙", "丙", "丁"]
            .iter()
            .map(|n| {
                person::create(
                    ctx,
                    &PersonDraft {
                        name: (*n).into(),
                        community: "360104001001".into(),
                        address: "南昌市青云谱区广州路1号".into(),
                        assistance_status: "urban_minimum_living".into(),
                        ..Default::default()
                    },
                )
                .unwrap()
            })
            .collect();
        clue::record(
            ctx,
            &ClueDraft {
                person_id: ids[0].clone(),
                difficulty: "独居".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "neighbour".into(),
                reporter: "楼栋长".into(),
                found_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            },
        )
        .unwrap();
        ids
    });
    make_hostile(&ws.db(), &ids);
    ws
}

fn env(ws: &DemoWs) -> Env {
    common::screen::env(&ws.db(), Lang::ZhCn)
}

/// Draws `app` at `w`x`h` and asserts that no cell holds a forbidden character; returns the
/// screen as text.
fn draw_clean(app: &mut App, w: u16, h: u16, what: &str) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.size = ratatui::layout::Rect::new(0, 0, w, h);
    t.draw(|f| app.render(f)).unwrap();
    let buf = t.backend().buffer();
    for y in 0..h {
        for x in 0..w {
            let sym = buf[(x, y)].symbol();
            assert!(
                !sym.chars().any(unsafe_char),
                "{what} at {w}x{h}: cell ({x}, {y}) holds {sym:?}\n{}",
                shown(&t)
            );
        }
    }
    shown(&t)
}

#[test]
fn hostile_stored_text_never_reaches_a_screen_cell() {
    let ws = workstation();
    let session = ws.session("demo");
    let visible: String = evil_shown().chars().take(2).collect();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut app = App::signed_in(env(&ws), session.clone());
        let home = draw_clean(&mut app, w, h, "home with its inbox");
        assert!(
            home.contains(&visible),
            "the inbox lists the clue about {visible}: {home}"
        );
        press(&mut app, &[k(KeyCode::F(2))]);
        let list = draw_clean(&mut app, w, h, "person list");
        for name in ["红字", "反向", "空字符"] {
            assert!(list.contains(name), "{name} listed: {list}");
        }
        typed(&mut app, "恶");
        let found = draw_clean(&mut app, w, h, "person list searched");
        assert!(found.contains(&visible), "{found}");
        press(&mut app, &[k(KeyCode::Enter)]);
        let detail = draw_clean(&mut app, w, h, "person detail");
        assert!(detail.contains("人员档案：恶"), "{detail}");
        assert!(
            detail.contains("青云谱区"),
            "the address is shown: {detail}"
        );
        press(&mut app, &[k(KeyCode::Tab)]);
        draw_clean(&mut app, w, h, "person timeline");
        press(&mut app, &[k(KeyCode::Tab)]);
        draw_clean(&mut app, w, h, "person documents");
        press(&mut app, &[k(KeyCode::Tab), Key::ch('e')]);
        draw_clean(&mut app, w, h, "person edit form");
        press(&mut app, &[k(KeyCode::Esc)]);
        if app.dialog().is_some() {
            press(&mut app, &[Key::ch('y')]);
        }
        press(&mut app, &[Key::ch('h')]);
        draw_clean(&mut app, w, h, "household question");
        press(&mut app, &[k(KeyCode::Esc), Key::ch('x')]);
        draw_clean(&mut app, w, h, "new clue about the person");
        press(&mut app, &[k(KeyCode::Esc)]);
        if app.dialog().is_some() {
            press(&mut app, &[Key::ch('y')]);
        }
        // Back home, then the clue list and the clue itself.
        while app.depth() > 1 {
            press(&mut app, &[k(KeyCode::Esc)]);
        }
        typed(&mut app, "1");
        let clues = draw_clean(&mut app, w, h, "clue list");
        assert!(clues.contains(&visible), "{clues}");
        press(&mut app, &[k(KeyCode::Enter)]);
        let detail = draw_clean(&mut app, w, h, "clue detail");
        assert!(detail.contains("行动不便"), "{detail}");
    }
}

/// The real binary in a pseudo-terminal, searching for and opening the hostile person: the
/// bytes it writes carry no clipboard sequence, no bidirectional override, no C1 control.
#[cfg(unix)]
#[test]
fn the_terminal_receives_no_escape_sequence_from_stored_text() {
    use common::pty::Pty;
    use std::time::Duration;
    let ws = workstation();
    let data = ws.dir.path().to_str().unwrap().to_string();
    let mut t = Pty::spawn(&["--data-dir", &data], "C.UTF-8");
    t.sign_in("demo", "demo");
    t.send("\x1bOQ"); // F2
    t.wait_for("人员检索");
    // Every hostile person is on the list before a search.
    let all = t.wait_for("反向隔离");
    assert!(
        all.contains("[31m红字[2J人") && all.contains("空字符"),
        "{all}"
    );
    t.send("恶");
    let list = t.wait_for("匹配");
    assert!(list.contains("恶]52;c;ZXZpbA==意"), "{list}");
    t.send("\r");
    let detail = t.wait_for("人员档案：恶");
    assert!(detail.contains("青云谱区"), "{detail}");
    t.send("\x11"); // Ctrl+Q
    assert!(t.wait_exit(Duration::from_secs(20)), "quit with success");
    let raw = t.raw();
    let has = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(!raw.is_empty());
    assert!(
        !has(b"\x1b]52"),
        "an OSC 52 clipboard sequence reached the terminal"
    );
    assert!(
        !has(b"\x07"),
        "a bell (the end of an OSC) reached the terminal"
    );
    for bad in [RLO, LRI, ALM, C1_CSI] {
        assert!(
            !has(bad.as_bytes()),
            "{bad:?} reached the terminal: {:?}",
            String::from_utf8_lossy(&raw)
        );
    }
    assert!(
        !has(b"\0") && !has(b"\x7f"),
        "NUL or DEL reached the terminal"
    );
}

/// `jiuzhu find` prints stored names without any control character, one query at a time or
/// a query a line from stdin.
#[test]
fn find_prints_no_control_characters() {
    use std::io::Write;
    use std::process::Stdio;
    let ws = workstation();
    let out = jiuzhu(ws.dir.path())
        .args(["--user", "demo", "find", "恶"])
        .env("JIUZHU_PASSWORD", "demo")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&evil_shown()), "{text}");
    let clean = |s: &str| !s.chars().any(|c| c != '\n' && c != '\t' && unsafe_char(c));
    assert!(clean(&text), "{text:?}");
    assert!(!text.contains('\x1b'), "{text:?}");

    let mut child = jiuzhu(ws.dir.path())
        .args(["--user", "demo", "find", "-"])
        .env("JIUZHU_PASSWORD", "demo")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("恶\n红字\n反向\n空\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for name in hostile_names() {
        let name = jiuzhu::domain::text::for_display(&name);
        assert!(text.contains(&name), "{name}: {text}");
    }
    assert!(clean(&text), "{text:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
