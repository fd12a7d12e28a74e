//! Why a bundle, a card or a key step is refused: one line each, in the user's language, and a
//! stable code for the access log.

use crate::i18n::{t, tf, Lang, Localize};

/// A refused bundle, card or key step. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The file is empty.
    #[error("empty file")]
    EmptyFile,
    /// The file or one of its parts is larger than any bundle may be.
    #[error("too large")]
    TooLarge {
        /// The limit in MiB.
        max_mib: u64,
    },
    /// The file is not a bundle at all (not a tar of the expected members).
    #[error("not a bundle")]
    NotABundle,
    /// The members are not exactly manifest, signature, payload in that order.
    #[error("members: {detail}")]
    Members {
        /// What is wrong, e.g. the unexpected member's name.
        detail: String,
    },
    /// The file ends early.
    #[error("truncated")]
    Truncated,
    /// Signed by a key this workstation has not enrolled.
    #[error("unknown sender")]
    UnknownSender {
        /// The key's fingerprint, grouped.
        fingerprint: String,
    },
    /// Signed by a revoked key.
    #[error("revoked sender")]
    RevokedSender {
        /// The org unit of the revoked key.
        org: String,
    },
    /// The manifest names a different unit or tier than the key was enrolled for.
    #[error("wrong tier")]
    WrongTier,
    /// The signature does not verify: a byte was changed.
    #[error("bad signature")]
    BadSignature,
    /// Made by a newer format than this program reads.
    #[error("newer format {version}")]
    NewerFormat {
        /// The bundle's format version.
        version: String,
    },
    /// The manifest does not parse (after its signature verified).
    #[error("bad manifest")]
    BadManifest,
    /// Addressed to another workstation.
    #[error("not for this workstation")]
    NotForUs {
        /// The destination the manifest names.
        destination: String,
    },
    /// A demo bundle offered to a real workstation, or the other way round.
    #[error("demo mismatch")]
    DemoMismatch {
        /// True when the bundle is the demo one.
        bundle_is_demo: bool,
    },
    /// Older than the last bundle imported from this sender.
    #[error("replayed old bundle")]
    Replay {
        /// The offered bundle's number.
        offered: i64,
        /// The last imported one's.
        last: i64,
    },
    /// Another bundle with the same sender, epoch and number was imported: a fork.
    #[error("fork")]
    Fork {
        /// The sender's unit.
        org: String,
        /// Epoch.
        epoch: i64,
        /// The number both claim.
        seq: i64,
    },
    /// Changes missing between what is held here and what the bundle starts with.
    #[error("gap")]
    Gap {
        /// Whose changes (unit name or workstation id).
        origin: String,
        /// First missing.
        from: i64,
        /// Last missing.
        to: i64,
    },
    /// The payload's hash differs from the signed manifest's.
    #[error("payload hash")]
    PayloadHash,
    /// The payload cannot be decrypted with this workstation's key.
    #[error("cannot decrypt")]
    Decrypt,
    /// The payload's header does not match the signed manifest (a payload from another bundle).
    #[error("payload of another bundle")]
    HeaderMismatch,
    /// An entry does not parse or breaks the format.
    #[error("malformed entry: {detail}")]
    Malformed {
        /// Which entry and what.
        detail: String,
    },
    /// The same entry twice in one bundle.
    #[error("duplicated entry")]
    DuplicateEntry {
        /// Its sequence number.
        seq: i64,
    },
    /// An entry's hash or chain link does not verify.
    #[error("entry hash")]
    EntryHash {
        /// Its sequence number.
        seq: i64,
    },
    /// An attachment's content does not match its hash.
    #[error("attachment hash")]
    AttachmentHash,
    /// The bundle claims changes of this workstation it never made.
    #[error("forged own chain")]
    ForgedOwnChain,
    /// A file that is not a public card.
    #[error("not a card")]
    NotACard,
    /// The fingerprint given does not match the card. The card's own is not told: a person
    /// must compare with the one the other office reads out, not copy it from here.
    #[error("fingerprint mismatch")]
    FingerprintMismatch,
    /// Only the parent unit or a child unit may be enrolled.
    #[error("not parent or child")]
    NotParentOrChild {
        /// The card's unit.
        org: String,
    },
    /// A key rotation that the previous key did not endorse.
    #[error("bad rotation")]
    BadRotation,
    /// A genuine endorsement by a key that was already replaced by another: a copy of the old
    /// keys is in other hands, and one of the two new keys is not the unit's.
    #[error("replaced key endorses another key")]
    ReplacedKeyEndorses {
        /// The unit's code.
        org_code: String,
        /// The unit.
        org: String,
        /// The old key, grouped.
        replaced: String,
        /// The key it now endorses, grouped.
        offered: String,
    },
    /// The unit already has a current key here: at most one per unit.
    #[error("unit has a key")]
    UnitHasKey {
        /// The unit.
        org: String,
        /// Its current key, grouped.
        fingerprint: String,
    },
    /// The card names a unit this workstation's org tree does not place under it or above it.
    #[error("unit not in the tree")]
    NotInTree {
        /// The card's unit.
        org: String,
    },
    /// No enrolled, unrevoked peer for this unit.
    #[error("no peer")]
    NoPeer {
        /// The unit code asked for.
        org: String,
    },
    /// No enrolled key with this fingerprint.
    #[error("unknown fingerprint")]
    UnknownFingerprint,
    /// The card is one's own.
    #[error("own card")]
    OwnCard,
}

