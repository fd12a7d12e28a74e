//! The change log: every mutation appends a chained entry in the same transaction, and
//! `audit verify` / `check` find each kind of tampering.

mod common;

use common::{with_ctx, DemoWs};
use jiuzhu::app::check::{self, Finding};
use jiuzhu::app::{demo, person};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::store::changelog::BreakKind;
use rusqlite::Connection;

fn populated() -> DemoWs {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 40, 9, &mut |_, _| true).unwrap()
    });
    ws
}

fn raw(ws: &DemoWs) -> Connection {
    let c = Connection::open(ws.db()).unwrap();
    // A tamperer with the sqlite3 shell drops the guards first.
    c.execute_batch("DROP TRIGGER change_log_no_update; DROP TRIGGER change_log_no_delete;")
        .unwrap();
    c
}

fn audit(ws: &mut DemoWs) -> check::Report {
    with_ctx(ws, "supervisor", |ctx| check::audit_verify(ctx).unwrap())
}

#[test]
fn entries_chain_and_verify() {
    let mut ws = populated();
    let r = audit(&mut ws);
    assert!(r.ok(), "{:?}", r.findings);
    assert_eq!(r.chains.len(), 1, "one origin, one epoch");
    let c = Connection::open(ws.db()).unwrap();
    let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = c
        .prepare("SELECT seq, prev_hash, hash FROM change_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(rows.len() > 40);
    assert_eq!(rows[0].1, vec![0u8; 32], "genesis links to zero");
    for w in rows.windows(2) {
        assert_eq!(w[1].0, w[0].0 + 1, "sequence without gaps");
        assert_eq!(w[1].1, w[0].2, "each entry links to the previous hash");
    }
}

#[test]
fn a_mutation_and_its_entry_share_one_transaction() {
    let mut ws = DemoWs::new();
    let before: i64 = Connection::open(ws.db())
        .unwrap()
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    let draft = PersonDraft {
        name: "李四".into(),
        community: "360104001002".into(),
        ..Default::default()
    };
    let id = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                community: "360104001001".into(),
                ..draft.clone()
            },
        )
        .unwrap()
    });
    let c = Connection::open(ws.db()).unwrap();
    let (kind, actor, record): (String, String, String) = c
        .query_row(
            "SELECT kind, actor, record FROM change_log WHERE record_id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kind, "person.create");
    assert_eq!(actor, "info_officer");
    assert!(record.contains("\"name\":\"李四\""), "{record}");
    // A refused write leaves neither a record nor an entry: the officer's community is 001.
    let err = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft).unwrap_err()
    });
    assert!(
        matches!(err, jiuzhu::app::AppError::Denied { .. }),
        "{err:?}"
    );
    let after: i64 = c
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before + 1);
}

#[test]
fn an_edited_entry_is_found() {
    let mut ws = populated();
    raw(&ws)
        .execute("UPDATE change_log SET record = replace(record, '\"version\":1', '\"version\":7') WHERE seq = 5", [])
        .unwrap();
    let r = audit(&mut ws);
    let Finding::ChainBroken(c) = &r.findings[0] else {
        panic!("{:?}", r.findings)
    };
    let b = c.broken.as_ref().unwrap();
    assert_eq!((b.seq, &b.kind), (5, &BreakKind::ContentChanged));
}

#[test]
fn a_rehashed_entry_breaks_the_next_link() {
    let mut ws = populated();
    // Recomputing one entry's hash hides its edit but not the link from the entry after it.
    raw(&ws)
        .execute(
            "UPDATE change_log SET hash = zeroblob(32) WHERE seq = 8",
            [],
        )
        .unwrap();
    let r = audit(&mut ws);
    let Finding::ChainBroken(c) = &r.findings[0] else {
        panic!("{:?}", r.findings)
    };
    let b = c.broken.as_ref().unwrap();
    assert!(b.seq == 8 || b.seq == 9, "{b:?}");
}

#[test]
fn a_deleted_entry_is_found() {
    let mut ws = populated();
    raw(&ws)
        .execute("DELETE FROM change_log WHERE seq = 12", [])
        .unwrap();
    let r = audit(&mut ws);
    let Finding::ChainBroken(c) = &r.findings[0] else {
        panic!("{:?}", r.findings)
    };
    let b = c.broken.as_ref().unwrap();
    assert_eq!(b.seq, 13);
    assert_eq!(b.kind, BreakKind::SequenceGap { expected: 12 });
}

#[test]
fn a_record_changed_behind_the_programs_back_fails_check() {
    let mut ws = populated();
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
    Connection::open(ws.db())
        .unwrap()
        .execute("UPDATE persons SET name = '假名' WHERE rowid = 3", [])
        .unwrap();
    let r = with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(!r.ok());
    assert!(
        r.findings
            .iter()
            .any(|f| matches!(f, Finding::RecordMismatch(m) if !m.unlogged)),
        "{:?}",
        r.findings
    );
}

#[test]
fn the_access_log_is_chained_too() {
    let mut ws = populated();
    let c = Connection::open(ws.db()).unwrap();
    c.execute_batch("DROP TRIGGER access_log_no_update")
        .unwrap();
    c.execute("UPDATE access_log SET actor = 'someone' WHERE seq = 1", [])
        .unwrap();
    let r = audit(&mut ws);
    assert!(
        r.findings.contains(&Finding::AccessLogBroken(1)),
        "{:?}",
        r.findings
    );
}

#[test]
fn the_logs_refuse_updates_and_deletes_through_sql() {
    let ws = populated();
    let c = Connection::open(ws.db()).unwrap();
    assert!(c
        .execute("DELETE FROM change_log WHERE seq = 1", [])
        .is_err());
    assert!(c
        .execute("UPDATE change_log SET actor = 'x' WHERE seq = 1", [])
        .is_err());
    assert!(c.execute("DELETE FROM persons", []).is_err());
    assert!(c.execute("DELETE FROM access_log", []).is_err());
}

#[test]
fn only_inspectors_audit() {
    let mut ws = populated();
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        check::audit_verify(ctx).unwrap_err()
    });
    assert!(matches!(e, jiuzhu::app::AppError::Denied { .. }));
}
