//! Persons: rows, their search projection, and the rows the search index loads.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql, Transaction};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::household::Membership;
use crate::domain::id_number::{IdNumber, Sex};
use crate::domain::person::{Person, PersonFacts, PersonStatus};
use crate::domain::pinyin_keys::keys_of;
use crate::domain::record::RecordMeta;
use crate::domain::search::SearchRow;

fn corrupt(column: &'static str) -> rusqlite::Error {
    super::corrupt("persons", column)
}

fn date_of(s: Option<String>, column: &'static str) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(column)))
        .transpose()
}

impl RecordTable for Person {
    const ENTITY: Entity = Entity::Person;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "name",
        "id_number",
        "sex",
        "birth_date",
        "phone",
        "address",
        "community",
        "hukou_local",
        "assistance_status",
        "assistance_certificate",
        "self_care",
        "disability_type",
        "disability_grade",
        "disability_cert",
        "diseases",
        "lives_alone",
        "guardian_name",
        "guardian_phone",
        "emergency_contact",
        "note",
        "service_no",
        "status",
        "household_id",
        "relation",
        "merged_into",
        "status_reason",
        "guardian_status",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let f = &self.facts;
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 27]>([
            Box::new(&f.name),
            Box::new(f.id_number.as_ref().map(IdNumber::as_str)),
            Box::new(f.sex.map(Sex::code)),
            Box::new(f.birth_date.map(|d| d.format("%Y-%m-%d").to_string())),
            Box::new(&f.phone),
            Box::new(&f.address),
            Box::new(&f.community),
            Box::new(f.hukou_local),
            Box::new(&f.assistance_status),
            Box::new(&f.assistance_certificate),
            Box::new(&f.self_care),
            Box::new(&f.disability_type),
            Box::new(&f.disability_grade),
            Box::new(&f.disability_cert),
            Box::new(&f.diseases),
            Box::new(f.lives_alone),
            Box::new(&f.guardian_name),
            Box::new(&f.guardian_phone),
            Box::new(&f.emergency_contact),
            Box::new(&f.note),
            Box::new(&self.service_no),
            Box::new(self.status.code()),
            Box::new(self.household.as_ref().map(|m| m.household_id.as_str())),
            Box::new(self.household.as_ref().map(|m| m.relation.as_str())),
            Box::new(&self.merged_into),
            Box::new(&self.status_reason),
            Box::new(&f.guardian_status),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
        let id_number: Option<String> = r.get(6)?;
        let id_number = id_number
            .map(IdNumber::try_from)
            .transpose()
            .map_err(|_| corrupt("id_number"))?;
        let sex: Option<String> = r.get(7)?;
        let status: String = r.get(26)?;
        let household_id: Option<String> = r.get(27)?;
        let relation: Option<String> = r.get(28)?;
        let household = match (household_id, relation) {
            (Some(household_id), Some(relation)) => Some(Membership {
                household_id,
                relation,
            }),
            (None, None) => None,
            _ => return Err(corrupt("relation")),
        };
        Ok(Person {
            meta: meta_from_row(r)?,
            facts: PersonFacts {
                name: r.get(5)?,
                id_number,
                sex: sex.as_deref().and_then(Sex::from_code),
                birth_date: date_of(r.get(8)?, "birth_date")?,
                phone: r.get(9)?,
                address: r.get(10)?,
                community: r.get(11)?,
                hukou_local: r.get(12)?,
                assistance_status: r.get(13)?,
                assistance_certificate: r.get(14)?,
                self_care: r.get(15)?,
                disability_type: r.get(16)?,
                disability_grade: r.get(17)?,
                disability_cert: r.get(18)?,
                diseases: r.get(19)?,
                lives_alone: r.get(20)?,
                guardian_name: r.get(21)?,
                guardian_phone: r.get(22)?,
                guardian_status: r.get(31)?,
                emergency_contact: r.get(23)?,
                note: r.get(24)?,
            },
            service_no: r.get(25)?,
            status: PersonStatus::from_code(&status).ok_or_else(|| corrupt("status"))?,
            household,
            merged_into: r.get(29)?,
            status_reason: r.get(30)?,
        })
    }
}

/// The person with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Person>> {
    records::get(conn, id)
}

/// The record id of the person holding ID number `id_number`.
pub fn id_by_id_number(conn: &Connection, id_number: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM persons WHERE id_number = ?1")?
        .query_row([id_number], |r| r.get(0))
        .optional()?)
}

