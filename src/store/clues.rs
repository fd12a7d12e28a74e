//! Clues (线索).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::records::Entity;
use super::{Result, WriteTx};
use crate::domain::clue::{Clue, ClueState};
use crate::domain::record::RecordMeta;

const COLUMNS: [&str; 20] = [
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

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("clues", column)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Clue> {
    let key_groups: String = r.get(8)?;
    let found_on: String = r.get(11)?;
    let state: String = r.get(12)?;
    Ok(Clue {
        meta: RecordMeta {
            id: r.get(0)?,
            origin: r.get(1)?,
            version: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
        },
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

fn values(c: &Clue) -> Vec<Box<dyn ToSql + '_>> {
    vec![
        Box::new(&c.meta.id),
        Box::new(&c.meta.origin),
        Box::new(c.meta.version),
        Box::new(&c.meta.created_at),
        Box::new(&c.meta.updated_at),
        Box::new(&c.person_id),
        Box::new(&c.community),
        Box::new(&c.difficulty),
        Box::new(serde_json::to_string(&c.key_groups).unwrap_or_else(|_| "[]".into())),
        Box::new(&c.source),
        Box::new(&c.reporter),
        Box::new(c.found_on.format("%Y-%m-%d").to_string()),
        Box::new(c.state.code()),
        Box::new(&c.recorded_by),
        Box::new(&c.verified_at),
        Box::new(&c.verify_note),
        Box::new(&c.reported_at),
        Box::new(&c.accepted_at),
        Box::new(&c.closed_at),
        Box::new(&c.close_reason),
    ]
}

/// The clue with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Clue>> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM clues WHERE id = ?1",
        COLUMNS.join(", ")
    ))?
    .query_row([id], from_row)
    .optional()
    .map_err(super::row_error)
}

/// Inserts a new clue and logs `clue.create`.
pub fn insert(w: &mut WriteTx<'_>, c: &Clue) -> Result<()> {
    super::insert_row(w, "clues", &COLUMNS, &values(c))?;
    w.log_change("clue.create", Entity::Clue, &c.meta.id)
}

/// Saves a changed clue (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, c: &Clue, kind: &str) -> Result<Clue> {
    let mut next = c.clone();
    next.meta.version += 1;
    next.meta.updated_at = w.at().to_string();
    super::update_row(w, "clues", &COLUMNS, &values(&next), c.meta.version)?;
    w.log_change(kind, Entity::Clue, &next.meta.id)?;
    Ok(next)
}

/// Number of clues in each state, over the whole database.
pub fn count_by_state(conn: &Connection) -> Result<Vec<(ClueState, i64)>> {
    let mut out = Vec::new();
    for st in ClueState::ALL {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM clues WHERE state = ?1",
            [st.code()],
            |r| r.get(0),
        )?;
        out.push((st, n));
    }
    Ok(out)
}
