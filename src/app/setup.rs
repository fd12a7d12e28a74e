//! Setting up a workstation (`jiuzhu init`, and the demo's own set-up).

use std::path::Path;

use zeroize::Zeroizing;

use super::auth::{check_strength, hash_password};
use super::{clock, AppError, Clock, Result};
use crate::domain::org::{parse_org_code, parse_org_name, OrgKind, OrgTree, OrgUnit, Tier};
use crate::domain::permission::{Grant, Role};
use crate::domain::text::{clean_line, required_line};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{access_log, data_dir, orgs, users, workstation, OpenOptions, Store};

/// What `init` needs.
#[derive(Debug, Clone)]
pub struct InitParams {
    pub tier: Tier,
    pub org_code: String,
    pub org_name: String,
    pub parent: Option<String>,
    pub admin: String,
    /// The first administrator's real name, printed where they sign (empty: the username).
    pub admin_name: String,
    /// The unit's full official name, as its seal reads (empty: the short name is used).
    pub org_full_name: String,
    pub demo: bool,
}

impl InitParams {
    /// The same parameters with the first administrator's real name, checked.
    pub fn with_admin_name(
        mut self,
        name: &str,
    ) -> std::result::Result<InitParams, ValidationError> {
        self.admin_name = clean_line(Field::Name, name, super::users::REAL_NAME_CHARS)?;
        Ok(self)
    }

    /// The same parameters with the unit's full official name, checked (`--org-full-name`).
    pub fn with_org_full_name(
        mut self,
        name: &str,
    ) -> std::result::Result<InitParams, ValidationError> {
        self.org_full_name = super::settings::parse_full_name(name)?;
        Ok(self)
    }
}

/// Checks a username: 2 to 32 letters, digits, `_`, `-` or `.`.
pub fn parse_username(input: &str) -> std::result::Result<String, ValidationError> {
    let s = required_line(Field::Username, input, 32)?;
    let ok = s.chars().count() >= 2
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if !ok {
        return Err(ValidationError::new(
            Field::Username,
            Reason::BadFormat {
                example: "example.username",
            },
        ));
    }
    Ok(s)
}

/// One user to create at set-up.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: Zeroizing<String>,
    pub grants: Vec<Grant>,
}

/// The units a new workstation of `code` knows: from the demo tree when it holds the code
/// (its ancestors, itself and everything below), else just itself and its parent. Returns the
/// units and which of them are hosted: the unit itself and, for a subdistrict, its communities
/// (a subdistrict keeps the records of communities without a workstation of their own).
fn units_for(params: &InitParams) -> Vec<(OrgUnit, bool)> {
    let demo = OrgTree::demo();
    if let Some(own) = demo.get(&params.org_code) {
        if own.tier() == params.tier {
            let mut out = Vec::new();
            for u in demo.units() {
                let is_ancestor =
                    demo.is_within(&params.org_code, &u.code) && u.code != params.org_code;
                let below = demo.is_within(&u.code, &params.org_code);
                if is_ancestor || below {
                    let mut unit = u.clone();
                    if unit.code == params.org_code {
                        unit.name = params.org_name.clone();
                    }
                    out.push((unit, below));
                }
            }
            return out;
        }
    }
    let mut out = Vec::new();
    if let Some(parent) = &params.parent {
        let kind = params
            .tier
            .parent()
            .map(OrgKind::default_for)
            .unwrap_or(OrgKind::District);
        out.push((
            OrgUnit {
                code: parent.clone(),
                name: parent.clone(),
                kind,
                parent: None,
            },
            false,
        ));
    }
    out.push((
        OrgUnit {
            code: params.org_code.clone(),
            name: params.org_name.clone(),
            kind: OrgKind::default_for(params.tier),
            parent: params.parent.clone(),
        },
        true,
    ));
    out
}

/// Validates the command-line values of `init`.
pub fn validate_params(
    tier: &str,
    org_code: &str,
    org_name: &str,
    parent: Option<&str>,
    admin: &str,
    demo: bool,
) -> std::result::Result<InitParams, ValidationError> {
    let tier = Tier::parse(tier)?;
    let org_code = parse_org_code(Field::OrgCode, org_code)?;
    let org_name = parse_org_name(org_name)?;
    let parent = parent
        .map(|p| parse_org_code(Field::ParentCode, p))
        .transpose()?;
    if tier != Tier::District && parent.is_none() && OrgTree::demo().get(&org_code).is_none() {
        return Err(ValidationError::new(Field::ParentCode, Reason::Required));
    }
    let admin = parse_username(admin)?;
    Ok(InitParams {
        tier,
        org_code,
        org_name,
        parent,
        admin,
        admin_name: String::new(),
        org_full_name: String::new(),
        demo,
    })
}

