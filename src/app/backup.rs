//! `jiuzhu backup` and `jiuzhu restore`: an encrypted copy of the whole workstation taken while
//! others keep working, and bringing one back as a new epoch.
//!
//! The backup file is age-encrypted (to this workstation and, when set, the offline escrow
//! recipient) and holds a tar of `backup.json` (what it is), `jiuzhu.db` (a `VACUUM INTO`
//! copy) and the `keys/` files, so the escrow holder can bring back a workstation whose disk
//! and keys were lost.
//!
//! A restore erases nothing from the record: the database it replaces is kept beside the new
//! one, the access-log entries written after the backup are carried into the restored log
//! under their own numbers, and the restore itself is logged. It refuses to set aside own
//! changes that exist nowhere else unless told to.

use std::collections::BTreeMap;
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
    /// The database it would replace holds `count` changes of this workstation's own that no
    /// bundle carried, no peer acknowledged and the backup does not hold.
    #[error("{count} unexported changes")]
    Unexported { count: i64 },
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub meta: BackupMeta,
    /// The epoch the workstation now writes in.
    pub new_epoch: i64,
    /// Where the replaced database is kept, when there was one.
    pub replaced: Option<PathBuf>,
    /// How many access-log entries of the replaced database, written after the backup, the
    /// restored one carries on.
    pub carried: usize,
}

/// The last entry of an access log.
pub use crate::sync::format::LogHead;

/// What a restore's access-log entry says (its detail, as JSON): the backup, and what became
/// of the database it replaced and of that database's access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreNote {
    /// The backup file, as shown.
    pub backup: String,
    /// When the backup was made, RFC 3339 UTC.
    pub backup_created_at: String,
    /// The epoch the backup was made in.
    pub backup_epoch: i64,
    /// Where the replaced database is kept; none when there was none.
    pub replaced: Option<String>,
    /// Access-log entries of the replaced database carried over (with their numbers).
    pub carried: usize,
    /// The replaced access log's last entry, when it did not continue the backup's and so
    /// could not be carried over.
    pub replaced_head: Option<LogHead>,
}

/// A restore found in the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreEntry {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// By whom.
    pub actor: String,
    /// What it says; `None` for an entry whose detail is not a [`RestoreNote`] (older
    /// releases wrote `from_epoch=… created_at=…`).
    pub note: Option<RestoreNote>,
    /// The detail as stored.
    pub detail: String,
}

