//! 监督管理: posting a community's list for a period (the list is written and its period and
//! hash recorded), receiving and handling complaints and objections, and random inspections
//! of recorded services.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::print::{self, ListFormat, PostingRequest};
use super::{AppError, Ctx, Result};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::search::SearchIndex;
use crate::domain::service::{Satisfaction, ServiceRecord};
use crate::domain::supervision::{Complaint, ComplaintEvent, ComplaintState, Inspection, Posting};
use crate::domain::text::{clean_line, optional_line, required_line, PEOPLE_LINE_MAX};
use crate::domain::timeliness::Limit;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::Lang;
use crate::store::{cases, persons, providers, services, supervision};

/// Longest posting place accepted.
const PLACE_MAX: usize = 100;
/// Longest complaint, answer or finding accepted.
const TEXT_MAX: usize = 2000;

/// A posting made: its record and the file written.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The recorded period.
    pub posting: Posting,
    /// The list as written.
    pub path: PathBuf,
}

/// 公示: writes community `r.community`'s list in `format` into the outbox and records the
/// version: its period (no end for 长期公示), the place, the count, the file's hash and the
/// hash of who it lists. The community's postings still hanging on the new first day are
/// closed: their last day becomes that day (the old list hung until the new one replaced
/// it, so a same-day correction closes the morning's list on its own first day) and they
/// name the version that replaced them.
pub fn post(
    ctx: &mut Ctx<'_>,
    r: &PostingRequest,
    format: ListFormat,
    lang: Lang,
) -> Result<Posted> {
    post_at(ctx, r, format, lang, None)
}

/// As [`post`], writing the list to `path` instead of the outbox when one is given (the
/// command line's `--out`). A file already there is never overwritten: the name gets `-2`,
/// `-3` … (the file of an earlier version is what its recorded hash is the hash of).
pub fn post_at(
    ctx: &mut Ctx<'_>,
    r: &PostingRequest,
    format: ListFormat,
    lang: Lang,
    path: Option<PathBuf>,
) -> Result<Posted> {
    ctx.require(Action::Supervise, &r.community)?;
    let place = required_line(Field::Place, &r.place, PLACE_MAX)?;
    if let Some(to) = r.to {
        if to < r.from {
            return Err(ValidationError::new(
                Field::PeriodEnd,
                Reason::NotBefore {
                    day: r.from.format("%Y-%m-%d").to_string(),
                },
            )
            .into());
        }
    }
    // Versions follow each other: a re-issue cannot start before the version it replaces.
    if let Some(latest) = supervision::latest_from(ctx.store.conn(), &r.community)? {
        if r.from < latest {
            return Err(ValidationError::new(
                Field::PeriodStart,
                Reason::NotBefore {
                    day: latest.format("%Y-%m-%d").to_string(),
                },
            )
            .into());
        }
    }
    let r = PostingRequest { place, ..r.clone() };
    let list = print::posting_bytes(ctx, &r, format, lang)?;
    let path = match path {
        Some(p) => p,
        None => print::unused_path(print::outbox(ctx)?.join(print::posting_file_name(&r, format))),
    };
    let path = print::deliver(ctx, path, &list.bytes, "posting", &r.community)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let posting = ctx.store.write(&actor, &at, |w| {
        let open = supervision::open_postings(w.conn(), &r.community, r.from)?;
        let p = Posting {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            community: r.community.clone(),
            period_from: r.from,
            period_to: r.to,
            place: r.place.clone(),
            persons: list.persons as i64,
            list_sha256: hex::encode(Sha256::digest(&list.bytes)),
            posted_by: actor.clone(),
            long_term: r.to.is_none(),
            replaced_by: None,
            members_sha256: Some(list.members_sha256.clone()),
        };
        supervision::insert_posting(w, &p)?;
        for mut old in open {
            old.period_to = Some(old.period_to.map_or(r.from, |to| to.min(r.from)));
            old.replaced_by = Some(id.clone());
            supervision::close_posting(w, &old)?;
        }
        Ok::<_, AppError>(p)
    })?;
    Ok(Posted { posting, path })
}

