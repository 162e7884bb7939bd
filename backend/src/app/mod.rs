//! The use cases: one module per capability. A use case owns its unit of work — the
//! transaction, the authorization ([`crate::authz`]), the rules ([`crate::domain`]) and the
//! data access ([`crate::db`]) — and answers with the wire types of `api_types` or an
//! [`ApiError`]. Routes do HTTP only and call one use case; jobs call use cases too.
//!
//! See `docs/ARCHITECTURE.md` for the layers and the dependency rule.

pub mod accounts;
pub mod actions;
pub mod attachments;
pub mod comments;
pub mod council;
pub mod demo;
pub mod integrations;
pub mod interchange;
pub mod notifications;
pub mod organisations;
pub mod periods;
pub mod plans;
pub mod preferences;
pub mod projections;
pub mod proposals;
pub mod reminders;
pub mod second_factor;
pub mod sectoral;
pub mod single_sign_on;
pub mod structure;
pub mod tasks;

use diesel::PgConnection;

use api_types::{ProblemCode, Role};

use crate::auth::Authenticated;
use crate::authz::Actor;
use crate::db::{Db, QueryStats};
use crate::domain::TenantId;
use crate::error::ApiError;

/// The database, bound to the current request so its statements are counted for the
/// `Server-Timing` header.
#[derive(Clone)]
pub struct RequestDb {
    db: Db,
    stats: QueryStats,
    /// Requests per minute allowed to one API token.
    token_rate_limit: u32,
}

impl RequestDb {
    pub fn new(db: Db, stats: QueryStats, token_rate_limit: TokenRateLimit) -> Self {
        Self {
            db,
            stats,
            token_rate_limit: token_rate_limit.0,
        }
    }

    /// The database for work done outside any request (the background workers): nobody
    /// reads its statement counts, and no API token is served through it.
    pub fn outside_request(db: Db) -> Self {
        Self::new(db, QueryStats::default(), TokenRateLimit::default())
    }

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
    ///
    /// A person whose password was given to them (`must_change_password`) is refused here,
    /// 403 `password_change_required`: every authenticated request passes through this one
    /// place, so no route can forget the rule. The few routes such a person needs use
    /// [`Self::run_as_before_password_change`] instead.
    pub async fn run_as<T, F>(&self, auth: &Authenticated, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection, &Actor) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run_authenticated(auth, PendingPasswordChange::Refused, f)
            .await
    }

    /// [`Self::run_as`] that also lets through a person who must still change their
    /// password or enrol a second step: only for what they need to do so — read `/me`,
    /// change the password, enrol the authenticator, see and end their own sessions, log
    /// out.
    pub async fn run_as_before_password_change<T, F>(
        &self,
        auth: &Authenticated,
        f: F,
    ) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection, &Actor) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run_authenticated(auth, PendingPasswordChange::Allowed, f)
            .await
    }

    async fn run_authenticated<T, F>(
        &self,
        auth: &Authenticated,
        pending: PendingPasswordChange,
        f: F,
    ) -> Result<T, ApiError>
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
                    Authenticated::User(claims) => accounts::actor_of_session(conn, claims)?,
                    Authenticated::ApiToken(hash) => {
                        integrations::actor_of_token(conn, hash, limit)?
                    }
                };
                if pending == PendingPasswordChange::Refused {
                    if actor.must_change_password {
                        return Err(ApiError::PasswordChangeRequired);
                    }
                    if actor.must_enrol_second_factor {
                        return Err(ApiError::SecondFactorEnrolmentRequired);
                    }
                }
                stats.mark_authenticated();
                f(conn, &actor)
            })
            .await
    }
}

/// The CPAS a request is about: the one it names, else the actor's own; administrators,
/// who have none, must name it.
pub(crate) fn tenant_of_request(
    actor: &Actor,
    requested: Option<uuid::Uuid>,
) -> Result<TenantId, ApiError> {
    match (actor.role, requested) {
        (_, Some(tenant)) => Ok(TenantId::new(tenant)),
        (Role::Admin, None) => Err(ApiError::invalid_field(
            "tenant_id",
            ProblemCode::Required,
            "name the CPAS",
        )),
        (_, None) => actor.tenant(),
    }
}

/// Whether a unit of work runs for a person who must still change their password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PendingPasswordChange {
    Refused,
    Allowed,
}

/// Requests per minute allowed to one API token (`PST_TOKEN_RATE_LIMIT`).
#[derive(Debug, Clone, Copy)]
pub struct TokenRateLimit(pub u32);

impl Default for TokenRateLimit {
    fn default() -> Self {
        Self(600)
    }
}
