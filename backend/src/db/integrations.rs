//! API tokens, webhooks and their outbox of deliveries.

use api_types as wire;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use serde_json::{Value, json};
use uuid::Uuid;

use super::schema::{
    api_token_usage, api_tokens, idempotency_keys, organisations, users, webhook_deliveries,
    webhook_endpoints,
};
use super::stored::Stored;
use super::{DbError, DbResult, stored};
use crate::domain::TenantId;
use crate::secrets::{self, Keyring, Sealed, SecretsError};

// ---------------------------------------------------------------------------------------
// API tokens

/// An API token as stored (its hash aside).
#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub organisation_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    /// What the token may do.
    pub fn scopes(&self) -> DbResult<Vec<wire::ApiScope>> {
        stored_scopes(&self.scopes)
    }
}

/// A token presented with a request, and its integration account.
pub struct TokenOfRequest {
    pub token: TokenRow,
    pub role: wire::Role,
    /// The account is an integration's (a person's account never acts through a token).
    pub integration: bool,
    pub account_active: bool,
}

/// The token of this hash and its account, if any.
pub fn token_of_request(conn: &mut PgConnection, hash: &[u8]) -> DbResult<Option<TokenOfRequest>> {
    let row: Option<(TokenRow, Stored<wire::Role>, String, bool)> = api_tokens::table
        .inner_join(users::table.on(users::id.eq(api_tokens::user_id)))
        .filter(api_tokens::token_hash.eq(hash))
        .select((
            TokenRow::as_select(),
            users::role,
            users::kind,
            users::active,
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(token, Stored(role), kind, active)| TokenOfRequest {
            token,
            role,
            integration: kind == INTEGRATION,
            account_active: active,
        }),
    )
}

/// `users.kind` of the accounts API tokens act through.
const INTEGRATION: &str = "integration";

/// Counts one more request of a token in the window starting at `window_start`; returns
/// the window's count so far.
pub fn count_request(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    token_id: Uuid,
    window_start: DateTime<Utc>,
) -> DbResult<i32> {
    Ok(diesel::insert_into(api_token_usage::table)
        .values((
            api_token_usage::tenant_id.eq(tenant_id),
            api_token_usage::token_id.eq(token_id),
            api_token_usage::window_start.eq(window_start),
            api_token_usage::requests.eq(1),
        ))
        .on_conflict((
            api_token_usage::tenant_id,
            api_token_usage::token_id,
            api_token_usage::window_start,
        ))
        .do_update()
        .set(api_token_usage::requests.eq(api_token_usage::requests + 1))
        .returning(api_token_usage::requests)
        .get_result(conn)?)
}

/// Records when a token was last used.
pub fn record_token_use(
    conn: &mut PgConnection,
    token_id: Uuid,
    at: DateTime<Utc>,
) -> DbResult<()> {
    diesel::update(api_tokens::table.find(token_id))
        .set(api_tokens::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

fn wire_token(row: TokenRow, organisation: wire::OrganisationSummary) -> DbResult<wire::ApiToken> {
    Ok(wire::ApiToken {
        id: row.id,
        name: row.name,
        organisation,
        scopes: stored_scopes(&row.scopes)?,
        prefix: row.prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
    })
}

fn stored_scopes(scopes: &[String]) -> DbResult<Vec<wire::ApiScope>> {
    scopes.iter().map(|s| stored(s)).collect()
}

fn organisation_summary(
    (id, name, kind): (Uuid, String, String),
) -> DbResult<wire::OrganisationSummary> {
    Ok(wire::OrganisationSummary {
        id,
        name,
        kind: stored(&kind)?,
    })
}

/// The organisation `id`, if it is one of `tenant`.
pub fn organisation_of_tenant(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> DbResult<Option<wire::OrganisationSummary>> {
    organisations::table
        .filter(organisations::id.eq(id))
        .filter(organisations::tenant_id.eq(tenant.get()))
        .select((organisations::id, organisations::name, organisations::kind))
        .first(conn)
        .optional()?
        .map(organisation_summary)
        .transpose()
}

/// A token to store, with the account it acts through.
pub struct NewToken<'a> {
    pub tenant: TenantId,
    pub organisation: wire::OrganisationSummary,
    /// The account's role.
    pub role: wire::Role,
    pub name: &'a str,
    pub hash: &'a [u8],
    pub prefix: &'a str,
    pub scopes: &'a [&'a str],
    pub creator: Uuid,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Stores a token and creates the integration account it acts through.
pub fn insert_token(conn: &mut PgConnection, new: &NewToken<'_>) -> DbResult<wire::ApiToken> {
    let id = Uuid::new_v4();
    let account: Uuid = diesel::insert_into(users::table)
        .values((
            users::tenant_id.eq(new.tenant.get()),
            users::organisation_id.eq(new.organisation.id),
            users::email.eq(format!("token-{id}@integrations.invalid")),
            users::display_name.eq(format!("API : {}", new.name)),
            users::role.eq(Stored(new.role)),
            // No password opens it: it never signs in.
            users::password_hash.eq("!"),
            users::kind.eq(INTEGRATION),
        ))
        .returning(users::id)
        .get_result(conn)?;
    let row: TokenRow = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(id),
            api_tokens::tenant_id.eq(new.tenant.get()),
            api_tokens::organisation_id.eq(new.organisation.id),
            api_tokens::user_id.eq(account),
            api_tokens::name.eq(new.name),
            api_tokens::token_hash.eq(new.hash),
            api_tokens::prefix.eq(new.prefix),
            api_tokens::scopes.eq(new.scopes),
            api_tokens::created_by.eq(new.creator),
            api_tokens::expires_at.eq(new.expires_at),
        ))
        .returning(TokenRow::as_returning())
        .get_result(conn)?;
    wire_token(row, new.organisation.clone())
}

