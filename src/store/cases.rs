//! Cases (救助服务个案).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::records::Entity;
use super::{Result, WriteTx};
use crate::domain::case::{Case, CaseState};
use crate::domain::record::RecordMeta;

const COLUMNS: [&str; 20] = [
    "id",
    "origin",
    "version",
    "created_at",
    "updated_at",
    "person_id",
    "clue_id",
    "community",
    "state",
    "state_changed_at",
    "category",
    "self_care",
    "needs",
    "survey_date",
    "survey_staff",
    "survey_findings",
    "decision_note",
    "card_no",
    "card_valid_until",
    "stop_reason",
];

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("cases", column)
}

fn date(s: Option<String>, column: &'static str) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(column)))
        .transpose()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Case> {
    let state: String = r.get(8)?;
    let needs: String = r.get(12)?;
    Ok(Case {
        meta: RecordMeta {
            id: r.get(0)?,
            origin: r.get(1)?,
            version: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
        },
        person_id: r.get(5)?,
        clue_id: r.get(6)?,
        community: r.get(7)?,
        state: CaseState::from_code(&state).ok_or_else(|| corrupt("state"))?,
        state_changed_at: r.get(9)?,
        category: r.get(10)?,
        self_care: r.get(11)?,
        needs: serde_json::from_str(&needs).map_err(|_| corrupt("needs"))?,
        survey_date: date(r.get(13)?, "survey_date")?,
        survey_staff: r.get(14)?,
        survey_findings: r.get(15)?,
        decision_note: r.get(16)?,
        card_no: r.get(17)?,
        card_valid_until: date(r.get(18)?, "card_valid_until")?,
        stop_reason: r.get(19)?,
    })
}

fn values(c: &Case) -> Vec<Box<dyn ToSql + '_>> {
    let fmt = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    vec![
        Box::new(&c.meta.id),
        Box::new(&c.meta.origin),
        Box::new(c.meta.version),
        Box::new(&c.meta.created_at),
        Box::new(&c.meta.updated_at),
        Box::new(&c.person_id),
        Box::new(&c.clue_id),
        Box::new(&c.community),
        Box::new(c.state.code()),
        Box::new(&c.state_changed_at),
        Box::new(&c.category),
        Box::new(&c.self_care),
        Box::new(serde_json::to_string(&c.needs).unwrap_or_else(|_| "[]".into())),
        Box::new(fmt(c.survey_date)),
        Box::new(&c.survey_staff),
        Box::new(&c.survey_findings),
        Box::new(&c.decision_note),
        Box::new(&c.card_no),
        Box::new(fmt(c.card_valid_until)),
        Box::new(&c.stop_reason),
    ]
}

/// The case with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Case>> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM cases WHERE id = ?1",
        COLUMNS.join(", ")
    ))?
    .query_row([id], from_row)
    .optional()
    .map_err(super::row_error)
}

/// Inserts a new case and logs `case.create`.
pub fn insert(w: &mut WriteTx<'_>, c: &Case) -> Result<()> {
    super::insert_row(w, "cases", &COLUMNS, &values(c))?;
    w.log_change("case.create", Entity::Case, &c.meta.id)
}

/// Saves a changed case (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, c: &Case, kind: &str) -> Result<Case> {
    let mut next = c.clone();
    next.meta.version += 1;
    next.meta.updated_at = w.at().to_string();
    super::update_row(w, "cases", &COLUMNS, &values(&next), c.meta.version)?;
    w.log_change(kind, Entity::Case, &next.meta.id)?;
    Ok(next)
}

/// Number of cases in each state, over the whole database.
pub fn count_by_state(conn: &Connection) -> Result<Vec<(CaseState, i64)>> {
    let mut out = Vec::new();
    for st in CaseState::ALL {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM cases WHERE state = ?1",
            [st.code()],
            |r| r.get(0),
        )?;
        out.push((st, n));
    }
    Ok(out)
}
