//! Two (or more) workstations in temporary folders that exchange bundles, and tools to take a
//! bundle apart and put a doctored one back together, signed with a real key.

use std::io::Read;
use std::path::{Path, PathBuf};

use jiuzhu::app::exchange::{self, ImportOutcome};
use jiuzhu::app::{check, setup, AppError, Ctx, Session};
use jiuzhu::domain::org::Tier;
use jiuzhu::domain::permission::{Grant, Role};
use jiuzhu::store::changelog::ChangeEntry;
use jiuzhu::store::records::Entity;
use jiuzhu::store::Store;
use jiuzhu::sync::format::{self, Manifest, SignatureMember};
use jiuzhu::sync::keys::{Keys, KEYS_DIR};
use jiuzhu::sync::payload::{Frame, FrameReader, FrameWriter};
use jiuzhu::sync::Refusal;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::clock;

/// The two demo units the tests exchange between.
pub const SUB: &str = "360104001";
pub const COM: &str = "360104001001";

/// One workstation: its folder, open database and administrator session.
pub struct Station {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub session: Session,
    pub org: String,
}

impl Station {
    /// A workstation of `tier` for unit `org` (from the demo tree), demo or real.
    pub fn new(tier: Tier, org: &str, name: &str, demo: bool) -> Station {
        Station::with_parent(tier, org, name, None, demo)
    }

    /// As [`Station::new`], for a unit the built-in tree lacks, under `parent`.
    pub fn with_parent(
        tier: Tier,
        org: &str,
        name: &str,
        parent: Option<&str>,
        demo: bool,
    ) -> Station {
        let dir = tempfile::tempdir().unwrap();
        let params = setup::validate_params(tier.code(), org, name, parent, "admin", demo).unwrap();
        let store = setup::init(
            dir.path(),
            &dir.path().join("jiuzhu.db"),
            &params,
            Zeroizing::new("Qingyunpu-2026!".to_string()),
            &clock(),
        )
        .unwrap();
        Station {
            dir,
            store,
            session: Session {
                username: "admin".into(),
                grants: vec![Grant {
                    role: Role::Admin,
                    org: org.into(),
                }],
            },
            org: org.into(),
        }
    }

    pub fn subdistrict(demo: bool) -> Station {
        Station::new(Tier::Subdistrict, SUB, "洪都街道", demo)
    }

    pub fn community(demo: bool) -> Station {
        Station::new(Tier::Community, COM, "洪都新村社区", demo)
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("jiuzhu.db")
    }

    pub fn keys(&self) -> Keys {
        Keys::load(&self.dir.path().join(KEYS_DIR)).unwrap()
    }

