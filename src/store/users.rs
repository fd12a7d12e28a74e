//! Local user accounts and their roles. Accounts never leave the workstation.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Result, StoreError};
use crate::domain::permission::{Grant, Role};

/// A user as stored, with the password hash (PHC string) and role grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub disabled: bool,
    pub grants: Vec<Grant>,
}

/// Inserts a user with its grants.
pub fn insert(conn: &Connection, u: &UserRecord, at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO users (id, username, display_name, password_hash, disabled, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![u.id, u.username, u.display_name, u.password_hash, u.disabled, at],
    )?;
    for g in &u.grants {
        conn.execute(
            "INSERT OR IGNORE INTO user_roles (user_id, role, org_code) VALUES (?1, ?2, ?3)",
            params![u.id, g.role.code(), g.org],
        )?;
    }
    Ok(())
}

/// True when `username` is taken.
pub fn exists(conn: &Connection, username: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM users WHERE username = ?1",
            [username],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn grants_of(conn: &Connection, user_id: &str) -> Result<Vec<Grant>> {
    let mut stmt = conn.prepare_cached(
        "SELECT role, org_code FROM user_roles WHERE user_id = ?1 ORDER BY org_code, role",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (role, org) = row?;
        let role = Role::parse(&role).map_err(|_| StoreError::Corrupt {
            table: "user_roles",
            column: "role",
        })?;
        out.push(Grant { role, org });
    }
    Ok(out)
}

/// The user called `username`, with grants.
pub fn by_username(conn: &Connection, username: &str) -> Result<Option<UserRecord>> {
    let row: Option<(String, String, String, String, bool)> = conn
        .query_row(
            "SELECT id, username, display_name, password_hash, disabled FROM users WHERE username = ?1",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((id, username, display_name, password_hash, disabled)) => {
            let grants = grants_of(conn, &id)?;
            Ok(Some(UserRecord {
                id,
                username,
                display_name,
                password_hash,
                disabled,
                grants,
            }))
        }
    }
}

/// Every user, by username.
pub fn list(conn: &Connection) -> Result<Vec<UserRecord>> {
    let mut stmt = conn.prepare("SELECT username FROM users ORDER BY username")?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut out = Vec::new();
    for n in names {
        if let Some(u) = by_username(conn, &n)? {
            out.push(u);
        }
    }
    Ok(out)
}

/// Replaces a user's password hash.
pub fn set_password(conn: &Connection, username: &str, hash: &str, at: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE username = ?1",
        params![username, hash, at],
    )?;
    Ok(n == 1)
}

/// Replaces a user's real name (`display_name`).
pub fn set_display_name(conn: &Connection, username: &str, name: &str, at: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE users SET display_name = ?2, updated_at = ?3 WHERE username = ?1",
        params![username, name, at],
    )?;
    Ok(n == 1)
}

/// Number of users.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// How far an account is from being locked: failures since the last good sign-in, and the
/// lock's end if locked (RFC 3339 UTC).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockState {
    pub failed_logins: i64,
    pub locked_until: Option<String>,
}

/// The lock state of `username`.
pub fn lock_state(conn: &Connection, username: &str) -> Result<Option<LockState>> {
    Ok(conn
        .query_row(
            "SELECT failed_logins, locked_until FROM users WHERE username = ?1",
            [username],
            |r| {
                Ok(LockState {
                    failed_logins: r.get(0)?,
                    locked_until: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Stores the lock state of `username`.
pub fn set_lock_state(conn: &Connection, username: &str, s: &LockState) -> Result<()> {
    conn.execute(
        "UPDATE users SET failed_logins = ?2, locked_until = ?3 WHERE username = ?1",
        params![username, s.failed_logins, s.locked_until],
    )?;
    Ok(())
}

/// Disables (or enables) `username`; false when there is no such user.
pub fn set_disabled(conn: &Connection, username: &str, disabled: bool, at: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE users SET disabled = ?2, updated_at = ?3 WHERE username = ?1",
        params![username, disabled, at],
    )?;
    Ok(n == 1)
}

/// The provider `username` works for, when the account is tied to one.
pub fn provider_of(conn: &Connection, username: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT provider_id FROM users WHERE username = ?1",
            [username],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// Ties `username` to provider `provider_id` (or unties it with `None`).
pub fn set_provider(conn: &Connection, username: &str, provider_id: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE users SET provider_id = ?2 WHERE username = ?1",
        params![username, provider_id],
    )?;
    Ok(())
}
