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

/// The last sequence number of the workstation's own chain in its current epoch.
fn own_head(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT coalesce(max(seq), 0) FROM change_log
         WHERE origin = (SELECT id FROM workstation) AND epoch = (SELECT epoch FROM workstation)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The access log: (seq, event, detail, hash).
fn access_log(db: &Path) -> Vec<(i64, String, String, Vec<u8>)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut s = c
        .prepare("SELECT seq, event, detail, hash FROM access_log ORDER BY seq")
        .unwrap();
    let rows = s
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn persons(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap()
}

/// Files in `dir` whose names start with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Back up, work, restore: the work done since the backup is neither lost without a word
/// nor erased from the record. The restore is refused until asked for; then the replaced
/// database is kept beside the new one, and the access-log entries written after the backup
/// are carried over with their sequence numbers, followed by the restore itself.
#[test]
fn a_restore_over_newer_work_is_refused_unless_asked_and_keeps_what_it_replaces() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let db = dir.join("jiuzhu.db");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "5"]));
    assert_eq!(code, 0, "{err}");
    let backup = tmp.path().join("b.age");
    let (code, out, err) = run(as_demo(&dir).args(["backup", "--out"]).arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    let at_backup = own_head(&db);
    // The copy is taken before the backup's own access-log entry is written.
    let backup_log = access_log(&db).len() - 1;
    let (code, out, err) = run(as_demo(&dir).args(["demo", "--persons", "3", "--seed", "9"]));
    assert_eq!(code, 0, "{out}{err}");
    let newer = own_head(&db) - at_backup;
    assert!(newer > 0);
    let log = access_log(&db);

    let (code, out, err) = run(as_demo(&dir).arg("restore").arg(&backup));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains(&format!("{newer} 条")), "{err}");
    assert!(err.contains("--replace-unexported"), "{err}");
    assert_eq!(access_log(&db), log, "a refused restore changes nothing");
    assert_eq!(persons(&db), 8);
    assert!(named(&dir, "jiuzhu.db.replaced-").is_empty());
    let (_, _, err) = run(as_demo(&dir).args(["--lang", "en", "restore"]).arg(&backup));
    assert!(
        err.contains(&format!("{newer} changes")) && err.contains("--replace-unexported"),
        "{err}"
    );

    let (code, out, err) = run(as_demo(&dir)
        .arg("restore")
        .arg(&backup)
        .arg("--replace-unexported"));
    assert_eq!(code, 0, "{out}{err}");
    let kept = named(&dir, "jiuzhu.db.replaced-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    let kept = &kept[0];
    let name = kept.file_name().unwrap().to_string_lossy().into_owned();
    // When it was replaced, in UTC: jiuzhu.db.replaced-20261203T083000Z.
    let when = name.trim_start_matches("jiuzhu.db.replaced-").as_bytes();
    assert!(
        when.len() == 16
            && when[8] == b'T'
            && when[15] == b'Z'
            && when[..8].iter().chain(&when[9..15]).all(u8::is_ascii_digit),
        "{name}"
    );
    assert!(out.contains(&kept.display().to_string()), "{out}");
    #[cfg(unix)]
    assert_eq!(mode(kept), 0o600);
    assert_eq!(
        persons(kept),
        8,
        "the replaced database holds the newer work"
    );
    assert_eq!(own_head(kept) - at_backup, newer);
    assert_eq!(persons(&db), 5);

    let restored = access_log(&db);
    assert_eq!(
        &restored[..log.len()],
        &log[..],
        "the entries after the backup are carried over as they were"
    );
    let restore = restored
        .iter()
        .find(|e| e.1 == "restore")
        .expect("the restore is in the access log");
    assert!(restore.0 > log.len() as i64);
    assert!(
        restore.2.contains(&backup.display().to_string())
            && restore.2.contains(&kept.display().to_string())
            && restore
                .2
                .contains(&format!("\"carried\":{}", log.len() - backup_log)),
        "{}",
        restore.2
    );
    let (code, out, err) = run(jiuzhu(&dir)
        .args(["--user", "supervisor", "audit", "verify"])
        .env("JIUZHU_PASSWORD", "supervisor"));
    assert_eq!(code, 0, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains(&backup.display().to_string()))
        .unwrap_or_else(|| panic!("audit verify names the restore: {out}"));
    assert!(
        line.contains("demo") && line.contains(&kept.display().to_string()),
        "{line}"
    );
}

#[test]
fn a_restore_without_newer_work_needs_no_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "5"]));
    assert_eq!(code, 0, "{err}");
    let backup = tmp.path().join("b.age");
    let (code, out, err) = run(as_demo(&dir).args(["backup", "--out"]).arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    // Signing in and looking write to the access log only: nothing unexported.
    let (code, out, err) = run(as_demo(&dir).args(["find", "zs"]));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(as_demo(&dir).arg("restore").arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(named(&dir, "jiuzhu.db.replaced-").len(), 1);
}

/// The key folder a restore makes is the one `init` makes: owner-only, or the group's on a
/// shared server.
#[cfg(unix)]
#[test]
fn a_restore_gives_the_key_folder_the_modes_init_gives_it() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "2"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&dir.join("keys")), 0o700);
    let backup = tmp.path().join("b.age");
    let (code, out, err) = run(as_demo(&dir).args(["backup", "--out"]).arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    let key = dir.join("keys").join("age.key");
    for (folder, group) in [("owner", false), ("shared", true)] {
        let target = tmp.path().join(folder);
        std::fs::create_dir(&target).unwrap();
        let dir_mode = if group { 0o2770 } else { 0o700 };
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(dir_mode)).unwrap();
        let (code, out, err) = run(as_demo(&target)
            .arg("restore")
            .arg(&backup)
            .arg("--identity")
            .arg(&key));
        assert_eq!(code, 0, "{out}{err}");
        let file_mode = if group { 0o660 } else { 0o600 };
        assert_eq!(mode(&target.join("keys")), dir_mode, "{folder}");
        for f in ["signing.key", "age.key"] {
            assert_eq!(
                mode(&target.join("keys").join(f)),
                file_mode,
                "{folder} {f}"
            );
        }
        assert_eq!(mode(&target.join("jiuzhu.db")), file_mode, "{folder}");
    }
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

