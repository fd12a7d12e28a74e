//! 六、监督管理: postings, complaints and inspections, and the statistics.

pub mod oversight;
pub mod statistics;
pub mod timeliness;