/// The columns of a person the search projection is made from.
struct SearchFields<'a> {
    id: &'a str,
    name: &'a str,
    id_number: Option<&'a str>,
    phone: Option<&'a str>,
    service_no: Option<&'a str>,
    community: &'a str,
    status: &'a str,
}

/// Writes the person's row of the search projection (derived, so not in the change log).
fn write_search_row(conn: &Connection, p: &Person) -> Result<()> {
    write_search_fields(
        conn,
        &SearchFields {
            id: &p.meta.id,
            name: &p.facts.name,
            id_number: p.facts.id_number.as_ref().map(IdNumber::as_str),
            phone: p.facts.phone.as_deref(),
            service_no: p.service_no.as_deref(),
            community: &p.facts.community,
            status: p.status.code(),
        },
    )
}

fn write_search_fields(conn: &Connection, f: &SearchFields<'_>) -> Result<()> {
    let (initials, full) = keys_of(f.name).joined();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO person_search
             (person_id, name, initials, full, id_number, phone, service_no, community, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        f.id,
        f.name,
        initials,
        full,
        f.id_number,
        f.phone,
        f.service_no,
        f.community,
        f.status,
    ])?;
    Ok(())
}

/// Rewrites person `id`'s row of the search projection from the stored record (after a
/// record arrived in a bundle).
pub fn reindex(conn: &Connection, id: &str) -> Result<()> {
    match get(conn, id)? {
        Some(p) => write_search_row(conn, &p),
        None => Ok(()),
    }
}

/// Inserts a new person and logs `person.create`.
pub fn insert(w: &mut WriteTx<'_>, p: &Person) -> Result<()> {
    records::insert(w, p, "person.create")?;
    write_search_row(w.conn(), p)
}

/// Saves a changed person (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, p: &Person, kind: &str) -> Result<Person> {
    let next = records::update(w, p, kind)?;
    write_search_row(w.conn(), &next)?;
    Ok(next)
}

/// Rebuilds the search projection of every person (migration step and repair). It reads only
/// the columns the projection needs, which every schema since the first has, so it runs as
/// the data step of an early migration before later columns exist.
pub fn rebuild_search_keys(tx: &Transaction<'_>) -> Result<()> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Row> = tx
        .prepare("SELECT id, name, id_number, phone, service_no, community, status FROM persons")?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?;
    for (id, name, id_number, phone, service_no, community, status) in &rows {
        write_search_fields(
            tx,
            &SearchFields {
                id,
                name,
                id_number: id_number.as_deref(),
                phone: phone.as_deref(),
                service_no: service_no.as_deref(),
                community,
                status,
            },
        )?;
    }
    Ok(())
}

/// Calls `f` with every person as the search index holds them: one scan of the narrow
/// projection, row by row, so the rows never sit in memory all at once.
pub fn for_each_search_row(conn: &Connection, mut f: impl FnMut(SearchRow)) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT person_id, name, initials, full, id_number, phone, service_no, community, status
         FROM person_search",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let status: String = r.get(8)?;
        f(SearchRow {
            id: r.get(0)?,
            name: r.get(1)?,
            initials: r.get(2)?,
            full: r.get(3)?,
            id_number: r.get(4)?,
            phone: r.get(5)?,
            service_no: r.get(6)?,
            community: r.get(7)?,
            status: PersonStatus::from_code(&status).ok_or(super::StoreError::Corrupt {
                table: "person_search",
                column: "status",
            })?,
        });
    }
    Ok(())
}

/// Number of persons.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM persons", [], |r| r.get(0))?)
}

/// Number of persons per community.
pub fn count_by_community(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT community, count(*) FROM persons GROUP BY community")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Persons of `community` not cancelled who share the birth date or the phone given: the
/// people a new record may duplicate (names are compared by the caller).
pub fn same_birth_or_phone(
    conn: &Connection,
    community: &str,
    birth_date: Option<NaiveDate>,
    phone: Option<&str>,
) -> Result<Vec<Person>> {
    let sql = format!(
        "SELECT {} FROM persons
         WHERE community = ?1 AND status <> 'cancelled'
           AND ((?2 IS NOT NULL AND birth_date = ?2) OR (?3 IS NOT NULL AND phone = ?3))
         ORDER BY name, id",
        Person::COLUMNS.join(", ")
    );
    let birth = birth_date.map(|d| d.format("%Y-%m-%d").to_string());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![community, birth, phone], Person::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The members of household `household_id`, in no particular order.
pub fn members_of(conn: &Connection, household_id: &str) -> Result<Vec<Person>> {
    let sql = format!(
        "SELECT {} FROM persons WHERE household_id = ?1 ORDER BY name, id",
        Person::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([household_id], Person::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}