pub fn list_tokens(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Vec<wire::ApiToken>> {
    let rows: Vec<(TokenRow, (Uuid, String, String))> = api_tokens::table
        .inner_join(organisations::table)
        .filter(api_tokens::tenant_id.eq(tenant.get()))
        .order(api_tokens::created_at.desc())
        .select((
            TokenRow::as_select(),
            (organisations::id, organisations::name, organisations::kind),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(t, o)| wire_token(t, organisation_summary(o)?))
        .collect()
}

/// Revokes a token, and deactivates its account.
pub fn revoke_token(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<()> {
    let account: Uuid = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::tenant_id.eq(tenant.get())),
    )
    .set(api_tokens::revoked_at.eq(Some(Utc::now())))
    .returning(api_tokens::user_id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("API token"))?;
    diesel::update(users::table.find(account))
        .set(users::active.eq(false))
        .execute(conn)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Webhooks

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
struct EndpointRow {
    id: Uuid,
    url: String,
    description: Option<String>,
    events: Vec<String>,
    active: bool,
    created_at: DateTime<Utc>,
    version: i32,
}

fn wire_webhook(row: EndpointRow) -> DbResult<wire::Webhook> {
    Ok(wire::Webhook {
        id: row.id,
        url: row.url,
        description: row.description,
        events: row
            .events
            .iter()
            .map(|e| stored(e))
            .collect::<Result<_, _>>()?,
        active: row.active,
        created_at: row.created_at,
        version: row.version,
    })
}

/// Associated data of an endpoint's sealed secret: it opens in its own row only.
pub fn secret_aad(endpoint: Uuid) -> Vec<u8> {
    secrets::aad("webhook_endpoints.secret", &[endpoint.as_bytes()])
}

/// An endpoint to store.
pub struct NewEndpoint<'a> {
    /// Chosen by the caller: the sealed secret is bound to it.
    pub id: Uuid,
    pub tenant: TenantId,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub sealed: &'a Sealed,
    pub events: &'a [&'a str],
    pub creator: Uuid,
}

/// Stores an endpoint.
pub fn insert_webhook(conn: &mut PgConnection, new: &NewEndpoint<'_>) -> DbResult<wire::Webhook> {
    let row: EndpointRow = diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::id.eq(new.id),
            webhook_endpoints::tenant_id.eq(new.tenant.get()),
            webhook_endpoints::url.eq(new.url),
            webhook_endpoints::description.eq(new.description),
            webhook_endpoints::secret_sealed.eq(&new.sealed.bytes),
            webhook_endpoints::secret_key_id.eq(&new.sealed.key_id),
            webhook_endpoints::events.eq(new.events),
            webhook_endpoints::created_by.eq(new.creator),
        ))
        .returning(EndpointRow::as_returning())
        .get_result(conn)?;
    wire_webhook(row)
}

