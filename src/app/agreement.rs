//! 服务协议: recording what a buying unit bought from a provider, ending it, and finding the
//! agreements in force for an item and a community — the first part of the plan's money side.

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::agreement::{parse_end_reason, Agreement, AgreementDraft, AgreementState};
use crate::domain::catalogue::Catalogue;
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{agreements, providers};

fn missing() -> AppError {
    AppError::NotFound {
        what: "record.agreement",
    }
}

/// Records an agreement of `draft.buyer` with provider `draft.provider_id`, in force from
/// its first day; returns its id. The buying unit's providers managers record it; its number
/// is unique within the buying unit.
pub fn create(ctx: &mut Ctx<'_>, draft: &AgreementDraft) -> Result<String> {
    let provider =
        providers::get(ctx.store.conn(), &draft.provider_id)?.ok_or(AppError::NotFound {
            what: "record.provider",
        })?;
    let f = draft.validate(Catalogue::builtin(), &ctx.tree, &provider)?;
    ctx.require(Action::ManageAgreements, &f.buyer)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        // Read inside the write lock: a colleague's agreement of the same number saved
        // meanwhile is seen.
        if agreements::by_number(w.conn(), &f.buyer, &f.number)?.is_some() {
            return Err(ValidationError::new(Field::AgreementNo, Reason::Duplicate).into());
        }
        let a = Agreement {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            provider_id: f.provider_id,
            number: f.number,
            buyer: f.buyer,
            signed_on: f.signed_on,
            period_from: f.period_from,
            period_to: f.period_to,
            communities: f.communities,
            lines: f.lines,
            ceiling: f.ceiling,
            state: AgreementState::Running,
            ended_on: None,
            end_reason: None,
            recorded_by: actor.clone(),
        };
        agreements::insert(w, &a)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// How an agreement is ended.
#[derive(Debug, Clone)]
pub struct Ending {
    /// Expired, terminated or superseded (never running).
    pub state: AgreementState,
    /// Its last day in force; `None`: today.
    pub on: Option<NaiveDate>,
    /// Why.
    pub reason: String,
}

/// Ends running agreement `id` with a state, a last day and a reason (logged as
/// `agreement.end`); what was delivered up to that day stays covered. Nothing is deleted.
pub fn end(ctx: &mut Ctx<'_>, id: &str, e: &Ending) -> Result<Agreement> {
    let current = agreements::get(ctx.store.conn(), id)?.ok_or_else(missing)?;
    ctx.require(Action::ManageAgreements, &current.buyer)?;
    if current.state != AgreementState::Running {
        return Err(ValidationError::new(
            Field::RecordState,
            Reason::Inconsistent {
                what: "agreement_rule.already_ended",
            },
        )
        .into());
    }
    if e.state == AgreementState::Running {
        return Err(ValidationError::new(
            Field::RecordState,
            Reason::NotInCatalogue {
                code: e.state.code().into(),
            },
        )
        .into());
    }
    let reason = parse_end_reason(&e.reason)?;
    let on = e.on.unwrap_or_else(|| ctx.clock.today());
    // A day before the first would leave a period that never ran.
    let earliest = current.period_from - chrono::Duration::days(1);
    if on < earliest {
        return Err(ValidationError::new(
            Field::Date,
            Reason::NotBefore {
                day: earliest.format("%Y-%m-%d").to_string(),
            },
        )
        .into());
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = current.clone();
        next.state = e.state;
        next.ended_on = Some(on.min(current.period_to));
        next.end_reason = Some(reason.clone());
        Ok(agreements::update(w, &next, "agreement.end")?)
    })
}

/// Every agreement the session may see (whoever may see persons sees who serves them under
/// what), newest period first.
pub fn list(ctx: &Ctx<'_>) -> Result<Vec<Agreement>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(agreements::list(ctx.store.conn())?)
}

/// The agreements of provider `provider_id`, newest period first.
pub fn of_provider(ctx: &Ctx<'_>, provider_id: &str) -> Result<Vec<Agreement>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(agreements::of_provider(ctx.store.conn(), provider_id)?)
}

/// The agreement with record id `id`.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Agreement> {
    ctx.require_somewhere(Action::ViewPerson)?;
    agreements::get(ctx.store.conn(), id)?.ok_or_else(missing)
}

/// The agreement a user names on the command line: by its record id, or by its number when
/// one agreement alone carries it.
pub fn find(ctx: &Ctx<'_>, number_or_id: &str) -> Result<Agreement> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let key = number_or_id.trim();
    if let Some(a) = agreements::get(ctx.store.conn(), key)? {
        return Ok(a);
    }
    let mut hits: Vec<Agreement> = agreements::list(ctx.store.conn())?
        .into_iter()
        .filter(|a| a.number == key)
        .collect();
    match hits.len() {
        0 => Err(ValidationError::new(Field::AgreementNo, Reason::NoMatch).into()),
        1 => Ok(hits.remove(0)),
        n => Err(ValidationError::new(Field::AgreementNo, Reason::SeveralMatch { n }).into()),
    }
}

/// The providers with an agreement in force on `day` that buys `item` for `community`.
pub fn providers_under_agreement(
    conn: &rusqlite::Connection,
    item: &str,
    community: &str,
    day: NaiveDate,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = agreements::list(conn)?
        .into_iter()
        .filter(|a| a.covers(item, community, day))
        .map(|a| a.provider_id)
        .collect();
    out.dedup();
    Ok(out)
}

/// The agreement in force on `day` under which provider `provider_id` serves `item` to
/// `community`, if there is one (a service without one is allowed: some serve free).
pub fn covering(
    conn: &rusqlite::Connection,
    provider_id: &str,
    item: &str,
    community: &str,
    day: NaiveDate,
) -> Result<Option<Agreement>> {
    Ok(agreements::of_provider(conn, provider_id)?
        .into_iter()
        .find(|a| a.covers(item, community, day)))
}
