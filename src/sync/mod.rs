//! Bundles between tiers: keys and public cards, the bundle file format, and the refusals of
//! a bundle that must not be imported. No SQL here: `app::exchange` joins this with `store`.
//!
//! The format is documented for people in `docs/bundle-format.md`.

pub mod format;
pub mod keys;
pub mod payload;
pub mod refusal;

pub use refusal::Refusal;
