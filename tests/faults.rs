//! Faults that must lose nothing: a full disk, a read-only database, and a process killed in
//! the middle of a large write. After each, `check` passes and the data is all or nothing.

mod common;

use common::{jiuzhu, run, with_ctx, DemoWs};
use jiuzhu::app::{check, demo, person, AppError};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::i18n::{Lang, Localize};
use jiuzhu::store::{OpenOptions, Store, StoreError};
use rusqlite::Connection;

fn count(db: &std::path::Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_full_disk_refuses_the_write_and_keeps_the_data() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 50, 1, &mut |_, _| true).unwrap()
    });
    let db = ws.db();
    let persons = count(&db, "SELECT count(*) FROM persons");
    let entries = count(&db, "SELECT count(*) FROM change_log");
    // SQLite's own page limit stands in for a full disk (CI runs as root, which ignores modes).
    let pages = count(&db, "PRAGMA page_count");
    ws.store.set_max_page_count(pages as u64 + 2).unwrap();
    let e = with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 2000, 2, &mut |_, _| true).unwrap_err()
    });
    assert!(matches!(e, AppError::Store(StoreError::DiskFull)), "{e:?}");
    assert!(
        e.localize(Lang::ZhCn).contains("磁盘已满"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM persons"), persons);
    assert_eq!(count(&db, "SELECT count(*) FROM change_log"), entries);
    let r = with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(r.ok(), "{:?}", r.findings);
    // With room again, the same work succeeds.
    ws.store.set_max_page_count(1 << 30).unwrap();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 100, 2, &mut |_, _| true).unwrap()
    });
    assert_eq!(count(&db, "SELECT count(*) FROM persons"), persons + 100);
}

