//! The access log: events that change no record (logins, failed logins, locks, reveals,
//! exports, refused imports, password resets). Hash-chained like the change log, kept on this
//! workstation only. It never holds personal data: subjects are record ids, never ID numbers.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{Result, StoreError};

const DOMAIN: &[u8] = b"jiuzhu-access-v1\0";

/// One access event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub event: String,
    pub subject: String,
    pub detail: String,
}

fn hash_of(e: &AccessEvent, prev: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(e.seq.to_be_bytes());
    for part in [&e.at, &e.actor, &e.event, &e.subject, &e.detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.update(prev);
    h.finalize().into()
}

fn to_hash(bytes: Vec<u8>) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| StoreError::Corrupt {
        table: "access_log",
        column: "hash",
    })
}

/// The last entry's sequence number and hash; 0 and the zero hash for an empty log (what
/// the first entry links to).
pub fn head(conn: &Connection) -> Result<(i64, [u8; 32])> {
    let head: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match head {
        Some((s, h)) => Ok((s, to_hash(h)?)),
        None => Ok((0, [0u8; 32])),
    }
}

/// Raises the recorded high-water mark of the log to entry `seq` (never lowers it), in the
/// transaction that wrote the entry.
fn raise_head(conn: &Connection, seq: i64, hash: &[u8; 32]) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO access_head (singleton, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (singleton) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
             WHERE excluded.seq > access_head.seq",
    )?
    .execute(params![seq, hash.as_slice()])?;
    Ok(())
}

/// The highest entry this log ever had, as this program recorded it with each entry: cutting
/// the newest entries leaves it behind. `None` for a log that never had one.
pub fn witnessed_head(conn: &Connection) -> Result<Option<(i64, [u8; 32])>> {
    let head: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, hash FROM access_head", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    head.map(|(s, h)| Ok((s, to_hash(h)?))).transpose()
}

/// The hash of entry `seq`, if the log has one.
pub fn hash_at(conn: &Connection, seq: i64) -> Result<Option<[u8; 32]>> {
    let hash: Option<Vec<u8>> = conn
        .query_row("SELECT hash FROM access_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?;
    hash.map(to_hash).transpose()
}

/// One entry with its links, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub event: AccessEvent,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// Every entry after `seq`, oldest first, with its links.
pub fn after(conn: &Connection, seq: i64) -> Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, event, subject, detail, prev_hash, hash FROM access_log
         WHERE seq > ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([seq])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(StoredEvent {
            event: event_from_row(r)?,
            prev_hash: to_hash(r.get(6)?)?,
            hash: to_hash(r.get(7)?)?,
        });
    }
    Ok(out)
}

/// Appends entries of another copy of this log as they were stored there — same sequence
/// numbers, same hashes — so that its chain continues here and still verifies.
pub fn append_stored(conn: &Connection, entries: &[StoredEvent]) -> Result<()> {
    let mut stmt = conn.prepare(
        "INSERT INTO access_log (seq, at, actor, event, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for s in entries {
        let e = &s.event;
        stmt.execute(params![
            e.seq,
            e.at,
            e.actor,
            e.event,
            e.subject,
            e.detail,
            s.prev_hash.as_slice(),
            s.hash.as_slice()
        ])?;
        raise_head(conn, e.seq, &s.hash)?;
    }
    Ok(())
}

/// Every event of kind `event`, oldest first.
pub fn of_event(conn: &Connection, event: &str) -> Result<Vec<AccessEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, event, subject, detail FROM access_log WHERE event = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([event], event_from_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Appends one event; call inside the caller's transaction when the event belongs to one.
pub fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    event: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    let (last, prev) = head(conn)?;
    let e = AccessEvent {
        seq: last + 1,
        at: at.to_string(),
        actor: actor.to_string(),
        event: event.to_string(),
        subject: subject.to_string(),
        detail: detail.to_string(),
    };
    let hash = hash_of(&e, &prev);
    conn.execute(
        "INSERT INTO access_log (seq, at, actor, event, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.seq, e.at, e.actor, e.event, e.subject, e.detail, prev.as_slice(), hash.as_slice()],
    )?;
    raise_head(conn, e.seq, &hash)
}

/// Appends one event in its own IMMEDIATE transaction.
pub fn append_now(
    store: &mut super::Store,
    at: &str,
    actor: &str,
    event: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    store.write_local(|tx| append(tx, at, actor, event, subject, detail))
}

/// A filter for browsing the logs: words to find (in the user, the event or kind, the subject
/// or detail, or the name of the person concerned), and optionally one UTC time range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Text to find; empty finds everything.
    pub text: String,
    /// Only entries at or after this time (RFC 3339 UTC) …
    pub from: Option<String>,
    /// … and before this one.
    pub to: Option<String>,
}

impl LogFilter {
    /// The text as a `LIKE … ESCAPE '\'` pattern that finds it anywhere, its own `%` and `_`
    /// taken literally.
    pub fn like_pattern(&self) -> String {
        format!(
            "%{}%",
            self.text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    }
}

/// One event from the columns seq, at, actor, event, subject, detail (in that order).
fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessEvent> {
    Ok(AccessEvent {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        event: r.get(3)?,
        subject: r.get(4)?,
        detail: r.get(5)?,
    })
}

/// Access-log events matching `f`, newest first, at most `limit`.
pub fn browse(conn: &Connection, f: &LogFilter, limit: i64) -> Result<Vec<AccessEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, event, subject, detail FROM access_log
         WHERE (?1 = '' OR actor LIKE ?2 ESCAPE '\\' OR event LIKE ?2 ESCAPE '\\'
                OR subject LIKE ?2 ESCAPE '\\' OR detail LIKE ?2 ESCAPE '\\'
                OR subject IN (SELECT id FROM persons WHERE name LIKE ?2 ESCAPE '\\'))
           AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4)
         ORDER BY seq DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![f.text, f.like_pattern(), f.from, f.to, limit],
        event_from_row,
    )?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// When the newest event of any of `events` happened (RFC 3339 UTC), if one did.
pub fn latest_of(conn: &Connection, events: &[&str]) -> Result<Option<String>> {
    let mut newest: Option<String> = None;
    for e in events {
        let at: Option<String> = conn
            .query_row(
                "SELECT at FROM access_log WHERE event = ?1 ORDER BY seq DESC LIMIT 1",
                [e],
                |r| r.get(0),
            )
            .optional()?;
        if at > newest {
            newest = at;
        }
    }
    Ok(newest)
}

/// The first entry whose hash or link does not verify, or `None` when the chain is whole;
/// also the number of entries walked.
pub fn verify(conn: &Connection) -> Result<(i64, Option<i64>)> {
    let mut stmt = conn.prepare("SELECT seq, at, actor, event, subject, detail, prev_hash, hash FROM access_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut prev = [0u8; 32];
    let mut n = 0;
    while let Some(r) = rows.next()? {
        n += 1;
        let e = event_from_row(r)?;
        let stored_prev = to_hash(r.get(6)?)?;
        let stored = to_hash(r.get(7)?)?;
        if e.seq != n || stored_prev != prev || hash_of(&e, &prev) != stored {
            return Ok((n, Some(e.seq)));
        }
        prev = stored;
    }
    Ok((n, None))
}

/// The latest `limit` events, newest first.
pub fn recent(conn: &Connection, limit: i64) -> Result<Vec<AccessEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, event, subject, detail FROM access_log ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], event_from_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
