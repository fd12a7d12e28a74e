//! The data directory: where the database, keys and each user's outbox live.
//!
//! Default per user (from the `directories` crate), or `--data-dir` / `JIUZHU_DATA_DIR`.
//! Created owner-only. For a shared server the administrator prepares a group-owned folder
//! with the setgid bit (`chmod 2770`); the program sees the bit and then creates files
//! group-readable and -writable (never for others), so every staff account can use the
//! database and its WAL files. SQLite gives the `-wal` and `-shm` files the database file's mode.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Result, StoreError};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "jiuzhu.db";

fn io_err(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The per-user default data directory, if the platform has one.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "qingyunpu", "jiuzhu").map(|d| d.data_dir().to_path_buf())
}

/// True when `dir` is set up for a shared server (group-owned, setgid).
#[cfg(unix)]
pub fn is_group_mode(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(dir)
        .map(|m| m.permissions().mode() & 0o2000 != 0)
        .unwrap_or(false)
}

/// True when `dir` is set up for a shared server (never on Windows).
#[cfg(not(unix))]
pub fn is_group_mode(_dir: &Path) -> bool {
    false
}

/// Mode for files created in `dir`: owner-only, or group read/write in group mode.
pub fn file_mode_for(dir: &Path) -> u32 {
    if is_group_mode(dir) {
        0o660
    } else {
        0o600
    }
}

/// Mode for a new file at `path`: that of the folder it goes into (so a print in a user's
/// outbox is owner-only even in group mode, where the database is the group's).
pub fn file_mode_at(path: &Path) -> u32 {
    file_mode_for(path.parent().unwrap_or_else(|| Path::new(".")))
}

/// Creates folder `dir` of the data directory `data_dir` if missing, shared as the data
/// directory is: owner-only (0700), or for the group in group mode (2770, so what is made in
/// it is the group's too).
pub fn ensure_data_subdir(data_dir: &Path, dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if is_group_mode(data_dir) {
            0o2770
        } else {
            0o700
        };
        fs::set_permissions(dir, fs::Permissions::from_mode(mode)).map_err(|e| io_err(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = data_dir;
    Ok(())
}

/// Creates `dir` (and parents) if missing; a new folder is owner-only.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| io_err(dir, e))?;
    }
    Ok(())
}

/// Creates an empty file with `mode` (unix), failing if it already exists.
pub fn create_private_file(path: &Path, mode: u32) -> Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let file = opts.open(path).map_err(|e| io_err(path, e))?;
    // The process umask may have narrowed the mode; group mode needs it exactly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| io_err(path, e))?;
    }
    drop(file);
    Ok(())
}

/// Writes `bytes` to a new file at `path`, never replacing an earlier file: when `path` is
/// taken, to `<stem>-2.<ext>`, `<stem>-3.<ext>`, … (the first free name, reserved empty with
/// `mode` before it is written, so no other writer takes it). A version already holding
/// exactly `bytes` is the file itself, written before. Returns the file.
pub fn write_new_file(path: &Path, bytes: &[u8], mode: u32) -> Result<PathBuf> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = path.to_path_buf();
    for n in 2..=10_000u32 {
        match create_private_file(&candidate, mode) {
            Ok(()) => {
                return match write_file_atomically(&candidate, bytes, mode) {
                    Ok(()) => Ok(candidate),
                    Err(e) => {
                        let _ = fs::remove_file(&candidate);
                        Err(e)
                    }
                }
            }
            Err(StoreError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                if fs::read(&candidate).is_ok_and(|old| old == bytes) {
                    return Ok(candidate);
                }
            }
            Err(e) => return Err(e),
        }
        candidate = path.with_file_name(format!("{stem}-{n}{ext}"));
    }
    Err(io_err(
        path,
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "10000 versions of this file exist already",
        ),
    ))
}

/// The per-user outbox beside the database (`outbox/<user>`): prints, exports and bundles go
/// there so people can find them. The user's folder is owner-only in every mode — prints hold
/// personal data and are not for colleagues — while `outbox/` itself is the group's in group
/// mode, so that each colleague can make their own folder in it.
pub fn outbox(db_dir: &Path, user: &str) -> Result<PathBuf> {
    let safe: String = user
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let root = db_dir.join("outbox");
    ensure_data_subdir(db_dir, &root)?;
    let dir = root.join(safe);
    fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Also closes a folder an older release made group-readable (2770). A folder another
        // operating-system account made cannot be changed by this one; its files are still
        // written owner-only, so that is no reason to refuse the print.
        let mode = fs::metadata(&dir)
            .map_err(|e| io_err(&dir, e))?
            .permissions()
            .mode();
        if mode & 0o7777 != 0o700 {
            let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o700));
        }
    }
    Ok(dir)
}

/// A path as shown to people and recorded: absolute, so a file written over SSH can be found
/// and fetched with SFTP.
pub fn shown_path(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// Writes `bytes` to `path` whole or not at all (a temporary file renamed into place), with
/// the data directory's file mode; an older file of that name is replaced.
pub fn write_file_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension(format!(
        "{}.part",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let _ = fs::remove_file(&tmp);
    create_private_file(&tmp, mode)?;
    let write = || -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new().write(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(path, e)
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_file_never_replaces_an_earlier_one() {
        let tmp = tempfile::tempdir().unwrap();
        let first = tmp.path().join("needs-form_A1.html");
        assert_eq!(write_new_file(&first, b"one", 0o600).unwrap(), first);
        let second = write_new_file(&first, b"two", 0o600).unwrap();
        assert_eq!(second, tmp.path().join("needs-form_A1-2.html"));
        let third = write_new_file(&first, b"three", 0o600).unwrap();
        assert_eq!(third, tmp.path().join("needs-form_A1-3.html"));
        assert_eq!(fs::read(&first).unwrap(), b"one");
        assert_eq!(fs::read(&second).unwrap(), b"two");
        // The same bytes again are the file written before, not a fourth version.
        assert_eq!(write_new_file(&first, b"two", 0o600).unwrap(), second);
        assert!(!tmp.path().join("needs-form_A1-4.html").exists());
    }

    #[test]
    fn new_dir_and_file_are_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        ensure_dir(&dir).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o7777,
            0o700
        );
        assert!(!is_group_mode(&dir));
        let f = dir.join("x.db");
        create_private_file(&f, file_mode_for(&dir)).unwrap();
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn outbox_files_are_private_and_replaced_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = outbox(tmp.path(), "zhang/../san").unwrap();
        assert!(dir.ends_with("outbox/zhang____san"));
        let f = dir.join("a.html");
        write_file_atomically(&f, b"one", 0o600).unwrap();
        write_file_atomically(&f, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn in_group_mode_the_outbox_is_the_groups_and_each_users_folder_their_own() {
        let tmp = tempfile::tempdir().unwrap();
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o2770)).unwrap();
        let dir = outbox(tmp.path(), "zhangsan").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&tmp.path().join("outbox")), 0o2770);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(file_mode_at(&dir.join("card.html")), 0o600);
        assert_eq!(file_mode_at(&tmp.path().join("jiuzhu.db")), 0o660);
    }

    #[test]
    fn setgid_dir_means_group_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("shared");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o2770)).unwrap();
        assert!(is_group_mode(&dir));
        let f = dir.join("x.db");
        create_private_file(&f, file_mode_for(&dir)).unwrap();
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o660
        );
    }
}