/// Every restore in this workstation's access log, oldest first (`audit verify` lists them).
pub fn restores(ctx: &Ctx<'_>) -> Result<Vec<RestoreEntry>> {
    ctx.require_somewhere(Action::Inspect)?;
    Ok(access_log::of_event(ctx.store.conn(), "restore")?
        .into_iter()
        .map(|e| RestoreEntry {
            note: serde_json::from_str(&e.detail).ok(),
            at: e.at,
            actor: e.actor,
            detail: e.detail,
        })
        .collect())
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

/// The database a restore replaces, as far as it matters to the restore.
enum Replaced {
    /// There is none.
    Missing,
    /// A file that does not read as this workstation's database: kept aside as it is.
    Unreadable,
    Readable {
        /// Own changes that would exist nowhere else (see [`unexported`]).
        unexported: i64,
        log: ReplacedLog,
    },
}

/// The replaced database's access log next to the backup's.
enum ReplacedLog {
    /// The backup's log is a prefix of it: these entries follow.
    Continues(Vec<access_log::StoredEvent>),
    /// It does not continue the backup's (a log restored from another backup): its head.
    Diverged { seq: i64, hash: [u8; 32] },
}

/// How many own changes exist only in the replaced database: per epoch of this workstation's
/// own chain, those beyond both what left it (a bundle carried them, a peer acknowledged
/// them) and what the backup holds.
fn unexported(
    heads: &BTreeMap<i64, i64>,
    exported: &BTreeMap<i64, i64>,
    in_backup: &BTreeMap<i64, i64>,
) -> i64 {
    heads
        .iter()
        .map(|(epoch, head)| {
            let elsewhere = [exported, in_backup]
                .iter()
                .filter_map(|m| m.get(epoch).copied())
                .max()
                .unwrap_or(0);
            (head - elsewhere).max(0)
        })
        .sum()
}

/// Reads what the restore must know of the database at `db_path`, the workstation's whose
/// backup (own chains `in_backup`, access-log head `backup_log`) is being restored, and
/// checkpoints it so that its file holds every change.
fn inspect_replaced(
    db_path: &Path,
    workstation: &str,
    in_backup: &BTreeMap<i64, i64>,
    backup_log: (i64, [u8; 32]),
) -> Result<Replaced> {
    if !db_path.exists() {
        return Ok(Replaced::Missing);
    }
    let current = match Store::open(db_path, &OpenOptions::default()) {
        Ok(s) => s,
        Err(StoreError::Busy) => return Err(StoreError::Busy.into()),
        Err(_) => return Ok(Replaced::Unreadable),
    };
    let read = current.snapshot(|cur| -> Result<Replaced> {
        if cur.workstation()?.id != workstation {
            return Err(RestoreRefusal::OtherWorkstation.into());
        }
        let conn = cur.conn();
        let unexported = unexported(
            &store_backup::own_heads(conn)?,
            &store_backup::own_exported(conn)?,
            in_backup,
        );
        let (seq, hash) = backup_log;
        let log = if seq == 0 || access_log::hash_at(conn, seq)? == Some(hash) {
            ReplacedLog::Continues(access_log::after(conn, seq)?)
        } else {
            let (seq, hash) = access_log::head(conn)?;
            ReplacedLog::Diverged { seq, hash }
        };
        Ok(Replaced::Readable { unexported, log })
    });
    // What is left in the write-ahead log would otherwise have to travel with the file.
    let _ = current.checkpoint();
    drop(current);
    match read {
        Ok(r) => Ok(r),
        Err(e @ (AppError::Restore(_) | AppError::Store(StoreError::Busy))) => Err(e),
        Err(_) => Ok(Replaced::Unreadable),
    }
}

/// `path` with `suffix` appended to its name (`jiuzhu.db` → `jiuzhu.db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Where the database at `db_path` is kept when a restore replaces it at `now`: beside it,
/// named for what it is and when (`jiuzhu.db.replaced-20261203T083000Z`).
fn aside_path(db_path: &Path, now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let base = with_suffix(
        db_path,
        &format!(".replaced-{}", now.format("%Y%m%dT%H%M%SZ")),
    );
    let mut path = base.clone();
    let mut n = 2;
    while path.exists() {
        path = with_suffix(&base, &format!("-{n}"));
        n += 1;
    }
    path
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io_at(path))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

/// Moves the database at `from` (and what is left of its write-ahead log, which belongs to
/// it alone) to `to`, with file mode `mode`. The log goes first: a database left without
/// its log loses nothing that is not kept beside it, while a log left behind could be
/// replayed into the database that takes the name.
fn move_database(from: &Path, to: &Path, mode: u32) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        let (f, t) = (with_suffix(from, suffix), with_suffix(to, suffix));
        if f.exists() {
            fs::rename(&f, &t).map_err(io_at(&t))?;
            set_mode(&t, mode)?;
        }
    }
    fs::rename(from, to).map_err(io_at(to))?;
    set_mode(to, mode)
}

/// Brings back the backup in `file` as the database at `db_path` (and its keys, when the
/// workstation has none), signed in as `username`, who must be an administrator in the backup.
/// The restored workstation starts a new epoch. The database it replaces is kept beside it
/// (see [`RestoreSummary::replaced`]), and the access-log entries written after the backup
/// are carried over, so the restore erases nothing from the record. Refused when that
/// database holds own changes that exist nowhere else ([`RestoreRefusal::Unexported`]).
/// Other users must have left: the database is replaced as a whole.
pub fn restore(
    db_path: &Path,
    file: &Path,
    identity_file: Option<&Path>,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
) -> Result<RestoreSummary> {
    restore_as(
        db_path,
        file,
        identity_file,
        username,
        password,
        clock,
        false,
    )
}

