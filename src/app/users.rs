//! Local accounts: an administrator adds users with one or more roles and a real name (实名,
//! what prints name, never the login name), binds a provider staff account to its provider,
//! disables accounts (nothing is deleted) and lists them; the operating-system owner of the data directory can reset a
//! password without signing in. Every step is in the access log.

use std::path::Path;

use zeroize::Zeroizing;

use super::auth::{check_strength, hash_password};
use super::setup::parse_username;
use super::{clock, AppError, Clock, Ctx, Result};
use crate::domain::permission::{Action, Grant, Role};
use crate::domain::text::clean_line;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{access_log, users, Store};

/// One account as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    /// The real name (实名) prints show; the username when none was given.
    pub display_name: String,
    pub grants: Vec<Grant>,
    /// The provider (record id) a provider staff account works for.
    pub provider_id: Option<String>,
    /// That provider's name.
    pub provider_name: Option<String>,
    pub disabled: bool,
    /// Locked until then (RFC 3339 UTC), if locked now.
    pub locked_until: Option<String>,
}

impl crate::i18n::Localize for Account {
    /// Its state as the lists show it: disabled, locked until when, or active.
    fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{t, tf};
        if self.disabled {
            t(lang, "users.state_disabled").to_string()
        } else if let Some(until) = &self.locked_until {
            tf(
                lang,
                "users.state_locked",
                &[("until", &clock::show_instant(until))],
            )
        } else {
            t(lang, "users.state_active").to_string()
        }
    }
}

/// Most characters of a real name.
pub const REAL_NAME_CHARS: usize = 30;

/// A typed real name, cleaned: empty means "none given".
fn parse_real_name(input: &str) -> Result<String> {
    Ok(clean_line(Field::Name, input, REAL_NAME_CHARS)?)
}

/// Refuses a provider binding for an account without the provider staff role, or to a
/// provider not on record.
fn check_provider(ctx: &Ctx<'_>, roles: &[Role], provider: Option<&str>) -> Result<()> {
    let Some(p) = provider else { return Ok(()) };
    crate::store::providers::get(ctx.store.conn(), p)?.ok_or(AppError::NotFound {
        what: "record.provider",
    })?;
    if !roles.contains(&Role::ProviderStaff) {
        return Err(ValidationError::new(Field::Provider, Reason::NotProviderStaff).into());
    }
    Ok(())
}

/// Adds `username` with `roles` at unit `org` (this workstation's own unit when `None`) and
/// real name `real_name` (the username when empty); a provider staff account may be tied to
/// `provider` (a provider's record id), and then serves that provider's recipients only.
pub fn add(
    ctx: &mut Ctx<'_>,
    username: &str,
    real_name: &str,
    roles: &[Role],
    org: Option<&str>,
    provider: Option<&str>,
    password: Zeroizing<String>,
) -> Result<()> {
    check_provider(ctx, roles, provider)?;
    let real_name = parse_real_name(real_name)?;
    let ws = ctx.store.workstation()?;
    let org = org.map(str::to_string).unwrap_or(ws.org_code);
    if ctx.tree.get(&org).is_none() {
        return Err(AppError::UnknownOrg(org));
    }
    ctx.require(Action::ManageUsers, &org)?;
    let username = parse_username(username)?;
    check_strength(&password)?;
    if users::exists(ctx.store.conn(), &username)? {
        return Err(AppError::UsernameTaken(username));
    }
    let hash = hash_password(&password)?;
    drop(password);
    let now = ctx.clock.now();
    let at = clock::rfc3339(now);
    let actor = ctx.session.username.clone();
    let record = users::UserRecord {
        id: clock::new_id(now, &mut rand::rngs::OsRng),
        username: username.clone(),
        display_name: if real_name.is_empty() {
            username.clone()
        } else {
            real_name
        },
        password_hash: hash,
        disabled: false,
        grants: roles
            .iter()
            .map(|r| Grant {
                role: *r,
                org: org.clone(),
            })
            .collect(),
    };
    let detail: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    let detail = format!("{}@{org}", detail.join(","));
    ctx.store.write_local(|tx| -> Result<()> {
        // Checked again under the write lock, so two administrators cannot both add the name.
        if users::exists(tx, &username)? {
            return Err(AppError::UsernameTaken(username.clone()));
        }
        users::insert(tx, &record, &at)?;
        if provider.is_some() {
            users::set_provider(tx, &username, provider)?;
        }
        access_log::append(tx, &at, &actor, "user.add", &username, &detail)?;
        Ok(())
    })
}

/// Disables `username`: it can no longer sign in; its history stays. One's own account and the
/// last enabled administrator cannot be disabled.
pub fn disable(ctx: &mut Ctx<'_>, username: &str) -> Result<()> {
    ctx.require_somewhere(Action::ManageUsers)?;
    let user = users::by_username(ctx.store.conn(), username)?.ok_or(AppError::NotFound {
        what: "record.user",
    })?;
    for g in &user.grants {
        ctx.require(Action::ManageUsers, &g.org)?;
    }
    if user.username == ctx.session.username {
        return Err(AppError::CannotDisable { own: true });
    }
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| -> Result<()> {
        let is_admin = user.grants.iter().any(|g| g.role == Role::Admin);
        if is_admin {
            let other_admins = users::list(tx)?
                .into_iter()
                .filter(|u| u.username != user.username && !u.disabled)
                .filter(|u| u.grants.iter().any(|g| g.role == Role::Admin))
                .count();
            if other_admins == 0 {
                return Err(AppError::CannotDisable { own: false });
            }
        }
        users::set_disabled(tx, &user.username, true, &at)?;
        access_log::append(tx, &at, &actor, "user.disable", &user.username, "")?;
        Ok(())
    })
}