/// Replaces an endpoint's signing key (and drops any copy in clear).
pub fn replace_webhook_secret(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    sealed: &Sealed,
) -> DbResult<wire::Webhook> {
    let row: EndpointRow = diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::id.eq(id))
            .filter(webhook_endpoints::tenant_id.eq(tenant.get())),
    )
    .set((
        webhook_endpoints::secret.eq(None::<String>),
        webhook_endpoints::secret_sealed.eq(&sealed.bytes),
        webhook_endpoints::secret_key_id.eq(&sealed.key_id),
        webhook_endpoints::updated_at.eq(diesel::dsl::now),
        webhook_endpoints::version.eq(webhook_endpoints::version + 1),
    ))
    .returning(EndpointRow::as_returning())
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("webhook"))?;
    wire_webhook(row)
}

/// An endpoint's key as stored, to seal or re-seal.
pub struct SecretToSeal {
    pub id: Uuid,
    /// In clear: stored before sealing existed, or by an older instance.
    pub plaintext: Option<String>,
    pub sealed: Option<Vec<u8>>,
    pub key_id: Option<String>,
}

/// The keys stored in clear or sealed under one of `previous` keys, locked; rows another
/// instance has locked are skipped (it handles them).
pub fn secrets_to_seal(
    conn: &mut PgConnection,
    previous: &[String],
) -> DbResult<Vec<SecretToSeal>> {
    type Row = (Uuid, Option<String>, Option<Vec<u8>>, Option<String>);
    let rows: Vec<Row> = webhook_endpoints::table
        .filter(
            webhook_endpoints::secret
                .is_not_null()
                .or(webhook_endpoints::secret_key_id.eq_any(previous)),
        )
        .select((
            webhook_endpoints::id,
            webhook_endpoints::secret,
            webhook_endpoints::secret_sealed,
            webhook_endpoints::secret_key_id,
        ))
        .for_update()
        .skip_locked()
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, plaintext, sealed, key_id)| SecretToSeal {
            id,
            plaintext,
            sealed,
            key_id,
        })
        .collect())
}

/// Stores an endpoint's key sealed, and drops its copy in clear.
pub fn store_sealed_secret(conn: &mut PgConnection, id: Uuid, sealed: &Sealed) -> DbResult<()> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::secret.eq(None::<String>),
            webhook_endpoints::secret_sealed.eq(&sealed.bytes),
            webhook_endpoints::secret_key_id.eq(&sealed.key_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The ids of the keys that sealed secrets and are not in `known`, with how many each.
pub fn unknown_secret_keys(
    conn: &mut PgConnection,
    known: &[&str],
) -> DbResult<Vec<(String, i64)>> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::secret_key_id.is_not_null())
        .filter(diesel::dsl::not(
            webhook_endpoints::secret_key_id.eq_any(known),
        ))
        .group_by(webhook_endpoints::secret_key_id)
        .select((
            webhook_endpoints::secret_key_id.assume_not_null(),
            diesel::dsl::count_star(),
        ))
        .load(conn)?)
}

pub fn list_webhooks(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Vec<wire::Webhook>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::tenant_id.eq(tenant.get()))
        .order(webhook_endpoints::created_at)
        .select(EndpointRow::as_select())
        .load(conn)?
        .into_iter()
        .map(wire_webhook)
        .collect()
}

pub fn get_webhook(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<wire::Webhook> {
    let row = webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::tenant_id.eq(tenant.get()))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("webhook"))?;
    wire_webhook(row)
}

/// The changes of an endpoint, already checked.
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<&'static str>>,
    pub active: Option<bool>,
}

