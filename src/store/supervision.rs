//! 监督管理 records: posting periods, complaints and objections, inspections.

use chrono::NaiveDate;
use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{day, day_text, opt_day};
use super::{Result, WriteTx};
use crate::domain::record::RecordMeta;
use crate::domain::supervision::{Complaint, ComplaintState, Inspection, Posting};

impl RecordTable for Posting {
    const ENTITY: Entity = Entity::Posting;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "community",
        "period_from",
        "period_to",
        "place",
        "persons",
        "list_sha256",
        "posted_by",
        "long_term",
        "replaced_by",
        "members_sha256",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        // A long-term posting still hanging keeps its first day in `period_to` (the column
        // is NOT NULL since schema 5); `long_term` tells it apart.
        let to = self.period_to.unwrap_or(self.period_from);
        v.extend::<[Box<dyn ToSql + '_>; 10]>([
            Box::new(&self.community),
            Box::new(day_text(self.period_from)),
            Box::new(day_text(to)),
            Box::new(&self.place),
            Box::new(self.persons),
            Box::new(&self.list_sha256),
            Box::new(&self.posted_by),
            Box::new(self.long_term),
            Box::new(&self.replaced_by),
            Box::new(&self.members_sha256),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Posting> {
        let long_term: bool = r.get(12)?;
        let replaced_by: Option<String> = r.get(13)?;
        let to = day(r.get(7)?, "postings", "period_to")?;
        Ok(Posting {
            meta: meta_from_row(r)?,
            community: r.get(5)?,
            period_from: day(r.get(6)?, "postings", "period_from")?,
            period_to: (!long_term || replaced_by.is_some()).then_some(to),
            place: r.get(8)?,
            persons: r.get(9)?,
            list_sha256: r.get(10)?,
            posted_by: r.get(11)?,
            long_term,
            replaced_by,
            members_sha256: r.get(14)?,
        })
    }
}

impl RecordTable for Complaint {
    const ENTITY: Entity = Entity::Complaint;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "community",
        "channel",
        "posting_id",
        "person_id",
        "provider_id",
        "service_id",
        "received_on",
        "complainant",
        "content",
        "assigned_to",
        "state",
        "answer",
        "answered_at",
        "closed_at",
        "assigned_unit",
        "due_on",
        "followup_on",
        "satisfaction",
        "followup_note",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 19]>([
            Box::new(&self.community),
            Box::new(&self.channel),
            Box::new(&self.posting_id),
            Box::new(&self.person_id),
            Box::new(&self.provider_id),
            Box::new(&self.service_id),
            Box::new(day_text(self.received_on)),
            Box::new(&self.complainant),
            Box::new(&self.content),
            Box::new(&self.assigned_to),
            Box::new(self.state.code()),
            Box::new(&self.answer),
            Box::new(&self.answered_at),
            Box::new(&self.closed_at),
            Box::new(&self.assigned_unit),
            Box::new(self.due_on.map(day_text)),
            Box::new(self.followup_on.map(day_text)),
            Box::new(&self.satisfaction),
            Box::new(&self.followup_note),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Complaint> {
        let state: String = r.get(15)?;
        Ok(Complaint {
            meta: meta_from_row(r)?,
            community: r.get(5)?,
            channel: r.get(6)?,
            posting_id: r.get(7)?,
            person_id: r.get(8)?,
            provider_id: r.get(9)?,
            service_id: r.get(10)?,
            received_on: day(r.get(11)?, "complaints", "received_on")?,
            complainant: r.get(12)?,
            content: r.get(13)?,
            assigned_to: r.get(14)?,
            state: ComplaintState::from_code(&state)
                .ok_or_else(|| super::corrupt("complaints", "state"))?,
            answer: r.get(16)?,
            answered_at: r.get(17)?,
            closed_at: r.get(18)?,
            assigned_unit: r.get(19)?,
            due_on: opt_day(r.get(20)?, "complaints", "due_on")?,
            followup_on: opt_day(r.get(21)?, "complaints", "followup_on")?,
            satisfaction: r.get(22)?,
            followup_note: r.get(23)?,
        })
    }
}

impl RecordTable for Inspection {
    const ENTITY: Entity = Entity::Inspection;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "community",
        "service_id",
        "inspected_on",
        "inspector",
        "result",
        "finding",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 6]>([
            Box::new(&self.community),
            Box::new(&self.service_id),
            Box::new(day_text(self.inspected_on)),
            Box::new(&self.inspector),
            Box::new(&self.result),
            Box::new(&self.finding),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Inspection> {
        Ok(Inspection {
            meta: meta_from_row(r)?,
            community: r.get(5)?,
            service_id: r.get(6)?,
            inspected_on: day(r.get(7)?, "inspections", "inspected_on")?,
            inspector: r.get(8)?,
            result: r.get(9)?,
            finding: r.get(10)?,
        })
    }
}

/// Inserts a posting period and logs `posting.create`.
pub fn insert_posting(w: &mut WriteTx<'_>, p: &Posting) -> Result<()> {
    records::insert(w, p, "posting.create")
}

/// Saves a posting closed by a re-issue (optimistic on version) and logs `posting.close`.
pub fn close_posting(w: &mut WriteTx<'_>, p: &Posting) -> Result<Posting> {
    records::update(w, p, "posting.close")
}

/// The postings of `community` still hanging on `day` (not replaced, and long-term or not
/// yet past their last day), latest first.
pub fn open_postings(conn: &Connection, community: &str, day: NaiveDate) -> Result<Vec<Posting>> {
    let sql = format!(
        "SELECT {} FROM postings WHERE community = ?1 AND replaced_by IS NULL
           AND (long_term = 1 OR period_to >= ?2)
         ORDER BY period_from DESC, created_at DESC",
        Posting::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![community, day_text(day)],
        Posting::from_row,
    )?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Every long-term posting still hanging (not replaced), of every community.
pub fn open_long_term(conn: &Connection) -> Result<Vec<Posting>> {
    let sql = format!(
        "SELECT {} FROM postings WHERE long_term = 1 AND replaced_by IS NULL
         ORDER BY community, period_from DESC, created_at DESC",
        Posting::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], Posting::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The latest first day of any posting of `community`.
pub fn latest_from(conn: &Connection, community: &str) -> Result<Option<NaiveDate>> {
    let s: Option<String> = conn
        .prepare_cached("SELECT max(period_from) FROM postings WHERE community = ?1")?
        .query_row([community], |r| r.get(0))?;
    opt_day(s, "postings", "period_from").map_err(super::row_error)
}

/// Inserts a complaint and logs `complaint.create`.
pub fn insert_complaint(w: &mut WriteTx<'_>, c: &Complaint) -> Result<()> {
    records::insert(w, c, "complaint.create")
}

/// Saves a changed complaint (optimistic on version) and logs `kind`.
pub fn update_complaint(w: &mut WriteTx<'_>, c: &Complaint, kind: &str) -> Result<Complaint> {
    records::update(w, c, kind)
}

/// The complaint with record id `id`.
pub fn complaint(conn: &Connection, id: &str) -> Result<Option<Complaint>> {
    records::get(conn, id)
}

/// Inserts an inspection and logs `inspection.create`.
pub fn insert_inspection(w: &mut WriteTx<'_>, i: &Inspection) -> Result<()> {
    records::insert(w, i, "inspection.create")
}

fn all<T: RecordTable>(
    conn: &Connection,
    table: &str,
    order: &str,
    limit: usize,
) -> Result<Vec<T>> {
    let sql = format!(
        "SELECT {} FROM {table} ORDER BY {order} LIMIT ?1",
        T::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([limit as i64], T::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Posting periods, latest first.
pub fn postings(conn: &Connection, limit: usize) -> Result<Vec<Posting>> {
    all(conn, "postings", "period_from DESC, created_at DESC", limit)
}

/// Complaints, open ones first, then newest first.
pub fn complaints(conn: &Connection, limit: usize) -> Result<Vec<Complaint>> {
    all(
        conn,
        "complaints",
        "state = 'closed', received_on DESC, created_at DESC",
        limit,
    )
}

/// Inspections, latest first.
pub fn inspections(conn: &Connection, limit: usize) -> Result<Vec<Inspection>> {
    all(
        conn,
        "inspections",
        "inspected_on DESC, created_at DESC",
        limit,
    )
}

/// Complaints not yet closed, per community.
pub fn open_complaints_by_community(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT community, count(*) FROM complaints WHERE state != 'closed' GROUP BY community",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Complaints not yet closed, oldest first, with the name of the person they concern.
pub fn open_complaints(conn: &Connection) -> Result<Vec<(Complaint, Option<String>)>> {
    let cols: Vec<String> = Complaint::COLUMNS
        .iter()
        .map(|c| format!("c.{c}"))
        .collect();
    let sql = format!(
        "SELECT {}, p.name FROM complaints c LEFT JOIN persons p ON p.id = c.person_id
         WHERE c.state != 'closed' ORDER BY c.received_on, c.created_at",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Complaint::COLUMNS.len();
    let rows = stmt.query_map([], |r| Ok((Complaint::from_row(r)?, r.get(n)?)))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The services an inspection found failed (督查不合格).
pub fn failed_services(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT service_id FROM inspections WHERE result = 'failed'")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}
