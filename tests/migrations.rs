//! A database made by an older schema opens in this release and keeps its data.

use jiuzhu::store::migrations::{self, latest};
use jiuzhu::store::{OpenOptions, Store};
use rusqlite::Connection;

#[test]
fn schema_1_database_migrates_and_keeps_its_people() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 1).unwrap();
        assert_eq!(migrations::version(&c).unwrap(), 1);
        c.execute_batch(
            "INSERT INTO workstation (id, org_code, tier, demo, epoch, created_at)
                 VALUES ('ws-1', '360104001', 'subdistrict', 0, 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO org_units (code, name, kind, parent, hosted) VALUES ('360104001001', '洪都新村社区', 'community', NULL, 1);
             INSERT INTO persons (id, origin, version, created_at, updated_at, name, id_number, community,
                 hukou_local, assistance_status, lives_alone, status)
               VALUES ('p-1', 'ws-1', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '曾小红',
                 '11010519491231002X', '360104001001', 1, 'urban_minimum_living', 0, 'active');",
        )
        .unwrap();
        let tables: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'clues'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "schema 1 has no clues table");
    }
    let store = Store::open(&path, &OpenOptions::default()).unwrap();
    drop(store);
    let c = Connection::open(&path).unwrap();
    assert_eq!(migrations::version(&c).unwrap(), latest());
    let name: String = c
        .query_row("SELECT name FROM persons WHERE id = 'p-1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "曾小红");
    let (initials, full): (String, String) = c
        .query_row(
            "SELECT initials, full FROM person_search WHERE person_id = 'p-1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(initials.split(' ').any(|v| v == "zxh"), "{initials}");
    assert!(full.split(' ').any(|v| v == "zengxiaohong"), "{full}");
    let clues: i64 = c
        .query_row("SELECT count(*) FROM clues", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clues, 0);
}

#[test]
fn pragmas_are_set_on_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let store = Store::open(
        &path,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    drop(store);
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "WAL persists in the file");
    let app_id: i64 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, jiuzhu::store::APPLICATION_ID);
}

#[test]
fn opening_a_missing_database_without_create_says_not_initialised() {
    let dir = tempfile::tempdir().unwrap();
    let e = Store::open(&dir.path().join("none.db"), &OpenOptions::default()).unwrap_err();
    assert!(matches!(e, jiuzhu::store::StoreError::NotInitialised));
    assert!(!dir.path().join("none.db").exists());
}

#[test]
fn schema_4_database_gains_the_task_tables_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 4).unwrap();
        c.execute_batch(
            "INSERT INTO workstation (id, org_code, tier, demo, epoch, created_at)
                 VALUES ('ws-1', '360104001', 'subdistrict', 0, 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO org_units (code, name, kind, parent, hosted) VALUES ('360104001001', '洪都新村社区', 'community', NULL, 1);
             INSERT INTO persons (id, origin, version, created_at, updated_at, name, id_number, community,
                 hukou_local, assistance_status, lives_alone, status)
               VALUES ('p-1', 'ws-1', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '曾小红',
                 '11010519491231002X', '360104001001', 1, 'urban_minimum_living', 0, 'active');",
        )
        .unwrap();
        let tasks: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'tasks'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tasks, 0, "schema 4 has no tasks table");
    }
    drop(Store::open(&path, &OpenOptions::default()).unwrap());
    let c = Connection::open(&path).unwrap();
    assert_eq!(migrations::version(&c).unwrap(), latest());
    let name: String = c
        .query_row("SELECT name FROM persons WHERE id = 'p-1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "曾小红");
    for table in ["tasks", "roster_imports"] {
        let n: i64 = c
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[test]
fn schema_6_database_gains_review_dates_and_settings_and_schedules_old_cards() {
    use jiuzhu::app::{inbox, Ctx, FixedClock, Session};
    use jiuzhu::domain::permission::{Grant, Role};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 6).unwrap();
        c.execute_batch(
            "INSERT INTO workstation (id, org_code, tier, demo, epoch, created_at)
                 VALUES ('ws-1', '360104001', 'subdistrict', 0, 1, '2025-01-01T00:00:00.000Z');
             INSERT INTO org_units (code, name, kind, parent, hosted) VALUES
                 ('360104001', '洪都街道', 'subdistrict', NULL, 0),
                 ('360104001001', '洪都新村社区', 'community', '360104001', 1);
             INSERT INTO persons (id, origin, version, created_at, updated_at, name, community,
                 hukou_local, assistance_status, lives_alone, status)
               VALUES ('p-1', 'ws-1', 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z',
                 '曾小红', '360104001001', 1, 'urban_minimum_living', 0, 'active');
             INSERT INTO cases (id, origin, version, created_at, updated_at, person_id, community,
                 state, state_changed_at, needs, card_no, card_valid_until, card_version)
               VALUES ('c-1', 'ws-1', 5, '2025-11-20T00:00:00.000Z', '2025-12-01T00:00:00.000Z',
                 'p-1', '360104001001', 'in_service', '2025-12-01T02:00:00.000Z',
                 '[\"meal_delivery\"]', '360104001-K00001', '2026-12-01', 1);",
        )
        .unwrap();
    }
    let mut store = Store::open(&path, &OpenOptions::default()).unwrap();
    {
        let c = Connection::open(&path).unwrap();
        assert_eq!(migrations::version(&c).unwrap(), latest());
        let reviewed: Option<String> = c
            .query_row("SELECT reviewed_on FROM cases WHERE id = 'c-1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(reviewed, None, "old cases keep no review date");
        let settings: i64 = c
            .query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(settings, 0, "defaults until an administrator sets them");
    }
    // The old card was issued 2025-12-01 (a year before its last valid day): its review fell
    // due on 2026-05-30, and the card runs out within the month.
    let clock = FixedClock(
        chrono::DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let session = Session {
        username: "admin".into(),
        grants: vec![Grant {
            role: Role::Admin,
            org: "360104001".into(),
        }],
    };
    let ctx = Ctx::new(&mut store, session, &clock).unwrap();
    let items = inbox::tasks(&ctx).unwrap().items;
    // (An administrator of a workstation set up in 2025 and never backed up is also reminded
    // to back up; that item is not what this test is about.)
    let kinds: Vec<(inbox::InboxKind, String)> = items
        .iter()
        .filter(|i| i.kind != inbox::InboxKind::Backup)
        .map(|i| (i.kind, i.since.to_string()))
        .collect();
    assert_eq!(
        kinds,
        [
            (inbox::InboxKind::ReviewDue, "2026-05-30".to_string()),
            (inbox::InboxKind::CardExpiring, "2026-11-01".to_string()),
            // In service all October with no service recorded: off the plan.
            (inbox::InboxKind::PlanGap, "2026-11-01".to_string()),
        ]
    );
}

#[test]
fn schema_12_database_keeps_its_bundles_and_knows_nothing_of_what_they_carried() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v12.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 12).unwrap();
        c.execute_batch(
            "INSERT INTO bundles_out (bundle_id, peer_workstation, peer_org, epoch, bundle_seq,
                 manifest_sha256, created_at, created_by, path, entries, attachments)
               VALUES ('b-1', 'ws-2', '360104', 1, 1, 'ab', '2026-11-01T00:00:00.000Z', 'admin',
                 '/tmp/b', 3, 0);",
        )
        .unwrap();
    }
    drop(Store::open(&path, &OpenOptions::default()).unwrap());
    let c = Connection::open(&path).unwrap();
    assert_eq!(migrations::version(&c).unwrap(), latest());
    let kept: i64 = c
        .query_row("SELECT count(*) FROM bundles_out", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
    // A bundle written before is not known to carry anything: a restore counts only what the
    // peer acknowledged of it, rather than guess.
    let carried: i64 = c
        .query_row("SELECT count(*) FROM bundles_out_own", [], |r| r.get(0))
        .unwrap();
    assert_eq!(carried, 0);
}

