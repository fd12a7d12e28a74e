//! Replicated record kinds and their canonical form: the exact JSON that the change log
//! stores as "the record after the change", and that `check` compares with the live row.
//!
//! The form is generic over the table's columns (sorted by name, SQLite values as JSON), so a
//! column added by a migration is covered without code here changing.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::{Result, StoreError, WriteTx};
use crate::domain::record::RecordMeta;

pub use crate::domain::record::Entity;

/// Where each kind lives.
impl Entity {
    /// Its table (a fixed name, never user input).
    pub fn table(self) -> &'static str {
        match self {
            Entity::Person => "persons",
            Entity::Clue => "clues",
            Entity::Case => "cases",
            Entity::Provider => "providers",
            Entity::Registration => "registrations",
            Entity::Service => "services",
            Entity::Document => "documents",
            Entity::Posting => "postings",
            Entity::Complaint => "complaints",
            Entity::Inspection => "inspections",
            Entity::Task => "tasks",
            Entity::Household => "households",
            Entity::Transfer => "transfers",
            Entity::DocumentWaiver => "document_waivers",
            Entity::Agreement => "agreements",
            Entity::Settlement => "settlements",
            Entity::LedgerEntry => "ledger_entries",
            Entity::Helper => "helpers",
            Entity::Pairing => "pairings",
            Entity::HelpVisit => "help_visits",
            Entity::SubsidyList => "subsidy_lists",
        }
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

/// A replicated record kind kept in one table, one column per field, the first being `id`.
pub trait RecordTable: Sized + Clone {
    /// Its kind.
    const ENTITY: Entity;
    /// Its columns, `id` first, in the order of [`RecordTable::values`].
    const COLUMNS: &'static [&'static str];
    /// Identity and version.
    fn meta(&self) -> &RecordMeta;
    /// Identity and version, to bump on save.
    fn meta_mut(&mut self) -> &mut RecordMeta;
    /// The column values, in [`RecordTable::COLUMNS`] order.
    fn values(&self) -> Vec<Box<dyn ToSql + '_>>;
    /// Reads a row selected with [`RecordTable::COLUMNS`].
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self>;
}

/// The record with id `id`.
pub(crate) fn get<T: RecordTable>(conn: &Connection, id: &str) -> Result<Option<T>> {
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        T::COLUMNS.join(", "),
        T::ENTITY.table()
    );
    conn.prepare_cached(&sql)?
        .query_row([id], T::from_row)
        .optional()
        .map_err(super::row_error)
}

/// Inserts a new record and logs `kind`.
pub(crate) fn insert<T: RecordTable>(w: &mut WriteTx<'_>, rec: &T, kind: &str) -> Result<()> {
    let placeholders: Vec<String> = (1..=T::COLUMNS.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        T::ENTITY.table(),
        T::COLUMNS.join(", "),
        placeholders.join(", ")
    );
    let values = rec.values();
    w.conn()
        .prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(
            values.iter().map(|b| b.as_ref()),
        ))?;
    w.log_change(kind, T::ENTITY, &rec.meta().id)
}

/// Saves a changed record whose stored version is still `rec.meta().version`, with the
/// version bumped and the transaction's time, and logs `kind`. Someone else's newer save
/// is refused with [`StoreError::Stale`] rather than overwritten.
pub(crate) fn update<T: RecordTable>(w: &mut WriteTx<'_>, rec: &T, kind: &str) -> Result<T> {
    let mut next = rec.clone();
    next.meta_mut().version = rec.meta().version + 1;
    next.meta_mut().updated_at = w.at().to_string();
    let sets: Vec<String> = T::COLUMNS
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE id = ?1 AND version = ?{}",
        T::ENTITY.table(),
        sets.join(", "),
        T::COLUMNS.len() + 1
    );
    let n = {
        let values = next.values();
        let expected: Box<dyn ToSql> = Box::new(rec.meta().version);
        w.conn()
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(
                values
                    .iter()
                    .map(|b| b.as_ref())
                    .chain(std::iter::once(expected.as_ref())),
            ))?
    };
    if n != 1 {
        return Err(StoreError::Stale);
    }
    w.log_change(kind, T::ENTITY, &next.meta().id)?;
    Ok(next)
}

