//! 结算单 (settlements) as stored: one row each, the lines and exclusions as JSON.

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{corrupt, day_text, opt_day, Result, WriteTx};
use crate::domain::money::Fen;
use crate::domain::month::Month;
use crate::domain::record::RecordMeta;
use crate::domain::settlement::{Settlement, SettlementState};

impl RecordTable for Settlement {
    const ENTITY: Entity = Entity::Settlement;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "provider_id",
        "buyer",
        "month",
        "state",
        "lines",
        "excluded",
        "total_fen",
        "made_by",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "paid_on",
        "voucher_no",
        "adjustments",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 15]>([
            Box::new(&self.provider_id),
            Box::new(&self.buyer),
            Box::new(self.month.to_string()),
            Box::new(self.state.code()),
            Box::new(serde_json::to_string(&self.lines).unwrap_or_else(|_| "[]".into())),
            Box::new(serde_json::to_string(&self.excluded).unwrap_or_else(|_| "[]".into())),
            Box::new(self.total.0),
            Box::new(&self.made_by),
            Box::new(&self.submitted_by),
            Box::new(&self.submitted_at),
            Box::new(&self.approved_by),
            Box::new(&self.approved_at),
            Box::new(self.paid_on.map(day_text)),
            Box::new(&self.voucher_no),
            Box::new(serde_json::to_string(&self.adjustments).unwrap_or_else(|_| "[]".into())),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Settlement> {
        let month: String = r.get(7)?;
        let state: String = r.get(8)?;
        let lines: String = r.get(9)?;
        let excluded: String = r.get(10)?;
        let adjustments: String = r.get(19)?;
        Ok(Settlement {
            meta: meta_from_row(r)?,
            provider_id: r.get(5)?,
            buyer: r.get(6)?,
            month: Month::parse(&month).map_err(|_| corrupt("settlements", "month"))?,
            state: SettlementState::from_code(&state)
                .ok_or_else(|| corrupt("settlements", "state"))?,
            lines: serde_json::from_str(&lines).map_err(|_| corrupt("settlements", "lines"))?,
            excluded: serde_json::from_str(&excluded)
                .map_err(|_| corrupt("settlements", "excluded"))?,
            adjustments: serde_json::from_str(&adjustments)
                .map_err(|_| corrupt("settlements", "adjustments"))?,
            total: Fen(r.get(11)?),
            made_by: r.get(12)?,
            submitted_by: r.get(13)?,
            submitted_at: r.get(14)?,
            approved_by: r.get(15)?,
            approved_at: r.get(16)?,
            paid_on: opt_day(r.get(17)?, "settlements", "paid_on")?,
            voucher_no: r.get(18)?,
        })
    }
}

/// The settlement with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Settlement>> {
    records::get(conn, id)
}

/// Inserts a new settlement and logs `settlement.create`.
pub fn insert(w: &mut WriteTx<'_>, s: &Settlement) -> Result<()> {
    records::insert(w, s, "settlement.create")
}

/// Saves a changed settlement (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, s: &Settlement, kind: &str) -> Result<Settlement> {
    records::update(w, s, kind)
}

fn select(conn: &Connection, filter: &str, args: &[&dyn ToSql]) -> Result<Vec<Settlement>> {
    records::select(conn, filter, "month DESC, provider_id", args)
}

/// The approved or paid settlement that reckoned service `service_id`, if any: such a
/// service is frozen.
pub fn settling(conn: &Connection, service_id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT settlement_id FROM settled_services WHERE service_id = ?1")?
        .query_row([service_id], |r| r.get(0))
        .optional()?)
}

/// Every settlement, newest month first.
pub fn list(conn: &Connection) -> Result<Vec<Settlement>> {
    select(conn, "", &[])
}

/// The settlements of provider `provider_id`, newest month first.
pub fn of_provider(conn: &Connection, provider_id: &str) -> Result<Vec<Settlement>> {
    select(conn, "WHERE provider_id = ?1", &[&provider_id])
}

/// The settlement of provider `provider_id`'s `month` by buying unit `buyer`, if made.
pub fn of_month(
    conn: &Connection,
    provider_id: &str,
    buyer: &str,
    month: Month,
) -> Result<Option<Settlement>> {
    let m = month.to_string();
    Ok(select(
        conn,
        "WHERE provider_id = ?1 AND buyer = ?2 AND month = ?3",
        &[&provider_id, &buyer, &m],
    )?
    .into_iter()
    .next())
}
