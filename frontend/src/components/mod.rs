pub mod action_item;
pub mod failure;
pub mod require_session;
