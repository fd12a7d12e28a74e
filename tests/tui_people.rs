//! The people screens driven by keys without a terminal, with insta snapshots at 80x24 in
//! Chinese: the duplicate check at the door, the household screen, the merge screen, and the
//! transfer form and list.

mod common;

use common::clock;
use common::screen::{draw, k, press, screen, typed};
use crossterm::event::KeyCode;
use jiuzhu::app::{demo, person, Ctx, Session};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;
use jiuzhu::tui::theme::{Scheme, Symbols, Theme};
use rusqlite::Connection;

const C1: &str = "360104001001";
const ZHANG_ID: &str = "11010519491231002X";

/// A demo workstation with 张三 (enrolled), 李四, 王五 and 赵六 in one community, and the
/// `demo` session.
fn workstation() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jiuzhu.db");
    let c = clock();
    let (mut store, users) = demo::setup(dir.path(), &db, &c).unwrap();
    let session = Session {
        username: "demo".into(),
        grants: users[0].grants.clone(),
    };
    let mut ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
    for (name, id, phone) in [
        ("张三", ZHANG_ID, "13800001234"),
        ("李四", "", "13912345678"),
        ("王五", "", ""),
        ("赵六", "360104195003070027", ""),
    ] {
        let pid = person::create(
            &mut ctx,
            &PersonDraft {
                name: name.into(),
                id_number: id.into(),
                community: C1.into(),
                phone: phone.into(),
                address: "南昌市青云谱区广州路1号".into(),
                ..Default::default()
            },
        )
        .unwrap();
        if name == "张三" {
            person::enrol(&mut ctx, &pid).unwrap();
        }
    }
    (dir, session)
}

fn app(dir: &tempfile::TempDir, session: &Session) -> App {
    let env = common::screen::env(&dir.path().join("jiuzhu.db"), Lang::ZhCn);
    App::signed_in(env, session.clone())
}

fn snap(app: &mut App, name: &str) {
    let t = draw(app);
    insta::assert_snapshot!(format!("{name}_zh-CN_80x24"), t.backend());
}

fn title(app: &mut App) -> String {
    screen(app).lines().nth(1).unwrap_or_default().to_string()
}

fn conn(dir: &tempfile::TempDir) -> Connection {
    Connection::open(dir.path().join("jiuzhu.db")).unwrap()
}

/// Opens the file of the person the query finds first.
fn open_person(app: &mut App, query: &str) {
    press(app, &[k(KeyCode::F(2))]);
    typed(app, query);
    press(app, &[k(KeyCode::Enter)]);
}

#[test]
fn possible_duplicates_are_shown_before_saving() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('n')]);
    typed(&mut app, "章三");
    // name → ID number → address → 救助身份 → community → phone
    press(
        &mut app,
        &[
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
        ],
    );
    typed(&mut app, "138 0000 1234");
    press(&mut app, &[Key::ctrl('s')]);
    snap(&mut app, "dup_panel");
    let depth = app.depth();
    // Enter opens the candidate on top; back again, the list and the typed form wait.
    press(&mut app, &[k(KeyCode::Enter)]);
    assert_eq!(app.depth(), depth + 1);
    assert!(title(&mut app).contains("张三"), "{}", title(&mut app));
    press(&mut app, &[k(KeyCode::Esc)]);
    assert!(screen(&mut app).contains("可能重复"));
    // Typing does nothing while the list is shown; Ctrl+S does not save past it either.
    typed(&mut app, "x");
    press(&mut app, &[Key::ctrl('s')]);
    let n = |dir: &tempfile::TempDir| -> i64 {
        conn(dir)
            .query_row(
                "SELECT count(*) FROM persons WHERE name = '章三'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(n(&dir), 0);
    // Esc goes back to the form, Ctrl+S shows the list again, N saves anyway.
    press(&mut app, &[k(KeyCode::Esc)]);
    assert!(!screen(&mut app).contains("可能重复"));
    press(&mut app, &[Key::ctrl('s')]);
    assert!(screen(&mut app).contains("可能重复"));
    press(&mut app, &[Key::ch('n')]);
    assert_eq!(n(&dir), 1);
    assert!(title(&mut app).contains("章三"), "{}", title(&mut app));
}

#[test]
fn an_id_number_on_record_offers_its_holder() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('n')]);
    typed(&mut app, "张叁");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, ZHANG_ID);
    press(&mut app, &[Key::ctrl('s')]);
    snap(&mut app, "dup_existing_id");
    let d = app.dialog().expect("the offer");
    assert!(
        d.text.contains("张三") && d.text.contains("洪都新村社区"),
        "{}",
        d.text
    );
    let depth = app.depth();
    press(&mut app, &[Key::ch('y')]);
    assert_eq!(app.depth(), depth, "the file replaces the form");
    assert!(
        title(&mut app).contains("人员档案：张三"),
        "{}",
        title(&mut app)
    );
    let n: i64 = conn(&dir)
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4, "nothing saved");
}

