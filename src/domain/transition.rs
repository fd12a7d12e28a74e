//! The refusal every workflow state machine gives for an illegal step.

use crate::i18n::{t, tf, Lang, Localize};

/// A step the current state does not allow; keys point into the string table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{from_key} does not allow {event_key}")]
pub struct TransitionError {
    /// String-table key of the record kind (`record.clue`).
    pub record_key: &'static str,
    /// String-table key of the current state.
    pub from_key: &'static str,
    /// String-table key of the refused step.
    pub event_key: &'static str,
}

impl Localize for TransitionError {
    fn localize(&self, lang: Lang) -> String {
        tf(
            lang,
            "error.transition",
            &[
                ("record", t(lang, self.record_key)),
                ("state", t(lang, self.from_key)),
                ("event", t(lang, self.event_key)),
            ],
        )
    }
}