#[test]
fn schema_12_database_gets_the_heads_of_its_logs_witnessed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 12).unwrap();
        c.execute_batch(
            "INSERT INTO workstation (id, org_code, tier, demo, epoch, created_at)
                 VALUES ('ws-1', '360104001', 'subdistrict', 0, 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO change_log (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash)
               VALUES ('ws-1', 1, 1, 'a', 't', 'k', 'person', 'p', '{}', zeroblob(32), randomblob(32)),
                      ('ws-1', 1, 2, 'a', 't', 'k', 'person', 'p', '{}', zeroblob(32), randomblob(32)),
                      ('ws-2', 3, 7, 'a', 't', 'k', 'person', 'q', '{}', zeroblob(32), randomblob(32));
             INSERT INTO access_log (seq, at, actor, event, prev_hash, hash)
               VALUES (1, 't', 'a', 'login', zeroblob(32), randomblob(32)),
                      (2, 't', 'a', 'login', zeroblob(32), randomblob(32));",
        )
        .unwrap();
    }
    drop(Store::open(&path, &OpenOptions::default()).unwrap());
    let c = Connection::open(&path).unwrap();
    let heads: Vec<(String, i64, i64, bool)> = c
        .prepare(
            "SELECT h.origin, h.epoch, h.seq, h.hash = l.hash FROM chain_heads h
             JOIN change_log l USING (origin, epoch, seq) ORDER BY h.origin",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        heads,
        vec![("ws-1".into(), 1, 2, true), ("ws-2".into(), 3, 7, true)]
    );
    let access: (i64, bool) = c
        .query_row(
            "SELECT h.seq, h.hash = l.hash FROM access_head h JOIN access_log l USING (seq)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(access, (2, true));
}

#[test]
fn schema_14_database_keeps_its_postings_as_fixed_periods_and_its_complaints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v14.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 14).unwrap();
        c.execute_batch(
            "INSERT INTO postings (id, origin, version, created_at, updated_at, community,
                 period_from, period_to, place, persons, list_sha256, posted_by)
               VALUES ('p-1', 'ws-1', 1, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z',
                 '360104001001', '2026-11-01', '2026-11-07', '公开栏', 12, 'ab', 'staff');
             INSERT INTO complaints (id, origin, version, created_at, updated_at, community,
                 channel, posting_id, received_on, content, state)
               VALUES ('c-1', 'ws-1', 1, '2026-11-02T00:00:00.000Z', '2026-11-02T00:00:00.000Z',
                 '360104001001', 'posting', 'p-1', '2026-11-02', '有异议', 'open');",
        )
        .unwrap();
    }
    drop(Store::open(&path, &OpenOptions::default()).unwrap());
    let c = Connection::open(&path).unwrap();
    assert_eq!(migrations::version(&c).unwrap(), latest());
    // A posting of before hung for its period: not long-term, replaced by nothing, and not
    // asked whether it still names who is in service (it never recorded whom).
    let p: (String, i64, Option<String>, Option<String>) = c
        .query_row(
            "SELECT period_to, long_term, replaced_by, members_sha256 FROM postings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(p, ("2026-11-07".to_string(), 0, None, None));
    let k: (Option<String>, Option<String>, Option<String>, String) = c
        .query_row(
            "SELECT assigned_unit, due_on, satisfaction, state FROM complaints",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(k, (None, None, None, "open".to_string()));
    let waivers: i64 = c
        .query_row("SELECT count(*) FROM document_waivers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(waivers, 0);
}
