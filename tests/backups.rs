//! Backups: taken while others keep writing, they restore to a database that passes `check`
//! and holds each transaction whole or not at all; the 待办 inbox reminds an administrator
//! when the last backup is too old.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use common::{jiuzhu, run, DemoWs};
use jiuzhu::app::inbox::{self, InboxKind};
use jiuzhu::app::{backup, Ctx, FixedClock};

fn clock_at(days: i64) -> FixedClock {
    FixedClock(
        DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::days(days),
    )
}

fn reminder(ws: &mut DemoWs, user: &str, days: i64) -> Option<inbox::InboxItem> {
    let session = ws.session(user);
    let c = clock_at(days);
    let ctx = Ctx::new(&mut ws.store, session, &c).unwrap();
    inbox::tasks(&ctx)
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.kind == InboxKind::Backup)
}

#[test]
fn the_inbox_reminds_an_administrator_when_the_last_backup_is_old() {
    let mut ws = DemoWs::new();
    assert!(
        reminder(&mut ws, "demo", 3).is_none(),
        "set up three days ago"
    );
    let item = reminder(&mut ws, "demo", 7).expect("seven days without a backup");
    assert!(!item.overdue);
    assert!(reminder(&mut ws, "demo", 9).unwrap().overdue);
    // Only those who may run the workstation are reminded.
    assert!(reminder(&mut ws, "info_officer", 9).is_none());
    let out = ws.dir.path().to_path_buf();
    {
        let session = ws.session("demo");
        let c = clock_at(9);
        let mut ctx = Ctx::new(&mut ws.store, session, &c).unwrap();
        backup::backup(&mut ctx, Some(&out)).unwrap();
    }
    assert!(
        reminder(&mut ws, "demo", 10).is_none(),
        "backed up yesterday"
    );
    assert!(
        reminder(&mut ws, "demo", 16).is_some(),
        "seven days after that backup"
    );
}

/// Backups taken while another process keeps writing demo data in many transactions: each
/// restores (into its own folder, with the workstation's key) to a database that passes
/// `check`, and its persons are a whole number of those transactions.
#[test]
fn a_backup_taken_during_writes_restores_and_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "10"]));
    assert_eq!(code, 0, "{err}");
    let batches: u64 = 8;
    let writer = {
        let dir = dir.clone();
        std::thread::spawn(move || {
            for seed in 0..batches {
                let (code, out, err) = run(jiuzhu(&dir)
                    .args(["--user", "demo", "demo", "--persons", "40", "--seed"])
                    .arg((100 + seed).to_string())
                    .env("JIUZHU_PASSWORD", "demo"));
                assert_eq!(code, 0, "{out}{err}");
            }
        })
    };
    let mut backups: Vec<PathBuf> = Vec::new();
    for i in 0..3 {
        let out = tmp.path().join(format!("b{i}.age"));
        let (code, stdout, err) = run(jiuzhu(&dir)
            .args(["--user", "demo", "backup", "--out"])
            .arg(&out)
            .env("JIUZHU_PASSWORD", "demo"));
        assert_eq!(code, 0, "{stdout}{err}");
        assert!(
            stdout.contains(&out.display().to_string()),
            "the full path is shown: {stdout}"
        );
        backups.push(out);
    }
    writer.join().unwrap();
    let key = dir.join("keys").join("age.key");
    for (i, b) in backups.iter().enumerate() {
        let target = tmp.path().join(format!("restored-{i}"));
        let (code, out, err) = run(jiuzhu(&target)
            .args(["--user", "demo", "restore"])
            .arg(b)
            .arg("--identity")
            .arg(&key)
            .env("JIUZHU_PASSWORD", "demo"));
        assert_eq!(code, 0, "{out}{err}");
        let (code, out, err) = run(jiuzhu(&target)
            .args(["--user", "supervisor", "check"])
            .env("JIUZHU_PASSWORD", "supervisor"));
        assert_eq!(code, 0, "backup {i}: {out}{err}");
        let c = rusqlite::Connection::open(target.join("jiuzhu.db")).unwrap();
        let persons: i64 = c
            .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            (persons - 10) % 40,
            0,
            "backup {i}: {persons} persons is not whole batches"
        );
        let epoch: i64 = c
            .query_row("SELECT epoch FROM workstation", [], |r| r.get(0))
            .unwrap();
        assert_eq!(epoch, 2, "a restore starts a new epoch");
    }
    // Without the key, a backup cannot be opened.
    let (code, _, err) = run(jiuzhu(&tmp.path().join("stranger"))
        .args(["--user", "demo", "restore"])
        .arg(&backups[0])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 1);
    assert!(err.contains("解密"), "{err}");
}

fn as_demo(dir: &Path) -> std::process::Command {
    let mut c = jiuzhu(dir);
    c.args(["--user", "demo"]).env("JIUZHU_PASSWORD", "demo");
    c
}

#[test]
fn backing_up_or_restoring_refused_to_a_non_administrator_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "2"]));
    assert_eq!(code, 0, "{err}");
    let info = |args: &[&str]| {
        run(jiuzhu(&dir)
            .args(["--user", "info_officer"])
            .args(args)
            .env("JIUZHU_PASSWORD", "info_officer"))
    };
    let (code, _, err) = info(&["backup"]);
    assert_eq!(code, 1);
    assert!(err.contains("无权备份与恢复"), "{err}");
    assert!(!err.contains("用户"), "{err}");
    let (code, _, err) = info(&["--lang", "en", "backup"]);
    assert_eq!(code, 1);
    assert!(err.contains("back up or restore"), "{err}");
    let backup = tmp.path().join("b.age");
    let (code, out, err) = run(as_demo(&dir).args(["backup", "--out"]).arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = info(&["restore", &backup.display().to_string()]);
    assert_eq!(code, 1);
    assert!(err.contains("无权备份与恢复"), "{err}");
}
