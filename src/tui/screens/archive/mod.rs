//! 三、建立档案: the person list, one person's file, its documents, household and merges, and the prints of a case.

pub mod household;
pub mod merge;
pub mod person_detail;
pub mod person_documents;
pub mod person_form;
pub mod person_list;
pub mod print_menu;
