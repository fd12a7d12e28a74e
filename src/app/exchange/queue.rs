//! The queue of received changes that wait for a person: conflicts (the record changed here
//! too) and reviews (the change breaks a rule here). Resolving writes an ordinary new change of
//! this workstation, so the outcome reaches the peers like any other.

use crate::app::{clock, AppError, Ctx, Result};
use crate::domain::permission::Action;
use crate::store::exchange::{self as store_exchange, QueueItem};
use crate::store::records::Entity;

/// How a person settles a queue item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Take the received version.
    Incoming,
    /// Keep the version held here (and send it on as the newer one).
    Local,
    /// Leave the record as it is without sending anything (a review found nothing to do).
    Dismiss,
}

impl Resolution {
    fn code(self) -> &'static str {
        match self {
            Resolution::Incoming => "incoming",
            Resolution::Local => "local",
            Resolution::Dismiss => "dismissed",
        }
    }
}

/// Open items this session may resolve, oldest first.
pub fn open_items(ctx: &Ctx<'_>) -> Result<Vec<QueueItem>> {
    ctx.require_somewhere(Action::ExchangeBundles)?;
    Ok(store_exchange::queue(ctx.store.conn(), false)?
        .into_iter()
        .filter(|q| {
            q.community.is_empty() || ctx.require(Action::ExchangeBundles, &q.community).is_ok()
        })
        .collect())
}

/// The units this workstation knows that record `record_id` of `entity` belongs to, as held
/// here and as `incoming` says.
fn units_of_item(
    ctx: &Ctx<'_>,
    entity: Entity,
    record_id: &str,
    incoming: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<String>> {
    let conn = ctx.store.conn();
    let mut units: Vec<String> = store_exchange::held_units(conn, entity, record_id)?
        .map(|u| u.0)
        .unwrap_or_default();
    units.extend(store_exchange::units_of(conn, entity, incoming)?.0);
    units.retain(|u| ctx.tree.get(u).is_some());
    units.sort();
    units.dedup();
    Ok(units)
}

/// True when the session may see the facts of `item`'s record whole: it may edit people in
/// every unit the record belongs to, as held here and as it came (else the comparison masks
/// them like every other screen).
pub fn shows_whole(ctx: &Ctx<'_>, item: &QueueItem) -> bool {
    let Some(entity) = Entity::from_code(&item.entity) else {
        return false;
    };
    let Ok(serde_json::Value::Object(incoming)) =
        serde_json::from_str::<serde_json::Value>(&item.incoming_record)
    else {
        return false;
    };
    match units_of_item(ctx, entity, &item.record_id, &incoming) {
        Ok(units) => {
            ctx.require(Action::EditPerson, &item.community).is_ok()
                && units
                    .iter()
                    .all(|u| ctx.require(Action::EditPerson, u).is_ok())
        }
        Err(_) => false,
    }
}

fn version_of(record: &str) -> i64 {
    serde_json::from_str::<serde_json::Value>(record)
        .ok()
        .and_then(|v| v.get("version").and_then(|n| n.as_i64()))
        .unwrap_or(0)
}

/// Settles queue item `id`. Taking the received version of a record another record's rule
/// still refuses (the ID number is still someone else's) is refused with that reason; the
/// item stays open.
pub fn resolve(ctx: &mut Ctx<'_>, id: i64, how: Resolution, note: Option<&str>) -> Result<()> {
    ctx.require_somewhere(Action::ExchangeBundles)?;
    let item = store_exchange::queue_item(ctx.store.conn(), id)?
        .filter(|q| q.resolved_at.is_none())
        .ok_or(AppError::NotFound {
            what: "record.exchange_item",
        })?;
    if !item.community.is_empty() {
        ctx.require(Action::ExchangeBundles, &item.community)?;
    }
    let entity = Entity::from_code(&item.entity).ok_or(AppError::NotFound {
        what: "record.exchange_item",
    })?;
    let incoming: serde_json::Map<String, serde_json::Value> =
        match serde_json::from_str(&item.incoming_record) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => {
                return Err(AppError::NotFound {
                    what: "record.exchange_item",
                })
            }
        };
    // Taking a received version makes it this workstation's own change: whoever takes it must
    // have the right over the record's every unit, as held here and as it came; and a version
    // no form here would accept is never taken, whoever decides.
    if how == Resolution::Incoming {
        for unit in units_of_item(ctx, entity, &item.record_id, &incoming)? {
            ctx.require(Action::ExchangeBundles, &unit)?;
        }
        let today = clock::china_date(ctx.clock.now());
        super::import::check_received(
            ctx.store.conn(),
            &crate::domain::received::Context::new(&ctx.tree, today),
            entity,
            &incoming,
            &super::import::BlobHeads::new(),
        )??;
    }
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    let note = note.map(str::to_string);
    let at_least = version_of(&item.incoming_record);
    let exists =
        crate::store::records::record_json(ctx.store.conn(), entity, &item.record_id)?.is_some();
    ctx.store.write(&actor, &at, |w| -> Result<()> {
        match how {
            Resolution::Incoming => {
                let kind = format!("{}.accept_received", entity.code());
                if let Err(f) = store_exchange::restate(
                    w,
                    entity,
                    &item.record_id,
                    Some(&incoming),
                    at_least,
                    &kind,
                )? {
                    return Err(AppError::ExchangeApply(f.code()));
                }
            }
            Resolution::Local if exists => {
                let kind = format!("{}.keep_local", entity.code());
                if let Err(f) =
                    store_exchange::restate(w, entity, &item.record_id, None, at_least, &kind)?
                {
                    return Err(AppError::ExchangeApply(f.code()));
                }
            }
            Resolution::Local | Resolution::Dismiss => {}
        }
        // Every other open item of the record is settled by the same decision.
        for other in store_exchange::open_items_of(w.conn(), &item.record_id)? {
            store_exchange::resolve(w.conn(), other, &at, &actor, how.code(), note.as_deref())?;
        }
        Ok(())
    })
}
