pub mod action_item;
pub mod failure;
pub mod plan_documents;
pub mod progress_bar;
pub mod propose_form;
pub mod require_session;
pub mod status_chip;
pub mod tree_filter;
