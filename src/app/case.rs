//! 需求认定: the steps of a case after the subdistrict accepted the report — home survey,
//! needs assessment, decision, service card — each checked by the case state machine.

use chrono::{Duration, NaiveDate};

use super::{person, provider, AppError, Ctx, Result};
use crate::domain::approval::{self, Approval};
pub use crate::domain::case::Decision;
use crate::domain::case::HOUSEHOLD_MAX;
use crate::domain::case::{
    Case, CaseEvent, CaseState, PlannedItem, SurveyHousehold, DEFAULT_FREQUENCY, DEFAULT_PRIORITY,
};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::eligibility;
use crate::domain::money::Fen;
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::record::Entity;
use crate::domain::text::{clean_multiline, optional_line, required_line};
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

/// The permission a step needs: the screens offer a step only to a session that has it.
pub fn permission_of(event: CaseEvent) -> Action {
    match event {
        CaseEvent::Survey | CaseEvent::Assess => Action::SurveyAndAssess,
        _ => Action::DecideCase,
    }
}

/// The permission a change of the service plan needs in state `state`: before the decision
/// the assessor adjusts the plan; after it, whoever decides.
pub fn plan_permission(state: CaseState) -> Action {
    if state == CaseState::Assessed {
        Action::SurveyAndAssess
    } else {
        Action::DecideCase
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
    ctx.require(permission_of(event), &case.community)?;
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

/// What the home survey (入户调查) found, as typed on its form.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    pub date: Option<NaiveDate>,
    /// The first investigator.
    pub staff: String,
    /// The second investigator (the survey is made by two).
    pub second_staff: String,
    pub findings: String,
    /// 共同生活家庭人口, as typed.
    pub household_size: String,
    /// 家庭月收入 in 元, as typed ("1860.50").
    pub monthly_income: String,
    /// A `housing` code.
    pub housing: String,
    /// 照料情况, as written.
    pub care: String,
}

/// Checks a survey form: the refusal names the first field that is wrong.
fn survey_facts(
    s: &Survey,
    today: NaiveDate,
) -> Result<(NaiveDate, String, String, SurveyHousehold)> {
    let date = s.date.unwrap_or(today);
    if date > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let staff = required_line(Field::Reporter, &s.staff, 50)?;
    let second = required_line(Field::SecondInvestigator, &s.second_staff, 50)?;
    if second == staff {
        return Err(ValidationError::new(Field::SecondInvestigator, Reason::Duplicate).into());
    }
    let findings = clean_multiline(Field::Note, &s.findings, 2000)?;
    if findings.is_empty() {
        return Err(ValidationError::new(Field::Note, Reason::Required).into());
    }
    let size_text = required_line(Field::HouseholdSize, &s.household_size, 3)?;
    let size = size_text
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=HOUSEHOLD_MAX).contains(n))
        .ok_or(ValidationError::new(
            Field::HouseholdSize,
            Reason::OutOfRange {
                min: 1,
                max: HOUSEHOLD_MAX,
            },
        ))?;
    let income = Fen::parse_yuan(Field::Income, &s.monthly_income)?;
    if !Catalogue::builtin().contains(ListKind::Housing, &s.housing) {
        let reason = if s.housing.is_empty() {
            Reason::Required
        } else {
            Reason::NotInCatalogue {
                code: s.housing.clone(),
            }
        };
        return Err(ValidationError::new(Field::Housing, reason).into());
    }
    let care = optional_line(Field::CareSituation, &s.care, 200)?;
    Ok((
        date,
        staff,
        findings,
        SurveyHousehold {
            size: Some(size),
            monthly_income: Some(income),
            housing: Some(s.housing.clone()),
            care,
            second_investigator: Some(second),
        },
    ))
}

