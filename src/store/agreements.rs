//! 服务协议 (agreements) as stored: one row each, its items and communities as JSON.

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{corrupt, day, day_text, opt_day, Result, WriteTx};
use crate::domain::agreement::{Agreement, AgreementState, PriceLine};
use crate::domain::money::Fen;
use crate::domain::record::RecordMeta;

impl RecordTable for Agreement {
    const ENTITY: Entity = Entity::Agreement;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "provider_id",
        "number",
        "buyer",
        "signed_on",
        "period_from",
        "period_to",
        "communities",
        "lines",
        "ceiling_fen",
        "state",
        "ended_on",
        "end_reason",
        "recorded_by",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 13]>([
            Box::new(&self.provider_id),
            Box::new(&self.number),
            Box::new(&self.buyer),
            Box::new(self.signed_on.map(day_text)),
            Box::new(day_text(self.period_from)),
            Box::new(day_text(self.period_to)),
            Box::new(serde_json::to_string(&self.communities).unwrap_or_else(|_| "[]".into())),
            Box::new(serde_json::to_string(&self.lines).unwrap_or_else(|_| "[]".into())),
            Box::new(self.ceiling.map(|f| f.0)),
            Box::new(self.state.code()),
            Box::new(self.ended_on.map(day_text)),
            Box::new(&self.end_reason),
            Box::new(&self.recorded_by),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Agreement> {
        let communities: String = r.get(11)?;
        let lines: String = r.get(12)?;
        let state: String = r.get(14)?;
        Ok(Agreement {
            meta: meta_from_row(r)?,
            provider_id: r.get(5)?,
            number: r.get(6)?,
            buyer: r.get(7)?,
            signed_on: opt_day(r.get(8)?, "agreements", "signed_on")?,
            period_from: day(r.get(9)?, "agreements", "period_from")?,
            period_to: day(r.get(10)?, "agreements", "period_to")?,
            communities: serde_json::from_str(&communities)
                .map_err(|_| corrupt("agreements", "communities"))?,
            lines: serde_json::from_str::<Vec<PriceLine>>(&lines)
                .map_err(|_| corrupt("agreements", "lines"))?,
            ceiling: r.get::<_, Option<i64>>(13)?.map(Fen),
            state: AgreementState::from_code(&state)
                .ok_or_else(|| corrupt("agreements", "state"))?,
            ended_on: opt_day(r.get(15)?, "agreements", "ended_on")?,
            end_reason: r.get(16)?,
            recorded_by: r.get(17)?,
        })
    }
}

/// The agreement with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Agreement>> {
    records::get(conn, id)
}

/// Inserts a new agreement and logs `agreement.create`.
pub fn insert(w: &mut WriteTx<'_>, a: &Agreement) -> Result<()> {
    records::insert(w, a, "agreement.create")
}

/// Saves a changed agreement (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, a: &Agreement, kind: &str) -> Result<Agreement> {
    records::update(w, a, kind)
}

fn select(conn: &Connection, filter: &str, args: &[&dyn ToSql]) -> Result<Vec<Agreement>> {
    records::select(conn, filter, "period_from DESC, number", args)
}

/// Every agreement, newest period first.
pub fn list(conn: &Connection) -> Result<Vec<Agreement>> {
    select(conn, "", &[])
}

/// The agreements of provider `provider_id`, newest period first.
pub fn of_provider(conn: &Connection, provider_id: &str) -> Result<Vec<Agreement>> {
    select(conn, "WHERE provider_id = ?1", &[&provider_id])
}

/// The agreement numbered `number` by buying unit `buyer`, if any.
pub fn by_number(conn: &Connection, buyer: &str, number: &str) -> Result<Option<Agreement>> {
    Ok(
        select(conn, "WHERE buyer = ?1 AND number = ?2", &[&buyer, &number])?
            .into_iter()
            .next(),
    )
}