#[test]
fn a_household_by_keys() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    open_person(&mut app, "31002X");
    assert!(title(&mut app).contains("张三"));
    press(&mut app, &[Key::ch('h')]);
    assert!(app.dialog().is_some_and(|d| d.text.contains("户主")));
    press(&mut app, &[Key::ch('y')]);
    assert!(
        title(&mut app).contains("家庭户：户主 张三"),
        "{}",
        title(&mut app)
    );
    // A adds a member chosen in the person list, with the relation from the register.
    press(&mut app, &[Key::ch('a')]);
    typed(&mut app, "lisi");
    press(&mut app, &[k(KeyCode::Enter)]);
    press(&mut app, &[k(KeyCode::Right)]);
    snap(&mut app, "household_relation");
    press(&mut app, &[Key::ctrl('s')]);
    press(&mut app, &[Key::ch('a')]);
    typed(&mut app, "wangwu");
    press(&mut app, &[k(KeyCode::Enter), Key::ctrl('s')]);
    snap(&mut app, "household");
    // The head cannot be removed while others remain: the reason is told.
    press(&mut app, &[Key::ch('d'), Key::ch('y')]);
    let d = app.dialog().expect("the refusal");
    assert!(d.text.contains("请先变更户主"), "{}", d.text);
    press(&mut app, &[k(KeyCode::Enter)]);
    // H makes 王五 (spouse, second) the head; the former head becomes her spouse.
    press(&mut app, &[k(KeyCode::Down), Key::ch('h'), Key::ctrl('s')]);
    assert!(
        title(&mut app).contains("家庭户：户主 王五"),
        "{}",
        title(&mut app)
    );
    // D removes 李四; his file stays.
    press(
        &mut app,
        &[
            k(KeyCode::Down),
            k(KeyCode::Down),
            Key::ch('d'),
            Key::ch('y'),
        ],
    );
    let shown = screen(&mut app);
    assert!(
        shown.contains("共 2 人") && !shown.contains("李四"),
        "{shown}"
    );
    press(&mut app, &[k(KeyCode::Esc)]);
    snap(&mut app, "detail_household");
    let c = conn(&dir);
    let (relation, head): (String, String) = c
        .query_row(
            "SELECT p.relation, h.head_person_id = (SELECT id FROM persons WHERE name = '王五')
             FROM persons p JOIN households h ON h.id = p.household_id WHERE p.name = '张三'",
            [],
            |r| Ok((r.get(0)?, r.get::<_, bool>(1)?.to_string())),
        )
        .unwrap();
    assert_eq!((relation.as_str(), head.as_str()), ("spouse", "true"));
    let li: Option<String> = c
        .query_row(
            "SELECT household_id FROM persons WHERE name = '李四'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(li, None);
}

