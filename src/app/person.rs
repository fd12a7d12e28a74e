//! Persons: create, edit, read, enrol into the archive (服务号); duplicates at the door and
//! merging two records of one person; transfers between communities (迁出 → 迁入).

use super::refusal::PeopleRefusal;
use super::{AppError, Ctx, Result};
use crate::domain::catalogue::Catalogue;
use crate::domain::household::HEAD;
use crate::domain::org::{OrgUnit, Tier};
use crate::domain::permission::Action;
use crate::domain::person::{
    similar_names, Disclosure, Person, PersonDraft, PersonFacts, PersonStatus,
};
use crate::domain::record::RecordMeta;
use crate::domain::roster::RosterStatus;
use crate::domain::task::TaskState;
use crate::domain::text::required_line;
use crate::domain::transfer::{Transfer, TransferState};
use crate::domain::validation::Field;
use crate::store::changelog::{self, TimelineEntry};
use crate::store::records::{self, Entity};
use crate::store::{cases, clues, counters, households, orgs, persons, tasks, transfers, WriteTx};

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
    let person = Person::new(RecordMeta::new(id, w.origin(), w.at()), facts);
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
    // A change of 救助身份 by hand asks for the same follow-up as the roster's.
    let change =
        RosterStatus::of_change(&current.facts.assistance_status, &facts.assistance_status);
    let task_id = change.map(|_| ctx.new_id());
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = current.clone();
        next.meta.version = version;
        next.facts = facts;
        let saved = save_in(w, &next, "person.update")?;
        if let (Some(status), Some(task_id)) = (change, task_id) {
            let category = match status {
                RosterStatus::Cancelled => current.facts.assistance_status.as_str(),
                RosterStatus::Added | RosterStatus::Changed => {
                    saved.facts.assistance_status.as_str()
                }
            };
            super::roster::follow_up(
                w,
                task_id,
                &saved,
                &super::roster::FollowUpOf {
                    status,
                    category,
                    approved_on: None,
                    source: format!("person:{}", saved.meta.id),
                },
            )?;
        }
        Ok(saved)
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

/// True when the session may edit this person's record (and the forms that change it).
pub fn may_edit(ctx: &Ctx<'_>, person: &Person) -> bool {
    ctx.require(Action::EditPerson, &person.facts.community)
        .is_ok()
}

/// How the session sees the ID number, phone, address and birth date of the persons of
/// `community`: whole for those who may edit their records, masked for everyone else — on
/// screens, prints and exports alike; only [`reveal`] shows them whole, on one screen.
pub fn disclosure(ctx: &Ctx<'_>, community: &str) -> Disclosure {
    Disclosure::whole_if(ctx.require(Action::EditPerson, community).is_ok())
}

