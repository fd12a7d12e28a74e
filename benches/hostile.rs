//! A hostile bundle: a community's operator appends to its own chain, correctly chained,
//! persons whose names are 40,000 and 1,000,000 characters long, and exports them. The
//! subdistrict's import must stay quick and its write lock short: such entries are refused by
//! the rules for received records and wait in the review queue, and pinyin keys are made from
//! a capped prefix of a name, so their cost does not grow with its length.
//!
//! `cargo bench --bench hostile`: each case three times, each into a fresh pair of
//! workstations; the median and the slowest run are printed.

#[path = "../tests/common/mod.rs"]
mod testkit;

use std::time::{Duration, Instant};

use jiuzhu::domain::pinyin_keys::keys_of;
use jiuzhu::store::records::Entity;
use testkit::exchange::{pair, person_record, Station, COM, SUB};

const RUNS: usize = 3;

/// One import of a bundle carrying one forged person named `name`: (time, reviews).
fn import_once(name: &str) -> (Duration, i64) {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let origin = com.store.workstation().expect("workstation").id;
    com.forge(
        Entity::Person,
        "person.create",
        person_record("01a23b1d-a839-7095-b31d-0000000000aa", &origin, COM, name),
    );
    let up = com.export_to(SUB);
    let t = Instant::now();
    let r = sub.import_ok(&up.path);
    (t.elapsed(), r.reviews)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    println!("| case | median | slowest | held for review |");
    println!("|---|---|---|---|");
    for (label, len) in [
        ("a name of 3 characters", 3usize),
        ("a name of 40,000 characters", 40_000),
        ("a name of 1,000,000 characters", 1_000_000),
    ] {
        let name = "张".repeat(len);
        let mut times = Vec::new();
        let mut reviews = 0;
        for _ in 0..RUNS {
            let (t, r) = import_once(&name);
            times.push(t);
            reviews = r;
        }
        times.sort();
        println!(
            "| import, {label} | {:.1} ms | {:.1} ms | {reviews} |",
            ms(times[RUNS / 2]),
            ms(times[RUNS - 1])
        );
    }
    for len in [40_000usize, 1_000_000] {
        let name = "张".repeat(len);
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            std::hint::black_box(keys_of(std::hint::black_box(&name)));
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "| pinyin keys of a {len}-character name | {:.3} ms | {:.3} ms | – |",
            ms(times[RUNS / 2]),
            ms(times[RUNS - 1])
        );
    }
}
