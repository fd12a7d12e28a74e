//! Accounts as a clerk meets them: the demo provider staff account is bound to a demo provider
//! and can register a card and record a service by keys; 用户管理 opens a new user with Ctrl+N,
//! sets a real name and binds a provider chosen from a list; prints name the real name.

mod common;

use common::history::{in_service, meal_provider_named, C1};
use common::screen::{k, press, screen, typed};
use common::{with_ctx, DemoWs};
use crossterm::event::{KeyCode, KeyModifiers};
use jiuzhu::app::{demo, print, users, Session};
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::keys::Key;

fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

fn app_as(ws: &DemoWs, user: &str) -> App {
    let env = common::screen::env(&ws.db(), Lang::ZhCn);
    let u = ws.users.iter().find(|u| u.username == user).unwrap();
    App::signed_in(
        env,
        Session {
            username: u.username.clone(),
            grants: u.grants.clone(),
        },
    )
}

fn count(ws: &DemoWs, sql: &str) -> i64 {
    rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_demo_provider_staff_registers_a_card_and_records_a_service_by_keys() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 0, 1, &mut |_, _| true).unwrap()
    });
    let bound: String = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT p.name FROM users u JOIN providers p ON p.id = u.provider_id
             WHERE u.username = 'provider_staff'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bound, demo::DEMO_STAFF_PROVIDER);
    let case_id = in_service(&mut ws, "张三", C1, "2026-11-20");
    let card = with_ctx(&mut ws, "demo", |ctx| {
        jiuzhu::app::case::get(ctx, &case_id).unwrap()
    })
    .card_no
    .unwrap();

    let mut app = app_as(&ws, "provider_staff");
    press(&mut app, &[Key::ch('4')]);
    let desk = screen(&mut app);
    assert!(desk.contains(demo::DEMO_STAFF_PROVIDER), "{desk}");
    // One provider to serve: the desk starts on the card, and goes on to who served.
    typed(&mut app, &card);
    press(&mut app, &[ctrl('r')]);
    let s = screen(&mut app);
    assert!(s.contains("已登记"), "{s}");
    typed(&mut app, "李师傅");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "送午餐一份");
    press(&mut app, &[ctrl('s')]);
    let s = screen(&mut app);
    assert!(s.contains("服务已记录"), "{s}");
    assert_eq!(count(&ws, "SELECT count(*) FROM registrations"), 1);
    assert_eq!(count(&ws, "SELECT count(*) FROM services"), 1);
}

#[test]
fn an_administrator_adds_a_provider_staff_user_with_a_real_name_by_keys() {
    let mut ws = DemoWs::new();
    let provider = meal_provider_named(&mut ws, "洪都助餐中心");
    let mut app = app_as(&ws, "demo");
    press(&mut app, &[Key::ch('0'), Key::ch('u')]);
    assert!(screen(&mut app).contains("用户管理"));
    // Ctrl+N opens a new user, as on the other lists.
    press(&mut app, &[ctrl('n')]);
    assert!(
        screen(&mut app).contains("添加用户"),
        "{}",
        screen(&mut app)
    );
    typed(&mut app, "liuxia");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "刘霞");
    // Roles: the sixth, 服务机构人员.
    press(&mut app, &[k(KeyCode::Tab)]);
    for _ in 0..5 {
        press(&mut app, &[k(KeyCode::Right)]);
    }
    press(&mut app, &[Key::ch(' ')]);
    // The unit as it is; the provider chosen from the list.
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Tab), k(KeyCode::Right)],
    );
    let form = screen(&mut app);
    assert!(form.contains("洪都助餐中心"), "{form}");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "Hongdu-2026");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "Hongdu-2026");
    press(&mut app, &[ctrl('s')]);
    let list = screen(&mut app);
    assert!(
        list.lines()
            .any(|l| l.contains("liuxia") && l.contains("刘霞")),
        "the list shows the real name:\n{list}"
    );
    let (name, bound): (String, Option<String>) = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT display_name, provider_id FROM users WHERE username = 'liuxia'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(name, "刘霞");
    assert_eq!(bound.as_deref(), Some(provider.as_str()));

    // E changes the real name and unties the provider.
    for _ in 0..10 {
        if screen(&mut app)
            .lines()
            .any(|l| l.contains("liuxia") && l.contains('>'))
        {
            break;
        }
        press(&mut app, &[k(KeyCode::Down)]);
    }
    press(&mut app, &[Key::ch('e')]);
    let edit = screen(&mut app);
    assert!(
        edit.contains("修改用户 liuxia") && edit.contains("刘霞"),
        "{edit}"
    );
    for _ in 0..4 {
        press(&mut app, &[k(KeyCode::Backspace)]);
    }
    typed(&mut app, "刘晓霞");
    press(&mut app, &[k(KeyCode::Tab), k(KeyCode::Left), ctrl('s')]);
    let (name, bound): (String, Option<String>) = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT display_name, provider_id FROM users WHERE username = 'liuxia'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(name, "刘晓霞", "{}", screen(&mut app));
    assert_eq!(bound, None);
}