    /// Runs `f` with a context for the administrator.
    pub fn ctx<T>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
        let c = clock();
        let mut ctx = Ctx::new(&mut self.store, self.session.clone(), &c).unwrap();
        f(&mut ctx)
    }

    /// Writes the public card into this station's folder.
    pub fn card(&self) -> (PathBuf, String) {
        let path = exchange::write_card(&self.store, &self.dir.path().join("own.card")).unwrap();
        (path, exchange::own_card(&self.store).unwrap().fingerprint())
    }

    /// Enrols `other`'s key.
    pub fn trust(&mut self, other: &Station) {
        let (file, fp) = other.card();
        let copy = self.dir.path().join(format!("{}.card", other.org));
        std::fs::copy(&file, &copy).unwrap();
        self.ctx(|ctx| exchange::trust(ctx, &copy, &fp, false).unwrap());
    }

    /// Exports a bundle for unit `to` into this station's folder.
    pub fn export_to(&mut self, to: &str) -> exchange::ExportSummary {
        let out = self.dir.path().to_path_buf();
        self.ctx(|ctx| exchange::export(ctx, to, Some(&out), &mut |_, _| true).unwrap())
    }

    pub fn import(&mut self, path: &Path) -> Result<ImportOutcome, AppError> {
        self.ctx(|ctx| exchange::import(ctx, path, &mut |_, _| true))
    }

    /// Imports, expecting the whole bundle in; returns the receipt.
    pub fn import_ok(&mut self, path: &Path) -> exchange::Receipt {
        match self.import(path).unwrap() {
            ImportOutcome::Imported(r) => r,
            other => panic!("expected an import, got {other:?}"),
        }
    }

    /// Imports, expecting a refusal; returns its code.
    pub fn refused(&mut self, path: &Path) -> Refusal {
        match self.import(path) {
            Err(AppError::Bundle(r)) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    /// `check` passes.
    pub fn assert_check(&mut self) {
        let report = self.ctx(|ctx| check::run(ctx).unwrap());
        assert!(report.ok(), "{:?}", report.findings);
    }

    /// A digest of every table but the local logs (access log and its head, key alarms) and
    /// settings: "the data and the change log exactly as they were".
    pub fn digest(&self) -> String {
        digest_of(&self.db())
    }

    /// The access log's events, oldest first.
    pub fn access_events(&self) -> Vec<(String, String)> {
        let c = rusqlite::Connection::open(self.db()).unwrap();
        let mut stmt = c
            .prepare("SELECT event, detail FROM access_log ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    /// Runs SQL on the database file directly (to set up states a program never makes).
    pub fn sql(&self, sql: &str) {
        let c = rusqlite::Connection::open(self.db()).unwrap();
        c.execute_batch(sql).unwrap();
    }
}

impl Station {
    /// Does what an operator with the database file and a SQLite shell could: writes `record`
    /// (a full record of kind `entity`) into its table here and appends a correctly chained
    /// change entry of kind `kind` for it to this workstation's own chain, as if the program
    /// had made it. `check` passes afterwards; only the receiving side can tell.
    pub fn forge(&self, entity: Entity, kind: &str, record: serde_json::Value) {
        self.forge_in(None, entity, kind, record)
    }

    /// As [`Station::forge`], appending to the chain (`origin`, `epoch`) given, or to this
    /// workstation's own when `None`: a forger may claim any origin, since entries carry no
    /// signature of their own.
    pub fn forge_in(
        &self,
        chain: Option<(&str, i64)>,
        entity: Entity,
        kind: &str,
        record: serde_json::Value,
    ) {
        let serde_json::Value::Object(map) = record else {
            panic!("a record is a JSON object");
        };
        let mut c = rusqlite::Connection::open(self.db()).unwrap();
        c.pragma_update(None, "foreign_keys", false).unwrap();
        let tx = c.transaction().unwrap();
        jiuzhu::store::exchange::upsert(
            &tx,
            &mut jiuzhu::store::exchange::UpsertSql::default(),
            entity,
            &map,
        )
        .unwrap()
        .unwrap();
        let id = map["id"].as_str().unwrap().to_string();
        if entity == Entity::Person {
            // A record the program could not have made may not index; the forger lives with it.
            let _ = jiuzhu::store::persons::reindex(&tx, &id);
        }
        let record = jiuzhu::store::records::record_json(&tx, entity, &id)
            .unwrap()
            .unwrap();
        let (origin, epoch): (String, i64) = match chain {
            Some((o, e)) => (o.to_string(), e),
            None => tx
                .query_row("SELECT id, epoch FROM workstation", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap(),
        };
        let (seq, prev): (i64, Vec<u8>) = tx
            .query_row(
                "SELECT seq, hash FROM change_log WHERE origin = ?1 AND epoch = ?2 ORDER BY seq DESC LIMIT 1",
                rusqlite::params![origin, epoch],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or((0, vec![0; 32]));
        let entry = ChangeEntry {
            origin,
            epoch,
            seq: seq + 1,
            actor: "admin".into(),
            at: "2026-11-28T02:30:00.000Z".into(),
            kind: kind.into(),
            entity: entity.code().into(),
            record_id: id,
            record,
            prev_hash: prev.try_into().unwrap(),
        };
        let hash = entry.hash();
        tx.execute(
            "INSERT INTO change_log (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
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
                hash.as_slice()
            ],
        )
        .unwrap();
        tx.commit().unwrap();
    }

    /// A copy of this workstation's files (database and keys) in another folder, opened: what
    /// someone who copied the data directory onto a USB stick holds.
    pub fn copy(&self) -> Station {
        let dir = tempfile::tempdir().unwrap();
        let c = rusqlite::Connection::open(self.db()).unwrap();
        c.execute(
            "VACUUM INTO ?1",
            [dir.path().join("jiuzhu.db").to_str().unwrap()],
        )
        .unwrap();
        let keys = dir.path().join(KEYS_DIR);
        std::fs::create_dir(&keys).unwrap();
        for f in std::fs::read_dir(self.dir.path().join(KEYS_DIR)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), keys.join(f.file_name())).unwrap();
        }
        let store = Store::open(
            &dir.path().join("jiuzhu.db"),
            &jiuzhu::store::OpenOptions::default(),
        )
        .unwrap();
        Station {
            dir,
            store,
            session: self.session.clone(),
            org: self.org.clone(),
        }
    }

    /// Record `id` of `entity` as held here (canonical JSON), if held.
    pub fn record(&self, entity: Entity, id: &str) -> Option<serde_json::Value> {
        let c = rusqlite::Connection::open(self.db()).unwrap();
        jiuzhu::store::records::record_json(&c, entity, id)
            .unwrap()
            .map(|s| serde_json::from_str(&s).unwrap())
    }
}

/// A new person record in `community`, complete as the program writes one, for
/// [`Station::forge`].
pub fn person_record(id: &str, origin: &str, community: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "origin": origin, "version": 1,
        "created_at": "2026-11-28T02:30:00.000Z", "updated_at": "2026-11-28T02:30:00.000Z",
        "name": name, "id_number": null, "sex": null, "birth_date": null, "phone": null,
        "address": null, "community": community, "hukou_local": 1,
        "assistance_status": "none", "assistance_certificate": null, "self_care": null,
        "disability_type": null, "disability_grade": null, "disability_cert": null,
        "diseases": null, "lives_alone": 0, "guardian_name": null, "guardian_phone": null,
        "emergency_contact": null, "note": null, "service_no": null, "status": "active",
        "household_id": null, "relation": null, "merged_into": null, "status_reason": null,
    })
}

