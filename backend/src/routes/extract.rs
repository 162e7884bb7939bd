//! Extractors shared by the handlers.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use diesel::PgConnection;

use crate::auth::Authenticated;
use crate::authz::Actor;
use crate::db::{Db, QueryStats, accounts, integrations};
use crate::error::ApiError;

/// The database, bound to the current request so its statements are counted for the
/// `Server-Timing` header.
pub struct RequestDb {
    db: Db,
    stats: QueryStats,
    /// Requests per minute allowed to one API token.
    token_rate_limit: u32,
}

impl RequestDb {
    /// Runs one unit of work on a pooled connection, for nobody in particular (public
    /// routes, login).
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.db.run(&self.stats, f).await
    }

    /// Runs one unit of work on behalf of the token's user: first, on the same connection,
    /// the account is loaded and checked (active, session open, claims current), so a
    /// deactivation or a logout takes effect on the very next request.
    pub async fn run_as<T, F>(&self, auth: &Authenticated, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection, &Actor) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let auth = auth.clone();
        let stats = self.stats.clone();
        let limit = self.token_rate_limit;
        self.db
            .run(&self.stats, move |conn| {
                let actor = match &auth {
                    Authenticated::User(claims) => accounts::load_actor(conn, claims)?,
                    Authenticated::ApiToken(hash) => {
                        integrations::load_token_actor(conn, hash, limit)?
                    }
                };
                stats.mark_authenticated();
                f(conn, &actor)
            })
            .await
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
        let token_rate_limit = req
            .app_data::<web::Data<TokenRateLimit>>()
            .map_or(TokenRateLimit::default().0, |l| l.0);
        ready(
            db.map(|db| Self {
                db,
                stats,
                token_rate_limit,
            })
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database configured"))),
        )
    }
}

/// Requests per minute allowed to one API token (`PST_TOKEN_RATE_LIMIT`).
#[derive(Debug, Clone, Copy)]
pub struct TokenRateLimit(pub u32);

impl Default for TokenRateLimit {
    fn default() -> Self {
        Self(600)
    }
}
