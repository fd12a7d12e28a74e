//! Follow-up tasks (跟进任务) and the local receipts of roster imports.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::record::RecordMeta;
use crate::domain::roster::RosterStatus;
use crate::domain::task::{Task, TaskKind, TaskState};

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("tasks", column)
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl RecordTable for Task {
    const ENTITY: Entity = Entity::Task;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "kind",
        "person_id",
        "community",
        "source",
        "category",
        "approved_on",
        "roster_status",
        "case_id",
        "state",
        "done_at",
        "done_by",
        "note",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 12]>([
            Box::new(self.kind.code()),
            Box::new(&self.person_id),
            Box::new(&self.community),
            Box::new(&self.source),
            Box::new(&self.category),
            Box::new(date_text(self.approved_on)),
            Box::new(self.roster_status.map(RosterStatus::code)),
            Box::new(&self.case_id),
            Box::new(self.state.code()),
            Box::new(&self.done_at),
            Box::new(&self.done_by),
            Box::new(&self.note),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Task> {
        let kind: String = r.get(5)?;
        let approved: Option<String> = r.get(10)?;
        let roster_status: Option<String> = r.get(11)?;
        let state: String = r.get(13)?;
        Ok(Task {
            meta: meta_from_row(r)?,
            kind: TaskKind::from_code(&kind).ok_or_else(|| corrupt("kind"))?,
            person_id: r.get(6)?,
            community: r.get(7)?,
            source: r.get(8)?,
            category: r.get(9)?,
            approved_on: approved
                .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d"))
                .transpose()
                .map_err(|_| corrupt("approved_on"))?,
            roster_status: roster_status
                .map(|s| RosterStatus::from_code(&s).ok_or_else(|| corrupt("roster_status")))
                .transpose()?,
            case_id: r.get(12)?,
            state: TaskState::from_code(&state).ok_or_else(|| corrupt("state"))?,
            done_at: r.get(14)?,
            done_by: r.get(15)?,
            note: r.get(16)?,
        })
    }
}

/// The task with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Task>> {
    records::get(conn, id)
}

/// Inserts a new task and logs `task.create`.
pub fn insert(w: &mut WriteTx<'_>, t: &Task) -> Result<()> {
    records::insert(w, t, "task.create")
}

/// Saves a changed task (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, t: &Task, kind: &str) -> Result<Task> {
    records::update(w, t, kind)
}

/// True when a task already stems from this roster row of this person.
pub fn roster_row_exists(
    conn: &Connection,
    person_id: &str,
    status: RosterStatus,
    category: &str,
    approved_on: NaiveDate,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM tasks WHERE person_id = ?1 AND roster_status = ?2 AND category = ?3
                 AND approved_on = ?4",
        )?
        .query_row(
            params![
                person_id,
                status.code(),
                category,
                approved_on.format("%Y-%m-%d").to_string()
            ],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Open tasks with their person's name, oldest first (in the order made), at most `limit`.
pub fn list_open(conn: &Connection, limit: usize) -> Result<Vec<(Task, String)>> {
    let cols: Vec<String> = Task::COLUMNS.iter().map(|c| format!("t.{c}")).collect();
    let sql = format!(
        "SELECT {}, p.name FROM tasks t JOIN persons p ON p.id = t.person_id
         WHERE t.state = 'open' ORDER BY t.created_at, t.rowid LIMIT ?1",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Task::COLUMNS.len();
    let rows = stmt.query_map([limit as i64], |r| {
        Ok((Task::from_row(r)?, r.get::<_, String>(n)?))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Open tasks per community and kind.
pub fn count_open(conn: &Connection) -> Result<Vec<(String, TaskKind, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT community, kind, count(*) FROM tasks WHERE state = 'open' GROUP BY community, kind",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(1)?;
        Ok((
            r.get(0)?,
            TaskKind::from_code(&kind).ok_or_else(|| corrupt("kind"))?,
            r.get(2)?,
        ))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Number of tasks, open or done.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM tasks", [], |r| r.get(0))?)
}

/// The local receipt of one roster import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who imported.
    pub actor: String,
    /// The file's name (without its folder).
    pub file_name: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Data rows read.
    pub rows_read: i64,
    /// Rows that went in now.
    pub imported: i64,
    /// Rows imported before.
    pub already: i64,
    /// Rows refused.
    pub refused: i64,
    /// Persons created.
    pub new_persons: i64,
    /// Persons whose assistance status changed.
    pub updated: i64,
    /// Tasks created.
    pub tasks: i64,
}

/// Appends the receipt of an import, inside the import's own transaction.
pub fn record_import(w: &WriteTx<'_>, r: &ImportRecord) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO roster_imports (at, actor, file_name, sha256, rows_read, imported,
                 already, refused, new_persons, updated, tasks)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            r.at,
            r.actor,
            r.file_name,
            r.sha256,
            r.rows_read,
            r.imported,
            r.already,
            r.refused,
            r.new_persons,
            r.updated,
            r.tasks,
        ])?;
    Ok(())
}

/// Every import receipt, the newest first.
pub fn imports(conn: &Connection) -> Result<Vec<ImportRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, file_name, sha256, rows_read, imported, already, refused,
                new_persons, updated, tasks
         FROM roster_imports ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ImportRecord {
            at: r.get(0)?,
            actor: r.get(1)?,
            file_name: r.get(2)?,
            sha256: r.get(3)?,
            rows_read: r.get(4)?,
            imported: r.get(5)?,
            already: r.get(6)?,
            refused: r.get(7)?,
            new_persons: r.get(8)?,
            updated: r.get(9)?,
            tasks: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