/// Shows person `id`'s ID number, phone and address whole to a session that sees them masked,
/// for the reason given (required, one line): written to the access log — who, whose, why, when.
/// The reveal lasts while the screen that asked for it is open.
pub fn reveal(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Person> {
    let person = get(ctx, id)?;
    let reason = crate::domain::text::required_line(
        crate::domain::validation::Field::RevealReason,
        reason,
        100,
    )?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    crate::store::access_log::append_now(ctx.store, &at, &actor, "reveal", id, &reason)?;
    Ok(person)
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

/// Longest reason accepted for a merge or a transfer.
pub const REASON_MAX: usize = 200;

/// A person already on record whom a new person's form may duplicate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The person on record.
    pub person: Person,
    /// The birth dates are the same.
    pub same_birth_date: bool,
    /// The phones are the same.
    pub same_phone: bool,
}

/// The people a new person's form may duplicate: in the same community, not cancelled, with a
/// similar name (see [`similar_names`]) and the same birth date or the same phone. Someone
/// whose ID number differs from the form's is listed too: one of the two numbers may be
/// mistyped, and the list shows both (masked) for the user to compare. Refuses like
/// [`create`] does: a field in error, or an ID number someone already holds
/// ([`AppError::DuplicateIdNumber`], naming them so the caller can open them).
pub fn possible_duplicates(ctx: &Ctx<'_>, draft: &PersonDraft) -> Result<Vec<Candidate>> {
    let facts = draft.validate(ctx.clock.today(), Catalogue::builtin())?;
    require_community(ctx, &facts.community)?;
    // The list shows the candidates' facts whole: only to whom may make the person.
    ctx.require(Action::EditPerson, &facts.community)?;
    let conn = ctx.store.conn();
    if let Some(number) = &facts.id_number {
        if let Some(existing_id) = persons::id_by_id_number(conn, number.as_str())? {
            return Err(AppError::DuplicateIdNumber { existing_id });
        }
    }
    if facts.birth_date.is_none() && facts.phone.is_none() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Candidate> = persons::same_birth_or_phone(
        conn,
        &facts.community,
        facts.birth_date,
        facts.phone.as_deref(),
    )?
    .into_iter()
    .filter(|p| similar_names(&p.facts.name, &facts.name))
    .map(|p| Candidate {
        same_birth_date: facts.birth_date.is_some() && p.facts.birth_date == facts.birth_date,
        same_phone: facts.phone.is_some() && p.facts.phone == facts.phone,
        person: p,
    })
    .collect();
    // Both alike first, then the same name before a similar one.
    out.sort_by_key(|c| {
        (
            !(c.same_birth_date && c.same_phone),
            c.person.facts.name != facts.name,
        )
    });
    Ok(out)
}

/// Refuses a person whose record has ended (cancelled, deceased, moved out of the district).
pub(crate) fn require_active(p: &Person) -> Result<()> {
    if p.status == PersonStatus::Active {
        Ok(())
    } else {
        Err(PeopleRefusal::NotActive {
            name: p.facts.name.clone(),
            status: p.status.label_key(),
        }
        .into())
    }
}

/// Refuses while a transfer of `p` waits for the receiving community.
fn require_no_pending_transfer(ctx: &Ctx<'_>, p: &Person) -> Result<()> {
    if transfers::pending_of_person(ctx.store.conn(), &p.meta.id)?.is_some() {
        return Err(PeopleRefusal::TransferPending {
            name: p.facts.name.clone(),
        }
        .into());
    }
    Ok(())
}

/// Fills the kept person's empty facts from the merged one's, never overwriting.
fn fill_facts(keep: &mut PersonFacts, gone: &PersonFacts) {
    if keep.id_number.is_none() && gone.id_number.is_some() {
        keep.id_number = gone.id_number.clone();
        keep.sex = gone.sex;
        keep.birth_date = gone.birth_date;
    }
    if keep.sex.is_none() {
        keep.sex = gone.sex;
    }
    if keep.birth_date.is_none() {
        keep.birth_date = gone.birth_date;
    }
    if keep.assistance_status == "none" && gone.assistance_status != "none" {
        keep.assistance_status = gone.assistance_status.clone();
    }
    for (k, g) in [
        (&mut keep.phone, &gone.phone),
        (&mut keep.address, &gone.address),
        (
            &mut keep.assistance_certificate,
            &gone.assistance_certificate,
        ),
        (&mut keep.self_care, &gone.self_care),
        (&mut keep.disability_type, &gone.disability_type),
        (&mut keep.disability_grade, &gone.disability_grade),
        (&mut keep.disability_cert, &gone.disability_cert),
        (&mut keep.diseases, &gone.diseases),
        (&mut keep.guardian_name, &gone.guardian_name),
        (&mut keep.guardian_phone, &gone.guardian_phone),
        (&mut keep.guardian_status, &gone.guardian_status),
        (&mut keep.emergency_contact, &gone.emergency_contact),
        (&mut keep.note, &gone.note),
    ] {
        if k.is_none() {
            k.clone_from(g);
        }
    }
}

/// Moves the open clues, cases and follow-up tasks of `person_id` to `community`, logging
/// `kind` on each: open work follows its person; closed work stays where it was done.
fn follow_community(
    w: &mut WriteTx<'_>,
    person_id: &str,
    community: &str,
    suffix: &str,
) -> Result<()> {
    for id in records::ids_where(w.conn(), Entity::Clue, "person_id", person_id)? {
        if let Some(mut c) = clues::get(w.conn(), &id)? {
            if !c.state.is_closed() && c.community != community {
                c.community = community.to_string();
                clues::update(w, &c, &format!("clue.{suffix}"))?;
            }
        }
    }
    for mut c in cases::of_person(w.conn(), person_id)? {
        if !c.state.is_closed() && c.community != community {
            c.community = community.to_string();
            cases::update(w, &c, &format!("case.{suffix}"))?;
        }
    }
    for id in records::ids_where(w.conn(), Entity::Task, "person_id", person_id)? {
        if let Some(mut t) = tasks::get(w.conn(), &id)? {
            if t.state == TaskState::Open && t.community != community {
                t.community = community.to_string();
                tasks::update(w, &t, &format!("task.{suffix}"))?;
            }
        }
    }
    Ok(())
}

/// What happens to households when `gone` is merged into `keep`.
enum HouseholdMove {
    /// The merged person was in no household.
    None,
    /// Both were in the same household: the merged one leaves it; `head` when they headed it
    /// (the kept one heads it then).
    Leave { head: bool },
    /// Only the merged one was in a household: the kept one takes their place.
    TakeOver { head: bool },
}

fn household_move(ctx: &Ctx<'_>, keep: &Person, gone: &Person) -> Result<HouseholdMove> {
    let Some(g) = &gone.household else {
        return Ok(HouseholdMove::None);
    };
    let h = households::get(ctx.store.conn(), &g.household_id)?.ok_or(AppError::NotFound {
        what: "record.household",
    })?;
    let head = h.head_person_id == gone.meta.id;
    match &keep.household {
        Some(k) if k.household_id == g.household_id => Ok(HouseholdMove::Leave { head }),
        None if h.community == keep.facts.community => Ok(HouseholdMove::TakeOver { head }),
        _ => Err(PeopleRefusal::MergeHouseholds.into()),
    }
}

/// Why `merged_id` cannot be merged into `keep_id`, checked before anything is written (the
/// merge screen shows it before the user types a reason); `Ok` when it can.
pub fn check_merge(ctx: &Ctx<'_>, keep_id: &str, merged_id: &str) -> Result<()> {
    merge_plan(ctx, keep_id, merged_id).map(|_| ())
}

/// The two records of a merge and what happens to their households, or the refusal.
fn merge_plan(
    ctx: &Ctx<'_>,
    keep_id: &str,
    merged_id: &str,
) -> Result<(Person, Person, HouseholdMove)> {
    if keep_id == merged_id {
        return Err(PeopleRefusal::MergeSelf.into());
    }
    let keep = get(ctx, keep_id)?;
    let gone = get(ctx, merged_id)?;
    ctx.require(Action::EditPerson, &keep.facts.community)?;
    ctx.require(Action::EditPerson, &gone.facts.community)?;
    for p in [&keep, &gone] {
        if p.status == PersonStatus::Cancelled {
            return Err(PeopleRefusal::NotActive {
                name: p.facts.name.clone(),
                status: p.status.label_key(),
            }
            .into());
        }
        require_no_pending_transfer(ctx, p)?;
    }
    if let (Some(a), Some(b)) = (&keep.facts.id_number, &gone.facts.id_number) {
        if a != b {
            return Err(PeopleRefusal::MergeDifferentIds.into());
        }
    }
    let hh = household_move(ctx, &keep, &gone)?;
    Ok((keep, gone, hh))
}

/// 合并重复记录: joins the record `merged_id` into `keep_id` in one transaction. Every record
/// that points at the merged person (clues, cases with their services, documents, complaints,
/// follow-up tasks, transfers, the household they head) points at the kept one afterwards; the
/// kept person's empty facts are filled from the merged one's, never overwritten; the merged
/// record ends Cancelled, naming the kept one and the reason. Both histories stay in the
/// change log, and the kept person's timeline shows the merged one's too. Refuses merging a
/// record into itself, a cancelled record, two different ID numbers, two households, and
/// while a transfer waits; needs EditPerson on both communities.
pub fn merge(ctx: &mut Ctx<'_>, keep_id: &str, merged_id: &str, reason: &str) -> Result<Person> {
    let reason = required_line(Field::Reason, reason, REASON_MAX)?;
    let (keep, gone, hh) = merge_plan(ctx, keep_id, merged_id)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let (k, g) = (keep.meta.id.as_str(), gone.meta.id.as_str());
        // Records that point at the merged person follow the kept one.
        for id in records::ids_where(w.conn(), Entity::Clue, "person_id", g)? {
            let Some(mut c) = clues::get(w.conn(), &id)? else {
                continue;
            };
            c.person_id = k.to_string();
            if !c.state.is_closed() {
                c.community.clone_from(&keep.facts.community);
            }
            clues::update(w, &c, "clue.merge")?;
        }
        for mut c in cases::of_person(w.conn(), g)? {
            c.person_id = k.to_string();
            if !c.state.is_closed() {
                c.community.clone_from(&keep.facts.community);
            }
            cases::update(w, &c, "case.merge")?;
        }
        for id in records::ids_where(w.conn(), Entity::Task, "person_id", g)? {
            let Some(mut t) = tasks::get(w.conn(), &id)? else {
                continue;
            };
            // One roster row makes one task per person: the kept person's copy of the same
            // row stands, and this one is closed with the merge's reason instead of moving.
            let twin = match (t.roster_status, &t.category, t.approved_on) {
                (Some(st), Some(cat), Some(on)) => {
                    tasks::roster_row_exists(w.conn(), k, st, cat, on)?
                }
                _ => false,
            };
            if twin {
                if t.state == TaskState::Open {
                    t.state = TaskState::Done;
                    t.done_at = Some(w.at().to_string());
                    t.done_by = Some(w.actor().to_string());
                    t.note = Some(reason.clone());
                    tasks::update(w, &t, "task.merge")?;
                }
                continue;
            }
            t.person_id = k.to_string();
            if t.state == TaskState::Open {
                t.community.clone_from(&keep.facts.community);
            }
            tasks::update(w, &t, "task.merge")?;
        }
        for (entity, kind) in [
            (Entity::Document, "document.merge"),
            (Entity::DocumentWaiver, "document_waiver.merge"),
            (Entity::Complaint, "complaint.merge"),
            (Entity::Transfer, "transfer.merge"),
        ] {
            for id in records::ids_where(w.conn(), entity, "person_id", g)? {
                records::set_column(w, entity, &id, "person_id", Some(k), kind)?;
            }
        }
        // The merged record first gives up what is unique (ID number, 服务号) and its
        // household place, so the kept one can take them.
        let mut next_keep = keep.clone();
        fill_facts(&mut next_keep.facts, &gone.facts);
        if next_keep.service_no.is_none() && keep.facts.community == gone.facts.community {
            next_keep.service_no.clone_from(&gone.service_no);
        }
        let mut next_gone = gone.clone();
        if next_keep.facts.id_number == gone.facts.id_number {
            next_gone.facts.id_number = None;
        }
        if next_keep.service_no.is_some() && next_keep.service_no == gone.service_no {
            next_gone.service_no = None;
        }
        next_gone.household = None;
        next_gone.status = PersonStatus::Cancelled;
        next_gone.merged_into = Some(k.to_string());
        next_gone.status_reason = Some(reason.clone());
        persons::update(w, &next_gone, "person.merged")?;
        match hh {
            HouseholdMove::None => {}
            HouseholdMove::Leave { head } | HouseholdMove::TakeOver { head } => {
                if next_keep.household.is_none() {
                    next_keep.household.clone_from(&gone.household);
                }
                if head {
                    if let Some(m) = next_keep.household.as_mut() {
                        m.relation = HEAD.to_string();
                    }
                }
            }
        }
        let kept = persons::update(w, &next_keep, "person.merge")?;
        // The household the merged person heads passes to the kept one (who took their
        // place above); closed ones they headed point at the kept person like every record.
        for id in records::ids_where(w.conn(), Entity::Household, "head_person_id", g)? {
            records::set_column(
                w,
                Entity::Household,
                &id,
                "head_person_id",
                Some(k),
                "household.merge",
            )?;
        }
        Ok(kept)
    })
}