#[test]
fn a_read_only_database_says_so_and_changes_nothing() {
    let ws = DemoWs::new();
    let db = ws.db();
    drop(ws.store);
    let mut ro = Store::open(
        &db,
        &OpenOptions {
            read_only: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let session = ws
        .users
        .iter()
        .find(|u| u.username == "demo")
        .map(|u| jiuzhu::app::Session {
            username: u.username.clone(),
            grants: u.grants.clone(),
        });
    let clock = common::clock();
    let mut ctx = jiuzhu::app::Ctx::new(&mut ro, session.unwrap(), &clock).unwrap();
    let d = PersonDraft {
        name: "只读".into(),
        community: "360104001001".into(),
        ..Default::default()
    };
    let e = person::create(&mut ctx, &d).unwrap_err();
    assert!(matches!(e, AppError::Store(StoreError::ReadOnly)), "{e:?}");
    assert!(
        e.localize(Lang::ZhCn).contains("不可写"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    assert!(check::run(&ctx).unwrap().ok());
    assert_eq!(count(&db, "SELECT count(*) FROM persons"), 0);
}

/// Where the kill tests stop the program: 50 fault points `<point>:<n>` spread evenly over the
/// `total` steps of the work (CI), or, with `JIUZHU_FAULT_SEED` set, drawn at random from that
/// seed (the long form, run by hand, with as many as `JIUZHU_FAULT_KILLS` says); then just
/// before the commit and just after it.
fn kill_points(point: &str, total: u64) -> Vec<String> {
    use rand::{Rng, SeedableRng};
    let kills: u64 = std::env::var("JIUZHU_FAULT_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: Option<u64> = std::env::var("JIUZHU_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut points: Vec<String> = match seed {
        Some(seed) => {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            (0..kills)
                .map(|_| format!("{point}:{}", rng.gen_range(1..=total)))
                .collect()
        }
        None => (0..kills)
            .map(|i| format!("{point}:{}", 1 + i * (total - 1) / kills.max(1)))
            .collect(),
    };
    points.push(format!("{point}_commit:0"));
    points.push(format!("{point}_done:0"));
    points
}

/// Runs `cmd` until it announces the fault point it was sent to, then kills it with SIGKILL;
/// returns whether it reached the point.
#[cfg(unix)]
fn kill_at(cmd: &mut std::process::Command, point: &str) -> bool {
    use std::io::BufRead;
    let mut child = cmd
        .env("JIUZHU_FAULT_PAUSE", point)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let paused = std::io::BufReader::new(stderr)
        .lines()
        .any(|l| l.is_ok_and(|l| l.contains("JIUZHU_PAUSED")));
    let _ = child.kill();
    let _ = child.wait().unwrap();
    paused
}

/// A large write (400 demo persons with their histories, one transaction) killed with SIGKILL
/// at 50 points spread over the work, just before its commit and just after: afterwards the
/// database passes `check` and holds all of the work or none of it.
#[cfg(unix)]
#[test]
fn killed_during_a_large_write_keeps_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(jiuzhu(dir.path()).args(["demo", "--persons", "20"]));
    assert_eq!(code, 0, "{err}");
    let db = dir.path().join("jiuzhu.db");
    let before = count(&db, "SELECT count(*) FROM persons");
    let entries = count(&db, "SELECT count(*) FROM change_log");
    for (i, point) in kill_points("demo", 400).iter().enumerate() {
        let reached = kill_at(
            jiuzhu(dir.path())
                .args(["--user", "demo", "demo", "--persons", "400", "--seed"])
                .arg(i.to_string())
                .env("JIUZHU_PASSWORD", "demo"),
            point,
        );
        assert!(reached, "{point}: the write never reached its fault point");
        let persons = count(&db, "SELECT count(*) FROM persons");
        if point == "demo_done:0" {
            assert_eq!(persons, before + 400, "{point}: committed before the kill");
        } else {
            assert_eq!(
                persons, before,
                "{point}: a killed write left part of itself"
            );
            assert_eq!(
                count(&db, "SELECT count(*) FROM change_log"),
                entries,
                "{point}"
            );
        }
        let (code, out, err) = run(jiuzhu(dir.path())
            .args(["--user", "supervisor", "check"])
            .env("JIUZHU_PASSWORD", "supervisor"));
        assert_eq!(code, 0, "{point}: check failed: {out}{err}");
    }
}

/// A bundle import killed with SIGKILL at points spread over the applying of its entries, just
/// before its commit and just after: afterwards the database passes `check` and holds the whole
/// bundle or none of it, and importing it again finishes it exactly once.
#[cfg(unix)]
#[test]
fn killed_during_a_bundle_import_keeps_all_or_nothing() {
    use common::exchange::{pair, Station, SUB};
    let mut com = Station::community(true);
    let mut sub = Station::subdistrict(true);
    pair(&mut com, &mut sub);
    com.ctx(|ctx| jiuzhu::app::demo::generate(ctx, 30, 3, &mut |_, _| true).unwrap());
    let bundle = com.export_to(SUB);
    let entries = bundle.entries;
    let before = sub.digest();
    let sub_dir = sub.dir.path().to_path_buf();
    drop(sub.store);
    for point in &kill_points("import", entries) {
        let reached = kill_at(
            jiuzhu(&sub_dir)
                .args(["--user", "admin", "bundle", "import"])
                .arg(&bundle.path)
                .env("JIUZHU_PASSWORD", "Qingyunpu-2026!"),
            point,
        );
        assert!(reached, "{point}: the import never reached its fault point");
        let now = common::exchange::digest_of(&sub_dir.join("jiuzhu.db"));
        let persons = count(&sub_dir.join("jiuzhu.db"), "SELECT count(*) FROM persons");
        if point == "import_done:0" {
            assert!(persons > 0, "{point}: committed before the kill");
        } else {
            assert_eq!(now, before, "{point}: a killed import left part of itself");
        }
        let (code, out, err) = run(jiuzhu(&sub_dir)
            .args(["--user", "admin", "check"])
            .env("JIUZHU_PASSWORD", "Qingyunpu-2026!"));
        assert_eq!(code, 0, "{point}: check failed: {out}{err}");
    }
    let (code, out, err) = run(jiuzhu(&sub_dir)
        .args(["--user", "admin", "bundle", "import"])
        .arg(&bundle.path)
        .env("JIUZHU_PASSWORD", "Qingyunpu-2026!"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("导入过"),
        "imported once, by the run killed after its commit: {out}"
    );
}
