//! 结算: a provider's month reckoned under the buying unit's agreements, then submitted by its
//! maker, approved by another account (maker-checker: never the submitter), and paid. Once
//! approved it is frozen: it is never made again.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::money::Fen;
use crate::domain::month::Month;
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::settlement::{reckon, Adjustment, Delivered, Settlement, SettlementState};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{agreements, cases, providers, services, settlements, supervision};

fn missing() -> AppError {
    AppError::NotFound {
        what: "record.settlement",
    }
}

fn wrong_state(what: &'static str) -> AppError {
    ValidationError::new(Field::RecordState, Reason::Inconsistent { what }).into()
}

/// What the records say provider `provider_id`'s `month` comes to under `buyer`'s agreements:
/// every service it recorded that month for people of `buyer`'s communities, reckoned, the
/// agreements' ceilings less what other settlements charged under them.
pub(crate) fn reckoning(
    conn: &rusqlite::Connection,
    tree: &crate::domain::org::OrgTree,
    provider_id: &str,
    buyer: &str,
    month: Month,
) -> Result<crate::domain::settlement::Reckoning> {
    let deals: Vec<_> = agreements::of_provider(conn, provider_id)?
        .into_iter()
        .filter(|a| a.buyer == buyer)
        .collect();
    let failed = supervision::failed_services(conn)?;
    let mut plans: HashMap<String, crate::domain::case::Case> = HashMap::new();
    let mut delivered = Vec::new();
    for (s, community) in
        services::of_provider_between(conn, provider_id, month.first_day(), month.last_day())?
    {
        if !tree.is_within(&community, buyer) {
            continue;
        }
        if !plans.contains_key(&s.case_id) {
            if let Some(c) = cases::get(conn, &s.case_id)? {
                plans.insert(s.case_id.clone(), c);
            }
        }
        let frequency = plans.get(&s.case_id).and_then(|c| {
            c.plan_lines()
                .into_iter()
                .find(|l| l.item == s.item)
                .map(|l| l.frequency)
        });
        delivered.push(Delivered {
            failed_inspection: failed.contains(&s.meta.id),
            service_id: s.meta.id,
            case_id: s.case_id,
            community,
            item: s.item,
            served_on: s.served_on,
            minutes: s.minutes,
            confirmed: s.confirmed,
            frequency,
        });
    }
    let mut charged_before: HashMap<String, Fen> = HashMap::new();
    for other in settlements::of_provider(conn, provider_id)? {
        if other.buyer != buyer || other.month == month {
            continue;
        }
        for l in &other.lines {
            let e = charged_before.entry(l.agreement_id.clone()).or_default();
            *e = Fen(e.0 + l.amount.0);
        }
    }
    Ok(reckon(month, &delivered, &deals, &charged_before))
}

/// 编制结算单: reckons provider `provider_id`'s `month` for this workstation's unit (the
/// buyer) and stores it as a draft — a draft made before is made again from the records; a
/// submitted, approved or paid one is refused. Returns the settlement.
pub fn make(ctx: &mut Ctx<'_>, provider_id: &str, month: Month) -> Result<Settlement> {
    let ws = ctx.store.workstation()?;
    let buyer = ws.org_code.clone();
    if ws.tier == Tier::Community {
        return Err(ValidationError::new(
            Field::Buyer,
            Reason::Inconsistent {
                what: "agreement_rule.buyer_not_community",
            },
        )
        .into());
    }
    ctx.require(Action::MakeSettlement, &buyer)?;
    providers::get(ctx.store.conn(), provider_id)?.ok_or(AppError::NotFound {
        what: "record.provider",
    })?;
    if month.first_day() > ctx.clock.today() {
        return Err(ValidationError::new(Field::Month, Reason::FutureDate).into());
    }
    let r = reckoning(ctx.store.conn(), &ctx.tree, provider_id, &buyer, month)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        match settlements::of_month(w.conn(), provider_id, &buyer, month)? {
            Some(s) if s.state != SettlementState::Draft => {
                Err(wrong_state("settlement_rule.not_a_draft"))
            }
            Some(mut s) => {
                s.lines = r.lines;
                s.excluded = r.excluded;
                s.total = s.sum();
                if s.total.0 < 0 {
                    return Err(negative_total());
                }
                s.made_by = actor.clone();
                Ok(settlements::update(w, &s, "settlement.remake")?)
            }
            None => {
                let s = Settlement {
                    meta: RecordMeta::new(id.clone(), w.origin(), &at),
                    provider_id: provider_id.to_string(),
                    buyer: buyer.clone(),
                    month,
                    state: SettlementState::Draft,
                    lines: r.lines,
                    excluded: r.excluded,
                    adjustments: Vec::new(),
                    total: r.total,
                    made_by: actor.clone(),
                    submitted_by: None,
                    submitted_at: None,
                    approved_by: None,
                    approved_at: None,
                    paid_on: None,
                    voucher_no: None,
                };
                settlements::insert(w, &s)?;
                Ok(s)
            }
        }
    })
}

