//! Every statement of the bundle exchange: enrolled peers, what each holds, bundles in and
//! out, stretches of chains held by hash only, checkpoints, the conflict and review queue, and
//! applying a received record to its table.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use super::changelog::ChangeEntry;
use super::records::Entity;
use super::{Result, StoreError};
use crate::domain::scope::{self, Owner, Units};

/// An enrolled peer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub fingerprint: String,
    pub workstation: String,
    pub org_code: String,
    pub org_name: String,
    pub tier: String,
    pub parent: Option<String>,
    pub demo: bool,
    /// The card's exact text.
    pub card: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    pub replaced_by: Option<String>,
}

const PEER_COLUMNS: &str = "fingerprint, workstation, org_code, org_name, tier, parent, demo, card, enrolled_at, revoked_at, replaced_by";

fn peer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Peer> {
    Ok(Peer {
        fingerprint: r.get(0)?,
        workstation: r.get(1)?,
        org_code: r.get(2)?,
        org_name: r.get(3)?,
        tier: r.get(4)?,
        parent: r.get(5)?,
        demo: r.get(6)?,
        card: r.get(7)?,
        enrolled_at: r.get(8)?,
        revoked_at: r.get(9)?,
        replaced_by: r.get(10)?,
    })
}

/// The fields of a card a peer row is made from.
pub struct NewPeer<'a> {
    pub fingerprint: &'a str,
    pub workstation: &'a str,
    pub org_code: &'a str,
    pub org_name: &'a str,
    pub tier: &'a str,
    pub parent: Option<&'a str>,
    pub demo: bool,
    pub sign_key: &'a str,
    pub age_recipient: &'a str,
    pub card: &'a str,
}

/// Enrols a peer (a fingerprint already enrolled and not revoked is left as it is).
pub fn insert_peer(conn: &Connection, p: &NewPeer<'_>, at: &str, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO peers (fingerprint, workstation, org_code, org_name, tier, parent, demo, sign_key, age_recipient, card, enrolled_at, enrolled_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(fingerprint) DO NOTHING",
        params![p.fingerprint, p.workstation, p.org_code, p.org_name, p.tier, p.parent, p.demo, p.sign_key, p.age_recipient, p.card, at, by],
    )?;
    Ok(())
}

/// The peer enrolled under `fingerprint`, revoked or not.
pub fn peer(conn: &Connection, fingerprint: &str) -> Result<Option<Peer>> {
    Ok(conn
        .query_row(
            &format!("SELECT {PEER_COLUMNS} FROM peers WHERE fingerprint = ?1"),
            [fingerprint],
            peer_from_row,
        )
        .optional()?)
}

/// The current (unrevoked, not rotated out) peer key of unit `org_code`.
pub fn active_peer_for_org(conn: &Connection, org_code: &str) -> Result<Option<Peer>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {PEER_COLUMNS} FROM peers
                 WHERE org_code = ?1 AND revoked_at IS NULL AND replaced_by IS NULL
                 ORDER BY enrolled_at DESC LIMIT 1"
            ),
            [org_code],
            peer_from_row,
        )
        .optional()?)
}

/// Every peer key ever enrolled, current ones first, then by unit.
pub fn peers(conn: &Connection) -> Result<Vec<Peer>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PEER_COLUMNS} FROM peers
         ORDER BY (revoked_at IS NOT NULL OR replaced_by IS NOT NULL), org_code, enrolled_at"
    ))?;
    let rows = stmt.query_map([], peer_from_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Revokes the key `fingerprint`; false when there is no such unrevoked key.
pub fn revoke_peer(conn: &Connection, fingerprint: &str, at: &str, by: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE peers SET revoked_at = ?2, revoked_by = ?3 WHERE fingerprint = ?1 AND revoked_at IS NULL",
        params![fingerprint, at, by],
    )?;
    Ok(n == 1)
}

/// Marks `old` as rotated out in favour of `new`.
pub fn replace_peer(conn: &Connection, old: &str, new: &str) -> Result<()> {
    conn.execute(
        "UPDATE peers SET replaced_by = ?2 WHERE fingerprint = ?1",
        params![old, new],
    )?;
    Ok(())
}

/// A bundle signed by a key that an already-replaced key endorsed: a likely stolen key.
pub struct NewKeyAlarm<'a> {
    pub at: &'a str,
    pub org_code: &'a str,
    pub org_name: &'a str,
    /// The old key, as people read it.
    pub replaced_key: &'a str,
    /// The key it endorsed, as people read it.
    pub offered_key: &'a str,
    /// The bundle's file name.
    pub file: &'a str,
}

/// A key alarm as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAlarm {
    pub id: i64,
    pub at: String,
    pub org_code: String,
    pub org_name: String,
    pub replaced_key: String,
    pub offered_key: String,
    pub file: String,
    pub acknowledged_at: Option<String>,
}

