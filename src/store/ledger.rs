//! 资金专户 ledger entries as stored, with the next number and balance of a ledger read in
//! the write that books the entry.

use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{corrupt, day, day_text, Result, WriteTx};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::money::Fen;
use crate::domain::record::RecordMeta;

impl RecordTable for LedgerEntry {
    const ENTITY: Entity = Entity::LedgerEntry;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "unit",
        "source",
        "kind",
        "measure",
        "amount_fen",
        "booked_on",
        "reference_kind",
        "reference_id",
        "note",
        "recorded_by",
        "seq",
        "balance_after_fen",
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
            Box::new(&self.unit),
            Box::new(&self.source),
            Box::new(self.kind.code()),
            Box::new(&self.measure),
            Box::new(self.amount.0),
            Box::new(day_text(self.booked_on)),
            Box::new(&self.reference_kind),
            Box::new(&self.reference_id),
            Box::new(&self.note),
            Box::new(&self.recorded_by),
            Box::new(self.seq),
            Box::new(self.balance_after.0),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
        let kind: String = r.get(7)?;
        Ok(LedgerEntry {
            meta: meta_from_row(r)?,
            unit: r.get(5)?,
            source: r.get(6)?,
            kind: EntryKind::from_code(&kind).ok_or_else(|| corrupt("ledger_entries", "kind"))?,
            measure: r.get(8)?,
            amount: Fen(r.get(9)?),
            booked_on: day(r.get(10)?, "ledger_entries", "booked_on")?,
            reference_kind: r.get(11)?,
            reference_id: r.get(12)?,
            note: r.get(13)?,
            recorded_by: r.get(14)?,
            seq: r.get(15)?,
            balance_after: Fen(r.get(16)?),
        })
    }
}

/// Inserts a new entry and logs `ledger.book`.
pub fn insert(w: &mut WriteTx<'_>, e: &LedgerEntry) -> Result<()> {
    records::insert(w, e, "ledger.book")
}

/// The last number and balance of the ledger of `unit` and `source` (0 and 0 when empty).
pub fn head(conn: &Connection, unit: &str, source: &str) -> Result<(i64, Fen)> {
    Ok(conn
        .query_row(
            "SELECT seq, balance_after_fen FROM ledger_entries
             WHERE unit = ?1 AND source = ?2 ORDER BY seq DESC LIMIT 1",
            [unit, source],
            |r| Ok((r.get::<_, i64>(0)?, Fen(r.get(1)?))),
        )
        .optional()?
        .unwrap_or((0, Fen(0))))
}

/// Every entry, by unit, source and number.
pub fn list(conn: &Connection) -> Result<Vec<LedgerEntry>> {
    records::select(conn, "", "unit, source, seq", &[])
}
