//! The change log: every mutation of a replicated record appends, in the same transaction,
//! an entry holding the record after the change, chained by hash to the previous entry of the
//! same (origin, epoch). It is the audit trail of the data and what bundles carry.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::records::{record_json, Entity};
use super::{Result, StoreError};

/// Domain-separation prefix of change-entry hashes.
const DOMAIN: &[u8] = b"jiuzhu-change-v1\0";

/// The fields of one entry that its hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEntry {
    pub origin: String,
    pub epoch: i64,
    pub seq: i64,
    pub actor: String,
    pub at: String,
    pub kind: String,
    pub entity: String,
    pub record_id: String,
    pub record: String,
    pub prev_hash: [u8; 32],
}

fn put_lp(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

impl ChangeEntry {
    /// The entry's hash: SHA-256 over a domain prefix and every field, length-prefixed.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(DOMAIN);
        put_lp(&mut h, self.origin.as_bytes());
        h.update(self.epoch.to_be_bytes());
        h.update(self.seq.to_be_bytes());
        put_lp(&mut h, self.actor.as_bytes());
        put_lp(&mut h, self.at.as_bytes());
        put_lp(&mut h, self.kind.as_bytes());
        put_lp(&mut h, self.entity.as_bytes());
        put_lp(&mut h, self.record_id.as_bytes());
        put_lp(&mut h, self.record.as_bytes());
        h.update(self.prev_hash);
        h.finalize().into()
    }
}

/// A write transaction that knows where this workstation's chain stands.
pub struct WriteTx<'c> {
    tx: Transaction<'c>,
    origin: String,
    epoch: i64,
    next_seq: i64,
    prev_hash: [u8; 32],
    actor: String,
    at: String,
    appended: usize,
    /// The org tree, for checking written records in debug builds.
    #[cfg(debug_assertions)]
    tree: std::cell::OnceCell<crate::domain::org::OrgTree>,
}

impl<'c> WriteTx<'c> {
    pub(crate) fn begin(tx: Transaction<'c>, actor: &str, at: &str) -> Result<WriteTx<'c>> {
        let ws: Option<(String, i64)> = tx
            .query_row("SELECT id, epoch FROM workstation", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (origin, epoch) = ws.ok_or(StoreError::NotInitialised)?;
        let head: Option<(i64, Vec<u8>)> = tx
            .query_row(
                "SELECT seq, hash FROM change_log WHERE origin = ?1 AND epoch = ?2 ORDER BY seq DESC LIMIT 1",
                params![origin, epoch],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (last_seq, prev_hash) = match head {
            Some((seq, hash)) => (seq, to_hash(&hash)?),
            None => (0, [0u8; 32]),
        };
        Ok(WriteTx {
            tx,
            origin,
            epoch,
            next_seq: last_seq + 1,
            prev_hash,
            actor: actor.to_string(),
            at: at.to_string(),
            appended: 0,
            #[cfg(debug_assertions)]
            tree: std::cell::OnceCell::new(),
        })
    }

    /// The connection inside the transaction, for the store modules' statements.
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// This workstation's id (the origin of the entries it writes).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The acting user.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The transaction's timestamp (RFC 3339 UTC).
    pub fn at(&self) -> &str {
        &self.at
    }

    /// How many change entries this transaction has appended.
    pub fn appended(&self) -> usize {
        self.appended
    }

    /// Appends the entry for record `id` as it now stands; `kind` names the step
    /// (`person.create`, `clue.verify` …).
    pub(crate) fn log_change(&mut self, kind: &str, entity: Entity, id: &str) -> Result<()> {
        let record = record_json(&self.tx, entity, id)?.ok_or(StoreError::Corrupt {
            table: entity.table(),
            column: "id",
        })?;
        #[cfg(debug_assertions)]
        self.assert_receivable(entity, &record);
        let entry = ChangeEntry {
            origin: self.origin.clone(),
            epoch: self.epoch,
            seq: self.next_seq,
            actor: self.actor.clone(),
            at: self.at.clone(),
            kind: kind.to_string(),
            entity: entity.code().to_string(),
            record_id: id.to_string(),
            record,
            prev_hash: self.prev_hash,
        };
        let hash = entry.hash();
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                entry.origin,
                entry.epoch,
                entry.seq,
                entry.actor,
                entry.at,
                entry.kind,
                entry.entity,
                entry.record_id,
                entry.record,
                entry.prev_hash.as_slice(),
                hash.as_slice(),
            ])?;
        self.prev_hash = hash;
        self.next_seq += 1;
        self.appended += 1;
        Ok(())
    }

    /// Every record this program writes must pass the rules a bundle's records are held to
    /// (`domain::received`), or its peers would hold it for review: checked in debug builds,
    /// so the whole test suite keeps the rules and the program's own forms in agreement.
    #[cfg(debug_assertions)]
    fn assert_receivable(&self, entity: Entity, record: &str) {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(record)
        else {
            panic!("the change log holds a record that is not a JSON object: {record}");
        };
        let tree = self.tree.get_or_init(|| {
            super::orgs::tree(&self.tx)
                .unwrap_or_else(|_| crate::domain::org::OrgTree::new(Vec::new()))
        });
        // The China day of the transaction: a birth date may not lie after it.
        let today = crate::domain::date::stored_day(&self.at).unwrap_or(chrono::NaiveDate::MAX);
        let cx = crate::domain::received::Context::new(tree, today);
        if let Err(e) = crate::domain::received::check(entity, &map, &cx) {
            panic!(
                "{} written by {} breaks the rules for received records: {e:?} in {record}",
                entity.code(),
                self.actor
            );
        }
    }

    pub(crate) fn commit(self) -> Result<()> {
        if self.appended > 0 {
            raise_head(
                &self.tx,
                &self.origin,
                self.epoch,
                self.next_seq - 1,
                &self.prev_hash,
            )?;
        }
        self.tx.commit()?;
        Ok(())
    }
}

/// Raises the recorded high-water mark of chain (`origin`, `epoch`) to `seq` (never lowers it):
/// called in the transaction that wrote the entry, so a later cut of the chain's tail leaves
/// the mark behind for `check` to name.
pub(crate) fn raise_head(
    conn: &Connection,
    origin: &str,
    epoch: i64,
    seq: i64,
    hash: &[u8; 32],
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO chain_heads (origin, epoch, seq, hash) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (origin, epoch) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
             WHERE excluded.seq > chain_heads.seq",
    )?
    .execute(params![origin, epoch, seq, hash.as_slice()])?;
    Ok(())
}

