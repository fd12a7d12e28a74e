//! Search as you type over the demo database: the in-memory index against the equivalent
//! raw SQLite query on the same file. `cargo bench --bench search`.

mod common;

use jiuzhu::app::{Ctx, SystemClock};
use std::hint::black_box;

/// What a caseworker types, keystroke by keystroke: names by pinyin initials and full
/// pinyin, Chinese names, ID-number tails, phone tails, service numbers.
const TYPED: &[&str] = &[
    "z",
    "zs",
    "zh",
    "zha",
    "zhan",
    "zhang",
    "zhangs",
    "zhangsan",
    "w",
    "wx",
    "wxy",
    "wang",
    "wangg",
    "l",
    "lx",
    "lxm",
    "liu",
    "c",
    "ch",
    "chen",
    "x",
    "xu",
    "h",
    "hj",
    "王",
    "张秀",
    "李",
    "陈桂",
    "1234",
    "5678",
    "0012",
    "301X",
    "13812",
    "0791",
    "360104001001-0001",
    "12",
];

fn main() {
    let mut store = common::open();
    let clock = SystemClock;
    let ctx = Ctx::new(&mut store, common::demo_session(), &clock).expect("context");
    // The first load may read the file from disk; the next ones show the warm cost a
    // running workstation pays when it reloads after a change.
    let t = std::time::Instant::now();
    let index = jiuzhu::app::search::load(&ctx).expect("index");
    println!(
        "index of {} persons, first load {:.1} ms",
        index.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    let warm = common::stats(common::time_each(5, || {
        black_box(jiuzhu::app::search::load(&ctx).expect("index"));
    }));
    common::row("index load (warm, 5 runs)", warm, None);

    let rounds = 20;
    let mut ours = Vec::new();
    for _ in 0..rounds {
        for q in TYPED {
            ours.extend(common::time_each(1, || {
                black_box(index.find(black_box(q), 20));
            }));
        }
    }
    let conn =
        rusqlite::Connection::open(common::data_dir().join("jiuzhu.db")).expect("raw connection");
    // The same question asked of SQLite directly: prefix on the stored keys, tail of the ID
    // number or phone, the name, the service number; no ranking beyond LIMIT.
    let mut stmt = conn
        .prepare(
            "SELECT p.id, p.name, p.id_number, p.phone, p.service_no, p.community, p.status
             FROM persons p JOIN person_search s ON s.person_id = p.id
             WHERE s.initials LIKE ?1 || '%' OR s.full LIKE ?1 || '%' OR p.name LIKE '%' || ?1 || '%'
                OR p.id_number LIKE '%' || ?1 OR p.phone LIKE '%' || ?1 OR p.service_no = ?1
             LIMIT 20",
        )
        .expect("baseline query");
    let mut raw = Vec::new();
    for _ in 0..rounds {
        for q in TYPED {
            raw.extend(common::time_each(1, || {
                let rows: Vec<String> = stmt
                    .query_map([q], |r| r.get::<_, String>(0))
                    .expect("query")
                    .map(|r| r.expect("row"))
                    .collect();
                black_box(rows);
            }));
        }
    }
    let base = common::stats(raw.clone());
    common::row(
        "search as you type, index (100k)",
        common::stats(ours),
        Some(base.0),
    );
    common::row("  baseline: raw SQLite LIKE query", base, None);
    for q in ["zs", "wang", "1234", "王"] {
        let s = common::stats(common::time_each(200, || {
            black_box(index.find(black_box(q), 20));
        }));
        common::row(&format!("  query {q:?}"), s, None);
    }
}
