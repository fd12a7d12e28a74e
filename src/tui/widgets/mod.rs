//! Widgets the screens are built from.

pub mod dialog;
pub mod filtered_table;
pub mod form;
pub mod progress;
pub mod table;
pub mod tabs;
pub mod text_field;
