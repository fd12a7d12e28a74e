//! 统计报表 over a district's service records: the monthly statistics of the busiest month
//! against the equivalent raw SQLite aggregate on the same file, the yearly evaluation, and
//! the peak memory of the real binary writing the monthly spreadsheet.
//! `cargo bench --bench statistics`.
//!
//! The demo of 100,000 persons holds about 645,000 service records; the target is stated for
//! 1,000,000, so this benchmark uses its own demo of 160,000 persons (about 1.03 million
//! records, made once under `target/bench-data/demo-160000/`;
//! `JIUZHU_BENCH_STATS_PERSONS` overrides the size).

mod common;

use std::hint::black_box;
use std::time::Instant;

use jiuzhu::app::statistics;
use jiuzhu::app::{Ctx, SystemClock};
use jiuzhu::domain::month::Month;
use jiuzhu::i18n::Lang;
use jiuzhu::store::{OpenOptions, Store};

fn persons() -> usize {
    std::env::var("JIUZHU_BENCH_STATS_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(160_000)
}

fn main() {
    let dir = common::data_dir_for(persons());
    let db = dir.join("jiuzhu.db");
    let raw = rusqlite::Connection::open(&db).expect("raw connection");
    let records: i64 = raw
        .query_row("SELECT count(*) FROM services", [], |r| r.get(0))
        .expect("count");
    // The busiest month: the case the target is about.
    let (busiest, in_month): (String, i64) = raw
        .query_row(
            "SELECT substr(served_on, 1, 7) AS m, count(*) FROM services
              GROUP BY m ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("busiest month");
    let month = Month::parse(&busiest).expect("a month");
    println!("{records} service records; busiest month {month}: {in_month} records");

    let mut store = Store::open(&db, &OpenOptions::default()).expect("open");
    let clock = SystemClock;
    let ctx = Ctx::new(&mut store, common::demo_session(), &clock).expect("context");
    // One run first: the first read of the file from disk is not what a caseworker waits for
    // when paging between months of a workstation in use.
    let first = Instant::now();
    let s = statistics::monthly(&ctx, month, Lang::ZhCn).expect("monthly");
    println!(
        "first monthly run {:.1} ms: {} communities, {} services, {} persons served",
        first.elapsed().as_secs_f64() * 1000.0,
        s.communities.len(),
        s.total.services.records,
        s.total.services.recipients
    );
    let monthly = common::time_each(20, || {
        black_box(statistics::monthly(&ctx, month, Lang::ZhCn).expect("monthly"));
    });

    // The raw baseline: the per-community service aggregate alone, in SQL, same file.
    let (from, to) = (month.first_day().to_string(), month.last_day().to_string());
    let mut stmt = raw
        .prepare(
            "SELECT c.community, count(*), count(DISTINCT s.case_id), sum(s.minutes),
                    sum(s.confirmed), sum(s.satisfaction IN ('satisfied', 'basic'))
               FROM services s JOIN cases c ON c.id = s.case_id
              WHERE s.served_on BETWEEN ?1 AND ?2 GROUP BY c.community",
        )
        .expect("baseline query");
    let baseline = common::time_each(20, || {
        let rows: Vec<(String, i64)> = stmt
            .query_map([&from, &to], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        black_box(rows);
    });
    let base = common::stats(baseline.clone());
    common::row(
        "monthly statistics (app::statistics::monthly)",
        common::stats(monthly),
        Some(base.0),
    );
    common::row("raw SQLite aggregate per community", base, None);

    let year = month.year();
    let evaluation = common::time_each(3, || {
        black_box(statistics::evaluation(&ctx, year, Lang::ZhCn).expect("evaluation"));
    });
    common::row(
        &format!("yearly evaluation {year}"),
        common::stats(evaluation),
        None,
    );
    drop(ctx);

    // The real binary writing the month's spreadsheet: wall time and peak memory.
    let out = dir.join("bench-monthly.xlsx");
    let t = Instant::now();
    let run = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(env!("CARGO_BIN_EXE_jiuzhu"))
        .arg("--data-dir")
        .arg(&dir)
        .args([
            "--user",
            "demo",
            "report",
            "monthly",
            "--month",
            &month.to_string(),
            "--out",
        ])
        .arg(&out)
        .env("JIUZHU_PASSWORD", "demo")
        .output();
    match run {
        Ok(o) if o.status.success() => {
            let kb = String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
                .unwrap_or(0);
            println!(
                "jiuzhu report monthly --month {month}: {:.2} s with sign-in, peak RSS {:.1} MB",
                t.elapsed().as_secs_f64(),
                kb as f64 / 1024.0
            );
        }
        Ok(o) => eprintln!(
            "report monthly failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => eprintln!("/usr/bin/time not available: {e}"),
    }
}
