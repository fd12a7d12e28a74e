//! What every screen may use: the database, the signed-in user, the clock, language, theme,
//! the org tree and the search index.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use crate::app::search::{self as search, SearchIndex};
use crate::app::{AppError, Clock, Ctx, Session, SystemClock};
use crate::domain::org::OrgTree;
use crate::domain::permission::{allows, allows_anywhere, Action as Permission};
use crate::i18n::{Lang, Localize};
use crate::store::workstation::Workstation;
use crate::store::{orgs, OpenOptions, Store};
use crate::tui::theme::{Symbols, Theme};

/// Shared state of the running UI.
pub struct Env {
    /// The open database.
    pub store: Store,
    /// Where it is (shown, and reopened by the index loader).
    pub db_path: PathBuf,
    /// The signed-in user; `None` on the login screen.
    pub session: Option<Session>,
    /// The clock (fixed in tests).
    pub clock: Box<dyn Clock>,
    /// Language.
    pub lang: Lang,
    /// Colours.
    pub theme: Theme,
    /// Chrome glyphs.
    pub symbols: Symbols,
    /// This workstation, once known.
    pub workstation: Option<Workstation>,
    /// The org tree.
    pub tree: OrgTree,
    /// The search index, once loaded.
    pub index: Option<SearchIndex>,
    index_rx: Option<Receiver<Result<SearchIndex, String>>>,
    /// Why the last index load failed, if it did.
    pub index_error: Option<String>,
    /// Load the index on this thread (tests), not in the background.
    pub index_in_foreground: bool,
}

impl Env {
    /// True when the signed-in session may do `action` on a record of unit `org`: what the
    /// screens ask before they offer a command (the use case checks again).
    pub fn may(&self, action: Permission, org: &str) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| allows(&s.grants, action, org, &self.tree))
    }

    /// True when the signed-in session may do `action` somewhere.
    pub fn may_somewhere(&self, action: Permission) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| allows_anywhere(&s.grants, action))
    }

    /// An environment over an open store.
    pub fn new(
        store: Store,
        db_path: PathBuf,
        clock: Box<dyn Clock>,
        lang: Lang,
        theme: Theme,
        symbols: Symbols,
    ) -> Env {
        let workstation = store.workstation().ok();
        let tree = orgs::tree(store.conn()).unwrap_or_default();
        Env {
            store,
            db_path,
            session: None,
            clock,
            lang,
            theme,
            symbols,
            workstation,
            tree,
            index: None,
            index_rx: None,
            index_error: None,
            index_in_foreground: false,
        }
    }

    /// A use-case context for the signed-in user.
    pub fn ctx(&mut self) -> Result<Ctx<'_>, AppError> {
        let session = self.session.clone().ok_or(AppError::BadLogin)?;
        Ctx::new(&mut self.store, session, &*self.clock)
    }

    /// (Re)loads the search index: on a background thread with its own connection, so the
    /// screen stays responsive on a large database.
    pub fn reload_index(&mut self) {
        let Some(session) = self.session.clone() else {
            return;
        };
        if self.index_in_foreground {
            let lang = self.lang;
            match self.ctx().and_then(|ctx| search::load(&ctx)) {
                Ok(index) => self.index = Some(index),
                Err(e) => self.index_error = Some(e.localize(lang)),
            }
            return;
        }
        let (tx, rx) = mpsc::channel();
        let lang = self.lang;
        let path = self.db_path.clone();
        std::thread::spawn(move || {
            let result = (|| -> Result<SearchIndex, AppError> {
                let mut store = Store::open(&path, &OpenOptions::default())?;
                let clock = SystemClock;
                let ctx = Ctx::new(&mut store, session, &clock)?;
                search::load(&ctx)
            })();
            let _ = tx.send(result.map_err(|e| e.localize(lang)));
        });
        self.index_rx = Some(rx);
    }

    /// Takes a finished background load; true when the index changed.
    pub fn poll_index(&mut self) -> bool {
        let Some(rx) = &self.index_rx else {
            return false;
        };
        match rx.try_recv() {
            Ok(Ok(index)) => {
                self.index = Some(index);
                self.index_error = None;
                self.index_rx = None;
                true
            }
            Ok(Err(why)) => {
                self.index_error = Some(why);
                self.index_rx = None;
                true
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                self.index_rx = None;
                false
            }
            Err(mpsc::TryRecvError::Empty) => false,
        }
    }

    /// True while the index is being loaded.
    pub fn index_loading(&self) -> bool {
        self.index_rx.is_some()
    }

    /// Name of an org unit.
    pub fn org_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.tree.name_of(code)
    }
}
