//! 结算 over the district's year: making one provider's month (the busiest the demo holds)
//! under its agreements — every service of the month read and reckoned, the earlier months'
//! charges against the ceilings, the draft written with its change-log entry — against the
//! raw SQLite read of the same month's services. `cargo bench --bench settlement`.
//!
//! The demo of 100,000 persons (made once under `target/bench-data/demo-100000/`) settles
//! every provider's month of its year; the last month waits submitted. The benchmark sets the
//! busiest submitted month back to a draft in that file (a benchmark's liberty with its own
//! data, never done by the program) so it can be made again, as a caseworker remakes a draft.

mod common;

use std::hint::black_box;

use jiuzhu::app::{settlement, Ctx, SystemClock};
use jiuzhu::domain::month::Month;

fn main() {
    let dir = common::data_dir();
    let db = dir.join("jiuzhu.db");
    let raw = rusqlite::Connection::open(&db).expect("raw connection");
    let (id, provider, month, n): (String, String, String, i64) = raw
        .query_row(
            "SELECT id, provider_id, month, json_array_length(lines) + json_array_length(excluded)
               FROM settlements WHERE state IN ('submitted', 'draft')
              ORDER BY 4 DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("a submitted settlement in the demo's year");
    raw.execute(
        "UPDATE settlements SET state = 'draft', submitted_by = NULL, submitted_at = NULL
          WHERE id = ?1",
        [&id],
    )
    .expect("back to a draft");
    let settled: i64 = raw
        .query_row("SELECT count(*) FROM settlements", [], |r| r.get(0))
        .expect("count");
    let services: i64 = raw
        .query_row("SELECT count(*) FROM services", [], |r| r.get(0))
        .expect("count");
    let month = Month::parse(&month).expect("a month");
    println!(
        "{services} service records, {settled} settlements; the busiest month: {month}, {n} services"
    );

    let mut store = common::open();
    let clock = SystemClock;
    let mut ctx = Ctx::new(&mut store, common::demo_session(), &clock).expect("context");
    let first = std::time::Instant::now();
    let s = settlement::make(&mut ctx, &provider, month).expect("make");
    println!(
        "first run {:.1} ms: {} counted, {} not counted, {} 元",
        first.elapsed().as_secs_f64() * 1000.0,
        s.lines.len(),
        s.excluded.len(),
        s.total.yuan_text()
    );
    let samples = common::time_each(20, || {
        black_box(settlement::make(&mut ctx, &provider, month).expect("make"));
    });
    let baseline = common::time_each(20, || {
        let mut stmt = raw
            .prepare_cached(
                "SELECT s.id, s.case_id, c.community, s.item, s.served_on, s.minutes, s.confirmed
                   FROM services s JOIN cases c ON c.id = s.case_id
                  WHERE s.provider_id = ?1 AND s.served_on BETWEEN ?2 AND ?3
                  ORDER BY s.served_on",
            )
            .expect("prepare");
        let from = month.first_day().format("%Y-%m-%d").to_string();
        let to = month.last_day().format("%Y-%m-%d").to_string();
        let rows: Vec<(String, String, String, String, String, i64, bool)> = stmt
            .query_map(rusqlite::params![provider, from, to], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .expect("query")
            .map(Result::unwrap)
            .collect();
        black_box(rows);
    });
    let base = common::stats(baseline);
    common::row(
        "settlement make, one provider-month",
        common::stats(samples),
        Some(base.0),
    );
}
