//! This workstation's settings: a small key/value table, local and never replicated (each
//! workstation sets its own time limits; changes go to the access log, not the change log).

use rusqlite::{params, Connection};

use super::Result;

/// Every stored setting as (key, value).
pub fn all(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Stores `value` under `key`, inside the caller's local transaction.
pub fn put(conn: &Connection, key: &str, value: &str, at: &str, by: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )?
    .execute(params![key, value, at, by])?;
    Ok(())
}

/// Key of the offline escrow recipient (`age1…`) bundles are also encrypted to.
pub const ESCROW_RECIPIENT: &str = "bundle.escrow_recipient";

/// The value stored under `key`.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}
