//! Printable and spreadsheet output: forms, cards and lists built from records. Pure
//! functions of the data they are given; the `app` layer decides who may print what and
//! writes the files.

pub mod forms;
pub mod layout;
pub mod lists;
pub mod receipt;
pub mod settlement;
pub mod statistics;
pub mod subsidy;
pub mod xlsx;