/// Raises the high-water mark of every chain that received entries after `local_order` (an
/// import's entries, in its transaction).
pub(crate) fn raise_heads_after(conn: &Connection, local_order: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO chain_heads (origin, epoch, seq, hash)
         SELECT origin, epoch, max(seq), hash FROM change_log WHERE local_order > ?1
         GROUP BY origin, epoch
         ON CONFLICT (origin, epoch) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
             WHERE excluded.seq > chain_heads.seq",
        [local_order],
    )?;
    Ok(())
}

/// The `local_order` of the newest entry held (0 when none).
pub(crate) fn last_local_order(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(local_order), 0) FROM change_log",
        [],
        |r| r.get(0),
    )?)
}

fn to_hash(bytes: &[u8]) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| StoreError::Corrupt {
        table: "change_log",
        column: "hash",
    })
}

/// Why a chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakKind {
    /// The entry's stored hash is not the hash of its content: it was edited.
    ContentChanged,
    /// The entry does not link to the one before: an entry was removed or reordered.
    LinkBroken,
    /// A sequence number is missing.
    SequenceGap { expected: i64 },
}

/// The first broken entry of one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub origin: String,
    pub epoch: i64,
    pub seq: i64,
    pub kind: BreakKind,
}

/// One verified chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    pub origin: String,
    pub epoch: i64,
    pub entries: i64,
    /// Hex of the last entry's hash: the head a bundle manifest will carry.
    pub head: String,
    /// The first break, if any.
    pub broken: Option<ChainBreak>,
}

