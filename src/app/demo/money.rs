//! The demo's money side, for its year: neighbour helpers (one of each community untrained, so
//! the refusal shows; one busy enough to reach the cap) with their pairings and visits, the
//! subdistrict's subsidy rule, each community's monthly subsidy lists, each provider's monthly
//! settlements, and the fund ledgers that paid them — the income always ahead of what is
//! spent, source by source. Every month before last is paid; last month waits for approval.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::{clock, ledger, settlement, subsidy, Result};
use crate::domain::catalogue::Catalogue;
use crate::domain::help_visit::HelpVisit;
use crate::domain::helper::{Helper, Training};
use crate::domain::ledger::EntryKind;
use crate::domain::money::Fen;
use crate::domain::month::Month;
use crate::domain::org::OrgTree;
use crate::domain::pairing::Pairing;
use crate::domain::record::RecordMeta;
use crate::domain::settlement::{Settlement, SettlementState};
use crate::domain::subsidy::{Basis, Rule, SubsidyList};
use crate::store::{
    access_log, agreements, help_visits, helpers, pairings, settings, settlements, subsidies,
    WriteTx,
};

/// Who may help and who is helped, per community, as the demo made them.
#[derive(Default)]
pub struct Neighbours {
    /// Per community: persons who could help (active, of working age, receiving nothing).
    pub helpers: BTreeMap<String, Vec<String>>,
    /// Per community: persons with a case.
    pub helped: BTreeMap<String, Vec<String>>,
}

/// What the money side adds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MoneySummary {
    pub helpers: usize,
    pub visits: usize,
    pub subsidy_lists: usize,
    pub settlements: usize,
}

/// The demo's year of money, for subdistrict `unit` (the buyer and the payer).
pub struct Year<'a> {
    pub unit: &'a str,
    pub tree: &'a OrgTree,
    pub today: NaiveDate,
}

fn new_id(w: &WriteTx<'_>) -> String {
    clock::new_id(super::parse_at(w.at()), &mut rand::rngs::OsRng)
}

fn meta(w: &WriteTx<'_>) -> RecordMeta {
    RecordMeta::new(new_id(w), w.origin(), w.at())
}

/// One payment the demo books: the day, the kind of record it pays (`settlement` or
/// `subsidy`), that record's id, its amount per measure, and the fund source.
type Spending = (
    NaiveDate,
    &'static str,
    String,
    Vec<(String, Fen)>,
    &'static str,
);

/// The 10th of the month after `m`: the day the demo pays `m`.
fn pay_day(m: Month) -> NaiveDate {
    let next = m.last_day() + Duration::days(1);
    next.with_day(10).unwrap_or(next)
}

