//! Transfers of persons between communities (迁出 → 迁入).

use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::record::RecordMeta;
use crate::domain::transfer::{Transfer, TransferState};

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("transfers", column)
}

impl RecordTable for Transfer {
    const ENTITY: Entity = Entity::Transfer;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "person_id",
        "from_community",
        "to_community",
        "reason",
        "state",
        "old_service_no",
        "new_service_no",
        "sent_at",
        "sent_by",
        "received_at",
        "received_by",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 11]>([
            Box::new(&self.person_id),
            Box::new(&self.from_community),
            Box::new(&self.to_community),
            Box::new(&self.reason),
            Box::new(self.state.code()),
            Box::new(&self.old_service_no),
            Box::new(&self.new_service_no),
            Box::new(&self.sent_at),
            Box::new(&self.sent_by),
            Box::new(&self.received_at),
            Box::new(&self.received_by),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Transfer> {
        let state: String = r.get(9)?;
        Ok(Transfer {
            meta: meta_from_row(r)?,
            person_id: r.get(5)?,
            from_community: r.get(6)?,
            to_community: r.get(7)?,
            reason: r.get(8)?,
            state: TransferState::from_code(&state).ok_or_else(|| corrupt("state"))?,
            old_service_no: r.get(10)?,
            new_service_no: r.get(11)?,
            sent_at: r.get(12)?,
            sent_by: r.get(13)?,
            received_at: r.get(14)?,
            received_by: r.get(15)?,
        })
    }
}

/// The transfer with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Transfer>> {
    records::get(conn, id)
}

/// Inserts a new transfer and logs `transfer.create`.
pub fn insert(w: &mut WriteTx<'_>, t: &Transfer) -> Result<()> {
    records::insert(w, t, "transfer.create")
}

/// Saves a changed transfer (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, t: &Transfer, kind: &str) -> Result<Transfer> {
    records::update(w, t, kind)
}

/// The pending transfer of person `person_id`, if one waits.
pub fn pending_of_person(conn: &Connection, person_id: &str) -> Result<Option<Transfer>> {
    let sql = format!(
        "SELECT {} FROM transfers WHERE person_id = ?1 AND state = 'pending' LIMIT 1",
        Transfer::COLUMNS.join(", ")
    );
    conn.prepare_cached(&sql)?
        .query_row([person_id], Transfer::from_row)
        .optional()
        .map_err(super::row_error)
}

/// Transfers with their person's name: the pending first, then the most recently sent, at
/// most `limit`.
pub fn list(conn: &Connection, limit: usize) -> Result<Vec<(Transfer, String)>> {
    let cols: Vec<String> = Transfer::COLUMNS.iter().map(|c| format!("t.{c}")).collect();
    let sql = format!(
        "SELECT {}, p.name FROM transfers t JOIN persons p ON p.id = t.person_id
         ORDER BY t.state <> 'pending', t.sent_at DESC, t.id LIMIT ?1",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Transfer::COLUMNS.len();
    let rows = stmt.query_map([limit as i64], |r| {
        Ok((Transfer::from_row(r)?, r.get::<_, String>(n)?))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Pending transfers per receiving community.
pub fn pending_by_community(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT to_community, count(*) FROM transfers WHERE state = 'pending' GROUP BY to_community",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