#[test]
fn merging_a_duplicate_by_keys() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    // Two ID numbers are two people: the screen says so before a reason is typed.
    open_person(&mut app, "31002X");
    press(&mut app, &[Key::ch('m')]);
    typed(&mut app, "070027");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(
        screen(&mut app).contains("身份证号不同"),
        "{}",
        screen(&mut app)
    );
    typed(&mut app, "重复");
    press(&mut app, &[Key::ctrl('s')]);
    assert!(app
        .dialog()
        .is_some_and(|d| d.text.contains("身份证号不同") && d.title.contains("出错")));
    press(
        &mut app,
        &[k(KeyCode::Enter), k(KeyCode::Esc), Key::ch('y')],
    );
    press(&mut app, &[k(KeyCode::F(10))]);
    // A second record of 张三, saved past the duplicate list.
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('n')]);
    typed(&mut app, "张叁");
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    typed(&mut app, "13800001234");
    press(&mut app, &[Key::ctrl('s'), Key::ch('n')]);
    assert!(title(&mut app).contains("张叁"));
    // M picks the other record; both side by side, the one on screen kept.
    press(&mut app, &[Key::ch('m')]);
    assert!(title(&mut app).contains("合并"), "{}", title(&mut app));
    typed(&mut app, "31002X");
    press(&mut app, &[k(KeyCode::Enter)]);
    typed(&mut app, "同一人重复登记");
    snap(&mut app, "merge");
    // Ctrl+T keeps the enrolled record instead; Ctrl+S asks, Y merges.
    press(&mut app, &[Key::ctrl('t'), Key::ctrl('s')]);
    assert!(app
        .dialog()
        .is_some_and(|d| d.text.contains("把「张叁」合并到「张三」")));
    press(&mut app, &[Key::ch('y')]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("已注销") && shown.contains("已合并到") && shown.contains("同一人重复登记"),
        "{shown}"
    );
    let c = conn(&dir);
    let (status, into): (String, String) = c
        .query_row(
            "SELECT p.status, k.name FROM persons p JOIN persons k ON k.id = p.merged_into
             WHERE p.name = '张叁'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), into.as_str()), ("cancelled", "张三"));
}

#[test]
fn a_transfer_sent_and_received_by_keys() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    open_person(&mut app, "31002X");
    press(&mut app, &[Key::ch('t')]);
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "投靠子女");
    snap(&mut app, "transfer_form");
    press(&mut app, &[Key::ctrl('s')]);
    assert!(app.dialog().is_some_and(|d| d.text.contains("顺化门社区")));
    press(&mut app, &[Key::ch('y')]);
    let shown = screen(&mut app);
    assert!(shown.contains("待顺化门社区接收"), "{shown}");
    // Home lists it for the receiving side as a task; T opens the list.
    press(&mut app, &[k(KeyCode::F(10))]);
    let shown = screen(&mut app);
    let lines: Vec<&str> = shown.lines().filter(|l| l.contains("迁入待接收")).collect();
    assert_eq!(lines.len(), 1, "{shown}");
    press(&mut app, &[Key::ch('t')]);
    snap(&mut app, "transfers");
    press(&mut app, &[Key::ch('r'), Key::ch('y')]);
    let d = app.dialog().expect("the new number is told");
    assert!(d.text.contains("360104001002-0001"), "{}", d.text);
    press(&mut app, &[k(KeyCode::Enter), k(KeyCode::F(10))]);
    let shown = screen(&mut app);
    assert!(
        !shown.contains("迁入待接收"),
        "received: off the list\n{shown}"
    );
    // Ctrl+T in the archive opens the same list.
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('t')]);
    assert!(title(&mut app).contains("迁移接收"));
    let (community, no): (String, String) = conn(&dir)
        .query_row(
            "SELECT community, service_no FROM persons WHERE name = '张三'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (community.as_str(), no.as_str()),
        ("360104001002", "360104001002-0001")
    );
}

#[test]
fn the_new_screens_bind_each_key_once() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    let check = |app: &App| jiuzhu::tui::keys::check_unique(&app.commands()).unwrap();
    open_person(&mut app, "31002X");
    check(&app);
    press(&mut app, &[Key::ch('h'), Key::ch('y')]);
    check(&app);
    press(&mut app, &[Key::ch('a')]);
    check(&app);
    press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Esc), Key::ch('m')]);
    check(&app);
    press(&mut app, &[k(KeyCode::Esc), Key::ch('t')]);
    check(&app);
    press(
        &mut app,
        &[k(KeyCode::Esc), k(KeyCode::Esc), k(KeyCode::Esc)],
    );
    press(&mut app, &[Key::ctrl('t')]);
    check(&app);
}