/// As [`restore`], also over own changes that exist only in the database it replaces
/// (`restore --replace-unexported`): they stay in the database kept aside.
pub fn restore_replacing_unexported(
    db_path: &Path,
    file: &Path,
    identity_file: Option<&Path>,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
) -> Result<RestoreSummary> {
    restore_as(
        db_path,
        file,
        identity_file,
        username,
        password,
        clock,
        true,
    )
}

fn restore_as(
    db_path: &Path,
    file: &Path,
    identity_file: Option<&Path>,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
    replace_unexported: bool,
) -> Result<RestoreSummary> {
    let ids = identities(db_path, identity_file)?;
    if ids.is_empty() {
        return Err(RestoreRefusal::CannotDecrypt.into());
    }
    let db_dir = db_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf();
    data_dir::ensure_dir(&db_dir)?;
    let mode = data_dir::file_mode_for(&db_dir);
    let staged = db_path.with_extension("restore.part");
    let remove_staged = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = fs::remove_file(with_suffix(&staged, suffix));
        }
    };
    let (meta, key_files) = match unpack(file, &ids, &staged, mode) {
        Ok(m) => m,
        Err(e) => {
            remove_staged();
            return Err(e);
        }
    };
    let now = clock.now();
    let staging = (|| -> Result<(i64, Option<PathBuf>, usize)> {
        let mut store = Store::open(&staged, &OpenOptions::default())?;
        let ws = store.workstation()?;
        if ws.id != meta.workstation {
            return Err(RestoreRefusal::NotABackup.into());
        }
        let replaced = inspect_replaced(
            db_path,
            &ws.id,
            &store_backup::own_heads(store.conn())?,
            access_log::head(store.conn())?,
        )?;
        // Carried over before this sign-in is logged, so that each keeps its number.
        let carried = match &replaced {
            Replaced::Readable {
                log: ReplacedLog::Continues(entries),
                ..
            } => {
                store.write_local(|tx| access_log::append_stored(tx, entries))?;
                entries.len()
            }
            _ => 0,
        };
        let session = auth::login(&mut store, username, password, clock)?;
        let ctx = Ctx::new(&mut store, session, clock)?;
        ctx.require_somewhere(Action::BackupRestore)?;
        let replaced_head = match replaced {
            Replaced::Readable { unexported, .. } if unexported > 0 && !replace_unexported => {
                return Err(RestoreRefusal::Unexported { count: unexported }.into());
            }
            Replaced::Readable {
                log: ReplacedLog::Diverged { seq, hash },
                ..
            } => Some(LogHead {
                seq,
                hash: hex::encode(hash),
                epoch: None,
            }),
            _ => None,
        };
        let aside = (!matches!(replaced, Replaced::Missing)).then(|| aside_path(db_path, now));
        let note = RestoreNote {
            backup: data_dir::shown_path(file),
            backup_created_at: meta.created_at.clone(),
            backup_epoch: meta.epoch,
            replaced: aside.as_deref().map(data_dir::shown_path),
            carried,
            replaced_head,
        };
        let detail = serde_json::to_string(&note).map_err(|e| AppError::Export(e.to_string()))?;
        let at = clock::rfc3339(now);
        let new_epoch = store.write_local(|tx| -> Result<i64> {
            let e = store_backup::start_new_epoch(tx)?;
            access_log::append(tx, &at, username, "restore", &meta.org_code, &detail)?;
            Ok(e)
        })?;
        Ok((new_epoch, aside, carried))
    })();
    let (new_epoch, replaced, carried) = match staging {
        Ok(s) => s,
        Err(e) => {
            remove_staged();
            return Err(e);
        }
    };
    if let Some(aside) = &replaced {
        if let Err(e) = move_database(db_path, aside, mode) {
            remove_staged();
            return Err(e);
        }
    }
    // Nothing of another database's write-ahead log may meet the restored one.
    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(with_suffix(db_path, suffix));
    }
    if let Err(e) = fs::rename(&staged, db_path) {
        if let Some(aside) = &replaced {
            let _ = move_database(aside, db_path, mode);
        }
        remove_staged();
        return Err(io_at(db_path)(e));
    }
    let key_dir = sync_keys::dir_for(db_path);
    if !key_dir.join("signing.key").exists() && !key_files.is_empty() {
        data_dir::ensure_data_subdir(&db_dir, &key_dir)?;
        for (name, bytes) in &key_files {
            let p = key_dir.join(name);
            data_dir::write_file_atomically(&p, bytes, mode)?;
        }
    }
    Ok(RestoreSummary {
        meta,
        new_epoch,
        replaced,
        carried,
    })
}