impl Refusal {
    /// Stable code for the access log.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::EmptyFile => "empty_file",
            Refusal::TooLarge { .. } => "too_large",
            Refusal::NotABundle => "not_a_bundle",
            Refusal::Members { .. } => "members",
            Refusal::Truncated => "truncated",
            Refusal::UnknownSender { .. } => "unknown_sender",
            Refusal::RevokedSender { .. } => "revoked_sender",
            Refusal::WrongTier => "wrong_tier",
            Refusal::BadSignature => "bad_signature",
            Refusal::NewerFormat { .. } => "newer_format",
            Refusal::BadManifest => "bad_manifest",
            Refusal::NotForUs { .. } => "not_for_us",
            Refusal::DemoMismatch { .. } => "demo_mismatch",
            Refusal::Replay { .. } => "replay",
            Refusal::Fork { .. } => "fork",
            Refusal::Gap { .. } => "gap",
            Refusal::PayloadHash => "payload_hash",
            Refusal::Decrypt => "decrypt",
            Refusal::HeaderMismatch => "header_mismatch",
            Refusal::Malformed { .. } => "malformed",
            Refusal::DuplicateEntry { .. } => "duplicate_entry",
            Refusal::EntryHash { .. } => "entry_hash",
            Refusal::AttachmentHash => "attachment_hash",
            Refusal::ForgedOwnChain => "forged_own_chain",
            Refusal::NotACard => "not_a_card",
            Refusal::FingerprintMismatch => "fingerprint_mismatch",
            Refusal::NotParentOrChild { .. } => "not_parent_or_child",
            Refusal::BadRotation => "bad_rotation",
            Refusal::ReplacedKeyEndorses { .. } => "replaced_key_endorses",
            Refusal::UnitHasKey { .. } => "unit_has_key",
            Refusal::NotInTree { .. } => "not_in_tree",
            Refusal::NoPeer { .. } => "no_peer",
            Refusal::UnknownFingerprint => "unknown_fingerprint",
            Refusal::OwnCard => "own_card",
        }
    }
}

impl Localize for Refusal {
    fn localize(&self, lang: Lang) -> String {
        let key = format!("bundle_refusal.{}", self.code());
        match self {
            Refusal::TooLarge { max_mib } => tf(lang, &key, &[("max", &max_mib.to_string())]),
            Refusal::Members { detail } | Refusal::Malformed { detail } => {
                tf(lang, &key, &[("detail", detail)])
            }
            Refusal::UnknownSender { fingerprint } => {
                tf(lang, &key, &[("fingerprint", fingerprint)])
            }
            Refusal::RevokedSender { org }
            | Refusal::NotParentOrChild { org }
            | Refusal::NoPeer { org } => tf(lang, &key, &[("org", org)]),
            Refusal::NewerFormat { version } => tf(
                lang,
                &key,
                &[("version", version), ("supported", super::format::VERSION)],
            ),
            Refusal::NotForUs { destination } => tf(lang, &key, &[("destination", destination)]),
            Refusal::DemoMismatch { bundle_is_demo } => t(
                lang,
                if *bundle_is_demo {
                    "bundle_refusal.demo_to_real"
                } else {
                    "bundle_refusal.real_to_demo"
                },
            )
            .to_string(),
            Refusal::Replay { offered, last } => tf(
                lang,
                &key,
                &[
                    ("offered", &offered.to_string()),
                    ("last", &last.to_string()),
                ],
            ),
            Refusal::Fork { org, epoch, seq } => tf(
                lang,
                &key,
                &[
                    ("org", org),
                    ("epoch", &epoch.to_string()),
                    ("seq", &seq.to_string()),
                ],
            ),
            Refusal::Gap { origin, from, to } => tf(
                lang,
                &key,
                &[
                    ("origin", origin),
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                ],
            ),
            Refusal::DuplicateEntry { seq } | Refusal::EntryHash { seq } => {
                tf(lang, &key, &[("seq", &seq.to_string())])
            }
            Refusal::ReplacedKeyEndorses {
                org,
                replaced,
                offered,
                ..
            } => tf(
                lang,
                &key,
                &[("org", org), ("replaced", replaced), ("offered", offered)],
            ),
            Refusal::UnitHasKey { org, fingerprint } => {
                tf(lang, &key, &[("org", org), ("fingerprint", fingerprint)])
            }
            Refusal::NotInTree { org } => tf(lang, &key, &[("org", org)]),
            _ => t(lang, &key).to_string(),
        }
    }
}
