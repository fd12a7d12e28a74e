//! The raw counts behind 统计报表: aggregate queries over one period, read row by row so a
//! year of a district's service records never sits in memory at once.

use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, Row};

use super::{day_text, Result};

/// One recorded service as the statistics count it, borrowed from the row being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceFact<'a> {
    /// The day served (`YYYY-MM-DD`).
    pub served_on: &'a str,
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

fn text<'r>(
    row: &'r Row<'_>,
    i: usize,
    table: &'static str,
    column: &'static str,
) -> rusqlite::Result<&'r str> {
    match row.get_ref(i)? {
        ValueRef::Text(t) => std::str::from_utf8(t).map_err(|_| super::corrupt(table, column)),
        _ => Err(super::corrupt(table, column)),
    }
}

/// A period's services: the covering index `services_month` answers it alone.
const SERVICES_BETWEEN: &str =
    "SELECT case_id, provider_id, item, minutes, confirmed, satisfaction, served_on
       FROM services
      WHERE served_on BETWEEN ?1 AND ?2";

/// Calls `each` for every service served from `from` to `to` (both included), read from the
/// covering index `services_month`.
pub fn services_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    each: &mut dyn FnMut(ServiceFact<'_>),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(SERVICES_BETWEEN)?;
    let mut rows = stmt.query(params![day_text(from), day_text(to)])?;
    while let Some(r) = rows.next()? {
        let satisfaction = match r.get_ref(5)? {
            ValueRef::Null => None,
            _ => Some(text(r, 5, "services", "satisfaction")?),
        };
        each(ServiceFact {
            served_on: text(r, 6, "services", "served_on")?,
            case_id: text(r, 0, "services", "case_id")?,
            provider_id: text(r, 1, "services", "provider_id")?,
            item: text(r, 2, "services", "item")?,
            minutes: r.get(3)?,
            confirmed: r.get::<_, i64>(4)? != 0,
            satisfaction,
        });
    }
    Ok(())
}

/// Calls `each` with every case's id, community and person: one pass, where a join would
/// look each case up again for every one of its services.
pub fn case_communities(conn: &Connection, each: &mut dyn FnMut(&str, &str, &str)) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT id, community, person_id FROM cases")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(
            text(r, 0, "cases", "id")?,
            text(r, 1, "cases", "community")?,
            text(r, 2, "cases", "person_id")?,
        );
    }
    Ok(())
}

/// One change-log entry of a case's service state or community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEntry {
    /// The case.
    pub case_id: String,
    /// Its order of arrival here: a case's entries in this order are its history.
    pub local_order: i64,
    /// The state the entry left the case in (a `CaseState` code).
    pub state: String,
    /// When that state began (stored instant).
    pub state_changed_at: String,
    /// The community the entry left the case in.
    pub community: String,
    /// When the entry was written (stored instant): the time of a move.
    pub at: String,
}

/// The case entries of the partial index `change_log_case_timeline`: the terms repeat the
/// index's own, so the planner reads that index and not the change log's records.
const CASE_TIMELINE: &str = "SELECT record_id, local_order, json_extract(record, '$.state'),
            json_extract(record, '$.state_changed_at'), json_extract(record, '$.community'), at
       FROM change_log
      WHERE entity = 'case' AND applied = 1
        AND kind IN ('case.issue_card', 'case.suspend', 'case.resume', 'case.stop',
                     'case.transfer', 'case.merge', 'case.accept_received', 'case.keep_local')";

/// Every entry that changed a case's service state or community, each case's in order,
/// read from the partial index `change_log_case_timeline`.
pub fn case_timeline(conn: &Connection) -> Result<Vec<CaseEntry>> {
    let mut stmt = conn.prepare_cached(CASE_TIMELINE)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (case_id, local_order, state, changed, community, at) =
            row.map_err(super::row_error)?;
        // Every case record has these fields; an entry without them is not counted.
        if let (Some(state), Some(state_changed_at), Some(community)) = (state, changed, community)
        {
            out.push(CaseEntry {
                case_id,
                local_order,
                state,
                state_changed_at,
                community,
                at,
            });
        }
    }
    out.sort_by(|a, b| {
        a.case_id
            .cmp(&b.case_id)
            .then(a.local_order.cmp(&b.local_order))
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The query plan of `sql` as one text.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let unbound = vec![rusqlite::types::Null; stmt.parameter_count()];
        let rows = stmt
            .query_map(rusqlite::params_from_iter(unbound), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn the_statistics_read_their_indexes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = super::super::Store::open(
            &dir.path().join("s.db"),
            &super::super::OpenOptions {
                create: true,
                ..Default::default()
            },
        )
        .unwrap();
        let conn = store.conn();
        let services = plan(conn, SERVICES_BETWEEN);
        assert!(
            services.contains("COVERING INDEX services_month"),
            "{services}"
        );
        let timeline = plan(conn, CASE_TIMELINE);
        assert!(timeline.contains("change_log_case_timeline"), "{timeline}");
    }
}
