//! The command line, run as the real binary against real SQLite files.

mod common;

use common::{jiuzhu, run};
use std::fs;

fn demo_dir(persons: &str, seed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) =
        run(jiuzhu(dir.path()).args(["demo", "--persons", persons, "--seed", seed]));
    assert_eq!(code, 0, "demo failed: {out}{err}");
    dir
}

#[test]
fn help_lists_the_contract() {
    let (code, out, _) = run(jiuzhu(std::path::Path::new("/nonexistent")).arg("--help"));
    assert_eq!(code, 0);
    for cmd in [
        "init",
        "demo",
        "user",
        "keys",
        "bundle",
        "roster",
        "find",
        "report",
        "audit",
        "backup",
        "restore",
        "check",
        "agreement",
        "settlement",
    ] {
        assert!(out.contains(cmd), "--help lacks {cmd}: {out}");
    }
    let (code, out, _) = run(jiuzhu(std::path::Path::new("/nonexistent")).args(["init", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("--org-code"));
}

#[test]
fn init_then_refuses_a_second_init() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let args = [
        "init",
        "--tier",
        "community",
        "--org-code",
        "360104002001",
        "--org-name",
        "京山社区",
        "--admin",
        "wangli",
    ];
    let (code, out, err) = run(jiuzhu(&data)
        .args(args)
        .env("JIUZHU_PASSWORD", "s3cret-pass"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("京山社区") && out.contains("wangli"), "{out}");
    assert!(
        out.contains(&data.join("jiuzhu.db").display().to_string()),
        "full path shown: {out}"
    );
    let (code, _, err) = run(jiuzhu(&data)
        .args(args)
        .env("JIUZHU_PASSWORD", "s3cret-pass"));
    assert_eq!(code, 1);
    assert!(err.contains("已经初始化"), "{err}");
    // The administrator can sign in and check the fresh workstation.
    let (code, out, err) = run(jiuzhu(&data)
        .args(["--user", "wangli", "check"])
        .env("JIUZHU_PASSWORD", "s3cret-pass"));
    assert_eq!(code, 0, "{out}{err}");
}

#[cfg(unix)]
#[test]
fn data_directory_and_database_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(jiuzhu(&data).args(["demo", "--persons", "5"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for f in ["jiuzhu.db", "jiuzhu.db-wal"] {
        let p = data.join(f);
        if p.exists() {
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o077,
                0,
                "{f} readable by others"
            );
        }
    }
}

#[test]
fn init_refuses_bad_input_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--tier",
                "community",
                "--org-code",
                "36-01",
                "--org-name",
                "x社区",
                "--parent",
                "360104001",
            ],
            "单位代码",
        ),
        (
            &[
                "--tier",
                "province",
                "--org-code",
                "36",
                "--org-name",
                "江西",
            ],
            "层级",
        ),
        (
            &[
                "--tier",
                "community",
                "--org-code",
                "999",
                "--org-name",
                "无名社区",
            ],
            "上级单位代码",
        ),
        (
            &[
                "--tier",
                "district",
                "--org-code",
                "360104",
                "--org-name",
                "青云谱\u{1b}[2J区",
            ],
            "单位名称",
        ),
    ];
    for (args, field) in cases {
        let (code, _, err) = run(jiuzhu(dir.path())
            .arg("init")
            .args(args)
            .args(["--admin", "admin"])
            .env("JIUZHU_PASSWORD", "s3cret-pass"));
        assert_eq!(code, 1, "{args:?}");
        assert!(err.contains(field), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    assert!(
        !dir.path().join("jiuzhu.db").exists(),
        "nothing half-written"
    );
    let (code, _, err) = run(jiuzhu(dir.path())
        .args([
            "--lang",
            "en",
            "init",
            "--tier",
            "district",
            "--org-code",
            "360104",
            "--org-name",
            "Qingyunpu",
            "--admin",
            "admin",
        ])
        .env("JIUZHU_PASSWORD", "short"));
    assert_eq!(code, 1);
    assert!(err.contains("Password") && err.contains('8'), "{err}");
}

#[test]
fn demo_find_check_and_audit() {
    let dir = demo_dir("400", "11");
    let user = |c: &mut std::process::Command| {
        c.args(["--user", "demo"]).env("JIUZHU_PASSWORD", "demo");
    };
    let mut c = jiuzhu(dir.path());
    user(&mut c);
    let (code, out, err) = run(c.args(["find", "z", "--limit", "7"]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "{out}");
    for l in &lines {
        let cols: Vec<&str> = l.split('\t').collect();
        assert_eq!(cols.len(), 5, "{l}");
        assert!(
            cols[2].contains("**********") || cols[2].contains("无身份证号"),
            "ID masked: {l}"
        );
    }
    let mut c = jiuzhu(dir.path());
    user(&mut c);
    let (code, out, err) = run(c.arg("check"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("全部通过"), "{out}");
    let mut c = jiuzhu(dir.path());
    user(&mut c);
    let (code, out, _) = run(c.args(["--lang", "en", "audit", "verify"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("all checks passed"), "{out}");
}

#[test]
fn same_seed_same_people() {
    let a = demo_dir("150", "5");
    let b = demo_dir("150", "5");
    let c = demo_dir("150", "6");
    let list = |d: &tempfile::TempDir| {
        let (code, out, err) = run(jiuzhu(d.path())
            .args(["--user", "demo", "find", "-", "--limit", "1000"])
            .env("JIUZHU_PASSWORD", "demo")
            .stdin_str("z\nw\nl\nc\ny\nh\n"));
        assert_eq!(code, 0, "{err}");
        out
    };
    let la = list(&a);
    assert!(la.lines().count() > 50, "{la}");
    assert_eq!(la, list(&b));
    assert_ne!(la, list(&c));
}

#[test]
fn find_needs_a_user_and_the_right_password() {
    let dir = demo_dir("20", "1");
    let (code, _, err) = run(jiuzhu(dir.path()).args(["find", "zs"]));
    assert_eq!(code, 1);
    assert!(err.contains("--user"), "{err}");
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "demo", "find", "zs"])
        .env("JIUZHU_PASSWORD", "wrong"));
    assert_eq!(code, 1);
    assert!(err.contains("用户名或密码错误"), "{err}");
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "nobody", "find", "zs"])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 1);
    assert!(
        err.contains("用户名或密码错误"),
        "same message for an unknown user: {err}"
    );
}

