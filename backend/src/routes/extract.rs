//! Extractors shared by the handlers.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use diesel::PgConnection;

use crate::db::{Db, QueryStats};
use crate::error::ApiError;

/// The database, bound to the current request so its statements are counted for the
/// `Server-Timing` header.
pub struct RequestDb {
    db: Db,
    stats: QueryStats,
}

impl RequestDb {
    /// Runs one unit of work on a pooled connection.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.db.run(&self.stats, f).await
    }
}

impl FromRequest for RequestDb {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let db = req
            .app_data::<web::Data<Db>>()
            .map(|db| db.get_ref().clone());
        let stats = req
            .extensions()
            .get::<QueryStats>()
            .cloned()
            .unwrap_or_default();
        ready(
            db.map(|db| Self { db, stats })
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database configured"))),
        )
    }
}
