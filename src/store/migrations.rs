//! Schema migrations, numbered by `PRAGMA user_version`.
//!
//! Each migration runs in its own IMMEDIATE transaction, so two users starting a new release
//! at once do not race; a database newer than this program is refused rather than guessed at.
//! Never edit a released migration: add the next one.

use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;

use super::{Result, StoreError, APPLICATION_ID};

/// One schema step: SQL, then an optional data step in the same transaction.
pub struct Migration {
    /// What it does, for people reading the code.
    pub name: &'static str,
    /// The DDL.
    pub sql: &'static str,
    /// Rewrites or backfills data after the DDL.
    pub after: Option<fn(&Transaction<'_>) -> Result<()>>,
}

/// Every migration, oldest first; the schema version is the number applied.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "workstation, org units, users, persons, change log, access log",
        sql: include_str!("sql/0001_base.sql"),
        after: None,
    },
    Migration {
        name: "clues and cases, person search keys",
        sql: include_str!("sql/0002_workflow.sql"),
        after: Some(super::persons::rebuild_search_keys),
    },
    Migration {
        name: "provider registry",
        sql: include_str!("sql/0003_providers.sql"),
        after: None,
    },
    Migration {
        name: "registrations and service records",
        sql: include_str!("sql/0004_services.sql"),
        after: None,
    },
    Migration {
        name:
            "service plans and card versions, archive documents, postings, complaints, inspections",
        sql: include_str!("sql/0005_plan_archive_supervision.sql"),
        after: None,
    },
    Migration {
        name: "monthly roster: follow-up tasks and the imports' receipts",
        sql: include_str!("sql/0006_roster.sql"),
        after: None,
    },
    Migration {
        name: "the inbox: case review dates, workstation settings",
        sql: include_str!("sql/0007_inbox.sql"),
        after: None,
    },
    Migration {
        name: "households and members, merged duplicates, transfers between communities",
        sql: include_str!("sql/0008_households_transfers.sql"),
        after: None,
    },
    Migration {
        name: "bundle exchange: peers, their holdings, bundles in and out, elided chain stretches, checkpoints, the conflict and review queue",
        sql: include_str!("sql/0009_exchange.sql"),
        after: None,
    },
    Migration {
        name: "lock-out after repeated wrong passwords",
        sql: include_str!("sql/0010_accounts.sql"),
        after: None,
    },
    Migration {
        name: "provider staff accounts tied to one provider",
        sql: include_str!("sql/0011_provider_accounts.sql"),
        after: None,
    },
    Migration {
        name: "covering indexes for the monthly statistics",
        sql: include_str!("sql/0012_statistics.sql"),
        after: None,
    },
    Migration {
        name: "witnessed log heads, access-log checkpoints with peers, key alarms, queue entries by order",
        sql: include_str!("sql/0013_trust.sql"),
        after: None,
    },
    Migration {
        name: "what each bundle written carried of this workstation's own chains",
        sql: include_str!("sql/0014_bundles_out_own.sql"),
        after: None,
    },
    Migration {
        name: "each case step keeps its own facts; who assessed and who decided; the survey's household facts; the guardian situation",
        sql: include_str!("sql/0015_case_steps.sql"),
        after: None,
    },
    Migration {
        name: "long-term postings and their versions, complaints assigned with a due date and followed up, documents that do not apply",
        sql: include_str!("sql/0016_posting_complaint_waiver.sql"),
        after: None,
    },
    Migration {
        name: "each unit's full official name, as its seal reads",
        sql: include_str!("sql/0017_seal_names.sql"),
        after: None,
    },
    Migration {
        name: "providers' qualifications and the agreements they serve under",
        sql: include_str!("sql/0018_agreements.sql"),
        after: None,
    },
    Migration {
        name: "settlements of providers' months, approved by another account",
        sql: include_str!("sql/0019_settlements.sql"),
        after: None,
    },
    Migration {
        name: "the pilot fund's ledgers, each entry with its number and the balance after it",
        sql: include_str!("sql/0020_fund_ledger.sql"),
        after: None,
    },
    Migration {
        name: "an approved settlement freezes its services; corrections are adjusting lines",
        sql: include_str!("sql/0021_settled_services.sql"),
        after: None,
    },
    Migration {
        name: "neighbour helpers, their trainings, pairings and visits, and the monthly subsidy lists",
        sql: include_str!("sql/0022_neighbour_help.sql"),
        after: None,
    },
];

/// The schema version this release writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version of an open database.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// True for an unversioned database that already holds tables: another program's file.
pub fn has_foreign_tables(conn: &Connection) -> Result<bool> {
    if version(conn)? != 0 {
        return Ok(false);
    }
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Brings the database to the latest schema.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    migrate_to(conn, path, latest())
}

/// Brings the database to schema `target` (tests use it to build older databases).
pub fn migrate_to(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let current = version(conn)?;
    if current > latest() {
        return Err(StoreError::TooNew {
            found: current,
            supported: latest(),
        });
    }
    for (i, m) in MIGRATIONS.iter().enumerate() {
        let number = i as i64 + 1;
        if number > target {
            break;
        }
        // Already there: no write lock, so opening an up-to-date database never waits for
        // another user's save.
        if number <= current {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        let now = version(&tx)?;
        if now >= number {
            continue;
        }
        if now == 0 && has_foreign_tables(&tx)? {
            return Err(StoreError::ForeignDatabase(path.to_path_buf()));
        }
        tx.execute_batch(m.sql)?;
        if let Some(after) = m.after {
            after(&tx)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", number)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_latest() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, Path::new(":memory:")).unwrap();
        assert_eq!(version(&c).unwrap(), latest());
        // Running again changes nothing.
        migrate(&mut c, Path::new(":memory:")).unwrap();
        assert_eq!(version(&c).unwrap(), latest());
    }

    #[test]
    fn newer_database_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", latest() + 1).unwrap();
        let e = migrate(&mut c, Path::new(":memory:")).unwrap_err();
        assert!(
            matches!(e, StoreError::TooNew { found, supported } if found == latest() + 1 && supported == latest())
        );
    }

    #[test]
    fn another_programs_database_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE invoices(id INTEGER)")
            .unwrap();
        assert!(matches!(
            migrate(&mut c, Path::new("x.db")),
            Err(StoreError::ForeignDatabase(_))
        ));
    }
}
