//! 邻里互助补贴: the subdistrict's rule (a workstation setting, each change in the access
//! log), and each community's monthly list — made from the confirmed visits, submitted by the
//! community, approved at the subdistrict by another account, paid and booked in the
//! subdistrict's fund ledger. A submitted month is closed: its visits no longer change.

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::month::Month;
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::settlement::SettlementState;
use crate::domain::subsidy::{reckon, Rule, SubsidyList};
use crate::domain::text::required_line;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{access_log, help_visits, helpers, settings, subsidies, StoreError};

/// The settings key of the rule (JSON of [`Rule`]).
pub(crate) const RULE_KEY: &str = "subsidy.rule";

fn refused(field: Field, what: &'static str) -> AppError {
    ValidationError::new(field, Reason::Inconsistent { what }).into()
}

fn missing() -> AppError {
    AppError::NotFound {
        what: "record.subsidy_list",
    }
}

/// The subsidy rule this workstation holds, if set.
pub fn rule(ctx: &Ctx<'_>) -> Result<Option<Rule>> {
    match settings::get(ctx.store.conn(), RULE_KEY)? {
        None => Ok(None),
        Some(v) => serde_json::from_str(&v).map(Some).map_err(|_| {
            StoreError::Corrupt {
                table: "settings",
                column: "value",
            }
            .into()
        }),
    }
}

/// 设置补贴标准: stores the rule from the form's texts (basis code, rate and cap in 元); the
/// change goes to the access log with the old and the new rule. Returns the rule.
pub fn set_rule(ctx: &mut Ctx<'_>, basis: &str, rate: &str, cap: &str) -> Result<Rule> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageFunds, &ws.org_code)?;
    let next = Rule::parse(basis, rate, cap)?;
    let before = rule(ctx)?;
    if before == Some(next) {
        return Ok(next);
    }
    let text = serde_json::to_string(&next).map_err(|e| AppError::Export(e.to_string()))?;
    let old = before
        .and_then(|r| serde_json::to_string(&r).ok())
        .unwrap_or_else(|| "-".into());
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| {
        settings::put(tx, RULE_KEY, &text, &at, &actor)?;
        access_log::append(
            tx,
            &at,
            &actor,
            "setting",
            RULE_KEY,
            &format!("{old} -> {text}"),
        )?;
        Ok::<_, StoreError>(())
    })?;
    Ok(next)
}

/// What community `community`'s visits of `month` come to under `rule`.
pub(crate) fn reckoning(
    conn: &rusqlite::Connection,
    community: &str,
    month: Month,
    rule: Rule,
) -> Result<crate::domain::subsidy::Reckoning> {
    let visits =
        help_visits::of_community_between(conn, community, month.first_day(), month.last_day())?;
    let mut known = std::collections::HashMap::new();
    for v in &visits {
        if !known.contains_key(&v.helper_id) {
            known.insert(v.helper_id.clone(), helpers::get(conn, &v.helper_id)?);
        }
    }
    let trained = |helper: &str, day: NaiveDate| {
        known
            .get(helper)
            .and_then(Option::as_ref)
            .is_some_and(|h: &crate::domain::helper::Helper| h.trained_by(day))
    };
    Ok(reckon(month, &visits, rule, &trained))
}

fn load(ctx: &Ctx<'_>, id: &str) -> Result<SubsidyList> {
    subsidies::get(ctx.store.conn(), id)?.ok_or_else(missing)
}

