//! The workstation's own keys and card, and enrolling, revoking and rotating peers' keys.

use std::path::{Path, PathBuf};

use super::relation;
use crate::app::{clock, AppError, Ctx, Result};
use crate::domain::permission::Action;
use crate::store::exchange::{self as store_exchange, NewPeer};
use crate::store::{access_log, data_dir, orgs, Store};
use crate::sync::keys::{self as sync_keys, Card, Keys, CARD_FORMAT};
use crate::sync::Refusal;

fn key_dir(store: &Store) -> PathBuf {
    sync_keys::dir_for(store.path())
}

fn mode(store: &Store) -> u32 {
    data_dir::file_mode_for(store.path().parent().unwrap_or_else(|| Path::new(".")))
}

/// The workstation's keys; a workstation set up before keys existed gets them now.
pub fn own_keys(store: &Store) -> Result<Keys> {
    let dir = key_dir(store);
    match Keys::load(&dir) {
        Ok(k) => Ok(k),
        Err(sync_keys::KeyError::Missing(_)) => Ok(Keys::generate(&dir, mode(store))?),
        Err(e) => Err(e.into()),
    }
}

fn card_with(store: &Store, keys: &Keys) -> Result<Card> {
    let ws = store.workstation()?;
    let tree = orgs::tree(store.conn())?;
    let unit = tree.get(&ws.org_code);
    Ok(Card {
        format: CARD_FORMAT.to_string(),
        workstation: ws.id.clone(),
        org_code: ws.org_code.clone(),
        org_name: unit
            .map(|u| u.name.clone())
            .unwrap_or_else(|| ws.org_code.clone()),
        tier: ws.tier.code().to_string(),
        parent: unit.and_then(|u| u.parent.clone()),
        demo: ws.demo,
        sign_key: keys.sign_key_hex(),
        age_recipient: keys.age_recipient(),
    })
}

/// This workstation's public card.
pub fn own_card(store: &Store) -> Result<Card> {
    let keys = own_keys(store)?;
    card_with(store, &keys)
}

/// The card's file name: `<org code>.card`.
pub fn card_file_name(card: &Card) -> String {
    format!("{}.card", card.org_code)
}

/// Writes this workstation's public card to `out` (a file, or a folder that receives
/// `<org code>.card`). Returns the file written.
pub fn write_card(store: &Store, out: &Path) -> Result<PathBuf> {
    let card = own_card(store)?;
    let path = if out.is_dir() {
        out.join(card_file_name(&card))
    } else {
        out.to_path_buf()
    };
    // The card is public, but files this program writes stay owner-only all the same.
    data_dir::write_file_atomically(&path, card.to_text().as_bytes(), mode(store))?;
    Ok(path)
}

/// Reads the card in `file` without enrolling it, so a person can compare its fingerprint
/// with the one the other office reads out before trusting it.
pub fn read_card(file: &Path) -> Result<Card> {
    let meta = std::fs::metadata(file).map_err(|e| crate::store::StoreError::Io {
        path: file.to_path_buf(),
        source: e,
    })?;
    if meta.len() > 64 * 1024 {
        return Err(Refusal::NotACard.into());
    }
    let text = std::fs::read_to_string(file).map_err(|_| Refusal::NotACard)?;
    Ok(Card::parse(&text)?)
}

/// What enrolling a card did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustOutcome {
    /// The key is now trusted.
    Enrolled(Card),
    /// It was trusted already.
    AlreadyEnrolled(Card),
}