/// Records a key alarm, once while it is open: the same bundle offered again adds nothing.
pub fn insert_key_alarm(conn: &Connection, a: &NewKeyAlarm<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO key_alarms (at, org_code, org_name, replaced_key, offered_key, file)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE NOT EXISTS (SELECT 1 FROM key_alarms
                           WHERE offered_key = ?5 AND acknowledged_at IS NULL)",
        params![
            a.at,
            a.org_code,
            a.org_name,
            a.replaced_key,
            a.offered_key,
            a.file
        ],
    )?;
    Ok(())
}

/// Key alarms not yet acknowledged (or all, newest first, with `all`).
pub fn key_alarms(conn: &Connection, all: bool) -> Result<Vec<KeyAlarm>> {
    let sql = format!(
        "SELECT id, at, org_code, org_name, replaced_key, offered_key, file, acknowledged_at
         FROM key_alarms {} ORDER BY id DESC",
        if all {
            ""
        } else {
            "WHERE acknowledged_at IS NULL"
        }
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(KeyAlarm {
            id: r.get(0)?,
            at: r.get(1)?,
            org_code: r.get(2)?,
            org_name: r.get(3)?,
            replaced_key: r.get(4)?,
            offered_key: r.get(5)?,
            file: r.get(6)?,
            acknowledged_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Marks key alarm `id` acknowledged; false when there is no such open alarm.
pub fn acknowledge_key_alarm(conn: &Connection, id: i64, at: &str, by: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE key_alarms SET acknowledged_at = ?2, acknowledged_by = ?3
         WHERE id = ?1 AND acknowledged_at IS NULL",
        params![id, at, by],
    )? == 1)
}

/// Units with more than one current key: (unit, how many). One key per unit is the rule.
pub fn units_with_several_keys(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT org_code, count(*) FROM peers WHERE revoked_at IS NULL AND replaced_by IS NULL
         GROUP BY org_code HAVING count(*) > 1 ORDER BY org_code",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// How far this database holds every chain it has: the highest sequence number per
/// (origin, epoch), counting stretches held by hash only.
pub fn holdings(conn: &Connection) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT origin, epoch, max(s) FROM (
             SELECT origin, epoch, max(seq) AS s FROM change_log GROUP BY origin, epoch
             UNION ALL
             SELECT origin, epoch, max(to_seq) AS s FROM change_log_elided GROUP BY origin, epoch
         ) GROUP BY origin, epoch ORDER BY origin, epoch",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The highest sequence number held of one chain (0 for none).
pub fn held(conn: &Connection, origin: &str, epoch: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT max(coalesce((SELECT max(seq) FROM change_log WHERE origin = ?1 AND epoch = ?2), 0),
                    coalesce((SELECT max(to_seq) FROM change_log_elided WHERE origin = ?1 AND epoch = ?2), 0))",
        params![origin, epoch],
        |r| r.get(0),
    )?)
}

fn hash_of_blob(v: Vec<u8>) -> Result<[u8; 32]> {
    v.try_into().map_err(|_| StoreError::Corrupt {
        table: "change_log",
        column: "hash",
    })
}

/// The hash of entry `seq` of a chain when it is known here (in full, or as the end of a
/// stretch held by hash only).
pub fn hash_at(conn: &Connection, origin: &str, epoch: i64, seq: i64) -> Result<Option<[u8; 32]>> {
    let full: Option<Vec<u8>> = conn
        .prepare_cached(
            "SELECT hash FROM change_log WHERE origin = ?1 AND epoch = ?2 AND seq = ?3",
        )?
        .query_row(params![origin, epoch, seq], |r| r.get(0))
        .optional()?;
    let found = match full {
        Some(h) => Some(h),
        None => conn
            .prepare_cached(
                "SELECT last_hash FROM change_log_elided WHERE origin = ?1 AND epoch = ?2 AND to_seq = ?3",
            )?
            .query_row(params![origin, epoch, seq], |r| r.get(0))
            .optional()?,
    };
    found.map(hash_of_blob).transpose()
}

/// True when entry `seq` of the chain lies inside a stretch held by hash only.
pub fn is_elided(conn: &Connection, origin: &str, epoch: i64, seq: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM change_log_elided WHERE origin = ?1 AND epoch = ?2 AND from_seq <= ?3 AND to_seq >= ?3",
        )?
        .query_row(params![origin, epoch, seq], |_| Ok(()))
        .optional()?
        .is_some())
}

