//! Households as the 户口簿 has them: made with a head (户主), members added with their relation
//! to the head (与户主关系), removed (the person leaves; every record is kept), the head
//! changed. A person is in one household at a time: joining another one leaves the old one in
//! the same transaction. The help plan and the posting list can be read per household.

use super::refusal::PeopleRefusal;
use super::{person, AppError, Ctx, Result};
use crate::domain::case::Case;
use crate::domain::household::{member_relation, relation_rank, Household, Membership, HEAD};
use crate::domain::permission::Action;
use crate::domain::person::Person;
use crate::domain::record::RecordMeta;
use crate::domain::text::optional_line;
use crate::domain::validation::Field;
use crate::store::{cases, households, persons, WriteTx};

/// Longest household note accepted.
pub const NOTE_MAX: usize = 500;

/// Reads a household the session may see.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Household> {
    let h = households::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.household",
    })?;
    ctx.require(Action::ViewPerson, &h.community)?;
    Ok(h)
}

/// The members of household `id`: the head first, then by relation as the 户口簿 lists them,
/// then by name.
pub fn members(ctx: &Ctx<'_>, id: &str) -> Result<Vec<Person>> {
    get(ctx, id)?;
    Ok(sorted(persons::members_of(ctx.store.conn(), id)?))
}

fn sorted(mut people: Vec<Person>) -> Vec<Person> {
    people.sort_by(|a, b| {
        let rank = |p: &Person| {
            p.household
                .as_ref()
                .map_or(usize::MAX, |m| relation_rank(&m.relation))
        };
        rank(a).cmp(&rank(b)).then_with(|| {
            crate::domain::pinyin_keys::sort_key(&a.facts.name)
                .cmp(&crate::domain::pinyin_keys::sort_key(&b.facts.name))
        })
    });
    people
}

/// The household of person `person_id` with its members, if they are in one.
pub fn of_person(ctx: &Ctx<'_>, person_id: &str) -> Result<Option<(Household, Vec<Person>)>> {
    let p = person::get(ctx, person_id)?;
    match p.household_id() {
        None => Ok(None),
        Some(h) => Ok(Some((get(ctx, h)?, members(ctx, h)?))),
    }
}

/// What leaving their household means for `p`: `Some(household)` to close when they are its
/// head and its last member, `None` when there is nothing to close; refused when they head a
/// household others are still in (the head changes first).
pub(crate) fn leaving(ctx: &Ctx<'_>, p: &Person) -> Result<Option<Household>> {
    let Some(m) = &p.household else {
        return Ok(None);
    };
    let conn = ctx.store.conn();
    let h = households::get(conn, &m.household_id)?.ok_or(AppError::NotFound {
        what: "record.household",
    })?;
    if h.head_person_id != p.meta.id {
        return Ok(None);
    }
    let others = persons::members_of(conn, &h.meta.id)?
        .iter()
        .filter(|o| o.meta.id != p.meta.id)
        .count();
    if others > 0 {
        return Err(PeopleRefusal::HeadWithMembers {
            name: p.facts.name.clone(),
        }
        .into());
    }
    Ok(Some(h))
}

/// Closes `h` (its last member left) inside the caller's transaction.
fn close(w: &mut WriteTx<'_>, mut h: Household) -> Result<()> {
    h.closed_at = Some(w.at().to_string());
    households::update(w, &h, "household.close")?;
    Ok(())
}

/// Saves `p` as a member of household `household_id` with `relation`, logging `kind`.
fn place(
    w: &mut WriteTx<'_>,
    p: &Person,
    household_id: &str,
    relation: String,
    kind: &str,
) -> Result<Person> {
    let mut next = p.clone();
    next.household = Some(Membership {
        household_id: household_id.to_string(),
        relation,
    });
    Ok(persons::update(w, &next, kind)?)
}

/// A person who may join or head a household: active, and the session may edit them.
fn joinable(ctx: &Ctx<'_>, person_id: &str) -> Result<Person> {
    let p = person::get(ctx, person_id)?;
    ctx.require(Action::EditPerson, &p.facts.community)?;
    person::require_active(&p)?;
    Ok(p)
}

/// 登记家庭户: a new household headed by `head_id`, in the head's community, at `address`
/// (the head's address when empty). A head already in another household leaves it.
pub fn create(ctx: &mut Ctx<'_>, head_id: &str, address: &str, note: &str) -> Result<String> {
    let head = joinable(ctx, head_id)?;
    let address = optional_line(Field::Address, address, crate::domain::person::ADDRESS_MAX)?
        .or_else(|| head.facts.address.clone());
    let note = optional_line(Field::Note, note, NOTE_MAX)?;
    let old = leaving(ctx, &head)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        if let Some(h) = old {
            close(w, h)?;
        }
        let h = Household {
            meta: RecordMeta::new(id.clone(), w.origin(), w.at()),
            community: head.facts.community.clone(),
            head_person_id: head.meta.id.clone(),
            address,
            note,
            closed_at: None,
        };
        households::insert(w, &h)?;
        place(w, &head, &id, HEAD.to_string(), "person.household_join")?;
        Ok(id)
    })
}

/// An open household the session may change.
fn editable(ctx: &Ctx<'_>, household_id: &str) -> Result<Household> {
    let h = get(ctx, household_id)?;
    ctx.require(Action::EditPerson, &h.community)?;
    if h.is_closed() {
        return Err(PeopleRefusal::HouseholdClosed.into());
    }
    Ok(h)
}