/// Enrols the card in `file` as a peer, only when `fingerprint` (as typed) matches it, the
/// unit is this workstation's parent or one of its children in its org tree, both are demo or
/// both real, and the unit has no other current key here (one per unit). A child unit not yet
/// in the tree is added only when `new_unit` says the administrator checked its code and name
/// with the other office.
pub fn trust(
    ctx: &mut Ctx<'_>,
    file: &Path,
    fingerprint: &str,
    new_unit: bool,
) -> Result<TrustOutcome> {
    ctx.require_somewhere(Action::ManageKeys)?;
    let card = read_card(file)?;
    let text = card.to_text();
    let actual = card.fingerprint();
    if sync_keys::parse_fingerprint(fingerprint).as_deref() != Some(actual.as_str()) {
        return Err(Refusal::FingerprintMismatch.into());
    }
    let ws = ctx.store.workstation()?;
    if card.workstation == ws.id {
        return Err(Refusal::OwnCard.into());
    }
    if card.demo != ws.demo {
        return Err(Refusal::DemoMismatch {
            bundle_is_demo: card.demo,
        }
        .into());
    }
    let name = crate::domain::text::for_display(&card.org_name);
    let joins = super::unknown_child(
        &ws,
        &ctx.tree,
        &card.tier,
        &card.org_code,
        card.parent.as_deref(),
    );
    if joins && !new_unit {
        return Err(Refusal::NotInTree { org: name }.into());
    }
    let mut tree = ctx.tree.clone();
    if joins {
        if let Ok(tier) = crate::domain::org::Tier::parse(&card.tier) {
            let mut units = tree.units().to_vec();
            units.push(new_child(&card, &name, tier));
            tree = crate::domain::org::OrgTree::new(units);
        }
    }
    relation(
        &ws,
        &tree,
        &card.tier,
        &card.org_code,
        card.parent.as_deref(),
    )
    .ok_or_else(|| Refusal::NotParentOrChild { org: name.clone() })?;
    if let Some(existing) = store_exchange::peer(ctx.store.conn(), &actual)? {
        if existing.revoked_at.is_none() {
            return Ok(TrustOutcome::AlreadyEnrolled(card));
        }
    }
    if let Some(current) = store_exchange::active_peer_for_org(ctx.store.conn(), &card.org_code)? {
        return Err(Refusal::UnitHasKey {
            org: name,
            fingerprint: sync_keys::show_fingerprint(&current.fingerprint),
        }
        .into());
    }
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| -> Result<()> {
        if joins {
            if let Ok(tier) = crate::domain::org::Tier::parse(&card.tier) {
                orgs::upsert(tx, &new_child(&card, &name, tier), false)?;
                access_log::append(tx, &at, &actor, "org.add", &card.org_code, &name)?;
            }
        }
        store_exchange::insert_peer(
            tx,
            &NewPeer {
                fingerprint: &actual,
                workstation: &card.workstation,
                org_code: &card.org_code,
                org_name: &name,
                tier: &card.tier,
                parent: card.parent.as_deref(),
                demo: card.demo,
                sign_key: &card.sign_key,
                age_recipient: &card.age_recipient,
                card: &text,
            },
            &at,
            &actor,
        )?;
        access_log::append(tx, &at, &actor, "keys.trust", &card.org_code, &actual)?;
        Ok(())
    })?;
    ctx.tree = orgs::tree(ctx.store.conn())?;
    Ok(TrustOutcome::Enrolled(card))
}

/// A child unit as a card describes it, to join the org tree.
fn new_child(
    card: &Card,
    name: &str,
    tier: crate::domain::org::Tier,
) -> crate::domain::org::OrgUnit {
    crate::domain::org::OrgUnit {
        code: card.org_code.clone(),
        name: name.to_string(),
        kind: crate::domain::org::OrgKind::default_for(tier),
        parent: card.parent.clone(),
    }
}

/// True when the card's unit is not yet in this workstation's org tree and would join it as a
/// child on trusting: the screen asks the administrator to confirm its code and name first.
pub fn card_unit_is_new(ctx: &Ctx<'_>, card: &Card) -> Result<bool> {
    let ws = ctx.store.workstation()?;
    Ok(super::unknown_child(
        &ws,
        &ctx.tree,
        &card.tier,
        &card.org_code,
        card.parent.as_deref(),
    ))
}

/// Likely stolen keys not yet acknowledged: bundles refused because a key already replaced
/// endorsed another (see [`Refusal::ReplacedKeyEndorses`]).
pub fn key_alarms(ctx: &Ctx<'_>) -> Result<Vec<store_exchange::KeyAlarm>> {
    ctx.require_somewhere(Action::ManageKeys)?;
    Ok(store_exchange::key_alarms(ctx.store.conn(), false)?)
}

