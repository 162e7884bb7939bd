//! The CPAS's identity providers, the people linked to them, and the sign-ins under way.

use api_types as wire;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, Bool, Bytea, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use uuid::Uuid;

use super::DbResult;
use super::schema::identity_providers;
use super::stored::Stored;
use crate::secrets::Sealed;

/// A provider as the login page shows it.
#[derive(QueryableByName)]
struct SignInProviderRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = Text)]
    cpas_name: String,
    #[diesel(sql_type = Text)]
    cpas_slug: String,
}

/// The enabled providers, of one CPAS (by its slug) or of all.
pub fn sign_in_providers(
    conn: &mut PgConnection,
    cpas_slug: Option<&str>,
) -> DbResult<Vec<wire::SignInProvider>> {
    let rows: Vec<SignInProviderRow> = diesel::sql_query(
        "SELECT p.id, p.label, t.name AS cpas_name, t.slug AS cpas_slug
         FROM identity_providers p JOIN tenants t ON t.id = p.tenant_id
         WHERE p.enabled AND ($1::text IS NULL OR t.slug = $1)
         ORDER BY t.name, p.label",
    )
    .bind::<Nullable<Text>, _>(cpas_slug)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| wire::SignInProvider {
            id: r.id,
            label: r.label,
            cpas_name: r.cpas_name,
            cpas_slug: r.cpas_slug,
        })
        .collect())
}

/// A provider as stored, its client secret sealed.
#[derive(QueryableByName, Clone)]
pub struct ProviderRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub tenant_id: Uuid,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Text)]
    pub issuer: String,
    #[diesel(sql_type = Text)]
    pub client_id: String,
    #[diesel(sql_type = Nullable<Bytea>)]
    pub client_secret_sealed: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub client_secret_key_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub scopes: String,
    #[diesel(sql_type = Bool)]
    pub enabled: bool,
    #[diesel(sql_type = Bool)]
    pub new_accounts: bool,
    #[diesel(sql_type = Text)]
    pub new_account_role: Stored<wire::Role>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub new_account_organisation_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub new_account_domain: Option<String>,
    #[diesel(sql_type = Integer)]
    pub linked_accounts: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    pub version: i32,
}

impl ProviderRow {
    pub fn sealed_secret(&self) -> Option<Sealed> {
        Some(Sealed {
            key_id: self.client_secret_key_id.clone()?,
            bytes: self.client_secret_sealed.clone()?,
        })
    }

    /// As its DG sees it.
    pub fn into_wire(self, redirect_uri: &str) -> wire::IdentityProvider {
        wire::IdentityProvider {
            id: self.id,
            has_client_secret: self.client_secret_sealed.is_some(),
            label: self.label,
            issuer: self.issuer,
            client_id: self.client_id,
            scopes: self.scopes,
            enabled: self.enabled,
            new_accounts: self.new_accounts,
            new_account_role: self.new_account_role.0,
            new_account_organisation_id: self.new_account_organisation_id,
            new_account_domain: self.new_account_domain,
            redirect_uri: redirect_uri.to_owned(),
            linked_accounts: u32::try_from(self.linked_accounts).unwrap_or(0),
            created_at: self.created_at,
            version: self.version,
        }
    }
}

const PROVIDER_COLUMNS: &str = "p.id, p.tenant_id, p.label, p.issuer, p.client_id,
    p.client_secret_sealed, p.client_secret_key_id, p.scopes, p.enabled, p.new_accounts,
    p.new_account_role, p.new_account_organisation_id, p.new_account_domain,
    (SELECT count(*)::int FROM user_identities i WHERE i.provider_id = p.id) AS linked_accounts,
    p.created_at, p.version";

/// One provider, of any CPAS (the sign-in's own lookups), or of `tenant` only.
pub fn provider(
    conn: &mut PgConnection,
    id: Uuid,
    tenant: Option<Uuid>,
) -> DbResult<Option<ProviderRow>> {
    Ok(diesel::sql_query(format!(
        "SELECT {PROVIDER_COLUMNS} FROM identity_providers p
         WHERE p.id = $1 AND ($2::uuid IS NULL OR p.tenant_id = $2)"
    ))
    .bind::<SqlUuid, _>(id)
    .bind::<Nullable<SqlUuid>, _>(tenant)
    .get_result(conn)
    .optional()?)
}

