//! Org units known to this workstation, and which of them it hosts (keeps records for).

use rusqlite::{params, Connection};

use super::{Result, StoreError};
use crate::domain::org::{OrgKind, OrgTree, OrgUnit};

/// Inserts or updates one unit.
pub fn upsert(conn: &Connection, unit: &OrgUnit, hosted: bool) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO org_units (code, name, kind, parent, hosted) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             parent = excluded.parent, hosted = max(org_units.hosted, excluded.hosted)",
    )?
    .execute(params![
        unit.code,
        unit.name,
        unit.kind.code(),
        unit.parent,
        hosted
    ])?;
    Ok(())
}

/// Every unit, parents before children.
pub fn tree(conn: &Connection) -> Result<OrgTree> {
    let mut stmt =
        conn.prepare("SELECT code, name, kind, parent FROM org_units ORDER BY length(code), code")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut units = Vec::new();
    for row in rows {
        let (code, name, kind, parent) = row?;
        let kind = OrgKind::from_code(&kind).ok_or(StoreError::Corrupt {
            table: "org_units",
            column: "kind",
        })?;
        units.push(OrgUnit {
            code,
            name,
            kind,
            parent,
        });
    }
    Ok(OrgTree::new(units))
}

/// Codes of the units whose records this workstation keeps.
pub fn hosted(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT code FROM org_units WHERE hosted = 1 ORDER BY code")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The full official name of unit `code` (empty when never set; `None`: no such unit).
pub fn full_name(conn: &Connection, code: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT full_name FROM org_units WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

/// Sets the full official name of unit `code` (empty: the short name is used); true when
/// the unit exists.
pub fn set_full_name(conn: &Connection, code: &str, full_name: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE org_units SET full_name = ?2 WHERE code = ?1")?
        .execute(params![code, full_name])?;
    Ok(n > 0)
}