/// An access log that does not continue the backup's cannot be carried over: the restore
/// entry records where it ended instead, and the file keeps it whole.
#[test]
fn a_restore_over_a_log_that_went_its_own_way_records_where_it_ended() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let db = dir.join("jiuzhu.db");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "2"]));
    assert_eq!(code, 0, "{err}");
    let backup = tmp.path().join("b.age");
    let (code, out, err) = run(as_demo(&dir).args(["backup", "--out"]).arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    // The backup's last entry is the one before the backup's own.
    let backup_last = access_log(&db).len() as i64 - 1;
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("DROP TRIGGER access_log_no_update")
            .unwrap();
        c.execute(
            "UPDATE access_log SET hash = zeroblob(32) WHERE seq = ?1",
            [backup_last],
        )
        .unwrap();
    }
    let old = access_log(&db);
    let (code, out, err) = run(as_demo(&dir).arg("restore").arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    let restore = access_log(&db)
        .into_iter()
        .find(|e| e.1 == "restore")
        .unwrap();
    let head = old.last().unwrap();
    assert!(
        restore.2.contains("\"carried\":0")
            && restore
                .2
                .contains(&format!("\"replaced_head\":{{\"seq\":{}", head.0))
            && restore.2.contains(&hex::encode(&head.3)),
        "{}",
        restore.2
    );
    let kept = &named(&dir, "jiuzhu.db.replaced-")[0];
    assert_eq!(access_log(kept), old);
    let (code, out, err) = run(jiuzhu(&dir)
        .args(["--user", "supervisor", "audit", "verify"])
        .env("JIUZHU_PASSWORD", "supervisor"));
    assert_eq!(code, 0, "the restored log is whole: {out}{err}");
    assert!(out.contains(&format!("第 {} 条", head.0)), "{out}");
}

/// What restore is for: a database that no longer opens is set aside as it is.
#[test]
fn a_database_that_does_not_open_is_no_obstacle_to_a_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let db = dir.join("jiuzhu.db");
    let (code, _, err) = run(jiuzhu(&dir).args(["demo", "--persons", "2"]));
    assert_eq!(code, 0, "{err}");
    let backup = tmp.path().join("b.age");
    let (code, out, err) = run(as_demo(&dir).args(["backup", "--out"]).arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    std::fs::write(&db, b"not a database any more").unwrap();
    let (code, out, err) = run(as_demo(&dir).arg("restore").arg(&backup));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(persons(&db), 2);
    let kept = &named(&dir, "jiuzhu.db.replaced-")[0];
    assert_eq!(std::fs::read(kept).unwrap(), b"not a database any more");
}

#[test]
fn changes_sent_down_by_hash_only_count_as_not_exported() {
    use common::exchange::{pair, Station, COM, SUB};
    let mut sub = Station::subdistrict(false);
    let mut com = Station::community(false);
    pair(&mut sub, &mut com);
    let dir = sub.dir.path().to_path_buf();
    let file = sub.ctx(|ctx| backup::backup(ctx, Some(&dir)).unwrap()).path;
    // A provider serving the sibling community only: the community receives it by hash only.
    sub.ctx(|ctx| {
        jiuzhu::app::provider::create(
            ctx,
            &jiuzhu::domain::provider::ProviderDraft {
                name: "顺化门社区服务站".into(),
                kind: "public_welfare_org".into(),
                items: vec!["cleaning".into()],
                contact: String::new(),
                phone: String::new(),
                area: "360104001002".into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap()
    });
    let down = sub.export_to(COM);
    assert_eq!((down.entries, down.elided), (0, 1), "{down:?}");
    com.import_ok(&down.path);
    let ack = com.export_to(SUB);
    sub.import_ok(&ack.path);
    // The community cannot give that change back, so a restore still asks before replacing it.
    let db = sub.db();
    let scratch = tempfile::tempdir().unwrap();
    let placeholder = jiuzhu::store::Store::open(
        &scratch.path().join("x.db"),
        &jiuzhu::store::OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    drop(std::mem::replace(&mut sub.store, placeholder));
    let r = backup::restore(
        &db,
        &file,
        None,
        "admin",
        zeroize::Zeroizing::new("Qingyunpu-2026!".into()),
        &common::clock(),
    );
    assert!(
        matches!(
            r,
            Err(jiuzhu::app::AppError::Restore(
                backup::RestoreRefusal::Unexported { count: 1 }
            ))
        ),
        "{r:?}"
    );
}
