//! What a use case can refuse with; every variant reads as one line in the user's language.

use std::path::PathBuf;

use crate::domain::permission::Action;
use crate::domain::transition::TransitionError;
use crate::domain::validation::ValidationError;
use crate::i18n::{t, tf, Lang, Localize};
use crate::store::StoreError;

/// A refusal or failure of a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field value was refused.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A workflow step the record's state does not allow.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The user's roles do not allow this here.
    #[error("not permitted: {action:?}")]
    Denied { action: Action },
    /// No such record (key of the record kind in the string table).
    #[error("not found: {what}")]
    NotFound { what: &'static str },
    /// Wrong username or password (never says which).
    #[error("bad login")]
    BadLogin,
    /// The account is disabled.
    #[error("account disabled")]
    AccountDisabled,
    /// Too many wrong passwords: the account is locked until then (RFC 3339 UTC).
    #[error("account locked")]
    AccountLocked { until: String },
    /// The username is taken.
    #[error("username taken")]
    UsernameTaken(String),
    /// The last enabled administrator, or one's own account, cannot be disabled.
    #[error("cannot disable")]
    CannotDisable { own: bool },
    /// `user reset` run by an account that does not own the data directory.
    #[error("not the owner")]
    NotDataOwner,
    /// `init` on a data directory that already holds a workstation.
    #[error("already initialised: {0}")]
    AlreadyInitialised(PathBuf),
    /// Demo data asked of a real workstation.
    #[error("not a demo workstation")]
    NotDemo,
    /// Another person already holds this ID number.
    #[error("duplicate ID number")]
    DuplicateIdNumber { existing_id: String },
    /// A password too short for a real workstation.
    #[error("password too short")]
    WeakPassword { min: usize },
    /// A command whose feature arrives in a later release.
    #[error("not yet available: {0}")]
    NotYetAvailable(&'static str),
    /// A command that reads or writes personal data was run without `--user`.
    #[error("--user needed")]
    NeedsUser,
    /// No terminal to ask the password on, and `JIUZHU_PASSWORD` not set.
    #[error("no terminal for the password prompt")]
    NoPasswordPrompt,
    /// The two typed passwords differ.
    #[error("passwords differ")]
    PasswordsDiffer,
    /// No case holds this service card number.
    #[error("unknown card")]
    UnknownCard,
    /// The card's case is not in service (suspended, stopped …).
    #[error("card not in service")]
    CardNotInService { state: &'static str },
    /// The card's validity has ended.
    #[error("card expired")]
    CardExpired,
    /// The provider has not registered this recipient.
    #[error("not registered")]
    NotRegistered,
    /// The card does not cover this service item.
    #[error("not covered")]
    NotCovered { item: String },
    /// The document was withdrawn already.
    #[error("already withdrawn")]
    AlreadyWithdrawn,
    /// The case has no service card yet.
    #[error("no card")]
    NoCard,
    /// A file could not be built (the spreadsheet writer refused).
    #[error("export failed: {0}")]
    Export(String),
    /// The provider does not offer this service item.
    #[error("not offered")]
    NotOffered { item: String },
    /// The provider no longer takes recipients.
    #[error("provider inactive")]
    ProviderInactive,
    /// The password could not be hashed (no system randomness, for one).
    #[error("password hashing failed")]
    PasswordHashing,
    /// The user stopped long work; nothing of it was kept.
    #[error("cancelled")]
    Cancelled,
    /// The org unit is not one this workstation knows.
    #[error("unknown org unit {0}")]
    UnknownOrg(String),
    /// A roster file refused as a whole (nothing of it was used).
    #[error(transparent)]
    Roster(#[from] crate::domain::roster::FileRefusal),
    /// A household, merge or transfer step refused.
    #[error(transparent)]
    People(#[from] super::refusal::PeopleRefusal),
    /// A bundle, card or key step refused; nothing was changed.
    #[error(transparent)]
    Bundle(#[from] crate::sync::Refusal),
    /// The key files cannot be read.
    #[error("keys damaged: {0}")]
    KeysDamaged(PathBuf),
    /// A backup file refused by `restore`; nothing was replaced.
    #[error(transparent)]
    Restore(#[from] super::backup::RestoreRefusal),
    /// A received version still breaks a rule here (code of the reason).
    #[error("received version refused: {0}")]
    ExchangeApply(&'static str),
}

impl Localize for AppError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            AppError::Validation(e) => e.localize(lang),
            AppError::Transition(e) => e.localize(lang),
            AppError::Store(e) => e.localize(lang),
            AppError::Denied { action } => tf(
                lang,
                "error.denied",
                &[("action", t(lang, action.label_key()))],
            ),
            AppError::NotFound { what } => tf(lang, "error.not_found", &[("what", t(lang, what))]),
            AppError::BadLogin => t(lang, "error.bad_login").to_string(),
            AppError::AccountDisabled => t(lang, "error.account_disabled").to_string(),
            AppError::AccountLocked { until } => tf(
                lang,
                "error.account_locked",
                &[("until", &super::clock::show_instant(until))],
            ),
            AppError::UsernameTaken(u) => tf(lang, "error.username_taken", &[("username", u)]),
            AppError::CannotDisable { own } => t(
                lang,
                if *own {
                    "error.cannot_disable_self"
                } else {
                    "error.cannot_disable_last_admin"
                },
            )
            .to_string(),
            AppError::NotDataOwner => t(lang, "error.not_data_owner").to_string(),
            AppError::AlreadyInitialised(p) => tf(
                lang,
                "error.already_initialised",
                &[("path", &p.display().to_string())],
            ),
            AppError::NotDemo => t(lang, "error.not_demo").to_string(),
            AppError::DuplicateIdNumber { .. } => t(lang, "error.duplicate_id_number").to_string(),
            AppError::WeakPassword { min } => {
                tf(lang, "error.weak_password", &[("min", &min.to_string())])
            }
            AppError::NotYetAvailable(what) => {
                tf(lang, "error.not_yet_available", &[("what", what)])
            }
            AppError::NeedsUser => t(lang, "error.needs_user").to_string(),
            AppError::NoPasswordPrompt => t(lang, "error.no_password_prompt").to_string(),
            AppError::PasswordsDiffer => t(lang, "error.passwords_differ").to_string(),
            AppError::UnknownCard => t(lang, "error.unknown_card").to_string(),
            AppError::CardNotInService { state } => tf(
                lang,
                "error.card_not_in_service",
                &[("state", t(lang, state))],
            ),
            AppError::CardExpired => t(lang, "error.card_expired").to_string(),
            AppError::NotRegistered => t(lang, "error.not_registered").to_string(),
            AppError::NotCovered { item } => tf(
                lang,
                "error.not_covered",
                &[(
                    "item",
                    crate::domain::catalogue::Catalogue::builtin().label(
                        crate::domain::catalogue::ListKind::ServiceItem,
                        item,
                        lang,
                    ),
                )],
            ),
            AppError::NoCard => t(lang, "error.no_card").to_string(),
            AppError::AlreadyWithdrawn => t(lang, "error.already_withdrawn").to_string(),
            AppError::Export(detail) => tf(lang, "error.export", &[("detail", detail)]),
            AppError::NotOffered { item } => tf(
                lang,
                "error.not_offered",
                &[(
                    "item",
                    crate::domain::catalogue::Catalogue::builtin().label(
                        crate::domain::catalogue::ListKind::ServiceItem,
                        item,
                        lang,
                    ),
                )],
            ),
            AppError::ProviderInactive => t(lang, "error.provider_inactive").to_string(),
            AppError::PasswordHashing => t(lang, "error.password_hashing").to_string(),
            AppError::Cancelled => t(lang, "error.cancelled").to_string(),
            AppError::UnknownOrg(code) => tf(lang, "error.unknown_org", &[("code", code)]),
            AppError::Roster(e) => e.localize(lang),
            AppError::People(e) => e.localize(lang),
            AppError::Bundle(e) => e.localize(lang),
            AppError::Restore(e) => e.localize(lang),
            AppError::KeysDamaged(p) => tf(
                lang,
                "error.keys_damaged",
                &[("path", &p.display().to_string())],
            ),
            AppError::ExchangeApply(code) => tf(
                lang,
                "error.exchange_apply",
                &[("reason", t(lang, &format!("exchange_reason.{code}")))],
            ),
        }
    }
}