/// 编制补贴发放表: reckons community `community`'s `month` from its visits under this
/// workstation's rule and stores it as a draft (a draft made before is made again).
pub fn make(ctx: &mut Ctx<'_>, community: &str, month: Month) -> Result<SubsidyList> {
    ctx.require(Action::MakeSubsidy, community)?;
    if ctx.tree.get(community).map(|u| u.tier()) != Some(Tier::Community) {
        return Err(ValidationError::new(
            Field::Community,
            Reason::NotACommunity {
                code: community.to_string(),
            },
        )
        .into());
    }
    if month.first_day() > ctx.clock.today() {
        return Err(ValidationError::new(Field::Month, Reason::FutureDate).into());
    }
    let rule = rule(ctx)?.ok_or_else(|| refused(Field::SubsidyRate, "subsidy_rule.no_rule"))?;
    let r = reckoning(ctx.store.conn(), community, month, rule)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        match subsidies::of_month(w.conn(), community, month)? {
            Some(s) if s.closed() => Err(refused(Field::RecordState, "subsidy_rule.not_a_draft")),
            Some(mut s) => {
                s.rule = rule;
                s.lines = r.lines;
                s.excluded = r.excluded;
                s.total = r.total;
                s.made_by = actor.clone();
                Ok(subsidies::update(w, &s, "subsidy.remake")?)
            }
            None => {
                let s = SubsidyList {
                    meta: RecordMeta::new(id.clone(), w.origin(), &at),
                    community: community.to_string(),
                    month,
                    state: SettlementState::Draft,
                    rule,
                    lines: r.lines,
                    excluded: r.excluded,
                    total: r.total,
                    made_by: actor.clone(),
                    submitted_by: None,
                    submitted_at: None,
                    approved_by: None,
                    approved_at: None,
                    paid_on: None,
                    voucher_no: None,
                };
                subsidies::insert(w, &s)?;
                Ok(s)
            }
        }
    })
}

/// 提交: the community puts draft `id` up for the subdistrict's approval; the month's visits
/// are closed from then on.
pub fn submit(ctx: &mut Ctx<'_>, id: &str) -> Result<SubsidyList> {
    let s = load(ctx, id)?;
    ctx.require(Action::MakeSubsidy, &s.community)?;
    if s.state != SettlementState::Draft {
        return Err(refused(Field::RecordState, "subsidy_rule.not_a_draft"));
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = s.clone();
        next.state = SettlementState::Submitted;
        next.submitted_by = Some(actor.clone());
        next.submitted_at = Some(at.clone());
        Ok(subsidies::update(w, &next, "subsidy.submit")?)
    })
}

/// 审核: another account than the submitter approves submitted list `id`, under the rule
/// this workstation holds (a list made under another rule goes back to be made again).
pub fn approve(ctx: &mut Ctx<'_>, id: &str) -> Result<SubsidyList> {
    let s = load(ctx, id)?;
    ctx.require(Action::ApproveSubsidy, &s.community)?;
    if s.state != SettlementState::Submitted {
        return Err(refused(Field::RecordState, "subsidy_rule.not_submitted"));
    }
    let actor = ctx.session.username.clone();
    // Money is never approved by its preparer: the maker-checker exception of 系统设置 is for
    // case decisions in a one-caseworker office, not for payments.
    crate::domain::approval::check(s.submitted_by.as_deref(), &actor, false).map_err(|e| {
        ValidationError::new(Field::Approver, Reason::SameAccount { account: e.account })
    })?;
    if rule(ctx)? != Some(s.rule) {
        return Err(refused(Field::SubsidyRate, "subsidy_rule.rule_changed"));
    }
    let at = ctx.now_text();
    ctx.store.write(&actor, &at, |w| {
        let mut next = s.clone();
        next.state = SettlementState::Approved;
        next.approved_by = Some(actor.clone());
        next.approved_at = Some(at.clone());
        Ok(subsidies::update(w, &next, "subsidy.approve")?)
    })
}

/// The subdistrict that pays community `community`'s subsidies.
fn paying_unit(ctx: &Ctx<'_>, community: &str) -> String {
    ctx.tree
        .ancestors(community)
        .into_iter()
        .find(|u| u.tier() == Tier::Subdistrict)
        .map(|u| u.code.clone())
        .unwrap_or_else(|| community.to_string())
}