/// Walks every (origin, epoch) chain of the change log in sequence order.
pub fn verify_chains(conn: &Connection) -> Result<Vec<ChainSummary>> {
    let mut stmt = conn.prepare(
        "SELECT origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash
         FROM change_log ORDER BY origin, epoch, seq",
    )?;
    let mut rows = stmt.query([])?;
    // Stretches of other workstations' chains held by hash only: the chain links across them.
    let mut elided: std::collections::HashMap<(String, i64, i64), (i64, [u8; 32])> =
        std::collections::HashMap::new();
    for s in super::exchange::elided_beyond(conn, &std::collections::HashMap::new())? {
        elided.insert((s.origin, s.epoch, s.from), (s.to, s.last_hash));
    }
    let mut out: Vec<ChainSummary> = Vec::new();
    let mut prev = [0u8; 32];
    while let Some(r) = rows.next()? {
        let prev_hash = to_hash(&r.get::<_, Vec<u8>>(9)?)?;
        let entry = ChangeEntry {
            origin: r.get(0)?,
            epoch: r.get(1)?,
            seq: r.get(2)?,
            actor: r.get(3)?,
            at: r.get(4)?,
            kind: r.get(5)?,
            entity: r.get(6)?,
            record_id: r.get(7)?,
            record: r.get(8)?,
            prev_hash,
        };
        let stored = to_hash(&r.get::<_, Vec<u8>>(10)?)?;
        let new_chain = out
            .last()
            .is_none_or(|c| c.origin != entry.origin || c.epoch != entry.epoch);
        if new_chain {
            out.push(ChainSummary {
                origin: entry.origin.clone(),
                epoch: entry.epoch,
                entries: 0,
                head: String::new(),
                broken: None,
            });
            prev = [0u8; 32];
        }
        let Some(chain) = out.last_mut() else {
            continue;
        };
        let mut expected_seq = chain.entries + 1;
        while let Some((to, last)) = elided.get(&(entry.origin.clone(), entry.epoch, expected_seq))
        {
            if chain.broken.is_none() {
                prev = *last;
            }
            chain.entries = *to;
            expected_seq = to + 1;
        }
        chain.entries += 1;
        chain.head = hex::encode(stored);
        if chain.broken.is_some() {
            prev = stored;
            continue;
        }
        let kind = if entry.seq != expected_seq {
            Some(BreakKind::SequenceGap {
                expected: expected_seq,
            })
        } else if entry.hash() != stored {
            Some(BreakKind::ContentChanged)
        } else if entry.prev_hash != prev {
            Some(BreakKind::LinkBroken)
        } else {
            None
        };
        if let Some(kind) = kind {
            chain.broken = Some(ChainBreak {
                origin: entry.origin.clone(),
                epoch: entry.epoch,
                seq: entry.seq,
                kind,
            });
        }
        prev = stored;
    }
    Ok(out)
}

/// The SHA-256 of the latest applied change entry's record, for every record id of `entity`.
/// Digests rather than the records' text, so checking a district's million entries needs tens
/// of megabytes, not hundreds.
pub fn latest_record_digests(
    conn: &Connection,
    entity: Entity,
) -> Result<std::collections::HashMap<String, [u8; 32]>> {
    let mut stmt = conn.prepare(
        "SELECT record_id, record FROM change_log WHERE entity = ?1 AND applied = 1 ORDER BY local_order",
    )?;
    let mut rows = stmt.query([entity.code()])?;
    let mut map = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        let record = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        map.insert(
            r.get::<_, String>(0)?,
            Sha256::digest(record.as_bytes()).into(),
        );
    }
    Ok(map)
}

