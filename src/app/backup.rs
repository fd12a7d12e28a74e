//! `jiuzhu backup` and `jiuzhu restore`: an encrypted copy of the whole workstation taken while
//! others keep working, and bringing one back as a new epoch.
//!
//! The backup file is age-encrypted (to this workstation and, when set, the offline escrow
//! recipient) and holds a tar of `backup.json` (what it is), `jiuzhu.db` (a `VACUUM INTO`
//! copy) and the `keys/` files, so the escrow holder can bring back a workstation whose disk
//! and keys were lost.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{auth, clock, AppError, Clock, Ctx, Result};
use crate::domain::permission::Action;
use crate::store::{
    access_log, backup as store_backup, data_dir, settings, OpenOptions, Store, StoreError,
};
use crate::sync::keys::{self as sync_keys, Keys, KEYS_DIR};

const FORMAT: &str = "jiuzhu-backup/1";
const META: &str = "backup.json";
const DB_MEMBER: &str = "jiuzhu.db";
/// Largest key file accepted from a backup.
const MAX_KEY_FILE: u64 = 64 * 1024;

/// What a backup says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupMeta {
    pub format: String,
    pub workstation: String,
    pub org_code: String,
    pub epoch: i64,
    pub created_at: String,
    pub created_by: String,
}

/// When this workstation was last backed up (or restored from a backup), RFC 3339 UTC.
pub fn last_backup(store: &Store) -> Result<Option<String>> {
    Ok(access_log::latest_of(store.conn(), &["backup", "restore"])?)
}

/// The reminder's days for this workstation (系统设置 → 时限).
pub fn remind_days(store: &Store) -> i64 {
    super::auth::backup_remind_days(store)
}

/// What `backup` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub escrow: bool,
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> AppError + '_ {
    move |source| {
        AppError::Store(StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

fn tar_header(name: &str, size: u64) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_ustar();
    h.set_path(name)?;
    h.set_size(size);
    h.set_mode(0o600);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

/// Writes an encrypted backup of the whole workstation to `out` (a file, or a folder that
/// receives one under a dated name; the user's outbox when `None`).
pub fn backup(ctx: &mut Ctx<'_>, out: Option<&Path>) -> Result<BackupSummary> {
    ctx.require_somewhere(Action::BackupRestore)?;
    let ws = ctx.store.workstation()?;
    let keys = super::exchange::own_keys(ctx.store)?;
    let now = ctx.clock.now();
    let at = clock::rfc3339(now);
    let name = format!(
        "jiuzhu-backup-{}-{}.age",
        ws.org_code,
        now.with_timezone(&clock::china()).format("%Y%m%d-%H%M%S")
    );
    let path = match out {
        Some(p) if p.is_dir() => p.join(&name),
        Some(p) => p.to_path_buf(),
        None => super::print::outbox(ctx)?.join(&name),
    };
    let mode = data_dir::file_mode_at(&path);
    let copy = path.with_extension("db.part");
    let _ = fs::remove_file(&copy);
    ctx.store.vacuum_into(&copy)?;
    let escrow = settings::get(ctx.store.conn(), settings::ESCROW_RECIPIENT)?
        .filter(|s| !s.is_empty())
        .and_then(|s| age::x25519::Recipient::from_str(&s).ok());
    let meta = BackupMeta {
        format: FORMAT.into(),
        workstation: ws.id.clone(),
        org_code: ws.org_code.clone(),
        epoch: ws.epoch,
        created_at: at.clone(),
        created_by: ctx.session.username.clone(),
    };
    let part = path.with_extension("age.part");
    let written = write_encrypted(
        &part,
        mode,
        &meta,
        &copy,
        &sync_keys::dir_for(ctx.store.path()),
        &keys,
        escrow.as_ref(),
    );
    let _ = fs::remove_file(&copy);
    let bytes = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_file(&part);
            return Err(e);
        }
    };
    fs::rename(&part, &path).map_err(io_at(&path))?;
    let actor = ctx.session.username.clone();
    access_log::append_now(
        ctx.store,
        &at,
        &actor,
        "backup",
        &ws.org_code,
        &crate::store::data_dir::shown_path(&path),
    )?;
    Ok(BackupSummary {
        path,
        bytes,
        escrow: escrow.is_some(),
    })
}

