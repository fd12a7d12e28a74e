//! Cases (救助服务个案).

use chrono::NaiveDate;
use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::case::{Case, CaseState, SurveyHousehold};
use crate::domain::money::Fen;
use crate::domain::record::RecordMeta;

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("cases", column)
}

fn date(s: Option<String>, column: &'static str) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(column)))
        .transpose()
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl RecordTable for Case {
    const ENTITY: Entity = Entity::Case;
    const COLUMNS: &'static [&'static str] = &[
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
        "plan",
        "card_version",
        "reviewed_on",
        "assessed_by",
        "decided_by",
        "decided_on",
        "decided_by_assessor",
        "survey_staff2",
        "household_size",
        "monthly_income_fen",
        "housing",
        "care_situation",
        "review_outcome",
        "review_note",
        "reviewed_by",
        "suspend_reason",
        "suspended_on",
        "resume_expected",
        "stopped_on",
        "stop_note",
        "withdraw_reason",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        let h = &self.household;
        v.extend::<[Box<dyn ToSql + '_>; 36]>([
            Box::new(&self.person_id),
            Box::new(&self.clue_id),
            Box::new(&self.community),
            Box::new(self.state.code()),
            Box::new(&self.state_changed_at),
            Box::new(&self.category),
            Box::new(&self.self_care),
            Box::new(serde_json::to_string(&self.needs).unwrap_or_else(|_| "[]".into())),
            Box::new(date_text(self.survey_date)),
            Box::new(&self.survey_staff),
            Box::new(&self.survey_findings),
            Box::new(&self.decision_note),
            Box::new(&self.card_no),
            Box::new(date_text(self.card_valid_until)),
            Box::new(&self.stop_reason),
            Box::new(serde_json::to_string(&self.plan).unwrap_or_else(|_| "[]".into())),
            Box::new(self.card_version),
            Box::new(date_text(self.reviewed_on)),
            Box::new(&self.assessed_by),
            Box::new(&self.decided_by),
            Box::new(date_text(self.decided_on)),
            Box::new(self.decided_by_assessor),
            Box::new(&h.second_investigator),
            Box::new(h.size),
            Box::new(h.monthly_income.map(|f| f.0)),
            Box::new(&h.housing),
            Box::new(&h.care),
            Box::new(&self.review_outcome),
            Box::new(&self.review_note),
            Box::new(&self.reviewed_by),
            Box::new(&self.suspend_reason),
            Box::new(date_text(self.suspended_on)),
            Box::new(date_text(self.resume_expected)),
            Box::new(date_text(self.stopped_on)),
            Box::new(&self.stop_note),
            Box::new(&self.withdraw_reason),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Case> {
        let state: String = r.get(8)?;
        let needs: String = r.get(12)?;
        let plan: String = r.get(20)?;
        Ok(Case {
            meta: meta_from_row(r)?,
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
            plan: serde_json::from_str(&plan).map_err(|_| corrupt("plan"))?,
            card_version: r.get(21)?,
            reviewed_on: date(r.get(22)?, "reviewed_on")?,
            assessed_by: r.get(23)?,
            decided_by: r.get(24)?,
            decided_on: date(r.get(25)?, "decided_on")?,
            decided_by_assessor: r.get(26)?,
            household: SurveyHousehold {
                second_investigator: r.get(27)?,
                size: r.get(28)?,
                monthly_income: r.get::<_, Option<i64>>(29)?.map(Fen),
                housing: r.get(30)?,
                care: r.get(31)?,
            },
            review_outcome: r.get(32)?,
            review_note: r.get(33)?,
            reviewed_by: r.get(34)?,
            suspend_reason: r.get(35)?,
            suspended_on: date(r.get(36)?, "suspended_on")?,
            resume_expected: date(r.get(37)?, "resume_expected")?,
            stopped_on: date(r.get(38)?, "stopped_on")?,
            stop_note: r.get(39)?,
            withdraw_reason: r.get(40)?,
        })
    }
}

/// The case with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Case>> {
    records::get(conn, id)
}

/// Inserts a new case and logs `case.create`.
pub fn insert(w: &mut WriteTx<'_>, c: &Case) -> Result<()> {
    records::insert(w, c, "case.create")
}

/// Saves a changed case (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, c: &Case, kind: &str) -> Result<Case> {
    records::update(w, c, kind)
}

