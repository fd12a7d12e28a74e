//! Pure types and rules: ids, validation, catalogue, org tree, permissions, state machines and
//! search. Nothing here touches a file, a database or a terminal.

pub mod agreement;
pub mod approval;
pub mod case;
pub mod catalogue;
pub mod clue;
pub mod credit_code;
pub mod date;
pub mod delivery;
pub mod document;
pub mod eligibility;
pub mod household;
pub mod id_number;
pub mod ledger;
pub mod money;
pub mod month;
pub mod org;
pub mod permission;
pub mod person;
pub mod pinyin_keys;
pub mod provider;
pub mod received;
pub mod record;
pub mod roster;
pub mod scope;
pub mod search;
pub mod service;
pub mod settlement;
pub mod statistics;
pub mod supervision;
pub mod task;
pub mod text;
pub mod timeliness;
pub mod transfer;
pub mod transition;
pub mod validation;
