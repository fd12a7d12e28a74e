//! Cases: the steps after acceptance. This release moves a case through its state machine
//! with the step's essential fields; the assessment forms and cards arrive with the workflow.

use super::{AppError, Ctx, Result};
use crate::domain::case::{Case, CaseEvent};
use crate::domain::permission::Action;
use crate::store::cases;

/// Reads a case the session may see.
pub fn get(ctx: &Ctx<'_>, id: &str) -> Result<Case> {
    let c = cases::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.case",
    })?;
    ctx.require(Action::ViewPerson, &c.community)?;
    Ok(c)
}

/// The permission a step needs.
fn action_of(event: CaseEvent) -> Action {
    match event {
        CaseEvent::Survey | CaseEvent::Assess => Action::SurveyAndAssess,
        _ => Action::DecideCase,
    }
}

/// Applies `event` to case `id`; `edit` fills the step's own fields.
pub fn step(
    ctx: &mut Ctx<'_>,
    id: &str,
    event: CaseEvent,
    edit: impl FnOnce(&mut Case),
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
        edit(&mut next);
        Ok(cases::update(w, &next, &kind)?)
    })
}
