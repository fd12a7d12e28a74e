//! 主动发现: record a clue, verify it, report it, and (at the subdistrict) accept it.

use chrono::NaiveDate;

use super::{AppError, Ctx, Result};
use crate::domain::case::Case;
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::clue::{Clue, ClueEvent, ClueState};
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::text::{clean_multiline, optional_line, required_line};
use crate::domain::timeliness::{Thresholds, Wait};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{cases, clues, persons};

/// What the officer types when recording a clue.
#[derive(Debug, Clone, Default)]
pub struct ClueDraft {
    pub person_id: String,
    pub difficulty: String,
    pub key_groups: Vec<String>,
    pub source: String,
    pub reporter: String,
    /// `None`: today.
    pub found_on: Option<NaiveDate>,
}

fn check_codes(
    kind: ListKind,
    field: Field,
    codes: &[String],
) -> std::result::Result<(), ValidationError> {
    let cat = Catalogue::builtin();
    for c in codes {
        if !cat.contains(kind, c) {
            return Err(ValidationError::new(
                field,
                Reason::NotInCatalogue { code: c.clone() },
            ));
        }
    }
    Ok(())
}

/// Records a new clue about an existing person; returns its id.
pub fn record(ctx: &mut Ctx<'_>, draft: &ClueDraft) -> Result<String> {
    let difficulty = required_line(Field::Difficulty, &draft.difficulty, 500)?;
    check_codes(ListKind::KeyGroup, Field::KeyGroup, &draft.key_groups)?;
    check_codes(
        ListKind::ClueSource,
        Field::Source,
        std::slice::from_ref(&draft.source),
    )?;
    let reporter = optional_line(Field::Reporter, &draft.reporter, 50)?;
    let today = ctx.clock.today();
    let found_on = draft.found_on.unwrap_or(today);
    if found_on > today {
        return Err(ValidationError::new(Field::Date, Reason::FutureDate).into());
    }
    let person = persons::get(ctx.store.conn(), &draft.person_id)?.ok_or(AppError::NotFound {
        what: "record.person",
    })?;
    ctx.require(Action::RecordClue, &person.facts.community)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let clue = Clue {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            person_id: person.meta.id.clone(),
            community: person.facts.community.clone(),
            difficulty,
            key_groups: draft.key_groups.clone(),
            source: draft.source.clone(),
            reporter,
            found_on,
            state: ClueState::Recorded,
            recorded_by: actor.clone(),
            verified_at: None,
            verify_note: None,
            reported_at: None,
            accepted_at: None,
            closed_at: None,
            close_reason: None,
        };
        clues::insert(w, &clue)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

fn load(ctx: &Ctx<'_>, id: &str) -> Result<Clue> {
    clues::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.clue",
    })
}

/// The permission a clue step needs: the screens offer a step only to a session that has it.
pub fn permission_of(event: ClueEvent) -> Action {
    match event {
        ClueEvent::Verify { .. } => Action::VerifyClue,
        ClueEvent::Report => Action::ReportClue,
        ClueEvent::Accept => Action::AcceptReport,
        ClueEvent::Withdraw => Action::RecordClue,
    }
}

/// Applies one step to a clue after the permission and state checks; `edit` fills the step's
/// fields. Returns the clue as saved.
fn step(
    ctx: &mut Ctx<'_>,
    id: &str,
    action: Action,
    event: ClueEvent,
    kind: &str,
    edit: impl FnOnce(&mut Clue, &str),
) -> Result<Clue> {
    let clue = load(ctx, id)?;
    ctx.require(action, &clue.community)?;
    let next_state = clue.state.apply(event)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = clue.clone();
        next.state = next_state;
        edit(&mut next, &at);
        Ok(clues::update(w, &next, kind)?)
    })
}

