//! Reading a bundle: everything is verified before anything is written — size caps and
//! members, the sender's enrolled key and the signature over the manifest, destination, demo
//! flag, format version, bundle order, payload hash, chain continuity, every entry's hash and
//! link and every attachment's — then the whole bundle is applied in one transaction.
//!
//! A received change goes to the conflict queue when the record changed here too since the
//! sender last saw it, and to the review queue when it breaks a rule here; it is never
//! dropped and never blocks the rest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use super::{own_keys, relation, Direction};
use crate::app::{clock, AppError, Ctx, Result};
use crate::domain::permission::Action;
use crate::domain::received;
use crate::domain::scope::{self, Units};
use crate::store::changelog::ChangeEntry;
use crate::store::exchange::{
    self as store_exchange, BundleIn, ElidedStretch, NewPeer, NewQueueItem, Peer,
};
use crate::store::records::Entity;
use crate::store::{access_log, persons, records, Store};
use crate::sync::format::{self, Manifest, OpenError, Opened};
use crate::sync::keys::{show_fingerprint, Card, Keys};
use crate::sync::payload::{Entry, Frame, FrameReader};
use crate::sync::Refusal;

/// What `bundle import` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Imported, with its receipt.
    Imported(Receipt),
    /// This very bundle was imported before; nothing changed.
    AlreadyImported {
        /// When it was.
        imported_at: String,
    },
}

/// The import receipt: what came in, per kind and per community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub bundle_id: String,
    pub sender_org: String,
    pub sender_name: String,
    pub bundle_seq: i64,
    /// Entries in the bundle.
    pub entries: i64,
    /// Applied to the records.
    pub applied: i64,
    /// Held here already (sent again because no acknowledgement had arrived).
    pub already_held: i64,
    /// Waiting in the conflict queue.
    pub conflicts: i64,
    /// Waiting in the review queue.
    pub reviews: i64,
    /// Of those, entries about records the sender may not write (`domain::scope`).
    pub out_of_scope: i64,
    /// Of those, entries no form here could have made (`domain::received`).
    pub invalid: i64,
    pub attachments: i64,
    /// Entries received by hash only (not about this workstation's units).
    pub elided: i64,
    /// New entries per record kind code.
    pub kinds: BTreeMap<String, i64>,
    /// New entries per community code.
    pub communities: BTreeMap<String, i64>,
    /// The sender's key was rotated by this bundle.
    pub key_rotated: bool,
}

/// What `bundle inspect` shows.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The manifest (as read; `signer` says whether it verified).
    pub manifest: Option<Manifest>,
    /// Who signed, as far as this workstation can tell.
    pub signer: Signer,
    /// True when addressed to this workstation.
    pub for_us: bool,
    /// SHA-256 of the manifest.
    pub manifest_sha256: String,
    /// Imported here already.
    pub imported: bool,
}

/// The signer of an inspected bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// An enrolled peer; the signature verified.
    Verified { org_name: String },
    /// No enrolled key has this fingerprint.
    Unknown { fingerprint: String },
    /// The key was revoked or rotated out.
    Revoked { org_name: String },
    /// The signature does not verify.
    BadSignature,
}

