//! Accounts: lock-out after five wrong passwords, an administrator adding, listing and disabling
//! users from a shell, and `user reset` working only for the owner of the data directory.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::exchange::Station;
use common::{jiuzhu, run};
use jiuzhu::app::{auth, AppError, FixedClock};
use zeroize::Zeroizing;

const PW: &str = "Qingyunpu-2026!";

fn at(minutes: i64) -> FixedClock {
    FixedClock(
        DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::minutes(minutes),
    )
}

fn login(st: &mut Station, pw: &str, clock: &FixedClock) -> Result<(), AppError> {
    auth::login(&mut st.store, "admin", Zeroizing::new(pw.into()), clock).map(|_| ())
}

#[test]
fn five_wrong_passwords_lock_the_account_for_a_while() {
    let mut st = Station::community(false);
    for i in 1..=4 {
        assert!(matches!(
            login(&mut st, "wrong-password", &at(i)),
            Err(AppError::BadLogin)
        ));
    }
    // A good sign-in in between starts the count again.
    login(&mut st, PW, &at(5)).unwrap();
    for i in 6..=9 {
        assert!(matches!(
            login(&mut st, "wrong-password", &at(i)),
            Err(AppError::BadLogin)
        ));
    }
    let r = login(&mut st, "wrong-password", &at(10));
    assert!(matches!(r, Err(AppError::AccountLocked { .. })), "{r:?}");
    // Locked: even the right password is refused, and says until when.
    let r = login(&mut st, PW, &at(11));
    let Err(e) = r else {
        panic!("a locked account signed in")
    };
    let msg = jiuzhu::i18n::Localize::localize(&e, jiuzhu::i18n::Lang::ZhCn);
    assert!(
        msg.contains("锁定") && msg.contains("2026-11-28 10:25"),
        "{msg}"
    );
    // After the lock (15 minutes by default) the right password works again.
    login(&mut st, PW, &at(26)).unwrap();
    let events: Vec<String> = st.access_events().into_iter().map(|(e, _)| e).collect();
    assert_eq!(events.iter().filter(|e| *e == "login_failed").count(), 9);
    assert_eq!(events.iter().filter(|e| *e == "account_locked").count(), 1);
    assert_eq!(events.iter().filter(|e| *e == "login_locked").count(), 1);
    assert_eq!(events.iter().filter(|e| *e == "login").count(), 2);
}