fn write_encrypted(
    part: &Path,
    mode: u32,
    meta: &BackupMeta,
    db_copy: &Path,
    key_dir: &Path,
    keys: &Keys,
    escrow: Option<&age::x25519::Recipient>,
) -> Result<u64> {
    let err = io_at(part);
    let _ = fs::remove_file(part);
    data_dir::create_private_file(part, mode)?;
    let file = fs::OpenOptions::new()
        .write(true)
        .open(part)
        .map_err(&err)?;
    let own = age::x25519::Recipient::from_str(&keys.age_recipient())
        .map_err(|e| AppError::Export(e.to_string()))?;
    let mut recipients: Vec<&dyn age::Recipient> = vec![&own];
    if let Some(e) = escrow {
        recipients.push(e);
    }
    let enc = age::Encryptor::with_recipients(recipients.into_iter())
        .map_err(|e| AppError::Export(e.to_string()))?;
    let stream = enc.wrap_output(BufWriter::new(file)).map_err(&err)?;
    let mut tar = tar::Builder::new(stream);
    let meta_bytes =
        serde_json::to_vec_pretty(meta).map_err(|e| AppError::Export(e.to_string()))?;
    let mut append = |name: &str, size: u64, data: &mut dyn Read| -> io::Result<()> {
        tar.append(&tar_header(name, size)?, data)
    };
    append(META, meta_bytes.len() as u64, &mut meta_bytes.as_slice()).map_err(&err)?;
    let db_size = fs::metadata(db_copy).map_err(&err)?.len();
    append(DB_MEMBER, db_size, &mut File::open(db_copy).map_err(&err)?).map_err(&err)?;
    if let Ok(entries) = fs::read_dir(key_dir) {
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for p in names.into_iter().filter(|p| p.is_file()) {
            let Some(file_name) = p.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let bytes = Zeroizing::new(fs::read(&p).map_err(&err)?);
            append(
                &format!("{KEYS_DIR}/{file_name}"),
                bytes.len() as u64,
                &mut bytes.as_slice(),
            )
            .map_err(&err)?;
        }
    }
    let stream = tar.into_inner().map_err(&err)?;
    let inner = stream.finish().map_err(&err)?;
    let file = inner.into_inner().map_err(|e| err(e.into_error()))?;
    file.sync_all().map_err(&err)?;
    Ok(file.metadata().map_err(&err)?.len())
}

/// Why a backup file cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreRefusal {
    /// Neither this workstation's keys nor the given identity open it.
    #[error("cannot decrypt")]
    CannotDecrypt,
    /// It is not a jiuzhu backup (or it is damaged).
    #[error("not a backup")]
    NotABackup,
    /// It is another workstation's backup.
    #[error("other workstation")]
    OtherWorkstation,
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub meta: BackupMeta,
    /// The epoch the workstation now writes in.
    pub new_epoch: i64,
}

fn identities(db_path: &Path, identity_file: Option<&Path>) -> Result<Vec<age::x25519::Identity>> {
    let mut out = Vec::new();
    if let Ok(keys) = Keys::load(&sync_keys::dir_for(db_path)) {
        out.extend(keys.identities().iter().cloned());
    }
    if let Some(f) = identity_file {
        let text = Zeroizing::new(fs::read_to_string(f).map_err(io_at(f))?);
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("AGE-SECRET-KEY-"))
        {
            if let Ok(i) = age::x25519::Identity::from_str(line) {
                out.push(i);
            }
        }
    }
    Ok(out)
}

