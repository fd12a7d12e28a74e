//! 结算: what one provider's month of delivered services comes to under its agreements — each
//! service that counts, at its agreement's unit price, and each that does not, with the
//! reason. Pure arithmetic in whole 分: the records it reads and the settlement it makes are
//! the `app` layer's business.
//!
//! How a pricing unit counts: 次 and 份 once per service; 小时 by the hours served, to the
//! hundredth as the paper prints them (50 minutes are 0.83 hours), times the price, rounded
//! half up to the 分; 天 once per person and day; 月 once per person and month. A service
//! that does not count is listed, never dropped.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::agreement::Agreement;
use super::money::Fen;
use super::month::Month;

/// One delivered service as the settlement sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The service record.
    pub service_id: String,
    /// The case served (one person).
    pub case_id: String,
    /// The person's community.
    pub community: String,
    /// The service item.
    pub item: String,
    /// The day served.
    pub served_on: NaiveDate,
    /// Minutes served.
    pub minutes: i64,
    /// The recipient confirmed it.
    pub confirmed: bool,
    /// An inspection found it not delivered as recorded.
    pub failed_inspection: bool,
    /// The plan's frequency for the item (a catalogue `frequency` code), if planned.
    pub frequency: Option<String>,
}

/// Why a delivered service does not count.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// No agreement of the provider buys the item.
    NoAgreement,
    /// An agreement buys the item, but not for that community or day.
    OutsideAgreement,
    /// The recipient did not confirm it.
    Unconfirmed,
    /// An inspection found it failed.
    FailedInspection,
    /// Beyond what the plan's frequency allows in the month.
    OverFrequency,
    /// Already charged: a second service of the day (天) or of the month (月).
    AlreadyCharged,
    /// Beyond the agreement's ceiling.
    OverCeiling,
}

impl Exclusion {
    /// String-table key of the reason.
    pub fn label_key(self) -> &'static str {
        match self {
            Exclusion::NoAgreement => "settlement_reason.no_agreement",
            Exclusion::OutsideAgreement => "settlement_reason.outside_agreement",
            Exclusion::Unconfirmed => "settlement_reason.unconfirmed",
            Exclusion::FailedInspection => "settlement_reason.failed_inspection",
            Exclusion::OverFrequency => "settlement_reason.over_frequency",
            Exclusion::AlreadyCharged => "settlement_reason.already_charged",
            Exclusion::OverCeiling => "settlement_reason.over_ceiling",
        }
    }
}

/// A service that counts, and what it comes to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The service record.
    pub service_id: String,
    /// The agreement it counts under.
    pub agreement_id: String,
    /// The item.
    pub item: String,
    /// The day served.
    pub served_on: NaiveDate,
    /// The pricing unit code.
    pub unit: String,
    /// Minutes served (what an hourly price is charged by).
    pub minutes: i64,
    /// The unit price.
    pub unit_price: Fen,
    /// What it comes to.
    pub amount: Fen,
}

/// A service that does not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    /// The service record.
    pub service_id: String,
    /// Why.
    pub reason: Exclusion,
}

/// A correction of an earlier settlement, carried by a later month's: a frozen settlement is
/// never rewritten, so what it paid too much or too little is set right here, in the open.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// The settlement corrected (approved or paid, of an earlier month).
    pub corrects: String,
    /// Its month, `YYYY-MM`.
    pub month: String,
    /// What it adds (negative: takes back), in 分.
    pub amount: Fen,
    /// Why.
    pub reason: String,
    /// Who entered it.
    pub by: String,
}

/// A provider's month, reckoned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reckoning {
    /// The services that count, in the order given.
    pub lines: Vec<Line>,
    /// The services that do not, in the order given.
    pub excluded: Vec<Excluded>,
    /// The sum of the lines.
    pub total: Fen,
}

/// The most services of an item a plan's frequency allows in `month`; `None`: no cap.
pub fn monthly_cap(frequency: &str, month: Month) -> Option<i64> {
    let days = (month.last_day() - month.first_day()).num_days() + 1;
    match frequency {
        "daily" => Some(days),
        "twice_weekly" => Some((days * 2 + 6) / 7),
        "weekly" => Some((days + 6) / 7),
        "twice_monthly" => Some(2),
        "monthly" => Some(1),
        _ => None,
    }
}

/// `minutes` as hundredths of an hour, rounded half up (50 minutes: 83).
pub fn hour_hundredths(minutes: i64) -> i64 {
    (minutes * 100 + 30) / 60
}