#[test]
fn a_supervisor_sees_masked_facts_and_reveals_them_with_a_reason() {
    let (dir, _) = workstation();
    let users = demo::demo_users();
    let supervisor = users.iter().find(|u| u.username == "supervisor").unwrap();
    let session = Session {
        username: "supervisor".into(),
        grants: supervisor.grants.clone(),
    };
    let mut app = app(&dir, &session);
    open_person(&mut app, "张三");
    let s = screen(&mut app);
    assert!(s.contains("张三"), "{s}");
    assert!(
        !s.contains(ZHANG_ID) && s.contains("1101**********002X"),
        "{s}"
    );
    assert!(
        !s.contains("13800001234") && s.contains("138****1234"),
        "{s}"
    );
    assert!(!s.contains("广州路1号") && s.contains("已隐藏"), "{s}");
    // V asks the reason; an empty one is refused by name.
    press(&mut app, &[Key::ch('v')]);
    assert!(screen(&mut app).contains("查看原因"));
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(!screen(&mut app).contains(ZHANG_ID), "no reason, no reveal");
    typed(&mut app, "核对投诉材料");
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(
        s.contains(ZHANG_ID) && s.contains("13800001234") && s.contains("广州路1号"),
        "{s}"
    );
    let (event, subject, detail): (String, String, String) = conn(&dir)
        .query_row(
            "SELECT event, subject, detail FROM access_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (event.as_str(), detail.as_str()),
        ("reveal", "核对投诉材料")
    );
    let pid: String = conn(&dir)
        .query_row("SELECT id FROM persons WHERE name = '张三'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        subject, pid,
        "whose facts, by record id, never the ID number"
    );
    // Leaving the screen ends the reveal.
    press(&mut app, &[k(KeyCode::Esc)]);
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(s.contains("张三") && !s.contains(ZHANG_ID), "{s}");
}

/// A clock the test moves forward.
#[derive(Clone)]
struct StepClock(std::sync::Arc<std::sync::Mutex<chrono::DateTime<chrono::Utc>>>);

impl jiuzhu::app::Clock for StepClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
}

#[test]
fn an_idle_screen_locks_and_keeps_what_was_typed() {
    let (dir, session) = workstation();
    let db = dir.path().join("jiuzhu.db");
    let store = jiuzhu::store::Store::open(&db, &Default::default()).unwrap();
    let clock = StepClock(std::sync::Arc::new(std::sync::Mutex::new(clock().0)));
    let mut env = Env::new(
        store,
        db,
        Box::new(clock.clone()),
        Lang::ZhCn,
        Theme::new(Scheme::Standard),
        Symbols::STANDARD,
    );
    env.index_in_foreground = true;
    let mut app = App::signed_in(env, session);
    open_person(&mut app, "张三");
    press(&mut app, &[Key::ch('e')]);
    typed(&mut app, "补");
    let before = screen(&mut app);
    // Nine minutes without a key: still open.
    *clock.0.lock().unwrap() += chrono::Duration::minutes(9);
    app.tick();
    assert!(!app.locked());
    // Ten: locked, and nothing of the person shows.
    *clock.0.lock().unwrap() += chrono::Duration::minutes(1);
    app.tick();
    assert!(app.locked());
    let s = screen(&mut app);
    assert!(
        s.contains("屏幕已锁定") && !s.contains("张三") && !s.contains("13800001234"),
        "{s}"
    );
    // Keys typed in the instant the lock appears were meant for the form: they never reach the
    // password field, nor does Enter try them.
    typed(&mut app, "demo");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(app.locked());
    *clock.0.lock().unwrap() += chrono::Duration::seconds(2);
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(app.locked(), "the field is empty");
    // Global keys do not get past the lock.
    press(&mut app, &[k(KeyCode::F(2))]);
    assert!(app.locked() && screen(&mut app).contains("屏幕已锁定"));
    // A wrong password is refused; the right one returns to the form as it was.
    typed(&mut app, "wrong");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(app.locked());
    typed(&mut app, "demo");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(!app.locked());
    // The same form, typing kept (the top bar's clock has moved on).
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&screen(&mut app)), body(&before));
    let events: Vec<String> = {
        let c = conn(&dir);
        let mut stmt = c
            .prepare("SELECT event FROM access_log ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let tail: Vec<&str> = events
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["screen_locked", "login_failed", "login"]);
}

