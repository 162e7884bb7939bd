pub mod action_page;
pub mod admin;
pub mod approvals_page;
pub mod dashboard_page;
pub mod lazy_pages;
pub mod login_page;
pub mod plan_page;
pub mod plans_page;
