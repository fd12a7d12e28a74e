//! Cutting the newest entries off either log — with the rows they made, so that every record
//! still matches its latest entry and every chain still verifies as far as it goes — is
//! caught and named by `check` and `audit verify`: from this database's own high-water
//! marks, from what a peer acknowledged, and from the heads peers signed.

mod common;

use common::exchange::{pair, Station, COM, SUB};
use jiuzhu::app::check::{self, Finding, Witness};
use jiuzhu::app::person;
use jiuzhu::domain::person::PersonDraft;

fn add_person(s: &mut Station, name: &str, id: &str) -> String {
    s.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: name.into(),
                id_number: id.into(),
                community: COM.into(),
                ..Default::default()
            },
        )
        .unwrap()
    })
}

/// What a tamperer with the SQLite shell does to hide the last `n` persons created at `s`:
/// drops the guards, deletes the persons with their search rows and their change entries.
/// With `thorough`, also the high-water marks this database keeps of its logs.
fn cut_persons(s: &Station, n: i64, thorough: bool) {
    s.sql(&format!(
        "DROP TRIGGER change_log_no_delete; DROP TRIGGER persons_no_delete;
         CREATE TEMP TABLE gone AS SELECT local_order, record_id FROM change_log
             WHERE entity = 'person' ORDER BY local_order DESC LIMIT {n};
         DELETE FROM person_search WHERE person_id IN (SELECT record_id FROM gone);
         DELETE FROM persons WHERE id IN (SELECT record_id FROM gone);
         DELETE FROM change_log WHERE local_order IN (SELECT local_order FROM gone);
         {}",
        if thorough {
            "DELETE FROM chain_heads;"
        } else {
            ""
        }
    ));
}

/// Deletes the newest `n` access-log entries (and, with `thorough`, its high-water mark).
fn cut_access(s: &Station, n: i64, thorough: bool) {
    s.sql(&format!(
        "DROP TRIGGER access_log_no_delete;
         DELETE FROM access_log WHERE seq > (SELECT max(seq) - {n} FROM access_log);
         {}",
        if thorough {
            "DELETE FROM access_head;"
        } else {
            ""
        }
    ));
}

fn findings(s: &mut Station) -> Vec<Finding> {
    let checked = s.ctx(|ctx| check::run(ctx).unwrap()).findings;
    let audited = s.ctx(|ctx| check::audit_verify(ctx).unwrap()).findings;
    assert_eq!(checked, audited, "check and audit verify agree on the logs");
    checked
}

#[test]
fn a_cut_change_log_tail_is_found_from_this_databases_own_mark() {
    let mut com = Station::community(false);
    add_person(&mut com, "张桂英", "360104195003070027");
    add_person(&mut com, "李秀兰", "360104195003070035");
    add_person(&mut com, "王建国", "360104195003070043");
    com.assert_check();
    cut_persons(&com, 2, false);
    let f = findings(&mut com);
    assert!(
        f.iter().any(|f| matches!(
            f,
            Finding::ChainTailMissing {
                held: 1,
                witnessed: 3,
                witness: Witness::Local,
                ..
            }
        )),
        "{f:?}"
    );
}

#[test]
fn a_cut_below_what_the_parent_acknowledged_is_found_even_with_the_mark_gone() {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    add_person(&mut com, "张桂英", "360104195003070027");
    add_person(&mut com, "李秀兰", "360104195003070035");
    let up = com.export_to(SUB);
    sub.import_ok(&up.path);
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    com.assert_check();
    cut_persons(&com, 1, true);
    let f = findings(&mut com);
    assert!(
        f.iter().any(|f| matches!(
            f,
            Finding::ChainTailMissing {
                held: 1,
                witnessed: 2,
                witness: Witness::Peer(org),
                ..
            } if org == SUB
        )),
        "{f:?}"
    );

    // The subdistrict's copy of the community's chain, cut below the head the community
    // signed, is found there too.
    sub.assert_check();
    cut_persons(&sub, 1, true);
    let f = findings(&mut sub);
    assert!(
        f.iter().any(|f| matches!(
            f,
            Finding::ChainTailMissing {
                witnessed: 2,
                witness: Witness::Checkpoint(org),
                ..
            } if org == COM
        )),
        "{f:?}"
    );
}

