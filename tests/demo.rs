//! Demo data: every workflow state present, realistic shape, same seed same content.

mod common;

use common::{with_ctx, DemoWs};
use jiuzhu::app::{check, demo};
use jiuzhu::domain::case::CaseState;
use jiuzhu::domain::clue::ClueState;
use rusqlite::Connection;
use std::collections::BTreeSet;

fn states(ws: &DemoWs, table: &str) -> BTreeSet<String> {
    let c = Connection::open(ws.db()).unwrap();
    let mut stmt = c
        .prepare(&format!("SELECT DISTINCT state FROM {table}"))
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// (name, ID number, phone, service number, community) of every person, in insertion order.
type Content = Vec<(
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
)>;

fn content(ws: &DemoWs) -> Content {
    let c = Connection::open(ws.db()).unwrap();
    let mut stmt = c
        .prepare("SELECT name, id_number, phone, service_no, community FROM persons ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn every_clue_and_case_state_appears_and_checks_pass() {
    let mut ws = DemoWs::new();
    let s = with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 1500, 4, &mut |_, _| true).unwrap()
    });
    assert_eq!(s.persons, 1500);
    assert!(s.clues > 200 && s.cases > 150 && s.enrolled > 100, "{s:?}");
    let clue_states = states(&ws, "clues");
    for st in ClueState::ALL {
        assert!(
            clue_states.contains(st.code()),
            "no clue in state {st:?}: {clue_states:?}"
        );
    }
    let case_states = states(&ws, "cases");
    for st in CaseState::ALL {
        assert!(
            case_states.contains(st.code()),
            "no case in state {st:?}: {case_states:?}"
        );
    }
    let r = with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(r.ok(), "{:?}", r.findings);
}

#[test]
fn people_look_like_a_chinese_district() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 600, 8, &mut |_, _| true).unwrap()
    });
    let people = content(&ws);
    let with_id = people.iter().filter(|p| p.1.is_some()).count();
    assert!(
        with_id > 540 && with_id < 600,
        "a few without ID numbers: {with_id}"
    );
    let communities: BTreeSet<&str> = people.iter().map(|p| p.4.as_str()).collect();
    assert_eq!(
        communities.len(),
        4,
        "spread over the hosted communities: {communities:?}"
    );
    let c = Connection::open(ws.db()).unwrap();
    let children: i64 = c
        .query_row(
            "SELECT count(*) FROM persons WHERE birth_date > '2008-11-28'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(children > 20 && children < 120, "some children: {children}");
    let recipients: i64 = c
        .query_row(
            "SELECT count(*) FROM persons WHERE assistance_status <> 'none'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(recipients > 90 && recipients < 250, "{recipients}");
}

#[test]
fn same_seed_same_content() {
    let make = |seed| {
        let mut ws = DemoWs::new();
        with_ctx(&mut ws, "demo", |ctx| {
            demo::generate(ctx, 200, seed, &mut |_, _| true).unwrap()
        });
        content(&ws)
    };
    let a = make(21);
    assert_eq!(a, make(21));
    assert_ne!(a, make(22));
}

#[test]
fn a_second_run_adds_people_without_repeating_id_numbers() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 100, 3, &mut |_, _| true).unwrap()
    });
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 100, 3, &mut |_, _| true).unwrap()
    });
    let people = content(&ws);
    assert_eq!(people.len(), 200);
    let ids: BTreeSet<_> = people.iter().filter_map(|p| p.1.clone()).collect();
    assert_eq!(ids.len(), people.iter().filter(|p| p.1.is_some()).count());
}

#[test]
fn only_administrators_generate() {
    let mut ws = DemoWs::new();
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        demo::generate(ctx, 5, 1, &mut |_, _| true).unwrap_err()
    });
    assert!(matches!(e, jiuzhu::app::AppError::Denied { .. }), "{e:?}");
}

#[test]
fn cancelled_generation_keeps_nothing() {
    let mut ws = DemoWs::new();
    let before: i64 = Connection::open(ws.db())
        .unwrap()
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    let e = with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 3000, 1, &mut |done, _| done < 1000).unwrap_err()
    });
    assert!(matches!(e, jiuzhu::app::AppError::Cancelled), "{e:?}");
    let c = Connection::open(ws.db()).unwrap();
    let persons: i64 = c
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    let after: i64 = c
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!((persons, after), (0, before), "all or nothing");
}

#[test]
fn demo_providers_cover_the_catalogue_they_name() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 10, 1, &mut |_, _| true).unwrap()
    });
    let list = with_ctx(&mut ws, "demo", |ctx| {
        jiuzhu::app::provider::list(ctx).unwrap()
    });
    assert!(list.len() >= 8, "{}", list.len());
    let cat = jiuzhu::domain::catalogue::Catalogue::builtin();
    for p in &list {
        for i in &p.items {
            assert!(
                cat.contains(jiuzhu::domain::catalogue::ListKind::ServiceItem, i),
                "{} offers unknown {i}",
                p.name
            );
        }
    }
    // A second run adds people, not a second set of providers.
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 10, 2, &mut |_, _| true).unwrap()
    });
    assert_eq!(
        with_ctx(&mut ws, "demo", |ctx| jiuzhu::app::provider::list(ctx)
            .unwrap())
        .len(),
        list.len()
    );
}

#[test]
fn the_demo_year_of_money_is_consistent_and_shows_the_refusals() {
    let mut ws = DemoWs::new();
    let summary = with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, 400, 5, &mut |_, _| true).unwrap()
    });
    let m = summary.money;
    assert!(
        m.helpers >= 3 && m.visits > 0 && m.subsidy_lists > 0 && m.settlements > 0,
        "{m:?}"
    );
    let c = Connection::open(ws.db()).unwrap();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    // Every month before last is paid; last month waits for approval.
    assert_eq!(
        n("SELECT count(*) FROM settlements WHERE state NOT IN ('paid', 'submitted')"),
        0
    );
    assert!(n("SELECT count(*) FROM settlements WHERE state = 'submitted'") > 0);
    assert_eq!(
        n("SELECT count(*) FROM settlements WHERE approved_by IS NOT NULL AND approved_by = submitted_by"),
        0
    );
    // Incomes cover the expenditures, source by source; each paid record is booked once.
    assert_eq!(
        n(
            "SELECT count(*) FROM (SELECT source FROM ledger_entries GROUP BY source
             HAVING sum(CASE kind WHEN 'expenditure' THEN -amount_fen ELSE amount_fen END) < 0)"
        ),
        0
    );
    assert_eq!(
        n("SELECT coalesce(sum(total_fen), 0) FROM settlements WHERE state = 'paid'")
            + n("SELECT coalesce(sum(total_fen), 0) FROM subsidy_lists WHERE state = 'paid'"),
        n("SELECT sum(amount_fen) FROM ledger_entries WHERE kind = 'expenditure'")
    );
    // One helper of each community never passed a training, and some month reached the cap.
    assert!(n("SELECT count(*) FROM helpers WHERE trainings LIKE '%\"passed\":false%'") > 0);
    assert!(
        n(
            "SELECT count(*) FROM subsidy_lists, json_each(subsidy_lists.lines) j
           WHERE json_extract(j.value, '$.amount') < json_extract(j.value, '$.reckoned')"
        ) > 0,
        "a helper over the cap"
    );
    drop(c);
    let r = with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(r.ok(), "{:?}", r.findings);
}