#[test]
fn provider_staff_may_not_search_people() {
    let dir = demo_dir("20", "1");
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "provider_staff", "find", "zs"])
        .env("JIUZHU_PASSWORD", "provider_staff"));
    assert_eq!(code, 1);
    assert!(err.contains("无权"), "{err}");
}

#[test]
fn demo_refuses_a_real_workstation() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(jiuzhu(dir.path())
        .args([
            "init",
            "--tier",
            "subdistrict",
            "--org-code",
            "360104002",
            "--org-name",
            "京山街道",
            "--admin",
            "admin",
        ])
        .env("JIUZHU_PASSWORD", "s3cret-pass"));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "admin", "demo", "--persons", "10"])
        .env("JIUZHU_PASSWORD", "s3cret-pass"));
    assert_eq!(code, 1);
    assert!(err.contains("不是演示工作站"), "{err}");
}

#[test]
fn demo_adds_to_an_init_demo_workstation() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(jiuzhu(dir.path())
        .args([
            "init",
            "--demo",
            "--tier",
            "community",
            "--org-code",
            "360104002001",
            "--org-name",
            "京山社区",
            "--admin",
            "trainer",
        ])
        .env("JIUZHU_PASSWORD", "trainer1"));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(jiuzhu(dir.path())
        .args(["--user", "trainer", "demo", "--persons", "30"])
        .env("JIUZHU_PASSWORD", "trainer1"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("人员 30 人"), "{out}");
    let (code, out, _) = run(jiuzhu(dir.path())
        .args(["--user", "trainer", "find", "-", "--limit", "100"])
        .env("JIUZHU_PASSWORD", "trainer1")
        .stdin_str("a\ni\nu\n"));
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .filter(|l| !l.is_empty())
            .all(|l| l.contains("京山社区")),
        "{out}"
    );
}

#[test]
fn a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("jiuzhu.db"),
        "这不是数据库 not a database ".repeat(200),
    )
    .unwrap();
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "demo", "check"])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 1);
    assert!(err.contains("不是 SQLite 数据库"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn another_programs_database_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jiuzhu.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE invoices(id INTEGER); INSERT INTO invoices VALUES (1);")
        .unwrap();
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "demo", "check"])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 1);
    assert!(err.contains("不是救助系统的数据库"), "{err}");
    let n: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "no table added to the foreign database");
}

