//! Writing a bundle for one peer: every change it has not acknowledged — upward everything,
//! downward in full only what concerns its units and the rest by hash — with the attachments
//! of the documents carried, encrypted to the peer (and the escrow recipient when set) and
//! signed over the manifest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sha2::{Digest, Sha256};

use super::{own_keys, relation, Direction};
use crate::app::{clock, AppError, Ctx, Result};
use crate::domain::org::OrgTree;
use crate::domain::permission::Action;
use crate::domain::scope;
use crate::store::exchange::AccessSide;
use crate::store::exchange::{self as store_exchange, BundleOut, ElidedStretch, StoredEntry};
use crate::store::{access_log, data_dir, documents, settings, Store, StoreError};
use crate::sync::format::{
    self, Head, Held, LogHead, Manifest, Party, PayloadInfo, Range, SignatureMember, UnitEntry,
};
use crate::sync::keys::Card;
use crate::sync::payload::{Elided, Entry, FrameWriter, Header, Trailer};
use crate::sync::Refusal;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// The bundle file.
    pub path: PathBuf,
    /// Its id.
    pub bundle_id: String,
    /// The destination's unit code and name.
    pub peer_org: String,
    pub peer_name: String,
    /// Its number to that peer in this epoch.
    pub bundle_seq: i64,
    /// Entries carried in full.
    pub entries: u64,
    /// Entries carried by hash only.
    pub elided: u64,
    /// Attachments carried.
    pub attachments: u64,
}

impl ExportSummary {
    /// True when the bundle carries acknowledgements and a heartbeat only.
    pub fn nothing_new(&self) -> bool {
        self.entries == 0 && self.elided == 0
    }
}

/// How many changes `peer_workstation` has not acknowledged.
pub fn pending_for(store: &Store, peer_workstation: &str) -> Result<i64> {
    let conn = store.conn();
    let holding = store_exchange::peer_holdings(conn, peer_workstation)?;
    Ok(store_exchange::holdings(conn)?
        .into_iter()
        .map(|(o, e, held)| (held - holding.get(&(o, e)).copied().unwrap_or(0)).max(0))
        .sum())
}

struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    written: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Per chain: what the bundle carries of it so far.
struct ChainOut {
    from: i64,
    to: i64,
    entries: u64,
    /// Entries not carried in full since the last one that was: written as one stretch.
    pending: Option<(i64, i64, [u8; 32])>,
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> AppError + '_ {
    move |source| {
        AppError::Store(StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// True when the entry's record may go down to `peer_org` in full: the scope rule of
/// `domain::scope`, applied to the record as it stands after the change.
fn concerns(
    store: &Store,
    tree: &OrgTree,
    own_org: &str,
    peer_org: &str,
    entity: &str,
    record: &str,
) -> Result<bool> {
    let (Some(entity), Ok(serde_json::Value::Object(map))) = (
        crate::store::records::Entity::from_code(entity),
        serde_json::from_str::<serde_json::Value>(record),
    ) else {
        return Ok(false);
    };
    let units = store_exchange::units_of(store.conn(), entity, &map)?;
    Ok(scope::may_write(
        tree,
        Direction::Down,
        own_org,
        peer_org,
        &units,
    ))
}

/// Writes a bundle for the enrolled peer of unit `to_org` at `out` (a file, or a folder that
/// receives the bundle under its own name; the user's outbox when `None`). `progress` gets
/// (done, total) and may stop the export by returning false; nothing is then written.
pub fn export(
    ctx: &mut Ctx<'_>,
    to_org: &str,
    out: Option<&Path>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<ExportSummary> {
    ctx.require_somewhere(Action::ExchangeBundles)?;
    let ws = ctx.store.workstation()?;
    let peer = store_exchange::active_peer_for_org(ctx.store.conn(), to_org)?.ok_or_else(|| {
        Refusal::NoPeer {
            org: crate::domain::text::for_display(to_org),
        }
    })?;
    let direction = relation(
        &ws,
        &ctx.tree,
        &peer.tier,
        &peer.org_code,
        peer.parent.as_deref(),
    )
    .ok_or_else(|| Refusal::NotParentOrChild {
        org: peer.org_name.clone(),
    })?;
    // Real people's data never goes to a demo or training workstation.
    if peer.demo && !ws.demo {
        return Err(Refusal::DemoMismatch {
            bundle_is_demo: false,
        }
        .into());
    }
    let keys = own_keys(ctx.store)?;
    let card = super::own_card(ctx.store)?;
    let peer_card = Card::parse(&peer.card)?;
    let escrow = settings::get(ctx.store.conn(), settings::ESCROW_RECIPIENT)?
        .and_then(|s| age::x25519::Recipient::from_str(&s).ok());
    let now = ctx.clock.now();
    let at = clock::rfc3339(now);
    let bundle_id = clock::new_id(now, &mut rand::rngs::OsRng);
    let (bundle_seq, previous) =
        match store_exchange::last_out(ctx.store.conn(), &peer.workstation, ws.epoch)? {
            Some((seq, sha)) => (seq + 1, Some(sha)),
            None => (1, None),
        };
    let path = match out {
        Some(p) if p.is_dir() => p.join(file_name(
            &ws.org_code,
            &peer.org_code,
            ws.epoch,
            bundle_seq,
        )),
        Some(p) => p.to_path_buf(),
        None => crate::app::print::outbox(ctx)?.join(file_name(
            &ws.org_code,
            &peer.org_code,
            ws.epoch,
            bundle_seq,
        )),
    };
    let file_mode = data_dir::file_mode_at(&path);
    let payload_path = path.with_extension("payload.part");
    let result = write_payload(
        ctx,
        &payload_path,
        file_mode,
        &PayloadJob {
            bundle_id: &bundle_id,
            sender: &ws.id,
            destination: &peer.workstation,
            own_org: &ws.org_code,
            peer_org: &peer.org_code,
            direction,
            recipients: {
                let mut r = vec![peer_card.recipient()?];
                r.extend(escrow.clone());
                r
            },
        },
        progress,
    );
    let written = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = fs::remove_file(&payload_path);
            return Err(e);
        }
    };
    let conn = ctx.store.conn();
    // A chain is acknowledged only as far as before its first entry held back as outside its
    // sender's scope, so the unit that may write it sends it again and it is admitted then.
    let held_back = store_exchange::first_out_of_scope(conn)?;
    let held: Vec<Held> = store_exchange::holdings(conn)?
        .into_iter()
        .map(|(origin, epoch, seq)| {
            let seq = match held_back.get(&(origin.clone(), epoch)) {
                Some(first) => seq.min(first - 1),
                None => seq,
            };
            Held { origin, epoch, seq }
        })
        .collect();
    let head = held
        .iter()
        .find(|h| h.origin == ws.id && h.epoch == ws.epoch)
        .and_then(|h| {
            store_exchange::hash_at(conn, &ws.id, ws.epoch, h.seq)
                .ok()
                .flatten()
                .map(|hash| Head {
                    epoch: ws.epoch,
                    seq: h.seq,
                    hash: hex::encode(hash),
                })
        });
    // The access log never travels; its head does, signed, and the peer's last one goes back.
    let (access_seq, access_hash) = access_log::head(conn)?;
    let access_head = (access_seq > 0).then(|| LogHead {
        seq: access_seq,
        hash: hex::encode(access_hash),
        epoch: Some(ws.epoch),
    });
    let access_seen =
        store_exchange::access_checkpoint(conn, &peer.workstation, AccessSide::Theirs)?.map(
            |(seq, hash, epoch)| LogHead {
                seq,
                hash,
                epoch: Some(epoch),
            },
        );
    let manifest = Manifest {
        format: format::FORMAT.to_string(),
        version: format::VERSION.to_string(),
        bundle_id: bundle_id.clone(),
        demo: ws.demo,
        created_at: at.clone(),
        sender: Party {
            workstation: ws.id.clone(),
            org_code: ws.org_code.clone(),
            tier: ws.tier.code().to_string(),
            fingerprint: card.fingerprint(),
        },
        destination: Party {
            workstation: peer.workstation.clone(),
            org_code: peer.org_code.clone(),
            tier: peer.tier.clone(),
            fingerprint: peer.fingerprint.clone(),
        },
        epoch: ws.epoch,
        bundle_seq,
        previous,
        ranges: written.ranges.clone(),
        entries: written.entries,
        attachments: written.attachments,
        held,
        head,
        payload: PayloadInfo {
            sha256: written.sha256.clone(),
            size: written.size,
            plain_size: written.plain_size,
            escrow: escrow.is_some(),
        },
        access_head,
        access_seen,
        units: units_told(&ctx.tree, &ws.org_code, direction),
    };
    let manifest_bytes = manifest.to_bytes();
    let signature = SignatureMember::sign(&keys, &card.fingerprint(), &manifest_bytes).to_bytes();
    let part = path.with_extension("bundle.part");
    let assemble = || -> io::Result<()> {
        let _ = fs::remove_file(&part);
        data_dir::create_private_file(&part, file_mode).map_err(io::Error::other)?;
        let f = fs::OpenOptions::new().write(true).open(&part)?;
        let mut payload = File::open(&payload_path)?;
        let w = format::write_bundle(
            BufWriter::new(f),
            &manifest_bytes,
            &signature,
            &mut payload,
            written.size,
        )?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()
    };
    let assembled = assemble();
    let _ = fs::remove_file(&payload_path);
    if let Err(e) = assembled {
        let _ = fs::remove_file(&part);
        return Err(io_at(&path)(e));
    }
    let manifest_sha = hex::encode(Sha256::digest(&manifest_bytes));
    let actor = ctx.session.username.clone();
    let record = BundleOut {
        bundle_id: bundle_id.clone(),
        peer_workstation: peer.workstation.clone(),
        peer_org: peer.org_code.clone(),
        epoch: ws.epoch,
        bundle_seq,
        manifest_sha256: manifest_sha,
        created_at: at.clone(),
        created_by: actor.clone(),
        path: crate::store::data_dir::shown_path(&path),
        entries: written.entries as i64,
        attachments: written.attachments as i64,
    };
    let detail = format!(
        "to={} seq={} entries={} elided={} attachments={}",
        peer.org_code, bundle_seq, written.entries, written.elided, written.attachments
    );
    // Kept so that a restore can tell own changes that have left this workstation in full: only
    // a bundle to the parent carries every one of them; one to a child carries by hash only
    // what does not concern it, and that child could not give them back.
    let own_carried: Vec<(i64, i64)> = match direction {
        Direction::Up => written
            .ranges
            .iter()
            .filter(|r| r.origin == ws.id)
            .map(|r| (r.epoch, r.to))
            .collect(),
        Direction::Down => Vec::new(),
    };
    let recorded = ctx.store.write_local(|tx| -> Result<()> {
        store_exchange::record_out(tx, &record)?;
        crate::store::backup::record_own_carried(tx, &bundle_id, &own_carried)?;
        access_log::append(tx, &at, &actor, "bundle.export", &bundle_id, &detail)?;
        Ok(())
    });
    if let Err(e) = recorded {
        let _ = fs::remove_file(&part);
        return Err(e);
    }
    fs::rename(&part, &path).map_err(io_at(&path))?;
    Ok(ExportSummary {
        path,
        bundle_id,
        peer_org: peer.org_code.clone(),
        peer_name: crate::domain::text::for_display(&peer.org_name),
        bundle_seq,
        entries: written.entries,
        elided: written.elided,
        attachments: written.attachments,
    })
}

/// The units a bundle names for its destination: this unit, and those below it (to the parent)
/// or above it (to a child), from this workstation's org tree.
fn units_told(tree: &OrgTree, own: &str, direction: Direction) -> Vec<UnitEntry> {
    let related: Vec<&crate::domain::org::OrgUnit> = match direction {
        Direction::Up => tree.subtree(own),
        Direction::Down => tree
            .get(own)
            .into_iter()
            .chain(tree.ancestors(own))
            .collect(),
    };
    related
        .into_iter()
        .map(|u| UnitEntry {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.code().to_string(),
            parent: u.parent.clone(),
        })
        .collect()
}

fn file_name(from: &str, to: &str, epoch: i64, seq: i64) -> String {
    format!("{from}-to-{to}-e{epoch}-{seq:05}.bundle")
}

struct PayloadJob<'a> {
    bundle_id: &'a str,
    sender: &'a str,
    destination: &'a str,
    own_org: &'a str,
    peer_org: &'a str,
    direction: Direction,
    recipients: Vec<age::x25519::Recipient>,
}

struct Written {
    ranges: Vec<Range>,
    entries: u64,
    elided: u64,
    attachments: u64,
    sha256: String,
    size: u64,
    plain_size: u64,
}

fn write_payload(
    ctx: &Ctx<'_>,
    path: &Path,
    mode: u32,
    job: &PayloadJob<'_>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Written> {
    let store: &Store = ctx.store;
    let conn = store.conn();
    let holding = store_exchange::peer_holdings(conn, job.destination)?;
    let total: u64 = pending_for(store, job.destination)?.max(0) as u64;
    let io_err = io_at(path);
    let _ = fs::remove_file(path);
    data_dir::create_private_file(path, mode)?;
    let file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(&io_err)?;
    let hashing = HashingWriter {
        inner: BufWriter::with_capacity(1 << 16, file),
        hasher: Sha256::new(),
        written: 0,
    };
    let encryptor =
        age::Encryptor::with_recipients(job.recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| AppError::Export(e.to_string()))?;
    let stream = encryptor.wrap_output(hashing).map_err(&io_err)?;
    let mut fw = FrameWriter::new(stream);
    fw.header(&Header {
        bundle_id: job.bundle_id.to_string(),
        sender: job.sender.to_string(),
        destination: job.destination.to_string(),
    })
    .map_err(&io_err)?;

    // Stretches held here by hash only, per chain, in order.
    let mut stretches: HashMap<(String, i64), Vec<ElidedStretch>> = HashMap::new();
    for s in store_exchange::elided_beyond(conn, &holding)? {
        stretches
            .entry((s.origin.clone(), s.epoch))
            .or_default()
            .push(s);
    }
    let mut chains: BTreeMap<(String, i64), ChainOut> = BTreeMap::new();
    let mut blobs_sent: HashSet<String> = HashSet::new();
    let (mut entries, mut elided, mut attachments, mut done) = (0u64, 0u64, 0u64, 0u64);

    let flush = |fw: &mut FrameWriter<_>,
                 key: &(String, i64),
                 c: &mut ChainOut,
                 elided: &mut u64|
     -> io::Result<()> {
        if let Some((from, to, last)) = c.pending.take() {
            fw.elided(&Elided {
                origin: key.0.clone(),
                epoch: key.1,
                from,
                to,
                last_hash: hex::encode(last),
            })?;
            *elided += (to - from + 1) as u64;
        }
        Ok(())
    };
    // Adds held-by-hash stretches of a chain that lie before `before` (or all, with None).
    fn take_stretches(
        list: &mut Vec<ElidedStretch>,
        have: i64,
        before: Option<i64>,
        c: &mut ChainOut,
    ) {
        while let Some(s) = list.first() {
            if before.is_some_and(|b| s.from >= b) {
                break;
            }
            let s = list.remove(0);
            let from = s.from.max(have + 1);
            if s.to < from {
                continue;
            }
            if c.from == 0 {
                c.from = from;
            }
            c.pending = Some(match c.pending {
                Some((f, _, _)) => (f, s.to, s.last_hash),
                None => (from, s.to, s.last_hash),
            });
            c.to = s.to;
        }
    }

    let mut cancelled = false;
    let mut visit = |se: StoredEntry| -> crate::store::Result<()> {
        if cancelled {
            return Ok(());
        }
        let key = (se.entry.origin.clone(), se.entry.epoch);
        let have = holding.get(&key).copied().unwrap_or(0);
        let c = chains.entry(key.clone()).or_insert(ChainOut {
            from: 0,
            to: have,
            entries: 0,
            pending: None,
        });
        if let Some(list) = stretches.get_mut(&key) {
            take_stretches(list, have, Some(se.entry.seq), c);
        }
        if c.from == 0 {
            c.from = se.entry.seq;
        }
        // What this workstation did not admit itself is passed on by hash only.
        let full = se.admitted
            && match job.direction {
                Direction::Up => true,
                Direction::Down => concerns(
                    store,
                    &ctx.tree,
                    job.own_org,
                    job.peer_org,
                    &se.entry.entity,
                    &se.entry.record,
                )
                .map_err(|_| StoreError::Corrupt {
                    table: "change_log",
                    column: "record",
                })?,
            };
        let wr = |e: io::Error| StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        };
        if full {
            flush(&mut fw, &key, c, &mut elided).map_err(wr)?;
            let e = &se.entry;
            fw.entry(&Entry {
                origin: e.origin.clone(),
                epoch: e.epoch,
                seq: e.seq,
                actor: e.actor.clone(),
                at: e.at.clone(),
                kind: e.kind.clone(),
                entity: e.entity.clone(),
                record_id: e.record_id.clone(),
                record: e.record.clone(),
                prev_hash: hex::encode(e.prev_hash),
                hash: hex::encode(se.hash),
            })
            .map_err(wr)?;
            entries += 1;
            c.entries += 1;
            if e.entity == "document" {
                if let Ok(serde_json::Value::Object(map)) =
                    serde_json::from_str::<serde_json::Value>(&e.record)
                {
                    if let Some(serde_json::Value::String(sha)) = map.get("sha256") {
                        if blobs_sent.insert(sha.clone()) {
                            if let Some(bytes) = documents::content(conn, sha)? {
                                let mut digest = [0u8; 32];
                                if hex::decode_to_slice(sha, &mut digest).is_ok() {
                                    fw.blob(&digest, &bytes).map_err(wr)?;
                                    attachments += 1;
                                }
                            }
                        }
                    }
                }
            }
        } else {
            c.pending = Some(match c.pending {
                Some((f, _, _)) => (f, se.entry.seq, se.hash),
                None => (se.entry.seq, se.entry.seq, se.hash),
            });
        }
        c.to = se.entry.seq;
        done += 1;
        if done % 1000 == 0 && !progress(done, total) {
            cancelled = true;
        }
        Ok(())
    };
    store_exchange::for_each_entry_beyond(conn, &holding, &mut visit)?;
    if cancelled {
        return Err(AppError::Cancelled);
    }
    // Stretches beyond the last entry, and chains held here only by hash beyond the peer's.
    for (key, list) in stretches.iter_mut() {
        let have = holding.get(key).copied().unwrap_or(0);
        let c = chains.entry(key.clone()).or_insert(ChainOut {
            from: 0,
            to: have,
            entries: 0,
            pending: None,
        });
        take_stretches(list, have, None, c);
    }
    let mut ranges = Vec::new();
    for (key, c) in chains.iter_mut() {
        flush(&mut fw, key, c, &mut elided).map_err(&io_err)?;
        if c.from > 0 {
            ranges.push(Range {
                origin: key.0.clone(),
                epoch: key.1,
                from: c.from,
                to: c.to,
                entries: c.entries,
            });
        }
    }
    fw.trailer(&Trailer {
        entries,
        elided: ranges
            .iter()
            .map(|r| (r.to - r.from + 1) as u64)
            .sum::<u64>()
            - entries,
        attachments,
    })
    .map_err(&io_err)?;
    let plain_size = fw.written;
    let stream = fw.into_inner();
    let hashing = stream.finish().map_err(&io_err)?;
    let HashingWriter {
        inner,
        hasher,
        written,
    } = hashing;
    let file = inner.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(&io_err)?;
    progress(total, total);
    Ok(Written {
        ranges,
        entries,
        elided,
        attachments,
        sha256: hex::encode(hasher.finalize()),
        size: written,
        plain_size,
    })
}
