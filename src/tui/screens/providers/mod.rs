//! 服务资源: the provider registry.

pub mod registry;