/// Brings back the backup in `file` as the database at `db_path` (and its keys, when the
/// workstation has none), signed in as `username`, who must be an administrator in the backup.
/// The restored workstation starts a new epoch. Other users must have left: the database is
/// replaced as a whole.
pub fn restore(
    db_path: &Path,
    file: &Path,
    identity_file: Option<&Path>,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
) -> Result<RestoreSummary> {
    let ids = identities(db_path, identity_file)?;
    if ids.is_empty() {
        return Err(RestoreRefusal::CannotDecrypt.into());
    }
    let input = io::BufReader::new(File::open(file).map_err(io_at(file))?);
    let decryptor = age::Decryptor::new_buffered(input).map_err(|_| RestoreRefusal::NotABackup)?;
    let stream = decryptor
        .decrypt(ids.iter().map(|i| i as &dyn age::Identity))
        .map_err(|_| RestoreRefusal::CannotDecrypt)?;
    let db_dir = db_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf();
    data_dir::ensure_dir(&db_dir)?;
    let mode = data_dir::file_mode_for(&db_dir);
    let staged = db_path.with_extension("restore.part");
    let _ = fs::remove_file(&staged);
    let mut meta: Option<BackupMeta> = None;
    let mut key_files: Vec<(String, Zeroizing<Vec<u8>>)> = Vec::new();
    let mut archive = tar::Archive::new(stream);
    let entries = archive.entries().map_err(|_| RestoreRefusal::NotABackup)?;
    for entry in entries {
        let mut entry = entry.map_err(|_| RestoreRefusal::NotABackup)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(RestoreRefusal::NotABackup.into());
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let size = entry
            .header()
            .size()
            .map_err(|_| RestoreRefusal::NotABackup)?;
        match name.as_str() {
            META if size <= 64 * 1024 => {
                let mut bytes = Vec::new();
                entry
                    .read_to_end(&mut bytes)
                    .map_err(|_| RestoreRefusal::NotABackup)?;
                let m: BackupMeta =
                    serde_json::from_slice(&bytes).map_err(|_| RestoreRefusal::NotABackup)?;
                if m.format != FORMAT {
                    return Err(RestoreRefusal::NotABackup.into());
                }
                meta = Some(m);
            }
            DB_MEMBER if meta.is_some() => {
                data_dir::create_private_file(&staged, mode)?;
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .open(&staged)
                    .map_err(io_at(&staged))?;
                io::copy(&mut entry, &mut f).map_err(|_| RestoreRefusal::NotABackup)?;
                f.sync_all().map_err(io_at(&staged))?;
            }
            other => {
                let key_name = other
                    .strip_prefix("keys/")
                    .filter(|n| ["signing.key", "age.key", "rotation.json"].contains(n));
                match key_name {
                    Some(n) if size <= MAX_KEY_FILE => {
                        let mut bytes = Zeroizing::new(Vec::new());
                        entry
                            .read_to_end(&mut bytes)
                            .map_err(|_| RestoreRefusal::NotABackup)?;
                        key_files.push((n.to_string(), bytes));
                    }
                    _ => {
                        let _ = fs::remove_file(&staged);
                        return Err(RestoreRefusal::NotABackup.into());
                    }
                }
            }
        }
    }
    let Some(meta) = meta.filter(|_| staged.exists()) else {
        let _ = fs::remove_file(&staged);
        return Err(RestoreRefusal::NotABackup.into());
    };
    let result = (|| -> Result<i64> {
        let mut store = Store::open(&staged, &OpenOptions::default())?;
        let ws = store.workstation()?;
        if ws.id != meta.workstation {
            return Err(RestoreRefusal::NotABackup.into());
        }
        // The workstation being replaced must be the same one (a restore never turns one
        // office's workstation into another's).
        if db_path.exists() {
            if let Ok(current) = Store::open(db_path, &OpenOptions::default()) {
                if current
                    .workstation()
                    .map(|w| w.id != ws.id)
                    .unwrap_or(false)
                {
                    return Err(RestoreRefusal::OtherWorkstation.into());
                }
            }
        }
        let session = auth::login(&mut store, username, password, clock)?;
        let ctx = Ctx::new(&mut store, session, clock)?;
        ctx.require_somewhere(Action::BackupRestore)?;
        let at = clock::rfc3339(clock.now());
        let actor = username.to_string();
        let detail = format!("from_epoch={} created_at={}", meta.epoch, meta.created_at);
        store.write_local(|tx| -> Result<i64> {
            let e = store_backup::start_new_epoch(tx)?;
            access_log::append(tx, &at, &actor, "restore", &meta.org_code, &detail)?;
            Ok(e)
        })
    })();
    let new_epoch = match result {
        Ok(e) => e,
        Err(e) => {
            let _ = fs::remove_file(&staged);
            for ext in ["restore.part-wal", "restore.part-shm"] {
                let _ = fs::remove_file(db_path.with_extension(ext));
            }
            return Err(e);
        }
    };
    // The staged copy replaces the database whole; stale WAL files of the old one go first.
    for suffix in ["-wal", "-shm"] {
        let mut p = db_path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
    fs::rename(&staged, db_path).map_err(io_at(db_path))?;
    let key_dir = sync_keys::dir_for(db_path);
    if !key_dir.join("signing.key").exists() && !key_files.is_empty() {
        fs::create_dir_all(&key_dir).map_err(io_at(&key_dir))?;
        for (name, bytes) in &key_files {
            let p = key_dir.join(name);
            data_dir::write_file_atomically(&p, bytes, mode)?;
        }
    }
    Ok(RestoreSummary { meta, new_epoch })
}

impl crate::i18n::Localize for RestoreRefusal {
    fn localize(&self, lang: crate::i18n::Lang) -> String {
        let key = match self {
            RestoreRefusal::CannotDecrypt => "restoring.cannot_decrypt",
            RestoreRefusal::NotABackup => "restoring.not_a_backup",
            RestoreRefusal::OtherWorkstation => "restoring.other_workstation",
        };
        crate::i18n::t(lang, key).to_string()
    }
}
