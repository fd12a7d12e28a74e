//! Widgets the screens are built from.

pub mod dialog;
pub mod form;
pub mod table;
pub mod text_field;
