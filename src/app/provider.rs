//! 服务资源: the provider registry — enough for assessments to propose providers, cards to
//! name them and name lists to reach them.

use super::{AppError, Ctx, Result};
use crate::domain::catalogue::Catalogue;
use crate::domain::permission::Action;
use crate::domain::provider::{Provider, ProviderDraft};
use crate::domain::record::RecordMeta;
use crate::store::providers;

/// Registers a provider serving `draft.area`; returns its id.
pub fn create(ctx: &mut Ctx<'_>, draft: &ProviderDraft) -> Result<String> {
    let f = draft.validate(Catalogue::builtin())?;
    if ctx.tree.get(&f.area).is_none() {
        return Err(AppError::UnknownOrg(f.area));
    }
    ctx.require(Action::ManageProviders, &f.area)?;
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let p = Provider {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            name: f.name,
            kind: f.kind,
            items: f.items,
            contact: f.contact,
            phone: f.phone,
            area: f.area,
            active: f.active,
            qualification: f.qualification,
        };
        providers::insert(w, &p)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// Saves an edited provider loaded at `version`.
pub fn update(
    ctx: &mut Ctx<'_>,
    id: &str,
    version: i64,
    draft: &ProviderDraft,
) -> Result<Provider> {
    let f = draft.validate(Catalogue::builtin())?;
    let current = providers::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.provider",
    })?;
    ctx.require(Action::ManageProviders, &current.area)?;
    ctx.require(Action::ManageProviders, &f.area)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = current.clone();
        next.meta.version = version;
        next.name = f.name;
        next.kind = f.kind;
        next.items = f.items;
        next.contact = f.contact;
        next.phone = f.phone;
        next.area = f.area;
        next.active = f.active;
        next.qualification = f.qualification;
        Ok(providers::update(w, &next)?)
    })
}

/// Every provider; anyone who may see persons may see who serves them.
pub fn list(ctx: &Ctx<'_>) -> Result<Vec<Provider>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    Ok(providers::list(ctx.store.conn())?)
}

/// The active providers offering `item` to people of `community` (their area holds it).
pub fn offering(ctx: &Ctx<'_>, item: &str, community: &str) -> Result<Vec<Provider>> {
    Ok(list(ctx)?
        .into_iter()
        .filter(|p| {
            p.active && p.items.iter().any(|i| i == item) && ctx.tree.is_within(community, &p.area)
        })
        .collect())
}
