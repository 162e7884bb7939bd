//! Liveness and readiness probes for the load balancer.

use actix_web::{get, web};
use api_types::{Health, Problem};
use diesel::RunQueryDsl;

use super::RequestDb;
use crate::error::ApiError;

/// The process is up and answering. Does not touch the database.
#[utoipa::path(
    operation_id = "check_health",tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".to_owned(),
    })
}

/// The instance can serve: the database answers.
#[utoipa::path(
    operation_id = "check_readiness",
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "The database is unreachable", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(db: RequestDb) -> Result<web::Json<Health>, ApiError> {
    db.run(|conn| {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map_err(|e| ApiError::Unavailable(e.to_string()))
    })
    .await?;
    Ok(web::Json(Health {
        status: "ok".to_owned(),
    }))
}