#[test]
fn a_database_from_a_newer_release() {
    let dir = demo_dir("5", "1");
    rusqlite::Connection::open(dir.path().join("jiuzhu.db"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "demo", "check"])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 1);
    assert!(err.contains("更新版本") && err.contains("99"), "{err}");
}

#[test]
fn a_writer_holding_the_lock_past_the_timeout() {
    let dir = demo_dir("5", "1");
    let conn = rusqlite::Connection::open(dir.path().join("jiuzhu.db")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (code, _, err) = run(jiuzhu(dir.path())
        .args(["--user", "demo", "demo", "--persons", "5"])
        .env("JIUZHU_PASSWORD", "demo")
        .env("JIUZHU_BUSY_TIMEOUT_MS", "300"));
    assert_eq!(code, 1);
    assert!(err.contains("占用"), "{err}");
    conn.execute_batch("ROLLBACK").unwrap();
    let (code, out, err) = run(jiuzhu(dir.path())
        .args(["--user", "demo", "demo", "--persons", "5"])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 0, "works once the lock is gone: {out}{err}");
}

#[test]
fn unknown_language_is_refused() {
    let (code, _, err) =
        run(jiuzhu(std::path::Path::new("/nonexistent")).args(["--lang", "fr", "check"]));
    assert_eq!(code, 1);
    assert!(err.contains("zh-CN"), "{err}");
}

/// Feeds a string to the child's standard input.
trait StdinStr {
    fn stdin_str(&mut self, s: &str) -> &mut Self;
}

impl StdinStr for std::process::Command {
    fn stdin_str(&mut self, s: &str) -> &mut Self {
        let path =
            std::env::temp_dir().join(format!("jiuzhu-stdin-{}-{}", std::process::id(), s.len()));
        fs::write(&path, s).unwrap();
        self.stdin(fs::File::open(&path).unwrap())
    }
}

#[test]
fn audit_verify_names_the_first_broken_entry() {
    let dir = demo_dir("30", "2");
    let db = dir.path().join("jiuzhu.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("DROP TRIGGER change_log_no_update")
        .unwrap();
    c.execute(
        "UPDATE change_log SET actor = 'intruder' WHERE seq = 17",
        [],
    )
    .unwrap();
    drop(c);
    let (code, out, _) = run(jiuzhu(dir.path())
        .args(["--user", "supervisor", "audit", "verify"])
        .env("JIUZHU_PASSWORD", "supervisor"));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("序号 17") && out.contains("内容被修改"),
        "{out}"
    );
    let (code, out, _) = run(jiuzhu(dir.path())
        .args(["--user", "supervisor", "check"])
        .env("JIUZHU_PASSWORD", "supervisor"));
    assert_eq!(code, 1, "{out}");
}

#[test]
fn report_posting_writes_one_list_per_community_or_the_one_asked() {
    let dir = demo_dir("300", "5");
    let as_demo = |args: &[&str]| {
        let mut c = jiuzhu(dir.path());
        c.args(["--user", "demo"]).env("JIUZHU_PASSWORD", "demo");
        run(c.args(args))
    };
    let folder = dir.path().join("posting");
    let (code, out, err) = as_demo(&[
        "report",
        "posting",
        "--format",
        "csv",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 4, "one line per community: {out}");
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 4);
    for f in fs::read_dir(&folder).unwrap() {
        let text = fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(
            text.starts_with("\u{feff}\"序号\",\"姓名\",\"身份证号\""),
            "{text}"
        );
        // Every ID number on the list is masked: 4 digits, 10 stars, 4 characters.
        for line in text.lines().skip(1) {
            let id = line.split(',').nth(2).unwrap().trim_matches('"');
            assert!(id.is_empty() || id[4..14] == *"**********", "{line}");
        }
    }
    let one = dir.path().join("one.html");
    let (code, out, err) = as_demo(&[
        "report",
        "posting",
        "--community",
        "360104001002",
        "--format",
        "html",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("顺化门社区"), "{out}");
    assert!(fs::read_to_string(&one).unwrap().contains("公示名单"));
    let (code, _, err) = as_demo(&["report", "posting", "--format", "pdf", "--out", "x.pdf"]);
    assert_eq!(code, 1);
    assert!(err.contains("文件格式"), "{err}");
}

#[test]
fn report_posting_records_the_version_it_writes_long_term_unless_until_is_given() {
    use sha2::{Digest, Sha256};
    let dir = demo_dir("120", "5");
    let as_demo = |args: &[&str]| {
        let mut c = jiuzhu(dir.path());
        c.args(["--user", "demo"]).env("JIUZHU_PASSWORD", "demo");
        run(c.args(args))
    };
    let first = dir.path().join("first.csv");
    let (code, _, err) = as_demo(&[
        "report",
        "posting",
        "--community",
        "360104001002",
        "--from",
        "2026-01-05",
        "--place",
        "小区门口公示栏",
        "--format",
        "csv",
        "--out",
        first.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let rows =
        |dir: &std::path::Path| -> Vec<(String, String, String, i64, String, Option<String>)> {
            let c = rusqlite::Connection::open(dir.join("jiuzhu.db")).unwrap();
            let mut s = c
                .prepare(
                    "SELECT id, period_from, period_to, long_term, list_sha256, replaced_by
                 FROM postings WHERE community = '360104001002' ORDER BY created_at, id",
                )
                .unwrap();
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
        };
    let v = rows(dir.path());
    assert_eq!(v.len(), 1, "the command line records what it writes");
    assert_eq!(v[0].1, "2026-01-05");
    assert_eq!(v[0].3, 1, "no --until: long-term");
    assert_eq!(
        v[0].4,
        hex::encode(Sha256::digest(fs::read(&first).unwrap()))
    );
    let place: String = rusqlite::Connection::open(dir.path().join("jiuzhu.db"))
        .unwrap()
        .query_row("SELECT place FROM postings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(place, "小区门口公示栏");
    let second = dir.path().join("second.html");
    let (code, _, err) = as_demo(&[
        "report",
        "posting",
        "--community",
        "360104001002",
        "--from",
        "2026-01-20",
        "--until",
        "2026-01-26",
        "--format",
        "html",
        "--out",
        second.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v = rows(dir.path());
    assert_eq!(v.len(), 2);
    assert_eq!(
        v[0].2, "2026-01-20",
        "the re-issue closes the long-term version"
    );
    assert_eq!(v[0].5.as_deref(), Some(v[1].0.as_str()));
    assert_eq!((v[1].2.as_str(), v[1].3), ("2026-01-26", 0));
    // The printed posting dates its period officially (no leading zeros).
    assert!(fs::read_to_string(&second)
        .unwrap()
        .contains("2026年1月26日"));
    // A bad date is refused naming the field, before anything is written.
    let (code, _, err) = as_demo(&[
        "report",
        "posting",
        "--until",
        "2026-13-01",
        "--out",
        "x.xlsx",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("公示截止日期"), "{err}");
    assert_eq!(rows(dir.path()).len(), 2);
}

/// The demo's agreements are listed and shown, and a provider's month is settled as a draft
/// from the command line; a bad month is refused before the password is asked for.
#[test]
fn agreements_and_a_settlement_from_the_command_line() {
    let dir = demo_dir("40", "3");
    let as_cw = |args: &[&str]| {
        run(jiuzhu(dir.path())
            .args(["--user", "subdistrict_caseworker"])
            .env("JIUZHU_PASSWORD", "subdistrict_caseworker")
            .args(args))
    };
    let (code, out, err) = as_cw(&["agreement", "list"]);
    assert_eq!(code, 0, "{err}");
    let first: Vec<&str> = out.lines().next().unwrap().split('\t').collect();
    // The demo buys for its year (the day it is made): the number carries it.
    assert!(
        first[0].starts_with("GM-") && first[0].ends_with("-001"),
        "{out}"
    );
    assert_eq!(first[1], "执行中");
    assert!(first[5].contains("供餐送餐 12.00/份"), "{out}");
    let (code, out, _) = as_cw(&["agreement", "show", first[0]]);
    assert_eq!(code, 0);
    let period = out.lines().find(|l| l.starts_with("协议期限\t")).unwrap();
    assert!(
        period.contains("年1月1日至") && period.ends_with("年12月31日"),
        "{out}"
    );
    let (code, _, err) = as_cw(&["agreement", "show", "GM-1999-999"]);
    assert_eq!(code, 1);
    assert!(err.contains("协议编号"), "{err}");
    let (code, out, err) = as_cw(&[
        "settlement",
        "make",
        "--provider",
        "洪都街道居家养老服务中心",
        "--month",
        "2020-01",
    ]);
    assert_eq!(code, 0, "{err}");
    // A month before any agreement: nothing counts, and the draft says so.
    assert_eq!(
        out.trim(),
        "洪都街道居家养老服务中心 2020-01 结算单（草稿）：计入 0 次服务，合计 0.00 元"
    );
    // The fund: income booked, the balance by source; a bad source or kind names the field.
    // The demo's year already holds what it paid (as of the day the test runs), so the
    // income is checked against the balance before it.
    let fen = |yuan: &str| -> i64 {
        jiuzhu::domain::money::Fen::parse_yuan(jiuzhu::domain::validation::Field::Amount, yuan)
            .unwrap()
            .0
    };
    let district = |out: &str| -> Vec<i64> {
        let line = out
            .lines()
            .find(|l| l.starts_with("洪都街道\t区财政资金\t"))
            .unwrap_or("洪都街道\t区财政资金\t0\t0\t0");
        line.split('\t').skip(2).map(fen).collect()
    };
    let (code, out, _) = as_cw(&["fund", "balance"]);
    assert_eq!(code, 0);
    let before = district(&out);
    let (code, out, err) = as_cw(&[
        "fund",
        "income",
        "--source",
        "district_finance",
        "--amount",
        "1,000.50",
        "--note",
        "青民字〔2026〕12号",
    ]);
    assert_eq!(code, 0, "{err}");
    let balance = jiuzhu::domain::money::Fen(before[2] + 100_050).yuan_text();
    assert_eq!(
        out.trim(),
        format!("已入账：区财政资金 1000.50 元，结余 {balance} 元")
    );
    let (code, out, _) = as_cw(&["fund", "balance"]);
    assert_eq!(code, 0);
    let after = district(&out);
    assert_eq!(
        after,
        [before[0] + 100_050, before[1], before[2] + 100_050],
        "{out}"
    );
    assert_eq!(
        after[0] - after[1],
        after[2],
        "the balance is income less spending"
    );
    let (code, _, err) = as_cw(&["fund", "income", "--source", "bank", "--amount", "1"]);
    assert_eq!(code, 1);
    assert!(err.contains("资金来源"), "{err}");
    let (code, _, err) = as_cw(&[
        "fund",
        "income",
        "--source",
        "district_finance",
        "--amount",
        "1",
        "--kind",
        "expenditure",
    ]);
    assert_eq!(code, 1, "an expenditure is never booked on its own: {err}");
    let (code, _, err) = run(jiuzhu(dir.path()).args([
        "settlement",
        "make",
        "--provider",
        "x",
        "--month",
        "2026-13",
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("月份"), "{err}");
    // 邻里互助补贴: the community staff make their community's month; the subdistrict sets
    // the rule; a bad format or rule names its field before any password is asked.
    let as_staff = |args: &[&str]| {
        run(jiuzhu(dir.path())
            .args(["--user", "community_staff"])
            .env("JIUZHU_PASSWORD", "community_staff")
            .args(args))
    };
    let (code, out, err) = as_staff(&["subsidy", "make", "--month", "2020-01", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("洪都新村社区 2020-01 互助补贴发放表（草稿）：0 名互助员，合计 0.00 元")
    );
    let written = lines.next().unwrap().strip_prefix("已生成：").unwrap();
    let html = std::fs::read_to_string(written).unwrap();
    assert!(
        html.contains("邻里互助服务补贴发放表（2020年1月）"),
        "{html}"
    );
    let (code, _, err) = as_staff(&["subsidy", "make", "--month", "2020-01", "--format", "pdf"]);
    assert_eq!(code, 1);
    assert!(err.contains("格式"), "{err}");
    let (code, _, err) = as_staff(&[
        "subsidy",
        "rule",
        "--basis",
        "per_visit",
        "--rate",
        "25",
        "--cap",
        "200",
    ]);
    assert_eq!(code, 1, "the community does not set the rule");
    assert!(!err.is_empty());
    let (code, out, err) = as_cw(&[
        "subsidy",
        "rule",
        "--basis",
        "per_visit",
        "--rate",
        "25",
        "--cap",
        "200",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        "补贴标准已设置：按次 25.00 元，每人每月最高 200.00 元"
    );
    let (code, _, err) = as_cw(&[
        "subsidy",
        "rule",
        "--basis",
        "per_visit",
        "--rate",
        "25",
        "--cap",
        "20",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("每月补贴上限"), "{err}");
}
