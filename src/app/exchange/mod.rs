//! 数据交换: the workstation's keys and enrolled peers, bundles out and in, and the queue of
//! received changes that wait for a person (conflicts and reviews).
//!
//! Keys and cards need no signed-in user (they hold no personal data); enrolling, revoking and
//! rotating need [`Action::ManageKeys`], bundles and the queue [`Action::ExchangeBundles`].

mod export;
mod import;
mod keys;
mod queue;

pub use export::{export, pending_for, ExportSummary};
pub use import::{import, inspect, ImportOutcome, Inspection, Receipt, Signer};
pub use keys::{
    acknowledge_key_alarms, card_file_name, card_unit_is_new, key_alarms, own_card, own_keys,
    read_card, revoke, rotate, set_escrow, trust, write_card, TrustOutcome,
};
pub use queue::{open_items, resolve, shows_whole, Resolution};

use crate::domain::org::{OrgTree, Tier};
use crate::store::exchange::{self as store_exchange, Peer};
use crate::store::workstation::Workstation;
use crate::store::Store;

use super::{Ctx, Result};

/// Where a peer stands relative to this workstation: up to the parent, down to a child.
pub use crate::domain::scope::Direction;

/// How unit `org` (of `tier`, whose parent is `parent`) relates to this workstation, if it is
/// its parent or one of its children: by this workstation's own org tree, never by what a card
/// claims alone — a child must stand in the tree under this unit, with the tier it claims.
pub fn relation(
    ws: &Workstation,
    tree: &OrgTree,
    tier: &str,
    org: &str,
    parent: Option<&str>,
) -> Option<Direction> {
    let tier = Tier::parse(tier).ok()?;
    let own_parent = tree.get(&ws.org_code).and_then(|u| u.parent.as_deref());
    if ws.tier.parent() == Some(tier) && own_parent == Some(org) {
        return Some(Direction::Up);
    }
    let unit = tree.get(org)?;
    if tier.parent() == Some(ws.tier)
        && parent == Some(ws.org_code.as_str())
        && unit.parent.as_deref() == Some(ws.org_code.as_str())
        && unit.tier() == tier
    {
        return Some(Direction::Down);
    }
    None
}

/// True when `org` would be a child of this workstation by the card's own claims (its tier
/// and parent) but is not yet in the org tree: a unit an administrator may add on trusting.
fn unknown_child(
    ws: &Workstation,
    tree: &OrgTree,
    tier: &str,
    org: &str,
    parent: Option<&str>,
) -> bool {
    tree.get(org).is_none()
        && Tier::parse(tier).is_ok_and(|t| t.parent() == Some(ws.tier))
        && parent == Some(ws.org_code.as_str())
}

/// One peer as the 数据交换 screen shows it.
#[derive(Debug, Clone)]
pub struct PeerStatus {
    /// The enrolled key.
    pub peer: Peer,
    /// Parent or child (none once it no longer relates).
    pub direction: Option<Direction>,
    /// When the last bundle to it was written.
    pub last_out: Option<String>,
    /// When the last bundle from it was imported.
    pub last_in: Option<String>,
    /// Changes it has not acknowledged.
    pub pending: i64,
}

/// Everything the 数据交换 screen shows.
#[derive(Debug, Clone)]
pub struct Overview {
    /// This workstation's card fingerprint.
    pub fingerprint: String,
    /// Every enrolled key, current ones first.
    pub peers: Vec<PeerStatus>,
    /// Imported bundles, newest first.
    pub received: Vec<store_exchange::BundleIn>,
    /// Written bundles, newest first.
    pub sent: Vec<store_exchange::BundleOut>,
    /// Open conflicts and reviews.
    pub open: (i64, i64),
}