/// What `minutes` of an hourly price come to: the price times the hours to the hundredth,
/// rounded half up to the 分 — the sum a clerk checks on the printed sheet.
pub fn hourly(price: Fen, minutes: i64) -> Fen {
    Fen((price.0 * hour_hundredths(minutes) + 50) / 100)
}

/// Reckons the services of `month` (those of other months are ignored) under `agreements`
/// (the provider's), each agreement's ceiling less `charged_before` (what earlier
/// settlements charged under it). Services are taken in the order given, so give them by
/// day: a cap or a ceiling excludes the later ones.
pub fn reckon(
    month: Month,
    services: &[Delivered],
    agreements: &[Agreement],
    charged_before: &HashMap<String, Fen>,
) -> Reckoning {
    let mut out = Reckoning::default();
    let mut counted: HashMap<(&str, &str), i64> = HashMap::new();
    let mut charged_days: HashSet<(&str, &str, NaiveDate)> = HashSet::new();
    let mut charged_months: HashSet<(&str, &str)> = HashSet::new();
    let mut used: HashMap<&str, i64> = HashMap::new();
    for s in services {
        if Month::of(s.served_on) != month {
            continue;
        }
        let exclude = |reason| Excluded {
            service_id: s.service_id.clone(),
            reason,
        };
        let Some(a) = agreements
            .iter()
            .find(|a| a.covers(&s.item, &s.community, s.served_on))
        else {
            let buys = agreements.iter().any(|a| a.line_for(&s.item).is_some());
            out.excluded.push(exclude(if buys {
                Exclusion::OutsideAgreement
            } else {
                Exclusion::NoAgreement
            }));
            continue;
        };
        if !s.confirmed {
            out.excluded.push(exclude(Exclusion::Unconfirmed));
            continue;
        }
        if s.failed_inspection {
            out.excluded.push(exclude(Exclusion::FailedInspection));
            continue;
        }
        let n = counted.entry((&s.case_id, &s.item)).or_insert(0);
        if let Some(cap) = s.frequency.as_deref().and_then(|f| monthly_cap(f, month)) {
            if *n >= cap {
                out.excluded.push(exclude(Exclusion::OverFrequency));
                continue;
            }
        }
        let Some(price) = a.line_for(&s.item) else {
            // `covers` found the line: unreachable, but a missing line simply does not count.
            out.excluded.push(exclude(Exclusion::NoAgreement));
            continue;
        };
        let amount = match price.unit.as_str() {
            "per_hour" => hourly(price.price(), s.minutes),
            "per_day" => {
                if !charged_days.insert((&s.case_id, &s.item, s.served_on)) {
                    out.excluded.push(exclude(Exclusion::AlreadyCharged));
                    continue;
                }
                price.price()
            }
            "per_month" => {
                if !charged_months.insert((&s.case_id, &s.item)) {
                    out.excluded.push(exclude(Exclusion::AlreadyCharged));
                    continue;
                }
                price.price()
            }
            _ => price.price(),
        };
        let spent = used.entry(&a.meta.id).or_insert(0);
        if let Some(ceiling) = a.ceiling {
            let before = charged_before.get(&a.meta.id).map_or(0, |f| f.0);
            if before + *spent + amount.0 > ceiling.0 {
                out.excluded.push(exclude(Exclusion::OverCeiling));
                continue;
            }
        }
        *spent += amount.0;
        *n += 1;
        out.total = Fen(out.total.0 + amount.0);
        out.lines.push(Line {
            service_id: s.service_id.clone(),
            agreement_id: a.meta.id.clone(),
            item: s.item.clone(),
            served_on: s.served_on,
            unit: price.unit.clone(),
            minutes: s.minutes,
            unit_price: price.price(),
            amount,
        });
    }
    out
}

/// Where a settlement stands: made (草稿), submitted by its maker (已提交), approved by another
/// account (已审核, frozen from then on), paid (已支付).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettlementState {
    /// Made, may be made again from the records.
    Draft,
    /// Submitted for approval; no longer remade.
    Submitted,
    /// Approved by an account other than the submitter's: frozen.
    Approved,
    /// Paid, with the day and voucher number.
    Paid,
}

impl SettlementState {
    /// Every state.
    pub const ALL: [SettlementState; 4] = [
        SettlementState::Draft,
        SettlementState::Submitted,
        SettlementState::Approved,
        SettlementState::Paid,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            SettlementState::Draft => "draft",
            SettlementState::Submitted => "submitted",
            SettlementState::Approved => "approved",
            SettlementState::Paid => "paid",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<SettlementState> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// String-table key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            SettlementState::Draft => "settlement_state.draft",
            SettlementState::Submitted => "settlement_state.submitted",
            SettlementState::Approved => "settlement_state.approved",
            SettlementState::Paid => "settlement_state.paid",
        }
    }
}