/// Creates the database in `data_dir` (or at `db_path`) with the workstation, its org units and
/// the first administrator. Refuses a directory that already holds a workstation.
pub fn init(
    data_dir_path: &Path,
    db_path: &Path,
    params: &InitParams,
    admin_password: Zeroizing<String>,
    clock: &dyn Clock,
) -> Result<Store> {
    if !params.demo {
        check_strength(&admin_password)?;
    }
    let admin = NewUser {
        username: params.admin.clone(),
        display_name: if params.admin_name.is_empty() {
            params.admin.clone()
        } else {
            params.admin_name.clone()
        },
        password: admin_password,
        grants: vec![Grant {
            role: Role::Admin,
            org: params.org_code.clone(),
        }],
    };
    create_workstation(data_dir_path, db_path, params, vec![admin], clock)
}

/// Creates the workstation with any number of users (the demo adds one per role).
pub fn create_workstation(
    data_dir_path: &Path,
    db_path: &Path,
    params: &InitParams,
    new_users: Vec<NewUser>,
    clock: &dyn Clock,
) -> Result<Store> {
    data_dir::ensure_dir(data_dir_path)?;
    if let Some(parent) = db_path.parent() {
        data_dir::ensure_dir(parent)?;
    }
    let opts = OpenOptions {
        create: true,
        file_mode: data_dir::file_mode_for(data_dir_path),
        ..OpenOptions::default()
    };
    let mut store = Store::open(db_path, &opts)?;
    if workstation::get(store.conn())?.is_some() {
        return Err(AppError::AlreadyInitialised(db_path.to_path_buf()));
    }
    let now = clock.now();
    let at = clock::rfc3339(now);
    let mut hashed = Vec::new();
    for u in new_users {
        hashed.push(users::UserRecord {
            id: clock::new_id(now, &mut rand::rngs::OsRng),
            username: u.username,
            display_name: u.display_name,
            password_hash: hash_password(&u.password)?,
            disabled: false,
            grants: u.grants,
        });
    }
    let ws = workstation::Workstation {
        id: clock::new_id(now, &mut rand::rngs::OsRng),
        org_code: params.org_code.clone(),
        tier: params.tier,
        demo: params.demo,
        epoch: 1,
        created_at: at.clone(),
    };
    let units = units_for(params);
    store.write_local(|tx| {
        // A second `init` racing this one waits on the write lock, then sees the row.
        if workstation::get(tx)?.is_some() {
            return Err(AppError::AlreadyInitialised(db_path.to_path_buf()));
        }
        workstation::insert(tx, &ws)?;
        for (unit, hosted) in &units {
            orgs::upsert(tx, unit, *hosted)?;
        }
        if !params.org_full_name.is_empty() {
            orgs::set_full_name(tx, &params.org_code, &params.org_full_name)?;
        }
        for u in &hashed {
            users::insert(tx, u, &at)?;
        }
        access_log::append(
            tx,
            &at,
            &params.admin,
            "init",
            &params.org_code,
            params.tier.code(),
        )?;
        Ok(())
    })?;
    // The signing key and age identity live beside the database, owner-only (group in
    // group mode), so the workstation can sign and read bundles from the first day.
    crate::sync::keys::Keys::generate(
        &crate::sync::keys::dir_for(db_path),
        data_dir::file_mode_for(data_dir_path),
    )?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(parse_username(" wang.li ").unwrap(), "wang.li");
        assert_eq!(parse_username("王丽").unwrap_err().field, Field::Username);
        assert_eq!(parse_username("a").unwrap_err().field, Field::Username);
    }

    #[test]
    fn non_district_needs_a_parent_unless_known() {
        let e = validate_params("community", "999001", "新社区", None, "admin", false).unwrap_err();
        assert_eq!(e.field, Field::ParentCode);
        assert!(validate_params(
            "community",
            "360104001001",
            "洪都新村社区",
            None,
            "admin",
            false
        )
        .is_ok());
        assert_eq!(
            validate_params("province", "36", "江西", None, "admin", false)
                .unwrap_err()
                .field,
            Field::Tier
        );
    }

    #[test]
    fn a_demo_tree_subdistrict_hosts_its_communities() {
        let p =
            validate_params("subdistrict", "360104001", "洪都街道", None, "admin", false).unwrap();
        let units = units_for(&p);
        let hosted: Vec<_> = units
            .iter()
            .filter(|(_, h)| *h)
            .map(|(u, _)| u.code.as_str())
            .collect();
        assert_eq!(hosted.len(), 5, "{hosted:?}");
        assert!(units.iter().any(|(u, h)| u.code == "360104" && !h));
    }
}