/// The open long-term postings that no longer name who is in service in their community
/// (someone entered or left since; 公示需更新). Postings recorded before schema 16 do not know
/// who they named and are not asked.
pub fn outdated_postings(conn: &rusqlite::Connection) -> Result<Vec<Posting>> {
    let open: Vec<Posting> = supervision::open_long_term(conn)?
        .into_iter()
        .filter(|p| p.members_sha256.is_some())
        .collect();
    if open.is_empty() {
        return Ok(open);
    }
    let now = cases::in_service_ids_by_community(conn)?;
    Ok(open
        .into_iter()
        .filter(|p| {
            let ids = now.get(&p.community).map(Vec::as_slice).unwrap_or_default();
            p.members_sha256.as_deref()
                != Some(print::members_sha256(ids.iter().map(String::as_str)).as_str())
        })
        .collect())
}

/// Posting periods the session may see, latest first.
pub fn postings(ctx: &Ctx<'_>) -> Result<Vec<Posting>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(supervision::postings(ctx.store.conn(), 500)?
        .into_iter()
        .filter(|p| ctx.require(Action::ViewPerson, &p.community).is_ok())
        .collect())
}

/// What the complaint form holds.
#[derive(Debug, Clone, Default)]
pub struct ComplaintDraft {
    pub community: String,
    pub channel: String,
    pub posting_id: Option<String>,
    pub person_id: Option<String>,
    pub provider_id: Option<String>,
    pub service_id: Option<String>,
    /// `None`: today.
    pub received_on: Option<NaiveDate>,
    pub complainant: String,
    pub content: String,
    pub assigned_to: String,
}

/// 受理投诉或异议: records it, open, against the community (and the person, provider,
/// service or posting it names).
pub fn receive(ctx: &mut Ctx<'_>, d: &ComplaintDraft) -> Result<String> {
    ctx.require(Action::Supervise, &d.community)?;
    if !Catalogue::builtin().contains(ListKind::ComplaintChannel, &d.channel) {
        return Err(ValidationError::new(
            Field::Channel,
            Reason::NotInCatalogue {
                code: d.channel.clone(),
            },
        )
        .into());
    }
    let today = ctx.clock.today();
    let received_on = d.received_on.unwrap_or(today);
    if received_on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let content = required_line(Field::Content, &d.content, TEXT_MAX)?;
    let complainant = optional_line(Field::Name, &d.complainant, PEOPLE_LINE_MAX)?;
    let assigned_to = optional_line(Field::Username, &d.assigned_to, PEOPLE_LINE_MAX)?;
    // 交办 on receipt: to be handled within the office's time limit for complaints.
    let due_on = match &assigned_to {
        Some(_) => Some(default_due(ctx, received_on)?),
        None => None,
    };
    let conn = ctx.store.conn();
    let missing = |what: &'static str| AppError::NotFound { what };
    if let Some(p) = &d.person_id {
        persons::get(conn, p)?.ok_or_else(|| missing("record.person"))?;
    }
    if let Some(p) = &d.provider_id {
        providers::get(conn, p)?.ok_or_else(|| missing("record.provider"))?;
    }
    // A service names its person: the complaint concerns them, and a person named too must
    // be that one.
    let mut person_id = d.person_id.clone();
    if let Some(s) = &d.service_id {
        let service = services::get(conn, s)?.ok_or_else(|| missing("record.service"))?;
        let case = cases::get(conn, &service.case_id)?.ok_or_else(|| missing("record.case"))?;
        match &person_id {
            Some(p) if *p != case.person_id => {
                return Err(
                    ValidationError::new(Field::ServiceConcerned, Reason::NotThePersons).into(),
                )
            }
            Some(_) => {}
            None => person_id = Some(case.person_id),
        }
    }
    // An objection to "the posting" concerns the community's latest one unless one is named.
    let posting_id = match (&d.posting_id, d.channel.as_str()) {
        (Some(p), _) => Some(p.clone()),
        (None, "posting") => supervision::postings(conn, 500)?
            .into_iter()
            .find(|p| p.community == d.community)
            .map(|p| p.meta.id),
        (None, _) => None,
    };
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let c = Complaint {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            community: d.community.clone(),
            channel: d.channel.clone(),
            posting_id,
            person_id,
            provider_id: d.provider_id.clone(),
            service_id: d.service_id.clone(),
            received_on,
            complainant,
            content,
            assigned_to,
            state: ComplaintState::Open,
            answer: None,
            answered_at: None,
            closed_at: None,
            assigned_unit: None,
            due_on,
            followup_on: None,
            satisfaction: None,
            followup_note: None,
        };
        supervision::insert_complaint(w, &c)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// 涉及对象 as typed in the complaint form — a name, a 服务号, an ID number or its last
/// digits, as the person list matches them — resolved to one person's record id: the one
/// whose 服务号, ID number or name is exactly what was typed, or else the only match.
/// Refused naming the field when no one or several match; empty: no one.
pub fn person_concerned(
    index: &SearchIndex,
    query: &str,
) -> std::result::Result<Option<String>, ValidationError> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(None);
    }
    let found = index.find(q, 50);
    let exact: Vec<&str> = found
        .iter()
        .filter(|e| e.service_no == Some(q) || e.id_number == Some(q) || e.name == q)
        .map(|e| e.id)
        .collect();
    let several = |n| ValidationError::new(Field::PersonConcerned, Reason::SeveralMatch { n });
    match (exact.as_slice(), found.as_slice()) {
        ([one], _) => Ok(Some(one.to_string())),
        ([_, ..], _) => Err(several(exact.len())),
        ([], [one]) => Ok(Some(one.id.to_string())),
        ([], []) => Err(ValidationError::new(
            Field::PersonConcerned,
            Reason::NoMatch,
        )),
        ([], _) => Err(several(found.len())),
    }
}

