//! Many users, one database: several processes of the real binary read and write the same
//! database at once, as caseworkers do on a shared server. Nobody is shown "database is
//! locked", no write is lost, and `check` passes during the work and after it.
//!
//! Four writers each make a fixed number of writes, alternating a monthly roster import of
//! five new persons (short transactions) and demo data of sixty persons (the longest write the
//! program makes, one transaction). Two readers meanwhile search (`find`) and check (`check`)
//! until every writer has finished. Every process signs in, which itself writes the access
//! log, so readers contend for the write lock too. The busy timeout is left at its default.
//!
//! `JIUZHU_CONCURRENCY_ROUNDS` sets the writes per writer (6 by default, for CI).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;

use common::{jiuzhu, run};
use jiuzhu::domain::id_number::check_char;
use rusqlite::Connection;

const WRITERS: usize = 4;
const READERS: usize = 2;
/// Persons in each roster file.
const ROSTER_PERSONS: usize = 5;
/// Persons in each demo write.
const DEMO_PERSONS: usize = 60;
/// Each reader runs at least this often, whenever the writers finish.
const MIN_READS: usize = 3;
/// A region code the demo generator never uses, so roster persons never meet demo persons.
const REGION: &str = "360105";

const SURNAMES: [&str; WRITERS] = ["柏", "邬", "佘", "谌"];
const GIVEN: [&str; 20] = [
    "春", "夏", "秋", "冬", "梅", "兰", "竹", "菊", "松", "柳", "桂", "荷", "云", "霞", "山", "川",
    "江", "河", "湖", "海",
];

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// A valid 18-digit ID number for `REGION` with a birth date `days` after 1940-01-01.
fn id_number(days: i64) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Duration::days(days);
    let first17 = format!("{REGION}{}101", birth.format("%Y%m%d"));
    format!("{first17}{}", check_char(first17.as_bytes()))
}

/// One roster person: (name, ID number), distinct for every writer, round and row.
fn roster_person(writer: usize, round: usize, row: usize) -> (String, String) {
    let name = format!(
        "{}{}{}",
        SURNAMES[writer],
        GIVEN[round % GIVEN.len()],
        GIVEN[(row + round / GIVEN.len()) % GIVEN.len()]
    );
    let n = (writer * 10_000 + round * ROSTER_PERSONS + row) as i64;
    (name, id_number(n))
}

/// Writes writer `writer`'s roster file of round `round`: five newly approved persons.
fn roster_file(dir: &Path, writer: usize, round: usize) -> PathBuf {
    let mut csv = String::from("序号,姓名,身份证号,救助类别,审批日期,所属社区,状态,备注\n");
    for row in 0..ROSTER_PERSONS {
        let (name, id) = roster_person(writer, round, row);
        csv.push_str(&format!(
            "{},{name},{id},城市低保,2026-03-05,洪都新村社区,新增,\n",
            row + 1
        ));
    }
    let path = dir.join(format!("名单-{writer}-{round}.csv"));
    std::fs::write(&path, csv).unwrap();
    path
}

/// `cmd` as user `user` (whose demo password is the user name).
fn as_user(data: &Path, user: &str) -> Command {
    let mut c = jiuzhu(data);
    c.args(["--user", user]).env("JIUZHU_PASSWORD", user);
    c
}

/// What one run of the binary left: its command line, exit code, stdout and stderr.
struct Ran {
    what: String,
    code: i32,
    out: String,
    err: String,
}

fn ran(what: String, c: &mut Command) -> Ran {
    let (code, out, err) = run(c);
    Ran {
        what,
        code,
        out,
        err,
    }
}

