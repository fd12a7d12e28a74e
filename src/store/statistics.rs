//! The raw counts behind 统计报表: aggregate queries over one period, read row by row so a
//! year of a district's service records never sits in memory at once.

use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, Row};

use super::Result;

/// One recorded service as the statistics count it, borrowed from the row being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceFact<'a> {
    /// The community of the recipient's case.
    pub community: &'a str,
    /// The case served.
    pub case_id: &'a str,
    /// Who served.
    pub provider_id: &'a str,
    /// The service item code.
    pub item: &'a str,
    /// How long it took.
    pub minutes: i64,
    /// The recipient confirmed it.
    pub confirmed: bool,
    /// The recipient's rating code, when given.
    pub satisfaction: Option<&'a str>,
}

fn text<'r>(row: &'r Row<'_>, i: usize, column: &'static str) -> rusqlite::Result<&'r str> {
    match row.get_ref(i)? {
        ValueRef::Text(t) => std::str::from_utf8(t).map_err(|_| super::corrupt("services", column)),
        _ => Err(super::corrupt("services", column)),
    }
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Calls `each` for every service served from `from` to `to` (both included).
pub fn services_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    each: &mut dyn FnMut(ServiceFact<'_>),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.community, s.case_id, s.provider_id, s.item, s.minutes, s.confirmed,
                s.satisfaction
           FROM services s JOIN cases c ON c.id = s.case_id
          WHERE s.served_on BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![day_text(from), day_text(to)])?;
    while let Some(r) = rows.next()? {
        let satisfaction = match r.get_ref(6)? {
            ValueRef::Null => None,
            _ => Some(text(r, 6, "satisfaction")?),
        };
        each(ServiceFact {
            community: text(r, 0, "community")?,
            case_id: text(r, 1, "case_id")?,
            provider_id: text(r, 2, "provider_id")?,
            item: text(r, 3, "item")?,
            minutes: r.get(4)?,
            confirmed: r.get::<_, i64>(5)? != 0,
            satisfaction,
        });
    }
    Ok(())
}

/// One change of a case's service state, from the change log: which case, its community
/// now, the kind (`case.issue_card`, `case.suspend`, `case.resume`, `case.stop`) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTransition {
    /// The case.
    pub case_id: String,
    /// Its community now.
    pub community: String,
    /// The change-log kind.
    pub kind: String,
    /// The instant the state changed (stored text).
    pub at: String,
}

/// Every change into, out of or back into service, oldest first.
pub fn service_transitions(conn: &Connection) -> Result<Vec<ServiceTransition>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.record_id, c.community, l.kind, json_extract(l.record, '$.state_changed_at')
           FROM change_log l JOIN cases c ON c.id = l.record_id
          WHERE l.entity = 'case' AND l.applied = 1
            AND l.kind IN ('case.issue_card', 'case.suspend', 'case.resume', 'case.stop')
          ORDER BY l.seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (case_id, community, kind, at) = row.map_err(super::row_error)?;
        if let Some(at) = at {
            out.push(ServiceTransition {
                case_id,
                community,
                kind,
                at,
            });
        }
    }
    Ok(out)
}

/// How many rows of `table` per community have `column` (a day) from `from` to `to`.
fn count_by_community(
    conn: &Connection,
    table: &'static str,
    column: &'static str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, u64)>> {
    // Both names are this module's constants, never input.
    let sql = format!(
        "SELECT community, count(*) FROM {table} WHERE {column} BETWEEN ?1 AND ?2
          GROUP BY community"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![day_text(from), day_text(to)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Clues found per community in the period.
pub fn clues_found(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, u64)>> {
    count_by_community(conn, "clues", "found_on", from, to)
}

/// Complaints and objections received per community in the period.
pub fn complaints_received(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, u64)>> {
    count_by_community(conn, "complaints", "received_on", from, to)
}

/// The community and closing instant (stored text) of every closed complaint.
pub fn complaints_closed(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT community, closed_at FROM complaints WHERE closed_at IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Inspections per community in the period: how many, and how many found the service
/// delivered as recorded (`good`).
pub fn inspections(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT community, count(*), sum(result = 'good') FROM inspections
          WHERE inspected_on BETWEEN ?1 AND ?2 GROUP BY community",
    )?;
    let rows = stmt.query_map(params![day_text(from), day_text(to)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?.max(0) as u64,
            r.get::<_, i64>(2)?.max(0) as u64,
        ))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}