/// 涉及服务: the service record of person `person_id` on `day` (of `provider_id`, when one is
/// named), for the complaint form. Refused naming the field when there is none, or several
/// of different providers and none is named; several of the named provider that day (lunch
/// and supper delivered) give the first recorded, which leads to the others.
pub fn service_concerned(
    ctx: &Ctx<'_>,
    person_id: &str,
    day: NaiveDate,
    provider_id: Option<&str>,
) -> Result<String> {
    let p = super::person::get(ctx, person_id)?;
    ctx.require(Action::ViewPerson, &p.facts.community)?;
    let conn = ctx.store.conn();
    let mut found = Vec::new();
    for case in cases::of_person(conn, person_id)? {
        found.extend(
            services::of_case(conn, &case.meta.id)?
                .into_iter()
                .filter(|s| s.served_on == day && provider_id.is_none_or(|p| s.provider_id == p)),
        );
    }
    found.sort_by(|a, b| a.meta.created_at.cmp(&b.meta.created_at));
    let one_provider = found
        .windows(2)
        .all(|w| w[0].provider_id == w[1].provider_id);
    match found.as_slice() {
        [] => Err(ValidationError::new(Field::ServiceConcerned, Reason::NoMatch).into()),
        [first, ..] if found.len() == 1 || (provider_id.is_some() && one_provider) => {
            Ok(first.meta.id.clone())
        }
        _ => Err(ValidationError::new(
            Field::ServiceConcerned,
            Reason::SeveralServices { n: found.len() },
        )
        .into()),
    }
}

