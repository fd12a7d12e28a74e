//! Bundle export and import of about 100,000 change entries of demo data (a community sends
//! everything it recorded to its subdistrict), against a plain SQLite bulk insert of the same
//! rows; and the peak memory of each, run as the real binary.
//!
//! `cargo bench --bench bundle`. The two workstations are made once under
//! `target/bench-data/bundle-<persons>/` (`JIUZHU_BENCH_BUNDLE_PERSONS`, default 10,300 persons,
//! which the demo turns into about 100,000 entries) and reused.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiuzhu::app::exchange::{self, ImportOutcome};
use jiuzhu::app::{demo, setup, Ctx, Session, SystemClock};
use jiuzhu::domain::permission::{Grant, Role};
use jiuzhu::store::{OpenOptions, Store};
use zeroize::Zeroizing;

const PASSWORD: &str = "bench-password-1";
const SUB: &str = "360104001";
const COM: &str = "360104001001";

fn persons() -> usize {
    std::env::var("JIUZHU_BENCH_BUNDLE_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_300)
}

fn session(org: &str) -> Session {
    Session {
        username: "admin".into(),
        grants: vec![Grant {
            role: Role::Admin,
            org: org.into(),
        }],
    }
}

fn init(dir: &Path, tier: &str, org: &str, name: &str) -> Store {
    let params = setup::validate_params(tier, org, name, None, "admin", true).expect("params");
    setup::init(
        dir,
        &dir.join("jiuzhu.db"),
        &params,
        Zeroizing::new(PASSWORD.into()),
        &SystemClock,
    )
    .expect("init")
}

fn trust(store: &mut Store, org: &str, card: &Path) {
    let fp = exchange::read_card(card).expect("card").fingerprint();
    let mut ctx = Ctx::new(store, session(org), &SystemClock).expect("ctx");
    exchange::trust(&mut ctx, card, &fp, false).expect("trust");
}

/// The community (with the demo data) and a pristine, enrolled subdistrict.
fn stations() -> (PathBuf, PathBuf) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-data/bundle-{}", persons()));
    let (com, sub) = (root.join("com"), root.join("sub"));
    if !root.join("ready").exists() {
        let _ = std::fs::remove_dir_all(&root);
        eprintln!("making the two workstations in {} …", root.display());
        let mut c = init(&com, "community", COM, "洪都新村社区");
        let mut s = init(&sub, "subdistrict", SUB, "洪都街道");
        let cc = exchange::write_card(&c, &root.join("com.card")).expect("card");
        let sc = exchange::write_card(&s, &root.join("sub.card")).expect("card");
        trust(&mut c, COM, &sc);
        trust(&mut s, SUB, &cc);
        let mut ctx = Ctx::new(&mut c, session(COM), &SystemClock).expect("ctx");
        demo::generate(&mut ctx, persons(), 1, &mut |_, _| true).expect("demo");
        std::fs::write(root.join("ready"), b"").expect("mark");
    }
    (com, sub)
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// Peak resident memory (KiB) of the real binary running `args`, if `/usr/bin/time` exists.
fn peak_rss(data_dir: &Path, args: &[&str]) -> Option<u64> {
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(env!("CARGO_BIN_EXE_jiuzhu"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--user")
        .arg("admin")
        .args(args)
        .env("JIUZHU_PASSWORD", PASSWORD)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn main() {
    let (com, sub) = stations();
    let tmp = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/bundle-runs");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("runs dir");

    let mut store = Store::open(&com.join("jiuzhu.db"), &OpenOptions::default()).expect("open");
    let entries: i64 = rusqlite::Connection::open(com.join("jiuzhu.db"))
        .and_then(|c| c.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)))
        .expect("count");
    println!("community change log: {entries} entries");
    let mut exports = Vec::new();
    let mut bundle = None;
    for i in 0..3 {
        let mut ctx = Ctx::new(&mut store, session(COM), &SystemClock).expect("ctx");
        let out = tmp.join(format!("up-{i}.bundle"));
        let t = Instant::now();
        let s = exchange::export(&mut ctx, SUB, Some(&out), &mut |_, _| true).expect("export");
        exports.push(t.elapsed());
        let size = std::fs::metadata(&s.path).map(|m| m.len()).unwrap_or(0);
        println!(
            "export {i}: {} entries, {:.1} MB, {:.2} s",
            s.entries,
            size as f64 / 1e6,
            exports[i].as_secs_f64()
        );
        bundle = Some(s.path);
    }
    drop(store);
    let bundle = bundle.expect("a bundle");

    let mut imports = Vec::new();
    for i in 0..3 {
        let dir = tmp.join(format!("sub-{i}"));
        copy_dir(&sub, &dir);
        let mut s = Store::open(&dir.join("jiuzhu.db"), &OpenOptions::default()).expect("open");
        let mut ctx = Ctx::new(&mut s, session(SUB), &SystemClock).expect("ctx");
        let t = Instant::now();
        let outcome = exchange::import(&mut ctx, &bundle, &mut |_, _| true).expect("import");
        imports.push(t.elapsed());
        if let ImportOutcome::Imported(r) = outcome {
            println!(
                "import {i}: {} applied, {:.2} s",
                r.applied,
                imports[i].as_secs_f64()
            );
        }
    }

    // The baseline: the same rows inserted into a bare table in one transaction.
    let src = rusqlite::Connection::open(com.join("jiuzhu.db")).expect("raw");
    let mut rows: Vec<Vec<rusqlite::types::Value>> = Vec::new();
    {
        let mut stmt = src
            .prepare("SELECT origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash FROM change_log")
            .expect("select");
        let mut q = stmt.query([]).expect("query");
        while let Some(r) = q.next().expect("row") {
            rows.push((0..11).map(|i| r.get(i).expect("value")).collect());
        }
    }
    let mut baseline = Vec::new();
    for i in 0..3 {
        let path = tmp.join(format!("baseline-{i}.db"));
        let mut c = rusqlite::Connection::open(&path).expect("baseline db");
        c.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
             CREATE TABLE change_log (local_order INTEGER PRIMARY KEY, origin TEXT, epoch INTEGER, seq INTEGER,
               actor TEXT, at TEXT, kind TEXT, entity TEXT, record_id TEXT, record TEXT, prev_hash BLOB, hash BLOB,
               UNIQUE (origin, epoch, seq));",
        )
        .expect("schema");
        let t = Instant::now();
        let tx = c.transaction().expect("tx");
        {
            let mut ins = tx
                .prepare("INSERT INTO change_log (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
                .expect("insert");
            for r in &rows {
                ins.execute(rusqlite::params_from_iter(r.iter()))
                    .expect("row");
            }
        }
        tx.commit().expect("commit");
        baseline.push(t.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let b = median(&mut baseline);
    common::row(
        "bundle export (3 runs)",
        common::stats(exports.clone()),
        Some(b),
    );
    common::row(
        "bundle import (3 runs)",
        common::stats(imports.clone()),
        Some(b),
    );
    common::row(
        "baseline: bulk insert of the rows",
        common::stats(baseline),
        None,
    );

    // Peak memory of the real binary, export and import each in its own process.
    let rss_dir = tmp.join("rss-sub");
    copy_dir(&sub, &rss_dir);
    let out = tmp.join("rss.bundle");
    let com_copy = tmp.join("rss-com");
    copy_dir(&com, &com_copy);
    match peak_rss(
        &com_copy,
        &[
            "bundle",
            "export",
            "--to",
            SUB,
            "--out",
            out.to_str().unwrap_or(""),
        ],
    ) {
        Some(kib) => println!("export peak RSS: {:.1} MB", kib as f64 / 1024.0),
        None => println!("export peak RSS: /usr/bin/time not available"),
    }
    match peak_rss(
        &rss_dir,
        &["bundle", "import", bundle.to_str().unwrap_or("")],
    ) {
        Some(kib) => println!("import peak RSS: {:.1} MB", kib as f64 / 1024.0),
        None => println!("import peak RSS: /usr/bin/time not available"),
    }
}
