//! Registrations and service records (温情服务).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::record::RecordMeta;
use crate::domain::service::{Registration, Satisfaction, ServiceRecord};

fn date(s: String, table: &'static str, column: &'static str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| super::corrupt(table, column))
}

impl RecordTable for Registration {
    const ENTITY: Entity = Entity::Registration;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "provider_id",
        "case_id",
        "card_no",
        "registered_on",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 4]>([
            Box::new(&self.provider_id),
            Box::new(&self.case_id),
            Box::new(&self.card_no),
            Box::new(self.registered_on.format("%Y-%m-%d").to_string()),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Registration> {
        Ok(Registration {
            meta: meta_from_row(r)?,
            provider_id: r.get(5)?,
            case_id: r.get(6)?,
            card_no: r.get(7)?,
            registered_on: date(r.get(8)?, "registrations", "registered_on")?,
        })
    }
}

impl RecordTable for ServiceRecord {
    const ENTITY: Entity = Entity::Service;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "registration_id",
        "case_id",
        "provider_id",
        "item",
        "served_on",
        "minutes",
        "served_by",
        "content",
        "confirmed",
        "satisfaction",
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
            Box::new(&self.registration_id),
            Box::new(&self.case_id),
            Box::new(&self.provider_id),
            Box::new(&self.item),
            Box::new(self.served_on.format("%Y-%m-%d").to_string()),
            Box::new(self.minutes),
            Box::new(&self.served_by),
            Box::new(&self.content),
            Box::new(self.confirmed),
            Box::new(self.satisfaction.map(Satisfaction::code)),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<ServiceRecord> {
        let satisfaction: Option<String> = r.get(14)?;
        Ok(ServiceRecord {
            meta: meta_from_row(r)?,
            registration_id: r.get(5)?,
            case_id: r.get(6)?,
            provider_id: r.get(7)?,
            item: r.get(8)?,
            served_on: date(r.get(9)?, "services", "served_on")?,
            minutes: r.get(10)?,
            served_by: r.get(11)?,
            content: r.get(12)?,
            confirmed: r.get(13)?,
            satisfaction: satisfaction.as_deref().and_then(Satisfaction::from_code),
        })
    }
}

/// The registration of `case_id` with `provider_id`, if the provider registered the recipient.
pub fn registration(
    conn: &Connection,
    provider_id: &str,
    case_id: &str,
) -> Result<Option<Registration>> {
    let sql = format!(
        "SELECT {} FROM registrations WHERE provider_id = ?1 AND case_id = ?2",
        Registration::COLUMNS.join(", ")
    );
    conn.prepare_cached(&sql)?
        .query_row([provider_id, case_id], Registration::from_row)
        .optional()
        .map_err(super::row_error)
}

/// Inserts a registration and logs `registration.create`.
pub fn insert_registration(w: &mut WriteTx<'_>, r: &Registration) -> Result<()> {
    records::insert(w, r, "registration.create")
}

/// Inserts a service record and logs `service.create`.
pub fn insert_service(w: &mut WriteTx<'_>, s: &ServiceRecord) -> Result<()> {
    records::insert(w, s, "service.create")
}

/// The service records of a case, oldest first.
pub fn of_case(conn: &Connection, case_id: &str) -> Result<Vec<ServiceRecord>> {
    let sql = format!(
        "SELECT {} FROM services WHERE case_id = ?1 ORDER BY served_on, created_at",
        ServiceRecord::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([case_id], ServiceRecord::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The service records of provider `provider_id` served `from` to `to` (both included), each
/// with its case's community, by day then as recorded.
pub fn of_provider_between(
    conn: &Connection,
    provider_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(ServiceRecord, String)>> {
    let cols: Vec<String> = ServiceRecord::COLUMNS
        .iter()
        .map(|c| format!("s.{c}"))
        .collect();
    let sql = format!(
        "SELECT {}, c.community FROM services s JOIN cases c ON c.id = s.case_id
         WHERE s.provider_id = ?1 AND s.served_on BETWEEN ?2 AND ?3
         ORDER BY s.served_on, s.created_at, s.id",
        cols.join(", ")
    );
    let n = ServiceRecord::COLUMNS.len();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![provider_id, super::day_text(from), super::day_text(to)],
        |r| Ok((ServiceRecord::from_row(r)?, r.get::<_, String>(n)?)),
    )?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// How many services each case received of each item between `from` and `to` (both
/// included): ((case id, item), count).
pub fn counts_by_case_item(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<std::collections::HashMap<(String, String), i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, item, count(*) FROM services WHERE served_on BETWEEN ?1 AND ?2
         GROUP BY case_id, item",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![super::day_text(from), super::day_text(to)],
        |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// Number of service records of people in `community` (every community when `None`).
pub fn count_in(
    conn: &Connection,
    community: Option<&str>,
    since: Option<NaiveDate>,
) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM services s JOIN cases c ON c.id = s.case_id
         WHERE (?1 IS NULL OR c.community = ?1) AND (?2 IS NULL OR s.served_on >= ?2)",
        rusqlite::params![community, since.map(|d| d.format("%Y-%m-%d").to_string())],
        |r| r.get(0),
    )?)
}

/// The `n`-th service record (0-based, in id order) of people in `community`: with a random
/// `n` below [`count_in`], a uniform draw for an inspection.
pub fn nth_in(
    conn: &Connection,
    community: Option<&str>,
    since: Option<NaiveDate>,
    n: i64,
) -> Result<Option<ServiceRecord>> {
    let cols: Vec<String> = ServiceRecord::COLUMNS
        .iter()
        .map(|c| format!("s.{c}"))
        .collect();
    let sql = format!(
        "SELECT {} FROM services s JOIN cases c ON c.id = s.case_id
         WHERE (?1 IS NULL OR c.community = ?1) AND (?3 IS NULL OR s.served_on >= ?3)
         ORDER BY s.id LIMIT 1 OFFSET ?2",
        cols.join(", ")
    );
    conn.prepare_cached(&sql)?
        .query_row(
            rusqlite::params![
                community,
                n,
                since.map(|d| d.format("%Y-%m-%d").to_string())
            ],
            ServiceRecord::from_row,
        )
        .optional()
        .map_err(super::row_error)
}

/// The service record with id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<ServiceRecord>> {
    records::get(conn, id)
}

/// The day of each case's first recorded service.
pub fn first_served(conn: &Connection) -> Result<Vec<(String, NaiveDate)>> {
    let mut stmt =
        conn.prepare_cached("SELECT case_id, min(served_on) FROM services GROUP BY case_id")?;
    let rows = stmt.query_map([], |r| {
        let day: String = r.get(1)?;
        Ok((
            r.get::<_, String>(0)?,
            NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|_| super::corrupt("services", "served_on"))?,
        ))
    })?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// One recipient a provider has registered: their name, community, card and the case's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub community: String,
    pub card_no: String,
    pub registered_on: String,
    pub case_state: String,
}

/// The recipients provider `provider_id` has registered, by the pinyin of the name.
pub fn recipients_of(conn: &Connection, provider_id: &str) -> Result<Vec<Recipient>> {
    let mut stmt = conn.prepare(
        "SELECT p.name, k.community, r.card_no, r.registered_on, k.state
         FROM registrations r JOIN cases k ON k.id = r.case_id JOIN persons p ON p.id = k.person_id
         WHERE r.provider_id = ?1 ORDER BY p.name, r.card_no",
    )?;
    let rows = stmt.query_map([provider_id], |r| {
        Ok(Recipient {
            name: r.get(0)?,
            community: r.get(1)?,
            card_no: r.get(2)?,
            registered_on: r.get(3)?,
            case_state: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