/// 迁出: moves person `person_id` to community `to_community` of the district, for `reason`.
/// The person's file goes with them: their community changes, their open clues, cases (card
/// numbers stay) and follow-up tasks follow, and they leave their household, all in one
/// transaction with a pending transfer record that the receiving community sees in its
/// inbox. Needs EditPerson on the sending community. Refuses an unknown org unit, one that is
/// not a community, the person's own community, a record not active, a second transfer while
/// one waits, and the head of a household with other members.
pub fn transfer(
    ctx: &mut Ctx<'_>,
    person_id: &str,
    to_community: &str,
    reason: &str,
) -> Result<Transfer> {
    let person = get(ctx, person_id)?;
    ctx.require(Action::EditPerson, &person.facts.community)?;
    let to = to_community.trim().to_string();
    let unit = ctx
        .tree
        .get(&to)
        .ok_or_else(|| AppError::UnknownOrg(to.clone()))?;
    if unit.tier() != Tier::Community {
        return Err(PeopleRefusal::NotACommunity {
            name: unit.name.clone(),
        }
        .into());
    }
    if to == person.facts.community {
        return Err(PeopleRefusal::SameCommunity.into());
    }
    let reason = required_line(Field::Reason, reason, REASON_MAX)?;
    require_active(&person)?;
    require_no_pending_transfer(ctx, &person)?;
    let leave = super::household::leaving(ctx, &person)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = person.clone();
        next.facts.community.clone_from(&to);
        next.household = None;
        persons::update(w, &next, "person.transfer_out")?;
        if let Some(mut h) = leave {
            h.closed_at = Some(w.at().to_string());
            households::update(w, &h, "household.close")?;
        }
        follow_community(w, &person.meta.id, &to, "transfer")?;
        let t = Transfer {
            meta: RecordMeta::new(id, w.origin(), w.at()),
            person_id: person.meta.id.clone(),
            from_community: person.facts.community.clone(),
            to_community: to.clone(),
            reason,
            state: TransferState::Pending,
            old_service_no: person.service_no.clone(),
            new_service_no: None,
            sent_at: w.at().to_string(),
            sent_by: w.actor().to_string(),
            received_at: None,
            received_by: None,
        };
        transfers::insert(w, &t)?;
        Ok(t)
    })
}