/// Cases with the name of their person, most recently changed first, optionally of one
/// state only.
pub fn list(
    conn: &Connection,
    state: Option<CaseState>,
    limit: usize,
) -> Result<Vec<(Case, String)>> {
    let cols: Vec<String> = Case::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let sql = format!(
        "SELECT {}, p.name FROM cases c JOIN persons p ON p.id = c.person_id
         WHERE (?1 IS NULL OR c.state = ?1)
         ORDER BY c.state_changed_at DESC LIMIT ?2",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Case::COLUMNS.len();
    let rows = stmt.query_map(
        rusqlite::params![state.map(CaseState::code), limit as i64],
        |r| Ok((Case::from_row(r)?, r.get::<_, String>(n)?)),
    )?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The case holding service card `card_no`.
pub fn by_card(conn: &Connection, card_no: &str) -> Result<Option<Case>> {
    let sql = format!(
        "SELECT {} FROM cases WHERE card_no = ?1",
        Case::COLUMNS.join(", ")
    );
    use rusqlite::OptionalExtension;
    conn.prepare_cached(&sql)?
        .query_row([card_no], Case::from_row)
        .optional()
        .map_err(super::row_error)
}

/// Every case of person `person_id`, the most recently changed first.
pub fn of_person(conn: &Connection, person_id: &str) -> Result<Vec<Case>> {
    let sql = format!(
        "SELECT {} FROM cases WHERE person_id = ?1 ORDER BY state_changed_at DESC",
        Case::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([person_id], Case::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Number of cases per (community, state).
pub fn count_by_community_and_state(conn: &Connection) -> Result<Vec<(String, CaseState, i64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT community, state, count(*) FROM cases GROUP BY community, state")?;
    let rows = stmt.query_map([], |r| {
        let state: String = r.get(1)?;
        Ok((
            r.get::<_, String>(0)?,
            CaseState::from_code(&state).ok_or_else(|| corrupt("state"))?,
            r.get(2)?,
        ))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Cases in service, optionally of one community, in the order of their persons' service
/// numbers (persons without one last, by name).
pub fn in_service(conn: &Connection, community: Option<&str>) -> Result<Vec<Case>> {
    let cols: Vec<String> = Case::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let sql = format!(
        "SELECT {} FROM cases c JOIN persons p ON p.id = c.person_id
         WHERE c.state = 'in_service' AND (?1 IS NULL OR c.community = ?1)
         ORDER BY p.service_no IS NULL, p.service_no, p.name",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([community], Case::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The case opened from clue `clue_id`, if it was accepted.
pub fn of_clue(conn: &Connection, clue_id: &str) -> Result<Option<Case>> {
    let sql = format!(
        "SELECT {} FROM cases WHERE clue_id = ?1 ORDER BY created_at DESC LIMIT 1",
        Case::COLUMNS.join(", ")
    );
    use rusqlite::OptionalExtension;
    conn.prepare_cached(&sql)?
        .query_row([clue_id], Case::from_row)
        .optional()
        .map_err(super::row_error)
}

/// Which cases in service may be waiting: reviewed (or carded) on or before `reviewed_by`, or
/// with a card ending on or before `card_ends_by`. The caller decides exactly; this only
/// leaves out those that cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceDue {
    /// The last review day whose next review is due by today.
    pub reviewed_by: NaiveDate,
    /// The last card day within the warning window today.
    pub card_ends_by: NaiveDate,
    /// The last expected resume day of a suspension that is due (today).
    pub resume_by: NaiveDate,
}

/// Cases waiting for a step or, in service, for their review or card renewal, or suspended
/// past their expected resume, with the name of their person.
pub fn for_each_waiting(
    conn: &Connection,
    due: &ServiceDue,
    mut f: impl FnMut(Case, String) -> Result<()>,
) -> Result<()> {
    let cols: Vec<String> = Case::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    // A case in service waits only when its review or its card's end is near: most of a
    // district's are not, and are left out before their person's name is looked up.
    let sql = format!(
        "SELECT {}, p.name FROM cases c JOIN persons p ON p.id = c.person_id
         WHERE c.state IN ('accepted', 'surveyed', 'assessed', 'approved')
            OR (c.state = 'in_service'
                AND (coalesce(c.reviewed_on, date(c.card_valid_until, '-{} days')) <= ?1
                     OR c.card_valid_until <= ?2))
            OR (c.state = 'suspended' AND c.resume_expected <= ?3)",
        cols.join(", "),
        crate::domain::case::CARD_VALID_DAYS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Case::COLUMNS.len();
    // One row at a time: a district has tens of thousands of cases in service, and holding
    // them all at once only to pick the few waiting would be most of the program's memory.
    let mut rows = stmt.query([
        due.reviewed_by.format("%Y-%m-%d").to_string(),
        due.card_ends_by.format("%Y-%m-%d").to_string(),
        due.resume_by.format("%Y-%m-%d").to_string(),
    ])?;
    while let Some(r) = rows.next()? {
        let case = Case::from_row(r).map_err(super::row_error)?;
        let name: String = r.get(n)?;
        f(case, name)?;
    }
    Ok(())
}

/// Every case with, for one opened from a clue, when that clue was accepted (the start of
/// the case's clock; the case record itself may have been made later, by an import).
pub fn all_with_acceptance(conn: &Connection) -> Result<Vec<(Case, Option<String>)>> {
    let cols: Vec<String> = Case::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let sql = format!(
        "SELECT {}, l.accepted_at FROM cases c LEFT JOIN clues l ON l.id = c.clue_id",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Case::COLUMNS.len();
    let rows = stmt.query_map([], |r| Ok((Case::from_row(r)?, r.get(n)?)))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// When each case was first decided (approved or denied) and first carded, from the change
/// log: the `state_changed_at` of the record as each step left it (a step recorded later,
/// or replayed from another workstation, keeps the time it happened). Rows of
/// (case id, step kind, time).
pub fn step_times(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT record_id, kind, min(json_extract(record, '$.state_changed_at')) FROM change_log
         WHERE entity = 'case' AND applied = 1
           AND kind IN ('case.approve', 'case.deny', 'case.issue_card')
         GROUP BY record_id, kind",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, at) = row?;
        if let Some(at) = at {
            out.push((id, kind, at));
        }
    }
    Ok(out)
}

/// Cases in service whose person's assistance status was cancelled (救助身份 注销, by the
/// roster or by hand: a follow-up task of a cancellation names the case) and has not come
/// back, with the person's name and the time of the latest such cancellation.
pub fn in_service_without_assistance(conn: &Connection) -> Result<Vec<(Case, String, String)>> {
    let cols: Vec<String> = Case::COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let sql = format!(
        "SELECT {}, p.name, max(t.created_at) FROM tasks t
           JOIN cases c ON c.id = t.case_id
           JOIN persons p ON p.id = c.person_id
         WHERE t.roster_status = 'cancelled' AND c.state = 'in_service'
           AND p.assistance_status = 'none'
         GROUP BY c.id
         ORDER BY c.created_at, c.id",
        cols.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let n = Case::COLUMNS.len();
    let rows = stmt.query_map([], |r| Ok((Case::from_row(r)?, r.get(n)?, r.get(n + 1)?)))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The latest time a case of `community` changed state after `after` (RFC 3339), if any.
pub fn last_state_change_after(
    conn: &Connection,
    community: &str,
    after: &str,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT max(state_changed_at) FROM cases WHERE community = ?1 AND state_changed_at > ?2",
        )?
        .query_row([community, after], |r| r.get(0))?)
}

/// The record ids of the cases in service, by community.
pub fn in_service_ids_by_community(
    conn: &Connection,
) -> Result<std::collections::HashMap<String, Vec<String>>> {
    let mut stmt =
        conn.prepare_cached("SELECT community, id FROM cases WHERE state = 'in_service'")?;
    let mut rows = stmt.query([])?;
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    Ok(out)
}
