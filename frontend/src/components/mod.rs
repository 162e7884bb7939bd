pub mod action_item;
pub mod failure;
