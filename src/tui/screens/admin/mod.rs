//! 系统设置: the workstation, its users, the first set-up and the audit log.

pub mod audit;
pub mod settings;
pub mod setup;
pub mod users;