/// What an administrator changes of an account besides its password and state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountEdit {
    /// The real name (实名); empty puts back the username.
    pub real_name: String,
    /// The provider a provider staff account works for; `None` unties it.
    pub provider_id: Option<String>,
}

/// Sets `username`'s real name and provider binding; each change is in the access log.
pub fn update(ctx: &mut Ctx<'_>, username: &str, edit: &AccountEdit) -> Result<()> {
    ctx.require_somewhere(Action::ManageUsers)?;
    let user = users::by_username(ctx.store.conn(), username)?.ok_or(AppError::NotFound {
        what: "record.user",
    })?;
    for g in &user.grants {
        ctx.require(Action::ManageUsers, &g.org)?;
    }
    let roles: Vec<Role> = user.grants.iter().map(|g| g.role).collect();
    check_provider(ctx, &roles, edit.provider_id.as_deref())?;
    let real_name = match parse_real_name(&edit.real_name)? {
        n if n.is_empty() => user.username.clone(),
        n => n,
    };
    let provider_before = users::provider_of(ctx.store.conn(), &user.username)?;
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| -> Result<()> {
        if real_name != user.display_name {
            users::set_display_name(tx, &user.username, &real_name, &at)?;
            access_log::append(tx, &at, &actor, "user.real_name", &user.username, "")?;
        }
        if edit.provider_id != provider_before {
            users::set_provider(tx, &user.username, edit.provider_id.as_deref())?;
            access_log::append(
                tx,
                &at,
                &actor,
                "user.provider",
                &user.username,
                edit.provider_id.as_deref().unwrap_or(""),
            )?;
        }
        Ok(())
    })
}

/// The providers an account may be bound to, as (record id, name): the active ones, by the
/// pinyin of their names.
pub fn provider_choices(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>> {
    ctx.require_somewhere(Action::ManageUsers)?;
    let mut out: Vec<(String, String)> = crate::store::providers::list(ctx.store.conn())?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| (p.meta.id, p.name))
        .collect();
    // By pinyin, as people look names up.
    out.sort_by_cached_key(|(_, name)| {
        crate::domain::pinyin_keys::keys_of(name)
            .full
            .into_iter()
            .next()
            .unwrap_or_default()
    });
    Ok(out)
}

/// The real name of `username` as prints show it: the account's 实名, or the username when
/// the account has none (or is unknown).
pub fn real_name(ctx: &Ctx<'_>, username: &str) -> Result<String> {
    Ok(users::by_username(ctx.store.conn(), username)?
        .map(|u| u.display_name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| username.to_string()))
}

/// Every account, by username.
pub fn list(ctx: &Ctx<'_>) -> Result<Vec<Account>> {
    ctx.require_somewhere(Action::ManageUsers)?;
    let now = ctx.clock.now();
    let conn = ctx.store.conn();
    let mut out = Vec::new();
    for u in users::list(conn)? {
        let lock = users::lock_state(conn, &u.username)?.unwrap_or_default();
        let provider_id = users::provider_of(conn, &u.username)?;
        let provider_name = match &provider_id {
            Some(p) => crate::store::providers::get(conn, p)?.map(|p| p.name),
            None => None,
        };
        let locked_until = lock.locked_until.filter(|until| {
            chrono::DateTime::parse_from_rfc3339(until)
                .map(|t| t.with_timezone(&chrono::Utc) > now)
                .unwrap_or(false)
        });
        out.push(Account {
            username: u.username,
            display_name: u.display_name,
            grants: u.grants,
            provider_id,
            provider_name,
            disabled: u.disabled,
            locked_until,
        });
    }
    Ok(out)
}

/// True when the running process's operating-system account owns `path` (the database file):
/// the one who may reset a password without signing in.
#[cfg(unix)]
pub fn owns(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    std::fs::metadata(path).is_ok_and(|m| m.uid() == me)
}

/// Windows: whoever can open the file for writing holds it (there is no shared-server mode).
#[cfg(not(unix))]
pub fn owns(path: &Path) -> bool {
    std::fs::OpenOptions::new().write(true).open(path).is_ok()
}

/// `jiuzhu user reset`: sets a new password for `username` (and lifts a lock) without signing
/// in, only for the operating-system account that owns the database file — the way back in when
/// the only administrator forgot the password.
pub fn reset_as_owner(
    store: &mut Store,
    username: &str,
    password: Zeroizing<String>,
    clock: &dyn Clock,
) -> Result<()> {
    if !owns(store.path()) {
        return Err(AppError::NotDataOwner);
    }
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "owner".into());
    let os_user: String = format!(
        "os:{}",
        os_user
            .chars()
            .filter(|c| !c.is_control())
            .take(32)
            .collect::<String>()
    );
    super::auth::reset_password(store, username, password, &os_user, clock)
}

/// An administrator sets a new password for `username` (and lifts a lock), for a user who
/// forgot theirs. Written to the access log.
pub fn set_password(ctx: &mut Ctx<'_>, username: &str, password: Zeroizing<String>) -> Result<()> {
    ctx.require_somewhere(Action::ManageUsers)?;
    let user = users::by_username(ctx.store.conn(), username)?.ok_or(AppError::NotFound {
        what: "record.user",
    })?;
    for g in &user.grants {
        ctx.require(Action::ManageUsers, &g.org)?;
    }
    check_strength(&password)?;
    let hash = hash_password(&password)?;
    drop(password);
    let at = clock::rfc3339(ctx.clock.now());
    let actor = ctx.session.username.clone();
    ctx.store.write_local(|tx| -> Result<()> {
        users::set_password(tx, &user.username, &hash, &at)?;
        users::set_lock_state(tx, &user.username, &users::LockState::default())?;
        access_log::append(tx, &at, &actor, "user.password_set", &user.username, "")?;
        Ok(())
    })
}