fn open(path: &Path) -> Result<Opened> {
    format::open(path).map_err(|e| match e {
        OpenError::Refused(r) => AppError::Bundle(r),
        OpenError::Io(source) => AppError::Store(crate::store::StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    })
}

/// Shows a bundle's manifest without importing it: sender, destination, ranges, counts.
pub fn inspect(store: &Store, path: &Path) -> Result<Inspection> {
    let opened = open(path)?;
    let conn = store.conn();
    let ws = store.workstation()?;
    let peer = store_exchange::peer(conn, &opened.signature.fingerprint)?;
    let signer = match &peer {
        None => Signer::Unknown {
            fingerprint: show_fingerprint(&opened.signature.fingerprint),
        },
        Some(p) if p.revoked_at.is_some() || p.replaced_by.is_some() => Signer::Revoked {
            org_name: p.org_name.clone(),
        },
        Some(p) => match Card::parse(&p.card)
            .and_then(|c| opened.signature.verify(&c, &opened.manifest_bytes))
        {
            Ok(()) => Signer::Verified {
                org_name: p.org_name.clone(),
            },
            Err(_) => Signer::BadSignature,
        },
    };
    // Shown for information even when unverified; it carries no personal data.
    let manifest = Manifest::parse(&opened.manifest_bytes).ok();
    let for_us = manifest
        .as_ref()
        .is_some_and(|m| m.destination.workstation == ws.id);
    let imported = manifest
        .as_ref()
        .map(|m| store_exchange::bundle_in(conn, &m.bundle_id))
        .transpose()?
        .flatten()
        .is_some_and(|b| b.manifest_sha256 == opened.manifest_sha256);
    Ok(Inspection {
        manifest,
        signer,
        for_us,
        manifest_sha256: opened.manifest_sha256,
        imported,
    })
}

/// Imports the bundle at `path`. A refusal changes no data and is written to the access log.
/// `progress` gets (done, total) while applying and may stop the import (nothing is kept).
pub fn import(
    ctx: &mut Ctx<'_>,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<ImportOutcome> {
    ctx.require_somewhere(Action::ExchangeBundles)?;
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    let file = path
        .file_name()
        .map(|f| crate::domain::text::for_display(&f.to_string_lossy()))
        .unwrap_or_default();
    match import_verified(ctx, path, progress) {
        Err(AppError::Bundle(r)) => {
            let event = if matches!(r, Refusal::Fork { .. }) {
                "bundle.fork"
            } else {
                "bundle.refused"
            };
            ctx.store.write_local(|tx| -> Result<()> {
                access_log::append(tx, &at, &actor, event, &file, r.code())?;
                if let Refusal::ReplacedKeyEndorses {
                    org_code,
                    org,
                    replaced,
                    offered,
                } = &r
                {
                    store_exchange::insert_key_alarm(
                        tx,
                        &store_exchange::NewKeyAlarm {
                            at: &at,
                            org_code,
                            org_name: org,
                            replaced_key: replaced,
                            offered_key: offered,
                            file: &file,
                        },
                    )?;
                    access_log::append(tx, &at, &actor, "keys.stolen", org, offered)?;
                }
                Ok(())
            })?;
            Err(AppError::Bundle(r))
        }
        Ok(ImportOutcome::AlreadyImported { imported_at }) => {
            access_log::append_now(ctx.store, &at, &actor, "bundle.already_imported", &file, "")?;
            Ok(ImportOutcome::AlreadyImported { imported_at })
        }
        other => other,
    }
}

/// The key that signed: an enrolled one, or a new one its enrolled predecessor endorsed.
struct SignerKey {
    card: Card,
    fingerprint: String,
    /// Set when the bundle introduces a rotated key: the fingerprint it replaces.
    rotates: Option<Peer>,
}

fn signer_key(store: &Store, opened: &Opened) -> Result<SignerKey> {
    let conn = store.conn();
    let fp = &opened.signature.fingerprint;
    // One of this workstation's own bundles: verified with its own card, then refused as
    // addressed elsewhere.
    let own = super::own_card(store)?;
    if own.fingerprint() == *fp {
        return Ok(SignerKey {
            card: own,
            fingerprint: fp.clone(),
            rotates: None,
        });
    }
    match store_exchange::peer(conn, fp)? {
        Some(p) if p.revoked_at.is_some() || p.replaced_by.is_some() => {
            Err(Refusal::RevokedSender { org: p.org_name }.into())
        }
        Some(p) => Ok(SignerKey {
            card: Card::parse(&p.card)?,
            fingerprint: fp.clone(),
            rotates: None,
        }),
        None => {
            let unknown = || Refusal::UnknownSender {
                fingerprint: show_fingerprint(fp),
            };
            let Some(rotation) = &opened.signature.rotation else {
                return Err(unknown().into());
            };
            let previous = store_exchange::peer(conn, &rotation.previous)?.ok_or_else(unknown)?;
            if previous.revoked_at.is_some() {
                return Err(Refusal::RevokedSender {
                    org: previous.org_name,
                }
                .into());
            }
            let card = rotation.verify(&Card::parse(&previous.card)?)?;
            if card.fingerprint() != *fp {
                return Err(Refusal::BadRotation.into());
            }
            // A key rotates once. A genuine second endorsement means its secret is in two
            // hands: whichever came second is refused, and the administrator is alarmed.
            if previous.replaced_by.is_some() {
                return Err(Refusal::ReplacedKeyEndorses {
                    org_code: previous.org_code.clone(),
                    org: crate::domain::text::for_display(&previous.org_name),
                    replaced: show_fingerprint(&previous.fingerprint),
                    offered: show_fingerprint(fp),
                }
                .into());
            }
            Ok(SignerKey {
                card,
                fingerprint: fp.clone(),
                rotates: Some(previous),
            })
        }
    }
}

/// One chain as the bundle carries it, while checking.
struct ChainCheck {
    to: i64,
    next: i64,
    /// Hash the next entry must link to (unknown when the stretch before is not held here).
    prev: Option<[u8; 32]>,
    /// How far this database held the chain before the import.
    held: i64,
    entries: u64,
}

fn parse_hash(s: &str, seq: i64) -> std::result::Result<[u8; 32], Refusal> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).map_err(|_| Refusal::EntryHash { seq })?;
    Ok(out)
}

fn entry_of(e: &Entry) -> std::result::Result<(ChangeEntry, [u8; 32]), Refusal> {
    let hash = parse_hash(&e.hash, e.seq)?;
    let entry = ChangeEntry {
        origin: e.origin.clone(),
        epoch: e.epoch,
        seq: e.seq,
        actor: e.actor.clone(),
        at: e.at.clone(),
        kind: e.kind.clone(),
        entity: e.entity.clone(),
        record_id: e.record_id.clone(),
        record: e.record.clone(),
        prev_hash: parse_hash(&e.prev_hash, e.seq)?,
    };
    Ok((entry, hash))
}

fn malformed(seq: i64, what: &str) -> Refusal {
    Refusal::Malformed {
        detail: format!("#{seq} {what}"),
    }
}

/// Parses an entry's record and checks it against this database's table.
fn record_of(
    e: &ChangeEntry,
    columns: &mut HashMap<Entity, HashSet<String>>,
    store_conn: &rusqlite::Connection,
) -> Result<(Entity, serde_json::Map<String, serde_json::Value>)> {
    let entity = Entity::from_code(&e.entity).ok_or_else(|| malformed(e.seq, "entity"))?;
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&e.record)
    else {
        return Err(malformed(e.seq, "record").into());
    };
    if map.get("id").and_then(|v| v.as_str()) != Some(e.record_id.as_str()) {
        return Err(malformed(e.seq, "id").into());
    }
    if map
        .get("version")
        .and_then(|v| v.as_i64())
        .is_none_or(|n| n < 1)
    {
        return Err(malformed(e.seq, "version").into());
    }
    let known = match columns.entry(entity) {
        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(store_exchange::columns(store_conn, entity)?)
        }
    };
    if let Some(k) = map.keys().find(|k| !known.contains(k.as_str())) {
        return Err(malformed(e.seq, &crate::domain::text::for_display(k)).into());
    }
    if map.values().any(|v| v.is_array() || v.is_object()) {
        return Err(malformed(e.seq, "value").into());
    }
    Ok((entity, map))
}

