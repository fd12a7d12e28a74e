//! 邻里互助补贴: what each helper of a community is paid for a month — from their confirmed
//! visits and the subdistrict's rule (a rate per visit or per hour, and a monthly cap per
//! helper) — on a list the community submits and the subdistrict approves (by another
//! account) and pays. Pure arithmetic in whole 分; the records are the `app` layer's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::help_visit::HelpVisit;
use super::money::Fen;
use super::month::Month;
use super::record::RecordMeta;
use super::settlement::SettlementState;
use super::validation::{Field, Reason, ValidationError};

/// How the subsidy is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A rate per confirmed visit.
    PerVisit,
    /// A rate per hour of confirmed visits, the hours to the hundredth.
    PerHour,
}

impl Basis {
    /// Both.
    pub const ALL: [Basis; 2] = [Basis::PerVisit, Basis::PerHour];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Basis::PerVisit => "per_visit",
            Basis::PerHour => "per_hour",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<Basis> {
        Self::ALL.into_iter().find(|b| b.code() == s)
    }

    /// String-table key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Basis::PerVisit => "subsidy_basis.per_visit",
            Basis::PerHour => "subsidy_basis.per_hour",
        }
    }
}

/// The subdistrict's rule: the rate and the most one helper is paid in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Per visit or per hour.
    pub basis: Basis,
    /// The rate, in 分.
    pub rate: Fen,
    /// The monthly cap per helper, in 分.
    pub cap: Fen,
}

/// Highest rate or cap a rule may name (5 000 元: far beyond any neighbour subsidy).
pub const RULE_MAX_FEN: i64 = 500_000;

impl Rule {
    /// The rule from the form's texts (basis code, rate and cap in 元), or the field in error.
    pub fn parse(basis: &str, rate: &str, cap: &str) -> Result<Rule, ValidationError> {
        let basis = Basis::from_code(basis.trim()).ok_or_else(|| {
            ValidationError::new(
                Field::SubsidyBasis,
                Reason::NotInCatalogue {
                    code: basis.trim().to_string(),
                },
            )
        })?;
        let bounded = |field, text: &str| -> Result<Fen, ValidationError> {
            let f = Fen::parse_yuan(field, text)?;
            if !(1..=RULE_MAX_FEN).contains(&f.0) {
                return Err(ValidationError::new(
                    field,
                    Reason::OutOfRange {
                        min: 0,
                        max: RULE_MAX_FEN / 100,
                    },
                ));
            }
            Ok(f)
        };
        let rate = bounded(Field::SubsidyRate, rate)?;
        let cap = bounded(Field::SubsidyCap, cap)?;
        if cap.0 < rate.0 {
            return Err(ValidationError::new(
                Field::SubsidyCap,
                Reason::Inconsistent {
                    what: "subsidy_rule.cap_below_rate",
                },
            ));
        }
        Ok(Rule { basis, rate, cap })
    }
}

/// One helper's month on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The helper.
    pub helper_id: String,
    /// Confirmed visits counted.
    pub visits: i64,
    /// Their minutes.
    pub minutes: i64,
    /// What the rule gives before the cap.
    pub reckoned: Fen,
    /// What is paid: the reckoned amount, at most the cap.
    pub amount: Fen,
}

impl Line {
    /// True when the cap cut the amount.
    pub fn capped(&self) -> bool {
        self.amount.0 < self.reckoned.0
    }
}

/// Why a visit of the month does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The person did not confirm it.
    Unconfirmed,
    /// The helper had passed no training by that day.
    Untrained,
}

impl Exclusion {
    /// String-table key of the reason.
    pub fn label_key(self) -> &'static str {
        match self {
            Exclusion::Unconfirmed => "subsidy_reason.unconfirmed",
            Exclusion::Untrained => "subsidy_reason.untrained",
        }
    }
}

/// A visit that does not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    /// The visit.
    pub visit_id: String,
    /// Why.
    pub reason: Exclusion,
}

/// A community's month, reckoned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reckoning {
    /// One line per helper with a counted visit, in helper id order.
    pub lines: Vec<Line>,
    /// The visits that do not count.
    pub excluded: Vec<Excluded>,
    /// The sum of the lines.
    pub total: Fen,
}

/// Reckons `month`'s `visits` (others are ignored) under `rule`; `trained(helper, day)` tells
/// whether the helper had passed a training by the day.
pub fn reckon(
    month: Month,
    visits: &[HelpVisit],
    rule: Rule,
    trained: &dyn Fn(&str, NaiveDate) -> bool,
) -> Reckoning {
    let mut per_helper: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut out = Reckoning::default();
    for v in visits.iter().filter(|v| Month::of(v.visited_on) == month) {
        let reason = if !trained(&v.helper_id, v.visited_on) {
            Some(Exclusion::Untrained)
        } else if !v.confirmed {
            Some(Exclusion::Unconfirmed)
        } else {
            None
        };
        match reason {
            Some(reason) => out.excluded.push(Excluded {
                visit_id: v.meta.id.clone(),
                reason,
            }),
            None => {
                let e = per_helper.entry(&v.helper_id).or_default();
                e.0 += 1;
                e.1 += v.minutes;
            }
        }
    }
    for (helper, (visits, minutes)) in per_helper {
        let reckoned = match rule.basis {
            Basis::PerVisit => Fen(rule.rate.0 * visits),
            Basis::PerHour => super::settlement::hourly(rule.rate, minutes),
        };
        let amount = Fen(reckoned.0.min(rule.cap.0));
        out.total = Fen(out.total.0 + amount.0);
        out.lines.push(Line {
            helper_id: helper.to_string(),
            visits,
            minutes,
            reckoned,
            amount,
        });
    }
    out
}

