//! The SQLite store: every SQL statement of the program lives below this module.
//!
//! Each connection gets a busy timeout (set before WAL, since switching journal mode can itself
//! wait), WAL, foreign keys and full synchronous commits. Every transaction that may write
//! begins IMMEDIATE, so that several users on one shared server wait for each other briefly
//! instead of failing with "database is locked".

pub mod access_log;
pub mod agreements;
pub mod backup;
pub mod busy;
pub mod cases;
pub mod changelog;
pub mod check;
pub mod clues;
pub mod counters;
pub mod data_dir;
pub mod documents;
pub mod exchange;
pub mod help_visits;
pub mod helpers;
pub mod households;
pub mod ledger;
pub mod migrations;
pub mod orgs;
pub mod pairings;
pub mod persons;
pub mod providers;
pub mod records;
pub mod services;
pub mod settings;
pub mod settlements;
pub mod statistics;
pub mod subsidies;
pub mod supervision;
pub mod tasks;
pub mod transfers;
pub mod users;
pub mod workstation;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::i18n::{t, tf, Lang, Localize};

pub use changelog::WriteTx;

/// Default busy timeout: longer than the longest write the program makes.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// `PRAGMA application_id` of a jiuzhu database ("JZHU").
pub const APPLICATION_ID: i64 = 0x4A5A_4855;

/// What went wrong below the use cases.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not an SQLite database.
    #[error("not an SQLite database: {0}")]
    NotADatabase(PathBuf),
    /// An SQLite database of some other program.
    #[error("not a jiuzhu database: {0}")]
    ForeignDatabase(PathBuf),
    /// Made by a newer release of this program.
    #[error("database schema {found} is newer than this program's {supported}")]
    TooNew { found: i64, supported: i64 },
    /// Another writer held the database past the busy timeout.
    #[error("database busy")]
    Busy,
    /// The file or its folder cannot be written.
    #[error("database is read-only")]
    ReadOnly,
    /// The disk (or the page limit) is full.
    #[error("disk full")]
    DiskFull,
    /// The workstation has not been set up.
    #[error("workstation not initialised")]
    NotInitialised,
    /// A file system error.
    #[error("file error at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A stored value that the program cannot read back (damaged or edited by hand).
    #[error("unreadable stored value in {table}.{column}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
    },
    /// Someone else saved the record since it was read.
    #[error("record changed by someone else")]
    Stale,
    /// Any other SQLite error.
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase(PathBuf::new()),
            _ => StoreError::Sqlite(e),
        }
    }
}

impl Localize for StoreError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            StoreError::NotADatabase(p) => tf(
                lang,
                "store.not_a_database",
                &[("path", &p.display().to_string())],
            ),
            StoreError::ForeignDatabase(p) => tf(
                lang,
                "store.foreign_database",
                &[("path", &p.display().to_string())],
            ),
            StoreError::TooNew { found, supported } => tf(
                lang,
                "store.too_new",
                &[
                    ("found", &found.to_string()),
                    ("supported", &supported.to_string()),
                ],
            ),
            StoreError::Busy => t(lang, "store.busy").to_string(),
            StoreError::ReadOnly => t(lang, "store.read_only").to_string(),
            StoreError::DiskFull => t(lang, "store.disk_full").to_string(),
            StoreError::NotInitialised => t(lang, "store.not_initialised").to_string(),
            StoreError::Io { path, source } => tf(
                lang,
                "store.io",
                &[
                    ("path", &path.display().to_string()),
                    ("error", &source.to_string()),
                ],
            ),
            StoreError::Corrupt { table, column } => tf(
                lang,
                "store.corrupt",
                &[("table", table), ("column", column)],
            ),
            StoreError::Stale => t(lang, "store.stale").to_string(),
            StoreError::Sqlite(e) => tf(lang, "store.sqlite", &[("error", &e.to_string())]),
        }
    }
}

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to open a database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long a statement waits for another writer before giving up.
    pub busy_timeout: Duration,
    /// Create the file (and run migrations) when it does not exist.
    pub create: bool,
    /// File mode for a newly created database (unix); `0o600`, or `0o660` in group mode.
    pub file_mode: u32,
    /// Open through SQLite's read-only flag: every write is refused as read-only.
    pub read_only: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            create: false,
            file_mode: 0o600,
            read_only: false,
        }
    }
}

