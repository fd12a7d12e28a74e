//! Person search for `jiuzhu find` and the TUI's lists: the index is loaded once and answers
//! each keystroke from memory, holding only the persons the session may see.

use std::collections::HashMap;

use super::{Ctx, Result};
use crate::domain::permission::{allows, Action};
use crate::domain::search::{search, SearchEntry};
use crate::store::persons;

/// Default number of matches shown.
pub const DEFAULT_LIMIT: usize = 20;

/// The in-memory search index.
#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<SearchEntry>,
}

impl SearchIndex {
    /// Loads the persons the session may view.
    pub fn load(ctx: &Ctx<'_>) -> Result<SearchIndex> {
        let mut all = persons::search_entries(ctx.store.conn())?;
        let mut visible: HashMap<Box<str>, bool> = HashMap::new();
        all.retain(|e| {
            *visible.entry(e.community.clone()).or_insert_with(|| {
                allows(
                    &ctx.session.grants,
                    Action::ViewPerson,
                    &e.community,
                    &ctx.tree,
                )
            })
        });
        all.shrink_to_fit();
        Ok(SearchIndex { entries: all })
    }

    /// Builds an index from entries already at hand (benchmarks, tests).
    pub fn from_entries(entries: Vec<SearchEntry>) -> SearchIndex {
        SearchIndex { entries }
    }

    /// The best `limit` matches, best first.
    pub fn find(&self, query: &str, limit: usize) -> Vec<&SearchEntry> {
        search(&self.entries, query, limit)
            .into_iter()
            .map(|i| &self.entries[i])
            .collect()
    }

    /// How many persons the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it holds nobody.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
