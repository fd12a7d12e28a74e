//! Replays the fuzz corpus and every crash the fuzzers ever found (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the same entry points the fuzz targets call, so a
//! fixed crash stays fixed without a fuzzer in CI.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.file_name().is_some_and(|f| f == ".keep") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{} panics", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn the_id_parser_survives_its_corpus() {
    assert!(replay("id_number", jiuzhu::fuzzing::id_number) >= 10);
}

#[test]
fn the_roster_reader_survives_its_corpus() {
    assert!(replay("roster", jiuzhu::fuzzing::roster) >= 6);
}

#[test]
fn the_bundle_reader_survives_its_corpus() {
    assert!(replay("bundle", jiuzhu::fuzzing::bundle) >= 6);
}

#[test]
fn the_entry_points_check_what_they_claim() {
    // A valid number passes the invariants; the invariants themselves must be able to fail,
    // which a wrong check digit shows by being refused rather than accepted.
    jiuzhu::fuzzing::id_number(b"360104194803150020");
    assert!(jiuzhu::domain::id_number::IdNumber::parse(
        "360104194803150021",
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    )
    .is_err());
}
