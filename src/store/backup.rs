//! A consistent copy of the open database while others keep working, and the step that
//! makes a restored copy start a new epoch.

use std::path::Path;

use rusqlite::Connection;

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
}

/// Starts a new epoch: this workstation's next changes form a new chain from sequence 1, and
/// its bundles are numbered from 1 again, so nothing can collide with what it wrote before the
/// copy it was restored from. Returns the new epoch.
pub fn start_new_epoch(conn: &Connection) -> Result<i64> {
    conn.execute("UPDATE workstation SET epoch = epoch + 1", [])?;
    Ok(conn.query_row("SELECT epoch FROM workstation", [], |r| r.get(0))?)
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