#[test]
fn an_administrator_adds_lists_and_disables_users_from_a_shell() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (rc, _, err) = run(jiuzhu(dir)
        .args([
            "init",
            "--tier",
            "community",
            "--org-code",
            "360104001001",
            "--org-name",
            "洪都新村社区",
            "--admin",
            "admin",
        ])
        .env("JIUZHU_PASSWORD", PW));
    assert_eq!(rc, 0, "{err}");
    let admin = |args: &[&str]| {
        run(jiuzhu(dir)
            .args(["--user", "admin"])
            .args(args)
            .env("JIUZHU_PASSWORD", PW)
            .env("JIUZHU_NEW_PASSWORD", "Hongdu-xincun-1"))
    };
    let (rc, out, err) = admin(&[
        "user",
        "add",
        "wangli",
        "--role",
        "info_officer,community_staff",
    ]);
    assert_eq!(rc, 0, "{out}{err}");
    let (rc, _, err) = admin(&["user", "add", "wangli", "--role", "info_officer"]);
    assert_eq!(rc, 1);
    assert!(err.contains("已被使用"), "{err}");
    let (rc, _, err) = admin(&["user", "add", "lisi", "--role", "mayor"]);
    assert_eq!(rc, 1);
    assert!(err.contains("角色"), "{err}");
    let (rc, out, _) = admin(&["user", "list"]);
    assert_eq!(rc, 0);
    let line = out.lines().find(|l| l.starts_with("wangli")).unwrap();
    assert!(line.contains("信息员") && line.contains("正常"), "{out}");

    // The new user signs in with the password given; an information officer may not add users.
    let as_wangli = |args: &[&str]| {
        run(jiuzhu(dir)
            .args(["--user", "wangli"])
            .args(args)
            .env("JIUZHU_PASSWORD", "Hongdu-xincun-1")
            .env("JIUZHU_NEW_PASSWORD", "Another-pass-2"))
    };
    let (rc, _, err) = as_wangli(&["user", "add", "zhaowu", "--role", "info_officer"]);
    assert_eq!(rc, 1);
    assert!(err.contains("无权"), "{err}");

    let (rc, _, err) = admin(&["user", "disable", "admin"]);
    assert_eq!(rc, 1);
    assert!(err.contains("自己"), "{err}");
    let (rc, _, err) = admin(&["user", "disable", "wangli"]);
    assert_eq!(rc, 0, "{err}");
    let (rc, _, err) = as_wangli(&["user", "list"]);
    assert_eq!(rc, 1);
    assert!(err.contains("停用"), "{err}");
    let (_, out, _) = admin(&["user", "list"]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("wangli") && l.contains("已停用")),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn user_reset_works_only_for_the_owner_of_the_data_directory() {
    use std::os::unix::fs::MetadataExt;
    let mut st = Station::community(false);
    // Locked out by wrong passwords …
    for i in 1..=5 {
        let _ = login(&mut st, "wrong-password", &at(i));
    }
    assert!(matches!(
        login(&mut st, PW, &at(6)),
        Err(AppError::AccountLocked { .. })
    ));
    let db = st.db();
    let dir = st.dir.path().to_path_buf();
    let reset = || {
        run(jiuzhu(&dir)
            .args(["user", "reset", "admin"])
            .env("JIUZHU_NEW_PASSWORD", "Brand-new-pass-3"))
    };
    let owner = std::fs::metadata(&db).unwrap().uid();
    // … a database owned by another account: refused.
    if std::os::unix::fs::chown(&db, Some(owner + 4242), None).is_ok() {
        let (rc, _, err) = reset();
        assert_eq!(rc, 1);
        assert!(err.contains("所有者"), "{err}");
        std::os::unix::fs::chown(&db, Some(owner), None).unwrap();
    } else {
        eprintln!("not allowed to change the file's owner here: only the owner's reset is checked");
    }
    let (rc, out, err) = reset();
    assert_eq!(rc, 0, "{out}{err}");
    // The new password works at once: the lock was lifted.
    auth::login(
        &mut st.store,
        "admin",
        Zeroizing::new("Brand-new-pass-3".into()),
        &at(7),
    )
    .unwrap();
    assert!(st
        .access_events()
        .iter()
        .any(|(e, _)| e == "password_reset"));
}

#[test]
fn the_lock_out_lasts_as_long_as_the_workstation_sets() {
    use jiuzhu::app::settings;
    use jiuzhu::domain::timeliness::Limit;
    let mut st = Station::community(false);
    st.ctx(|ctx| {
        let t = settings::thresholds(ctx).unwrap().with(Limit::LockOut, 60);
        settings::set_thresholds(ctx, &t).unwrap();
    });
    for i in 1..=5 {
        let _ = login(&mut st, "wrong-password", &at(i));
    }
    // Locked at minute 5 for 60 minutes: still locked at 40, open again at 66.
    assert!(matches!(
        login(&mut st, PW, &at(40)),
        Err(AppError::AccountLocked { .. })
    ));
    login(&mut st, PW, &at(66)).unwrap();
    assert_eq!(auth::idle_minutes(&st.store), 10, "the default, untouched");
}

#[test]
fn init_records_the_first_administrators_real_name_and_refuses_a_bad_one() {
    let init = |dir: &std::path::Path, name: &str| {
        run(jiuzhu(dir)
            .args([
                "init",
                "--tier",
                "community",
                "--org-code",
                "360104001001",
                "--org-name",
                "洪都新村社区",
                "--admin",
                "admin",
                "--admin-name",
                name,
            ])
            .env("JIUZHU_PASSWORD", PW))
    };
    let bad = tempfile::tempdir().unwrap();
    let long = "王".repeat(40);
    let (rc, _, err) = init(bad.path(), &long);
    assert_eq!(rc, 1);
    assert!(err.contains("姓名"), "the field is named: {err}");
    assert!(
        !bad.path().join("jiuzhu.db").exists()
            || rusqlite::Connection::open(bad.path().join("jiuzhu.db"))
                .unwrap()
                .query_row("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0))
                .map_or(true, |n| n == 0),
        "nothing half-written"
    );
    let tmp = tempfile::tempdir().unwrap();
    let (rc, _, err) = init(tmp.path(), "王建国");
    assert_eq!(rc, 0, "{err}");
    let shown: String = rusqlite::Connection::open(tmp.path().join("jiuzhu.db"))
        .unwrap()
        .query_row(
            "SELECT display_name FROM users WHERE username = 'admin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(shown, "王建国");
}