fn complaint_step(
    ctx: &mut Ctx<'_>,
    id: &str,
    event: ComplaintEvent,
    edit: impl FnOnce(&mut Complaint, &str),
) -> Result<Complaint> {
    let c = supervision::complaint(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.complaint",
    })?;
    ctx.require(Action::Supervise, &c.community)?;
    let next_state = c.state.apply(event)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let kind = format!(
        "complaint.{}",
        event.label_key().trim_start_matches("complaint_event.")
    );
    ctx.store.write(&actor, &at, |w| {
        let mut next = c.clone();
        next.state = next_state;
        edit(&mut next, &at);
        Ok(supervision::update_complaint(w, &next, &kind)?)
    })
}

/// The day a complaint received on `received_on` is due by the office's time limit
/// (时限设置 → 投诉办结).
pub fn default_due(ctx: &Ctx<'_>, received_on: NaiveDate) -> Result<NaiveDate> {
    let days = super::settings::thresholds(ctx)?.get(Limit::Complaint);
    Ok(received_on + chrono::Duration::days(days))
}

/// 交办: names who handles an open complaint (the user name alone).
pub fn assign(ctx: &mut Ctx<'_>, id: &str, to: &str) -> Result<Complaint> {
    assign_to(
        ctx,
        id,
        &Assignment {
            user: to.to_string(),
            ..Assignment::default()
        },
    )
}

/// What 交办 names: a user, a unit, or both, and the day by which it is to be handled.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    /// The user who handles it (may be empty when a unit is named).
    pub user: String,
    /// The org code of the unit that handles it (may be empty when a user is named).
    pub unit: String,
    /// 办理期限: past this day the complaint is overdue in 待办; `None`: the workstation's
    /// time limit for complaints.
    pub due_on: Option<NaiveDate>,
}

/// 交办: assigns an open complaint to a user or a unit, with a due date. A user is a name
/// (the handler may work at another workstation, so no account is required here); a unit
/// must be one of the org tree; the due date may not be before the day received.
pub fn assign_to(ctx: &mut Ctx<'_>, id: &str, a: &Assignment) -> Result<Complaint> {
    let user = optional_line(Field::Username, &a.user, PEOPLE_LINE_MAX)?;
    let unit = optional_line(Field::AssignedUnit, &a.unit, PEOPLE_LINE_MAX)?;
    if user.is_none() && unit.is_none() {
        return Err(ValidationError::new(Field::Username, Reason::Required).into());
    }
    if let Some(u) = &unit {
        if ctx.tree.get(u).is_none() {
            return Err(ValidationError::new(
                Field::AssignedUnit,
                Reason::NotInCatalogue { code: u.clone() },
            )
            .into());
        }
    }
    let current = supervision::complaint(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.complaint",
    })?;
    if let Some(due) = a.due_on {
        if due < current.received_on {
            return Err(ValidationError::new(
                Field::DueDate,
                Reason::NotBefore {
                    day: current.received_on.format("%Y-%m-%d").to_string(),
                },
            )
            .into());
        }
    }
    let due_on = a.due_on;
    complaint_step(ctx, id, ComplaintEvent::Assign, |c, _| {
        c.assigned_to = user;
        c.assigned_unit = unit;
        c.due_on = due_on;
    })
}

/// 答复: records the answer given (again, to correct it, until closed).
pub fn answer(ctx: &mut Ctx<'_>, id: &str, text: &str) -> Result<Complaint> {
    let text = required_line(Field::Answer, text, TEXT_MAX)?;
    complaint_step(ctx, id, ComplaintEvent::Answer, |c, at| {
        c.answer = Some(text);
        c.answered_at = Some(at.to_string());
    })
}

/// The 回访 (follow-up call) made on closing a complaint.
#[derive(Debug, Clone, Default)]
pub struct FollowUp {
    /// The complainant's satisfaction: a `Satisfaction` code (`satisfied`, `basic`,
    /// `unsatisfied`); may be empty only for an anonymous complaint (no one to call).
    pub satisfaction: String,
    /// What the call found (required).
    pub note: String,
    /// Day of the call; `None`: today.
    pub on: Option<NaiveDate>,
    /// The 答复, for a complaint closed without one recorded before: answered and closed in
    /// one step. Empty when it was answered already.
    pub answer: String,
}