fn negative_total() -> AppError {
    ValidationError::new(
        Field::Amount,
        Reason::Inconsistent {
            what: "settlement_rule.negative_total",
        },
    )
    .into()
}

/// 调整: puts a correction of frozen settlement `corrects` (an earlier month's of the same
/// provider and buyer) on draft `id` — `amount` in 元, negative to take back — with the
/// reason. The frozen one stays as it was approved.
pub fn adjust(
    ctx: &mut Ctx<'_>,
    id: &str,
    corrects: &str,
    amount: &str,
    reason: &str,
) -> Result<Settlement> {
    let s = load(ctx, id)?;
    ctx.require(Action::MakeSettlement, &s.buyer)?;
    if s.state != SettlementState::Draft {
        return Err(wrong_state("settlement_rule.not_a_draft"));
    }
    let earlier = load(ctx, corrects)?;
    if !earlier.frozen()
        || earlier.provider_id != s.provider_id
        || earlier.buyer != s.buyer
        || earlier.month >= s.month
    {
        return Err(ValidationError::new(
            Field::Settlement,
            Reason::Inconsistent {
                what: "settlement_rule.corrects_earlier_frozen",
            },
        )
        .into());
    }
    let text = amount.trim();
    let (sign, digits) = match text.strip_prefix(['-', '－']) {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let fen = Fen(sign * Fen::parse_yuan(Field::Amount, digits)?.0);
    if fen.0 == 0 {
        return Err(ValidationError::new(Field::Amount, Reason::Required).into());
    }
    let reason = required_line(Field::Reason, reason, 200)?;
    let mut next = s.clone();
    next.adjustments.push(Adjustment {
        corrects: earlier.meta.id.clone(),
        month: earlier.month.to_string(),
        amount: fen,
        reason,
        by: ctx.session.username.clone(),
    });
    next.total = next.sum();
    if next.total.0 < 0 {
        return Err(negative_total());
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        Ok(settlements::update(w, &next, "settlement.adjust")?)
    })
}

fn load(ctx: &Ctx<'_>, id: &str) -> Result<Settlement> {
    settlements::get(ctx.store.conn(), id)?.ok_or_else(missing)
}

/// 提交: the maker puts draft `id` up for approval.
pub fn submit(ctx: &mut Ctx<'_>, id: &str) -> Result<Settlement> {
    let s = load(ctx, id)?;
    ctx.require(Action::MakeSettlement, &s.buyer)?;
    if s.state != SettlementState::Draft {
        return Err(wrong_state("settlement_rule.not_a_draft"));
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = s.clone();
        next.state = SettlementState::Submitted;
        next.submitted_by = Some(actor.clone());
        next.submitted_at = Some(at.clone());
        Ok(settlements::update(w, &next, "settlement.submit")?)
    })
}

