//! Accounts, sessions, refresh tokens and login throttling.

use std::time::Duration;

use api_types as wire;
use api_types::ProblemCode;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{login_failures, organisations, refresh_tokens, sessions, tenants, users};
use super::stored;
use super::stored::Stored;
use crate::auth::tokens::{self, Claims};
use crate::authz::Actor;
use crate::domain::TenantId;
use crate::error::ApiError;

/// What login needs of an account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct Credentials {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    #[diesel(deserialize_as = Stored<wire::Role>)]
    pub role: wire::Role,
    pub password_hash: String,
    pub active: bool,
}

/// A user row as the API shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRow {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub email: String,
    pub display_name: String,
    #[diesel(deserialize_as = Stored<wire::Role>)]
    pub role: wire::Role,
    pub must_change_password: bool,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub tenant_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Stored<wire::Role>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

/// Failed logins allowed per account and per client address within [`THROTTLE_WINDOW`].
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account: i64,
    pub per_address: i64,
}

/// The window failed logins are counted over.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(60);

fn window_start() -> DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(THROTTLE_WINDOW).unwrap_or_default()
}

/// Refuses with 429 when the address failed too often in the window, or when the account
/// did and this address is among those that failed on it.
///
/// Why not lock the account outright: anyone who knows an e-mail could then keep its owner
/// out with ten wrong passwords a minute. Instead, once an account is over its limit, only
/// the addresses that took part in the guessing wait; its owner, from an address that has
/// not failed on it, still logs in. Each address stays bounded by its own limit, so a
/// guesser gains one try per new address and per window, no more.
pub fn check_throttle(
    conn: &mut PgConnection,
    email: &str,
    client_ip: &str,
    limits: ThrottleLimits,
) -> Result<(), ApiError> {
    let since = window_start();
    let (by_email, by_ip, by_both, oldest): (i64, i64, i64, Option<DateTime<Utc>>) =
        login_failures::table
            .filter(login_failures::at.gt(since))
            .filter(
                login_failures::email
                    .eq(email)
                    .or(login_failures::client_ip.eq(client_ip)),
            )
            .select((
                diesel::dsl::sql::<diesel::sql_types::BigInt>("count(*) FILTER (WHERE email = ")
                    .bind::<diesel::sql_types::Text, _>(email)
                    .sql(")"),
                diesel::dsl::sql::<diesel::sql_types::BigInt>(
                    "count(*) FILTER (WHERE client_ip = ",
                )
                .bind::<diesel::sql_types::Text, _>(client_ip)
                .sql(")"),
                diesel::dsl::sql::<diesel::sql_types::BigInt>("count(*) FILTER (WHERE email = ")
                    .bind::<diesel::sql_types::Text, _>(email)
                    .sql(" AND client_ip = ")
                    .bind::<diesel::sql_types::Text, _>(client_ip)
                    .sql(")"),
                diesel::dsl::min(login_failures::at),
            ))
            .first(conn)?;
    let account_guessed_from_here = by_email >= limits.per_account && by_both > 0;
    if account_guessed_from_here || by_ip >= limits.per_address {
        let retry_after = oldest.map_or(THROTTLE_WINDOW.as_secs(), |oldest| {
            let free_at = oldest + chrono::Duration::from_std(THROTTLE_WINDOW).unwrap_or_default();
            u64::try_from((free_at - Utc::now()).num_seconds()).unwrap_or(0) + 1
        });
        return Err(ApiError::TooManyRequests { retry_after });
    }
    Ok(())
}

/// Records a failed login, and forgets failures older than a day.
pub fn record_failure(
    conn: &mut PgConnection,
    email: &str,
    client_ip: &str,
) -> Result<(), ApiError> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email.eq(email),
            login_failures::client_ip.eq(client_ip),
        ))
        .execute(conn)?;
    diesel::delete(
        login_failures::table.filter(login_failures::at.lt(Utc::now() - chrono::Duration::days(1))),
    )
    .execute(conn)?;
    Ok(())
}

pub fn find_credentials(
    conn: &mut PgConnection,
    email: &str,
) -> Result<Option<Credentials>, ApiError> {
    // Integrations' accounts have no password: they act through API tokens only.
    Ok(users::table
        .filter(users::email.eq(email))
        .filter(users::kind.eq("person"))
        .select(Credentials::as_select())
        .first(conn)
        .optional()?)
}

