//! 温情服务: a provider registers a recipient by the service card before the first service,
//! then records each service. A service the card does not cover, or for a card no longer in
//! service, is refused with the reason.

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::case::{Case, CaseState};
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::service::{Registration, Satisfaction, ServiceRecord};
use crate::domain::text::{clean_multiline, required_line};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{cases, providers, services};

/// Why a card cannot be used.
fn usable(case: &Case, today: NaiveDate) -> Result<()> {
    if case.state != CaseState::InService {
        return Err(AppError::CardNotInService {
            state: case.state.label_key(),
        });
    }
    if case.card_valid_until.is_some_and(|d| d < today) {
        return Err(AppError::CardExpired);
    }
    Ok(())
}

/// The provider the session's account is tied to, if any.
pub fn own_provider(ctx: &Ctx<'_>) -> Result<Option<String>> {
    Ok(crate::store::users::provider_of(
        ctx.store.conn(),
        &ctx.session.username,
    )?)
}

/// The providers the session may register cards and record services for: its own provider
/// for an account tied to one, else every active provider.
pub fn desk_providers(ctx: &Ctx<'_>) -> Result<Vec<crate::domain::provider::Provider>> {
    ctx.require_somewhere(Action::RecordService)?;
    let own = own_provider(ctx)?;
    Ok(providers::list(ctx.store.conn())?
        .into_iter()
        .filter(|p| p.active)
        .filter(|p| own.as_ref().is_none_or(|o| *o == p.meta.id))
        .collect())
}

/// The recipients the session's provider has registered (for an account tied to a provider),
/// or those of `provider_id` for anyone else who may record services: what provider staff see
/// of the people they serve, and nothing more.
pub fn recipients(
    ctx: &Ctx<'_>,
    provider_id: &str,
) -> Result<Vec<crate::store::services::Recipient>> {
    ctx.require_somewhere(Action::RecordService)?;
    require_own_provider(ctx, provider_id)?;
    let mut out: Vec<crate::store::services::Recipient> =
        crate::store::services::recipients_of(ctx.store.conn(), provider_id)?
            .into_iter()
            .filter(|r| ctx.require(Action::RecordService, &r.community).is_ok())
            .collect();
    out.sort_by_cached_key(|r| crate::domain::pinyin_keys::sort_key(&r.name));
    Ok(out)
}

/// Refuses a session tied to one provider acting for another.
fn require_own_provider(ctx: &Ctx<'_>, provider_id: &str) -> Result<()> {
    match crate::store::users::provider_of(ctx.store.conn(), &ctx.session.username)? {
        Some(own) if own != provider_id => Err(AppError::Denied {
            action: Action::RecordService,
        }),
        _ => Ok(()),
    }
}

fn case_by_card(ctx: &Ctx<'_>, card_no: &str) -> Result<Case> {
    let no = required_line(Field::CardNo, card_no, 40)?;
    let case = cases::by_card(ctx.store.conn(), &no)?.ok_or(AppError::UnknownCard)?;
    ctx.require(Action::RecordService, &case.community)?;
    Ok(case)
}

/// Who holds a service card, as the desk shows it before registering them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHolder {
    /// The holder's name.
    pub name: String,
    /// The community code of the case.
    pub community: String,
    /// The service items the card covers (the case's assessed needs), catalogue codes.
    pub needs: Vec<String>,
}

/// The holder of card `card_no`: name, community and the items the card covers. Refused as
/// registering would be for an unknown card or one of a community the session does not serve.
pub fn card_holder(ctx: &Ctx<'_>, card_no: &str) -> Result<CardHolder> {
    ctx.require_somewhere(Action::RecordService)?;
    let case = case_by_card(ctx, card_no)?;
    let name = crate::store::persons::get(ctx.store.conn(), &case.person_id)?
        .map(|p| p.facts.name)
        .unwrap_or_default();
    Ok(CardHolder {
        name,
        community: case.community,
        needs: case.needs,
    })
}

