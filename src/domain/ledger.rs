//! 资金专户 (the pilot fund), 专款专用: one ledger per unit and fund source. Income is an
//! appropriation or a donation; an expenditure comes only from a paid settlement (or a paid
//! subsidy list) and names the measure it paid for. Each entry carries its number in its
//! ledger and the balance after it, so the balance is always the sum of the entries, and a
//! source never goes below zero.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::money::Fen;
use super::record::RecordMeta;

/// Income or expenditure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// 拨款 (appropriation).
    Appropriation,
    /// 捐赠 (a donation).
    Donation,
    /// 支出: backed by a paid settlement or subsidy list.
    Expenditure,
}

impl EntryKind {
    /// Every kind.
    pub const ALL: [EntryKind; 3] = [
        EntryKind::Appropriation,
        EntryKind::Donation,
        EntryKind::Expenditure,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Appropriation => "appropriation",
            EntryKind::Donation => "donation",
            EntryKind::Expenditure => "expenditure",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<EntryKind> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// String-table key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            EntryKind::Appropriation => "ledger_kind.appropriation",
            EntryKind::Donation => "ledger_kind.donation",
            EntryKind::Expenditure => "ledger_kind.expenditure",
        }
    }

    /// True for money coming in.
    pub fn is_income(self) -> bool {
        self != EntryKind::Expenditure
    }
}

/// One entry of a fund source's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The unit whose fund it is.
    pub unit: String,
    /// The fund source (catalogue `fund_source`).
    pub source: String,
    /// Income or expenditure.
    pub kind: EntryKind,
    /// The measure an expenditure paid for (catalogue `measure`).
    pub measure: Option<String>,
    /// How much, always positive; the kind says which way.
    pub amount: Fen,
    /// The day booked.
    pub booked_on: NaiveDate,
    /// What an expenditure pays: `settlement` (or `subsidy`).
    pub reference_kind: Option<String>,
    /// The record it pays.
    pub reference_id: Option<String>,
    /// A note (the appropriation's document number, the donor).
    pub note: Option<String>,
    /// Who booked it.
    pub recorded_by: String,
    /// Its number in its ledger (unit and source), from 1.
    pub seq: i64,
    /// The ledger's balance after it.
    pub balance_after: Fen,
}

impl LedgerEntry {
    /// Its effect on the balance.
    pub fn signed(&self) -> i64 {
        if self.kind.is_income() {
            self.amount.0
        } else {
            -self.amount.0
        }
    }
}

/// An expenditure larger than what the source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overspent {
    /// What the source holds.
    pub balance: Fen,
    /// What was to be spent.
    pub amount: Fen,
}

/// The balance after booking `amount` of `kind` on `balance`; an expenditure beyond the
/// balance is refused (a source never goes below zero).
pub fn next_balance(balance: Fen, kind: EntryKind, amount: Fen) -> Result<Fen, Overspent> {
    if kind.is_income() {
        return Ok(Fen(balance.0 + amount.0));
    }
    if amount.0 > balance.0 {
        return Err(Overspent { balance, amount });
    }
    Ok(Fen(balance.0 - amount.0))
}

/// A source's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    /// All income.
    pub income: Fen,
    /// All expenditure.
    pub spent: Fen,
    /// Income less expenditure.
    pub balance: Fen,
}

/// Per source, its income, expenditure and balance, summed from `entries`.
pub fn balances<'a>(
    entries: impl IntoIterator<Item = &'a LedgerEntry>,
) -> BTreeMap<String, Balance> {
    let mut out: BTreeMap<String, Balance> = BTreeMap::new();
    for e in entries {
        let b = out.entry(e.source.clone()).or_default();
        if e.kind.is_income() {
            b.income = Fen(b.income.0 + e.amount.0);
        } else {
            b.spent = Fen(b.spent.0 + e.amount.0);
        }
        b.balance = Fen(b.income.0 - b.spent.0);
    }
    out
}

/// Per measure, what was spent on it, summed from `entries`.
pub fn spent_by_measure<'a>(
    entries: impl IntoIterator<Item = &'a LedgerEntry>,
) -> BTreeMap<String, Fen> {
    let mut out: BTreeMap<String, Fen> = BTreeMap::new();
    for e in entries {
        if let (false, Some(m)) = (e.kind.is_income(), &e.measure) {
            let f = out.entry(m.clone()).or_default();
            *f = Fen(f.0 + e.amount.0);
        }
    }
    out
}

