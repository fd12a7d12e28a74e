//! Integrity and invariant checks (`jiuzhu check`, `jiuzhu audit verify`).

use rusqlite::Connection;

use super::changelog::{latest_records, verify_chains, ChainSummary};
use super::records::{for_each_record, Entity};
use super::Result;

/// SQLite's own `PRAGMA integrity_check`: `None` when "ok", else its first messages.
pub fn sqlite_integrity(conn: &Connection) -> Result<Option<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(5)")?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(None)
    } else {
        Ok(Some(lines.join("; ")))
    }
}

/// `PRAGMA foreign_key_check`: number of violating rows.
pub fn foreign_keys(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    while rows.next()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// A record that differs from its latest applied change entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMismatch {
    /// The record kind.
    pub entity: Entity,
    /// Its id.
    pub id: String,
    /// True when the change log has no entry for it at all.
    pub unlogged: bool,
}

/// Compares every replicated record with the record of its latest applied change entry;
/// returns the number of records compared and up to `max` mismatches.
pub fn records_match_log(conn: &Connection, max: usize) -> Result<(u64, Vec<RecordMismatch>)> {
    let mut compared = 0u64;
    let mut out = Vec::new();
    for entity in Entity::ALL {
        let latest = latest_records(conn, entity)?;
        for_each_record(conn, entity, |id, json| {
            compared += 1;
            let mismatch = match latest.get(id) {
                None => Some(true),
                Some(logged) if *logged != json => Some(false),
                Some(_) => None,
            };
            if let Some(unlogged) = mismatch {
                if out.len() < max {
                    out.push(RecordMismatch {
                        entity,
                        id: id.to_string(),
                        unlogged,
                    });
                }
            }
            Ok(())
        })?;
    }
    Ok((compared, out))
}

/// Every chain of the change log, verified.
pub fn chains(conn: &Connection) -> Result<Vec<ChainSummary>> {
    verify_chains(conn)
}

/// Persons whose search projection is missing or differs from the record (derived data
/// edited by hand or left behind by a bug); the index would show them wrongly.
pub fn stale_search_rows(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM persons p LEFT JOIN person_search s ON s.person_id = p.id
         WHERE s.person_id IS NULL OR s.name IS NOT p.name OR s.id_number IS NOT p.id_number
            OR s.phone IS NOT p.phone OR s.service_no IS NOT p.service_no
            OR s.community IS NOT p.community OR s.status IS NOT p.status",
        [],
        |r| r.get(0),
    )?)
}
