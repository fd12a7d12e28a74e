//! Local sequences that only grow, so a human number (服务号) is never reused.

use rusqlite::{params, Connection};

use super::Result;

/// Returns the next value of counter `name` (1 for a new counter).
pub fn next(conn: &Connection, name: &str) -> Result<i64> {
    let v: i64 = conn
        .prepare_cached(
            "INSERT INTO counters (name, value) VALUES (?1, 1)
             ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
        )?
        .query_row(params![name], |r| r.get(0))?;
    Ok(v)
}