#[test]
fn a_cut_access_log_tail_is_found_locally_and_from_what_the_peer_saw() {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    add_person(&mut com, "张桂英", "360104195003070027");
    com.assert_check();
    // The newest access-log entry (the sign-ins and changes of the day) is what a tamperer
    // wants gone.
    cut_access(&com, 1, false);
    let f = findings(&mut com);
    assert!(
        f.iter().any(|f| matches!(
            f,
            Finding::AccessTailMissing {
                witness: Witness::Local,
                ..
            }
        )),
        "{f:?}"
    );

    // With the mark gone too, the subdistrict's echo of the head it received still tells.
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let up = com.export_to(SUB);
    sub.import_ok(&up.path);
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    com.assert_check();
    let (before, _) = {
        let c = rusqlite::Connection::open(com.db()).unwrap();
        jiuzhu::store::access_log::head(&c).unwrap()
    };
    cut_access(&com, 3, true);
    let f = findings(&mut com);
    assert!(
        f.iter().any(|f| matches!(
            f,
            Finding::AccessTailMissing {
                witnessed,
                witness: Witness::Peer(org),
                ..
            } if org == SUB && *witnessed < before
        )),
        "{f:?}"
    );
}

#[test]
fn the_report_names_the_unit_and_the_whole_workstation_id() {
    let mut com = Station::community(false);
    add_person(&mut com, "张桂英", "360104195003070027");
    cut_persons(&com, 1, false);
    let id = com.store.workstation().unwrap().id;
    let dir = com.dir.path().to_path_buf();
    let (rc, out, _) = common::run(
        common::jiuzhu(&dir)
            .args(["--user", "admin", "audit", "verify"])
            .env("JIUZHU_PASSWORD", "Qingyunpu-2026!"),
    );
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("洪都新村社区（360104001001，工作站"), "{out}");
    assert!(out.contains(&id), "{out}");
    assert!(out.contains("变更日志末尾被删除"), "{out}");
}

#[test]
fn a_restore_after_a_lost_disk_is_no_cut_tail_when_the_peer_echoes_the_old_head() {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    add_person(&mut com, "张桂英", "360104195003070027");
    let dir = com.dir.path().to_path_buf();
    let backup = com
        .ctx(|ctx| jiuzhu::app::backup::backup(ctx, Some(&dir)).unwrap())
        .path;
    // Work after the backup: the subdistrict receives it and echoes the newer access-log head.
    add_person(&mut com, "李秀兰", "360104195003070035");
    let up = com.export_to(SUB);
    sub.import_ok(&up.path);
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    com.assert_check();

    // The disk is lost: the database is gone, the backup comes back.
    let scratch = tempfile::tempdir().unwrap();
    let placeholder = jiuzhu::store::Store::open(
        &scratch.path().join("x.db"),
        &jiuzhu::store::OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    drop(std::mem::replace(&mut com.store, placeholder));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", com.db().display()));
    }
    jiuzhu::app::backup::restore(
        &com.db(),
        &backup,
        None,
        "admin",
        zeroize::Zeroizing::new("Qingyunpu-2026!".into()),
        &common::clock(),
    )
    .unwrap();
    com.store = jiuzhu::store::Store::open(&com.db(), &Default::default()).unwrap();
    // The subdistrict still echoes the head it saw before the loss: of the earlier epoch.
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    com.assert_check();
    // Once it has seen the log as it now stands, its echo counts again.
    let up = com.export_to(SUB);
    sub.import_ok(&up.path);
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    com.assert_check();
    cut_access(&com, 3, true);
    let f = findings(&mut com);
    assert!(
        f.iter().any(|f| matches!(
            f,
            Finding::AccessTailMissing {
                witness: Witness::Peer(_),
                ..
            }
        )),
        "{f:?}"
    );
}
