//! 互助结对 as stored: one row per pairing, the items as JSON.

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{corrupt, day, day_text, opt_day, Result, WriteTx};
use crate::domain::pairing::Pairing;
use crate::domain::record::RecordMeta;

impl RecordTable for Pairing {
    const ENTITY: Entity = Entity::Pairing;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "helper_id",
        "person_id",
        "community",
        "period_from",
        "period_to",
        "items",
        "frequency",
        "end_reason",
        "recorded_by",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 9]>([
            Box::new(&self.helper_id),
            Box::new(&self.person_id),
            Box::new(&self.community),
            Box::new(day_text(self.from)),
            Box::new(self.to.map(day_text)),
            Box::new(serde_json::to_string(&self.items).unwrap_or_else(|_| "[]".into())),
            Box::new(&self.frequency),
            Box::new(&self.end_reason),
            Box::new(&self.recorded_by),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Pairing> {
        let items: String = r.get(10)?;
        Ok(Pairing {
            meta: meta_from_row(r)?,
            helper_id: r.get(5)?,
            person_id: r.get(6)?,
            community: r.get(7)?,
            from: day(r.get(8)?, "pairings", "period_from")?,
            to: opt_day(r.get(9)?, "pairings", "period_to")?,
            items: serde_json::from_str(&items).map_err(|_| corrupt("pairings", "items"))?,
            frequency: r.get(11)?,
            end_reason: r.get(12)?,
            recorded_by: r.get(13)?,
        })
    }
}

/// The pairing with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Pairing>> {
    records::get(conn, id)
}

/// Inserts a new pairing and logs `pairing.create`.
pub fn insert(w: &mut WriteTx<'_>, p: &Pairing) -> Result<()> {
    records::insert(w, p, "pairing.create")
}

/// Saves a changed pairing (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, p: &Pairing, kind: &str) -> Result<Pairing> {
    records::update(w, p, kind)
}

/// Every pairing, newest first.
pub fn list(conn: &Connection) -> Result<Vec<Pairing>> {
    records::select(conn, "", "period_from DESC, id", &[])
}

/// The pairings of helper `helper_id`, newest first.
pub fn of_helper(conn: &Connection, helper_id: &str) -> Result<Vec<Pairing>> {
    records::select(
        conn,
        "WHERE helper_id = ?1",
        "period_from DESC, id",
        &[&helper_id as &dyn ToSql],
    )
}

/// The pairings helping person `person_id`, newest first.
pub fn of_person(conn: &Connection, person_id: &str) -> Result<Vec<Pairing>> {
    records::select(
        conn,
        "WHERE person_id = ?1",
        "period_from DESC, id",
        &[&person_id as &dyn ToSql],
    )
}