/// Opens a session for a user who just proved who they are; returns the tokens.
/// `user_agent` is the browser's, already shortened, shown in the person's list of sessions.
pub fn open_session(
    conn: &mut PgConnection,
    secret: &tokens::JwtSecret,
    user: &Credentials,
    user_agent: Option<&str>,
) -> Result<wire::TokenResponse, ApiError> {
    conn.transaction(|conn| {
        let expires_at = refresh_expiry();
        let session_id: Uuid = diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(user.id),
                sessions::tenant_id.eq(user.tenant_id),
                sessions::expires_at.eq(expires_at),
                sessions::user_agent.eq(user_agent),
            ))
            .returning(sessions::id)
            .get_result(conn)?;
        diesel::update(users::table.find(user.id))
            .set(users::last_login_at.eq(Utc::now()))
            .execute(conn)?;
        token_pair(conn, secret, user, session_id)
    })
}

fn refresh_expiry() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(tokens::REFRESH_TTL).unwrap_or_default()
}

fn token_pair(
    conn: &mut PgConnection,
    secret: &tokens::JwtSecret,
    user: &Credentials,
    session_id: Uuid,
) -> Result<wire::TokenResponse, ApiError> {
    let (refresh_token, hash) = tokens::new_refresh_token()?;
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::tenant_id.eq(user.tenant_id),
            refresh_tokens::expires_at.eq(refresh_expiry()),
        ))
        .execute(conn)?;
    let access_token = tokens::issue_access(
        secret,
        user.id,
        session_id,
        user.tenant_id,
        user.role,
        user.organisation_id,
    )?;
    Ok(wire::TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: tokens::ACCESS_TTL.as_secs(),
    })
}

/// Trades a refresh token for a new pair. A token used twice means it leaked: the whole
/// session is revoked (its revocation is committed even though the call fails).
pub fn refresh(
    conn: &mut PgConnection,
    secret: &tokens::JwtSecret,
    refresh_token: &str,
) -> Result<wire::TokenResponse, ApiError> {
    enum Outcome {
        Issued(wire::TokenResponse),
        Refused(ProblemCode),
    }
    let hash = tokens::hash_refresh_token(refresh_token);
    let outcome = conn.transaction(|conn| -> Result<Outcome, ApiError> {
        let found: Option<(Option<DateTime<Utc>>, DateTime<Utc>, Uuid)> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(&hash))
            .select((
                refresh_tokens::used_at,
                refresh_tokens::expires_at,
                refresh_tokens::session_id,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((used_at, expires_at, session_id)) = found else {
            return Ok(Outcome::Refused(ProblemCode::InvalidRefreshToken));
        };
        if used_at.is_some() {
            revoke_session(conn, session_id, "refresh_token_reuse")?;
            return Ok(Outcome::Refused(ProblemCode::RefreshTokenReused));
        }
        let (session_open, user): (bool, Credentials) = sessions::table
            .inner_join(users::table)
            .filter(sessions::id.eq(session_id))
            .select((
                sessions::revoked_at
                    .is_null()
                    .and(sessions::expires_at.gt(Utc::now())),
                Credentials::as_select(),
            ))
            .first(conn)?;
        if !session_open || !user.active || expires_at <= Utc::now() {
            return Ok(Outcome::Refused(ProblemCode::InvalidRefreshToken));
        }
        diesel::update(refresh_tokens::table.find(&hash))
            .set(refresh_tokens::used_at.eq(Utc::now()))
            .execute(conn)?;
        diesel::update(sessions::table.find(session_id))
            .set((
                sessions::refreshed_at.eq(Utc::now()),
                sessions::expires_at.eq(refresh_expiry()),
            ))
            .execute(conn)?;
        Ok(Outcome::Issued(token_pair(
            conn, secret, &user, session_id,
        )?))
    })?;
    match outcome {
        Outcome::Issued(pair) => Ok(pair),
        Outcome::Refused(code) => Err(ApiError::Unauthenticated(code)),
    }
}

pub fn revoke_session(
    conn: &mut PgConnection,
    session_id: Uuid,
    reason: &str,
) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(Utc::now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// Revokes every open session of a user, but `keep`.
pub fn revoke_sessions_of(
    conn: &mut PgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(keep.unwrap_or_else(Uuid::nil))),
    )
    .set((
        sessions::revoked_at.eq(Utc::now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// The open sessions of a user, the most recently used first; `current` is the caller's.
pub fn list_sessions(
    conn: &mut PgConnection,
    user_id: Uuid,
    current: Uuid,
) -> Result<Vec<wire::SessionInfo>, ApiError> {
    let rows: Vec<SessionRow> = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(Utc::now()))
        .order((sessions::refreshed_at.desc(), sessions::id))
        .select(SessionRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| wire::SessionInfo {
            id: row.id,
            started_at: row.created_at,
            // Refreshed whenever the client trades its refresh token: within 15 minutes
            // of its last use.
            last_used_at: row.refreshed_at,
            user_agent: row.user_agent,
            current: row.id == current,
        })
        .collect())
}

/// A session as its owner's list shows it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    id: Uuid,
    created_at: DateTime<Utc>,
    refreshed_at: DateTime<Utc>,
    user_agent: Option<String>,
}

/// Ends one open session of `user_id`: its access tokens are refused from the next request
/// ([`load_actor`]) and its refresh token no longer buys a pair ([`refresh`]). Anyone
/// else's session, or one already ended, is not found.
pub fn end_own_session(
    conn: &mut PgConnection,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<(), ApiError> {
    let ended = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(Utc::now())),
    )
    .set((
        sessions::revoked_at.eq(Utc::now()),
        sessions::revoked_reason.eq(ENDED_BY_OWNER),
    ))
    .execute(conn)?;
    if ended == 0 {
        return Err(ApiError::NotFound {
            resource: "session",
        });
    }
    Ok(())
}

