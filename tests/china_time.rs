//! Every date shown is China time (UTC+8): at 02:00 China time the UTC date is still the day
//! before, and the screens and prints must show the China day.

mod common;

use chrono::{DateTime, Utc};
use common::history::{in_service, C1};
use common::screen::{k, press, screen, typed};
use common::DemoWs;
use crossterm::event::KeyCode;
use jiuzhu::app::{document, print, FixedClock, Session};
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::theme::{Scheme, Symbols, Theme};

/// 2026-11-30 02:00 China time, which is 2026-11-29 18:00 UTC.
const LATE: &str = "2026-11-29T18:00:00Z";
const CHINA_DAY: &str = "2026-11-30";
const UTC_DAY: &str = "2026-11-29";

fn late_clock() -> FixedClock {
    FixedClock(
        DateTime::parse_from_rfc3339(LATE)
            .unwrap()
            .with_timezone(&Utc),
    )
}

fn app_at_two_in_the_morning(ws: &DemoWs) -> App {
    let store = jiuzhu::store::Store::open(&ws.db(), &Default::default()).unwrap();
    let mut env = Env::new(
        store,
        ws.db(),
        Box::new(late_clock()),
        Lang::ZhCn,
        Theme::new(Scheme::Standard),
        Symbols::STANDARD,
    );
    env.index_in_foreground = true;
    let u = ws.users.iter().find(|u| u.username == "demo").unwrap();
    App::signed_in(
        env,
        Session {
            username: u.username.clone(),
            grants: u.grants.clone(),
        },
    )
}

#[test]
fn at_two_in_the_morning_screens_and_prints_show_the_china_day() {
    let mut ws = DemoWs::new();
    let case_id = in_service(&mut ws, "张三", C1, "2026-11-20");
    let pid: String = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row("SELECT id FROM persons WHERE name = '张三'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("id.jpg");
    std::fs::write(&scan, b"\xFF\xD8\xFF\xE0 jpeg bytes").unwrap();
    let clock = late_clock();
    let printed = {
        let session = ws.session("demo");
        let mut ctx = jiuzhu::app::Ctx::new(&mut ws.store, session, &clock).unwrap();
        document::attach(&mut ctx, &pid, "id_card", &scan).unwrap();
        let path = print::needs_form(&mut ctx, &case_id, Lang::ZhCn).unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    // The print's footer: printed on the China day.
    assert!(printed.contains("2026年11月30日"), "{printed}");
    assert!(!printed.contains("2026年11月29日"), "{printed}");

    let mut app = app_at_two_in_the_morning(&ws);
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, "张三");
    press(&mut app, &[k(KeyCode::Enter)]);
    // The timeline: the scan filed at 02:00 China time.
    press(&mut app, &[k(KeyCode::Right)]);
    let timeline = screen(&mut app);
    assert!(
        timeline.contains(&format!("{CHINA_DAY} 02:00")),
        "{timeline}"
    );
    // The documents: the scan's date.
    press(&mut app, &[k(KeyCode::Right)]);
    let docs = screen(&mut app);
    assert!(docs.contains("id.jpg"), "{docs}");
    let scan_line = docs.lines().find(|l| l.contains("id.jpg")).unwrap();
    assert!(scan_line.contains(CHINA_DAY), "{docs}");
    assert!(!scan_line.contains(UTC_DAY), "{docs}");
    // The top bar's date.
    assert!(docs.lines().next().unwrap().contains(CHINA_DAY), "{docs}");
}
