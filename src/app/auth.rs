//! Passwords and sign-in. Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); the
//! password text is wiped from memory after use. Every sign-in and failure is in the access log.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::{clock, AppError, Clock, Result, Session};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{access_log, users, Store};

/// Shortest password accepted for a real account.
pub const MIN_PASSWORD_LEN: usize = 8;

fn hasher() -> Argon2<'static> {
    // 19 MiB, 2 passes, 1 lane: constant, valid parameters.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::from)
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the account does not exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("jiuzhu-no-such-user").unwrap_or_default())
}

/// Refuses passwords shorter than [`MIN_PASSWORD_LEN`] characters.
pub fn check_strength(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::WeakPassword {
            min: MIN_PASSWORD_LEN,
        });
    }
    Ok(())
}

/// Wrong passwords in a row that lock an account.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// A limit of this workstation's settings (系统设置 → 时限), or its default.
fn limit_of(store: &Store, limit: crate::domain::timeliness::Limit) -> i64 {
    let (min, max) = limit.range();
    crate::store::settings::get(store.conn(), limit.code())
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|m| (min..=max).contains(m))
        .unwrap_or_else(|| limit.default_days())
}

/// Minutes without a key before the terminal UI locks its screen.
pub fn idle_minutes(store: &Store) -> i64 {
    limit_of(store, crate::domain::timeliness::Limit::IdleLock)
}

/// Records that `username`'s screen locked after the idle minutes (the unlock is a sign-in,
/// recorded by [`login`]).
pub fn screen_locked(store: &mut Store, username: &str, clock: &dyn Clock) -> Result<()> {
    let at = super::clock::rfc3339(clock.now());
    crate::store::access_log::append_now(store, &at, username, "screen_locked", "", "")?;
    Ok(())
}

/// Records that `username` signed out to let another account sign in (switch user).
pub fn signed_out(store: &mut Store, username: &str, clock: &dyn Clock) -> Result<()> {
    let at = super::clock::rfc3339(clock.now());
    crate::store::access_log::append_now(store, &at, username, "logout", "", "")?;
    Ok(())
}

/// Minutes an account stays locked after five wrong passwords.
fn lock_minutes(store: &Store) -> i64 {
    limit_of(store, crate::domain::timeliness::Limit::LockOut)
}

/// Days after the last backup before the 待办 inbox reminds an administrator.
pub fn backup_remind_days(store: &Store) -> i64 {
    limit_of(store, crate::domain::timeliness::Limit::BackupRemind)
}

/// Signs `username` in; records the success or failure in the access log. Five wrong passwords
/// in a row lock the account for a while (the lock is logged too); while locked, even the right
/// password is refused.
pub fn login(
    store: &mut Store,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
) -> Result<Session> {
    authenticate(store, username, password, clock, &Signing::Login)
}

/// Why a password is asked for: to sign in, or for a second account to sign one act at the
/// keyboard of the signed-in one (主管授权, e.g. a decision the assessor may not make alone).
enum Signing<'a> {
    Login,
    Countersign {
        /// The account signed in at the keyboard.
        at_session_of: &'a str,
        /// What is signed (a record's id), for the access log.
        subject: &'a str,
    },
}

impl Signing<'_> {
    /// The access-log event of an outcome, by its suffix ("" for success).
    fn event(&self, outcome: &str) -> String {
        let base = match self {
            Signing::Login => "login",
            Signing::Countersign { .. } => "countersign",
        };
        format!("{base}{outcome}")
    }

    fn subject_and_detail(&self) -> (&str, String) {
        match self {
            Signing::Login => ("", String::new()),
            Signing::Countersign {
                at_session_of,
                subject,
            } => (subject, format!("at_session_of={at_session_of}")),
        }
    }
}

/// Checks `username`'s password for a countersignature of `subject` at the session of
/// `signed_in` — with the same lock-out, failure count and access log as a sign-in — and
/// returns the countersigning account's session. It must be another account than the one
/// signed in (a countersignature by oneself would sign nothing).
pub fn countersign(
    store: &mut Store,
    signed_in: &str,
    username: &str,
    password: Zeroizing<String>,
    subject: &str,
    clock: &dyn Clock,
) -> Result<Session> {
    if username.trim().is_empty() {
        return Err(AppError::Validation(ValidationError::new(
            Field::Approver,
            Reason::Required,
        )));
    }
    if username == signed_in {
        return Err(AppError::Validation(ValidationError::new(
            Field::Approver,
            Reason::SameAccount {
                account: username.to_string(),
            },
        )));
    }
    authenticate(
        store,
        username,
        password,
        clock,
        &Signing::Countersign {
            at_session_of: signed_in,
            subject,
        },
    )
}