#[test]
fn a_supervisor_browses_both_logs_by_person_user_date_and_action() {
    let (dir, _) = workstation();
    let users = demo::demo_users();
    let supervisor = users.iter().find(|u| u.username == "supervisor").unwrap();
    let session = Session {
        username: "supervisor".into(),
        grants: supervisor.grants.clone(),
    };
    let mut app = self::app(&dir, &session);
    press(&mut app, &[Key::ch('0'), Key::ch('l')]);
    let s = screen(&mut app);
    assert!(
        s.contains("审计日志") && s.contains("访问日志") && s.contains("init"),
        "{s}"
    );
    // The change log, filtered by a person's name.
    press(&mut app, &[k(KeyCode::Tab), Key::ch('f')]);
    typed(&mut app, "张三");
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(
        s.contains("“张三”") && s.contains("张三") && !s.contains("李四"),
        "{s}"
    );
    // By date (China day) and action.
    press(
        &mut app,
        &[Key::ch('f'), k(KeyCode::Backspace), k(KeyCode::Backspace)],
    );
    typed(&mut app, "2026-11-27");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(screen(&mut app).contains("没有符合的记录"));
    press(&mut app, &[Key::ch('f')]);
    for _ in 0..10 {
        press(&mut app, &[k(KeyCode::Backspace)]);
    }
    typed(&mut app, "2026-11-28 person.create");
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(s.contains("李四") && s.contains("张三"), "{s}");
    // Someone who may not inspect has no such key.
    let (dir2, demo_session) = workstation();
    let users = demo::demo_users();
    let officer = users.iter().find(|u| u.username == "info_officer").unwrap();
    let mut app2 = self::app(
        &dir2,
        &Session {
            username: "info_officer".into(),
            grants: officer.grants.clone(),
        },
    );
    press(&mut app2, &[Key::ch('0'), Key::ch('l')]);
    assert!(!screen(&mut app2).contains("访问日志"));
    drop(demo_session);
}

#[test]
fn an_administrator_adds_a_user_sets_a_password_and_disables_them_by_keys() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    press(&mut app, &[Key::ch('0'), Key::ch('u')]);
    assert!(screen(&mut app).contains("用户管理"));
    press(&mut app, &[Key::ch('n')]);
    typed(&mut app, "liuxia");
    // No real name (the username stands for it). Roles: the first (系统管理员) skipped, the
    // second (信息员) ticked.
    press(
        &mut app,
        &[
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Right),
            Key::ch(' '),
        ],
    );
    // The unit as it is, no provider.
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    typed(&mut app, "Hongdu-2026");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "Hongdu-2026");
    let ctrl_s = Key {
        code: KeyCode::Char('s'),
        mods: crossterm::event::KeyModifiers::CONTROL,
    };
    press(&mut app, &[ctrl_s]);
    let s = screen(&mut app);
    assert!(s.contains("liuxia") && s.contains("信息员"), "{s}");
    let login = |pw: &str| {
        let mut store =
            jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
        jiuzhu::app::auth::login(
            &mut store,
            "liuxia",
            zeroize::Zeroizing::new(pw.into()),
            &clock(),
        )
    };
    assert!(login("Hongdu-2026").is_ok());
    // Select the new user (the list is by username) and set a new password.
    let row = s.lines().filter(|l| l.contains("liuxia")).count();
    assert_eq!(row, 1);
    for _ in 0..10 {
        if screen(&mut app)
            .lines()
            .any(|l| l.contains("liuxia") && l.contains('>'))
        {
            break;
        }
        press(&mut app, &[k(KeyCode::Down)]);
    }
    press(&mut app, &[Key::ch('p'), k(KeyCode::Tab)]);
    typed(&mut app, "Second-pass-9");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "Second-pass-9");
    press(&mut app, &[ctrl_s]);
    assert!(login("Second-pass-9").is_ok(), "{}", screen(&mut app));
    press(&mut app, &[Key::ch('d'), Key::ch('y')]);
    let s = screen(&mut app);
    assert!(
        s.lines()
            .any(|l| l.contains("liuxia") && l.contains("已停用")),
        "{s}"
    );
    assert!(matches!(
        login("Second-pass-9"),
        Err(jiuzhu::app::AppError::AccountDisabled)
    ));
}

/// The terminal UI on an empty database in a fresh folder: the first run.
fn first_run() -> (tempfile::TempDir, std::path::PathBuf, App) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jiuzhu.db");
    let store = jiuzhu::store::Store::open(
        &db,
        &jiuzhu::store::OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    let env = Env::new(
        store,
        db.clone(),
        Box::new(clock()),
        Lang::ZhCn,
        Theme::new(Scheme::Standard),
        Symbols::STANDARD,
    );
    let app = App::new(env);
    (dir, db, app)
}

