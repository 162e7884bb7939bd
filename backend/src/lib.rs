//! The PST server: a JSON API on PostgreSQL for the Plan Stratégique Transversal of Walloon
//! CPAS, and the host of the web app.

// diesel's batch insert of a wide row nests its types deeply.
#![recursion_limit = "256"]

pub mod app;
pub mod auth;
pub mod authz;
pub mod cache;
pub mod cli;
pub mod configuration;
pub mod db;
pub mod domain;
pub mod error;
pub mod file_store;
pub mod idempotency;
pub mod interchange;
pub mod jobs;
pub mod openapi;
pub mod report;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod telemetry;
pub mod texts;
pub mod web_app;
