//! 需求认定: the steps of a case after the subdistrict accepted the report — home survey,
//! needs assessment, decision, service card — each checked by the case state machine.

use chrono::{Duration, NaiveDate};

use super::{person, provider, AppError, Ctx, Result};
use crate::domain::case::{
    Case, CaseEvent, CaseState, PlannedItem, DEFAULT_FREQUENCY, DEFAULT_PRIORITY,
};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::text::{clean_multiline, required_line};
use crate::domain::timeliness::{Thresholds, Wait};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{cases, counters, persons, WriteTx};

/// How long a service card is valid from its issue or its last review.
pub use crate::domain::case::CARD_VALID_DAYS;

/// Reads a case the session may see.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Case> {
    let c = cases::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.case",
    })?;
    ctx.require(Action::ViewPerson, &c.community)?;
    Ok(c)
}

/// The case opened when clue `clue_id` was accepted, if any.
pub fn of_clue(ctx: &Ctx<'_>, clue_id: &str) -> Result<Option<Case>> {
    let found = cases::of_clue(ctx.store.conn(), clue_id)?;
    if let Some(c) = &found {
        ctx.require(Action::ViewPerson, &c.community)?;
    }
    Ok(found)
}

/// The permission a step needs.
fn action_of(event: CaseEvent) -> Action {
    match event {
        CaseEvent::Survey | CaseEvent::Assess => Action::SurveyAndAssess,
        _ => Action::DecideCase,
    }
}

/// Applies `event` to case `id`; `edit` fills the step's own fields inside the transaction.
pub fn step(
    ctx: &mut Ctx<'_>,
    id: &str,
    event: CaseEvent,
    edit: impl FnOnce(&mut Case),
) -> Result<Case> {
    step_with(ctx, id, event, |c, _| {
        edit(c);
        Ok(())
    })
}

fn step_with(
    ctx: &mut Ctx<'_>,
    id: &str,
    event: CaseEvent,
    edit: impl FnOnce(&mut Case, &mut WriteTx<'_>) -> Result<()>,
) -> Result<Case> {
    let case = get(ctx, id)?;
    ctx.require(action_of(event), &case.community)?;
    let next_state = case.state.apply(event)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let kind = format!(
        "case.{}",
        event.label_key().trim_start_matches("case_event.")
    );
    ctx.store.write(&actor, &at, |w| {
        let mut next = case.clone();
        if next.state != next_state {
            next.state_changed_at = at.clone();
        }
        next.state = next_state;
        edit(&mut next, w)?;
        Ok(cases::update(w, &next, &kind)?)
    })
}

/// What the home survey (入户调查) found.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    pub date: Option<NaiveDate>,
    pub staff: String,
    pub findings: String,
}

/// 入户调查: records the visit.
pub fn survey(ctx: &mut Ctx<'_>, id: &str, s: &Survey) -> Result<Case> {
    let today = ctx.clock.today();
    let date = s.date.unwrap_or(today);
    if date > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let staff = required_line(Field::Reporter, &s.staff, 50)?;
    let findings = clean_multiline(Field::Note, &s.findings, 2000)?;
    if findings.is_empty() {
        return Err(ValidationError::new(Field::Note, Reason::Required).into());
    }
    step(ctx, id, CaseEvent::Survey, |c| {
        c.survey_date = Some(date);
        c.survey_staff = Some(staff);
        c.survey_findings = Some(findings);
    })
}

/// What the needs assessment (需求评估) decided.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    /// One of the six recipient categories.
    pub category: String,
    /// Self-care level, if assessed.
    pub self_care: String,
    /// Service items needed.
    pub needs: Vec<String>,
}