/// 办结: closes an answered complaint for good, with the 回访: the complainant's satisfaction
/// (required unless the complaint is anonymous) and a note.
pub fn close(ctx: &mut Ctx<'_>, id: &str, f: &FollowUp) -> Result<Complaint> {
    let current = supervision::complaint(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.complaint",
    })?;
    let satisfaction = match f.satisfaction.trim() {
        "" if current.complainant.is_none() => None,
        "" => return Err(ValidationError::new(Field::Satisfaction, Reason::Required).into()),
        s => Some(
            Satisfaction::from_code(s)
                .ok_or_else(|| {
                    ValidationError::new(
                        Field::Satisfaction,
                        Reason::NotInCatalogue {
                            code: s.to_string(),
                        },
                    )
                })?
                .code()
                .to_string(),
        ),
    };
    let note = required_line(Field::Note, &f.note, TEXT_MAX)?;
    let today = ctx.clock.today();
    let on = f.on.unwrap_or(today);
    if on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    if on < current.received_on {
        return Err(ValidationError::new(
            Field::Date,
            Reason::NotBefore {
                day: current.received_on.format("%Y-%m-%d").to_string(),
            },
        )
        .into());
    }
    // An open complaint answered on the closing call: the answer and the close are one
    // write, so a refused close leaves no answer behind.
    let answer = match current.state {
        ComplaintState::Open => Some(required_line(Field::Answer, &f.answer, TEXT_MAX)?),
        _ => None,
    };
    let event = match answer {
        Some(_) => ComplaintEvent::AnswerAndClose,
        None => ComplaintEvent::Close,
    };
    complaint_step(ctx, id, event, |c, at| {
        if let Some(a) = answer {
            c.answer = Some(a);
            c.answered_at = Some(at.to_string());
        }
        c.closed_at = Some(at.to_string());
        c.followup_on = Some(on);
        c.satisfaction = satisfaction;
        c.followup_note = Some(note);
    })
}

/// Complaints the session may see: open ones first, newest first.
pub fn complaints(ctx: &Ctx<'_>) -> Result<Vec<Complaint>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(supervision::complaints(ctx.store.conn(), 1000)?
        .into_iter()
        .filter(|c| ctx.require(Action::ViewPerson, &c.community).is_ok())
        .collect())
}

/// A service drawn for inspection, with what the inspector needs to find it.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The record.
    pub service: ServiceRecord,
    /// Community of the person served.
    pub community: String,
    /// Name of the person served.
    pub person_name: String,
    /// Their phone, to call back (masked unless the session may edit the person).
    pub person_phone: Option<String>,
    /// Name of the provider.
    pub provider_name: String,
}

fn drawn(ctx: &Ctx<'_>, service: ServiceRecord) -> Result<Drawn> {
    let conn = ctx.store.conn();
    let case = cases::get(conn, &service.case_id)?.ok_or(AppError::NotFound {
        what: "record.case",
    })?;
    let person = persons::get(conn, &case.person_id)?;
    let provider_name = providers::get(conn, &service.provider_id)?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(Drawn {
        community: case.community,
        person_name: person
            .as_ref()
            .map(|p| p.facts.name.clone())
            .unwrap_or_default(),
        person_phone: person.and_then(|p| {
            let shown = super::person::disclosure(ctx, &p.facts.community);
            p.facts.phone.map(|phone| shown.phone(&phone))
        }),
        provider_name,
        service,
    })
}

