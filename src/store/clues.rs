//! Clues (线索).

use chrono::NaiveDate;
use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::clue::{Clue, ClueState};
use crate::domain::record::RecordMeta;

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("clues", column)
}

impl RecordTable for Clue {
    const ENTITY: Entity = Entity::Clue;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "person_id",
        "community",
        "difficulty",
        "key_groups",
        "source",
        "reporter",
        "found_on",
        "state",
        "recorded_by",
        "verified_at",
        "verify_note",
        "reported_at",
        "accepted_at",
        "closed_at",
        "close_reason",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 15]>([
            Box::new(&self.person_id),
            Box::new(&self.community),
            Box::new(&self.difficulty),
            Box::new(serde_json::to_string(&self.key_groups).unwrap_or_else(|_| "[]".into())),
            Box::new(&self.source),
            Box::new(&self.reporter),
            Box::new(self.found_on.format("%Y-%m-%d").to_string()),
            Box::new(self.state.code()),
            Box::new(&self.recorded_by),
            Box::new(&self.verified_at),
            Box::new(&self.verify_note),
            Box::new(&self.reported_at),
            Box::new(&self.accepted_at),
            Box::new(&self.closed_at),
            Box::new(&self.close_reason),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Clue> {
        let key_groups: String = r.get(8)?;
        let found_on: String = r.get(11)?;
        let state: String = r.get(12)?;
        Ok(Clue {
            meta: meta_from_row(r)?,
            person_id: r.get(5)?,
            community: r.get(6)?,
            difficulty: r.get(7)?,
            key_groups: serde_json::from_str(&key_groups).map_err(|_| corrupt("key_groups"))?,
            source: r.get(9)?,
            reporter: r.get(10)?,
            found_on: NaiveDate::parse_from_str(&found_on, "%Y-%m-%d")
                .map_err(|_| corrupt("found_on"))?,
            state: ClueState::from_code(&state).ok_or_else(|| corrupt("state"))?,
            recorded_by: r.get(13)?,
            verified_at: r.get(14)?,
            verify_note: r.get(15)?,
            reported_at: r.get(16)?,
            accepted_at: r.get(17)?,
            closed_at: r.get(18)?,
            close_reason: r.get(19)?,
        })
    }
}

/// The clue with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Clue>> {
    records::get(conn, id)
}

/// Inserts a new clue and logs `clue.create`.
pub fn insert(w: &mut WriteTx<'_>, c: &Clue) -> Result<()> {
    records::insert(w, c, "clue.create")
}

/// Saves a changed clue (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, c: &Clue, kind: &str) -> Result<Clue> {
    records::update(w, c, kind)
}

/// Clues with the name of their person, newest first, optionally of one state only.
pub fn list(
    conn: &Connection,
    state: Option<ClueState>,
    limit: usize,
) -> Result<Vec<(Clue, String)>> {
    let cols: Vec<String> = Clue::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let sql = format!(
        "SELECT {}, p.name FROM clues c JOIN persons p ON p.id = c.person_id
         WHERE (?1 IS NULL OR c.state = ?1)
         ORDER BY c.found_on DESC, c.created_at DESC LIMIT ?2",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Clue::COLUMNS.len();
    let rows = stmt.query_map(
        rusqlite::params![state.map(ClueState::code), limit as i64],
        |r| Ok((Clue::from_row(r)?, r.get::<_, String>(n)?)),
    )?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Number of clues per (community, state).
pub fn count_by_community_and_state(conn: &Connection) -> Result<Vec<(String, ClueState, i64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT community, state, count(*) FROM clues GROUP BY community, state")?;
    let rows = stmt.query_map([], |r| {
        let state: String = r.get(1)?;
        Ok((
            r.get::<_, String>(0)?,
            ClueState::from_code(&state).ok_or_else(|| corrupt("state"))?,
            r.get(2)?,
        ))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Clues waiting for the next step (recorded, verified, reported), with their person's name.
pub fn waiting(conn: &Connection) -> Result<Vec<(Clue, String)>> {
    let cols: Vec<String> = Clue::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let sql = format!(
        "SELECT {}, p.name FROM clues c JOIN persons p ON p.id = c.person_id
         WHERE c.state IN ('recorded', 'verified', 'reported')",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Clue::COLUMNS.len();
    let rows = stmt.query_map([], |r| Ok((Clue::from_row(r)?, r.get::<_, String>(n)?)))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Every clue.
pub fn all(conn: &Connection) -> Result<Vec<Clue>> {
    let sql = format!("SELECT {} FROM clues", Clue::COLUMNS.join(", "));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], Clue::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}