/// 发放: records that approved list `id` was paid on `paid_on` (today when `None`) under
/// voucher `voucher_no` from fund source `source`, booking the expenditure (邻里互助服务) in
/// the subdistrict's ledger of that source in the same write — refused as a whole when the
/// source holds less.
pub fn pay(
    ctx: &mut Ctx<'_>,
    id: &str,
    paid_on: Option<NaiveDate>,
    voucher_no: &str,
    source: &str,
) -> Result<SubsidyList> {
    let s = load(ctx, id)?;
    ctx.require(Action::PaySubsidy, &s.community)?;
    if s.state != SettlementState::Approved {
        return Err(refused(Field::RecordState, "subsidy_rule.not_approved"));
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
    let unit = paying_unit(ctx, &s.community);
    let parts = [("neighbour_help".to_string(), s.total)];
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let entry_id = ctx.new_id();
    ctx.store.write(&actor, &at, |w| {
        let mut next = s.clone();
        next.state = SettlementState::Paid;
        next.paid_on = Some(on);
        next.voucher_no = Some(voucher.clone());
        let next = subsidies::update(w, &next, "subsidy.pay")?;
        let mut ids = Some(entry_id.clone());
        super::ledger::book_spending(
            w,
            &super::ledger::Spending {
                unit: &unit,
                source,
                parts: &parts,
                on,
                reference_kind: "subsidy",
                reference_id: &s.meta.id,
                actor: &actor,
            },
            &mut || ids.take().unwrap_or_default(),
        )?;
        Ok(next)
    })
}

/// Every list the session may see, newest month first.
pub fn list(ctx: &Ctx<'_>) -> Result<Vec<SubsidyList>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(subsidies::list(ctx.store.conn())?
        .into_iter()
        .filter(|s| ctx.require(Action::ViewPerson, &s.community).is_ok())
        .collect())
}

/// The list with record id `id`.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<SubsidyList> {
    let s = load(ctx, id)?;
    ctx.require(Action::ViewPerson, &s.community)?;
    Ok(s)
}

/// Writes list `id` as a page to print and seal (`Html`) or the payment workbook (`Xlsx`)
/// into the user's outbox (access-logged as a print); bank accounts show only their last
/// four digits. Returns the file.
pub fn print(
    ctx: &mut Ctx<'_>,
    id: &str,
    format: super::print::ListFormat,
    lang: crate::i18n::Lang,
) -> Result<std::path::PathBuf> {
    use crate::report::subsidy::{self as sheet, Payee, SubsidySheet};
    let s = load(ctx, id)?;
    ctx.require(Action::MakeSubsidy, &s.community)
        .or_else(|_| ctx.require(Action::ApproveSubsidy, &s.community))?;
    let conn = ctx.store.conn();
    let mut payees = std::collections::HashMap::new();
    for l in &s.lines {
        let h = helpers::get(conn, &l.helper_id)?;
        let name = match &h {
            Some(h) => crate::store::persons::get(conn, &h.person_id)?
                .map(|p| p.facts.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        payees.insert(
            l.helper_id.clone(),
            (
                name,
                h.as_ref()
                    .and_then(|h| h.bank_name.clone())
                    .unwrap_or_default(),
                h.and_then(|h| h.bank_account).unwrap_or_default(),
            ),
        );
    }
    let payee = |helper: &str| {
        let (name, bank, account) = payees.get(helper).cloned().unwrap_or_default();
        Payee {
            name,
            bank,
            account,
        }
    };
    let community = super::settings::seal_name(ctx, &s.community);
    let subdistrict = super::settings::seal_name(ctx, &paying_unit(ctx, &s.community));
    let made_by = super::users::real_name(ctx, &s.made_by)?;
    let approved_by = match &s.approved_by {
        Some(u) => super::users::real_name(ctx, u)?,
        None => String::new(),
    };
    let paper = SubsidySheet {
        list: &s,
        community: &community,
        subdistrict: &subdistrict,
        payee: &payee,
        made_by: &made_by,
        approved_by: &approved_by,
        printed_on: ctx.clock.today(),
    };
    let (bytes, ext) = match format {
        super::print::ListFormat::Xlsx => (
            sheet::workbook(&paper, lang).map_err(|e| AppError::Export(e.to_string()))?,
            "xlsx",
        ),
        _ => (sheet::html(&paper, lang).into_bytes(), "html"),
    };
    let name = format!(
        "subsidy_{}_{}.{ext}",
        s.month,
        crate::report::layout::paper_no(&s.meta.id)
    );
    let path = super::print::outbox(ctx)?.join(name);
    super::print::deliver(ctx, path, &bytes, "subsidy", &s.meta.id)
}