/// A key file of a backup: its name in `keys/` and its bytes.
type KeyFile = (String, Zeroizing<Vec<u8>>);

/// Decrypts the backup in `file` with `ids`, writes its database to `staged` (mode `mode`)
/// and returns what it says of itself and its key files.
fn unpack(
    file: &Path,
    ids: &[age::x25519::Identity],
    staged: &Path,
    mode: u32,
) -> Result<(BackupMeta, Vec<KeyFile>)> {
    let input = io::BufReader::new(File::open(file).map_err(io_at(file))?);
    let decryptor = age::Decryptor::new_buffered(input).map_err(|_| RestoreRefusal::NotABackup)?;
    let stream = decryptor
        .decrypt(ids.iter().map(|i| i as &dyn age::Identity))
        .map_err(|_| RestoreRefusal::CannotDecrypt)?;
    let _ = fs::remove_file(staged);
    let mut meta: Option<BackupMeta> = None;
    let mut key_files: Vec<KeyFile> = Vec::new();
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
                data_dir::create_private_file(staged, mode)?;
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .open(staged)
                    .map_err(io_at(staged))?;
                io::copy(&mut entry, &mut f).map_err(|_| RestoreRefusal::NotABackup)?;
                f.sync_all().map_err(io_at(staged))?;
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
                    _ => return Err(RestoreRefusal::NotABackup.into()),
                }
            }
        }
    }
    match meta.filter(|_| staged.exists()) {
        Some(meta) => Ok((meta, key_files)),
        None => Err(RestoreRefusal::NotABackup.into()),
    }
}

impl crate::i18n::Localize for RestoreRefusal {
    fn localize(&self, lang: crate::i18n::Lang) -> String {
        let key = match self {
            RestoreRefusal::CannotDecrypt => "restoring.cannot_decrypt",
            RestoreRefusal::NotABackup => "restoring.not_a_backup",
            RestoreRefusal::OtherWorkstation => "restoring.other_workstation",
            RestoreRefusal::Unexported { count } => {
                return crate::i18n::tf(
                    lang,
                    "restoring.unexported",
                    &[("count", &count.to_string())],
                );
            }
        };
        crate::i18n::t(lang, key).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexported_changes_are_those_beyond_every_copy() {
        let m = |v: &[(i64, i64)]| v.iter().copied().collect::<BTreeMap<i64, i64>>();
        // Epoch 1: 40 changes, 30 carried in a bundle, the backup holds 35: 5 only here.
        // Epoch 2: 6 changes, a peer holds 2, the backup none: 4 only here.
        let heads = m(&[(1, 40), (2, 6)]);
        assert_eq!(
            unexported(&heads, &m(&[(1, 30), (2, 2)]), &m(&[(1, 35)])),
            9
        );
        assert_eq!(unexported(&heads, &m(&[(1, 50), (2, 6)]), &m(&[])), 0);
        assert_eq!(unexported(&m(&[]), &m(&[]), &m(&[(1, 3)])), 0);
        assert_eq!(unexported(&m(&[(1, 3)]), &m(&[]), &m(&[(1, 9)])), 0);
    }

    #[test]
    fn the_replaced_database_is_named_for_when_it_was_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("jiuzhu.db");
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-03T08:30:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let first = aside_path(&db, now);
        assert_eq!(
            first,
            tmp.path().join("jiuzhu.db.replaced-20261203T083000Z")
        );
        fs::write(&first, b"").unwrap();
        assert_eq!(
            aside_path(&db, now),
            tmp.path().join("jiuzhu.db.replaced-20261203T083000Z-2")
        );
    }
}