/// 入户调查: records the visit and what it found of the household.
pub fn survey(ctx: &mut Ctx<'_>, id: &str, s: &Survey) -> Result<Case> {
    let (date, staff, findings, household) = survey_facts(s, ctx.clock.today())?;
    step(ctx, id, CaseEvent::Survey, |c| {
        c.survey_date = Some(date);
        c.survey_staff = Some(staff);
        c.survey_findings = Some(findings);
        c.household = household;
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
    let today = ctx.clock.today();
    let mut plan = Vec::with_capacity(needs.len());
    for item in needs {
        if let Some(kept) = old.iter().find(|p| &p.item == item) {
            plan.push(kept.clone());
            continue;
        }
        let bought =
            super::agreement::providers_under_agreement(ctx.store.conn(), item, community, today)?;
        plan.push(PlannedItem {
            item: item.clone(),
            frequency: cat
                .proposed_frequency(item)
                .unwrap_or(DEFAULT_FREQUENCY)
                .into(),
            priority: DEFAULT_PRIORITY.into(),
            provider_id: nearest_provider(ctx, &providers, &bought, item, community),
        });
    }
    Ok(plan)
}

/// The provider a plan proposes for `item` (就近原则): among the active ones offering it
/// whose area reaches `community`, one with an agreement in force for it there (`bought`)
/// first, then the nearest (the community's own, its subdistrict's, the district's); the
/// name only breaks a tie.
fn nearest_provider(
    ctx: &Ctx<'_>,
    providers: &[crate::domain::provider::Provider],
    bought: &[String],
    item: &str,
    community: &str,
) -> Option<String> {
    providers
        .iter()
        .filter(|p| p.active && p.items.iter().any(|i| i == item))
        .filter_map(|p| {
            let near = crate::domain::agreement::nearness(&ctx.tree, &p.area, community)?;
            let unbought = !bought.contains(&p.meta.id);
            Some(((unbought, near), p))
        })
        .min_by_key(|(rank, p)| (*rank, crate::domain::pinyin_keys::sort_key(&p.name)))
        .map(|(_, p)| p.meta.id.clone())
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
    let action = plan_permission(case.state);
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
    let person = persons::get(ctx.store.conn(), &case.person_id)?.ok_or(AppError::NotFound {
        what: "record.person",
    })?;
    eligibility::check(cat, &category, &person.facts, self_care.as_deref())?;
    let plan = propose_plan(ctx, &case.community, &needs, &case.plan)?;
    let assessor = ctx.session.username.clone();
    step(ctx, id, CaseEvent::Assess, |c| {
        c.category = Some(category);
        c.self_care = self_care;
        c.needs = needs;
        c.plan = plan;
        c.assessed_by = Some(assessor);
    })
}

/// The account that assessed case `c`: the column, or for cases assessed before it was
/// kept, the actor of the case's latest assessment in the change log.
fn assessor_of(ctx: &Ctx<'_>, c: &Case) -> Result<Option<String>> {
    match &c.assessed_by {
        Some(a) => Ok(Some(a.clone())),
        None => Ok(crate::store::changelog::latest_of_kind(
            ctx.store.conn(),
            Entity::Case,
            &c.meta.id,
            &["case.assess"],
        )?
        .map(|(actor, ..)| actor)),
    }
}

/// A decision (认定通过 or 不予认定) by the session's account: the maker-checker rule, then
/// the step with its note, 审批人 and day.
fn decide(ctx: &mut Ctx<'_>, id: &str, event: CaseEvent, note: Option<String>) -> Result<Case> {
    let case = get(ctx, id)?;
    ctx.require(Action::DecideCase, &case.community)?;
    // The state is checked first, so a refusal of the step is not mistaken for one of the rule.
    case.state.apply(event)?;
    let decider = ctx.session.username.clone();
    let allowed = super::settings::assessor_may_decide(ctx)?;
    let assessor = assessor_of(ctx, &case)?;
    let how = approval::check(assessor.as_deref(), &decider, allowed).map_err(|e| {
        ValidationError::new(Field::Approver, Reason::SameAccount { account: e.account })
    })?;
    let today = ctx.clock.today();
    step(ctx, id, event, |c| {
        c.decision_note = note;
        c.decided_by = Some(decider);
        c.decided_on = Some(today);
        c.decided_by_assessor = how == Approval::Exception;
    })
}

/// A decision on `c` by the session's account would be refused by the maker-checker rule:
/// it assessed the case, and the office allows no exception. The screen then asks for the
/// approver's countersignature instead of offering a step that would fail.
pub fn needs_countersign(ctx: &Ctx<'_>, c: &Case) -> Result<bool> {
    if super::settings::assessor_may_decide(ctx)? {
        return Ok(false);
    }
    Ok(assessor_of(ctx, c)?.as_deref() == Some(ctx.session.username.as_str()))
}

/// 认定通过, with an optional note (认定意见), by another account than the assessor's.
pub fn approve(ctx: &mut Ctx<'_>, id: &str, note: &str) -> Result<Case> {
    let note = clean_multiline(Field::Note, note, 1000)?;
    decide(
        ctx,
        id,
        CaseEvent::Approve,
        Some(note).filter(|n| !n.is_empty()),
    )
}

/// 不予认定, with the reason (required), by another account than the assessor's.
pub fn deny(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Case> {
    let reason = required_line(Field::Reason, reason, 200)?;
    decide(ctx, id, CaseEvent::Deny, Some(reason))
}

/// 撤销 before a decision, with the reason (required).
pub fn withdraw(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Case> {
    let reason = required_line(Field::Reason, reason, 200)?;
    step(ctx, id, CaseEvent::Withdraw, |c| {
        c.withdraw_reason = Some(reason)
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

/// What a review (复核) found, as typed on its form.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// The day of the review; today when not given.
    pub date: Option<NaiveDate>,
    /// Who reviewed.
    pub reviewer: String,
    /// A `review_outcome` code: continue as is, or with adjusted items.
    pub outcome: String,
    /// The reviewer's note.
    pub note: String,
    /// The items from now on (with `adjust`); `None` keeps them.
    pub needs: Option<Vec<String>>,
}

/// The outcome code of a review that keeps the items.
pub const REVIEW_CONTINUE: &str = "continue";
/// The outcome code of a review that changes the items.
pub const REVIEW_ADJUST: &str = "adjust";

/// 复核 (动态管理): the case continues, with its own outcome, day, reviewer and note (the
/// decision's 认定意见 stays as it was); with `adjust`, changed needs replace the old ones
/// (the card gets a new version; the change log keeps every earlier one). The review
/// restarts the schedule from its day, and renews the card for a year from it, since a
/// service found still needed must stay servable (providers refuse an expired card).
pub fn review(ctx: &mut Ctx<'_>, id: &str, r: &Review) -> Result<Case> {
    let today = ctx.clock.today();
    let day = r.date.unwrap_or(today);
    if day > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let reviewer = required_line(Field::Reviewer, &r.reviewer, 50)?;
    let note = clean_multiline(Field::Note, &r.note, 1000)?;
    let cat = Catalogue::builtin();
    if !cat.contains(ListKind::ReviewOutcome, &r.outcome) {
        let reason = if r.outcome.is_empty() {
            Reason::Required
        } else {
            Reason::NotInCatalogue {
                code: r.outcome.clone(),
            }
        };
        return Err(ValidationError::new(Field::ReviewOutcome, reason).into());
    }
    let current = get(ctx, id)?;
    if let Some(from) = current.review_from() {
        if day < from {
            return Err(ValidationError::new(
                Field::Date,
                Reason::NotBefore {
                    day: from.format("%Y-%m-%d").to_string(),
                },
            )
            .into());
        }
    }
    let needs = match (&r.needs, r.outcome.as_str()) {
        (Some(n), REVIEW_ADJUST) if n != &current.needs => Some(n.clone()),
        (_, REVIEW_ADJUST) => {
            return Err(ValidationError::new(
                Field::Needs,
                Reason::Inconsistent {
                    what: "reason.adjust_without_change",
                },
            )
            .into())
        }
        (Some(n), _) if n != &current.needs => {
            return Err(ValidationError::new(
                Field::ReviewOutcome,
                Reason::Inconsistent {
                    what: "reason.continue_with_change",
                },
            )
            .into())
        }
        _ => None,
    };
    let outcome = r.outcome.clone();
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
        c.reviewed_on = Some(day);
        let renewed = day + Duration::days(CARD_VALID_DAYS);
        c.card_valid_until = Some(c.card_valid_until.map_or(renewed, |d| d.max(renewed)));
        c.review_outcome = Some(outcome);
        c.review_note = Some(note).filter(|n| !n.is_empty());
        c.reviewed_by = Some(reviewer);
        if let (Some(n), Some(plan)) = (needs, plan) {
            if n != c.needs {
                c.card_version += 1;
            }
            c.needs = n;
            c.plan = plan;
        }
    })
}

/// A suspension (暂停服务), as typed on its form.
#[derive(Debug, Clone, Default)]
pub struct Suspension {
    /// Why (required).
    pub reason: String,
    /// The first day without service; today when not given.
    pub from: Option<NaiveDate>,
    /// The day service is expected to resume (required): the inbox lists the case when it
    /// passes without a resume.
    pub resume_expected: Option<NaiveDate>,
}

/// 暂停服务, with the reason, the first day and the expected resume (its own facts: the
/// decision's 认定意见 stays as it was).
pub fn suspend(ctx: &mut Ctx<'_>, id: &str, s: &Suspension) -> Result<Case> {
    let today = ctx.clock.today();
    let reason = required_line(Field::Reason, &s.reason, 200)?;
    let from = s.from.unwrap_or(today);
    if from > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let until = s
        .resume_expected
        .ok_or(ValidationError::new(Field::ResumeDate, Reason::Required))?;
    if until < from {
        return Err(ValidationError::new(
            Field::ResumeDate,
            Reason::NotBefore {
                day: from.format("%Y-%m-%d").to_string(),
            },
        )
        .into());
    }
    step(ctx, id, CaseEvent::Suspend, |c| {
        c.suspend_reason = Some(reason);
        c.suspended_on = Some(from);
        c.resume_expected = Some(until);
    })
}

/// 恢复服务. The suspension's facts stay on the case (and in the change log) as its last one.
pub fn resume(ctx: &mut Ctx<'_>, id: &str) -> Result<Case> {
    step(ctx, id, CaseEvent::Resume, |_| {})
}

/// A stop (终止服务), as typed on its form.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    /// A stop reason code (死亡, 迁出 …); required — there is no default.
    pub reason: String,
    /// The day service ended (终止日期); today when not given.
    pub date: Option<NaiveDate>,
    /// A note.
    pub note: String,
}

/// 终止服务, with a stop reason from the catalogue, the stop day and an optional note (its
/// own facts: the decision's 认定意见 stays as it was).
pub fn stop(ctx: &mut Ctx<'_>, id: &str, s: &Stop) -> Result<Case> {
    if s.reason.is_empty() {
        return Err(ValidationError::new(Field::Reason, Reason::Required).into());
    }
    if !Catalogue::builtin().contains(ListKind::StopReason, &s.reason) {
        return Err(ValidationError::new(
            Field::Reason,
            Reason::NotInCatalogue {
                code: s.reason.clone(),
            },
        )
        .into());
    }
    let today = ctx.clock.today();
    let date = s.date.unwrap_or(today);
    if date > today {
        return Err(ValidationError::new(Field::StopDate, Reason::FutureDate).into());
    }
    let note = clean_multiline(Field::Note, &s.note, 1000)?;
    let reason = s.reason.clone();
    step(ctx, id, CaseEvent::Stop, |c| {
        c.stop_reason = Some(reason);
        c.stopped_on = Some(date);
        c.stop_note = Some(note).filter(|n| !n.is_empty());
    })
}

/// The decision of case `c`, `None` before one. Cases decided before the decision had columns
/// of its own read it from the change log, where the decision's entry holds the note as it
/// was then (a later review or stop overwrote the column on those cases).
pub fn decision(ctx: &Ctx<'_>, c: &Case) -> Result<Option<Decision>> {
    if let Some(account) = &c.decided_by {
        return Ok(Some(Decision {
            note: c.decision_note.clone(),
            by: Some(super::users::real_name(ctx, account)?),
            on: c.decided_on,
            by_assessor: c.decided_by_assessor,
        }));
    }
    let logged = crate::store::changelog::latest_of_kind(
        ctx.store.conn(),
        Entity::Case,
        &c.meta.id,
        &["case.approve", "case.deny"],
    )?;
    let Some((actor, at, record)) = logged else {
        return Ok(None);
    };
    let note = serde_json::from_str::<serde_json::Value>(&record)
        .ok()
        .and_then(|v| v.get("decision_note")?.as_str().map(str::to_string));
    Ok(Some(Decision {
        note,
        by: Some(super::users::real_name(ctx, &actor)?),
        on: super::clock::stored_day(&at),
        by_assessor: false,
    }))
}

/// The categories the facts of case `c`'s person admit, in catalogue order (the assessment
/// refuses any other).
pub fn open_categories(ctx: &Ctx<'_>, c: &Case) -> Result<Vec<&'static str>> {
    let person = persons::get(ctx.store.conn(), &c.person_id)?.ok_or(AppError::NotFound {
        what: "record.person",
    })?;
    Ok(eligibility::open_categories(
        Catalogue::builtin(),
        &person.facts,
        c.self_care.as_deref(),
    ))
}