/// Generates the year.
pub fn generate(
    w: &mut WriteTx<'_>,
    rng: &mut ChaCha8Rng,
    year: &Year<'_>,
    people: &Neighbours,
) -> Result<MoneySummary> {
    let mut out = MoneySummary::default();
    let months: Vec<Month> = (1..year.today.month())
        .filter_map(|m| Month::new(year.today.year(), m))
        .collect();
    let last = months.last().copied();
    let state_of = |m: Month| {
        if Some(m) == last {
            SettlementState::Submitted
        } else {
            SettlementState::Paid
        }
    };
    let rule = Rule {
        basis: Basis::PerVisit,
        rate: Fen(2_000),
        cap: Fen(20_000),
    };
    let text = serde_json::to_string(&rule).unwrap_or_default();
    settings::put(
        w.conn(),
        subsidy::RULE_KEY,
        &text,
        w.at(),
        "subdistrict_caseworker",
    )?;
    access_log::append(
        w.conn(),
        w.at(),
        "subdistrict_caseworker",
        "setting",
        subsidy::RULE_KEY,
        &format!("- -> {text}"),
    )?;

    // Helpers, trained in February (the third of each community failed its assessment), each
    // paired from March with one or two persons, visiting weekly or twice a week.
    let trained_on = NaiveDate::from_ymd_opt(year.today.year(), 2, 25).unwrap_or(year.today);
    let paired_from = NaiveDate::from_ymd_opt(year.today.year(), 3, 1).unwrap_or(year.today);
    for (community, candidates) in &people.helpers {
        let helped = people.helped.get(community).map_or(&[][..], Vec::as_slice);
        for (i, person_id) in candidates.iter().take(3).enumerate() {
            let account: String = std::iter::once("6217".to_string())
                .chain((0..15).map(|_| rng.gen_range(0..10).to_string()))
                .collect();
            let h = Helper {
                meta: meta(w),
                person_id: person_id.clone(),
                community: community.clone(),
                bank_name: Some("中国建设银行南昌洪都支行".into()),
                bank_account: Some(account),
                trainings: vec![Training {
                    course: "居家照料基本技能培训".into(),
                    organiser: "南昌市青云谱区红十字会".into(),
                    on: trained_on,
                    hours: 16,
                    passed: i != 2,
                }],
                active: true,
                recorded_by: "community_staff".into(),
            };
            if trained_on > year.today {
                continue;
            }
            helpers::insert(w, &h)?;
            out.helpers += 1;
            if i == 2 {
                // Untrained: paired, but no visit of theirs can be recorded.
                continue;
            }
            let (count, every) = if i == 1 { (2, 3) } else { (1, 7) };
            for helped_id in helped.iter().skip(i * 2).take(count) {
                if paired_from > year.today {
                    continue;
                }
                let p = Pairing {
                    meta: meta(w),
                    helper_id: h.meta.id.clone(),
                    person_id: helped_id.clone(),
                    community: community.clone(),
                    from: paired_from,
                    to: None,
                    items: vec!["neighbour_home_care".into()],
                    frequency: if every == 7 { "weekly" } else { "twice_weekly" }.into(),
                    end_reason: None,
                    recorded_by: "community_staff".into(),
                };
                pairings::insert(w, &p)?;
                let mut day = paired_from + Duration::days(rng.gen_range(0..every));
                while day <= year.today {
                    let v = HelpVisit {
                        meta: meta(w),
                        pairing_id: p.meta.id.clone(),
                        helper_id: h.meta.id.clone(),
                        person_id: helped_id.clone(),
                        community: community.clone(),
                        visited_on: day,
                        item: "neighbour_home_care".into(),
                        minutes: rng.gen_range(3..=9) * 10,
                        content: "打扫卫生，陪同聊天，代购生活用品".into(),
                        confirmed: rng.gen_bool(0.95),
                        recorded_by: "community_staff".into(),
                    };
                    help_visits::insert(w, &v)?;
                    out.visits += 1;
                    day += Duration::days(every);
                }
            }
        }
    }

    // Each community's lists and each provider's settlements, month by month.
    let mut spend: Vec<Spending> = Vec::new();
    for &m in &months {
        for community in people.helpers.keys() {
            let r = subsidy::reckoning(w.conn(), community, m, rule)?;
            if r.lines.is_empty() {
                continue;
            }
            let state = state_of(m);
            let paid = state == SettlementState::Paid;
            let list = SubsidyList {
                meta: meta(w),
                community: community.clone(),
                month: m,
                state,
                rule,
                lines: r.lines,
                excluded: r.excluded,
                total: r.total,
                made_by: "community_staff".into(),
                submitted_by: Some("community_staff".into()),
                submitted_at: Some(w.at().to_string()),
                approved_by: paid.then(|| "subdistrict_caseworker".into()),
                approved_at: paid.then(|| w.at().to_string()),
                paid_on: paid.then(|| pay_day(m)),
                voucher_no: paid.then(|| {
                    format!(
                        "记-{}-{:02}{:03}",
                        m.year(),
                        m.month(),
                        out.subsidy_lists + 1
                    )
                }),
            };
            subsidies::insert(w, &list)?;
            out.subsidy_lists += 1;
            if paid && list.total.0 > 0 {
                spend.push((
                    pay_day(m),
                    "subsidy",
                    list.meta.id.clone(),
                    vec![("neighbour_help".into(), list.total)],
                    "welfare_lottery",
                ));
            }
        }
        let sellers: Vec<String> = {
            let mut v: Vec<String> = agreements::list(w.conn())?
                .into_iter()
                .filter(|a| a.buyer == year.unit)
                .map(|a| a.provider_id)
                .collect();
            v.sort();
            v.dedup();
            v
        };
        for provider_id in sellers {
            let r = settlement::reckoning(w.conn(), year.tree, &provider_id, year.unit, m)?;
            let state = state_of(m);
            let paid = state == SettlementState::Paid;
            let s = Settlement {
                meta: meta(w),
                provider_id,
                buyer: year.unit.to_string(),
                month: m,
                state,
                lines: r.lines,
                excluded: r.excluded,
                adjustments: Vec::new(),
                total: r.total,
                made_by: "subdistrict_caseworker".into(),
                submitted_by: Some("subdistrict_caseworker".into()),
                submitted_at: Some(w.at().to_string()),
                approved_by: paid.then(|| "district_admin".into()),
                approved_at: paid.then(|| w.at().to_string()),
                paid_on: paid.then(|| pay_day(m)),
                voucher_no: paid.then(|| {
                    format!(
                        "记-{}-{:02}{:03}",
                        m.year(),
                        m.month(),
                        out.settlements + 501
                    )
                }),
            };
            let cat = Catalogue::builtin();
            let mut parts: Vec<(String, Fen)> = Vec::new();
            for l in &s.lines {
                let measure = cat.measure_of(&l.item).unwrap_or("government_purchase");
                match parts.iter_mut().find(|(x, _)| x == measure) {
                    Some((_, f)) => f.0 += l.amount.0,
                    None => parts.push((measure.to_string(), l.amount)),
                }
            }
            settlements::insert(w, &s)?;
            out.settlements += 1;
            if paid && s.total.0 > 0 {
                spend.push((
                    pay_day(m),
                    "settlement",
                    s.meta.id.clone(),
                    parts,
                    "district_finance",
                ));
            }
        }
    }

    // The income: each source's appropriation in January a fifth above its year's spending
    // (in whole ten thousands of 元), and a donation kept in reserve.
    let mut needed: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, _, _, parts, source) in &spend {
        *needed.entry(source).or_default() += parts.iter().map(|(_, f)| f.0).sum::<i64>();
    }
    let january = NaiveDate::from_ymd_opt(year.today.year(), 1, 6).unwrap_or(year.today);
    let notes = [
        (
            "district_finance",
            "青财社〔{y}〕3号 服务类社会救助试点经费",
        ),
        ("welfare_lottery", "青民字〔{y}〕8号 福彩公益金（邻里互助）"),
    ];
    for (source, note) in notes {
        let need = needed.get(source).copied().unwrap_or(0);
        let amount = ((need * 6 / 5) / 1_000_000 + 1) * 1_000_000;
        ledger::book_income_in(
            w,
            &ledger::Income {
                unit: year.unit,
                source,
                kind: EntryKind::Appropriation,
                amount: Fen(amount),
                on: january,
                note: Some(note.replace("{y}", &year.today.year().to_string())),
                actor: "subdistrict_caseworker",
            },
            new_id(w),
        )?;
    }
    let june = NaiveDate::from_ymd_opt(year.today.year(), 6, 1).unwrap_or(year.today);
    if june <= year.today {
        ledger::book_income_in(
            w,
            &ledger::Income {
                unit: year.unit,
                source: "social_donation",
                kind: EntryKind::Donation,
                amount: Fen(5_000_000),
                on: june,
                note: Some("南昌市青云谱区慈善会 爱心企业捐赠".into()),
                actor: "subdistrict_caseworker",
            },
            new_id(w),
        )?;
    }
    spend.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    for (on, kind, id, parts, source) in &spend {
        let next = || new_id(w);
        let ids: Vec<String> = parts.iter().map(|_| next()).collect();
        let mut ids = ids.into_iter();
        ledger::book_spending(
            w,
            &ledger::Spending {
                unit: year.unit,
                source,
                parts,
                on: *on,
                reference_kind: kind,
                reference_id: id,
                actor: "subdistrict_caseworker",
            },
            &mut || ids.next().unwrap_or_default(),
        )?;
    }
    Ok(out)
}