/// What peer `workstation` last said it holds, per (origin, epoch).
pub fn peer_holdings(conn: &Connection, workstation: &str) -> Result<HashMap<(String, i64), i64>> {
    let mut stmt =
        conn.prepare("SELECT origin, epoch, seq FROM peer_holdings WHERE peer_workstation = ?1")?;
    let rows = stmt.query_map([workstation], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Replaces what peer `workstation` holds with its latest acknowledgement: it states what the
/// peer really holds, so after the peer restored a backup it reports less and gets the rest again.
pub fn set_peer_holdings(
    conn: &Connection,
    workstation: &str,
    held: &[(String, i64, i64)],
) -> Result<()> {
    conn.execute(
        "DELETE FROM peer_holdings WHERE peer_workstation = ?1",
        [workstation],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO peer_holdings (peer_workstation, origin, epoch, seq) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (origin, epoch, seq) in held {
        stmt.execute(params![workstation, origin, epoch, seq])?;
    }
    Ok(())
}

/// One change-log row as stored, for export.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub entry: ChangeEntry,
    pub hash: [u8; 32],
    /// False when the entry waits here as not admitted (outside its sender's scope, or failing
    /// the rules for received records): it is passed on by hash only, never in full.
    pub admitted: bool,
}

/// Calls `f` for every change entry not held by `holding`, in the order this database
/// received them (so that a record always comes after those it refers to).
pub fn for_each_entry_beyond(
    conn: &Connection,
    holding: &HashMap<(String, i64), i64>,
    mut f: impl FnMut(StoredEntry) -> Result<()>,
) -> Result<()> {
    // Start at the earliest entry any chain still needs, found through the unique index.
    let mut start: Option<i64> = None;
    for (origin, epoch, _) in holdings(conn)? {
        let have = holding.get(&(origin.clone(), epoch)).copied().unwrap_or(0);
        let first: Option<i64> = conn
            .query_row(
                "SELECT local_order FROM change_log WHERE origin = ?1 AND epoch = ?2 AND seq > ?3 ORDER BY seq LIMIT 1",
                params![origin, epoch, have],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(o) = first {
            start = Some(start.map_or(o, |s: i64| s.min(o)));
        }
    }
    let Some(start) = start else {
        return Ok(());
    };
    let mut stmt = conn.prepare(
        "SELECT origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash,
                NOT EXISTS (SELECT 1 FROM exchange_queue q WHERE q.entry_order = change_log.local_order
                            AND q.reason IN ('out_of_scope', 'invalid'))
         FROM change_log WHERE local_order >= ?1 ORDER BY local_order",
    )?;
    let mut rows = stmt.query([start])?;
    while let Some(r) = rows.next()? {
        let origin: String = r.get(0)?;
        let epoch: i64 = r.get(1)?;
        let seq: i64 = r.get(2)?;
        if seq <= holding.get(&(origin.clone(), epoch)).copied().unwrap_or(0) {
            continue;
        }
        let entry = ChangeEntry {
            origin,
            epoch,
            seq,
            actor: r.get(3)?,
            at: r.get(4)?,
            kind: r.get(5)?,
            entity: r.get(6)?,
            record_id: r.get(7)?,
            record: r.get(8)?,
            prev_hash: hash_of_blob(r.get(9)?)?,
        };
        let hash = hash_of_blob(r.get(10)?)?;
        f(StoredEntry {
            entry,
            hash,
            admitted: r.get(11)?,
        })?;
    }
    Ok(())
}

/// A stretch of a chain held by hash only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElidedStretch {
    pub origin: String,
    pub epoch: i64,
    pub from: i64,
    pub to: i64,
    pub last_hash: [u8; 32],
}

/// Every stretch held by hash only that reaches beyond `holding`.
pub fn elided_beyond(
    conn: &Connection,
    holding: &HashMap<(String, i64), i64>,
) -> Result<Vec<ElidedStretch>> {
    let mut stmt = conn.prepare(
        "SELECT origin, epoch, from_seq, to_seq, last_hash FROM change_log_elided ORDER BY origin, epoch, from_seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let s = ElidedStretch {
            origin: r.get(0)?,
            epoch: r.get(1)?,
            from: r.get(2)?,
            to: r.get(3)?,
            last_hash: hash_of_blob(r.get(4)?)?,
        };
        if s.to
            > holding
                .get(&(s.origin.clone(), s.epoch))
                .copied()
                .unwrap_or(0)
        {
            out.push(s);
        }
    }
    Ok(out)
}

/// Number and manifest hash of the last bundle written to `peer` in `epoch`.
pub fn last_out(conn: &Connection, peer: &str, epoch: i64) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT bundle_seq, manifest_sha256 FROM bundles_out WHERE peer_workstation = ?1 AND epoch = ?2
             ORDER BY bundle_seq DESC LIMIT 1",
            params![peer, epoch],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A bundle written, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleOut {
    pub bundle_id: String,
    pub peer_workstation: String,
    pub peer_org: String,
    pub epoch: i64,
    pub bundle_seq: i64,
    pub manifest_sha256: String,
    pub created_at: String,
    pub created_by: String,
    pub path: String,
    pub entries: i64,
    pub attachments: i64,
}

/// Records a bundle written.
pub fn record_out(conn: &Connection, b: &BundleOut) -> Result<()> {
    conn.execute(
        "INSERT INTO bundles_out (bundle_id, peer_workstation, peer_org, epoch, bundle_seq, manifest_sha256, created_at, created_by, path, entries, attachments)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![b.bundle_id, b.peer_workstation, b.peer_org, b.epoch, b.bundle_seq, b.manifest_sha256, b.created_at, b.created_by, b.path, b.entries, b.attachments],
    )?;
    Ok(())
}

/// Bundles written, newest first.
pub fn bundles_out(conn: &Connection, limit: i64) -> Result<Vec<BundleOut>> {
    let mut stmt = conn.prepare(
        "SELECT bundle_id, peer_workstation, peer_org, epoch, bundle_seq, manifest_sha256, created_at, created_by, path, entries, attachments
         FROM bundles_out ORDER BY created_at DESC, bundle_seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(BundleOut {
            bundle_id: r.get(0)?,
            peer_workstation: r.get(1)?,
            peer_org: r.get(2)?,
            epoch: r.get(3)?,
            bundle_seq: r.get(4)?,
            manifest_sha256: r.get(5)?,
            created_at: r.get(6)?,
            created_by: r.get(7)?,
            path: r.get(8)?,
            entries: r.get(9)?,
            attachments: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// A bundle imported, with its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleIn {
    pub bundle_id: String,
    pub manifest_sha256: String,
    pub sender_workstation: String,
    pub sender_org: String,
    pub sender_fingerprint: String,
    pub epoch: i64,
    pub bundle_seq: i64,
    pub created_at: String,
    pub imported_at: String,
    pub imported_by: String,
    pub entries: i64,
    pub applied: i64,
    pub already_held: i64,
    pub conflicts: i64,
    pub reviews: i64,
    pub attachments: i64,
    /// JSON: counts per kind and per community.
    pub receipt: String,
}

const IN_COLUMNS: &str = "bundle_id, manifest_sha256, sender_workstation, sender_org, sender_fingerprint, epoch, bundle_seq, created_at, imported_at, imported_by, entries, applied, already_held, conflicts, reviews, attachments, receipt";

fn in_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BundleIn> {
    Ok(BundleIn {
        bundle_id: r.get(0)?,
        manifest_sha256: r.get(1)?,
        sender_workstation: r.get(2)?,
        sender_org: r.get(3)?,
        sender_fingerprint: r.get(4)?,
        epoch: r.get(5)?,
        bundle_seq: r.get(6)?,
        created_at: r.get(7)?,
        imported_at: r.get(8)?,
        imported_by: r.get(9)?,
        entries: r.get(10)?,
        applied: r.get(11)?,
        already_held: r.get(12)?,
        conflicts: r.get(13)?,
        reviews: r.get(14)?,
        attachments: r.get(15)?,
        receipt: r.get(16)?,
    })
}

/// Records an imported bundle and its receipt.
pub fn record_in(conn: &Connection, b: &BundleIn) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO bundles_in ({IN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"),
        params![b.bundle_id, b.manifest_sha256, b.sender_workstation, b.sender_org, b.sender_fingerprint, b.epoch, b.bundle_seq, b.created_at, b.imported_at, b.imported_by, b.entries, b.applied, b.already_held, b.conflicts, b.reviews, b.attachments, b.receipt],
    )?;
    Ok(())
}

/// The imported bundle `bundle_id`.
pub fn bundle_in(conn: &Connection, bundle_id: &str) -> Result<Option<BundleIn>> {
    Ok(conn
        .query_row(
            &format!("SELECT {IN_COLUMNS} FROM bundles_in WHERE bundle_id = ?1"),
            [bundle_id],
            in_from_row,
        )
        .optional()?)
}

/// The imported bundle from `sender` with this epoch and number.
pub fn bundle_in_at(
    conn: &Connection,
    sender: &str,
    epoch: i64,
    seq: i64,
) -> Result<Option<BundleIn>> {
    Ok(conn
        .query_row(
            &format!("SELECT {IN_COLUMNS} FROM bundles_in WHERE sender_workstation = ?1 AND epoch = ?2 AND bundle_seq = ?3"),
            params![sender, epoch, seq],
            in_from_row,
        )
        .optional()?)
}

/// The last bundle imported from `sender` (highest epoch, then number).
pub fn last_in(conn: &Connection, sender: &str) -> Result<Option<BundleIn>> {
    Ok(conn
        .query_row(
            &format!("SELECT {IN_COLUMNS} FROM bundles_in WHERE sender_workstation = ?1 ORDER BY epoch DESC, bundle_seq DESC LIMIT 1"),
            [sender],
            in_from_row,
        )
        .optional()?)
}

/// Imported bundles, newest first.
pub fn bundles_in(conn: &Connection, limit: i64) -> Result<Vec<BundleIn>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {IN_COLUMNS} FROM bundles_in ORDER BY imported_at DESC, bundle_seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], in_from_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Stores a received entry as it came (its own origin, epoch, sequence number and hash);
/// `applied` is false when it waits in the queue. Returns its local order.
pub fn insert_received(
    conn: &Connection,
    e: &ChangeEntry,
    hash: &[u8; 32],
    applied: bool,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO change_log (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash, applied)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        e.origin,
        e.epoch,
        e.seq,
        e.actor,
        e.at,
        e.kind,
        e.entity,
        e.record_id,
        e.record,
        e.prev_hash.as_slice(),
        hash.as_slice(),
        applied,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Stores a stretch held by hash only, merging it with the one it continues.
pub fn insert_elided(conn: &Connection, s: &ElidedStretch) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE change_log_elided SET to_seq = ?4, last_hash = ?5
             WHERE origin = ?1 AND epoch = ?2 AND to_seq = ?3 - 1",
        )?
        .execute(params![
            s.origin,
            s.epoch,
            s.from,
            s.to,
            s.last_hash.as_slice()
        ])?;
    if n == 0 {
        conn.prepare_cached(
            "INSERT INTO change_log_elided (origin, epoch, from_seq, to_seq, last_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![s.origin, s.epoch, s.from, s.to, s.last_hash.as_slice()])?;
    }
    Ok(())
}

/// Stores an attachment's bytes under their hash (once).
pub fn insert_blob(conn: &Connection, sha256_hex: &str, bytes: &[u8]) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO document_blobs (sha256, content) VALUES (?1, ?2)")?
        .execute(params![sha256_hex, bytes])?;
    Ok(())
}

/// Which access-log head an access checkpoint holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessSide {
    /// The peer's own head, as its last bundle signed it: sent back to it.
    Theirs,
    /// This workstation's head as the peer last received it: what this log must still reach.
    Ours,
}

impl AccessSide {
    fn code(self) -> &'static str {
        match self {
            AccessSide::Theirs => "theirs",
            AccessSide::Ours => "ours",
        }
    }
}