fn frames<'k>(
    path: &Path,
    opened: &Opened,
    manifest: &Manifest,
    keys: &'k Keys,
) -> Result<FrameReader<impl Read + 'k>> {
    let reader = format::payload_reader(path, opened).map_err(|source| {
        AppError::Store(crate::store::StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let decryptor = age::Decryptor::new_buffered(reader).map_err(|_| Refusal::Decrypt)?;
    let stream = decryptor
        .decrypt(keys.identities().iter().map(|i| i as &dyn age::Identity))
        .map_err(|_| Refusal::Decrypt)?;
    // The signed size bounds what is read, whatever the stream would go on to say.
    let mut frames = FrameReader::new(stream.take(manifest.payload.plain_size));
    match frames.next_frame()? {
        Some(Frame::Header(h))
            if h.bundle_id == manifest.bundle_id
                && h.sender == manifest.sender.workstation
                && h.destination == manifest.destination.workstation =>
        {
            Ok(frames)
        }
        _ => Err(Refusal::HeaderMismatch.into()),
    }
}

fn import_verified(
    ctx: &mut Ctx<'_>,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<ImportOutcome> {
    let opened = open(path)?;
    let signer = signer_key(ctx.store, &opened)?;
    opened
        .signature
        .verify(&signer.card, &opened.manifest_bytes)?;
    let manifest = Manifest::parse(&opened.manifest_bytes)?;
    let ws = ctx.store.workstation()?;
    if manifest.destination.workstation != ws.id || manifest.destination.org_code != ws.org_code {
        return Err(Refusal::NotForUs {
            destination: crate::domain::text::for_display(&manifest.destination.org_code),
        }
        .into());
    }
    if manifest.demo != ws.demo {
        return Err(Refusal::DemoMismatch {
            bundle_is_demo: manifest.demo,
        }
        .into());
    }
    let card = &signer.card;
    if manifest.sender.workstation != card.workstation
        || manifest.sender.org_code != card.org_code
        || manifest.sender.tier != card.tier
        || manifest.sender.fingerprint != signer.fingerprint
    {
        return Err(Refusal::WrongTier.into());
    }
    // The way the bundle comes decides whose records the sender may write (`domain::scope`).
    let Some(direction) = relation(
        &ws,
        &ctx.tree,
        &card.tier,
        &card.org_code,
        card.parent.as_deref(),
    )
    .map(|d| match d {
        // The sender is this unit's parent: its bundle comes down.
        Direction::Up => Direction::Down,
        Direction::Down => Direction::Up,
    }) else {
        return Err(Refusal::NotParentOrChild {
            org: crate::domain::text::for_display(&card.org_name),
        }
        .into());
    };
    let sender_name = crate::domain::text::for_display(&card.org_name);
    if let Some(outcome) = order_check(ctx.store.conn(), &manifest, &opened, &sender_name)? {
        return Ok(outcome);
    }
    let (sha, size) = format::payload_sha256(path, &opened).map_err(|source| {
        AppError::Store(crate::store::StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    if sha != manifest.payload.sha256 || size != manifest.payload.size {
        return Err(Refusal::PayloadHash.into());
    }
    let keys = own_keys(ctx.store)?;
    let chains = check_ranges(ctx, &manifest, &ws.id, ws.epoch)?;
    let carried = check_payload(ctx.store, path, &opened, &manifest, &keys, chains)?;
    let outcome = apply(
        ctx,
        path,
        &opened,
        &manifest,
        &keys,
        &signer,
        &sender_name,
        direction,
        &carried,
        progress,
    )?;
    // Units learnt from the bundle join the tree this session goes on with.
    ctx.tree = orgs_tree(ctx.store)?;
    Ok(outcome)
}

/// Re-import, replay and fork, decided from the bundles imported so far.
fn order_check(
    conn: &rusqlite::Connection,
    manifest: &Manifest,
    opened: &Opened,
    sender_name: &str,
) -> Result<Option<ImportOutcome>> {
    let fork = || Refusal::Fork {
        org: sender_name.to_string(),
        epoch: manifest.epoch,
        seq: manifest.bundle_seq,
    };
    if let Some(done) = store_exchange::bundle_in(conn, &manifest.bundle_id)? {
        if done.manifest_sha256 == opened.manifest_sha256 {
            return Ok(Some(ImportOutcome::AlreadyImported {
                imported_at: done.imported_at,
            }));
        }
        return Err(fork().into());
    }
    let sender = &manifest.sender.workstation;
    if store_exchange::bundle_in_at(conn, sender, manifest.epoch, manifest.bundle_seq)?.is_some() {
        return Err(fork().into());
    }
    if let Some(last) = store_exchange::last_in(conn, sender)? {
        if (manifest.epoch, manifest.bundle_seq) < (last.epoch, last.bundle_seq) {
            return Err(Refusal::Replay {
                offered: manifest.bundle_seq,
                last: last.bundle_seq,
            }
            .into());
        }
    }
    Ok(None)
}

/// Checks each chain stretch continues what is held here; returns the per-chain state.
fn check_ranges(
    ctx: &Ctx<'_>,
    manifest: &Manifest,
    own_id: &str,
    own_epoch: i64,
) -> Result<HashMap<(String, i64), ChainCheck>> {
    let conn = ctx.store.conn();
    let mut chains = HashMap::new();
    for r in &manifest.ranges {
        if r.from < 1 || r.to < r.from {
            return Err(malformed(r.from, "range").into());
        }
        let held = store_exchange::held(conn, &r.origin, r.epoch)?;
        // This workstation's current chain is only ever written here, and a later epoch does not
        // exist yet; older epochs may come back from peers after a restore (and are judged by
        // the scope rule like any other entry: no chain carries its author's signature).
        if r.origin == own_id && (r.epoch > own_epoch || (r.epoch == own_epoch && r.to > held)) {
            return Err(Refusal::ForgedOwnChain.into());
        }
        if r.from > held + 1 {
            return Err(Refusal::Gap {
                origin: super::origin_name(ctx.store, &ctx.tree, &r.origin),
                from: held + 1,
                to: r.from - 1,
            }
            .into());
        }
        let prev = if r.from == 1 {
            Some([0u8; 32])
        } else {
            store_exchange::hash_at(conn, &r.origin, r.epoch, r.from - 1)?
        };
        let check = ChainCheck {
            to: r.to,
            next: r.from,
            prev,
            held,
            entries: 0,
        };
        if chains.insert((r.origin.clone(), r.epoch), check).is_some() {
            return Err(malformed(r.from, "range").into());
        }
    }
    Ok(chains)
}

/// Reads the whole payload once, checking every frame; writes nothing.
/// The first bytes of each attachment a bundle carries, by its SHA-256 (hex): enough to tell
/// a scan's format without holding the scans.
pub(super) type BlobHeads = HashMap<String, Vec<u8>>;

/// What the checking pass learns of a bundle for judging its entries: the first bytes of its
/// attachments, and the pending transfers it carries (person → from, to), since a person's
/// move comes in the change log before the transfer that allows it.
#[derive(Default)]
struct Carried {
    heads: BlobHeads,
    transfers: HashMap<String, (String, String)>,
}

impl Carried {
    fn note_transfer(&mut self, map: &serde_json::Map<String, serde_json::Value>) {
        let text = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_string);
        if text("state").as_deref() == Some("pending") {
            if let (Some(p), Some(from), Some(to)) = (
                text("person_id"),
                text("from_community"),
                text("to_community"),
            ) {
                self.transfers.insert(p, (from, to));
            }
        }
    }
}

/// How many first bytes of an attachment tell its format.
const BLOB_HEAD: usize = 16;

fn check_payload(
    store: &Store,
    path: &Path,
    opened: &Opened,
    manifest: &Manifest,
    keys: &Keys,
    mut chains: HashMap<(String, i64), ChainCheck>,
) -> Result<Carried> {
    let conn = store.conn();
    let mut carried = Carried::default();
    let mut frames = frames(path, opened, manifest, keys)?;
    let mut columns = HashMap::new();
    let (mut entries, mut attachments) = (0u64, 0u64);
    let mut trailer = None;
    while let Some(frame) = frames.next_frame()? {
        if trailer.is_some() {
            return Err(malformed(0, "after end").into());
        }
        match frame {
            Frame::Header(_) => return Err(Refusal::HeaderMismatch.into()),
            Frame::Entry(e) => {
                let (entry, hash) = entry_of(&e)?;
                let c = chains
                    .get_mut(&(entry.origin.clone(), entry.epoch))
                    .ok_or_else(|| malformed(entry.seq, "chain"))?;
                if entry.seq < c.next {
                    return Err(Refusal::DuplicateEntry { seq: entry.seq }.into());
                }
                if entry.seq != c.next || entry.seq > c.to {
                    return Err(malformed(entry.seq, "seq").into());
                }
                if entry.hash() != hash || c.prev.is_some_and(|p| p != entry.prev_hash) {
                    return Err(Refusal::EntryHash { seq: entry.seq }.into());
                }
                if entry.seq <= c.held {
                    if let Some(local) =
                        store_exchange::hash_at(conn, &entry.origin, entry.epoch, entry.seq)?
                    {
                        if local != hash {
                            return Err(Refusal::Fork {
                                org: super::origin_name(store, &orgs_tree(store)?, &entry.origin),
                                epoch: entry.epoch,
                                seq: entry.seq,
                            }
                            .into());
                        }
                    }
                }
                let (entity, map) = record_of(&entry, &mut columns, conn)?;
                if entity == Entity::Transfer {
                    carried.note_transfer(&map);
                }
                c.prev = Some(hash);
                c.next = entry.seq + 1;
                c.entries += 1;
                entries += 1;
            }
            Frame::Elided(g) => {
                let c = chains
                    .get_mut(&(g.origin.clone(), g.epoch))
                    .ok_or_else(|| malformed(g.from, "chain"))?;
                if g.from < c.next {
                    return Err(Refusal::DuplicateEntry { seq: g.from }.into());
                }
                if g.from != c.next || g.to < g.from || g.to > c.to {
                    return Err(malformed(g.from, "seq").into());
                }
                c.prev = Some(parse_hash(&g.last_hash, g.to)?);
                c.next = g.to + 1;
            }
            Frame::Blob { sha256, bytes } => {
                carried.heads.insert(
                    hex::encode(sha256),
                    bytes[..bytes.len().min(BLOB_HEAD)].to_vec(),
                );
                attachments += 1
            }
            Frame::Trailer(t) => trailer = Some(t),
        }
    }
    let Some(trailer) = trailer else {
        return Err(Refusal::Truncated.into());
    };
    for (r, c) in manifest
        .ranges
        .iter()
        .map(|r| (r, &chains[&(r.origin.clone(), r.epoch)]))
    {
        if c.next != r.to + 1 || c.entries != r.entries {
            return Err(malformed(r.from, "range").into());
        }
    }
    if entries != manifest.entries
        || trailer.entries != entries
        || attachments != manifest.attachments
        || trailer.attachments != attachments
    {
        return Err(malformed(0, "count").into());
    }
    Ok(carried)
}

fn orgs_tree(store: &Store) -> Result<crate::domain::org::OrgTree> {
    Ok(crate::store::orgs::tree(store.conn())?)
}

#[allow(clippy::too_many_arguments)]
fn apply(
    ctx: &mut Ctx<'_>,
    path: &Path,
    opened: &Opened,
    manifest: &Manifest,
    keys: &Keys,
    signer: &SignerKey,
    sender_name: &str,
    direction: Direction,
    carried: &Carried,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<ImportOutcome> {
    let at = clock::rfc3339(ctx.clock.now());
    let ws = ctx.store.workstation()?;
    // The units the sender may teach this tree (below a child, above the parent): the entries
    // are judged by the tree as it will stand after the import.
    let learnt = ctx.tree.learnable(
        &manifest.sender.org_code,
        direction == Direction::Up,
        &units_named(&manifest.units),
    );
    let tree = ctx.tree.with(&learnt);
    let judge = Judge {
        tree: &tree,
        direction,
        sender_org: &manifest.sender.org_code,
        own_org: &ws.org_code,
        carried,
        rules: received::Context::new(&tree, clock::china_date(ctx.clock.now())),
    };
    let actor = ctx.session.username.clone();
    // What the sender holds: its acknowledgement, and everything it sends now.
    let mut sender_holds: HashMap<(String, i64), i64> = manifest
        .held
        .iter()
        .map(|h| ((h.origin.clone(), h.epoch), h.seq))
        .collect();
    for r in &manifest.ranges {
        let e = sender_holds.entry((r.origin.clone(), r.epoch)).or_insert(0);
        *e = (*e).max(r.to);
    }
    let total = manifest.entries;
    ctx.store
        .write_local(|tx| -> Result<ImportOutcome> {
            // Another import may have finished while this one was checking.
            if let Some(outcome) = order_check(tx, manifest, opened, sender_name)? {
                return Ok(outcome);
            }
            let first_new = crate::store::changelog::last_local_order(tx)?;
            for unit in &learnt {
                crate::store::orgs::upsert(tx, unit, false)?;
            }
            if !learnt.is_empty() {
                let codes: Vec<&str> = learnt.iter().map(|u| u.code.as_str()).collect();
                access_log::append(
                    tx,
                    &at,
                    &actor,
                    "org.learn",
                    &manifest.sender.org_code,
                    &codes.join(","),
                )?;
            }
            let mut held_at_start: HashMap<(String, i64), i64> = HashMap::new();
            for r in &manifest.ranges {
                held_at_start.insert(
                    (r.origin.clone(), r.epoch),
                    store_exchange::held(tx, &r.origin, r.epoch)?,
                );
            }
            let mut frames = frames(path, opened, manifest, keys)?;
            let mut receipt = Receipt {
                bundle_id: manifest.bundle_id.clone(),
                sender_org: manifest.sender.org_code.clone(),
                sender_name: sender_name.to_string(),
                bundle_seq: manifest.bundle_seq,
                entries: manifest.entries as i64,
                applied: 0,
                already_held: 0,
                conflicts: 0,
                reviews: 0,
                out_of_scope: 0,
                invalid: 0,
                attachments: 0,
                elided: 0,
                kinds: BTreeMap::new(),
                communities: BTreeMap::new(),
                key_rotated: signer.rotates.is_some(),
            };
            let mut columns = HashMap::new();
            let mut upserts = store_exchange::UpsertSql::default();
            // A bundle touches many pages more than once: a larger page cache for this
            // transaction keeps SQLite from writing them out again and again.
            store_exchange::set_cache_mib(tx, 32)?;
            // Records whose earlier entry in this bundle waits in the queue: later ones wait too.
            let mut waiting: HashMap<String, &'static str> = HashMap::new();
            let mut applied_here: HashSet<String> = HashSet::new();
            let mut done = 0u64;
            while let Some(frame) = frames.next_frame()? {
                match frame {
                    Frame::Entry(e) => {
                        let (entry, hash) = entry_of(&e)?;
                        let key = (entry.origin.clone(), entry.epoch);
                        if entry.seq <= held_at_start.get(&key).copied().unwrap_or(0) {
                            match store_exchange::hash_at(
                                tx,
                                &entry.origin,
                                entry.epoch,
                                entry.seq,
                            )? {
                                Some(h) if h != hash => {
                                    return Err(Refusal::Fork {
                                        org: sender_name.to_string(),
                                        epoch: entry.epoch,
                                        seq: entry.seq,
                                    }
                                    .into())
                                }
                                _ if readmit(
                                    tx,
                                    &judge,
                                    &entry,
                                    &mut columns,
                                    &mut upserts,
                                    &sender_holds,
                                    &applied_here,
                                    &at,
                                    &actor,
                                )? =>
                                {
                                    applied_here.insert(entry.record_id.clone());
                                    receipt.applied += 1;
                                }
                                _ => receipt.already_held += 1,
                            }
                        } else {
                            apply_entry(
                                tx,
                                &judge,
                                &entry,
                                &hash,
                                &mut columns,
                                &mut upserts,
                                &sender_holds,
                                &mut waiting,
                                &mut applied_here,
                                &manifest.bundle_id,
                                &at,
                                &mut receipt,
                            )?;
                        }
                        done += 1;
                        crate::app::fault::pause_at("import", done);
                        if done % 1000 == 0 && !progress(done, total) {
                            return Err(AppError::Cancelled);
                        }
                    }
                    Frame::Elided(g) => {
                        let held = held_at_start
                            .get(&(g.origin.clone(), g.epoch))
                            .copied()
                            .unwrap_or(0);
                        if g.to > held {
                            let from = g.from.max(held + 1);
                            if !store_exchange::is_elided(tx, &g.origin, g.epoch, from)? {
                                store_exchange::insert_elided(
                                    tx,
                                    &ElidedStretch {
                                        origin: g.origin.clone(),
                                        epoch: g.epoch,
                                        from,
                                        to: g.to,
                                        last_hash: parse_hash(&g.last_hash, g.to)?,
                                    },
                                )?;
                            }
                            receipt.elided += g.to - from + 1;
                        }
                    }
                    Frame::Blob { sha256, bytes } => {
                        store_exchange::insert_blob(tx, &hex::encode(sha256), &bytes)?;
                        receipt.attachments += 1;
                    }
                    Frame::Header(_) | Frame::Trailer(_) => {}
                }
            }
            progress(total, total);
            crate::store::changelog::raise_heads_after(tx, first_new)?;
            let held: Vec<(String, i64, i64)> = manifest
                .held
                .iter()
                .map(|h| (h.origin.clone(), h.epoch, h.seq))
                .collect();
            store_exchange::set_peer_holdings(tx, &manifest.sender.workstation, &held)?;
            let sender = &manifest.sender.workstation;
            if let Some(h) = &manifest.access_head {
                store_exchange::set_access_checkpoint(
                    tx,
                    sender,
                    store_exchange::AccessSide::Theirs,
                    h.seq,
                    &h.hash,
                    h.epoch.unwrap_or(manifest.epoch),
                    &manifest.bundle_id,
                )?;
            }
            if let Some(h) = &manifest.access_seen {
                store_exchange::set_access_checkpoint(
                    tx,
                    sender,
                    store_exchange::AccessSide::Ours,
                    h.seq,
                    &h.hash,
                    h.epoch.unwrap_or(ws.epoch),
                    &manifest.bundle_id,
                )?;
            }
            if let Some(head) = &manifest.head {
                store_exchange::insert_checkpoint(
                    tx,
                    &manifest.sender.workstation,
                    head.epoch,
                    head.seq,
                    &head.hash,
                    &manifest.bundle_id,
                )?;
            }
            if let Some(previous) = &signer.rotates {
                let card = &signer.card;
                let text = card.to_text();
                store_exchange::insert_peer(
                    tx,
                    &NewPeer {
                        fingerprint: &signer.fingerprint,
                        workstation: &card.workstation,
                        org_code: &card.org_code,
                        org_name: &crate::domain::text::for_display(&card.org_name),
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
                store_exchange::replace_peer(tx, &previous.fingerprint, &signer.fingerprint)?;
                access_log::append(
                    tx,
                    &at,
                    &actor,
                    "keys.rotated_peer",
                    &card.org_code,
                    &signer.fingerprint,
                )?;
            }
            let receipt_json = serde_json::json!({
                "kinds": receipt.kinds,
                "communities": receipt.communities,
                "elided": receipt.elided,
                "out_of_scope": receipt.out_of_scope,
                "invalid": receipt.invalid,
            })
            .to_string();
            store_exchange::record_in(
                tx,
                &BundleIn {
                    bundle_id: manifest.bundle_id.clone(),
                    manifest_sha256: opened.manifest_sha256.clone(),
                    sender_workstation: manifest.sender.workstation.clone(),
                    sender_org: manifest.sender.org_code.clone(),
                    sender_fingerprint: signer.fingerprint.clone(),
                    epoch: manifest.epoch,
                    bundle_seq: manifest.bundle_seq,
                    created_at: manifest.created_at.clone(),
                    imported_at: at.clone(),
                    imported_by: actor.clone(),
                    entries: receipt.entries,
                    applied: receipt.applied,
                    already_held: receipt.already_held,
                    conflicts: receipt.conflicts,
                    reviews: receipt.reviews,
                    attachments: receipt.attachments,
                    receipt: receipt_json,
                },
            )?;
            let detail = format!(
                "from={} seq={} applied={} conflicts={} reviews={}",
                manifest.sender.org_code,
                manifest.bundle_seq,
                receipt.applied,
                receipt.conflicts,
                receipt.reviews
            );
            access_log::append(
                tx,
                &at,
                &actor,
                "bundle.import",
                &manifest.bundle_id,
                &detail,
            )?;
            crate::app::fault::pause_at("import_commit", 0);
            Ok(ImportOutcome::Imported(receipt))
        })
        .inspect(|_| crate::app::fault::pause_at("import_done", 0))
}

/// What decides whether a received entry is admitted here: the scope of its sender
/// (`domain::scope`) and the rules for received records (`domain::received`).
struct Judge<'a> {
    tree: &'a crate::domain::org::OrgTree,
    /// The way the bundle comes: up from a child, down from the parent.
    direction: Direction,
    sender_org: &'a str,
    own_org: &'a str,
    /// What the checking pass learnt of the bundle.
    carried: &'a Carried,
    rules: received::Context<'a>,
}

impl Judge<'_> {
    /// Why the entry is not admitted here, if it is not: (queue reason).
    fn refuses(
        &self,
        tx: &rusqlite::Connection,
        entry: &ChangeEntry,
        entity: Entity,
        map: &serde_json::Map<String, serde_json::Value>,
        incoming: &Units,
    ) -> Result<Option<&'static str>> {
        let held = store_exchange::held_units(tx, entity, &entry.record_id)?;
        let moves = match &held {
            Some(h) if self.direction == Direction::Up && scope::follows_person(entity) => {
                self.transferred(tx, entity, &entry.record_id, map, h, incoming)?
            }
            _ => false,
        };
        if !scope::admits(
            self.tree,
            self.direction,
            self.sender_org,
            self.own_org,
            held.as_ref(),
            incoming,
            moves,
        ) {
            return Ok(Some("out_of_scope"));
        }
        // From a child, everything the record refers to must be the child's to write as well.
        if self.direction == Direction::Up {
            for (field, kind) in scope::references(entity) {
                if let Some(serde_json::Value::String(id)) = map.get(*field) {
                    if !self.may_refer(tx, *kind, id)? {
                        return Ok(Some("out_of_scope"));
                    }
                }
            }
        }
        if check_received(tx, &self.rules, entity, map, &self.carried.heads)?.is_err() {
            return Ok(Some("invalid"));
        }
        Ok(None)
    }

    /// The person a record of a kind that follows its person belongs to.
    fn person_of(
        tx: &rusqlite::Connection,
        entity: Entity,
        id: &str,
        map: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<Option<String>> {
        if entity == Entity::Person {
            return Ok(Some(id.to_string()));
        }
        if let Some(serde_json::Value::String(p)) = map.and_then(|m| m.get("person_id")) {
            return Ok(Some(p.clone()));
        }
        Ok(store_exchange::person_of(tx, entity, id)?)
    }

    /// True when a transfer held here moves the record's person from one of the units the
    /// record is held under to the unit it comes under: the record follows its person (迁出).
    fn transferred(
        &self,
        tx: &rusqlite::Connection,
        entity: Entity,
        id: &str,
        map: &serde_json::Map<String, serde_json::Value>,
        held: &Units,
        incoming: &Units,
    ) -> Result<bool> {
        let Some(person) = Self::person_of(tx, entity, id, Some(map))? else {
            return Ok(false);
        };
        Ok(match self.transfer_of(tx, &person)? {
            Some((from, to)) => held.0.contains(&from) && incoming.creator() == Some(to.as_str()),
            None => false,
        })
    }

    /// The pending transfer of `person` (from, to) held here or carried by this bundle, when it
    /// leaves one of the sender's units: the sender may hand its own person on, so such a
    /// transfer is admitted by the scope rule itself when it comes.
    fn transfer_of(
        &self,
        tx: &rusqlite::Connection,
        person: &str,
    ) -> Result<Option<(String, String)>> {
        let t = match crate::store::transfers::pending_of_person(tx, person)? {
            Some(t) => Some((t.from_community, t.to_community)),
            None => self.carried.transfers.get(person).cloned(),
        };
        Ok(t.filter(|(from, _)| self.tree.is_within(from, self.sender_org)))
    }

    /// True when the sending child may refer to record `id` of `kind`: one not held here (the
    /// reference then fails on its own), one of its units', or one that follows a person a
    /// transfer held here moves from or to one of its units.
    fn may_refer(&self, tx: &rusqlite::Connection, kind: Entity, id: &str) -> Result<bool> {
        let Some(units) = store_exchange::held_units(tx, kind, id)? else {
            return Ok(true);
        };
        if scope::may_write(
            self.tree,
            Direction::Up,
            self.sender_org,
            self.own_org,
            &units,
        ) {
            return Ok(true);
        }
        if !scope::follows_person(kind) {
            return Ok(false);
        }
        let Some(person) = Self::person_of(tx, kind, id, None)? else {
            return Ok(false);
        };
        Ok(self.transfer_of(tx, &person)?.is_some())
    }
}

/// The units a manifest names, each checked as a form would check it (code, name, kind);
/// anything else in the list is left out.
fn units_named(named: &[crate::sync::format::UnitEntry]) -> Vec<crate::domain::org::OrgUnit> {
    use crate::domain::org::{parse_org_code, parse_org_name, OrgKind, OrgUnit};
    use crate::domain::validation::Field;
    named
        .iter()
        .filter_map(|u| {
            let code = parse_org_code(Field::OrgCode, &u.code).ok()?;
            let parent = match &u.parent {
                Some(p) => Some(parse_org_code(Field::ParentCode, p).ok()?),
                None => None,
            };
            Some(OrgUnit {
                code,
                name: parse_org_name(&u.name).ok()?,
                kind: OrgKind::from_code(&u.kind)?,
                parent,
            })
        })
        .collect()
}

/// The rules a received record must meet here before it is applied or taken: the forms' rules
/// (`domain::received`), and for a scan, that its bytes — carried by the bundle (`heads`) or
/// held here — are a scan whose format its name does not contradict.
pub(super) fn check_received(
    conn: &rusqlite::Connection,
    rules: &received::Context<'_>,
    entity: Entity,
    map: &serde_json::Map<String, serde_json::Value>,
    heads: &BlobHeads,
) -> Result<std::result::Result<(), crate::domain::validation::ValidationError>> {
    if let Err(e) = received::check(entity, map, rules) {
        return Ok(Err(e));
    }
    if entity == Entity::Document {
        let text = |k: &str| match map.get(k) {
            Some(serde_json::Value::String(s)) => s.as_str(),
            _ => "",
        };
        let head = match heads.get(text("sha256")) {
            Some(h) => Some(h.clone()),
            None => crate::store::documents::content_head(conn, text("sha256"), BLOB_HEAD)?,
        };
        return Ok(received::check_scan(text("file_name"), head.as_deref()));
    }
    Ok(Ok(()))
}

/// An entry held here as not admitted because its earlier sender could not write it (a child
/// that relayed another unit's changes after this workstation restored a backup), offered
/// again by a sender that may: applied now, as it would have been on first arrival, and its
/// review settled — unless the record changed here since, or anything else would hold it,
/// in which case it stays for a person. True when it was applied.
#[allow(clippy::too_many_arguments)]
fn readmit(
    tx: &rusqlite::Transaction<'_>,
    judge: &Judge<'_>,
    entry: &ChangeEntry,
    columns: &mut HashMap<Entity, HashSet<String>>,
    upserts: &mut store_exchange::UpsertSql,
    sender_holds: &HashMap<(String, i64), i64>,
    applied_here: &HashSet<String>,
    at: &str,
    actor: &str,
) -> Result<bool> {
    let Some((order, item)) =
        store_exchange::held_out_of_scope(tx, &entry.origin, entry.epoch, entry.seq)?
    else {
        return Ok(false);
    };
    let (entity, map) = record_of(entry, columns, tx)?;
    let incoming = store_exchange::units_of(tx, entity, &map)?;
    if judge.refuses(tx, entry, entity, &map, &incoming)?.is_some()
        || !store_exchange::open_items_of(tx, &entry.record_id)?
            .iter()
            .all(|id| *id == item)
        || store_exchange::closed_here(tx, entity, &entry.record_id)?.is_some()
    {
        return Ok(false);
    }
    let seen = applied_here.contains(&entry.record_id)
        || !store_exchange::exists(tx, entity, &entry.record_id)?
        || match store_exchange::latest_applied(tx, &entry.record_id)? {
            None => true,
            Some((o, e, s)) => sender_holds.get(&(o, e)).is_some_and(|h| s <= *h),
        };
    // Never an older version over a newer one that arrived meanwhile.
    let newer = match (
        store_exchange::version_of(tx, entity, &entry.record_id)?,
        map.get("version").and_then(|v| v.as_i64()),
    ) {
        (Some(held), Some(incoming)) => incoming > held,
        (None, _) => true,
        (Some(_), None) => false,
    };
    if !seen || !newer || store_exchange::upsert(tx, upserts, entity, &map)?.is_err() {
        return Ok(false);
    }
    store_exchange::mark_applied(tx, order)?;
    if entity == Entity::Person {
        persons::reindex(tx, &entry.record_id)?;
    }
    store_exchange::resolve(
        tx,
        item,
        at,
        actor,
        "incoming",
        Some(&format!("readmitted from {}", judge.sender_org)),
    )?;
    Ok(true)
}

/// The ids of the records `map` (of kind `entity`) refers to: the one its unit comes through and
/// every reference the scope rule follows.
fn referred_ids(entity: Entity, map: &serde_json::Map<String, serde_json::Value>) -> Vec<&str> {
    let via = match scope::owner(entity) {
        scope::Owner::Via { field, .. } => Some(field),
        scope::Owner::Fields(_) => None,
    };
    via.into_iter()
        .chain(scope::references(entity).iter().map(|(f, _)| *f))
        .filter_map(|f| map.get(f).and_then(|v| v.as_str()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn apply_entry(
    tx: &rusqlite::Transaction<'_>,
    judge: &Judge<'_>,
    entry: &ChangeEntry,
    hash: &[u8; 32],
    columns: &mut HashMap<Entity, HashSet<String>>,
    upserts: &mut store_exchange::UpsertSql,
    sender_holds: &HashMap<(String, i64), i64>,
    waiting: &mut HashMap<String, &'static str>,
    applied_here: &mut HashSet<String>,
    bundle_id: &str,
    at: &str,
    receipt: &mut Receipt,
) -> Result<()> {
    let (entity, map) = record_of(entry, columns, tx)?;
    let incoming = store_exchange::units_of(tx, entity, &map)?;
    let community = incoming.creator().unwrap_or_default().to_string();
    *receipt.kinds.entry(entity.code().to_string()).or_insert(0) += 1;
    *receipt.communities.entry(community.clone()).or_insert(0) += 1;
    // Why the entry must wait for a person, if it must: (queue, reason). An entry its sender
    // could not write, or no form here could have made, is held first of all.
    // A record whose unit comes through one waiting from earlier in this bundle (a service of a
    // case in the queue) has no unit to be judged by yet: it waits after that one.
    let unit_waits = incoming.creator().is_none_or(str::is_empty)
        && referred_ids(entity, &map)
            .into_iter()
            .any(|id| waiting.contains_key(id));
    let hold: Option<(&'static str, &'static str)> = if let Some(kind) =
        waiting.get(&entry.record_id)
    {
        Some((kind, "after_earlier"))
    } else if unit_waits {
        Some(("review", "after_earlier"))
    } else if let Some(reason) = judge.refuses(tx, entry, entity, &map, &incoming)? {
        Some(("review", reason))
    } else {
        // A record new here, or already changed by an earlier entry of this bundle, is one
        // the sender holds as it now stands here: the change-log lookup is spared for them.
        let seen = applied_here.contains(&entry.record_id)
            || !store_exchange::exists(tx, entity, &entry.record_id)?
            || match store_exchange::latest_applied(tx, &entry.record_id)? {
                None => true,
                Some((o, e, s)) => sender_holds.get(&(o, e)).is_some_and(|h| s <= *h),
            };
        if !seen {
            Some(("conflict", "changed_here"))
        } else {
            store_exchange::closed_here(tx, entity, &entry.record_id)?.map(|why| ("review", why))
        }
    };
    // A refused upsert leaves the row as it was, so the local version is read only when needed.
    let hold = match hold {
        Some(h) => Some(h),
        None => match store_exchange::upsert(tx, upserts, entity, &map)? {
            Ok(()) => None,
            Err(f) => Some(("review", f.code())),
        },
    };
    match hold {
        None => {
            store_exchange::insert_received(tx, entry, hash, true)?;
            applied_here.insert(entry.record_id.clone());
            if entity == Entity::Person {
                persons::reindex(tx, &entry.record_id)?;
            }
            receipt.applied += 1;
        }
        Some((kind, reason)) => {
            // Someone here must see it: an item about a unit this workstation does not know
            // (a community that does not exist) is shown under the sender's unit.
            let community = if judge.tree.get(&community).is_some() {
                community
            } else {
                judge.sender_org.to_string()
            };
            let local = records::record_json(tx, entity, &entry.record_id)?;
            let order = store_exchange::insert_received(tx, entry, hash, false)?;
            store_exchange::enqueue(
                tx,
                &NewQueueItem {
                    kind,
                    entry_order: order,
                    entity: entity.code(),
                    record_id: &entry.record_id,
                    community: &community,
                    reason,
                    local_record: local.as_deref(),
                    bundle_id,
                    queued_at: at,
                },
            )?;
            waiting.insert(entry.record_id.clone(), kind);
            if kind == "conflict" {
                receipt.conflicts += 1;
            } else {
                receipt.reviews += 1;
            }
            match reason {
                "out_of_scope" => receipt.out_of_scope += 1,
                "invalid" => receipt.invalid += 1,
                _ => {}
            }
        }
    }
    Ok(())
}