#[test]
fn the_first_run_sets_up_the_workstation_from_the_screen() {
    let (dir, db, mut app) = first_run();
    assert!(
        title(&mut app).contains("建立工作站"),
        "{}",
        screen(&mut app)
    );
    let ctrl_s = Key {
        code: KeyCode::Char('s'),
        mods: crossterm::event::KeyModifiers::CONTROL,
    };
    // Nothing typed: refused, naming the field.
    press(&mut app, &[ctrl_s]);
    assert!(
        screen(&mut app).contains("单位代码"),
        "{}",
        screen(&mut app)
    );
    assert!(title(&mut app).contains("建立工作站"));
    // The refusal put the cursor on the field to fix.
    typed(&mut app, "360104001001");
    for _ in 0..4 {
        press(&mut app, &[k(KeyCode::Tab)]);
    }
    typed(&mut app, "Hongdu-2026");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "Hongdu-2026");
    press(&mut app, &[ctrl_s]);
    assert!(title(&mut app).contains("登录"), "{}", screen(&mut app));
    let c = Connection::open(&db).unwrap();
    let (org, tier): (String, String) = c
        .query_row("SELECT org_code, tier FROM workstation", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((org.as_str(), tier.as_str()), ("360104001001", "community"));
    assert!(dir.path().join("keys").join("signing.key").exists());
    // The administrator signs in with the password set.
    typed(&mut app, "admin");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "Hongdu-2026");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(
        screen(&mut app).contains("admin 系统管理员"),
        "{}",
        screen(&mut app)
    );
}

#[test]
fn the_first_run_can_make_a_demo_workstation_to_look_around() {
    let (_dir, db, mut app) = first_run();
    press(&mut app, &[Key::ctrl('d')]);
    assert!(title(&mut app).contains("登录"), "{}", screen(&mut app));
    let persons: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(persons, 300);
    typed(&mut app, "demo");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "demo");
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(screen(&mut app).contains("首页"), "{}", screen(&mut app));
}

#[test]
fn the_person_tabs_go_both_ways_and_the_timeline_stops_at_its_end() {
    let (dir, session) = workstation();
    // A long history: thirty changes of 张三's note.
    {
        let c = clock();
        let mut store =
            jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
        let mut ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let id: String = conn(&dir)
            .query_row("SELECT id FROM persons WHERE name = '张三'", [], |r| {
                r.get(0)
            })
            .unwrap();
        for i in 0..30 {
            let p = person::get(&ctx, &id).unwrap();
            let draft = PersonDraft {
                name: "张三".into(),
                id_number: ZHANG_ID.into(),
                community: C1.into(),
                phone: "13800001234".into(),
                note: format!("第 {i} 次走访"),
                ..Default::default()
            };
            person::update(&mut ctx, &id, p.meta.version, &draft).unwrap();
        }
    }
    let mut app = app(&dir, &session);
    open_person(&mut app, "张三");
    let facts = screen(&mut app);
    press(&mut app, &[k(KeyCode::Tab), k(KeyCode::Tab)]);
    let docs = screen(&mut app);
    press(&mut app, &[k(KeyCode::Tab)]);
    assert_eq!(screen(&mut app), facts, "three tabs round");
    press(&mut app, &[k(KeyCode::BackTab)]);
    assert_eq!(
        screen(&mut app),
        docs,
        "Shift+Tab goes back, to the last tab"
    );
    press(&mut app, &[k(KeyCode::Left), k(KeyCode::Left)]);
    assert_eq!(screen(&mut app), facts, "and Left too");
    press(&mut app, &[k(KeyCode::Right)]);
    // The UI draws after every key; the timeline learns its height from the frame.
    let _ = screen(&mut app);
    // Scrolling far past the end keeps the last entries on the screen's last rows.
    for _ in 0..100 {
        press(&mut app, &[k(KeyCode::Down)]);
    }
    let end = screen(&mut app);
    let body: Vec<&str> = end.lines().skip(4).take(18).collect();
    assert!(
        body.iter().all(|l| !l.trim().is_empty()),
        "no empty rows under the last entry:\n{end}"
    );
}