/// Applies `changes` to an endpoint and moves its version on.
pub fn update_webhook(conn: &mut PgConnection, id: Uuid, changes: WebhookChanges) -> DbResult<()> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            changes.url.map(|u| webhook_endpoints::url.eq(u)),
            changes.events.map(|e| webhook_endpoints::events.eq(e)),
            changes.active.map(|a| webhook_endpoints::active.eq(a)),
            webhook_endpoints::updated_at.eq(diesel::dsl::now),
            webhook_endpoints::version.eq(webhook_endpoints::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_webhook(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<()> {
    let deleted = diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::id.eq(id))
            .filter(webhook_endpoints::tenant_id.eq(tenant.get())),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(DbError::NotFound("webhook"));
    }
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryRow {
    id: Uuid,
    event_id: Uuid,
    event_type: String,
    payload: Value,
    #[diesel(deserialize_as = Stored<wire::DeliveryStatus>)]
    status: wire::DeliveryStatus,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_attempt_at: Option<DateTime<Utc>>,
    response_status: Option<i32>,
    last_error: Option<String>,
    delivered_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

fn wire_delivery(row: DeliveryRow) -> DbResult<wire::WebhookDelivery> {
    let status = row.status;
    Ok(wire::WebhookDelivery {
        id: row.id,
        event_id: row.event_id,
        event: stored(&row.event_type)?,
        next_attempt_at: (status == wire::DeliveryStatus::Pending).then_some(row.next_attempt_at),
        status,
        attempts: row.attempts,
        last_attempt_at: row.last_attempt_at,
        response_status: row.response_status,
        last_error: row.last_error,
        delivered_at: row.delivered_at,
        created_at: row.created_at,
        payload: row.payload,
    })
}

/// The delivery log of an endpoint, newest first.
pub fn list_deliveries(
    conn: &mut PgConnection,
    tenant: TenantId,
    endpoint: Uuid,
    limit: i64,
) -> DbResult<Vec<wire::WebhookDelivery>> {
    get_webhook(conn, tenant, endpoint)?;
    webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .filter(webhook_deliveries::tenant_id.eq(tenant.get()))
        .order(webhook_deliveries::created_at.desc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(wire_delivery)
        .collect()
}

/// Sends a delivery again (at once), whatever its outcome so far.
pub fn redeliver(
    conn: &mut PgConnection,
    tenant: TenantId,
    endpoint: Uuid,
    delivery: Uuid,
) -> DbResult<wire::WebhookDelivery> {
    let row = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery))
            .filter(webhook_deliveries::endpoint_id.eq(endpoint))
            .filter(webhook_deliveries::tenant_id.eq(tenant.get())),
    )
    .set((
        webhook_deliveries::status.eq(Stored(wire::DeliveryStatus::Pending)),
        webhook_deliveries::next_attempt_at.eq(diesel::dsl::now),
        webhook_deliveries::locked_until.eq(None::<DateTime<Utc>>),
    ))
    .returning(DeliveryRow::as_returning())
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("delivery"))?;
    wire_delivery(row)
}

/// An event as its deliveries carry it: a fresh id, and the payload the receivers get.
pub(crate) fn event_payload(
    tenant: TenantId,
    event: wire::WebhookEvent,
    data: impl serde::Serialize,
) -> (Uuid, Value) {
    let event_id = Uuid::new_v4();
    let payload = json!({
        "id": event_id,
        "type": event.as_str(),
        "created_at": Utc::now(),
        "tenant_id": tenant.get(),
        "data": data,
    });
    (event_id, payload)
}

/// Queues `event` for every active endpoint of the CPAS that subscribed to it, in one
/// statement (`INSERT … SELECT`: nothing is written when none did). Called in the
/// transaction of the change, so an event is sent if and only if the change committed.
/// `follow_up::propose` writes the same rows inside its own statement.
pub fn enqueue(
    conn: &mut PgConnection,
    tenant: TenantId,
    event: wire::WebhookEvent,
    data: impl serde::Serialize,
) -> DbResult<()> {
    let (event_id, payload) = event_payload(tenant, event, data);
    diesel::insert_into(webhook_deliveries::table)
        .values(
            webhook_endpoints::table
                .filter(webhook_endpoints::tenant_id.eq(tenant.get()))
                .filter(webhook_endpoints::active.eq(true))
                .filter(webhook_endpoints::events.contains(vec![event.as_str()]))
                .select((
                    webhook_endpoints::tenant_id,
                    webhook_endpoints::id,
                    event_id.into_sql::<SqlUuid>(),
                    event.as_str().into_sql::<Text>(),
                    payload.into_sql::<Jsonb>(),
                )),
        )
        .into_columns((
            webhook_deliveries::tenant_id,
            webhook_deliveries::endpoint_id,
            webhook_deliveries::event_id,
            webhook_deliveries::event_type,
            webhook_deliveries::payload,
        ))
        .execute(conn)?;
    Ok(())
}

/// A delivery claimed by a worker.
#[derive(QueryableByName)]
pub struct DueDelivery {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    endpoint_id: Uuid,
    #[diesel(sql_type = Text)]
    pub url: String,
    /// The endpoint's key as stored: sealed, or in clear for an endpoint not sealed yet.
    #[diesel(sql_type = Nullable<Text>)]
    secret: Option<String>,
    #[diesel(sql_type = Nullable<Bytea>)]
    secret_sealed: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Text>)]
    secret_key_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub event_type: String,
    #[diesel(sql_type = Jsonb)]
    pub payload: Value,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