/// Runs `act` as `username`, countersigning at the keyboard of the session's account: the
/// password is checked by [`countersign`], and what `act` writes is the countersigner's in
/// the change log (their permissions and the maker-checker rule apply to them).
pub fn countersigned<T>(
    ctx: &mut super::Ctx<'_>,
    username: &str,
    password: Zeroizing<String>,
    subject: &str,
    act: impl FnOnce(&mut super::Ctx<'_>) -> Result<T>,
) -> Result<T> {
    let signed_in = ctx.session.username.clone();
    let signer = countersign(
        ctx.store,
        &signed_in,
        username.trim(),
        password,
        subject,
        ctx.clock,
    )?;
    let mut as_signer = super::Ctx::new(&mut *ctx.store, signer, ctx.clock)?;
    act(&mut as_signer)
}

fn authenticate(
    store: &mut Store,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
    signing: &Signing<'_>,
) -> Result<Session> {
    let now = clock.now();
    let at = clock::rfc3339(now);
    let user = users::by_username(store.conn(), username)?;
    let lock = users::lock_state(store.conn(), username)?.unwrap_or_default();
    let locked_until = lock
        .locked_until
        .as_deref()
        .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
        .map(|u| u.with_timezone(&chrono::Utc))
        .filter(|u| *u > now);
    let outcome = match &user {
        None => {
            // Spend the same work as for a real account, so the answer's timing does not
            // tell whether the name exists.
            let _ = verify_password(&password, dummy_hash());
            Err(AppError::BadLogin)
        }
        Some(_) if locked_until.is_some() => {
            let _ = verify_password(&password, dummy_hash());
            Err(AppError::AccountLocked {
                until: lock.locked_until.clone().unwrap_or_default(),
            })
        }
        Some(u) if !verify_password(&password, &u.password_hash) => Err(AppError::BadLogin),
        Some(u) if u.disabled => Err(AppError::AccountDisabled),
        Some(u) => Ok(Session {
            username: u.username.clone(),
            grants: u.grants.clone(),
        }),
    };
    drop(password);
    // The attempted name is recorded as typed (it is an account name, not personal data),
    // bounded so that a pasted paragraph cannot bloat the log.
    let shown: String = username
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    let minutes = lock_minutes(store);
    let exists = user.is_some();
    // The closure returns the refusal as a value: an error from it would roll back the
    // very log entry and failure count that must be kept.
    store.write_local(|tx| -> Result<Result<Session>> {
        let event = signing.event(match &outcome {
            Ok(_) => "",
            Err(AppError::AccountDisabled) => "_disabled",
            Err(AppError::AccountLocked { .. }) => "_locked",
            Err(_) => "_failed",
        });
        let (subject, detail) = signing.subject_and_detail();
        access_log::append(tx, &at, &shown, &event, subject, &detail)?;
        if !exists {
            return Ok(outcome);
        }
        match &outcome {
            Err(AppError::BadLogin) => {
                let failed = lock.failed_logins + 1;
                if failed >= LOCK_AFTER_FAILURES {
                    let until = clock::rfc3339(now + chrono::Duration::minutes(minutes));
                    users::set_lock_state(
                        tx,
                        username,
                        &users::LockState {
                            failed_logins: 0,
                            locked_until: Some(until.clone()),
                        },
                    )?;
                    access_log::append(tx, &at, &shown, "account_locked", "", &until)?;
                    return Ok(Err(AppError::AccountLocked { until }));
                }
                users::set_lock_state(
                    tx,
                    username,
                    &users::LockState {
                        failed_logins: failed,
                        locked_until: None,
                    },
                )?;
            }
            Ok(_) if lock != users::LockState::default() => {
                users::set_lock_state(tx, username, &users::LockState::default())?;
            }
            _ => {}
        }
        Ok(outcome)
    })?
}

/// Sets a new password for `username` without the old one: for the operating-system owner
/// of the data directory (`jiuzhu user reset`). Written to the access log.
pub fn reset_password(
    store: &mut Store,
    username: &str,
    password: Zeroizing<String>,
    os_user: &str,
    clock: &dyn Clock,
) -> Result<()> {
    check_strength(&password)?;
    let hash = hash_password(&password)?;
    drop(password);
    let at = clock::rfc3339(clock.now());
    store.write_local(|tx| {
        if !users::set_password(tx, username, &hash, &at)? {
            return Err(AppError::NotFound {
                what: "record.user",
            });
        }
        users::set_lock_state(tx, username, &users::LockState::default())?;
        access_log::append(tx, &at, os_user, "password_reset", username, "")?;
        Ok::<_, AppError>(())
    })
}

impl From<argon2::password_hash::Error> for AppError {
    fn from(_: argon2::password_hash::Error) -> Self {
        AppError::PasswordHashing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn short_passwords_refused() {
        assert!(matches!(
            check_strength("1234567"),
            Err(AppError::WeakPassword { min: 8 })
        ));
        assert!(check_strength("12345678").is_ok());
    }
}