/// An open jiuzhu database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (and with `create`, makes) the database at `path`, migrating it to this
    /// release's schema.
    pub fn open(path: &Path, opts: &OpenOptions) -> Result<Store> {
        if !path.exists() {
            if !opts.create {
                return Err(StoreError::NotInitialised);
            }
            data_dir::create_private_file(path, opts.file_mode)?;
        }
        let flags = if opts.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| at_path(e, path))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure(opts).map_err(|e| with_path(e, path))?;
        if opts.read_only {
            // A read-only database cannot be migrated; an older one is refused as read-only.
            if migrations::version(&store.conn)? < migrations::latest() {
                return Err(StoreError::ReadOnly);
            }
        } else {
            migrations::migrate(&mut store.conn, path)?;
        }
        Ok(store)
    }

    fn configure(&mut self, opts: &OpenOptions) -> Result<()> {
        // A handler rather than a plain timeout, so a long wait can be shown (see `busy`).
        busy::set_timeout(opts.busy_timeout);
        self.conn.busy_handler(Some(busy::handler))?;
        // Imports and bulk work use more statements than the default 16, and re-parsing
        // SQL for every row would dominate them.
        self.conn.set_prepared_statement_cache_capacity(64);
        // Reading the header first turns "file is not a database" into a clear refusal
        // before any pragma tries to change the file.
        let app_id: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app_id != 0 && app_id != APPLICATION_ID {
            return Err(StoreError::ForeignDatabase(self.path.clone()));
        }
        if app_id == 0 && migrations::has_foreign_tables(&self.conn)? {
            return Err(StoreError::ForeignDatabase(self.path.clone()));
        }
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !opts.read_only {
            self.conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))?;
        }
        self.conn.pragma_update(None, "foreign_keys", true)?;
        if !opts.read_only {
            self.conn.pragma_update(None, "synchronous", "FULL")?;
        }
        Ok(())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for read queries of the store modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one IMMEDIATE transaction that may append to the change log as `actor` at
    /// time `at`; commits when `f` succeeds, rolls back otherwise.
    pub fn write<T, E>(
        &mut self,
        actor: &str,
        at: &str,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let mut w = WriteTx::begin(tx, actor, at)?;
        let out = f(&mut w)?;
        w.commit()?;
        Ok(out)
    }

    /// Runs `f` in one IMMEDIATE transaction that appends no entry of this workstation's
    /// own: it changes only local, unreplicated tables (users, access log, counters), or
    /// stores entries received from other workstations as they came (a bundle import).
    pub fn write_local<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f`, whose reads then all see the database as it was at one moment: one read
    /// transaction (a WAL snapshot), so work that reads in several statements is never torn
    /// by another user's save committing between two of them. It takes no lock that keeps
    /// others from saving meanwhile.
    pub fn snapshot<T, E>(&self, f: impl FnOnce(&Store) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // Deferred: the snapshot starts with the first read and never asks for the write lock.
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(StoreError::from)?;
        let out = f(self)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Sets an SQLite limit on the database size in pages (fault tests simulate a full disk).
    pub fn set_max_page_count(&self, pages: u64) -> Result<()> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }
}

fn at_path(e: rusqlite::Error, path: &Path) -> StoreError {
    with_path(StoreError::from(e), path)
}

fn with_path(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::NotADatabase(_) => StoreError::NotADatabase(path.to_path_buf()),
        other => other,
    }
}

/// A stored calendar day (`YYYY-MM-DD`) of `table`.`column`.
pub(crate) fn day(
    s: String,
    table: &'static str,
    column: &'static str,
) -> rusqlite::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(table, column))
}

/// A stored calendar day or nothing.
pub(crate) fn opt_day(
    s: Option<String>,
    table: &'static str,
    column: &'static str,
) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    s.map(|s| day(s, table, column)).transpose()
}

/// A calendar day as stored.
pub(crate) fn day_text(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A read error for a stored value that does not parse, carried through rusqlite's row
/// mapping and turned back into [`StoreError::Corrupt`] by [`row_error`].
pub(crate) fn corrupt(table: &'static str, column: &'static str) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(StoreError::Corrupt { table, column }))
}

/// Converts a row-mapping error, recovering [`StoreError::Corrupt`].
pub(crate) fn row_error(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::ToSqlConversionFailure(inner) = &e {
        if let Some(StoreError::Corrupt { table, column }) = inner.downcast_ref::<StoreError>() {
            return StoreError::Corrupt { table, column };
        }
    }
    StoreError::from(e)
}

/// Read-only helpers exposed to `app` without handing out the connection.
impl Store {
    /// This workstation, or `NotInitialised`.
    pub fn workstation(&self) -> Result<workstation::Workstation> {
        workstation::require(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_does_not_see_a_save_committed_during_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let opts = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        let store = Store::open(&path, &opts).unwrap();
        let other = Connection::open(&path).unwrap();
        let counts = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT count(*) FROM counters", [], |r| r.get(0))
                .unwrap()
        };
        let (before, during) = store
            .snapshot(|s| {
                let before = counts(s);
                other
                    .execute("INSERT INTO counters(name, value) VALUES ('x', 1)", [])
                    .unwrap();
                Ok::<_, StoreError>((before, counts(s)))
            })
            .unwrap();
        assert_eq!(during, before, "one moment throughout");
        assert_eq!(counts(&store), before + 1, "the save is seen afterwards");
    }
}
