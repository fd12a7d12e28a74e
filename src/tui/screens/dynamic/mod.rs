//! 五、动态管理: the monthly roster, the follow-up tasks it leaves, and transfers between communities.

pub mod roster;
pub mod tasks;
pub mod transfer;
