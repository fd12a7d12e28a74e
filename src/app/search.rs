//! Person search for `jiuzhu find` and the TUI's lists: the index is loaded once and answers
//! each keystroke from memory, holding only the persons the session may see.

use std::collections::HashMap;

use super::{Ctx, Result};
use crate::domain::permission::{allows, Action};
use crate::domain::person::Disclosure;
use crate::store::persons;

pub use crate::domain::search::{SearchEntry, SearchIndex, SearchIndexBuilder, SearchRow};

/// Default number of matches shown.
pub const DEFAULT_LIMIT: usize = 20;

/// Loads the index of the persons the session may view; of those it sees masked, the index
/// holds the ID number and phone masked (see [`SearchRow::masked`]).
pub fn load(ctx: &Ctx<'_>) -> Result<SearchIndex> {
    let mut visible: HashMap<String, Option<Disclosure>> = HashMap::new();
    let mut builder = SearchIndexBuilder::new();
    persons::for_each_search_row(ctx.store.conn(), |row| {
        let shown = *visible.entry(row.community.clone()).or_insert_with(|| {
            allows(
                &ctx.session.grants,
                Action::ViewPerson,
                &row.community,
                &ctx.tree,
            )
            .then(|| super::person::disclosure(ctx, &row.community))
        });
        match shown {
            Some(Disclosure::Whole) => builder.push(&row),
            Some(Disclosure::Masked) => builder.push(&row.masked()),
            None => {}
        }
    })?;
    Ok(builder.finish())
}