/// 迁入: the receiving community acknowledges transfer `transfer_id`. A person who had a
/// 服务号 gets the next one of the receiving community (the old one stays in the transfer and
/// the change log and is never reused). Needs EditPerson on the receiving community.
pub fn receive_transfer(ctx: &mut Ctx<'_>, transfer_id: &str) -> Result<Transfer> {
    let t = transfers::get(ctx.store.conn(), transfer_id)?.ok_or(AppError::NotFound {
        what: "record.transfer",
    })?;
    ctx.require(Action::EditPerson, &t.to_community)?;
    let state = t.state.receive()?;
    let person = persons::get(ctx.store.conn(), &t.person_id)?.ok_or(AppError::NotFound {
        what: "record.person",
    })?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = t.clone();
        // A person enrolled in the old archive is enrolled in the new one; the number is the
        // receiving community's, so it is allocated only while they are still there.
        if person.service_no.is_some() && person.facts.community == t.to_community {
            let no = next_service_no(w, &t.to_community)?;
            let mut p = person.clone();
            p.service_no = Some(no.clone());
            persons::update(w, &p, "person.transfer_in")?;
            next.new_service_no = Some(no);
        }
        next.state = state;
        next.received_at = Some(w.at().to_string());
        next.received_by = Some(w.actor().to_string());
        Ok(transfers::update(w, &next, "transfer.receive")?)
    })
}

/// One transfer with its person's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferLine {
    /// The transfer.
    pub transfer: Transfer,
    /// Its person's name.
    pub person_name: String,
}

/// Most transfers listed at once.
pub const TRANSFERS_MAX: usize = 500;

/// Transfers the session may see (sent from or to a community it may view): the pending ones
/// first, then the most recent.
pub fn transfers(ctx: &Ctx<'_>) -> Result<Vec<TransferLine>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(transfers::list(ctx.store.conn(), TRANSFERS_MAX)?
        .into_iter()
        .filter(|(t, _)| {
            ctx.require(Action::ViewPerson, &t.to_community).is_ok()
                || ctx.require(Action::ViewPerson, &t.from_community).is_ok()
        })
        .map(|(transfer, person_name)| TransferLine {
            transfer,
            person_name,
        })
        .collect())
}

/// The transfer of person `id` still waiting for the receiving community, if any.
pub fn pending_transfer(ctx: &Ctx<'_>, id: &str) -> Result<Option<Transfer>> {
    get(ctx, id)?;
    Ok(transfers::pending_of_person(ctx.store.conn(), id)?)
}
