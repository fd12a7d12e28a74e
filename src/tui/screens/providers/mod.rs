//! 服务资源: the provider registry and the agreements providers serve under.

pub mod agreements;
pub mod registry;
pub mod settlements;
