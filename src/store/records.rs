//! Replicated record kinds and their canonical form: the exact JSON that the change log
//! stores as "the record after the change", and that `check` compares with the live row.
//!
//! The form is generic over the table's columns (sorted by name, SQLite values as JSON), so a
//! column added by a migration is covered without code here changing.

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::{Result, StoreError};

/// A kind of replicated record, one table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// `persons`
    Person,
    /// `clues`
    Clue,
    /// `cases`
    Case,
}

impl Entity {
    /// Every replicated kind.
    pub const ALL: [Entity; 3] = [Entity::Person, Entity::Clue, Entity::Case];

    /// Its table (a fixed name, never user input).
    pub fn table(self) -> &'static str {
        match self {
            Entity::Person => "persons",
            Entity::Clue => "clues",
            Entity::Case => "cases",
        }
    }

    /// Code stored in the change log.
    pub fn code(self) -> &'static str {
        match self {
            Entity::Person => "person",
            Entity::Clue => "clue",
            Entity::Case => "case",
        }
    }

    /// Parses a change-log code.
    pub fn from_code(s: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == s)
    }
}

fn json_of(v: ValueRef<'_>) -> std::result::Result<serde_json::Value, StoreError> {
    Ok(match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => serde_json::Value::from(i),
        ValueRef::Real(f) => serde_json::Value::from(f),
        ValueRef::Text(t) => {
            serde_json::Value::from(std::str::from_utf8(t).map_err(|_| StoreError::Corrupt {
                table: "record",
                column: "text",
            })?)
        }
        ValueRef::Blob(b) => serde_json::Value::from(hex::encode(b)),
    })
}

/// Canonical JSON of one row: an object with the columns in name order.
fn canonical(row: &rusqlite::Row<'_>, names: &[(usize, String)]) -> Result<String> {
    let mut out = String::from("{");
    for (n, (idx, name)) in names.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::Value::from(name.as_str()).to_string());
        out.push(':');
        out.push_str(&json_of(row.get_ref(*idx)?)?.to_string());
    }
    out.push('}');
    Ok(out)
}

fn sorted_columns(stmt: &rusqlite::Statement<'_>) -> Vec<(usize, String)> {
    let mut names: Vec<(usize, String)> = stmt
        .column_names()
        .enumerate()
        .map(|(i, n)| (i, n.to_string()))
        .collect();
    names.sort_by(|a, b| a.1.cmp(&b.1));
    names
}

/// The canonical JSON of record `id`, or `None` if there is no such row.
pub fn record_json(conn: &Connection, entity: Entity, id: &str) -> Result<Option<String>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT * FROM {} WHERE id = ?1", entity.table()))?;
    let names = sorted_columns(&stmt);
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => Ok(Some(canonical(row, &names)?)),
        None => Ok(None),
    }
}

/// Calls `f(id, canonical_json)` for every record of `entity`.
pub fn for_each_record(
    conn: &Connection,
    entity: Entity,
    mut f: impl FnMut(&str, String) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {} ORDER BY id", entity.table()))?;
    let names = sorted_columns(&stmt);
    let id_idx = stmt.column_index("id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(id_idx)?;
        let json = canonical(row, &names)?;
        f(&id, json)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_columns_and_keeps_types() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE persons(id TEXT PRIMARY KEY, name TEXT, age INTEGER, b BLOB, z TEXT);
             INSERT INTO persons VALUES ('p1', '张\"三', 70, x'00ff', NULL);",
        )
        .unwrap();
        let json = record_json(&c, Entity::Person, "p1").unwrap().unwrap();
        assert_eq!(
            json,
            r#"{"age":70,"b":"00ff","id":"p1","name":"张\"三","z":null}"#
        );
        assert!(record_json(&c, Entity::Person, "nope").unwrap().is_none());
    }
}