/// Why a session ended when its owner ended it from another one (`sessions.revoked_reason`).
pub const ENDED_BY_OWNER: &str = "ended_by_owner";

/// What [`load_actor`] reads of the account.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
struct ActorRow {
    tenant_id: Option<Uuid>,
    organisation_id: Option<Uuid>,
    #[diesel(deserialize_as = Stored<wire::Role>)]
    role: wire::Role,
    active: bool,
    must_change_password: bool,
}

/// The actor behind verified claims, as the database knows them now: the account must be
/// active, the session open, and the token's tenant, role and organisation current.
/// One statement.
pub fn load_actor(conn: &mut PgConnection, claims: &Claims) -> Result<Actor, ApiError> {
    let found: Option<ActorRow> = users::table
        .inner_join(sessions::table)
        .filter(users::id.eq(claims.sub))
        .filter(sessions::id.eq(claims.sid))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(Utc::now()))
        .select(ActorRow::as_select())
        .first(conn)
        .optional()?;
    let Some(ActorRow {
        tenant_id: tenant,
        organisation_id: organisation,
        role,
        active,
        must_change_password,
    }) = found
    else {
        return Err(ApiError::Unauthenticated(ProblemCode::SessionRevoked));
    };
    if !active {
        return Err(ApiError::Unauthenticated(ProblemCode::AccountDeactivated));
    }
    if tenant != claims.tenant || organisation != claims.org || role != claims.role {
        // The account changed since the token was issued: get a fresh one by refreshing.
        return Err(ApiError::Unauthenticated(ProblemCode::TokenStale));
    }
    Ok(Actor {
        user_id: claims.sub,
        role,
        tenant: tenant.map(TenantId::new),
        organisation,
        session_id: claims.sid,
        scopes: None,
        must_change_password,
    })
}

type UserWithRefs = (
    UserRow,
    Option<(Uuid, String, String)>,
    Option<(Uuid, String, String)>,
);

/// Users with their tenant and organisation, filtered.
pub fn list_users(
    conn: &mut PgConnection,
    tenant: Option<TenantId>,
) -> Result<Vec<wire::User>, ApiError> {
    let mut query = users::table
        .left_join(tenants::table)
        .left_join(organisations::table.on(organisations::id.nullable().eq(users::organisation_id)))
        .select((
            UserRow::as_select(),
            (tenants::id, tenants::slug, tenants::name).nullable(),
            (organisations::id, organisations::name, organisations::kind).nullable(),
        ))
        .filter(users::kind.eq("person"))
        .order((users::display_name, users::email))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(users::tenant_id.eq(tenant.get()));
    }
    let rows: Vec<UserWithRefs> = query.load(conn)?;
    rows.into_iter().map(to_wire_user).collect()
}