#[test]
fn a_provider_binding_needs_a_provider_staff_account_and_a_provider_on_record() {
    let mut ws = DemoWs::new();
    let provider = meal_provider_named(&mut ws, "洪都助餐中心");
    let edit = users::AccountEdit {
        real_name: "王丽".into(),
        provider_id: Some(provider.clone()),
    };
    let e = with_ctx(&mut ws, "admin", |ctx| {
        users::update(ctx, "info_officer", &edit).unwrap_err()
    });
    assert!(
        jiuzhu::i18n::Localize::localize(&e, Lang::ZhCn).contains("服务机构人员"),
        "{e:?}"
    );
    let edit = users::AccountEdit {
        real_name: String::new(),
        provider_id: Some("no-such-provider".into()),
    };
    assert!(with_ctx(&mut ws, "admin", |ctx| {
        users::update(ctx, "provider_staff", &edit)
    })
    .is_err());
    // Not an administrator: refused.
    assert!(with_ctx(&mut ws, "info_officer", |ctx| {
        users::update(ctx, "provider_staff", &users::AccountEdit::default())
    })
    .is_err());
}

#[test]
fn prints_name_the_real_name_never_the_login_name() {
    let mut ws = DemoWs::new();
    meal_provider_named(&mut ws, "洪都助餐中心");
    let case_id = in_service(&mut ws, "张三", C1, "2026-11-20");
    let html = |ws: &mut DemoWs| {
        let path = with_ctx(ws, "subdistrict_caseworker", |ctx| {
            print::needs_form(ctx, &case_id, Lang::ZhCn).unwrap()
        });
        std::fs::read_to_string(path).unwrap()
    };
    let printed = html(&mut ws);
    assert!(
        printed.contains("打印人：张伟"),
        "the demo account's real name"
    );
    assert!(!printed.contains("subdistrict_caseworker"));
    with_ctx(&mut ws, "admin", |ctx| {
        users::update(
            ctx,
            "subdistrict_caseworker",
            &users::AccountEdit {
                real_name: "张建华".into(),
                provider_id: None,
            },
        )
        .unwrap()
    });
    let printed = html(&mut ws);
    assert!(printed.contains("打印人：张建华"));
}

#[test]
fn the_command_line_adds_a_user_with_a_real_name() {
    let ws = DemoWs::new();
    let dir = ws.dir.path();
    let (rc, out, err) = common::run(
        common::jiuzhu(dir)
            .args(["--user", "admin", "user", "add", "liuxia", "--name", "刘霞"])
            .args(["--role", "info_officer", "--org", C1])
            .env("JIUZHU_PASSWORD", "admin")
            .env("JIUZHU_NEW_PASSWORD", "Hongdu-xincun-1"),
    );
    assert_eq!(rc, 0, "{out}{err}");
    let (rc, out, err) = common::run(
        common::jiuzhu(dir)
            .args(["--user", "admin", "user", "list"])
            .env("JIUZHU_PASSWORD", "admin"),
    );
    assert_eq!(rc, 0, "{err}");
    let line = out.lines().find(|l| l.starts_with("liuxia")).unwrap();
    assert!(line.contains("刘霞"), "{out}");
}

#[test]
fn l_on_home_switches_to_another_account_without_quitting() {
    let ws = DemoWs::new();
    let mut app = app_as(&ws, "subdistrict_caseworker");
    assert!(screen(&mut app).contains("subdistrict_caseworker"));
    press(&mut app, &[Key::ch('l')]);
    let s = screen(&mut app);
    assert!(!app.quit);
    assert!(app.env.session.is_none(), "signed out");
    assert!(!s.contains("subdistrict_caseworker"), "{s}");
    // Another account signs in on the same screen.
    typed(&mut app, "provider_staff");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "provider_staff");
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(s.lines().next().unwrap().contains("provider_staff"), "{s}");
    assert_eq!(
        app.env.session.as_ref().map(|s| s.username.as_str()),
        Some("provider_staff")
    );
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM access_log
             WHERE event = 'logout' AND actor = 'subdistrict_caseworker'"
        ),
        1
    );
}

#[test]
fn the_users_screen_at_80x24() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 0, 1, &mut |_, _| true).unwrap()
    });
    for lang in [Lang::ZhCn, Lang::En] {
        let env = common::screen::env(&ws.db(), lang);
        let u = ws.users.iter().find(|u| u.username == "demo").unwrap();
        let mut app = App::signed_in(
            env,
            Session {
                username: u.username.clone(),
                grants: u.grants.clone(),
            },
        );
        press(&mut app, &[Key::ch('0'), Key::ch('u')]);
        let t = common::screen::draw(&mut app);
        insta::assert_snapshot!(format!("users_{}_80x24", lang.code()), t.backend());
        // The provider staff account, bound to its provider, edited.
        for _ in 0..5 {
            press(&mut app, &[k(KeyCode::Down)]);
        }
        press(&mut app, &[Key::ch('e')]);
        let t = common::screen::draw(&mut app);
        insta::assert_snapshot!(format!("user_edit_{}_80x24", lang.code()), t.backend());
    }
}
