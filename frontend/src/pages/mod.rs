pub mod login_page;
pub mod plan_page;
pub mod plans_page;
