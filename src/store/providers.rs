//! Providers (服务供给主体).

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::provider::{Provider, Qualification};
use crate::domain::record::RecordMeta;

impl RecordTable for Provider {
    const ENTITY: Entity = Entity::Provider;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "name",
        "kind",
        "items",
        "contact",
        "phone",
        "area",
        "active",
        "credit_code",
        "qualification_kind",
        "qualification_no",
        "qualification_valid_until",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        let q = &self.qualification;
        v.extend::<[Box<dyn ToSql + '_>; 11]>([
            Box::new(&self.name),
            Box::new(&self.kind),
            Box::new(serde_json::to_string(&self.items).unwrap_or_else(|_| "[]".into())),
            Box::new(&self.contact),
            Box::new(&self.phone),
            Box::new(&self.area),
            Box::new(self.active),
            Box::new(&q.credit_code),
            Box::new(&q.kind),
            Box::new(&q.number),
            Box::new(q.valid_until.map(super::day_text)),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Provider> {
        let items: String = r.get(7)?;
        Ok(Provider {
            meta: meta_from_row(r)?,
            name: r.get(5)?,
            kind: r.get(6)?,
            items: serde_json::from_str(&items)
                .map_err(|_| super::corrupt("providers", "items"))?,
            contact: r.get(8)?,
            phone: r.get(9)?,
            area: r.get(10)?,
            active: r.get(11)?,
            qualification: Qualification {
                credit_code: r.get(12)?,
                kind: r.get(13)?,
                number: r.get(14)?,
                valid_until: super::opt_day(r.get(15)?, "providers", "qualification_valid_until")?,
            },
        })
    }
}

/// The provider with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Provider>> {
    records::get(conn, id)
}

/// Inserts a new provider and logs `provider.create`.
pub fn insert(w: &mut WriteTx<'_>, p: &Provider) -> Result<()> {
    records::insert(w, p, "provider.create")
}

/// Saves a changed provider (optimistic on version).
pub fn update(w: &mut WriteTx<'_>, p: &Provider) -> Result<Provider> {
    records::update(w, p, "provider.update")
}

/// Every provider, active first, by the pinyin of the name (as Chinese lists are sorted).
pub fn list(conn: &Connection) -> Result<Vec<Provider>> {
    let sql = format!(
        "SELECT {} FROM providers ORDER BY active DESC, name",
        Provider::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], Provider::from_row)?;
    let mut out: Vec<Provider> = rows
        .collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)?;
    out.sort_by_cached_key(|p| (!p.active, crate::domain::pinyin_keys::sort_key(&p.name)));
    Ok(out)
}
