//! A consistent copy of the open database while others keep working, the step that makes a
//! restored copy start a new epoch, and what a restore must know of the database it replaces:
//! how far this workstation's own changes got beyond it.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection};

use super::{data_dir, Result, Store};

impl Store {
    /// Writes a consistent copy of the database to `path` with `VACUUM INTO`: one read
    /// transaction, so writers carry on and the copy is one moment's state (a step-by-step
    /// online backup would restart on every concurrent write and might never finish). The
    /// copy is owner-only: SQLite would create it readable by everyone.
    pub fn vacuum_into(&self, path: &Path) -> Result<()> {
        data_dir::create_private_file(path, 0o600)?;
        let target = path.to_string_lossy().into_owned();
        self.conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }

    /// Moves everything in the write-ahead log into the database file, so that the file alone
    /// holds every committed change (as far as no other connection still reads the log).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Starts a new epoch: this workstation's next changes form a new chain from sequence 1, and
/// its bundles are numbered from 1 again, so nothing can collide with what it wrote before the
/// copy it was restored from. Returns the new epoch.
pub fn start_new_epoch(conn: &Connection) -> Result<i64> {
    conn.execute("UPDATE workstation SET epoch = epoch + 1", [])?;
    Ok(conn.query_row("SELECT epoch FROM workstation", [], |r| r.get(0))?)
}

/// The last sequence number of each of this workstation's own chains, by epoch.
pub fn own_heads(conn: &Connection) -> Result<BTreeMap<i64, i64>> {
    let mut stmt = conn.prepare(
        "SELECT epoch, max(seq) FROM change_log
         WHERE origin = (SELECT id FROM workstation) GROUP BY epoch",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// How far each of this workstation's own chains (by epoch) has left it in full: the furthest
/// sequence number carried in a bundle it wrote to its parent, or acknowledged by its parent.
pub fn own_exported(conn: &Connection) -> Result<BTreeMap<i64, i64>> {
    // Only the parent's acknowledgement counts: a child holds this workstation's changes that
    // do not concern it by hash only.
    let mut stmt = conn.prepare(
        "SELECT epoch, max(seq) FROM (
             SELECT epoch, seq FROM bundles_out_own
             UNION ALL
             SELECT h.epoch, h.seq FROM peer_holdings h
             WHERE h.origin = (SELECT id FROM workstation)
               AND h.peer_workstation IN (
                   SELECT p.workstation FROM peers p
                   JOIN org_units o ON o.parent = p.org_code
                   JOIN workstation w ON w.org_code = o.code))
         GROUP BY epoch",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Records what bundle `bundle_id` (of `bundles_out`) carries of this workstation's
/// own chains: (epoch, last sequence number) for each.
pub fn record_own_carried(
    conn: &Connection,
    bundle_id: &str,
    carried: &[(i64, i64)],
) -> Result<()> {
    let mut stmt =
        conn.prepare("INSERT INTO bundles_out_own (bundle_id, epoch, seq) VALUES (?1, ?2, ?3)")?;
    for (epoch, seq) in carried {
        stmt.execute(params![bundle_id, epoch, seq])?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::store::OpenOptions;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_copy_of_the_database_is_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(
            &tmp.path().join("a.db"),
            &OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
        .unwrap();
        let copy = tmp.path().join("copy.db");
        store.vacuum_into(&copy).unwrap();
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(std::fs::metadata(&copy).unwrap().len() > 0);
    }
}