/// The CPAS's providers, by label.
pub fn providers(conn: &mut PgConnection, tenant: Uuid) -> DbResult<Vec<ProviderRow>> {
    Ok(diesel::sql_query(format!(
        "SELECT {PROVIDER_COLUMNS} FROM identity_providers p WHERE p.tenant_id = $1
         ORDER BY p.label"
    ))
    .bind::<SqlUuid, _>(tenant)
    .load(conn)?)
}

/// A provider's settings as they will be written, all of them (`None` writes NULL). Its
/// issuer and client id are written once, when it is added.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = identity_providers, treat_none_as_null = true)]
pub struct ProviderFields<'a> {
    pub label: &'a str,
    pub client_secret_sealed: Option<&'a [u8]>,
    pub client_secret_key_id: Option<&'a str>,
    pub scopes: &'a str,
    pub enabled: bool,
    pub new_accounts: bool,
    pub new_account_role: Stored<wire::Role>,
    pub new_account_organisation_id: Option<Uuid>,
    pub new_account_domain: Option<&'a str>,
}

/// Adds a provider with the id its sealed secret is bound to.
pub fn insert_provider(
    conn: &mut PgConnection,
    id: Uuid,
    tenant: Uuid,
    (issuer, client_id): (&str, &str),
    fields: &ProviderFields<'_>,
) -> DbResult<()> {
    use identity_providers as p;
    diesel::insert_into(p::table)
        .values((
            p::id.eq(id),
            p::tenant_id.eq(tenant),
            p::issuer.eq(issuer),
            p::client_id.eq(client_id),
            fields,
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes a provider's settings if it is still at `version`; `false` when it is not.
pub fn update_provider(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    fields: &ProviderFields<'_>,
) -> DbResult<bool> {
    use identity_providers as p;
    let written = diesel::update(p::table.find(id).filter(p::version.eq(version)))
        .set((
            fields,
            p::updated_at.eq(diesel::dsl::now),
            p::version.eq(p::version + 1),
        ))
        .execute(conn)?;
    Ok(written == 1)
}

/// Removes a provider of `tenant`: its links, its sign-ins under way go with it; the
/// sessions it opened stay open (ending them is the DG's choice, from the accounts).
pub fn delete_provider(conn: &mut PgConnection, tenant: Uuid, id: Uuid) -> DbResult<bool> {
    let deleted =
        diesel::sql_query("DELETE FROM identity_providers WHERE id = $1 AND tenant_id = $2")
            .bind::<SqlUuid, _>(id)
            .bind::<SqlUuid, _>(tenant)
            .execute(conn)?;
    Ok(deleted == 1)
}

/// Keeps a sign-in under way until `expires_at`, and forgets those past theirs.
pub fn insert_login(
    conn: &mut PgConnection,
    state_hash: &[u8],
    provider: Uuid,
    nonce: &str,
    pkce_verifier: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    diesel::sql_query("DELETE FROM oidc_logins WHERE expires_at < now()").execute(conn)?;
    diesel::sql_query(
        "INSERT INTO oidc_logins (state_hash, provider_id, nonce, pkce_verifier, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind::<Bytea, _>(state_hash)
    .bind::<SqlUuid, _>(provider)
    .bind::<Text, _>(nonce)
    .bind::<Text, _>(pkce_verifier)
    .bind::<Timestamptz, _>(expires_at)
    .execute(conn)?;
    Ok(())
}

/// A sign-in under way, taken (deleted) as it is read: each state works once.
#[derive(QueryableByName)]
pub struct LoginUnderWay {
    #[diesel(sql_type = SqlUuid)]
    pub provider_id: Uuid,
    #[diesel(sql_type = Text)]
    pub nonce: String,
    #[diesel(sql_type = Text)]
    pub pkce_verifier: String,
}

pub fn take_login(conn: &mut PgConnection, state_hash: &[u8]) -> DbResult<Option<LoginUnderWay>> {
    Ok(diesel::sql_query(
        "DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > now()
         RETURNING provider_id, nonce, pkce_verifier",
    )
    .bind::<Bytea, _>(state_hash)
    .get_result(conn)
    .optional()?)
}

/// The account a provider's subject is linked to; its last use is noted.
pub fn linked_account(
    conn: &mut PgConnection,
    provider: Uuid,
    subject: &str,
) -> DbResult<Option<Uuid>> {
    #[derive(QueryableByName)]
    struct Linked {
        #[diesel(sql_type = SqlUuid)]
        user_id: Uuid,
    }
    let linked: Option<Linked> = diesel::sql_query(
        "UPDATE user_identities SET last_used_at = now()
         WHERE provider_id = $1 AND subject = $2 RETURNING user_id",
    )
    .bind::<SqlUuid, _>(provider)
    .bind::<Text, _>(subject)
    .get_result(conn)
    .optional()?;
    Ok(linked.map(|l| l.user_id))
}

/// The person account of this CPAS with this e-mail, not linked to this provider yet.
pub fn unlinked_account_by_email(
    conn: &mut PgConnection,
    provider: Uuid,
    tenant: Uuid,
    email: &str,
) -> DbResult<Option<Uuid>> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let found: Option<Found> = diesel::sql_query(
        "SELECT u.id FROM users u
         WHERE u.email = $1 AND u.tenant_id = $2 AND u.kind = 'person'
           AND NOT EXISTS (SELECT 1 FROM user_identities i
                           WHERE i.provider_id = $3 AND i.user_id = u.id)",
    )
    .bind::<Text, _>(email)
    .bind::<SqlUuid, _>(tenant)
    .bind::<SqlUuid, _>(provider)
    .get_result(conn)
    .optional()?;
    Ok(found.map(|f| f.id))
}

/// Links a provider's subject to an account.
pub fn link(conn: &mut PgConnection, provider: Uuid, subject: &str, user: Uuid) -> DbResult<()> {
    diesel::sql_query(
        "INSERT INTO user_identities (provider_id, subject, user_id) VALUES ($1, $2, $3)",
    )
    .bind::<SqlUuid, _>(provider)
    .bind::<Text, _>(subject)
    .bind::<SqlUuid, _>(user)
    .execute(conn)?;
    Ok(())
}

/// A password given to the person (`must_change_password`) is void once they sign in
/// through their provider: it was never theirs, and they need none.
pub fn void_given_password(conn: &mut PgConnection, user: Uuid, no_password: &str) -> DbResult<()> {
    diesel::sql_query(
        "UPDATE users SET password_hash = $2, must_change_password = false,
             updated_at = now(), version = version + 1
         WHERE id = $1 AND must_change_password",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(no_password)
    .execute(conn)?;
    Ok(())
}

/// Notes on a session opened through a provider which one, and where to sign out there.
pub fn mark_session(
    conn: &mut PgConnection,
    session: Uuid,
    provider: Uuid,
    end_session_url: Option<&str>,
) -> DbResult<()> {
    diesel::sql_query(
        "UPDATE sessions SET identity_provider_id = $2, end_session_url = $3 WHERE id = $1",
    )
    .bind::<SqlUuid, _>(session)
    .bind::<SqlUuid, _>(provider)
    .bind::<Nullable<Text>, _>(end_session_url)
    .execute(conn)?;
    Ok(())
}

/// Where to sign out at the provider that opened this session, if one did and says where.
pub fn end_session_url(conn: &mut PgConnection, session: Uuid) -> DbResult<Option<String>> {
    #[derive(QueryableByName)]
    struct EndSession {
        #[diesel(sql_type = Nullable<Text>)]
        end_session_url: Option<String>,
    }
    let found: Option<EndSession> =
        diesel::sql_query("SELECT end_session_url FROM sessions WHERE id = $1")
            .bind::<SqlUuid, _>(session)
            .get_result(conn)
            .optional()?;
    Ok(found.and_then(|f| f.end_session_url))
}

/// The client secrets a previous key sealed, for the key rotation at start.
#[derive(QueryableByName)]
pub struct SecretToReseal {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Bytea)]
    pub client_secret_sealed: Vec<u8>,
    #[diesel(sql_type = Text)]
    pub client_secret_key_id: String,
}

pub fn secrets_to_reseal(
    conn: &mut PgConnection,
    previous_key_ids: &[String],
) -> DbResult<Vec<SecretToReseal>> {
    Ok(diesel::sql_query(
        "SELECT id, client_secret_sealed, client_secret_key_id FROM identity_providers
         WHERE client_secret_key_id = ANY($1) FOR UPDATE",
    )
    .bind::<Array<Text>, _>(previous_key_ids)
    .load(conn)?)
}

pub fn store_resealed(conn: &mut PgConnection, id: Uuid, sealed: &Sealed) -> DbResult<()> {
    diesel::sql_query(
        "UPDATE identity_providers SET client_secret_sealed = $2, client_secret_key_id = $3
         WHERE id = $1",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Bytea, _>(&sealed.bytes)
    .bind::<Text, _>(&sealed.key_id)
    .execute(conn)?;
    Ok(())
}
