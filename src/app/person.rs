//! Persons: create, edit, read, enrol into the archive (服务号).

use super::{AppError, Ctx, Result};
use crate::domain::catalogue::Catalogue;
use crate::domain::org::{OrgUnit, Tier};
use crate::domain::permission::Action;
use crate::domain::person::{Person, PersonDraft, PersonFacts, PersonStatus};
use crate::domain::record::RecordMeta;
use crate::store::changelog::{self, TimelineEntry};
use crate::store::{counters, orgs, persons, WriteTx};

/// Creates a person from a filled-in form; returns the new record id. An ID number that
/// another person already has is refused with that person's id, so the caller can open them.
pub fn create(ctx: &mut Ctx<'_>, draft: &PersonDraft) -> Result<String> {
    let facts = draft.validate(ctx.clock.today(), Catalogue::builtin())?;
    require_community(ctx, &facts.community)?;
    ctx.require(Action::EditPerson, &facts.community)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store
        .write(&actor, &at, |w| insert_new(w, id.clone(), facts))?;
    Ok(id)
}

/// Inserts a new person with validated `facts` inside the caller's transaction, refusing an
/// ID number someone already has. The caller has checked the community and the permission;
/// the roster import makes many persons this way in one transaction.
pub(crate) fn insert_new(w: &mut WriteTx<'_>, id: String, facts: PersonFacts) -> Result<()> {
    if let Some(number) = &facts.id_number {
        if let Some(existing_id) = persons::id_by_id_number(w.conn(), number.as_str())? {
            return Err(AppError::DuplicateIdNumber { existing_id });
        }
    }
    let person = Person {
        meta: RecordMeta::new(id, w.origin(), w.at()),
        facts,
        service_no: None,
        status: PersonStatus::Active,
    };
    persons::insert(w, &person)?;
    Ok(())
}

/// A person belongs to a community (or village) this workstation knows.
fn require_community(ctx: &Ctx<'_>, code: &str) -> Result<()> {
    match ctx.tree.get(code) {
        Some(u) if u.tier() == Tier::Community => Ok(()),
        _ => Err(AppError::UnknownOrg(code.to_string())),
    }
}

/// Reads a person the session may see.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Person> {
    let p = persons::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.person",
    })?;
    ctx.require(Action::ViewPerson, &p.facts.community)?;
    Ok(p)
}

/// Saves an edited person; `version` is the version the form was loaded from, so a save over
/// someone else's newer save is refused instead of silently overwriting it.
pub fn update(ctx: &mut Ctx<'_>, id: &str, version: i64, draft: &PersonDraft) -> Result<Person> {
    let facts = draft.validate(ctx.clock.today(), Catalogue::builtin())?;
    let current = get(ctx, id)?;
    if facts.community != current.facts.community {
        require_community(ctx, &facts.community)?;
    }
    ctx.require(Action::EditPerson, &current.facts.community)?;
    ctx.require(Action::EditPerson, &facts.community)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = current.clone();
        next.meta.version = version;
        next.facts = facts;
        save_in(w, &next, "person.update")
    })
}

/// Saves a changed person inside the caller's transaction and logs `kind`, refusing an ID
/// number another person has; `next.meta.version` is the version it was read at. The caller
/// has checked the permission (the roster import updates many persons in one transaction).
pub(crate) fn save_in(w: &mut WriteTx<'_>, next: &Person, kind: &str) -> Result<Person> {
    if let Some(number) = &next.facts.id_number {
        if let Some(existing_id) = persons::id_by_id_number(w.conn(), number.as_str())? {
            if existing_id != next.meta.id {
                return Err(AppError::DuplicateIdNumber { existing_id });
            }
        }
    }
    Ok(persons::update(w, next, kind)?)
}

/// Gives a person the next 服务号 of their community (`<community>-<0001>`); numbers are
/// never reused. A person already enrolled keeps their number.
pub fn enrol(ctx: &mut Ctx<'_>, id: &str) -> Result<String> {
    let current = get(ctx, id)?;
    ctx.require(Action::Enrol, &current.facts.community)?;
    if let Some(no) = current.service_no {
        return Ok(no);
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let no = next_service_no(w, &current.facts.community)?;
        let mut next = current.clone();
        next.service_no = Some(no.clone());
        persons::update(w, &next, "person.enrol")?;
        Ok(no)
    })
}

/// Allocates the next service number of `community` inside the caller's transaction.
pub(crate) fn next_service_no(w: &WriteTx<'_>, community: &str) -> Result<String> {
    let n = counters::next(w.conn(), &format!("service_no:{community}"))?;
    Ok(format!("{community}-{n:04}"))
}

/// Everything recorded about a person (their record, clues and cases), oldest first.
pub fn timeline(ctx: &Ctx<'_>, id: &str) -> Result<Vec<TimelineEntry>> {
    get(ctx, id)?;
    Ok(changelog::timeline(ctx.store.conn(), id)?)
}

/// True when the session may see this person's whole ID number (those who edit the record);
/// everyone else sees it masked.
pub fn may_see_id_number(ctx: &Ctx<'_>, person: &Person) -> bool {
    ctx.require(Action::EditPerson, &person.facts.community)
        .is_ok()
}

/// The communities whose records this workstation keeps, in code order.
pub fn hosted_communities(ctx: &Ctx<'_>) -> Result<Vec<OrgUnit>> {
    let hosted = orgs::hosted(ctx.store.conn())?;
    Ok(hosted
        .iter()
        .filter_map(|c| ctx.tree.get(c))
        .filter(|u| u.tier() == Tier::Community)
        .cloned()
        .collect())
}
