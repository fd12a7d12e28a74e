//! 系统设置: this workstation's time limits — how long each step may wait before the 待办
//! inbox and the lists mark it overdue, how often a service is re-reviewed, how early an
//! expiring card is listed. Stored locally (never replicated): each workstation sets its own.

use super::{AppError, Ctx, Result};
use crate::domain::permission::Action;
use crate::domain::timeliness::{Limit, Thresholds};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{access_log, settings, StoreError};

/// The thresholds in force: the stored ones, the defaults for any never set.
pub fn thresholds(ctx: &Ctx<'_>) -> Result<Thresholds> {
    let mut t = Thresholds::default();
    for (key, value) in settings::all(ctx.store.conn())? {
        // Keys of other settings are not ours to read.
        let Some(limit) = Limit::from_code(&key) else {
            continue;
        };
        let (min, max) = limit.range();
        match value.trim().parse::<i64>() {
            Ok(days) if (min..=max).contains(&days) => t.set(limit, days),
            _ => {
                return Err(StoreError::Corrupt {
                    table: "settings",
                    column: "value",
                }
                .into())
            }
        }
    }
    Ok(t)
}

/// Checks every limit of `t` against its range; the refusal names the first one outside.
pub fn check(t: &Thresholds) -> std::result::Result<(), ValidationError> {
    for limit in Limit::ALL {
        let (min, max) = limit.range();
        if !(min..=max).contains(&t.get(limit)) {
            return Err(ValidationError::new(
                Field::Limit(limit),
                Reason::OutOfRange { min, max },
            ));
        }
    }
    Ok(())
}

/// Stores new thresholds (administrators only); each changed value is written to the
/// access log as `setting` with its old and new value. Returns how many changed.
pub fn set_thresholds(ctx: &mut Ctx<'_>, t: &Thresholds) -> Result<usize> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageSettings, &ws.org_code)?;
    check(t)?;
    let old = thresholds(ctx)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store
        .write_local(|tx| {
            let mut changed = 0;
            for limit in Limit::ALL {
                let (before, after) = (old.get(limit), t.get(limit));
                if before == after {
                    continue;
                }
                settings::put(tx, limit.code(), &after.to_string(), &at, &actor)?;
                access_log::append(
                    tx,
                    &at,
                    &actor,
                    "setting",
                    limit.code(),
                    &format!("{before} -> {after}"),
                )?;
                changed += 1;
            }
            Ok::<_, StoreError>(changed)
        })
        .map_err(Into::into)
}

/// The settings key of the maker-checker exception.
const ASSESSOR_MAY_DECIDE: &str = "assessor_may_decide";

/// True when this workstation lets the account that assessed a case also decide it (a small
/// office with one caseworker). Off unless an administrator turned it on.
pub fn assessor_may_decide(ctx: &Ctx<'_>) -> Result<bool> {
    Ok(settings::get(ctx.store.conn(), ASSESSOR_MAY_DECIDE)?.as_deref() == Some("1"))
}

/// Turns the maker-checker exception on or off (administrators only), written to the access
/// log as `setting`; true when it changed.
pub fn set_assessor_may_decide(ctx: &mut Ctx<'_>, on: bool) -> Result<bool> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageSettings, &ws.org_code)?;
    let before = assessor_may_decide(ctx)?;
    if before == on {
        return Ok(false);
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let value = if on { "1" } else { "0" };
    ctx.store
        .write_local(|tx| {
            settings::put(tx, ASSESSOR_MAY_DECIDE, value, &at, &actor)?;
            access_log::append(
                tx,
                &at,
                &actor,
                "setting",
                ASSESSOR_MAY_DECIDE,
                &format!("{} -> {value}", u8::from(before)),
            )
        })
        .map_err(AppError::from)?;
    Ok(true)
}
