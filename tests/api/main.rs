//! API tests: the server in-process, a fresh PostgreSQL database per test, HTTP in, JSON out.

mod auth;
mod authz_matrix;
mod database_outage;
mod errors;
mod health;
mod openapi;
mod plan_tree;
mod seed_plans;
mod web_app;
