//! 互助服务记录 as stored.

use chrono::NaiveDate;
use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{day, day_text, Result, WriteTx};
use crate::domain::help_visit::HelpVisit;
use crate::domain::record::RecordMeta;

impl RecordTable for HelpVisit {
    const ENTITY: Entity = Entity::HelpVisit;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "pairing_id",
        "helper_id",
        "person_id",
        "community",
        "visited_on",
        "item",
        "minutes",
        "content",
        "confirmed",
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
        v.extend::<[Box<dyn ToSql + '_>; 10]>([
            Box::new(&self.pairing_id),
            Box::new(&self.helper_id),
            Box::new(&self.person_id),
            Box::new(&self.community),
            Box::new(day_text(self.visited_on)),
            Box::new(&self.item),
            Box::new(self.minutes),
            Box::new(&self.content),
            Box::new(self.confirmed),
            Box::new(&self.recorded_by),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<HelpVisit> {
        Ok(HelpVisit {
            meta: meta_from_row(r)?,
            pairing_id: r.get(5)?,
            helper_id: r.get(6)?,
            person_id: r.get(7)?,
            community: r.get(8)?,
            visited_on: day(r.get(9)?, "help_visits", "visited_on")?,
            item: r.get(10)?,
            minutes: r.get(11)?,
            content: r.get(12)?,
            confirmed: r.get(13)?,
            recorded_by: r.get(14)?,
        })
    }
}

/// Inserts a new visit and logs `help_visit.create`.
pub fn insert(w: &mut WriteTx<'_>, v: &HelpVisit) -> Result<()> {
    records::insert(w, v, "help_visit.create")
}

/// The visits in community `community` from `from` to `to`, by day.
pub fn of_community_between(
    conn: &Connection,
    community: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<HelpVisit>> {
    let (from, to) = (day_text(from), day_text(to));
    records::select(
        conn,
        "WHERE community = ?1 AND visited_on BETWEEN ?2 AND ?3",
        "visited_on, created_at",
        &[&community as &dyn ToSql, &from, &to],
    )
}

/// The visits person `person_id` received, newest first.
pub fn of_person(conn: &Connection, person_id: &str) -> Result<Vec<HelpVisit>> {
    records::select(
        conn,
        "WHERE person_id = ?1",
        "visited_on DESC, created_at DESC",
        &[&person_id as &dyn ToSql],
    )
}
