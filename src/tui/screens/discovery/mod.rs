//! 一、主动发现: the clue list, a clue and the clue form.

pub mod clue_detail;
pub mod clue_form;
pub mod clue_list;