/// 审核: another account than the submitter approves submitted settlement `id`; from then on
/// it is frozen.
pub fn approve(ctx: &mut Ctx<'_>, id: &str) -> Result<Settlement> {
    let s = load(ctx, id)?;
    ctx.require(Action::ApproveSettlement, &s.buyer)?;
    if s.state != SettlementState::Submitted {
        return Err(wrong_state("settlement_rule.not_submitted"));
    }
    let actor = ctx.session.username.clone();
    if s.submitted_by.as_deref() == Some(actor.as_str()) {
        return Err(
            ValidationError::new(Field::Approver, Reason::SameAccount { account: actor }).into(),
        );
    }
    let at = ctx.now_text();
    ctx.store.write(&actor, &at, |w| {
        let mut next = s.clone();
        next.state = SettlementState::Approved;
        next.approved_by = Some(actor.clone());
        next.approved_at = Some(at.clone());
        Ok(settlements::update(w, &next, "settlement.approve")?)
    })
}

/// 支付: records that approved settlement `id` was paid on `paid_on` (today when `None`)
/// under voucher `voucher_no` from fund source `source`, booking one expenditure per measure
/// of its lines in the buying unit's ledger of that source in the same write — refused as a
/// whole when the source holds less (专款专用).
pub fn pay(
    ctx: &mut Ctx<'_>,
    id: &str,
    paid_on: Option<NaiveDate>,
    voucher_no: &str,
    source: &str,
) -> Result<Settlement> {
    let s = load(ctx, id)?;
    ctx.require(Action::PaySettlement, &s.buyer)?;
    if s.state != SettlementState::Approved {
        return Err(wrong_state("settlement_rule.not_approved"));
    }
    let voucher = required_line(Field::VoucherNo, voucher_no, 50)?;
    let today = ctx.clock.today();
    let on = paid_on.unwrap_or(today);
    if on > today {
        return Err(ValidationError::new(Field::PaidOn, Reason::FutureDate).into());
    }
    if !crate::domain::catalogue::Catalogue::builtin()
        .contains(crate::domain::catalogue::ListKind::FundSource, source)
    {
        return Err(ValidationError::new(
            Field::FundSource,
            Reason::NotInCatalogue {
                code: source.to_string(),
            },
        )
        .into());
    }
    // One expenditure per measure the lines' items belong to.
    let cat = crate::domain::catalogue::Catalogue::builtin();
    let mut parts: Vec<(String, Fen)> = Vec::new();
    for l in &s.lines {
        let measure = cat
            .measure_of(&l.item)
            .unwrap_or("government_purchase")
            .to_string();
        add_part(&mut parts, measure, l.amount);
    }
    // A correction is spent on (or given back to) the measure the corrected month paid for.
    for a in &s.adjustments {
        let measure = settlements::get(ctx.store.conn(), &a.corrects)?
            .and_then(|c| {
                c.lines
                    .first()
                    .and_then(|l| cat.measure_of(&l.item))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "government_purchase".to_string());
        add_part(&mut parts, measure, a.amount);
    }
    // A measure given back more than the month spends on it nets against the first one, so
    // the entries booked always sum to the settlement's total.
    if parts.iter().any(|(_, f)| f.0 < 0) {
        let total = Fen(parts.iter().map(|(_, f)| f.0).sum());
        parts.truncate(1);
        parts[0].1 = total;
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let mut ids: Vec<String> = (0..parts.len()).map(|_| ctx.new_id()).collect();
    ctx.store.write(&actor, &at, |w| {
        let mut next = s.clone();
        next.state = SettlementState::Paid;
        next.paid_on = Some(on);
        next.voucher_no = Some(voucher.clone());
        let next = settlements::update(w, &next, "settlement.pay")?;
        super::ledger::book_spending(
            w,
            &super::ledger::Spending {
                unit: &s.buyer,
                source,
                parts: &parts,
                on,
                reference_kind: "settlement",
                reference_id: &s.meta.id,
                actor: &actor,
            },
            &mut || ids.pop().unwrap_or_default(),
        )?;
        Ok(next)
    })
}

fn add_part(parts: &mut Vec<(String, Fen)>, measure: String, amount: Fen) {
    match parts.iter_mut().find(|(m, _)| *m == measure) {
        Some((_, f)) => *f = Fen(f.0 + amount.0),
        None => parts.push((measure, amount)),
    }
}

/// Every settlement the session may see, newest month first.
pub fn list(ctx: &Ctx<'_>) -> Result<Vec<Settlement>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(settlements::list(ctx.store.conn())?)
}

/// The settlement with record id `id`.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Settlement> {
    ctx.require_somewhere(Action::ViewPerson)?;
    load(ctx, id)
}

/// Writes settlement `id` as a page to print and seal (`Html`) or a workbook (`Xlsx`) into the
/// user's outbox (access-logged as a print); returns the file.
pub fn print(
    ctx: &mut Ctx<'_>,
    id: &str,
    format: super::print::ListFormat,
    lang: crate::i18n::Lang,
) -> Result<std::path::PathBuf> {
    use crate::report::settlement::{self as sheet, SettlementSheet};
    use crate::store::persons;
    let s = load(ctx, id)?;
    ctx.require(Action::MakeSettlement, &s.buyer)
        .or_else(|_| ctx.require(Action::ApproveSettlement, &s.buyer))?;
    let conn = ctx.store.conn();
    let provider = providers::get(conn, &s.provider_id)?
        .map(|p| p.name)
        .unwrap_or_default();
    let buyer = super::settings::seal_name(ctx, &s.buyer);
    let cat = crate::domain::catalogue::Catalogue::builtin();
    // Who each service served, and its day and item: read once per service.
    let mut person: HashMap<String, String> = HashMap::new();
    let mut detail: HashMap<String, (Option<NaiveDate>, String)> = HashMap::new();
    let ids = s
        .lines
        .iter()
        .map(|l| l.service_id.as_str())
        .chain(s.excluded.iter().map(|e| e.service_id.as_str()));
    for sid in ids {
        let Some(rec) = services::get(conn, sid)? else {
            continue;
        };
        let name = match cases::get(conn, &rec.case_id)? {
            Some(c) => persons::get(conn, &c.person_id)?
                .map(|p| p.facts.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        person.insert(sid.to_string(), name);
        detail.insert(
            sid.to_string(),
            (
                Some(rec.served_on),
                cat.label(
                    crate::domain::catalogue::ListKind::ServiceItem,
                    &rec.item,
                    lang,
                )
                .to_string(),
            ),
        );
    }
    let mut numbers: HashMap<String, String> = HashMap::new();
    for a in agreements::of_provider(conn, &s.provider_id)? {
        numbers.insert(a.meta.id, a.number);
    }
    let real = |who: &Option<String>| -> Result<String> {
        match who {
            Some(u) => super::users::real_name(ctx, u),
            None => Ok(String::new()),
        }
    };
    let made_by = super::users::real_name(ctx, &s.made_by)?;
    let (submitted_by, approved_by) = (real(&s.submitted_by)?, real(&s.approved_by)?);
    let person_of = |sid: &str| person.get(sid).cloned().unwrap_or_default();
    let agreement_no = |aid: &str| numbers.get(aid).cloned().unwrap_or_default();
    let detail_of = |sid: &str| detail.get(sid).cloned().unwrap_or_default();
    let paper = SettlementSheet {
        settlement: &s,
        provider: &provider,
        buyer: &buyer,
        person_of: &person_of,
        agreement_no: &agreement_no,
        made_by: &made_by,
        submitted_by: &submitted_by,
        approved_by: &approved_by,
        printed_on: ctx.clock.today(),
    };
    let (bytes, ext) = match format {
        super::print::ListFormat::Xlsx => (
            sheet::workbook(&paper, &detail_of, lang)
                .map_err(|e| AppError::Export(e.to_string()))?,
            "xlsx",
        ),
        _ => (sheet::html(&paper, &detail_of, lang).into_bytes(), "html"),
    };
    let name = format!(
        "settlement_{}_{}.{ext}",
        s.month,
        crate::report::layout::paper_no(&s.meta.id)
    );
    let path = super::print::outbox(ctx)?.join(name);
    super::print::deliver(ctx, path, &bytes, "settlement", &s.meta.id)
}
