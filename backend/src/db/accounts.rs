//! Accounts, sessions, refresh tokens and login throttling.

use api_types as wire;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{login_failures, organisations, refresh_tokens, sessions, tenants, users};
use super::stored::Stored;
use super::{DbError, DbResult, stored};
use crate::domain::TenantId;

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

/// Failed logins of one attempt's e-mail and client address since a moment.
#[derive(Debug, Clone, Copy)]
pub struct RecentFailures {
    /// On the account, from any address.
    pub of_account: i64,
    /// From the address, on any account.
    pub from_address: i64,
    /// On the account from the address.
    pub of_account_from_address: i64,
    /// When the oldest of them happened.
    pub oldest: Option<DateTime<Utc>>,
}

/// The failed logins on `email` or from `client_ip` since `since`, counted in one statement.
pub fn recent_failures(
    conn: &mut PgConnection,
    email: &str,
    client_ip: &str,
    since: DateTime<Utc>,
) -> DbResult<RecentFailures> {
    let (of_account, from_address, of_account_from_address, oldest) = login_failures::table
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
            diesel::dsl::sql::<diesel::sql_types::BigInt>("count(*) FILTER (WHERE client_ip = ")
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
    Ok(RecentFailures {
        of_account,
        from_address,
        of_account_from_address,
        oldest,
    })
}

/// Records a failed login, and forgets failures older than a day.
pub fn record_failure(conn: &mut PgConnection, email: &str, client_ip: &str) -> DbResult<()> {
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

pub fn find_credentials(conn: &mut PgConnection, email: &str) -> DbResult<Option<Credentials>> {
    // Integrations' accounts have no password: they act through API tokens only.
    Ok(users::table
        .filter(users::email.eq(email))
        .filter(users::kind.eq("person"))
        .select(Credentials::as_select())
        .first(conn)
        .optional()?)
}

/// The sign-in credentials of a person account, by id.
pub fn credentials_of(conn: &mut PgConnection, user: Uuid) -> DbResult<Option<Credentials>> {
    Ok(users::table
        .find(user)
        .filter(users::kind.eq("person"))
        .select(Credentials::as_select())
        .first(conn)
        .optional()?)
}

/// Opens a session of `user` until `expires_at`, and records the login; returns the
/// session's id. `user_agent` is the browser's, already shortened, shown in the person's
/// list of sessions.
pub fn open_session(
    conn: &mut PgConnection,
    user: &Credentials,
    expires_at: DateTime<Utc>,
    user_agent: Option<&str>,
    signed_in_with: wire::SignInMethod,
    second_factor_pending: bool,
) -> DbResult<Uuid> {
    let session_id: Uuid = diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user.id),
            sessions::tenant_id.eq(user.tenant_id),
            sessions::expires_at.eq(expires_at),
            sessions::user_agent.eq(user_agent),
            sessions::signed_in_with.eq(Stored(signed_in_with)),
            sessions::second_factor_pending.eq(second_factor_pending),
        ))
        .returning(sessions::id)
        .get_result(conn)?;
    diesel::update(users::table.find(user.id))
        .set(users::last_login_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(session_id)
}