/// Adds `person_id` to household `household_id` with `relation` to the head (a catalogue
/// code, not 户主). Someone in another household leaves it in the same transaction; someone
/// already in this one gets the new relation. Members live in the household's community.
pub fn add_member(
    ctx: &mut Ctx<'_>,
    household_id: &str,
    person_id: &str,
    relation: &str,
) -> Result<Person> {
    let relation = member_relation(relation)?;
    let h = editable(ctx, household_id)?;
    let p = joinable(ctx, person_id)?;
    if p.facts.community != h.community {
        return Err(PeopleRefusal::OtherCommunity {
            name: p.facts.name.clone(),
        }
        .into());
    }
    if p.meta.id == h.head_person_id {
        return Err(PeopleRefusal::AlreadyHead {
            name: p.facts.name.clone(),
        }
        .into());
    }
    let old = if p.household_id() == Some(household_id) {
        None
    } else {
        leaving(ctx, &p)?
    };
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        if let Some(old) = old {
            close(w, old)?;
        }
        let kind = if p.household_id() == Some(household_id) {
            "person.household_relation"
        } else {
            "person.household_join"
        };
        place(w, &p, &h.meta.id, relation, kind)
    })
}

/// A member of `h`, or the refusal naming them.
fn member(ctx: &Ctx<'_>, h: &Household, person_id: &str) -> Result<Person> {
    let p = person::get(ctx, person_id)?;
    if p.household_id() != Some(h.meta.id.as_str()) {
        return Err(PeopleRefusal::NotMember {
            name: p.facts.name.clone(),
        }
        .into());
    }
    ctx.require(Action::EditPerson, &p.facts.community)?;
    Ok(p)
}

/// Changes the relation to the head of member `person_id` (not the head's own).
pub fn set_relation(
    ctx: &mut Ctx<'_>,
    household_id: &str,
    person_id: &str,
    relation: &str,
) -> Result<Person> {
    let relation = member_relation(relation)?;
    let h = editable(ctx, household_id)?;
    let p = member(ctx, &h, person_id)?;
    if p.meta.id == h.head_person_id {
        return Err(PeopleRefusal::AlreadyHead {
            name: p.facts.name.clone(),
        }
        .into());
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        place(w, &p, &h.meta.id, relation, "person.household_relation")
    })
}

/// Removes member `person_id` from household `household_id`: they leave it, every record
/// stays. The head leaves last; when they do, the household is closed.
pub fn remove_member(ctx: &mut Ctx<'_>, household_id: &str, person_id: &str) -> Result<Person> {
    let h = editable(ctx, household_id)?;
    let p = member(ctx, &h, person_id)?;
    let closing = leaving(ctx, &p)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = p.clone();
        next.household = None;
        let left = persons::update(w, &next, "person.household_leave")?;
        if let Some(h) = closing {
            close(w, h)?;
        }
        Ok(left)
    })
}

/// Makes member `new_head_id` the head of household `household_id`; the former head stays a
/// member with `old_head_relation` to the new one. The other members' relations are kept as
/// they were (the caseworker corrects them from the 户口簿).
pub fn change_head(
    ctx: &mut Ctx<'_>,
    household_id: &str,
    new_head_id: &str,
    old_head_relation: &str,
) -> Result<Household> {
    let relation = member_relation(old_head_relation)?;
    let h = editable(ctx, household_id)?;
    let new_head = member(ctx, &h, new_head_id)?;
    if new_head.meta.id == h.head_person_id {
        return Err(PeopleRefusal::AlreadyHead {
            name: new_head.facts.name.clone(),
        }
        .into());
    }
    let old_head = member(ctx, &h, &h.head_person_id)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = h.clone();
        next.head_person_id = new_head.meta.id.clone();
        let saved = households::update(w, &next, "household.head")?;
        place(
            w,
            &old_head,
            &h.meta.id,
            relation,
            "person.household_relation",
        )?;
        place(
            w,
            &new_head,
            &h.meta.id,
            HEAD.to_string(),
            "person.household_head",
        )?;
        Ok(saved)
    })
}

/// One group of the per-household lists: the household (`None` for someone in none, who
/// stands alone) and its members' cases in service with their persons.
pub type HouseholdGroup = (Option<Household>, Vec<(Case, Person)>);

/// Cases in service, optionally of one community, grouped by household for the help plan
/// (一户一档一个帮扶方案) and the posting list per household: groups in the order of their
/// first member's 服务号, members in that order inside.
pub fn in_service_by_household(
    ctx: &Ctx<'_>,
    community: Option<&str>,
) -> Result<Vec<HouseholdGroup>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let conn = ctx.store.conn();
    let mut out: Vec<HouseholdGroup> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for case in cases::in_service(conn, community)? {
        if ctx.require(Action::ViewPerson, &case.community).is_err() {
            continue;
        }
        let Some(p) = persons::get(conn, &case.person_id)? else {
            continue;
        };
        match p.household_id().map(str::to_string) {
            Some(hid) => match index.get(&hid).and_then(|&i| out.get_mut(i)) {
                Some(group) => group.1.push((case, p)),
                None => {
                    let h = households::get(conn, &hid)?;
                    index.insert(hid, out.len());
                    out.push((h, vec![(case, p)]));
                }
            },
            None => out.push((None, vec![(case, p)])),
        }
    }
    Ok(out)
}
