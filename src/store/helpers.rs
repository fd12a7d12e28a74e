//! 邻里互助员 as stored: one row per helper, the trainings as JSON.

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{corrupt, Result, WriteTx};
use crate::domain::helper::Helper;
use crate::domain::record::RecordMeta;

impl RecordTable for Helper {
    const ENTITY: Entity = Entity::Helper;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "person_id",
        "community",
        "bank_name",
        "bank_account",
        "trainings",
        "active",
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
        v.extend::<[Box<dyn ToSql + '_>; 7]>([
            Box::new(&self.person_id),
            Box::new(&self.community),
            Box::new(&self.bank_name),
            Box::new(&self.bank_account),
            Box::new(serde_json::to_string(&self.trainings).unwrap_or_else(|_| "[]".into())),
            Box::new(self.active),
            Box::new(&self.recorded_by),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Helper> {
        let trainings: String = r.get(9)?;
        Ok(Helper {
            meta: meta_from_row(r)?,
            person_id: r.get(5)?,
            community: r.get(6)?,
            bank_name: r.get(7)?,
            bank_account: r.get(8)?,
            trainings: serde_json::from_str(&trainings)
                .map_err(|_| corrupt("helpers", "trainings"))?,
            active: r.get(10)?,
            recorded_by: r.get(11)?,
        })
    }
}

/// The helper with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Helper>> {
    records::get(conn, id)
}

/// Inserts a new helper and logs `helper.create`.
pub fn insert(w: &mut WriteTx<'_>, h: &Helper) -> Result<()> {
    records::insert(w, h, "helper.create")
}

/// Saves a changed helper (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, h: &Helper, kind: &str) -> Result<Helper> {
    records::update(w, h, kind)
}

/// Every helper, by community.
pub fn list(conn: &Connection) -> Result<Vec<Helper>> {
    records::select(conn, "", "community, created_at", &[])
}

/// The helper who is person `person_id`, if registered.
pub fn of_person(conn: &Connection, person_id: &str) -> Result<Option<Helper>> {
    Ok(records::select(
        conn,
        "WHERE person_id = ?1",
        "id",
        &[&person_id as &dyn ToSql],
    )?
    .into_iter()
    .next())
}