/// A stored settlement: one provider's month under the agreements of one buying unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// Identity and version.
    pub meta: super::record::RecordMeta,
    /// The provider paid.
    pub provider_id: String,
    /// The buying unit that settles (its agreements).
    pub buyer: String,
    /// The month settled.
    pub month: Month,
    /// Where it stands.
    pub state: SettlementState,
    /// The services that count.
    pub lines: Vec<Line>,
    /// The services that do not, with the reason.
    pub excluded: Vec<Excluded>,
    /// Corrections of earlier months' settlements.
    pub adjustments: Vec<Adjustment>,
    /// The sum of the lines and the adjustments.
    pub total: Fen,
    /// Who made it (and remade it while a draft).
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
    /// The payment voucher's number (凭证号).
    pub voucher_no: Option<String>,
}

impl Settlement {
    /// The lines and the adjustments summed: what the settlement comes to.
    pub fn sum(&self) -> Fen {
        Fen(self.lines.iter().map(|l| l.amount.0).sum::<i64>()
            + self.adjustments.iter().map(|a| a.amount.0).sum::<i64>())
    }

    /// Approved or paid: its lines no longer change.
    pub fn frozen(&self) -> bool {
        matches!(
            self.state,
            SettlementState::Approved | SettlementState::Paid
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agreement::{AgreementState, PriceLine};
    use crate::domain::record::RecordMeta;
    use proptest::prelude::*;

    const COM: &str = "360104001001";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn agreement(lines: &[(&str, &str, i64)], ceiling: Option<i64>) -> Agreement {
        Agreement {
            meta: RecordMeta::new("a1".into(), "ws", "2026-01-01T00:00:00Z"),
            provider_id: "p1".into(),
            number: "GM-1".into(),
            buyer: "360104001".into(),
            signed_on: None,
            period_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            period_to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            communities: vec![COM.into()],
            lines: lines
                .iter()
                .map(|(item, unit, fen)| PriceLine {
                    item: (*item).into(),
                    unit: (*unit).into(),
                    price_fen: *fen,
                })
                .collect(),
            ceiling: ceiling.map(Fen),
            state: AgreementState::Running,
            ended_on: None,
            end_reason: None,
            recorded_by: "cw".into(),
        }
    }

    fn service(id: &str, item: &str, d: u32, minutes: i64) -> Delivered {
        Delivered {
            service_id: id.into(),
            case_id: "c1".into(),
            community: COM.into(),
            item: item.into(),
            served_on: day(d),
            minutes,
            confirmed: true,
            failed_inspection: false,
            frequency: None,
        }
    }

    fn november() -> Month {
        Month::new(2026, 11).unwrap()
    }

    #[test]
    fn each_unit_counts_as_its_name_says() {
        let a = agreement(
            &[
                ("meal_delivery", "per_portion", 1250),
                ("home_care", "per_hour", 3500),
                ("day_care", "per_day", 6000),
                ("home_sickbed", "per_month", 30000),
            ],
            None,
        );
        let services = [
            service("s1", "meal_delivery", 2, 10),
            service("s2", "home_care", 2, 50),
            service("s3", "day_care", 3, 480),
            service("s4", "day_care", 3, 60),
            service("s5", "home_sickbed", 4, 30),
            service("s6", "home_sickbed", 20, 30),
        ];
        let r = reckon(november(), &services, &[a], &HashMap::new());
        let amounts: Vec<(&str, i64)> = r
            .lines
            .iter()
            .map(|l| (l.service_id.as_str(), l.amount.0))
            .collect();
        // 35.00 元/小时 × 50 分钟 (0.83 小时) = 29.05 元.
        assert_eq!(
            amounts,
            [("s1", 1250), ("s2", 2905), ("s3", 6000), ("s5", 30000)]
        );
        assert_eq!(
            r.excluded
                .iter()
                .map(|e| (e.service_id.as_str(), e.reason))
                .collect::<Vec<_>>(),
            [
                ("s4", Exclusion::AlreadyCharged),
                ("s6", Exclusion::AlreadyCharged)
            ]
        );
        assert_eq!(r.total, Fen(1250 + 2905 + 6000 + 30000));
        assert_eq!(hour_hundredths(50), 83);
        assert_eq!(hour_hundredths(1), 2, "0.0166… hours round to 0.02");
        assert_eq!(
            hourly(Fen(3333), 45),
            Fen(2500),
            "33.33 × 0.75 = 24.9975 → 25.00"
        );
    }

    #[test]
    fn a_service_that_does_not_count_says_why() {
        let a = agreement(&[("meal_delivery", "per_portion", 1200)], Some(2400));
        let mut unconfirmed = service("u", "meal_delivery", 5, 10);
        unconfirmed.confirmed = false;
        let mut failed = service("f", "meal_delivery", 5, 10);
        failed.failed_inspection = true;
        let mut elsewhere = service("e", "meal_delivery", 5, 10);
        elsewhere.community = "360104002001".into();
        let services = [
            service("n", "cleaning", 5, 30),
            elsewhere,
            unconfirmed,
            failed,
            service("ok1", "meal_delivery", 6, 10),
            service("ok2", "meal_delivery", 7, 10),
            service("over", "meal_delivery", 8, 10),
            service("october", "meal_delivery", 1, 10),
        ];
        let mut october = services[7].clone();
        october.served_on = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let mut services = services.to_vec();
        services[7] = october;
        let r = reckon(november(), &services, &[a], &HashMap::new());
        let reasons: Vec<(&str, Exclusion)> = r
            .excluded
            .iter()
            .map(|e| (e.service_id.as_str(), e.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("n", Exclusion::NoAgreement),
                ("e", Exclusion::OutsideAgreement),
                ("u", Exclusion::Unconfirmed),
                ("f", Exclusion::FailedInspection),
                ("over", Exclusion::OverCeiling),
            ]
        );
        assert_eq!(r.total, Fen(2400), "the ceiling is reached, never passed");
    }

    #[test]
    fn the_plan_frequency_caps_a_month_and_earlier_settlements_use_the_ceiling() {
        assert_eq!(monthly_cap("daily", november()), Some(30));
        assert_eq!(monthly_cap("twice_weekly", november()), Some(9));
        assert_eq!(monthly_cap("weekly", Month::new(2026, 2).unwrap()), Some(4));
        assert_eq!(monthly_cap("as_needed", november()), None);
        let a = agreement(&[("cleaning", "per_visit", 5000)], Some(20000));
        let services: Vec<Delivered> = (1..=4)
            .map(|d| {
                let mut s = service(&format!("s{d}"), "cleaning", d, 60);
                s.frequency = Some("twice_monthly".into());
                s
            })
            .collect();
        let r = reckon(
            november(),
            &services,
            std::slice::from_ref(&a),
            &HashMap::new(),
        );
        assert_eq!(r.lines.len(), 2);
        assert_eq!(r.excluded[0].reason, Exclusion::OverFrequency);
        let before = HashMap::from([(a.meta.id.clone(), Fen(15000))]);
        let r = reckon(november(), &services, &[a], &before);
        assert_eq!(r.total, Fen(5000), "only 50 元 of the ceiling was left");
    }

    proptest! {
        /// Whatever is delivered, every service of the month is either a line or excluded
        /// (once), the total is the sum of the lines in whole 分, and no ceiling is passed.
        #[test]
        fn every_service_is_accounted_for_and_the_total_is_its_lines(
            raw in proptest::collection::vec((0usize..4, 1u32..=30, 1i64..=600, any::<bool>(), 0usize..3), 0..60),
            ceiling in proptest::option::of(0i64..500_000),
        ) {
            let items = ["meal_delivery", "home_care", "day_care", "cleaning"];
            let a = agreement(
                &[
                    ("meal_delivery", "per_portion", 1250),
                    ("home_care", "per_hour", 3333),
                    ("day_care", "per_day", 6000),
                ],
                ceiling,
            );
            let services: Vec<Delivered> = raw
                .iter()
                .enumerate()
                .map(|(i, (item, d, minutes, confirmed, case))| Delivered {
                    service_id: format!("s{i}"),
                    case_id: format!("c{case}"),
                    confirmed: *confirmed,
                    ..service("", items[*item], *d, *minutes)
                })
                .collect();
            let r = reckon(november(), &services, &[a], &HashMap::new());
            prop_assert_eq!(r.lines.len() + r.excluded.len(), services.len());
            let mut seen: HashSet<&str> = HashSet::new();
            for id in r.lines.iter().map(|l| &l.service_id).chain(r.excluded.iter().map(|e| &e.service_id)) {
                prop_assert!(seen.insert(id.as_str()));
            }
            prop_assert_eq!(r.total.0, r.lines.iter().map(|l| l.amount.0).sum::<i64>());
            prop_assert!(r.lines.iter().all(|l| l.amount.0 >= 0));
            if let Some(c) = ceiling {
                prop_assert!(r.total.0 <= c);
            }
        }
    }
}