/// The entries of `entries` (any ledgers, any order) that break their ledger: numbered out
/// of turn, with a balance after that is not the one before plus their amount, or below zero
/// — what an edit behind the program's back leaves. Their ids, in ledger order.
pub fn broken(entries: &[LedgerEntry]) -> Vec<String> {
    let mut ledgers: BTreeMap<(&str, &str), Vec<&LedgerEntry>> = BTreeMap::new();
    for e in entries {
        ledgers.entry((&e.unit, &e.source)).or_default().push(e);
    }
    let mut out = Vec::new();
    for (_, mut list) in ledgers {
        list.sort_by_key(|e| e.seq);
        let mut balance = 0i64;
        for (i, e) in list.iter().enumerate() {
            let expected = balance + e.signed();
            if e.seq != i as i64 + 1
                || e.amount.0 <= 0
                || e.balance_after.0 != expected
                || expected < 0
            {
                out.push(e.meta.id.clone());
            }
            balance = e.balance_after.0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(seq: i64, kind: EntryKind, amount: i64, after: i64) -> LedgerEntry {
        LedgerEntry {
            meta: RecordMeta::new(format!("e{seq}"), "ws", "2026-01-01T00:00:00Z"),
            unit: "360104001".into(),
            source: "district_finance".into(),
            kind,
            measure: (!kind.is_income()).then(|| "government_purchase".into()),
            amount: Fen(amount),
            booked_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            reference_kind: None,
            reference_id: None,
            note: None,
            recorded_by: "cw".into(),
            seq,
            balance_after: Fen(after),
        }
    }

    #[test]
    fn an_expenditure_beyond_the_balance_is_refused() {
        let b = next_balance(Fen(0), EntryKind::Appropriation, Fen(10_000)).unwrap();
        assert_eq!(b, Fen(10_000));
        assert_eq!(
            next_balance(b, EntryKind::Expenditure, Fen(10_001)),
            Err(Overspent {
                balance: Fen(10_000),
                amount: Fen(10_001)
            })
        );
        assert_eq!(
            next_balance(b, EntryKind::Expenditure, Fen(10_000)),
            Ok(Fen(0))
        );
    }

    #[test]
    fn an_edited_row_breaks_its_ledger() {
        let good = vec![
            entry(1, EntryKind::Appropriation, 10_000, 10_000),
            entry(2, EntryKind::Expenditure, 3_000, 7_000),
            entry(3, EntryKind::Donation, 500, 7_500),
        ];
        assert!(broken(&good).is_empty());
        let mut edited = good.clone();
        edited[1].amount = Fen(300);
        assert_eq!(broken(&edited), ["e2"]);
        let mut gap = good.clone();
        gap.remove(1);
        assert!(!broken(&gap).is_empty(), "a removed entry leaves a gap");
        let b = balances(&good);
        assert_eq!(
            b["district_finance"],
            Balance {
                income: Fen(10_500),
                spent: Fen(3_000),
                balance: Fen(7_500)
            }
        );
        assert_eq!(spent_by_measure(&good)["government_purchase"], Fen(3_000));
    }

    proptest! {
        /// For any sequence of bookings, what is accepted keeps every balance equal to the
        /// sum of its entries, never below zero, and the ledger unbroken.
        #[test]
        fn balances_are_the_sums_of_their_entries(
            ops in proptest::collection::vec((0usize..3, 1i64..1_000_000), 0..80),
        ) {
            let mut entries: Vec<LedgerEntry> = Vec::new();
            let mut balance = Fen(0);
            for (k, amount) in ops {
                let kind = EntryKind::ALL[k];
                match next_balance(balance, kind, Fen(amount)) {
                    Ok(after) => {
                        balance = after;
                        entries.push(entry(entries.len() as i64 + 1, kind, amount, after.0));
                    }
                    Err(o) => prop_assert!(o.amount.0 > o.balance.0),
                }
                prop_assert!(balance.0 >= 0);
            }
            let sum: i64 = entries.iter().map(LedgerEntry::signed).sum();
            prop_assert_eq!(sum, balance.0);
            let b = balances(&entries);
            prop_assert_eq!(b.get("district_finance").map_or(0, |b| b.balance.0), balance.0);
            prop_assert!(broken(&entries).is_empty());
        }
    }
}