/// The screen's data.
pub fn overview(ctx: &Ctx<'_>) -> Result<Overview> {
    ctx.require_somewhere(crate::domain::permission::Action::ExchangeBundles)?;
    let conn = ctx.store.conn();
    let ws = ctx.store.workstation()?;
    let fingerprint = own_card(ctx.store)?.fingerprint();
    let sent = store_exchange::bundles_out(conn, 200)?;
    let received = store_exchange::bundles_in(conn, 200)?;
    let mut peers = Vec::new();
    for peer in store_exchange::peers(conn)? {
        let direction = relation(
            &ws,
            &ctx.tree,
            &peer.tier,
            &peer.org_code,
            peer.parent.as_deref(),
        );
        let current = peer.revoked_at.is_none() && peer.replaced_by.is_none();
        let pending = if current {
            pending_for(ctx.store, &peer.workstation)?
        } else {
            0
        };
        peers.push(PeerStatus {
            last_out: sent
                .iter()
                .find(|b| b.peer_workstation == peer.workstation)
                .map(|b| b.created_at.clone()),
            last_in: received
                .iter()
                .find(|b| b.sender_workstation == peer.workstation)
                .map(|b| b.imported_at.clone()),
            direction,
            pending,
            peer,
        });
    }
    Ok(Overview {
        fingerprint,
        peers,
        received,
        sent,
        open: store_exchange::open_counts(conn)?,
    })
}

/// Open conflicts and reviews, for the top bar and the inbox.
pub fn open_counts(store: &Store) -> Result<(i64, i64)> {
    Ok(store_exchange::open_counts(store.conn())?)
}

/// The unit of workstation `workstation`, when this workstation knows it (itself or an
/// enrolled peer): (code, name).
pub fn origin_unit(store: &Store, tree: &OrgTree, workstation: &str) -> Option<(String, String)> {
    if let Ok(ws) = store.workstation() {
        if ws.id == workstation {
            return Some((ws.org_code.clone(), tree.name_of(&ws.org_code).to_string()));
        }
    }
    let peers = store_exchange::peers(store.conn()).ok()?;
    peers
        .into_iter()
        .find(|p| p.workstation == workstation)
        .map(|p| (p.org_code, crate::domain::text::for_display(&p.org_name)))
}

/// A workstation's name for messages: its unit's name when known, else its whole id (a
/// UUIDv7's first digits are its creation time and repeat for workstations made together).
fn origin_name(store: &Store, tree: &OrgTree, workstation: &str) -> String {
    match origin_unit(store, tree, workstation) {
        Some((_, name)) => name,
        None => crate::domain::text::for_display(workstation),
    }
}

/// The receipt as lines for people: totals, then per kind and per community.
pub fn receipt_lines(r: &Receipt, tree: &OrgTree, lang: crate::i18n::Lang) -> Vec<String> {
    use crate::i18n::{t, tf};
    let n = |v: i64| v.to_string();
    let mut out = vec![
        tf(
            lang,
            "exchange.receipt_head",
            &[
                ("org", &r.sender_name),
                ("seq", &n(r.bundle_seq)),
                ("entries", &n(r.entries)),
            ],
        ),
        tf(
            lang,
            "exchange.receipt_totals",
            &[
                ("applied", &n(r.applied)),
                ("held", &n(r.already_held)),
                ("conflicts", &n(r.conflicts)),
                ("reviews", &n(r.reviews)),
                ("attachments", &n(r.attachments)),
                ("elided", &n(r.elided)),
            ],
        ),
    ];
    if !r.kinds.is_empty() {
        let parts: Vec<String> = r
            .kinds
            .iter()
            .map(|(k, v)| format!("{} {v}", t(lang, &format!("record.{k}"))))
            .collect();
        out.push(format!(
            "{}{}",
            t(lang, "exchange.receipt_kinds"),
            parts.join(t(lang, "form.list_separator"))
        ));
    }
    if !r.communities.is_empty() {
        let parts: Vec<String> = r
            .communities
            .iter()
            .map(|(c, v)| {
                let name = if c.is_empty() {
                    t(lang, "exchange.shared").to_string()
                } else {
                    tree.name_of(c).to_string()
                };
                format!("{} {v}", crate::domain::text::for_display(&name))
            })
            .collect();
        out.push(format!(
            "{}{}",
            t(lang, "exchange.receipt_communities"),
            parts.join(t(lang, "form.list_separator"))
        ));
    }
    if r.out_of_scope > 0 {
        out.push(tf(
            lang,
            "exchange.receipt_out_of_scope",
            &[("org", &r.sender_name), ("n", &n(r.out_of_scope))],
        ));
    }
    if r.invalid > 0 {
        out.push(tf(
            lang,
            "exchange.receipt_invalid",
            &[("n", &n(r.invalid))],
        ));
    }
    if r.key_rotated {
        out.push(tf(
            lang,
            "exchange.receipt_rotated",
            &[("org", &r.sender_name)],
        ));
    }
    if r.conflicts + r.reviews > 0 {
        out.push(t(lang, "exchange.receipt_queue_hint").to_string());
    }
    out
}