/// A plan line for each of `needs`: the line the case already has for that item, else the
/// default frequency and priority and the first active provider offering the item to the
/// person's community — a proposal the assessor then adjusts line by line.
fn propose_plan(
    ctx: &Ctx<'_>,
    community: &str,
    needs: &[String],
    old: &[PlannedItem],
) -> Result<Vec<PlannedItem>> {
    let providers = provider::list(ctx)?;
    let cat = Catalogue::builtin();
    Ok(needs
        .iter()
        .map(|item| {
            old.iter()
                .find(|p| &p.item == item)
                .cloned()
                .unwrap_or_else(|| PlannedItem {
                    item: item.clone(),
                    frequency: cat
                        .proposed_frequency(item)
                        .unwrap_or(DEFAULT_FREQUENCY)
                        .into(),
                    priority: DEFAULT_PRIORITY.into(),
                    provider_id: providers
                        .iter()
                        .find(|p| {
                            p.active
                                && p.items.iter().any(|i| i == item)
                                && ctx.tree.is_within(community, &p.area)
                        })
                        .map(|p| p.meta.id.clone()),
                })
        })
        .collect())
}

/// Changes one line of a case's service plan (frequency, priority, provider). After the card
/// is issued this changes the card, so the card gets a new version; the change log keeps
/// every earlier one.
pub fn set_plan_line(ctx: &mut Ctx<'_>, id: &str, line: &PlannedItem) -> Result<Case> {
    let case = get(ctx, id)?;
    if !case.state.plan_editable() {
        return Err(crate::domain::transition::TransitionError {
            record_key: "record.case",
            from_key: case.state.label_key(),
            event_key: "case_event.plan",
        }
        .into());
    }
    // Before the decision the assessor adjusts the plan; after it, whoever decides.
    let action = if case.state == CaseState::Assessed {
        Action::SurveyAndAssess
    } else {
        Action::DecideCase
    };
    ctx.require(action, &case.community)?;
    let cat = Catalogue::builtin();
    if !case.needs.contains(&line.item) {
        return Err(ValidationError::new(
            Field::Needs,
            Reason::NotInCatalogue {
                code: line.item.clone(),
            },
        )
        .into());
    }
    for (kind, field, code) in [
        (ListKind::Frequency, Field::Frequency, &line.frequency),
        (ListKind::Priority, Field::Priority, &line.priority),
    ] {
        if !cat.contains(kind, code) {
            return Err(
                ValidationError::new(field, Reason::NotInCatalogue { code: code.clone() }).into(),
            );
        }
    }
    if let Some(pid) = &line.provider_id {
        let p = crate::store::providers::get(ctx.store.conn(), pid)?.ok_or(AppError::NotFound {
            what: "record.provider",
        })?;
        if !p.active {
            return Err(AppError::ProviderInactive);
        }
        if !p.items.contains(&line.item) {
            return Err(AppError::NotOffered {
                item: line.item.clone(),
            });
        }
    }
    let mut next = case.clone();
    next.plan = next
        .plan_lines()
        .into_iter()
        .map(|p| if p.item == line.item { line.clone() } else { p })
        .collect();
    if next.plan == case.plan_lines() && !case.plan.is_empty() {
        return Ok(case);
    }
    if next.card_version > 0 {
        next.card_version += 1;
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store
        .write(&actor, &at, |w| Ok(cases::update(w, &next, "case.plan")?))
}

/// 需求评估: category, self-care level and the services needed, all from the catalogue.
pub fn assess(ctx: &mut Ctx<'_>, id: &str, a: &Assessment) -> Result<Case> {
    let cat = Catalogue::builtin();
    if !cat.contains(ListKind::RecipientCategory, &a.category) {
        return Err(ValidationError::new(
            Field::Category,
            Reason::NotInCatalogue {
                code: a.category.clone(),
            },
        )
        .into());
    }
    let self_care = if a.self_care.is_empty() {
        None
    } else if cat.contains(ListKind::SelfCare, &a.self_care) {
        Some(a.self_care.clone())
    } else {
        return Err(ValidationError::new(
            Field::SelfCare,
            Reason::NotInCatalogue {
                code: a.self_care.clone(),
            },
        )
        .into());
    };
    if a.needs.is_empty() {
        return Err(ValidationError::new(Field::Needs, Reason::Required).into());
    }
    if let Some(bad) = a
        .needs
        .iter()
        .find(|n| !cat.contains(ListKind::ServiceItem, n))
    {
        return Err(ValidationError::new(
            Field::Needs,
            Reason::NotInCatalogue { code: bad.clone() },
        )
        .into());
    }
    let (category, needs) = (a.category.clone(), a.needs.clone());
    let case = get(ctx, id)?;
    let plan = propose_plan(ctx, &case.community, &needs, &case.plan)?;
    step(ctx, id, CaseEvent::Assess, |c| {
        c.category = Some(category);
        c.self_care = self_care;
        c.needs = needs;
        c.plan = plan;
    })
}

/// 认定通过, with an optional note.
pub fn approve(ctx: &mut Ctx<'_>, id: &str, note: &str) -> Result<Case> {
    let note = clean_multiline(Field::Note, note, 1000)?;
    step(ctx, id, CaseEvent::Approve, |c| {
        c.decision_note = Some(note).filter(|n| !n.is_empty())
    })
}

/// 不予认定, with the reason (required).
pub fn deny(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Case> {
    let reason = required_line(Field::Reason, reason, 200)?;
    step(ctx, id, CaseEvent::Deny, |c| c.decision_note = Some(reason))
}

/// 撤销 before a decision, with the reason (required).
pub fn withdraw(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Case> {
    let reason = required_line(Field::Reason, reason, 200)?;
    step(ctx, id, CaseEvent::Withdraw, |c| {
        c.decision_note = Some(reason)
    })
}

/// The subdistrict that numbers the cards of `community`'s people: its parent, or the
/// workstation's own unit when the tree does not say.
fn card_issuer(ctx: &Ctx<'_>, community: &str) -> String {
    ctx.tree
        .get(community)
        .and_then(|u| u.parent.clone())
        .filter(|p| {
            ctx.tree
                .get(p)
                .is_some_and(|u| u.tier() == Tier::Subdistrict)
        })
        .unwrap_or_else(|| community.to_string())
}

/// The next card number of `issuer` (`<issuer>-K00001`), inside the caller's transaction.
pub(crate) fn next_card_no(w: &WriteTx<'_>, issuer: &str) -> Result<String> {
    let n = counters::next(w.conn(), &format!("card_no:{issuer}"))?;
    Ok(format!("{issuer}-K{n:05}"))
}

/// 发放服务卡: numbers the card, makes it valid for a year, starts the review schedule, and
/// enrols the person in the archive (服务号) in the same transaction if they have no number
/// yet.
pub fn issue_card(ctx: &mut Ctx<'_>, id: &str) -> Result<Case> {
    let today = ctx.clock.today();
    let case = get(ctx, id)?;
    let issuer = card_issuer(ctx, &case.community);
    step_with(ctx, id, CaseEvent::IssueCard, |c, w| {
        c.card_no = Some(next_card_no(w, &issuer)?);
        c.card_valid_until = Some(today + Duration::days(CARD_VALID_DAYS));
        c.card_version = 1;
        // The decision that issued the card is the first review: the schedule counts from it.
        c.reviewed_on = Some(today);
        if let Some(mut p) = persons::get(w.conn(), &c.person_id)? {
            if p.service_no.is_none() {
                p.service_no = Some(person::next_service_no(w, &p.facts.community)?);
                persons::update(w, &p, "person.enrol")?;
            }
        }
        Ok(())
    })
}

/// One line of the case list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLine {
    /// The case.
    pub case: Case,
    /// Its person's name.
    pub person_name: String,
    /// Days it has waited for its next step; `None` when it waits for none.
    pub days: Option<i64>,
    /// Waiting longer than the step allows.
    pub overdue: bool,
}

/// Cases the session may see, most recently changed first, optionally of one state.
pub fn list(ctx: &Ctx<'_>, state: Option<CaseState>, limit: usize) -> Result<Vec<CaseLine>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let today = ctx.clock.today();
    let thresholds = super::settings::thresholds(ctx)?;
    let rows = cases::list(ctx.store.conn(), state, limit)?;
    Ok(rows
        .into_iter()
        .filter(|(c, _)| ctx.require(Action::ViewPerson, &c.community).is_ok())
        .map(|(case, person_name)| {
            let wait = wait_of(&case, &thresholds, today);
            let days = wait.map(|w| w.days(today));
            let overdue = wait.is_some_and(|w| w.overdue(today));
            CaseLine {
                case,
                person_name,
                days,
                overdue,
            }
        })
        .collect())
}

/// What a case waits for under `t`: its next step since it entered its state (decision and
/// card since the survey); `None` for a case in service or closed (a service waits on its
/// review schedule instead, see [`next_review`]).
pub fn wait_of(case: &Case, t: &Thresholds, today: NaiveDate) -> Option<Wait> {
    let limit = t.case_limit(case.state)?;
    let changed = super::clock::stored_day(&case.state_changed_at).unwrap_or(today);
    let since = match case.state {
        CaseState::Accepted => changed,
        _ => case.survey_date.unwrap_or(changed),
    };
    Some(Wait {
        since,
        limit: t.get(limit),
    })
}

/// The day the service of a case in service is next due for review under `t`.
pub fn next_review(case: &Case, t: &Thresholds) -> Option<NaiveDate> {
    if case.state != CaseState::InService {
        return None;
    }
    case.review_from()
        .map(|from| crate::domain::timeliness::next_review(from, t))
}

/// 复核 (动态管理): the case continues, with the reviewer's note; changed needs replace the old
/// ones (the card gets a new version; the change log keeps every earlier one). The review
/// restarts the schedule, and renews the card for a year from today, since a service found
/// still needed must stay servable (providers refuse an expired card).
pub fn review(ctx: &mut Ctx<'_>, id: &str, note: &str, needs: Option<Vec<String>>) -> Result<Case> {
    let today = ctx.clock.today();
    let note = clean_multiline(Field::Note, note, 1000)?;
    if let Some(n) = &needs {
        let cat = Catalogue::builtin();
        if n.is_empty() {
            return Err(ValidationError::new(Field::Needs, Reason::Required).into());
        }
        if let Some(bad) = n.iter().find(|x| !cat.contains(ListKind::ServiceItem, x)) {
            return Err(ValidationError::new(
                Field::Needs,
                Reason::NotInCatalogue { code: bad.clone() },
            )
            .into());
        }
    }
    let plan = match &needs {
        Some(n) => {
            let case = get(ctx, id)?;
            Some(propose_plan(ctx, &case.community, n, &case.plan_lines())?)
        }
        None => None,
    };
    step(ctx, id, CaseEvent::Review, |c| {
        c.reviewed_on = Some(today);
        let renewed = today + Duration::days(CARD_VALID_DAYS);
        c.card_valid_until = Some(c.card_valid_until.map_or(renewed, |d| d.max(renewed)));
        if !note.is_empty() {
            c.decision_note = Some(note);
        }
        if let (Some(n), Some(plan)) = (needs, plan) {
            if n != c.needs {
                c.card_version += 1;
            }
            c.needs = n;
            c.plan = plan;
        }
    })
}

/// 暂停服务, with the reason (required).
pub fn suspend(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Case> {
    let reason = required_line(Field::Reason, reason, 200)?;
    step(ctx, id, CaseEvent::Suspend, |c| {
        c.decision_note = Some(reason)
    })
}

/// 恢复服务.
pub fn resume(ctx: &mut Ctx<'_>, id: &str) -> Result<Case> {
    step(ctx, id, CaseEvent::Resume, |_| {})
}

/// 终止服务, with a stop reason from the catalogue (死亡, 迁出 …) and an optional note.
pub fn stop(ctx: &mut Ctx<'_>, id: &str, reason: &str, note: &str) -> Result<Case> {
    if !Catalogue::builtin().contains(ListKind::StopReason, reason) {
        return Err(ValidationError::new(
            Field::Reason,
            Reason::NotInCatalogue {
                code: reason.to_string(),
            },
        )
        .into());
    }
    let note = clean_multiline(Field::Note, note, 1000)?;
    let reason = reason.to_string();
    step(ctx, id, CaseEvent::Stop, |c| {
        c.stop_reason = Some(reason);
        if !note.is_empty() {
            c.decision_note = Some(note);
        }
    })
}