/// 随机抽查: draws one recorded service of `community` (or of every community the session may
/// supervise), served on `since` or later when given, uniformly with `rng`; `None` when
/// there is none to draw.
pub fn draw_service(
    ctx: &Ctx<'_>,
    community: Option<&str>,
    since: Option<NaiveDate>,
    rng: &mut impl Rng,
) -> Result<Option<Drawn>> {
    match community {
        Some(c) => ctx.require(Action::Supervise, c)?,
        None => ctx.require_somewhere(Action::Supervise)?,
    }
    let conn = ctx.store.conn();
    // A few tries, so a draw from a community the session may not supervise (possible when
    // drawing across all) is replaced by another.
    for _ in 0..20 {
        let total = services::count_in(conn, community, since)?;
        if total == 0 {
            return Ok(None);
        }
        let Some(s) = services::nth_in(conn, community, since, rng.gen_range(0..total))? else {
            return Ok(None);
        };
        let d = drawn(ctx, s)?;
        if ctx.require(Action::Supervise, &d.community).is_ok() {
            return Ok(Some(d));
        }
    }
    Ok(None)
}

/// What the inspection form holds.
#[derive(Debug, Clone, Default)]
pub struct InspectionDraft {
    pub service_id: String,
    /// `None`: today.
    pub inspected_on: Option<NaiveDate>,
    pub inspector: String,
    pub result: String,
    pub finding: String,
}

/// 督查: records what checking service `d.service_id` found.
pub fn inspect(ctx: &mut Ctx<'_>, d: &InspectionDraft) -> Result<String> {
    let service = services::get(ctx.store.conn(), &d.service_id)?.ok_or(AppError::NotFound {
        what: "record.service",
    })?;
    let community = drawn(ctx, service)?.community;
    ctx.require(Action::Supervise, &community)?;
    if !Catalogue::builtin().contains(ListKind::InspectionResult, &d.result) {
        return Err(ValidationError::new(
            Field::InspectionResult,
            Reason::NotInCatalogue {
                code: d.result.clone(),
            },
        )
        .into());
    }
    let today = ctx.clock.today();
    let inspected_on = d.inspected_on.unwrap_or(today);
    if inspected_on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let inspector = required_line(Field::Reporter, &d.inspector, PEOPLE_LINE_MAX)?;
    let finding = clean_line(Field::Content, &d.finding, TEXT_MAX)?;
    if finding.is_empty() {
        return Err(ValidationError::new(Field::Content, Reason::Required).into());
    }
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let i = Inspection {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            community,
            service_id: d.service_id.clone(),
            inspected_on,
            inspector,
            result: d.result.clone(),
            finding,
        };
        supervision::insert_inspection(w, &i)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// One line of the inspection list.
#[derive(Debug, Clone)]
pub struct InspectionLine {
    /// The inspection.
    pub inspection: Inspection,
    /// The service inspected and who it served.
    pub drawn: Drawn,
}

/// Inspections the session may see, latest first.
pub fn inspections(ctx: &Ctx<'_>) -> Result<Vec<InspectionLine>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let mut out = Vec::new();
    for i in supervision::inspections(ctx.store.conn(), 500)? {
        if ctx.require(Action::ViewPerson, &i.community).is_err() {
            continue;
        }
        if let Some(s) = services::get(ctx.store.conn(), &i.service_id)? {
            out.push(InspectionLine {
                drawn: drawn(ctx, s)?,
                inspection: i,
            });
        }
    }
    Ok(out)
}

/// How far back an inspection draws by default: services of this month and the two before,
/// which the recipient still remembers when the inspector calls.
pub const RECENT_MONTHS: u32 = 3;

/// The first day of the [`RECENT_MONTHS`] months up to `today`'s.
pub fn recent_since(today: NaiveDate) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    first
        .checked_sub_months(chrono::Months::new(RECENT_MONTHS - 1))
        .unwrap_or(first)
}

/// Draws a recent service ([`recent_since`]), or any when none is recent.
pub fn draw_recent_service(
    ctx: &Ctx<'_>,
    community: Option<&str>,
    rng: &mut impl Rng,
) -> Result<Option<Drawn>> {
    let since = recent_since(ctx.clock.today());
    match draw_service(ctx, community, Some(since), rng)? {
        Some(d) => Ok(Some(d)),
        None => draw_service(ctx, community, None, rng),
    }
}