/// A stored subsidy list (互助补贴发放表): one community's month. It moves through the same
/// four steps as a settlement: made, submitted by the community, approved by another account
/// at the subdistrict (frozen from then on), paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsidyList {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The community.
    pub community: String,
    /// The month.
    pub month: Month,
    /// Where it stands.
    pub state: SettlementState,
    /// The rule it was reckoned under.
    pub rule: Rule,
    /// One line per helper.
    pub lines: Vec<Line>,
    /// The visits that do not count.
    pub excluded: Vec<Excluded>,
    /// The sum of the lines.
    pub total: Fen,
    /// Who made it.
    pub made_by: String,
    /// Who submitted it.
    pub submitted_by: Option<String>,
    /// When (RFC 3339).
    pub submitted_at: Option<String>,
    /// Who approved it: never the submitter.
    pub approved_by: Option<String>,
    /// When (RFC 3339).
    pub approved_at: Option<String>,
    /// The day paid.
    pub paid_on: Option<NaiveDate>,
    /// The payment voucher's number.
    pub voucher_no: Option<String>,
}

impl SubsidyList {
    /// Submitted, approved or paid: the month's visits no longer change.
    pub fn closed(&self) -> bool {
        self.state != SettlementState::Draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn visit(id: &str, helper: &str, day: u32, minutes: i64, confirmed: bool) -> HelpVisit {
        HelpVisit {
            meta: RecordMeta::new(id.into(), "ws", "2026-11-01T00:00:00Z"),
            pairing_id: "pr".into(),
            helper_id: helper.into(),
            person_id: "p".into(),
            community: "c".into(),
            visited_on: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            item: "neighbour_home_care".into(),
            minutes,
            content: "打扫".into(),
            confirmed,
            recorded_by: "u".into(),
        }
    }

    fn nov() -> Month {
        Month::new(2026, 11).unwrap()
    }

    #[test]
    fn visits_are_paid_at_the_rate_up_to_the_cap() {
        let rule = Rule::parse("per_visit", "20", "200").unwrap();
        let mut visits: Vec<HelpVisit> = (1..=12)
            .map(|d| visit(&format!("a{d}"), "h1", d, 60, true))
            .collect();
        visits.push(visit("b1", "h2", 3, 45, true));
        visits.push(visit("b2", "h2", 4, 45, false));
        visits.push(visit("c1", "h3", 5, 45, true));
        let r = reckon(nov(), &visits, rule, &|h, _| h != "h3");
        assert_eq!(r.lines.len(), 2);
        assert_eq!(
            (r.lines[0].reckoned, r.lines[0].amount),
            (Fen(24_000), Fen(20_000))
        );
        assert!(r.lines[0].capped());
        assert_eq!((r.lines[1].visits, r.lines[1].amount), (1, Fen(2_000)));
        assert_eq!(r.total, Fen(22_000));
        assert_eq!(
            r.excluded,
            [
                Excluded {
                    visit_id: "b2".into(),
                    reason: Exclusion::Unconfirmed
                },
                Excluded {
                    visit_id: "c1".into(),
                    reason: Exclusion::Untrained
                },
            ]
        );
    }

    #[test]
    fn hours_are_counted_to_the_hundredth() {
        let rule = Rule::parse("per_hour", "15", "300").unwrap();
        // 50 + 50 minutes: 1.67 hours × 15.00 = 25.05 元.
        let visits = [visit("a", "h", 1, 50, true), visit("b", "h", 2, 50, true)];
        let r = reckon(nov(), &visits, rule, &|_, _| true);
        assert_eq!(r.total, Fen(2_505));
    }

    #[test]
    fn a_rule_names_its_field() {
        assert_eq!(
            Rule::parse("per_week", "1", "1").unwrap_err().field,
            Field::SubsidyBasis
        );
        assert_eq!(
            Rule::parse("per_visit", "0", "1").unwrap_err().field,
            Field::SubsidyRate
        );
        assert_eq!(
            Rule::parse("per_visit", "30", "20").unwrap_err().field,
            Field::SubsidyCap
        );
        assert_eq!(
            Rule::parse("per_visit", "0.1", "0.3").unwrap(),
            Rule {
                basis: Basis::PerVisit,
                rate: Fen(10),
                cap: Fen(30)
            }
        );
    }

    proptest! {
        /// Whatever the visits, every line is at most the cap and the total is their sum.
        #[test]
        fn lines_never_pass_the_cap_and_sum_to_the_total(
            vs in proptest::collection::vec((0usize..4, 1u32..31, 1i64..600, any::<bool>()), 0..60),
            rate in 1i64..5_000, cap in 5_000i64..50_000,
        ) {
            let visits: Vec<HelpVisit> = vs.iter().enumerate()
                .map(|(i, (h, d, m, c))| visit(&i.to_string(), &format!("h{h}"), *d, *m, *c))
                .collect();
            let rule = Rule { basis: Basis::PerVisit, rate: Fen(rate), cap: Fen(cap) };
            let r = reckon(nov(), &visits, rule, &|_, _| true);
            prop_assert_eq!(r.total.0, r.lines.iter().map(|l| l.amount.0).sum::<i64>());
            prop_assert!(r.lines.iter().all(|l| l.amount.0 <= cap));
            let counted: i64 = r.lines.iter().map(|l| l.visits).sum();
            prop_assert_eq!(counted as usize + r.excluded.len(), visits.len());
        }
    }
}
