//! 邻里互助: registering a person of the archive as a helper, their trainings, pairing them
//! with the persons they help, and the visits the community records. A visit is refused when
//! the helper had passed no training by its day, when it falls outside the pairing's period,
//! or when its month's subsidy list was already submitted.

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::parse_date;
use crate::domain::help_visit::{HelpVisit, CONTENT_MAX};
use crate::domain::helper::{validate_bank, Helper, HelperDraft, TrainingDraft};
use crate::domain::month::Month;
use crate::domain::pairing::Pairing;
use crate::domain::permission::Action;
use crate::domain::person::Person;
use crate::domain::record::RecordMeta;
use crate::domain::text::{clean_multiline, required_line};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{help_visits, helpers, pairings, persons, subsidies};

fn refused(field: Field, what: &'static str) -> AppError {
    ValidationError::new(field, Reason::Inconsistent { what }).into()
}

fn person(ctx: &Ctx<'_>, id: &str) -> Result<Person> {
    persons::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.person",
    })
}

/// The helper with record id `id`.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Helper> {
    let h = helpers::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.helper",
    })?;
    ctx.require(Action::ViewPerson, &h.community)?;
    Ok(h)
}

/// 登记互助员: registers person `d.person_id` (active, of a community the session may
/// manage) as a helper of their community, with the bank account the subsidy is paid into.
pub fn register(ctx: &mut Ctx<'_>, d: &HelperDraft) -> Result<Helper> {
    let p = person(ctx, &d.person_id)?;
    ctx.require(Action::ManageHelpers, &p.facts.community)?;
    super::person::require_active(&p)?;
    if helpers::of_person(ctx.store.conn(), &p.meta.id)?.is_some() {
        return Err(ValidationError::new(Field::Helper, Reason::Duplicate).into());
    }
    let (bank_name, bank_account) = validate_bank(d)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let h = Helper {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            person_id: p.meta.id.clone(),
            community: p.facts.community.clone(),
            bank_name,
            bank_account,
            trainings: Vec::new(),
            active: true,
            recorded_by: actor.clone(),
        };
        helpers::insert(w, &h)?;
        Ok::<_, AppError>(h)
    })
}

/// 培训记录: adds a training to helper `helper_id`.
pub fn add_training(ctx: &mut Ctx<'_>, helper_id: &str, d: &TrainingDraft) -> Result<Helper> {
    let h = get(ctx, helper_id)?;
    ctx.require(Action::ManageHelpers, &h.community)?;
    let t = d.validate(ctx.clock.today())?;
    let mut next = h;
    next.trainings.push(t);
    next.trainings.sort_by_key(|t| t.on);
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        Ok(helpers::update(w, &next, "helper.training")?)
    })
}

/// A pairing as the form holds it.
#[derive(Debug, Clone, Default)]
pub struct PairingDraft {
    /// The helper.
    pub helper_id: String,
    /// The person helped.
    pub person_id: String,
    /// The first day, as typed.
    pub from: String,
    /// The last day, as typed (empty: open-ended).
    pub to: String,
    /// The service items agreed.
    pub items: Vec<String>,
    /// How often (a catalogue `frequency` code).
    pub frequency: String,
}

/// 结对: pairs helper `d.helper_id` with person `d.person_id` — never the helper themself.
pub fn pair(ctx: &mut Ctx<'_>, d: &PairingDraft) -> Result<Pairing> {
    let h = get(ctx, &d.helper_id)?;
    let p = person(ctx, &d.person_id)?;
    ctx.require(Action::ManageHelpers, &p.facts.community)?;
    if p.meta.id == h.person_id {
        return Err(refused(Field::Persons, "helper_rule.helps_self"));
    }
    super::person::require_active(&p)?;
    let from = parse_date(Field::AgreementFrom, &d.from)?
        .ok_or_else(|| ValidationError::new(Field::AgreementFrom, Reason::Required))?;
    let to = parse_date(Field::AgreementTo, &d.to)?;
    if to.is_some_and(|to| to < from) {
        return Err(ValidationError::new(
            Field::AgreementTo,
            Reason::NotBefore {
                day: from.format("%Y-%m-%d").to_string(),
            },
        )
        .into());
    }
    let cat = Catalogue::builtin();
    if d.items.is_empty() {
        return Err(ValidationError::new(Field::Needs, Reason::Required).into());
    }
    for item in &d.items {
        if !cat.contains(ListKind::ServiceItem, item) {
            return Err(ValidationError::new(
                Field::Needs,
                Reason::NotInCatalogue { code: item.clone() },
            )
            .into());
        }
    }
    if !cat.contains(ListKind::Frequency, &d.frequency) {
        return Err(ValidationError::new(
            Field::Frequency,
            Reason::NotInCatalogue {
                code: d.frequency.clone(),
            },
        )
        .into());
    }
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let pairing = Pairing {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            helper_id: h.meta.id.clone(),
            person_id: p.meta.id.clone(),
            community: p.facts.community.clone(),
            from,
            to,
            items: d.items.clone(),
            frequency: d.frequency.clone(),
            end_reason: None,
            recorded_by: actor.clone(),
        };
        pairings::insert(w, &pairing)?;
        Ok::<_, AppError>(pairing)
    })
}

