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
