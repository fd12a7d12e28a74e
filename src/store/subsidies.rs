//! 互助补贴发放表 as stored: one row per community and month, rule, lines and exclusions as
//! JSON.

use rusqlite::{Connection, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{corrupt, day_text, opt_day, Result, WriteTx};
use crate::domain::money::Fen;
use crate::domain::month::Month;
use crate::domain::record::RecordMeta;
use crate::domain::settlement::SettlementState;
use crate::domain::subsidy::SubsidyList;

impl RecordTable for SubsidyList {
    const ENTITY: Entity = Entity::SubsidyList;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "community",
        "month",
        "state",
        "rule",
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
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let json = |r: Result<String, serde_json::Error>, empty: &str| {
            r.unwrap_or_else(|_| empty.to_string())
        };
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 14]>([
            Box::new(&self.community),
            Box::new(self.month.to_string()),
            Box::new(self.state.code()),
            Box::new(json(serde_json::to_string(&self.rule), "{}")),
            Box::new(json(serde_json::to_string(&self.lines), "[]")),
            Box::new(json(serde_json::to_string(&self.excluded), "[]")),
            Box::new(self.total.0),
            Box::new(&self.made_by),
            Box::new(&self.submitted_by),
            Box::new(&self.submitted_at),
            Box::new(&self.approved_by),
            Box::new(&self.approved_at),
            Box::new(self.paid_on.map(day_text)),
            Box::new(&self.voucher_no),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<SubsidyList> {
        let month: String = r.get(6)?;
        let state: String = r.get(7)?;
        let (rule, lines, excluded): (String, String, String) = (r.get(8)?, r.get(9)?, r.get(10)?);
        Ok(SubsidyList {
            meta: meta_from_row(r)?,
            community: r.get(5)?,
            month: Month::parse(&month).map_err(|_| corrupt("subsidy_lists", "month"))?,
            state: SettlementState::from_code(&state)
                .ok_or_else(|| corrupt("subsidy_lists", "state"))?,
            rule: serde_json::from_str(&rule).map_err(|_| corrupt("subsidy_lists", "rule"))?,
            lines: serde_json::from_str(&lines).map_err(|_| corrupt("subsidy_lists", "lines"))?,
            excluded: serde_json::from_str(&excluded)
                .map_err(|_| corrupt("subsidy_lists", "excluded"))?,
            total: Fen(r.get(11)?),
            made_by: r.get(12)?,
            submitted_by: r.get(13)?,
            submitted_at: r.get(14)?,
            approved_by: r.get(15)?,
            approved_at: r.get(16)?,
            paid_on: opt_day(r.get(17)?, "subsidy_lists", "paid_on")?,
            voucher_no: r.get(18)?,
        })
    }
}

/// The list with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<SubsidyList>> {
    records::get(conn, id)
}

/// Inserts a new list and logs `subsidy.create`.
pub fn insert(w: &mut WriteTx<'_>, s: &SubsidyList) -> Result<()> {
    records::insert(w, s, "subsidy.create")
}

/// Saves a changed list (optimistic on version) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, s: &SubsidyList, kind: &str) -> Result<SubsidyList> {
    records::update(w, s, kind)
}

/// Every list, newest month first.
pub fn list(conn: &Connection) -> Result<Vec<SubsidyList>> {
    records::select(conn, "", "month DESC, community", &[])
}

/// Community `community`'s list of `month`, if made.
pub fn of_month(conn: &Connection, community: &str, month: Month) -> Result<Option<SubsidyList>> {
    let m = month.to_string();
    Ok(records::select(
        conn,
        "WHERE community = ?1 AND month = ?2",
        "id",
        &[&community as &dyn ToSql, &m],
    )?
    .into_iter()
    .next())
}
