//! 资金专户: booking income into a unit's fund ledgers, booking the expenditures a paid
//! settlement makes (专款专用: no expenditure without the record it pays), and the balances by
//! source and by measure.

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::ledger::{self, next_balance, Balance, EntryKind, LedgerEntry};
use crate::domain::money::Fen;
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::text::optional_line;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{ledger as entries, StoreError, WriteTx};

/// Income as the form holds it.
#[derive(Debug, Clone)]
pub struct IncomeDraft {
    /// The fund source.
    pub source: String,
    /// Appropriation or donation.
    pub kind: EntryKind,
    /// The amount in 元, as typed.
    pub amount: String,
    /// The day booked; `None`: today.
    pub booked_on: Option<NaiveDate>,
    /// The appropriation's document number, the donor.
    pub note: String,
}

fn source_checked(source: &str) -> Result<String> {
    if Catalogue::builtin().contains(ListKind::FundSource, source) {
        Ok(source.to_string())
    } else {
        Err(ValidationError::new(
            Field::FundSource,
            Reason::NotInCatalogue {
                code: source.to_string(),
            },
        )
        .into())
    }
}

/// 入账: books income into this workstation's unit's ledger of `d.source`.
pub fn book_income(ctx: &mut Ctx<'_>, d: &IncomeDraft) -> Result<LedgerEntry> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageFunds, &ws.org_code)?;
    if !d.kind.is_income() {
        return Err(ValidationError::new(
            Field::RecordState,
            Reason::Inconsistent {
                what: "ledger_rule.expenditure_needs_record",
            },
        )
        .into());
    }
    let source = source_checked(&d.source)?;
    let amount = Fen::parse_yuan(Field::Amount, &d.amount)?;
    if amount.0 == 0 {
        return Err(ValidationError::new(
            Field::Amount,
            Reason::OutOfRange {
                min: 1,
                max: crate::domain::money::MAX_YUAN * 100,
            },
        )
        .into());
    }
    let today = ctx.clock.today();
    let on = d.booked_on.unwrap_or(today);
    if on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let note = optional_line(Field::Note, &d.note, 200)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let unit = ws.org_code;
    ctx.store.write(&actor, &at, |w| {
        book_income_in(
            w,
            &Income {
                unit: &unit,
                source: &source,
                kind: d.kind,
                amount,
                on,
                note: note.clone(),
                actor: &actor,
            },
            id.clone(),
        )
    })
}

/// Checked income, ready to book.
pub(crate) struct Income<'a> {
    pub unit: &'a str,
    pub source: &'a str,
    pub kind: EntryKind,
    pub amount: Fen,
    pub on: NaiveDate,
    pub note: Option<String>,
    pub actor: &'a str,
}

/// Books checked income `i` as entry `id` inside the caller's write, next in its ledger.
pub(crate) fn book_income_in(
    w: &mut WriteTx<'_>,
    i: &Income<'_>,
    id: String,
) -> Result<LedgerEntry> {
    let (seq, balance) = entries::head(w.conn(), i.unit, i.source)?;
    let after = next_balance(balance, i.kind, i.amount).unwrap_or(balance);
    let at = w.at().to_string();
    let e = LedgerEntry {
        meta: RecordMeta::new(id, w.origin(), &at),
        unit: i.unit.to_string(),
        source: i.source.to_string(),
        kind: i.kind,
        measure: None,
        amount: i.amount,
        booked_on: i.on,
        reference_kind: None,
        reference_id: None,
        note: i.note.clone(),
        recorded_by: i.actor.to_string(),
        seq: seq + 1,
        balance_after: after,
    };
    entries::insert(w, &e)?;
    Ok(e)
}

/// What a paid record spends, per measure, from one source of `unit`.
pub(crate) struct Spending<'a> {
    pub unit: &'a str,
    pub source: &'a str,
    pub parts: &'a [(String, Fen)],
    pub on: NaiveDate,
    pub reference_kind: &'static str,
    pub reference_id: &'a str,
    pub actor: &'a str,
}

/// Books the expenditures of a paid record inside its write: one entry per measure, refused
/// as a whole when the source holds less than all of them (a source never goes below zero).
pub(crate) fn book_spending(
    w: &mut WriteTx<'_>,
    s: &Spending<'_>,
    new_id: &mut dyn FnMut() -> String,
) -> Result<()> {
    let (mut seq, mut balance) = entries::head(w.conn(), s.unit, s.source)?;
    let total: i64 = s.parts.iter().map(|(_, f)| f.0).sum();
    if total > balance.0 {
        return Err(ValidationError::new(
            Field::FundSource,
            Reason::Overspent {
                balance: balance.yuan_text(),
                amount: Fen(total).yuan_text(),
            },
        )
        .into());
    }
    let at = w.at().to_string();
    for (measure, amount) in s.parts.iter().filter(|(_, f)| f.0 > 0) {
        let after = next_balance(balance, EntryKind::Expenditure, *amount).map_err(|o| {
            AppError::from(ValidationError::new(
                Field::FundSource,
                Reason::Overspent {
                    balance: o.balance.yuan_text(),
                    amount: o.amount.yuan_text(),
                },
            ))
        })?;
        seq += 1;
        let e = LedgerEntry {
            meta: RecordMeta::new(new_id(), w.origin(), &at),
            unit: s.unit.to_string(),
            source: s.source.to_string(),
            kind: EntryKind::Expenditure,
            measure: Some(measure.clone()),
            amount: *amount,
            booked_on: s.on,
            reference_kind: Some(s.reference_kind.to_string()),
            reference_id: Some(s.reference_id.to_string()),
            note: None,
            recorded_by: s.actor.to_string(),
            seq,
            balance_after: after,
        };
        entries::insert(w, &e).map_err(|e: StoreError| AppError::from(e))?;
        balance = after;
    }
    Ok(())
}

/// Per unit and source the session may see, the income, expenditure and balance; only
/// `source` when given.
pub fn balances(ctx: &Ctx<'_>, source: Option<&str>) -> Result<Vec<(String, String, Balance)>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    if let Some(s) = source {
        source_checked(s)?;
    }
    let all = entries::list(ctx.store.conn())?;
    let mut out = Vec::new();
    let mut units: Vec<&str> = all.iter().map(|e| e.unit.as_str()).collect();
    units.dedup();
    for unit in units {
        if ctx.require(Action::ViewPerson, unit).is_err() {
            continue;
        }
        let mine = all.iter().filter(|e| e.unit == unit);
        for (src, b) in ledger::balances(mine) {
            if source.is_none_or(|s| s == src) {
                out.push((unit.to_string(), src, b));
            }
        }
    }
    Ok(out)
}

/// Per measure, what the ledgers the session may see spent on it.
pub fn spent_by_measure(ctx: &Ctx<'_>) -> Result<Vec<(String, Fen)>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let all = entries::list(ctx.store.conn())?;
    let visible = all
        .iter()
        .filter(|e| ctx.require(Action::ViewPerson, &e.unit).is_ok());
    Ok(ledger::spent_by_measure(visible).into_iter().collect())
}