/// Acknowledges the key alarms of unit `org_code` once the administrator has checked with the
/// other office (and revoked the key that is not theirs): one decision settles the unit.
pub fn acknowledge_key_alarms(ctx: &mut Ctx<'_>, org_code: &str) -> Result<()> {
    ctx.require_somewhere(Action::ManageKeys)?;
    let open: Vec<i64> = store_exchange::key_alarms(ctx.store.conn(), false)?
        .into_iter()
        .filter(|a| a.org_code == org_code)
        .map(|a| a.id)
        .collect();
    if open.is_empty() {
        return Err(AppError::NotFound {
            what: "record.key_alarm",
        });
    }
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| -> Result<()> {
        for id in &open {
            store_exchange::acknowledge_key_alarm(tx, *id, &at, &actor)?;
        }
        access_log::append(
            tx,
            &at,
            &actor,
            "keys.alarm_acknowledged",
            org_code,
            &open.len().to_string(),
        )?;
        Ok(())
    })
}

/// Revokes the enrolled key `fingerprint`: bundles it signs are refused from now on.
pub fn revoke(ctx: &mut Ctx<'_>, fingerprint: &str) -> Result<String> {
    ctx.require_somewhere(Action::ManageKeys)?;
    let fp = sync_keys::parse_fingerprint(fingerprint).ok_or(Refusal::UnknownFingerprint)?;
    let peer = store_exchange::peer(ctx.store.conn(), &fp)?.ok_or(Refusal::UnknownFingerprint)?;
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    let done = ctx.store.write_local(|tx| -> Result<bool> {
        let done = store_exchange::revoke_peer(tx, &fp, &at, &actor)?;
        if done {
            access_log::append(tx, &at, &actor, "keys.revoke", &peer.org_code, &fp)?;
        }
        Ok(done)
    })?;
    if !done {
        return Err(Refusal::UnknownFingerprint.into());
    }
    Ok(crate::domain::text::for_display(&peer.org_name))
}

/// Replaces this workstation's keys. The old key endorses the new card; every later bundle
/// carries that endorsement, so peers move to the new key on their next import.
pub fn rotate(ctx: &mut Ctx<'_>) -> Result<Card> {
    ctx.require_somewhere(Action::ManageKeys)?;
    let old = own_card(ctx.store)?;
    let store: &Store = ctx.store;
    let (_, card) = Keys::rotate(&key_dir(store), mode(store), &old, |k| {
        let mut c = old.clone();
        c.sign_key = k.sign_key_hex();
        c.age_recipient = k.age_recipient();
        c
    })?;
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    let fp = card.fingerprint();
    let org = card.org_code.clone();
    ctx.store
        .write_local(|tx| access_log::append(tx, &at, &actor, "keys.rotate", &org, &fp))?;
    Ok(card)
}

/// Sets (or with `None` clears) the offline escrow recipient every bundle is also encrypted
/// to, so the data survives the loss of a destination's key.
pub fn set_escrow(ctx: &mut Ctx<'_>, recipient: Option<&str>) -> Result<()> {
    ctx.require_somewhere(Action::ManageKeys)?;
    let value = match recipient {
        Some(r) => {
            let r = r.trim();
            <age::x25519::Recipient as std::str::FromStr>::from_str(r).map_err(|_| {
                crate::domain::validation::ValidationError::new(
                    crate::domain::validation::Field::EscrowRecipient,
                    crate::domain::validation::Reason::BadFormat {
                        example: "example.age_recipient",
                    },
                )
            })?;
            r.to_string()
        }
        None => String::new(),
    };
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| -> Result<()> {
        crate::store::settings::put(
            tx,
            crate::store::settings::ESCROW_RECIPIENT,
            &value,
            &at,
            &actor,
        )?;
        access_log::append(tx, &at, &actor, "keys.escrow", "", &value)?;
        Ok(())
    })
}

impl From<sync_keys::KeyError> for AppError {
    fn from(e: sync_keys::KeyError) -> Self {
        match e {
            sync_keys::KeyError::Io { path, source } => {
                AppError::Store(crate::store::StoreError::Io { path, source })
            }
            sync_keys::KeyError::Damaged(p) | sync_keys::KeyError::Missing(p) => {
                AppError::KeysDamaged(p)
            }
        }
    }
}