/// The latest applied change entry's record of record `id` of `entity`, if it has one.
pub fn latest_record(conn: &Connection, entity: Entity, id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT record FROM change_log WHERE entity = ?1 AND record_id = ?2 AND applied = 1
             ORDER BY local_order DESC LIMIT 1",
            [entity.code(), id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The latest applied change entry of `kind` about record `id`: its actor, time and record.
/// A record kept its steps' facts in columns only from some schema on; this reads what an
/// older step was from the log.
pub fn latest_of_kind(
    conn: &Connection,
    entity: Entity,
    id: &str,
    kinds: &[&str],
) -> Result<Option<(String, String, String)>> {
    use rusqlite::OptionalExtension;
    let mut found: Option<(i64, String, String, String)> = None;
    for kind in kinds {
        let row = conn
            .query_row(
                "SELECT local_order, actor, at, record FROM change_log
                 WHERE record_id = ?1 AND entity = ?2 AND kind = ?3 AND applied = 1
                 ORDER BY local_order DESC LIMIT 1",
                [id, entity.code(), kind],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some(r) = row {
            if found.as_ref().is_none_or(|f| f.0 < r.0) {
                found = Some(r);
            }
        }
    }
    Ok(found.map(|(_, actor, at, record)| (actor, at, record)))
}

/// Number of change entries held.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?)
}

/// One line of a person's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When (RFC 3339 UTC).
    pub at: String,
    /// What (`person.create`, `clue.verify` …).
    pub kind: String,
    /// Who.
    pub actor: String,
    /// The record after the change, for the steps of a case whose own facts the timeline
    /// shows (the stop's reason and day, the suspension's, the review's outcome); `None`
    /// for every other entry.
    pub record: Option<String>,
}

/// Every change entry about a person, their clues, cases, registrations, services,
/// documents, complaints, follow-up tasks, transfers, households, and neighbour help (as
/// helper: the registration, trainings and pairings; as the person helped: the pairings and
/// visits), oldest first; with the
/// entries of every record merged into them (and merged into those), so that a merge keeps
/// both histories in one timeline.
pub fn timeline(conn: &Connection, person_id: &str) -> Result<Vec<TimelineEntry>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE ids(id) AS (
             SELECT ?1
             UNION SELECT p.id FROM persons p JOIN ids ON p.merged_into = ids.id
         )
         SELECT at, kind, actor,
                CASE WHEN kind IN ('case.approve', 'case.deny', 'case.review', 'case.suspend',
                                   'case.stop', 'case.withdraw')
                     THEN record END
         FROM change_log
         WHERE record_id IN (SELECT id FROM ids)
            OR record_id IN (SELECT id FROM clues WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM cases WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT s.id FROM services s JOIN cases c ON c.id = s.case_id WHERE c.person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT r.id FROM registrations r JOIN cases c ON c.id = r.case_id WHERE c.person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM documents WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM complaints WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM tasks WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM transfers WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM households WHERE head_person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM helpers WHERE person_id IN (SELECT id FROM ids))
            OR record_id IN (SELECT id FROM pairings WHERE person_id IN (SELECT id FROM ids)
                OR helper_id IN (SELECT id FROM helpers WHERE person_id IN (SELECT id FROM ids)))
            OR record_id IN (SELECT id FROM help_visits WHERE person_id IN (SELECT id FROM ids))
         ORDER BY local_order",
    )?;
    let rows = stmt.query_map([person_id], |r| {
        Ok(TimelineEntry {
            at: r.get(0)?,
            kind: r.get(1)?,
            actor: r.get(2)?,
            record: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// One change-log line for browsing: when, who, what, and whose (the person's name when the
/// record is a person or belongs to one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub record_id: String,
    pub person: Option<String>,
}

/// Change entries matching `f` (see [`super::access_log::LogFilter`]), newest first, at most
/// `limit`.
pub fn browse(
    conn: &Connection,
    f: &super::access_log::LogFilter,
    limit: i64,
) -> Result<Vec<LogLine>> {
    let mut stmt = conn.prepare(
        "WITH named AS (
             SELECT c.local_order, c.at, c.actor, c.kind, c.record_id,
                    coalesce(p.name, pc.name, pk.name) AS person
             FROM change_log c
             LEFT JOIN persons p ON c.entity = 'person' AND p.id = c.record_id
             LEFT JOIN clues cl ON c.entity = 'clue' AND cl.id = c.record_id
             LEFT JOIN persons pc ON pc.id = cl.person_id
             LEFT JOIN cases k ON c.entity = 'case' AND k.id = c.record_id
             LEFT JOIN persons pk ON pk.id = k.person_id
             WHERE (?3 IS NULL OR c.at >= ?3) AND (?4 IS NULL OR c.at < ?4)
         )
         SELECT at, actor, kind, record_id, person FROM named
         WHERE ?1 = '' OR actor LIKE ?2 ESCAPE '\\' OR kind LIKE ?2 ESCAPE '\\'
               OR record_id LIKE ?2 ESCAPE '\\' OR person LIKE ?2 ESCAPE '\\'
         ORDER BY local_order DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![f.text, f.like_pattern(), f.from, f.to, limit],
        |r| {
            Ok(LogLine {
                at: r.get(0)?,
                actor: r.get(1)?,
                kind: r.get(2)?,
                record_id: r.get(3)?,
                person: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
