//! Shared by the benchmarks: the 100k-person demo database, timing and reporting.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiuzhu::app::{demo, Ctx, Session, SystemClock};
use jiuzhu::store::{OpenOptions, Store};

/// Persons in the benchmark database (`JIUZHU_BENCH_PERSONS` overrides for a quick run).
pub fn persons() -> usize {
    std::env::var("JIUZHU_BENCH_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// The benchmark data directory: made once by `demo` with seed 1, then reused.
pub fn data_dir() -> PathBuf {
    data_dir_for(persons())
}

/// The data directory of a demo of `n` persons: made once by `demo` with seed 1, then reused.
pub fn data_dir_for(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/demo-{n}"));
    let db = dir.join("jiuzhu.db");
    if !db.exists() {
        eprintln!(
            "making the benchmark database ({n} persons) in {} …",
            dir.display()
        );
        let clock = SystemClock;
        let (mut store, users) = demo::setup(&dir, &db, &clock).expect("demo set-up");
        let session = Session {
            username: "demo".into(),
            grants: users[0].grants.clone(),
        };
        let mut ctx = Ctx::new(&mut store, session, &clock).expect("context");
        demo::generate(&mut ctx, n, 1, &mut |_, _| true).expect("demo data");
    }
    dir
}

/// Opens the benchmark database.
pub fn open() -> Store {
    Store::open(&data_dir().join("jiuzhu.db"), &OpenOptions::default())
        .expect("open benchmark database")
}

/// The session of the `demo` user (all roles of the demo subdistrict).
pub fn demo_session() -> Session {
    Session {
        username: "demo".into(),
        grants: demo::demo_users()[0].grants.clone(),
    }
}

/// Median and 99th percentile of samples.
pub fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)];
    (median, p99)
}

/// Times `f` `n` times.
pub fn time_each(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

/// Prints one result row: name, median, p99, and the ratio to a baseline median if any.
pub fn row(name: &str, (median, p99): (Duration, Duration), baseline: Option<Duration>) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    match baseline {
        Some(b) => println!(
            "{name:<44} median {:>8.3} ms   p99 {:>8.3} ms   baseline median {:>8.3} ms   ratio {:>6.2}",
            ms(median),
            ms(p99),
            ms(b),
            ms(median) / ms(b)
        ),
        None => println!("{name:<44} median {:>8.3} ms   p99 {:>8.3} ms", ms(median), ms(p99)),
    }
}