/// Text a person must never see from a busy database, in either language.
fn shows_a_lock(s: &str) -> bool {
    let lower = s.to_lowercase();
    ["锁定", "占用", "locked", "busy", "held the database"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The change-log entries a demo run reports (`变更日志 N 条`).
fn demo_entries(out: &str) -> i64 {
    let tail = out
        .split("变更日志 ")
        .nth(1)
        .unwrap_or_else(|| panic!("no entry count in {out}"));
    tail.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn many_processes_write_and_read_at_once_and_nothing_is_lost() {
    let rounds: usize = std::env::var("JIUZHU_CONCURRENCY_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let (code, _, err) = run(jiuzhu(&data).args(["demo", "--persons", "40"]));
    assert_eq!(code, 0, "{err}");
    let db = data.join("jiuzhu.db");
    let persons_before = count(&db, "SELECT count(*) FROM persons");
    let entries_before = count(&db, "SELECT count(*) FROM change_log");
    let logins_before = count(&db, "SELECT count(*) FROM access_log WHERE event = 'login'");
    // Every roster file exists before anything starts.
    let plan: Vec<Vec<Option<PathBuf>>> = (0..WRITERS)
        .map(|w| {
            (0..rounds)
                .map(|r| (r % 2 == 0).then(|| roster_file(&files, w, r)))
                .collect()
        })
        .collect();

    let start = Barrier::new(WRITERS + READERS);
    let writers_left = AtomicUsize::new(WRITERS);
    let writers_done = AtomicBool::new(false);
    let (writes, reads): (Vec<Vec<Ran>>, Vec<Vec<Ran>>) = std::thread::scope(|s| {
        let writers: Vec<_> = plan
            .iter()
            .enumerate()
            .map(|(w, steps)| {
                let (data, start, left, done) = (&data, &start, &writers_left, &writers_done);
                s.spawn(move || {
                    start.wait();
                    let mut out = Vec::new();
                    for (r, step) in steps.iter().enumerate() {
                        out.push(match step {
                            Some(file) => ran(
                                format!("writer {w} round {r}: roster import"),
                                as_user(data, "demo").args(["roster", "import"]).arg(file),
                            ),
                            None => {
                                let seed = (1000 + w * 100 + r).to_string();
                                ran(
                                    format!("writer {w} round {r}: demo --seed {seed}"),
                                    as_user(data, "demo").args([
                                        "demo",
                                        "--persons",
                                        &DEMO_PERSONS.to_string(),
                                        "--seed",
                                        &seed,
                                    ]),
                                )
                            }
                        });
                    }
                    if left.fetch_sub(1, Ordering::SeqCst) == 1 {
                        done.store(true, Ordering::SeqCst);
                    }
                    out
                })
            })
            .collect();
        let readers: Vec<_> = (0..READERS)
            .map(|k| {
                let (data, start, done) = (&data, &start, &writers_done);
                s.spawn(move || {
                    start.wait();
                    let mut out = Vec::new();
                    let mut i = 0;
                    while i < MIN_READS || !done.load(Ordering::SeqCst) {
                        out.push(if k == 0 {
                            // Names the writers are adding, pinyin initials, a surname.
                            let (name, _) = roster_person(i % WRITERS, 0, i % ROSTER_PERSONS);
                            let query = match i % 3 {
                                0 => name,
                                1 => "zs".to_string(),
                                _ => "王".to_string(),
                            };
                            ran(
                                format!("reader {k} run {i}: find {query}"),
                                as_user(data, "demo").args(["find", &query]),
                            )
                        } else {
                            ran(
                                format!("reader {k} run {i}: check"),
                                as_user(data, "supervisor").arg("check"),
                            )
                        });
                        i += 1;
                    }
                    out
                })
            })
            .collect();
        (
            writers.into_iter().map(|h| h.join().unwrap()).collect(),
            readers.into_iter().map(|h| h.join().unwrap()).collect(),
        )
    });

    // Every process succeeded, and none told its user of a locked database.
    let all: Vec<&Ran> = writes.iter().chain(reads.iter()).flatten().collect();
    for r in &all {
        assert!(
            !shows_a_lock(&r.err) && !shows_a_lock(&r.out),
            "{}: a lock reached the user: {}{}",
            r.what,
            r.out,
            r.err
        );
        assert_eq!(r.code, 0, "{}: exit {}: {}{}", r.what, r.code, r.out, r.err);
        assert!(r.err.is_empty(), "{}: stderr: {}", r.what, r.err);
    }
    for r in reads.iter().flatten().filter(|r| r.what.ends_with("check")) {
        assert!(r.out.contains("全部通过"), "{}: {}", r.what, r.out);
    }

    // Every write arrived, exactly once.
    let roster_rounds = (0..rounds).filter(|r| r % 2 == 0).count();
    let demo_rounds = rounds - roster_rounds;
    let roster_persons = WRITERS * roster_rounds * ROSTER_PERSONS;
    let demo_persons = WRITERS * demo_rounds * DEMO_PERSONS;
    for steps in &writes {
        for (r, step) in steps.iter().enumerate() {
            if r % 2 == 0 {
                assert!(
                    step.out.contains(&format!(
                        "新建人员 {ROSTER_PERSONS} 人，更新救助身份 0 人，生成跟进任务 {ROSTER_PERSONS} 条"
                    )),
                    "{}: {}",
                    step.what,
                    step.out
                );
            } else {
                assert!(
                    step.out.contains(&format!("人员 {DEMO_PERSONS} 人")),
                    "{}: {}",
                    step.what,
                    step.out
                );
            }
        }
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM persons"),
        persons_before + (roster_persons + demo_persons) as i64,
        "persons"
    );
    let conn = Connection::open(&db).unwrap();
    for w in 0..WRITERS {
        for r in (0..rounds).filter(|r| r % 2 == 0) {
            for row in 0..ROSTER_PERSONS {
                let (name, id) = roster_person(w, r, row);
                let (stored, tasks): (String, i64) = conn
                    .query_row(
                        "SELECT p.name, (SELECT count(*) FROM tasks t WHERE t.person_id = p.id)
                         FROM persons p WHERE p.id_number = ?1",
                        [&id],
                        |x| Ok((x.get(0)?, x.get(1)?)),
                    )
                    .unwrap_or_else(|e| panic!("{name} {id} missing: {e}"));
                assert_eq!((stored.as_str(), tasks), (name.as_str(), 1), "{id}");
            }
        }
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM roster_imports"),
        (WRITERS * roster_rounds) as i64,
        "roster imports"
    );
    let demo_logged: i64 = writes
        .iter()
        .flatten()
        .filter(|r| r.what.contains("demo --seed"))
        .map(|r| demo_entries(&r.out))
        .sum();
    assert_eq!(
        count(&db, "SELECT count(*) FROM change_log"),
        // A roster row logs the new person and its follow-up task.
        entries_before + demo_logged + 2 * roster_persons as i64,
        "change-log entries"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM access_log WHERE event = 'login'"),
        logins_before + all.len() as i64,
        "one login per process"
    );
    let (code, out, err) = run(as_user(&data, "supervisor").arg("check"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("全部通过"), "{out}");
    eprintln!(
        "{} writes and {} reads by {} processes",
        writes.iter().flatten().count(),
        reads.iter().flatten().count(),
        all.len()
    );
}