impl std::fmt::Debug for DueDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueDelivery")
            .field("id", &self.id)
            .field("endpoint_id", &self.endpoint_id)
            .field("url", &self.url)
            .field("event_type", &self.event_type)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl DueDelivery {
    /// The endpoint's signing key, opened with the keyring.
    pub fn signing_key(
        &self,
        keyring: &Keyring,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, SecretsError> {
        match (&self.secret, &self.secret_sealed, &self.secret_key_id) {
            (_, Some(bytes), Some(key_id)) => {
                keyring.open(key_id, bytes, &secret_aad(self.endpoint_id))
            }
            (Some(plaintext), _, _) => Ok(zeroize::Zeroizing::new(plaintext.as_bytes().to_vec())),
            _ => Err(SecretsError::Refused),
        }
    }
}

/// Claims up to `limit` due deliveries `until` then: other instances skip them meanwhile,
/// and take them over if this one dies before finishing.
pub fn claim_due(
    conn: &mut PgConnection,
    limit: i64,
    until: DateTime<Utc>,
) -> DbResult<Vec<DueDelivery>> {
    Ok(diesel::sql_query(
        "UPDATE webhook_deliveries d
            SET locked_until = $1, attempts = d.attempts + 1, last_attempt_at = now()
           FROM webhook_endpoints e
          WHERE e.id = d.endpoint_id AND d.id IN (
                SELECT id FROM webhook_deliveries
                 WHERE status = $3 AND next_attempt_at <= now()
                   AND (locked_until IS NULL OR locked_until < now())
                 ORDER BY next_attempt_at
                 LIMIT $2
                   FOR UPDATE SKIP LOCKED)
      RETURNING d.id, e.id AS endpoint_id, e.url, e.secret, e.secret_sealed, e.secret_key_id,
                d.event_type, d.payload, d.attempts",
    )
    .bind::<Timestamptz, _>(until)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<Text, _>(Stored(wire::DeliveryStatus::Pending))
    .load(conn)?)
}

/// Hands claimed deliveries back to the queue unsent: lease dropped, attempt not counted.
pub fn release(conn: &mut PgConnection, ids: &[Uuid]) -> DbResult<()> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq_any(ids))
            .filter(webhook_deliveries::status.eq(Stored(wire::DeliveryStatus::Pending))),
    )
    .set((
        webhook_deliveries::locked_until.eq(None::<DateTime<Utc>>),
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts - 1),
    ))
    .execute(conn)?;
    Ok(())
}

/// What came of one attempt.
pub enum Outcome {
    Delivered { status: u16 },
    Failed { status: Option<u16>, error: String },
}

/// Records an attempt: delivered, retried later (`retry_in`), or given up after the last.
pub fn record_attempt(
    conn: &mut PgConnection,
    id: Uuid,
    outcome: &Outcome,
    retry_in: Option<TimeDelta>,
) -> DbResult<()> {
    let target = webhook_deliveries::table.find(id);
    match outcome {
        Outcome::Delivered { status } => diesel::update(target)
            .set((
                webhook_deliveries::status.eq(Stored(wire::DeliveryStatus::Delivered)),
                webhook_deliveries::response_status.eq(i32::from(*status)),
                webhook_deliveries::delivered_at.eq(Some(Utc::now())),
                webhook_deliveries::last_error.eq(None::<String>),
                webhook_deliveries::locked_until.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)?,
        Outcome::Failed { status, error } => diesel::update(target)
            .set((
                webhook_deliveries::status.eq(Stored(if retry_in.is_some() {
                    wire::DeliveryStatus::Pending
                } else {
                    wire::DeliveryStatus::Failed
                })),
                webhook_deliveries::response_status.eq(status.map(i32::from)),
                webhook_deliveries::last_error.eq(error.chars().take(500).collect::<String>()),
                webhook_deliveries::next_attempt_at.eq(Utc::now() + retry_in.unwrap_or_default()),
                webhook_deliveries::locked_until.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// Housekeeping: idempotency records older than a day and rate-limit windows older than
/// an hour are of no use any more. Returns how many rows went.
pub fn purge_expired(conn: &mut PgConnection) -> DbResult<usize> {
    let keys = diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(Utc::now() - TimeDelta::days(1))),
    )
    .execute(conn)?;
    let windows = diesel::delete(
        api_token_usage::table
            .filter(api_token_usage::window_start.lt(Utc::now() - TimeDelta::hours(1))),
    )
    .execute(conn)?;
    Ok(keys + windows)
}