/// Both stations enrol each other.
pub fn pair(a: &mut Station, b: &mut Station) {
    a.trust(b);
    b.trust(a);
}

/// See [`Station::digest`].
pub fn digest_of(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = {
        let mut stmt = c
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT IN ('access_log', 'access_head', 'key_alarms', 'settings') AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let mut h = Sha256::new();
    for t in tables {
        h.update(t.as_bytes());
        let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                h.update(format!("{:?}", r.get_ref(i).unwrap()).as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

/// A bundle taken apart: its manifest and every frame of its payload.
pub struct Parts {
    pub manifest: Manifest,
    pub frames: Vec<Frame>,
}

/// Takes the bundle at `path` apart with the destination's keys.
pub fn take_apart(path: &Path, destination: &Keys) -> Parts {
    let opened = format::open(path).unwrap();
    let manifest = Manifest::parse(&opened.manifest_bytes).unwrap();
    let reader = format::payload_reader(path, &opened).unwrap();
    let d = age::Decryptor::new_buffered(reader).unwrap();
    let mut plain = Vec::new();
    d.decrypt(
        destination
            .identities()
            .iter()
            .map(|i| i as &dyn age::Identity),
    )
    .unwrap()
    .read_to_end(&mut plain)
    .unwrap();
    let mut r = FrameReader::new(plain.as_slice());
    let mut frames = Vec::new();
    while let Some(f) = r.next_frame().unwrap() {
        frames.push(f);
    }
    Parts { manifest, frames }
}

/// Puts a (doctored) bundle together: the payload re-encrypted to `recipient`, the manifest's
/// payload fields recomputed unless `keep_payload_info`, and everything signed by `signer`
/// under `fingerprint`.
pub fn put_together(
    parts: &Parts,
    signer: &Keys,
    fingerprint: &str,
    recipient: &age::x25519::Recipient,
    out: &Path,
) {
    let mut w = FrameWriter::new(Vec::new());
    for f in &parts.frames {
        match f {
            Frame::Header(h) => w.header(h).unwrap(),
            Frame::Entry(e) => w.entry(e).unwrap(),
            Frame::Elided(g) => w.elided(g).unwrap(),
            Frame::Blob { sha256, bytes } => w.blob(sha256, bytes).unwrap(),
            Frame::Trailer(t) => w.trailer(t).unwrap(),
        }
    }
    let plain = w.into_inner();
    let mut cipher = Vec::new();
    let enc =
        age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient)).unwrap();
    let mut s = enc.wrap_output(&mut cipher).unwrap();
    std::io::Write::write_all(&mut s, &plain).unwrap();
    s.finish().unwrap();
    let mut m = parts.manifest.clone();
    m.payload.sha256 = hex::encode(Sha256::digest(&cipher));
    m.payload.size = cipher.len() as u64;
    m.payload.plain_size = plain.len() as u64;
    let mbytes = m.to_bytes();
    let sig = SignatureMember::sign(signer, fingerprint, &mbytes).to_bytes();
    let f = std::fs::File::create(out).unwrap();
    format::write_bundle(
        f,
        &mbytes,
        &sig,
        &mut cipher.as_slice(),
        cipher.len() as u64,
    )
    .unwrap();
}

/// Signs `manifest_bytes` with `signer` and writes a bundle around the original payload of
/// `original`.
pub fn resign(
    original: &Path,
    manifest_bytes: &[u8],
    signer: &Keys,
    fingerprint: &str,
    out: &Path,
) {
    let opened = format::open(original).unwrap();
    let mut payload = format::payload_reader(original, &opened).unwrap();
    let sig = SignatureMember::sign(signer, fingerprint, manifest_bytes).to_bytes();
    let f = std::fs::File::create(out).unwrap();
    format::write_bundle(f, manifest_bytes, &sig, &mut payload, opened.payload_size).unwrap();
}
