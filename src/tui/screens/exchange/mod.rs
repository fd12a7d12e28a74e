//! 数据交换: peers, bundles sent and received, and their files.

pub mod files;
pub mod overview;
