//! Shared test helpers: workstations in temporary folders, a fixed clock, the real binary.
#![allow(dead_code)]

pub mod exchange;
pub mod history;
pub mod pty;
pub mod screen;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use jiuzhu::app::{demo, Ctx, FixedClock, Session};
use jiuzhu::store::Store;

/// 2026-11-28 10:00 China time: every test runs on this day.
pub fn clock() -> FixedClock {
    FixedClock(
        DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    )
}

/// A demo workstation in a fresh temporary folder, with no persons yet.
pub struct DemoWs {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub users: Vec<demo::DemoUser>,
}

impl DemoWs {
    pub fn new() -> DemoWs {
        let dir = tempfile::tempdir().unwrap();
        let (store, users) =
            demo::setup(dir.path(), &dir.path().join("jiuzhu.db"), &clock()).unwrap();
        DemoWs { dir, store, users }
    }

    /// A demo workstation in a fresh temporary folder prepared for a shared server: the
    /// folder has the setgid bit, so the program works in group mode.
    #[cfg(unix)]
    pub fn group_mode() -> DemoWs {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o2770)).unwrap();
        let (store, users) =
            demo::setup(dir.path(), &dir.path().join("jiuzhu.db"), &clock()).unwrap();
        DemoWs { dir, store, users }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("jiuzhu.db")
    }

    /// The session of demo user `name`.
    pub fn session(&self, name: &str) -> Session {
        let u = self.users.iter().find(|u| u.username == name).unwrap();
        Session {
            username: u.username.clone(),
            grants: u.grants.clone(),
        }
    }
}

/// A whole home survey by `staff` (and a second investigator) on `date` (today when `None`).
pub fn survey(
    staff: &str,
    findings: &str,
    date: Option<chrono::NaiveDate>,
) -> jiuzhu::app::case::Survey {
    jiuzhu::app::case::Survey {
        date,
        staff: staff.into(),
        second_staff: "李干事".into(),
        findings: findings.into(),
        household_size: "1".into(),
        monthly_income: "980.50".into(),
        housing: "owned".into(),
        care: String::new(),
    }
}

/// A review by `reviewer` today that keeps the items.
pub fn review_continue(reviewer: &str, note: &str) -> jiuzhu::app::case::Review {
    jiuzhu::app::case::Review {
        date: None,
        reviewer: reviewer.into(),
        outcome: jiuzhu::app::case::REVIEW_CONTINUE.into(),
        note: note.into(),
        needs: None,
    }
}

/// A suspension from today with an expected resume on `until`.
pub fn suspension(reason: &str, until: &str) -> jiuzhu::app::case::Suspension {
    jiuzhu::app::case::Suspension {
        reason: reason.into(),
        from: None,
        resume_expected: Some(chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d").unwrap()),
    }
}

/// A stop today for `reason`.
pub fn stop(reason: &str, note: &str) -> jiuzhu::app::case::Stop {
    jiuzhu::app::case::Stop {
        reason: reason.into(),
        date: None,
        note: note.into(),
    }
}

/// The session of demo account `name` on any demo workstation.
pub fn demo_session(name: &str) -> Session {
    let u = demo::demo_users()
        .into_iter()
        .find(|u| u.username == name)
        .unwrap();
    Session {
        username: u.username,
        grants: u.grants,
    }
}

/// Takes accepted case `case_id` through the survey and assessment `a` as the subdistrict
/// caseworker, then to approval and card as `demo`: another account decides (maker-checker).
pub fn carry_to_card(store: &mut Store, case_id: &str, a: &jiuzhu::app::case::Assessment) {
    use jiuzhu::app::case;
    let c = clock();
    let mut ctx = Ctx::new(store, demo_session("subdistrict_caseworker"), &c).unwrap();
    case::survey(&mut ctx, case_id, &survey("王干事", "卧床，需人照料", None)).unwrap();
    case::assess(&mut ctx, case_id, a).unwrap();
    drop(ctx);
    let mut ctx = Ctx::new(store, demo_session("demo"), &c).unwrap();
    case::approve(&mut ctx, case_id, "").unwrap();
    case::issue_card(&mut ctx, case_id).unwrap();
}

/// Runs `f` with a context for `user` on `ws`.
pub fn with_ctx<T>(ws: &mut DemoWs, user: &str, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
    let session = ws.session(user);
    let c = clock();
    let mut ctx = Ctx::new(&mut ws.store, session, &c).unwrap();
    f(&mut ctx)
}

/// The real binary, with a data directory and language, and no inherited user settings.
pub fn jiuzhu(data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jiuzhu"));
    c.arg("--data-dir").arg(data_dir);
    c.env_remove("JIUZHU_PASSWORD")
        .env_remove("JIUZHU_DATA_DIR")
        .env_remove("JIUZHU_BUSY_TIMEOUT_MS");
    c
}

/// Runs a command, returning (exit code, stdout, stderr).
pub fn run(c: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// The fields of a CSV the program wrote (every field quoted, `""` for a quote), line by line.
pub fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![Vec::new()];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (_, '"') => quoted = !quoted,
            (false, ',') => rows.last_mut().unwrap().push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                rows.last_mut().unwrap().push(std::mem::take(&mut field));
                rows.push(Vec::new());
            }
            (_, c) => field.push(c),
        }
    }
    if !field.is_empty() {
        rows.last_mut().unwrap().push(field);
    }
    rows.retain(|r| !(r.is_empty() || r.len() == 1 && r[0].is_empty()));
    rows
}

/// Panics unless every field of `text` that a spreadsheet would read as a formula is a figure
/// of a numeric column (a number, or `-` for none).
pub fn assert_csv_inert(text: &str) {
    for (n, row) in csv_cells(text).iter().enumerate() {
        for f in row {
            let formula = f.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let figure = f == "-" || f.parse::<f64>().is_ok();
            assert!(!formula || figure, "line {}: {f:?} would run", n + 1);
        }
    }
}