/// 登记: provider `provider_id` registers the holder of card `card_no`; returns the
/// registration id (the existing one if already registered).
pub fn register(ctx: &mut Ctx<'_>, provider_id: &str, card_no: &str) -> Result<String> {
    require_own_provider(ctx, provider_id)?;
    let case = case_by_card(ctx, card_no)?;
    usable(&case, ctx.clock.today())?;
    let provider = providers::get(ctx.store.conn(), provider_id)?.ok_or(AppError::NotFound {
        what: "record.provider",
    })?;
    if !provider.active {
        return Err(AppError::ProviderInactive);
    }
    if let Some(r) = services::registration(ctx.store.conn(), provider_id, &case.meta.id)? {
        return Ok(r.meta.id);
    }
    let id = ctx.new_id();
    let at = ctx.now_text();
    let today = ctx.clock.today();
    let actor = ctx.session.username.clone();
    let card = case.card_no.clone().unwrap_or_default();
    ctx.store.write(&actor, &at, |w| {
        let r = Registration {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            provider_id: provider_id.to_string(),
            case_id: case.meta.id.clone(),
            card_no: card,
            registered_on: today,
        };
        services::insert_registration(w, &r)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// What the service record form holds.
#[derive(Debug, Clone, Default)]
pub struct ServiceDraft {
    pub provider_id: String,
    pub card_no: String,
    pub item: String,
    /// `None`: today.
    pub served_on: Option<NaiveDate>,
    pub minutes: i64,
    pub served_by: String,
    pub content: String,
    pub confirmed: bool,
    pub satisfaction: Option<Satisfaction>,
}

/// 服务开展记录: records one service; returns its id.
pub fn record(ctx: &mut Ctx<'_>, d: &ServiceDraft) -> Result<String> {
    require_own_provider(ctx, &d.provider_id)?;
    let case = case_by_card(ctx, &d.card_no)?;
    let today = ctx.clock.today();
    usable(&case, today)?;
    let reg = services::registration(ctx.store.conn(), &d.provider_id, &case.meta.id)?
        .ok_or(AppError::NotRegistered)?;
    if !case.needs.contains(&d.item) {
        return Err(AppError::NotCovered {
            item: d.item.clone(),
        });
    }
    let served_on = d.served_on.unwrap_or(today);
    if served_on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    if !(1..=1440).contains(&d.minutes) {
        return Err(
            ValidationError::new(Field::Minutes, Reason::OutOfRange { min: 1, max: 1440 }).into(),
        );
    }
    let served_by = required_line(
        Field::Reporter,
        &d.served_by,
        crate::domain::text::PEOPLE_LINE_MAX,
    )?;
    let content = clean_multiline(Field::Note, &d.content, 1000)?;
    if content.is_empty() {
        return Err(ValidationError::new(Field::Note, Reason::Required).into());
    }
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let s = ServiceRecord {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            registration_id: reg.meta.id.clone(),
            case_id: case.meta.id.clone(),
            provider_id: d.provider_id.clone(),
            item: d.item.clone(),
            served_on,
            minutes: d.minutes,
            served_by,
            content,
            confirmed: d.confirmed,
            satisfaction: d.satisfaction,
        };
        services::insert_service(w, &s)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// The agreement in force under which provider `provider_id` serves `item` to the holder
/// of card `card_no` on `served_on`, if any: a service under none is recorded all the same
/// (some serve free) and is shown as such.
pub fn agreement_of(
    ctx: &Ctx<'_>,
    card_no: &str,
    provider_id: &str,
    item: &str,
    served_on: chrono::NaiveDate,
) -> Result<Option<crate::domain::agreement::Agreement>> {
    let holder = card_holder(ctx, card_no)?;
    super::agreement::covering(
        ctx.store.conn(),
        provider_id,
        item,
        &holder.community,
        served_on,
    )
}

/// The services a case received, oldest first.
pub fn of_case(ctx: &Ctx<'_>, case_id: &str) -> Result<Vec<ServiceRecord>> {
    super::case::get(ctx, case_id)?;
    Ok(services::of_case(ctx.store.conn(), case_id)?)
}