/// 解除结对: ends pairing `id` on `on` (today when `None`) for `reason`.
pub fn end_pairing(
    ctx: &mut Ctx<'_>,
    id: &str,
    on: Option<NaiveDate>,
    reason: &str,
) -> Result<Pairing> {
    let p = pairings::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.pairing",
    })?;
    ctx.require(Action::ManageHelpers, &p.community)?;
    let on = on.unwrap_or(ctx.clock.today());
    if on < p.from {
        return Err(ValidationError::new(
            Field::Date,
            Reason::NotBefore {
                day: p.from.format("%Y-%m-%d").to_string(),
            },
        )
        .into());
    }
    let reason = required_line(Field::Reason, reason, 200)?;
    let mut next = p;
    next.to = Some(next.to.map_or(on, |to| to.min(on)));
    next.end_reason = Some(reason);
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        Ok(pairings::update(w, &next, "pairing.end")?)
    })
}

/// A visit as the form holds it.
#[derive(Debug, Clone, Default)]
pub struct VisitDraft {
    /// The pairing visited under.
    pub pairing_id: String,
    /// The day, as typed (empty: today).
    pub visited_on: String,
    /// The service item.
    pub item: String,
    /// Minutes spent.
    pub minutes: i64,
    /// What was done.
    pub content: String,
    /// The person confirmed it.
    pub confirmed: bool,
}

/// 互助服务登记: records a visit under pairing `d.pairing_id`.
pub fn record_visit(ctx: &mut Ctx<'_>, d: &VisitDraft) -> Result<HelpVisit> {
    let conn = ctx.store.conn();
    let p = pairings::get(conn, &d.pairing_id)?.ok_or(AppError::NotFound {
        what: "record.pairing",
    })?;
    ctx.require(Action::ManageHelpers, &p.community)?;
    let h = get(ctx, &p.helper_id)?;
    let today = ctx.clock.today();
    let on = parse_date(Field::Date, &d.visited_on)?.unwrap_or(today);
    if on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    if !h.active {
        return Err(refused(Field::Helper, "helper_rule.inactive"));
    }
    if !h.trained_by(on) {
        return Err(refused(Field::Helper, "helper_rule.untrained"));
    }
    if !p.runs_on(on) {
        return Err(refused(Field::Date, "helper_rule.outside_pairing"));
    }
    if !p.items.contains(&d.item) {
        return Err(refused(Field::Needs, "helper_rule.item_not_paired"));
    }
    if !(1..=1440).contains(&d.minutes) {
        return Err(
            ValidationError::new(Field::Minutes, Reason::OutOfRange { min: 1, max: 1440 }).into(),
        );
    }
    let content = clean_multiline(Field::Content, &d.content, CONTENT_MAX)?;
    if content.is_empty() {
        return Err(ValidationError::new(Field::Content, Reason::Required).into());
    }
    if subsidies::of_month(conn, &p.community, Month::of(on))?.is_some_and(|l| l.closed()) {
        return Err(refused(Field::Date, "subsidy_rule.month_closed"));
    }
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let v = HelpVisit {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            pairing_id: p.meta.id.clone(),
            helper_id: p.helper_id.clone(),
            person_id: p.person_id.clone(),
            community: p.community.clone(),
            visited_on: on,
            item: d.item.clone(),
            minutes: d.minutes,
            content,
            confirmed: d.confirmed,
            recorded_by: actor.clone(),
        };
        help_visits::insert(w, &v)?;
        Ok::<_, AppError>(v)
    })
}

/// Every helper the session may see, with their name.
pub fn list(ctx: &Ctx<'_>) -> Result<Vec<(Helper, String)>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let conn = ctx.store.conn();
    let mut out = Vec::new();
    for h in helpers::list(conn)? {
        if ctx.require(Action::ViewPerson, &h.community).is_err() {
            continue;
        }
        let name = persons::get(conn, &h.person_id)?
            .map(|p| p.facts.name)
            .unwrap_or_default();
        out.push((h, name));
    }
    Ok(out)
}

/// The pairings of helper `helper_id`, newest first.
pub fn pairings_of(ctx: &Ctx<'_>, helper_id: &str) -> Result<Vec<Pairing>> {
    let h = get(ctx, helper_id)?;
    Ok(pairings::of_helper(ctx.store.conn(), &h.meta.id)?)
}

/// The visits person `person_id` received from helpers, newest first.
pub fn visits_to(ctx: &Ctx<'_>, person_id: &str) -> Result<Vec<HelpVisit>> {
    let p = person(ctx, person_id)?;
    ctx.require(Action::ViewPerson, &p.facts.community)?;
    Ok(help_visits::of_person(ctx.store.conn(), person_id)?)
}

/// The person holding ID number `id_number` (as typed), for the forms that name a helper or
/// the person helped by it; the field is named in the refusal.
pub fn person_by_id_number(ctx: &Ctx<'_>, id_number: &str) -> Result<Person> {
    let n = crate::domain::id_number::IdNumber::parse(id_number, ctx.clock.today())?;
    let id = persons::id_by_id_number(ctx.store.conn(), n.as_str())?.ok_or(AppError::NotFound {
        what: "record.person",
    })?;
    let p = person(ctx, &id)?;
    ctx.require(Action::ViewPerson, &p.facts.community)?;
    Ok(p)
}
