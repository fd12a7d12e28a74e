//! Households (家庭户) and their members' rows.

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::household::Household;
use crate::domain::record::RecordMeta;

impl RecordTable for Household {
    const ENTITY: Entity = Entity::Household;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "community",
        "head_person_id",
        "address",
        "note",
        "closed_at",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 5]>([
            Box::new(&self.community),
            Box::new(&self.head_person_id),
            Box::new(&self.address),
            Box::new(&self.note),
            Box::new(&self.closed_at),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Household> {
        Ok(Household {
            meta: meta_from_row(r)?,
            community: r.get(5)?,
            head_person_id: r.get(6)?,
            address: r.get(7)?,
            note: r.get(8)?,
            closed_at: r.get(9)?,
        })
    }
}

/// The household with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Household>> {
    records::get(conn, id)
}

/// Inserts a new household and logs `household.create`.
pub fn insert(w: &mut WriteTx<'_>, h: &Household) -> Result<()> {
    records::insert(w, h, "household.create")
}

/// Saves a changed household (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, h: &Household, kind: &str) -> Result<Household> {
    records::update(w, h, kind)
}

/// Number of households, open or closed.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM households", [], |r| r.get(0))?)
}
