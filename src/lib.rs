//! jiuzhu (救助): the workstation for service-type social assistance in Qingyunpu District.
//!
//! Layers, arrows only downward: `cli` and `tui` call `app`; `app` calls `store`, `sync` and
//! `report`; everything may use `domain` and `i18n`.

pub mod app;
pub mod cli;
pub mod domain;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod report;
pub mod store;
pub mod sync;
pub mod tui;