/// 核实: records whether the difficulty is real, with the officer's note.
pub fn verify(ctx: &mut Ctx<'_>, id: &str, real: bool, note: &str) -> Result<Clue> {
    let note = clean_multiline(Field::Note, note, 1000)?;
    step(
        ctx,
        id,
        permission_of(ClueEvent::Verify { real }),
        ClueEvent::Verify { real },
        "clue.verify",
        |c, at| {
            c.verified_at = Some(at.to_string());
            c.verify_note = Some(note).filter(|n| !n.is_empty());
            if !real {
                c.closed_at = Some(at.to_string());
            }
        },
    )
}

/// 上报街道.
pub fn report(ctx: &mut Ctx<'_>, id: &str) -> Result<Clue> {
    step(
        ctx,
        id,
        permission_of(ClueEvent::Report),
        ClueEvent::Report,
        "clue.report",
        |c, at| {
            c.reported_at = Some(at.to_string());
        },
    )
}

/// 撤销, with a reason.
pub fn withdraw(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Clue> {
    let reason = required_line(Field::Reason, reason, 200)?;
    step(
        ctx,
        id,
        permission_of(ClueEvent::Withdraw),
        ClueEvent::Withdraw,
        "clue.withdraw",
        |c, at| {
            c.closed_at = Some(at.to_string());
            c.close_reason = Some(reason);
        },
    )
}

/// 受理: the subdistrict accepts a reported clue and opens a case; returns the case id.
pub fn accept(ctx: &mut Ctx<'_>, id: &str) -> Result<String> {
    let clue = load(ctx, id)?;
    ctx.require(permission_of(ClueEvent::Accept), &clue.community)?;
    let next_state = clue.state.apply(ClueEvent::Accept)?;
    let case_id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = clue.clone();
        next.state = next_state;
        next.accepted_at = Some(at.clone());
        clues::update(w, &next, "clue.accept")?;
        let case = Case::open(
            RecordMeta::new(case_id.clone(), w.origin(), &at),
            clue.person_id.clone(),
            Some(clue.meta.id.clone()),
            clue.community.clone(),
        );
        cases::insert(w, &case)?;
        Ok::<_, AppError>(())
    })?;
    Ok(case_id)
}

/// One line of the clue list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueLine {
    /// The clue.
    pub clue: Clue,
    /// Its person's name.
    pub person_name: String,
    /// Days it has waited for its next step; `None` when it waits for none (closed).
    pub days: Option<i64>,
    /// Waiting longer than the step allows.
    pub overdue: bool,
}

/// Clues the session may see, newest first, optionally of one state; at most `limit`.
pub fn list(ctx: &Ctx<'_>, state: Option<ClueState>, limit: usize) -> Result<Vec<ClueLine>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let today = ctx.clock.today();
    let thresholds = super::settings::thresholds(ctx)?;
    let rows = clues::list(ctx.store.conn(), state, limit)?;
    Ok(rows
        .into_iter()
        .filter(|(c, _)| ctx.require(Action::ViewPerson, &c.community).is_ok())
        .map(|(clue, person_name)| {
            let wait = wait_of(&clue, &thresholds);
            let days = wait.map(|w| w.days(today));
            let overdue = wait.is_some_and(|w| w.overdue(today));
            ClueLine {
                clue,
                person_name,
                days,
                overdue,
            }
        })
        .collect())
}

/// What a clue waits for under `t`: since the day it entered its state, for that step's
/// days; `None` for a closed clue.
pub fn wait_of(c: &Clue, t: &Thresholds) -> Option<Wait> {
    let limit = t.clue_limit(c.state)?;
    Some(Wait {
        since: waiting_since(c),
        limit: t.get(limit),
    })
}

/// The day a clue entered its current state.
fn waiting_since(c: &Clue) -> NaiveDate {
    let stamp = match c.state {
        ClueState::Verified => c.verified_at.as_deref(),
        ClueState::Reported => c.reported_at.as_deref(),
        _ => None,
    };
    stamp
        .and_then(super::clock::stored_day)
        .unwrap_or(c.found_on)
}

/// Reads one clue the session may see.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Clue> {
    let c = load(ctx, id)?;
    ctx.require(Action::ViewPerson, &c.community)?;
    Ok(c)
}
