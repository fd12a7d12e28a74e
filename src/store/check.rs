//! Integrity and invariant checks (`jiuzhu check`, `jiuzhu audit verify`).

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::Value;

use sha2::{Digest, Sha256};

use super::changelog::{latest_record, latest_record_digests, verify_chains, ChainSummary};
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
        let latest = latest_record_digests(conn, entity)?;
        let defaults = column_defaults(conn, entity.table())?;
        for_each_record(conn, entity, |id, json| {
            compared += 1;
            let digest: [u8; 32] = Sha256::digest(json.as_bytes()).into();
            let mismatch = match latest.get(id) {
                None => Some(true),
                Some(logged) if *logged == digest => None,
                // Different text: still equal when only columns added since the entry differ.
                Some(_) => match latest_record(conn, entity, id)? {
                    Some(text) if equal_but_newer_columns(&text, &json, &defaults) => None,
                    _ => Some(false),
                },
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

/// The declared default of every column of `table` that has one, as canonical JSON values.
fn column_defaults(conn: &Connection, table: &str) -> Result<BTreeMap<String, Value>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(1)?, r.get::<_, Option<String>>(4)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (name, default) = row?;
        let value = match default.as_deref() {
            None => continue,
            Some("NULL") => Value::Null,
            Some(d) if d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'') => {
                Value::from(d[1..d.len() - 1].replace("''", "'"))
            }
            Some(d) => match d.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => continue,
            },
        };
        out.insert(name, value);
    }
    Ok(out)
}

/// True when `current` equals `logged` except for columns a later migration added, which
/// still hold their defaults: an entry logged before the migration cannot name them.
fn equal_but_newer_columns(
    logged: &str,
    current: &str,
    defaults: &BTreeMap<String, Value>,
) -> bool {
    let (Ok(Value::Object(logged)), Ok(Value::Object(current))) = (
        serde_json::from_str::<Value>(logged),
        serde_json::from_str::<Value>(current),
    ) else {
        return false;
    };
    logged.iter().all(|(k, v)| current.get(k) == Some(v))
        && current
            .iter()
            .filter(|(k, _)| !logged.contains_key(*k))
            .all(|(k, v)| defaults.get(k) == Some(v))
}

/// Every chain of the change log, verified.
pub fn chains(conn: &Connection) -> Result<Vec<ChainSummary>> {
    verify_chains(conn)
}

/// Communities with more than one current 长期公示 (long-term, not replaced): each reissue
/// closes the one before, so two can only come from two workstations posting one list.
pub fn communities_with_several_postings(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT community, count(*) FROM postings
         WHERE long_term = 1 AND replaced_by IS NULL
         GROUP BY community HAVING count(*) > 1 ORDER BY community",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