/// One user, if they are in `tenant` (any tenant when `None`).
pub fn get_user(
    conn: &mut PgConnection,
    id: Uuid,
    tenant: Option<TenantId>,
) -> Result<wire::User, ApiError> {
    let mut query = users::table
        .left_join(tenants::table)
        .left_join(organisations::table.on(organisations::id.nullable().eq(users::organisation_id)))
        .filter(users::id.eq(id))
        .select((
            UserRow::as_select(),
            (tenants::id, tenants::slug, tenants::name).nullable(),
            (organisations::id, organisations::name, organisations::kind).nullable(),
        ))
        .into_boxed();
    if let Some(tenant) = tenant {
        query = query.filter(users::tenant_id.eq(tenant.get()));
    }
    let row: Option<UserWithRefs> = query.first(conn).optional()?;
    row.map(to_wire_user)
        .transpose()?
        .ok_or(ApiError::NotFound { resource: "user" })
}

fn to_wire_user((user, tenant, organisation): UserWithRefs) -> Result<wire::User, ApiError> {
    Ok(wire::User {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        tenant: tenant.map(|(id, slug, name)| wire::TenantRef { id, slug, name }),
        organisation: organisation
            .map(|(id, name, kind)| {
                Ok::<_, ApiError>(wire::OrganisationSummary {
                    id,
                    name,
                    kind: stored(&kind)?,
                })
            })
            .transpose()?,
        active: user.active,
        must_change_password: user.must_change_password,
        last_login_at: user.last_login_at,
        created_at: user.created_at,
        version: user.version,
    })
}

/// Inserts a user; a taken e-mail is a 409.
pub fn insert_user(conn: &mut PgConnection, new: &NewUserRow<'_>) -> Result<Uuid, ApiError> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => ApiError::Conflict {
                code: ProblemCode::EmailTaken,
                detail: "an account with this e-mail already exists".to_owned(),
            },
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => ApiError::invalid_field(
                "organisation_id",
                ProblemCode::UnknownOrganisation,
                "no such organisation in this CPAS",
            ),
            other => other.into(),
        })
}

/// The stored password hash of a user.
/// The name of a CPAS, if it exists.
pub fn tenant_name(conn: &mut PgConnection, tenant: TenantId) -> Result<Option<String>, ApiError> {
    Ok(tenants::table
        .find(tenant.get())
        .select(tenants::name)
        .first(conn)
        .optional()?)
}

pub fn password_hash(conn: &mut PgConnection, user_id: Uuid) -> Result<String, ApiError> {
    Ok(users::table
        .find(user_id)
        .select(users::password_hash)
        .first(conn)?)
}

pub fn set_password(
    conn: &mut PgConnection,
    user_id: Uuid,
    hash: &str,
    must_change: bool,
) -> Result<(), ApiError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// The changes of `PATCH /users/{id}`, already checked.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Stored<wire::Role>>,
    pub organisation_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
}

/// Applies `changes` if the row is still at `expected_version` (when given).
pub fn update_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    expected_version: Option<i32>,
    changes: &UserChanges,
) -> Result<(), ApiError> {
    let mut query = diesel::update(users::table.find(user_id)).into_boxed();
    if let Some(version) = expected_version {
        query = query.filter(users::version.eq(version));
    }
    let updated = query
        .set((changes, users::version.eq(users::version + 1)))
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => ApiError::invalid_field(
                "organisation_id",
                ProblemCode::UnknownOrganisation,
                "no such organisation in this CPAS",
            ),
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::CheckViolation,
                _,
            ) => ApiError::invalid_field(
                "organisation_id",
                ProblemCode::Required,
                "partners must belong to an organisation",
            ),
            other => other.into(),
        })?;
    if updated == 0 {
        return Err(ApiError::Conflict {
            code: ProblemCode::VersionConflict,
            detail: "the account changed since you read it; reload and try again".to_owned(),
        });
    }
    Ok(())
}

/// Creates a platform administrator (the `create-admin` command).
pub fn create_admin(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    password: &str,
) -> Result<Uuid, ApiError> {
    let email = crate::domain::Email::parse(email, "email")?;
    let name = crate::domain::Label::parse(name, "name", 200)?;
    let owner = crate::auth::password::PasswordOwner {
        name: name.as_str(),
        email: email.as_str(),
        tenant_name: None,
    };
    let hash = crate::auth::password::NewPassword::parse(password, "password", &owner)?.hash()?;
    insert_user(
        conn,
        &NewUserRow {
            tenant_id: None,
            organisation_id: None,
            email: email.as_str(),
            display_name: name.as_str(),
            role: Stored(wire::Role::Admin),
            password_hash: &hash,
            must_change_password: false,
        },
    )
}
