//! Documents of a person's archive and their stored bytes (one copy per content hash).

use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::records::{self, meta_from_row, meta_values, Entity, RecordTable};
use super::{Result, WriteTx};
use crate::domain::document::{Document, DocumentWaiver};
use crate::domain::record::RecordMeta;

impl RecordTable for Document {
    const ENTITY: Entity = Entity::Document;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "person_id",
        "kind",
        "file_name",
        "size",
        "sha256",
        "added_by",
        "withdrawn_at",
        "withdraw_reason",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 8]>([
            Box::new(&self.person_id),
            Box::new(&self.kind),
            Box::new(&self.file_name),
            Box::new(self.size),
            Box::new(&self.sha256),
            Box::new(&self.added_by),
            Box::new(&self.withdrawn_at),
            Box::new(&self.withdraw_reason),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Document> {
        Ok(Document {
            meta: meta_from_row(r)?,
            person_id: r.get(5)?,
            kind: r.get(6)?,
            file_name: r.get(7)?,
            size: r.get(8)?,
            sha256: r.get(9)?,
            added_by: r.get(10)?,
            withdrawn_at: r.get(11)?,
            withdraw_reason: r.get(12)?,
        })
    }
}

/// Files `d` with its bytes (stored once per hash) and logs `document.create`.
pub fn insert(w: &mut WriteTx<'_>, d: &Document, content: &[u8]) -> Result<()> {
    w.conn().execute(
        "INSERT OR IGNORE INTO document_blobs (sha256, content) VALUES (?1, ?2)",
        rusqlite::params![d.sha256, content],
    )?;
    records::insert(w, d, "document.create")
}

/// Saves a changed document (withdrawn) and logs `kind`.
pub fn update(w: &mut WriteTx<'_>, d: &Document, kind: &str) -> Result<Document> {
    records::update(w, d, kind)
}

/// The document with record id `id`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Document>> {
    records::get(conn, id)
}

/// Every document of `person_id`, in filing order.
pub fn of_person(conn: &Connection, person_id: &str) -> Result<Vec<Document>> {
    let sql = format!(
        "SELECT {} FROM documents WHERE person_id = ?1 ORDER BY created_at, id",
        Document::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([person_id], Document::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}

/// The stored bytes of hash `sha256`.
pub fn content(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT content FROM document_blobs WHERE sha256 = ?1",
            [sha256],
            |r| r.get(0),
        )
        .optional()?)
}

/// The first `n` bytes of the stored content of hash `sha256`, if held.
pub fn content_head(conn: &Connection, sha256: &str, n: usize) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT substr(content, 1, ?2) FROM document_blobs WHERE sha256 = ?1",
            rusqlite::params![sha256, n as i64],
            |r| r.get(0),
        )
        .optional()?)
}

/// Stored contents whose hash is not the one they are kept under, and documents whose
/// content is missing: (document or blob key, what is wrong).
pub fn broken(conn: &Connection) -> Result<Vec<String>> {
    use sha2::{Digest, Sha256};
    let mut out = Vec::new();
    let mut stmt = conn.prepare("SELECT sha256, content FROM document_blobs")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let bytes: Vec<u8> = r.get(1)?;
        if hex::encode(Sha256::digest(&bytes)) != key {
            out.push(key);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT d.id FROM documents d LEFT JOIN document_blobs b ON b.sha256 = d.sha256
         WHERE b.sha256 IS NULL",
    )?;
    let missing = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for m in missing {
        out.push(m?);
    }
    Ok(out)
}

impl RecordTable for DocumentWaiver {
    const ENTITY: Entity = Entity::DocumentWaiver;
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "origin",
        "version",
        "created_at",
        "updated_at",
        "person_id",
        "kind",
        "reason",
        "recorded_by",
        "withdrawn_at",
        "withdraw_reason",
    ];

    fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }

    fn values(&self) -> Vec<Box<dyn ToSql + '_>> {
        let mut v = meta_values(&self.meta);
        v.extend::<[Box<dyn ToSql + '_>; 6]>([
            Box::new(&self.person_id),
            Box::new(&self.kind),
            Box::new(&self.reason),
            Box::new(&self.recorded_by),
            Box::new(&self.withdrawn_at),
            Box::new(&self.withdraw_reason),
        ]);
        v
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<DocumentWaiver> {
        Ok(DocumentWaiver {
            meta: meta_from_row(r)?,
            person_id: r.get(5)?,
            kind: r.get(6)?,
            reason: r.get(7)?,
            recorded_by: r.get(8)?,
            withdrawn_at: r.get(9)?,
            withdraw_reason: r.get(10)?,
        })
    }
}

/// Records that a document does not apply (不适用) and logs `document_waiver.create`.
pub fn insert_waiver(w: &mut WriteTx<'_>, d: &DocumentWaiver) -> Result<()> {
    records::insert(w, d, "document_waiver.create")
}

/// Saves a changed waiver (withdrawn) and logs `kind`.
pub fn update_waiver(
    w: &mut WriteTx<'_>,
    d: &DocumentWaiver,
    kind: &str,
) -> Result<DocumentWaiver> {
    records::update(w, d, kind)
}

/// The waiver with record id `id`.
pub fn waiver(conn: &Connection, id: &str) -> Result<Option<DocumentWaiver>> {
    records::get(conn, id)
}

/// Every waiver of `person_id`, in the order recorded.
pub fn waivers_of_person(conn: &Connection, person_id: &str) -> Result<Vec<DocumentWaiver>> {
    let sql = format!(
        "SELECT {} FROM document_waivers WHERE person_id = ?1 ORDER BY created_at, id",
        DocumentWaiver::COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([person_id], DocumentWaiver::from_row)?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(super::row_error)
}