/// Stores the hash of a session's new refresh token.
pub fn insert_refresh_token(
    conn: &mut PgConnection,
    hash: &[u8],
    session_id: Uuid,
    tenant_id: Option<Uuid>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::tenant_id.eq(tenant_id),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A refresh token as stored, locked until the end of the transaction.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
pub struct RefreshTokenRow {
    pub used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub session_id: Uuid,
}

/// The refresh token of this hash, locked (`FOR UPDATE`): a token traded twice at once is
/// traded once.
pub fn lock_refresh_token(
    conn: &mut PgConnection,
    hash: &[u8],
) -> DbResult<Option<RefreshTokenRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshTokenRow::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

/// Whether the session is open (neither revoked nor expired), and its account.
pub fn session_account(conn: &mut PgConnection, session_id: Uuid) -> DbResult<(bool, Credentials)> {
    Ok(sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .select((
            sessions::revoked_at
                .is_null()
                .and(sessions::expires_at.gt(Utc::now())),
            Credentials::as_select(),
        ))
        .first(conn)?)
}

/// Marks a refresh token traded, and extends its session until `expires_at`.
pub fn trade_refresh_token(
    conn: &mut PgConnection,
    hash: &[u8],
    session_id: Uuid,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    diesel::update(refresh_tokens::table.find(hash))
        .set(refresh_tokens::used_at.eq(Utc::now()))
        .execute(conn)?;
    diesel::update(sessions::table.find(session_id))
        .set((
            sessions::refreshed_at.eq(Utc::now()),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn revoke_session(conn: &mut PgConnection, session_id: Uuid, reason: &str) -> DbResult<()> {
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
) -> DbResult<()> {
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
) -> DbResult<Vec<wire::SessionInfo>> {
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
            signed_in_with: row.signed_in_with,
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
    #[diesel(deserialize_as = Stored<wire::SignInMethod>)]
    signed_in_with: wire::SignInMethod,
}

/// Ends one open session of `user_id`: its access tokens are refused from the next request
/// ([`session_account_now`]) and its refresh token no longer buys a pair. Anyone else's
/// session, or one already ended, is not found.
pub fn end_own_session(conn: &mut PgConnection, user_id: Uuid, session_id: Uuid) -> DbResult<()> {
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
        return Err(DbError::NotFound("session"));
    }
    Ok(())
}

/// Why a session ended when its owner ended it from another one (`sessions.revoked_reason`).
pub const ENDED_BY_OWNER: &str = "ended_by_owner";

/// An account as it is now, reached through one of its open sessions.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct SessionAccount {
    pub tenant_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    #[diesel(deserialize_as = Stored<wire::Role>)]
    pub role: wire::Role,
    pub active: bool,
    pub must_change_password: bool,
    /// The session was opened while the CPAS required a second step the person had not
    /// enrolled: they enrol before anything else.
    #[diesel(select_expression = sessions::second_factor_pending)]
    #[diesel(select_expression_type = sessions::second_factor_pending)]
    pub second_factor_pending: bool,
}

/// The account `user_id` if `session_id` is one of its sessions and still open (neither
/// revoked nor expired). One statement.
pub fn session_account_now(
    conn: &mut PgConnection,
    user_id: Uuid,
    session_id: Uuid,
) -> DbResult<Option<SessionAccount>> {
    Ok(users::table
        .inner_join(sessions::table)
        .filter(users::id.eq(user_id))
        .filter(sessions::id.eq(session_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(Utc::now()))
        .select(SessionAccount::as_select())
        .first(conn)
        .optional()?)
}

type UserWithRefs = (
    UserRow,
    Option<(Uuid, String, String)>,
    Option<(Uuid, String, String)>,
);

/// Users with their tenant and organisation, filtered.
pub fn list_users(conn: &mut PgConnection, tenant: Option<TenantId>) -> DbResult<Vec<wire::User>> {
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
) -> DbResult<wire::User> {
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
        .ok_or(DbError::NotFound("user"))
}

fn to_wire_user((user, tenant, organisation): UserWithRefs) -> DbResult<wire::User> {
    Ok(wire::User {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        tenant: tenant.map(|(id, slug, name)| wire::TenantRef { id, slug, name }),
        organisation: organisation
            .map(|(id, name, kind)| {
                Ok::<_, DbError>(wire::OrganisationSummary {
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

/// Inserts a user. A taken e-mail, an organisation of another CPAS and a partner without
/// organisation are refused by the schema (see `crate::error::CONSTRAINT_REFUSALS`).
pub fn insert_user(conn: &mut PgConnection, new: &NewUserRow<'_>) -> DbResult<Uuid> {
    Ok(diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)?)
}

/// The name of a CPAS, if it exists.
pub fn tenant_name(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Option<String>> {
    Ok(tenants::table
        .find(tenant.get())
        .select(tenants::name)
        .first(conn)
        .optional()?)
}

/// The stored password hash of a user.
pub fn password_hash(conn: &mut PgConnection, user_id: Uuid) -> DbResult<String> {
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
) -> DbResult<()> {
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

/// Applies `changes` if the row is still at `expected_version` (when given); returns how
/// many rows changed (0: the version moved on).
pub fn update_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    expected_version: Option<i32>,
    changes: &UserChanges,
) -> DbResult<usize> {
    let mut query = diesel::update(users::table.find(user_id)).into_boxed();
    if let Some(version) = expected_version {
        query = query.filter(users::version.eq(version));
    }
    Ok(query
        .set((changes, users::version.eq(users::version + 1)))
        .execute(conn)?)
}

type IdentityRow = (
    Option<Stored<wire::Civility>>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn to_identity((civility, given_name, family_name, phone): IdentityRow) -> wire::PersonIdentity {
    wire::PersonIdentity {
        civility: civility.map(|c| c.0),
        given_name,
        family_name,
        phone,
    }
}

/// A person as official documents name them.
pub fn identity(conn: &mut PgConnection, user: Uuid) -> DbResult<wire::PersonIdentity> {
    users::table
        .find(user)
        .select((
            users::civility,
            users::given_name,
            users::family_name,
            users::phone,
        ))
        .first::<IdentityRow>(conn)
        .optional()?
        .map(to_identity)
        .ok_or(DbError::NotFound("user"))
}

/// Replaces a person's identity for official documents.
pub fn set_identity(
    conn: &mut PgConnection,
    user: Uuid,
    identity: &wire::PersonIdentity,
) -> DbResult<()> {
    let updated = diesel::update(users::table.find(user))
        .set((
            users::civility.eq(identity.civility.map(|c| c.as_str())),
            users::given_name.eq(&identity.given_name),
            users::family_name.eq(&identity.family_name),
            users::phone.eq(&identity.phone),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound("user"));
    }
    Ok(())
}

/// The identities and e-mail addresses of these people of the CPAS: one statement.
pub fn identities(
    conn: &mut PgConnection,
    tenant: TenantId,
    people: &[Uuid],
) -> DbResult<std::collections::HashMap<Uuid, (wire::PersonIdentity, String)>> {
    let rows: Vec<(Uuid, String, IdentityRow)> = users::table
        .filter(users::tenant_id.eq(tenant.get()))
        .filter(users::id.eq_any(people))
        .select((
            users::id,
            users::email,
            (
                users::civility,
                users::given_name,
                users::family_name,
                users::phone,
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, row)| (id, (to_identity(row), email)))
        .collect())
}

/// The active people of the CPAS (not its integration accounts), by name, with their
/// organisation's: whom a task is given to, whom a comment mentions. One statement.
pub fn active_people(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Vec<wire::PersonRef>> {
    let people: Vec<(Uuid, String, Option<String>)> = users::table
        .left_join(organisations::table.on(organisations::id.nullable().eq(users::organisation_id)))
        .filter(users::tenant_id.eq(tenant.get()))
        .filter(users::active)
        .filter(users::kind.eq("person"))
        .filter(users::role.ne(Stored(wire::Role::Admin)))
        .order((users::display_name, users::id))
        .select((
            users::id,
            users::display_name,
            organisations::name.nullable(),
        ))
        .load(conn)?;
    Ok(people
        .into_iter()
        .map(|(id, display_name, organisation)| wire::PersonRef {
            id,
            display_name,
            organisation,
        })
        .collect())
}