/// Keeps the access-log head `(seq, hash)` of `side` for `peer`, read in the log owner's
/// `epoch` (the newest replaces the last).
#[allow(clippy::too_many_arguments)]
pub fn set_access_checkpoint(
    conn: &Connection,
    peer: &str,
    side: AccessSide,
    seq: i64,
    hash: &str,
    epoch: i64,
    bundle_id: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO access_checkpoints (peer_workstation, direction, seq, hash, epoch, bundle_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (peer_workstation, direction) DO UPDATE
         SET seq = excluded.seq, hash = excluded.hash, epoch = excluded.epoch,
             bundle_id = excluded.bundle_id",
        params![peer, side.code(), seq, hash, epoch, bundle_id],
    )?;
    Ok(())
}

/// The access-log head of `side` kept for `peer`: (seq, hash, epoch).
pub fn access_checkpoint(
    conn: &Connection,
    peer: &str,
    side: AccessSide,
) -> Result<Option<(i64, String, i64)>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash, epoch FROM access_checkpoints
             WHERE peer_workstation = ?1 AND direction = ?2",
            params![peer, side.code()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// This workstation's access-log heads as its peers last received them, with the epoch they
/// were read in: (peer, seq, hash, epoch).
pub fn access_witnesses(conn: &Connection) -> Result<Vec<(String, i64, String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT peer_workstation, seq, hash, epoch FROM access_checkpoints
         WHERE direction = 'ours' ORDER BY peer_workstation",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Every signed checkpoint of a chain: (origin, epoch, seq, hash).
pub fn checkpoints(conn: &Connection) -> Result<Vec<(String, i64, i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT origin, epoch, seq, hash FROM chain_checkpoints ORDER BY origin, epoch, seq",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// How far each peer says it holds chain (`origin`, `epoch`): (peer, seq).
pub fn peers_holding(conn: &Connection, origin: &str, epoch: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT peer_workstation, seq FROM peer_holdings WHERE origin = ?1 AND epoch = ?2
         ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map(params![origin, epoch], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The highest entry ever written to one chain here.
pub type ChainHead = (String, i64, i64, [u8; 32]);

/// The highest entry ever written to each chain here, as recorded with the entries:
/// (origin, epoch, seq, hash).
pub fn chain_heads(conn: &Connection) -> Result<Vec<ChainHead>> {
    let mut stmt =
        conn.prepare("SELECT origin, epoch, seq, hash FROM chain_heads ORDER BY origin, epoch")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, r.get(1)?, r.get(2)?, hash_of_blob(r.get(3)?)?));
    }
    Ok(out)
}

/// Records the sender's signed chain head.
pub fn insert_checkpoint(
    conn: &Connection,
    origin: &str,
    epoch: i64,
    seq: i64,
    hash: &str,
    bundle_id: &str,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO chain_checkpoints (origin, epoch, seq, hash, bundle_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![origin, epoch, seq, hash, bundle_id],
    )?;
    Ok(())
}

/// Checkpoints whose entry is held here in full but with another hash: the sender's chain
/// was rewritten after it signed the checkpoint. (origin, epoch, seq) of each.
pub fn broken_checkpoints(conn: &Connection) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT k.origin, k.epoch, k.seq FROM chain_checkpoints k
         JOIN change_log c ON c.origin = k.origin AND c.epoch = k.epoch AND c.seq = k.seq
         WHERE lower(hex(c.hash)) <> k.hash ORDER BY k.origin, k.epoch, k.seq",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The chain position of the latest applied entry of record `record_id`.
pub fn latest_applied(conn: &Connection, record_id: &str) -> Result<Option<(String, i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT origin, epoch, seq FROM change_log WHERE record_id = ?1 AND applied = 1
             ORDER BY local_order DESC LIMIT 1",
        )?
        .query_row([record_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// The columns of `entity`'s table.
pub fn columns(conn: &Connection, entity: Entity) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", entity.table()))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(1))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The units record `record` of `entity` belongs to, as `domain::scope` names them: from its
/// own fields, or from those of the record it refers to as held here. A field that is missing
/// or empty stands as an empty unit, which no workstation may write for.
pub fn units_of(
    conn: &Connection,
    entity: Entity,
    record: &serde_json::Map<String, serde_json::Value>,
) -> Result<Units> {
    let text = |field: &str| match record.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    match scope::owner(entity) {
        Owner::Fields(fields) => Ok(Units(fields.iter().map(|f| text(f)).collect())),
        Owner::Via { field, kind } => Ok(held_units(conn, kind, &text(field))?.unwrap_or_default()),
    }
}

/// The units record `id` of `entity` belongs to as held here, or `None` when it is not held.
pub fn held_units(conn: &Connection, entity: Entity, id: &str) -> Result<Option<Units>> {
    match scope::owner(entity) {
        Owner::Fields(fields) => {
            let sql = format!(
                "SELECT {} FROM {} WHERE id = ?1",
                fields.join(", "),
                entity.table()
            );
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([id], |r| {
                    (0..fields.len())
                        .map(|i| Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()))
                        .collect::<rusqlite::Result<Vec<String>>>()
                })
                .optional()?
                .map(Units))
        }
        Owner::Via { field, kind } => {
            let sql = format!("SELECT {field} FROM {} WHERE id = ?1", entity.table());
            let target: Option<Option<String>> = conn
                .prepare_cached(&sql)?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match target {
                None => Ok(None),
                Some(target) => Ok(Some(
                    held_units(conn, kind, target.as_deref().unwrap_or_default())?
                        .unwrap_or_default(),
                )),
            }
        }
    }
}

/// The person record `id` of `entity` belongs to (its `person_id`), when held and it has one.
pub fn person_of(conn: &Connection, entity: Entity, id: &str) -> Result<Option<String>> {
    let sql = format!("SELECT person_id FROM {} WHERE id = ?1", entity.table());
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Why a received record could not be written to its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyFailure {
    /// Another person already holds this ID number.
    DuplicateIdNumber,
    /// A unique value (service number, card number …) is taken here.
    Duplicate,
    /// It refers to a record not held here.
    MissingReference,
    /// It breaks a check of this database.
    Rule,
}

impl ApplyFailure {
    /// Stable code stored with the queue item.
    pub fn code(&self) -> &'static str {
        match self {
            ApplyFailure::DuplicateIdNumber => "duplicate_id_number",
            ApplyFailure::Duplicate => "duplicate_value",
            ApplyFailure::MissingReference => "missing_reference",
            ApplyFailure::Rule => "rule",
        }
    }
}

fn to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The upsert statements already built, per kind and column list (a bundle's records of one
/// kind nearly always have the same columns, so each statement is built once).
#[derive(Debug, Default)]
pub struct UpsertSql {
    built: HashMap<Entity, Vec<(Vec<String>, String)>>,
}

impl UpsertSql {
    fn sql_for(
        &mut self,
        entity: Entity,
        record: &serde_json::Map<String, serde_json::Value>,
    ) -> &str {
        let list = self.built.entry(entity).or_default();
        let pos = list.iter().position(|(cols, _)| {
            cols.len() == record.len() && cols.iter().zip(record.keys()).all(|(a, b)| a == b)
        });
        let pos = match pos {
            Some(p) => p,
            None => {
                let cols: Vec<String> = record.keys().cloned().collect();
                let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
                let sets: Vec<String> = cols
                    .iter()
                    .filter(|c| c.as_str() != "id")
                    .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
                    .collect();
                let quoted: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
                    entity.table(),
                    quoted.join(", "),
                    placeholders.join(", "),
                    sets.join(", ")
                );
                list.push((cols, sql));
                list.len() - 1
            }
        };
        &list[pos].1
    }
}

/// Writes a received record (its canonical JSON, keys already checked against the table's
/// columns) into its table: inserted, or the existing row of that id replaced. A constraint of
/// this database that refuses it comes back as an [`ApplyFailure`], with nothing written.
pub fn upsert(
    conn: &Connection,
    sql: &mut UpsertSql,
    entity: Entity,
    record: &serde_json::Map<String, serde_json::Value>,
) -> Result<std::result::Result<(), ApplyFailure>> {
    let values: Vec<Value> = record.values().map(to_value).collect();
    match conn
        .prepare_cached(sql.sql_for(entity, record))?
        .execute(rusqlite::params_from_iter(values.iter()))
    {
        Ok(_) => Ok(Ok(())),
        Err(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                let msg = e.to_string();
                Ok(Err(if msg.contains("persons.id_number") {
                    ApplyFailure::DuplicateIdNumber
                } else if msg.contains("UNIQUE") {
                    ApplyFailure::Duplicate
                } else if msg.contains("FOREIGN KEY") {
                    ApplyFailure::MissingReference
                } else {
                    ApplyFailure::Rule
                }))
            }
            _ => Err(e.into()),
        },
    }
}

/// One item of the conflict and review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub id: i64,
    /// `conflict` or `review`.
    pub kind: String,
    pub entry_order: i64,
    pub entity: String,
    pub record_id: String,
    pub community: String,
    /// Why it waits (code).
    pub reason: String,
    /// The record here when it was queued.
    pub local_record: Option<String>,
    /// The record as it came.
    pub incoming_record: String,
    /// Who changed it there, and when.
    pub incoming_actor: String,
    pub incoming_at: String,
    pub bundle_id: String,
    pub queued_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

/// What a new queue item says.
pub struct NewQueueItem<'a> {
    pub kind: &'a str,
    pub entry_order: i64,
    pub entity: &'a str,
    pub record_id: &'a str,
    pub community: &'a str,
    pub reason: &'a str,
    pub local_record: Option<&'a str>,
    pub bundle_id: &'a str,
    pub queued_at: &'a str,
}

