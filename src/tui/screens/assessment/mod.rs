//! 二、需求认定 (and the case steps of 动态管理): the case list, one case and its service plan.

pub mod case_detail;
pub mod case_list;
pub mod plan_form;
