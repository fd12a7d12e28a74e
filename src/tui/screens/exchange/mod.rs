//! 数据交换: peers, bundles sent and received, and their files.

pub mod files;
pub mod overview;

use crate::app::exchange::{Direction, PeerStatus};
use crate::domain::org::Tier;
use crate::i18n::{t, Lang};
use crate::tui::text::safe;

/// The full tier name (社区（村）).
fn tier_long(lang: Lang, tier: &str) -> String {
    Tier::parse(tier)
        .map(|x| t(lang, x.label_key()).to_string())
        .unwrap_or_else(|_| safe(tier))
}

/// 上级 / 下级 / 不相关.
fn relation(lang: Lang, d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::Up) => t(lang, "exchange_screen.up"),
        Some(Direction::Down) => t(lang, "exchange_screen.down"),
        None => t(lang, "exchange_screen.unrelated"),
    }
}

/// True for a peer key that still counts: neither revoked nor replaced.
fn current(p: &PeerStatus) -> bool {
    p.peer.revoked_at.is_none() && p.peer.replaced_by.is_none()
}