/// Per chain, the first entry held back unapplied as outside the scope of the peer that
/// relayed it (one of another origin than that peer: the origin's own unit may yet send it).
/// An entry refused in its own author's chain is not counted: no one else will send it.
pub fn first_out_of_scope(conn: &Connection) -> Result<HashMap<(String, i64), i64>> {
    let mut stmt = conn.prepare(
        "SELECT c.origin, c.epoch, min(c.seq) FROM change_log c
         JOIN exchange_queue q ON q.entry_order = c.local_order
         JOIN bundles_in b ON b.bundle_id = q.bundle_id
         WHERE c.applied = 0 AND q.reason = 'out_of_scope' AND q.resolved_at IS NULL
           AND c.origin <> b.sender_workstation
         GROUP BY c.origin, c.epoch",
    )?;
    let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The held entry (`origin`, `epoch`, `seq`) when it waits unapplied with an open review for
/// lying outside its sender's scope: (its local order, the queue item).
pub fn held_out_of_scope(
    conn: &Connection,
    origin: &str,
    epoch: i64,
    seq: i64,
) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.local_order, q.id FROM change_log c
             JOIN exchange_queue q ON q.entry_order = c.local_order
             WHERE c.origin = ?1 AND c.epoch = ?2 AND c.seq = ?3 AND c.applied = 0
               AND q.reason = 'out_of_scope' AND q.resolved_at IS NULL",
        )?
        .query_row(params![origin, epoch, seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The version of record `id` of `entity` as held here.
pub fn version_of(conn: &Connection, entity: Entity, id: &str) -> Result<Option<i64>> {
    let sql = format!("SELECT version FROM {} WHERE id = ?1", entity.table());
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Marks the received entry at `local_order` applied (the only change the change log takes).
pub fn mark_applied(conn: &Connection, local_order: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE change_log SET applied = 1 WHERE local_order = ?1 AND applied = 0",
    )?
    .execute([local_order])?;
    Ok(())
}

/// Puts an entry in the queue.
pub fn enqueue(conn: &Connection, q: &NewQueueItem<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO exchange_queue (kind, entry_order, entity, record_id, community, reason, local_record, bundle_id, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![q.kind, q.entry_order, q.entity, q.record_id, q.community, q.reason, q.local_record, q.bundle_id, q.queued_at])?;
    Ok(())
}

const QUEUE_SELECT: &str = "SELECT q.id, q.kind, q.entry_order, q.entity, q.record_id, q.community, q.reason, q.local_record,
        c.record, c.actor, c.at, q.bundle_id, q.queued_at, q.resolved_at, q.resolution
     FROM exchange_queue q JOIN change_log c ON c.local_order = q.entry_order";

fn queue_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueueItem> {
    Ok(QueueItem {
        id: r.get(0)?,
        kind: r.get(1)?,
        entry_order: r.get(2)?,
        entity: r.get(3)?,
        record_id: r.get(4)?,
        community: r.get(5)?,
        reason: r.get(6)?,
        local_record: r.get(7)?,
        incoming_record: r.get(8)?,
        incoming_actor: r.get(9)?,
        incoming_at: r.get(10)?,
        bundle_id: r.get(11)?,
        queued_at: r.get(12)?,
        resolved_at: r.get(13)?,
        resolution: r.get(14)?,
    })
}

/// Open queue items (or all, newest first, with `include_resolved`).
pub fn queue(conn: &Connection, include_resolved: bool) -> Result<Vec<QueueItem>> {
    let sql = if include_resolved {
        format!("{QUEUE_SELECT} ORDER BY q.id DESC")
    } else {
        format!("{QUEUE_SELECT} WHERE q.resolved_at IS NULL ORDER BY q.id")
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], queue_from_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// One queue item.
pub fn queue_item(conn: &Connection, id: i64) -> Result<Option<QueueItem>> {
    Ok(conn
        .query_row(
            &format!("{QUEUE_SELECT} WHERE q.id = ?1"),
            [id],
            queue_from_row,
        )
        .optional()?)
}

/// Open queue items of record `record_id`.
pub fn open_items_of(conn: &Connection, record_id: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM exchange_queue WHERE record_id = ?1 AND resolved_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([record_id], |r| r.get(0))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Marks a queue item resolved.
pub fn resolve(
    conn: &Connection,
    id: i64,
    at: &str,
    by: &str,
    resolution: &str,
    note: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE exchange_queue SET resolved_at = ?2, resolved_by = ?3, resolution = ?4, note = ?5
         WHERE id = ?1 AND resolved_at IS NULL",
        params![id, at, by, resolution, note],
    )?;
    Ok(())
}

/// Open items per kind: (conflicts, reviews).
pub fn open_counts(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(kind = 'conflict'), 0), coalesce(sum(kind = 'review'), 0)
         FROM exchange_queue WHERE resolved_at IS NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Why record `record_id` of `entity` is closed here for good, if it is — `closed_here` (a
/// stopped case, a closed complaint) or `settled` (a service an approved settlement reckoned):
/// a change arriving for it waits for a person instead.
pub fn closed_here(
    conn: &Connection,
    entity: Entity,
    record_id: &str,
) -> Result<Option<&'static str>> {
    if entity == Entity::Service {
        return Ok(super::settlements::settling(conn, record_id)?.map(|_| "settled"));
    }
    let (sql, closed) = match entity {
        Entity::Case => ("SELECT state FROM cases WHERE id = ?1", "stopped"),
        Entity::Complaint => ("SELECT state FROM complaints WHERE id = ?1", "closed"),
        _ => return Ok(None),
    };
    let state: Option<String> = conn
        .prepare_cached(sql)?
        .query_row([record_id], |r| r.get(0))
        .optional()?;
    Ok((state.as_deref() == Some(closed)).then_some("closed_here"))
}

/// Makes record `id` this workstation's change again (see [`super::records`]): how a queue
/// item is resolved, so peers receive the outcome as an ordinary newer change.
pub fn restate(
    w: &mut super::WriteTx<'_>,
    entity: Entity,
    id: &str,
    content: Option<&serde_json::Map<String, serde_json::Value>>,
    at_least: i64,
    kind: &str,
) -> Result<std::result::Result<(), ApplyFailure>> {
    super::records::restate(w, entity, id, content, at_least, kind)
}

/// Sets this connection's page cache to `mib` MiB (for large imports; the default is 2 MiB).
pub fn set_cache_mib(conn: &Connection, mib: i64) -> Result<()> {
    conn.pragma_update(None, "cache_size", -(mib * 1024))?;
    Ok(())
}

/// True when record `id` of `entity` is held here.
pub fn exists(conn: &Connection, entity: Entity, id: &str) -> Result<bool> {
    let sql = match entity {
        Entity::Person => "SELECT 1 FROM persons WHERE id = ?1",
        Entity::Clue => "SELECT 1 FROM clues WHERE id = ?1",
        Entity::Case => "SELECT 1 FROM cases WHERE id = ?1",
        Entity::Provider => "SELECT 1 FROM providers WHERE id = ?1",
        Entity::Registration => "SELECT 1 FROM registrations WHERE id = ?1",
        Entity::Service => "SELECT 1 FROM services WHERE id = ?1",
        Entity::Document => "SELECT 1 FROM documents WHERE id = ?1",
        Entity::Posting => "SELECT 1 FROM postings WHERE id = ?1",
        Entity::Complaint => "SELECT 1 FROM complaints WHERE id = ?1",
        Entity::Inspection => "SELECT 1 FROM inspections WHERE id = ?1",
        Entity::Task => "SELECT 1 FROM tasks WHERE id = ?1",
        Entity::Household => "SELECT 1 FROM households WHERE id = ?1",
        Entity::Transfer => "SELECT 1 FROM transfers WHERE id = ?1",
        Entity::DocumentWaiver => "SELECT 1 FROM document_waivers WHERE id = ?1",
        Entity::Agreement => "SELECT 1 FROM agreements WHERE id = ?1",
        Entity::Settlement => "SELECT 1 FROM settlements WHERE id = ?1",
        Entity::LedgerEntry => "SELECT 1 FROM ledger_entries WHERE id = ?1",
        Entity::Helper => "SELECT 1 FROM helpers WHERE id = ?1",
        Entity::Pairing => "SELECT 1 FROM pairings WHERE id = ?1",
        Entity::HelpVisit => "SELECT 1 FROM help_visits WHERE id = ?1",
        Entity::SubsidyList => "SELECT 1 FROM subsidy_lists WHERE id = ?1",
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}
