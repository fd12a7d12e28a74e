//! Use cases: one function per user action, one transaction each, permission check first.
//! The only way anything changes. The TUI and the command line are two faces on these calls.

pub mod agreement;
pub mod auth;
pub mod backup;
pub mod case;
pub mod check;
pub mod clock;
pub mod clue;
pub mod demo;
pub mod document;
pub mod error;
pub mod exchange;
pub mod fault;
pub mod helper;
pub mod household;
pub mod inbox;
pub mod ledger;
pub mod person;
pub mod print;
pub mod provider;
pub mod refusal;
pub mod roster;
pub mod search;
pub mod service;
pub mod settings;
pub mod settlement;
pub mod setup;
pub mod statistics;
pub mod subsidy;
pub mod supervision;
pub mod task;
pub mod timeliness;
pub mod users;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;

use crate::domain::org::OrgTree;
use crate::domain::permission::{allows, Action, Grant};
use crate::store::{orgs, Store};

/// Result of use cases.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The signed-in user a use case acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Username: the actor in the change log.
    pub username: String,
    /// Roles held, each at one org unit.
    pub grants: Vec<Grant>,
}

/// What every use case runs with: the database, the acting user, the clock.
pub struct Ctx<'a> {
    /// The open database.
    pub store: &'a mut Store,
    /// Who acts.
    pub session: Session,
    /// What time it is (fixed in tests).
    pub clock: &'a dyn Clock,
    /// The org tree as this workstation knows it.
    pub tree: OrgTree,
}

impl<'a> Ctx<'a> {
    /// A context for `session` on `store`.
    pub fn new(store: &'a mut Store, session: Session, clock: &'a dyn Clock) -> Result<Ctx<'a>> {
        let tree = orgs::tree(store.conn())?;
        Ok(Ctx {
            store,
            session,
            clock,
            tree,
        })
    }

    /// Refuses unless the session may do `action` on a record of unit `org`.
    pub fn require(&self, action: Action, org: &str) -> Result<()> {
        if allows(&self.session.grants, action, org, &self.tree) {
            Ok(())
        } else {
            Err(AppError::Denied { action })
        }
    }

    /// Refuses unless the session may do `action` somewhere on this workstation.
    pub fn require_somewhere(&self, action: Action) -> Result<()> {
        if crate::domain::permission::allows_anywhere(&self.session.grants, action) {
            Ok(())
        } else {
            Err(AppError::Denied { action })
        }
    }

    /// The transaction timestamp for a change made now.
    pub fn now_text(&self) -> String {
        clock::rfc3339(self.clock.now())
    }

    /// A new global record id (UUIDv7 at the clock's time).
    pub fn new_id(&self) -> String {
        clock::new_id(self.clock.now(), &mut rand::rngs::OsRng)
    }
}
