//! 监督管理: posting a community's list for a period (the list is written and its period and
//! hash recorded), receiving and handling complaints and objections, and random inspections
//! of recorded services.

use std::path::PathBuf;

use chrono::NaiveDate;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::print::{self, ListFormat, PostingRequest};
use super::{AppError, Ctx, Result};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::service::ServiceRecord;
use crate::domain::supervision::{Complaint, ComplaintEvent, ComplaintState, Inspection, Posting};
use crate::domain::text::{clean_line, optional_line, required_line, PEOPLE_LINE_MAX};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::Lang;
use crate::store::{cases, persons, providers, services, supervision};

/// Longest posting place accepted.
const PLACE_MAX: usize = 100;
/// Longest complaint, answer or finding accepted.
const TEXT_MAX: usize = 2000;
/// Longest posting period accepted (公示 usually runs 7 days; a month covers every practice).
const POSTING_MAX_DAYS: i64 = 31;

/// A posting made: its record and the file written.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The recorded period.
    pub posting: Posting,
    /// The list as written.
    pub path: PathBuf,
}

/// 公示: writes community `r.community`'s list in `format` into the outbox and records the
/// period, the place, the count and the file's hash.
pub fn post(
    ctx: &mut Ctx<'_>,
    r: &PostingRequest,
    format: ListFormat,
    lang: Lang,
) -> Result<Posted> {
    ctx.require(Action::Supervise, &r.community)?;
    let place = required_line(Field::Place, &r.place, PLACE_MAX)?;
    let days = (r.to - r.from).num_days();
    if !(0..POSTING_MAX_DAYS).contains(&days) {
        return Err(ValidationError::new(
            Field::PeriodEnd,
            Reason::OutOfRange {
                min: 1,
                max: POSTING_MAX_DAYS,
            },
        )
        .into());
    }
    let r = PostingRequest { place, ..r.clone() };
    let (bytes, n) = print::posting_bytes(ctx, &r, format, lang)?;
    let path = print::outbox(ctx)?.join(print::posting_file_name(&r, format));
    let path = print::deliver(ctx, path, &bytes, "posting", &r.community)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let posting = ctx.store.write(&actor, &at, |w| {
        let p = Posting {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            community: r.community.clone(),
            period_from: r.from,
            period_to: r.to,
            place: r.place.clone(),
            persons: n as i64,
            list_sha256: hex::encode(Sha256::digest(&bytes)),
            posted_by: actor.clone(),
        };
        supervision::insert_posting(w, &p)?;
        Ok::<_, AppError>(p)
    })?;
    Ok(Posted { posting, path })
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
    let conn = ctx.store.conn();
    let missing = |what: &'static str| AppError::NotFound { what };
    if let Some(p) = &d.person_id {
        persons::get(conn, p)?.ok_or_else(|| missing("record.person"))?;
    }
    if let Some(p) = &d.provider_id {
        providers::get(conn, p)?.ok_or_else(|| missing("record.provider"))?;
    }
    if let Some(s) = &d.service_id {
        services::get(conn, s)?.ok_or_else(|| missing("record.service"))?;
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
            person_id: d.person_id.clone(),
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
        };
        supervision::insert_complaint(w, &c)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
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

/// 交办: names who handles an open complaint.
pub fn assign(ctx: &mut Ctx<'_>, id: &str, to: &str) -> Result<Complaint> {
    let to = required_line(Field::Username, to, PEOPLE_LINE_MAX)?;
    complaint_step(ctx, id, ComplaintEvent::Assign, |c, _| {
        c.assigned_to = Some(to)
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

/// 办结: closes an answered complaint for good.
pub fn close(ctx: &mut Ctx<'_>, id: &str) -> Result<Complaint> {
    complaint_step(ctx, id, ComplaintEvent::Close, |c, at| {
        c.closed_at = Some(at.to_string())
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
/// supervise) uniformly with `rng`; `None` when there is none to draw.
pub fn draw_service(
    ctx: &Ctx<'_>,
    community: Option<&str>,
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
        let total = services::count_in(conn, community)?;
        if total == 0 {
            return Ok(None);
        }
        let Some(s) = services::nth_in(conn, community, rng.gen_range(0..total))? else {
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
