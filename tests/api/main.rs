//! API tests: the server in-process, a fresh PostgreSQL database per test, HTTP in, JSON out.

mod account;
mod auth;
mod authz_matrix;
mod backup;
mod council;
mod database_outage;
mod errors;
mod faults;
mod follow_up;
mod graceful_shutdown;
mod hardening;
mod health;
mod import_limits;
mod input_checks;
mod integrations;
mod interchange;
mod measures;
mod openapi;
mod partner_loop;
mod plan_tree;
mod reminders;
mod search;
mod secrets;
mod seed_plans;
mod structure;
mod web_app;