/// The manifest of an inspected bundle as lines for people.
pub fn inspection_lines(
    i: &Inspection,
    store: &Store,
    tree: &OrgTree,
    lang: crate::i18n::Lang,
) -> Vec<String> {
    use crate::i18n::{t, tf};
    let mut out = Vec::new();
    out.push(match &i.signer {
        import::Signer::Verified { org_name } => {
            tf(lang, "exchange.signer_verified", &[("org", org_name)])
        }
        import::Signer::Unknown { fingerprint } => tf(
            lang,
            "exchange.signer_unknown",
            &[("fingerprint", fingerprint)],
        ),
        import::Signer::Revoked { org_name } => {
            tf(lang, "exchange.signer_revoked", &[("org", org_name)])
        }
        import::Signer::BadSignature => t(lang, "exchange.signer_bad").to_string(),
    });
    let Some(m) = &i.manifest else {
        out.push(t(lang, "bundle_refusal.bad_manifest").to_string());
        return out;
    };
    let show = crate::domain::text::for_display;
    let tier = |code: &str| -> String {
        Tier::parse(code)
            .map(|t| t.label_key())
            .map(|k| t(lang, k).to_string())
            .unwrap_or_else(|_| show(code))
    };
    out.push(tf(
        lang,
        "exchange.inspect_parties",
        &[
            ("from", &show(&m.sender.org_code)),
            ("from_tier", &tier(&m.sender.tier)),
            ("to", &show(&m.destination.org_code)),
            ("to_tier", &tier(&m.destination.tier)),
        ],
    ));
    out.push(tf(
        lang,
        "exchange.inspect_bundle",
        &[
            ("id", &show(&m.bundle_id)),
            ("version", &show(&m.version)),
            ("epoch", &m.epoch.to_string()),
            ("seq", &m.bundle_seq.to_string()),
            ("created", &show(&m.created_at)),
            (
                "demo",
                t(
                    lang,
                    if m.demo {
                        "exchange.yes"
                    } else {
                        "exchange.no"
                    },
                ),
            ),
        ],
    ));
    out.push(tf(
        lang,
        "exchange.inspect_counts",
        &[
            ("entries", &m.entries.to_string()),
            ("attachments", &m.attachments.to_string()),
            ("size", &m.payload.size.to_string()),
            (
                "escrow",
                t(
                    lang,
                    if m.payload.escrow {
                        "exchange.yes"
                    } else {
                        "exchange.no"
                    },
                ),
            ),
        ],
    ));
    for r in &m.ranges {
        out.push(tf(
            lang,
            "exchange.inspect_range",
            &[
                ("origin", &origin_name(store, tree, &r.origin)),
                ("epoch", &r.epoch.to_string()),
                ("from", &r.from.to_string()),
                ("to", &r.to.to_string()),
                ("entries", &r.entries.to_string()),
            ],
        ));
    }
    out.push(
        t(
            lang,
            if i.imported {
                "exchange.inspect_imported"
            } else if i.for_us {
                "exchange.inspect_for_us"
            } else {
                "exchange.inspect_not_for_us"
            },
        )
        .to_string(),
    );
    out
}