/// Sets column `column` of record `id` to `value` with the version bumped and the
/// transaction's time, and logs `kind`: a record following its person to another record or
/// community changes one reference, whatever its kind. `column` is a fixed name from the code.
pub(crate) fn set_column(
    w: &mut WriteTx<'_>,
    entity: Entity,
    id: &str,
    column: &'static str,
    value: Option<&str>,
    kind: &str,
) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET {column} = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3",
        entity.table()
    );
    let n = w
        .conn()
        .prepare_cached(&sql)?
        .execute(rusqlite::params![value, w.at(), id])?;
    if n != 1 {
        return Err(StoreError::Stale);
    }
    w.log_change(kind, entity, id)
}

/// Makes record `id` of `entity` this workstation's change again: its content set to
/// `content` (a received version a person chose; `None` keeps the row as it is), its version
/// raised above both `at_least` and its own, and a `kind` entry logged. This is how a conflict
/// or review is resolved, so the peers receive the outcome as an ordinary newer change.
pub(crate) fn restate(
    w: &mut WriteTx<'_>,
    entity: Entity,
    id: &str,
    content: Option<&serde_json::Map<String, serde_json::Value>>,
    at_least: i64,
    kind: &str,
) -> Result<std::result::Result<(), super::exchange::ApplyFailure>> {
    if let Some(content) = content {
        if let Err(f) = super::exchange::upsert(
            w.conn(),
            &mut super::exchange::UpsertSql::default(),
            entity,
            content,
        )? {
            return Ok(Err(f));
        }
    }
    let sql = format!(
        "UPDATE {} SET version = max(version, ?1) + 1, updated_at = ?2 WHERE id = ?3",
        entity.table()
    );
    let n = w
        .conn()
        .prepare_cached(&sql)?
        .execute(rusqlite::params![at_least, w.at(), id])?;
    if n != 1 {
        return Err(StoreError::Stale);
    }
    if entity == Entity::Person {
        super::persons::reindex(w.conn(), id)?;
    }
    w.log_change(kind, entity, id)?;
    Ok(Ok(()))
}

/// The records of kind `T` that `filter` (a `WHERE …` clause of fixed text, or empty) keeps,
/// in `order` (fixed column names), with `args` bound to the filter's places.
pub(crate) fn select<T: RecordTable>(
    conn: &Connection,
    filter: &str,
    order: &str,
    args: &[&dyn ToSql],
) -> Result<Vec<T>> {
    let sql = format!(
        "SELECT {} FROM {} {filter} ORDER BY {order}",
        T::COLUMNS.join(", "),
        T::ENTITY.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args, T::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The ids of the records of `entity` whose column `column` holds `value`, in id order.
pub(crate) fn ids_where(
    conn: &Connection,
    entity: Entity,
    column: &'static str,
    value: &str,
) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT id FROM {} WHERE {column} = ?1 ORDER BY id",
        entity.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([value], |r| r.get(0))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Reads the identity columns (the first five of every record table).
pub(crate) fn meta_from_row(r: &Row<'_>) -> rusqlite::Result<RecordMeta> {
    Ok(RecordMeta {
        id: r.get(0)?,
        origin: r.get(1)?,
        version: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

/// The identity column values, in the order [`meta_from_row`] reads them.
pub(crate) fn meta_values(m: &RecordMeta) -> Vec<Box<dyn ToSql + '_>> {
    vec![
        Box::new(&m.id),
        Box::new(&m.origin),
        Box::new(m.version),
        Box::new(&m.created_at),
        Box::new(&m.updated_at),
    ]
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
