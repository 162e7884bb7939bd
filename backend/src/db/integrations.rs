//! API tokens, webhooks and their outbox of deliveries.

use api_types as wire;
use api_types::ProblemCode;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use serde_json::{Value, json};
use uuid::Uuid;

use super::schema::{
    api_token_usage, api_tokens, idempotency_keys, organisations, users, webhook_deliveries,
    webhook_endpoints,
};
use super::stored;
use super::stored::Stored;
use crate::auth::tokens::new_api_token;
use crate::authz::Actor;
use crate::domain::{Label, TenantId};
use crate::error::ApiError;
use crate::secrets::{self, Keyring, Sealed, SecretsError};

// ---------------------------------------------------------------------------------------
// API tokens

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: Uuid,
    tenant_id: Uuid,
    organisation_id: Uuid,
    user_id: Uuid,
    name: String,
    prefix: String,
    scopes: Vec<String>,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

fn scopes_of(stored_scopes: &[String]) -> super::DbResult<Vec<wire::ApiScope>> {
    stored_scopes.iter().map(|s| stored(s)).collect()
}

/// The actor an API token stands for: its integration account, limited by its scopes.
/// Counts the request against the token's per-minute limit.
pub fn load_token_actor(
    conn: &mut PgConnection,
    hash: &[u8],
    per_minute: u32,
) -> Result<Actor, ApiError> {
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
    let Some((token, Stored(role), kind, active)) = row else {
        return Err(ApiError::Unauthenticated(ProblemCode::InvalidToken));
    };
    let now = Utc::now();
    if token.revoked_at.is_some() || !active || kind != "integration" {
        return Err(ApiError::Unauthenticated(ProblemCode::TokenRevoked));
    }
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::Unauthenticated(ProblemCode::TokenExpired));
    }
    count_request(conn, &token, now, per_minute)?;
    // Recorded at most once a minute: a busy integration does not write on every request.
    if token
        .last_used_at
        .is_none_or(|at| now - at > TimeDelta::minutes(1))
    {
        diesel::update(api_tokens::table.find(token.id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(Actor {
        user_id: token.user_id,
        role,
        tenant: Some(TenantId::new(token.tenant_id)),
        organisation: Some(token.organisation_id),
        session_id: token.id,
        scopes: Some(scopes_of(&token.scopes)?),
        // An integration account has no password to change: it never signs in, and a
        // reset of its password (which sets the flag) does not stop its tokens.
        must_change_password: false,
    })
}

/// A fixed one-minute window per token, counted in PostgreSQL so every instance agrees.
fn count_request(
    conn: &mut PgConnection,
    token: &TokenRow,
    now: DateTime<Utc>,
    per_minute: u32,
) -> Result<(), ApiError> {
    let window = now
        .duration_trunc(TimeDelta::minutes(1))
        .map_err(|e| ApiError::Internal(e.into()))?;
    let requests: i32 = diesel::insert_into(api_token_usage::table)
        .values((
            api_token_usage::tenant_id.eq(token.tenant_id),
            api_token_usage::token_id.eq(token.id),
            api_token_usage::window_start.eq(window),
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
        .get_result(conn)?;
    if u32::try_from(requests).unwrap_or(u32::MAX) > per_minute {
        let next = window + TimeDelta::minutes(1);
        let wait = u64::try_from((next - now).num_seconds())
            .unwrap_or(0)
            .max(1);
        return Err(ApiError::TooManyRequests { retry_after: wait });
    }
    Ok(())
}

fn wire_token(
    row: TokenRow,
    organisation: (Uuid, String, String),
) -> Result<wire::ApiToken, ApiError> {
    Ok(wire::ApiToken {
        id: row.id,
        name: row.name,
        organisation: wire::OrganisationSummary {
            id: organisation.0,
            name: organisation.1,
            kind: stored(&organisation.2)?,
        },
        scopes: scopes_of(&row.scopes)?,
        prefix: row.prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
    })
}

/// Creates a token and the integration account it acts through. The secret is returned
/// here and nowhere else.
pub fn create_token(
    conn: &mut PgConnection,
    tenant: TenantId,
    creator: Uuid,
    input: &wire::NewApiToken,
) -> Result<wire::ApiTokenCreated, ApiError> {
    let name = Label::parse(&input.name, "name", 200)?;
    if input.scopes.is_empty() {
        return Err(ApiError::invalid_field(
            "scopes",
            ProblemCode::Required,
            "give at least one scope",
        ));
    }
    if input.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(ApiError::invalid_field(
            "expires_at",
            ProblemCode::InThePast,
            "the expiry must be in the future",
        ));
    }
    let mut scopes: Vec<&str> = input.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let (secret, hash) = new_api_token().map_err(ApiError::Internal)?;
    let prefix: String = secret.chars().take(8).collect();
    conn.transaction(|conn| {
        let organisation: (Uuid, String, String) = organisations::table
            .filter(organisations::id.eq(input.organisation_id))
            .filter(organisations::tenant_id.eq(tenant.get()))
            .select((organisations::id, organisations::name, organisations::kind))
            .first(conn)
            .optional()?
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "organisation_id",
                    ProblemCode::UnknownOrganisation,
                    "no such organisation in this CPAS",
                )
            })?;
        // The CPAS's own integrations propose on any action, like its social workers;
        // a partner's only on the actions it carries.
        let role =
            if stored::<wire::OrganisationKind>(&organisation.2)? == wire::OrganisationKind::Cpas {
                wire::Role::SocialWorker
            } else {
                wire::Role::Partner
            };
        let id = Uuid::new_v4();
        let account: Uuid = diesel::insert_into(users::table)
            .values((
                users::tenant_id.eq(tenant.get()),
                users::organisation_id.eq(organisation.0),
                users::email.eq(format!("token-{id}@integrations.invalid")),
                users::display_name.eq(format!("API : {}", name.as_str())),
                users::role.eq(Stored(role)),
                users::password_hash.eq("!"),
                users::kind.eq("integration"),
            ))
            .returning(users::id)
            .get_result(conn)?;
        let row: TokenRow = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(id),
                api_tokens::tenant_id.eq(tenant.get()),
                api_tokens::organisation_id.eq(organisation.0),
                api_tokens::user_id.eq(account),
                api_tokens::name.eq(name.as_str()),
                api_tokens::token_hash.eq(&hash),
                api_tokens::prefix.eq(&prefix),
                api_tokens::scopes.eq(&scopes),
                api_tokens::created_by.eq(creator),
                api_tokens::expires_at.eq(input.expires_at),
            ))
            .returning(TokenRow::as_returning())
            .get_result(conn)?;
        Ok(wire::ApiTokenCreated {
            token: wire_token(row, organisation)?,
            secret,
        })
    })
}

pub fn list_tokens(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> Result<Vec<wire::ApiToken>, ApiError> {
    let rows: Vec<(TokenRow, (Uuid, String, String))> = api_tokens::table
        .inner_join(organisations::table)
        .filter(api_tokens::tenant_id.eq(tenant.get()))
        .order(api_tokens::created_at.desc())
        .select((
            TokenRow::as_select(),
            (organisations::id, organisations::name, organisations::kind),
        ))
        .load(conn)?;
    rows.into_iter().map(|(t, o)| wire_token(t, o)).collect()
}

/// Revokes a token at once, and deactivates its account.
pub fn revoke_token(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let account: Uuid = diesel::update(
            api_tokens::table
                .filter(api_tokens::id.eq(id))
                .filter(api_tokens::tenant_id.eq(tenant.get())),
        )
        .set(api_tokens::revoked_at.eq(Some(Utc::now())))
        .returning(api_tokens::user_id)
        .get_result(conn)
        .optional()?
        .ok_or(ApiError::NotFound {
            resource: "API token",
        })?;
        diesel::update(users::table.find(account))
            .set(users::active.eq(false))
            .execute(conn)?;
        Ok(())
    })
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

fn wire_webhook(row: EndpointRow) -> Result<wire::Webhook, ApiError> {
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

/// A webhook's target: `https://`, or `http://` to loopback when allowed (development).
pub fn parse_webhook_url(url: &str, allow_loopback_http: bool) -> Result<String, ApiError> {
    let invalid = |message: &str| ApiError::invalid_field("url", ProblemCode::InvalidUrl, message);
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| invalid("not a URL"))?;
    let loopback = matches!(parsed.host(), Some(url::Host::Domain("localhost")))
        || matches!(parsed.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(parsed.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    match parsed.scheme() {
        "https" => {}
        "http" if allow_loopback_http && loopback => {}
        "http" => return Err(invalid("webhooks are sent over HTTPS only")),
        _ => return Err(invalid("an https:// URL")),
    }
    // An IP written in the URL is refused at once; names are checked at each send, when
    // they are resolved (see `jobs::egress`).
    if !crate::jobs::egress::literal_host_allowed(&parsed, allow_loopback_http) {
        return Err(ApiError::invalid_field(
            "url",
            ProblemCode::NotPublicAddress,
            "a public address: webhooks are not sent to private, local or reserved networks",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "no credentials in the URL: the signature authenticates us",
        ));
    }
    if parsed.as_str().len() > 2000 {
        return Err(ApiError::invalid_field(
            "url",
            ProblemCode::TooLong,
            "at most 2000 characters",
        ));
    }
    Ok(parsed.to_string())
}

fn events_of(events: &[wire::WebhookEvent]) -> Result<Vec<&'static str>, ApiError> {
    if events.is_empty() {
        return Err(ApiError::invalid_field(
            "events",
            ProblemCode::Required,
            "subscribe to at least one event",
        ));
    }
    let mut names: Vec<&'static str> = events.iter().map(|e| e.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Ok(names)
}

/// Associated data of an endpoint's sealed secret: it opens in its own row only.
fn secret_aad(endpoint: Uuid) -> Vec<u8> {
    secrets::aad("webhook_endpoints.secret", &[endpoint.as_bytes()])
}

/// A new signing key, and its sealed form for `endpoint`'s row.
fn new_sealed_secret(keyring: &Keyring, endpoint: Uuid) -> Result<(String, Sealed), ApiError> {
    let secret = new_secret()?;
    let sealed = keyring
        .seal(secret.as_bytes(), &secret_aad(endpoint))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((secret, sealed))
}

fn new_secret() -> Result<String, ApiError> {
    use base64::Engine;
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// Registers an endpoint. Its signing key is returned here and stored sealed.
pub fn create_webhook(
    conn: &mut PgConnection,
    keyring: &Keyring,
    tenant: TenantId,
    creator: Uuid,
    url: &str,
    input: &wire::NewWebhook,
) -> Result<wire::WebhookCreated, ApiError> {
    let events = events_of(&input.events)?;
    let description = input
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| Label::parse_text(d, "description", 500))
        .transpose()?;
    // The id is chosen here: the sealed secret is bound to it.
    let id = Uuid::new_v4();
    let (secret, sealed) = new_sealed_secret(keyring, id)?;
    let row: EndpointRow = diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::id.eq(id),
            webhook_endpoints::tenant_id.eq(tenant.get()),
            webhook_endpoints::url.eq(url),
            webhook_endpoints::description.eq(description),
            webhook_endpoints::secret_sealed.eq(&sealed.bytes),
            webhook_endpoints::secret_key_id.eq(&sealed.key_id),
            webhook_endpoints::events.eq(&events),
            webhook_endpoints::created_by.eq(creator),
        ))
        .returning(EndpointRow::as_returning())
        .get_result(conn)?;
    Ok(wire::WebhookCreated {
        webhook: wire_webhook(row)?,
        secret,
    })
}

/// Gives an endpoint a new signing key, returned here only; the previous one signs nothing
/// more (deliveries are signed when sent, so those still queued get the new one).
pub fn rotate_webhook_secret(
    conn: &mut PgConnection,
    keyring: &Keyring,
    tenant: TenantId,
    id: Uuid,
) -> Result<wire::WebhookSecretRotated, ApiError> {
    let (secret, sealed) = new_sealed_secret(keyring, id)?;
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
    .ok_or(ApiError::NotFound {
        resource: "webhook",
    })?;
    Ok(wire::WebhookSecretRotated {
        webhook: wire_webhook(row)?,
        secret,
    })
}

/// What [`seal_stored_secrets`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SealReport {
    /// Plaintext secrets (from before sealing) now sealed.
    pub sealed: usize,
    /// Secrets sealed by a previous key, now under the current one.
    pub resealed: usize,
    /// Key ids of secrets this instance cannot open (the key is in no setting), with counts.
    pub unknown_keys: Vec<(String, i64)>,
}

/// At start: seals the endpoints' secrets still in clear (stored before sealing existed,
/// or by an older instance during an upgrade), re-seals under the current key those a
/// previous key sealed (the rotation), and counts those no key of this instance opens.
/// Rows another instance is handling at the same moment are skipped (it handles them).
pub fn seal_stored_secrets(
    conn: &mut PgConnection,
    keyring: &Keyring,
) -> Result<SealReport, ApiError> {
    type Row = (Uuid, Option<String>, Option<Vec<u8>>, Option<String>);
    let mut report = SealReport::default();
    let previous = keyring.previous_key_ids();
    conn.transaction(|conn| {
        let rows: Vec<Row> = webhook_endpoints::table
            .filter(
                webhook_endpoints::secret
                    .is_not_null()
                    .or(webhook_endpoints::secret_key_id.eq_any(&previous)),
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
        for (id, plaintext, sealed, key_id) in rows {
            let aad = secret_aad(id);
            let outcome = match (plaintext, sealed, key_id) {
                (Some(plaintext), _, _) => {
                    keyring.seal(plaintext.as_bytes(), &aad).map(|s| (s, true))
                }
                (None, Some(bytes), Some(key_id)) => keyring
                    .reseal(&Sealed { key_id, bytes }, &aad)
                    .map(|s| (s, false)),
                _ => Err(SecretsError::Refused),
            };
            let (sealed, was_plaintext) = match outcome {
                Ok(done) => done,
                Err(error) => {
                    tracing::error!(
                        endpoint = %id,
                        %error,
                        "a webhook secret cannot be re-sealed; rotate it"
                    );
                    continue;
                }
            };
            diesel::update(webhook_endpoints::table.find(id))
                .set((
                    webhook_endpoints::secret.eq(None::<String>),
                    webhook_endpoints::secret_sealed.eq(&sealed.bytes),
                    webhook_endpoints::secret_key_id.eq(&sealed.key_id),
                ))
                .execute(conn)?;
            if was_plaintext {
                report.sealed += 1;
            } else {
                report.resealed += 1;
            }
        }
        Ok::<_, ApiError>(())
    })?;
    let known = keyring.key_ids();
    report.unknown_keys = webhook_endpoints::table
        .filter(webhook_endpoints::secret_key_id.is_not_null())
        .filter(diesel::dsl::not(
            webhook_endpoints::secret_key_id.eq_any(&known),
        ))
        .group_by(webhook_endpoints::secret_key_id)
        .select((
            webhook_endpoints::secret_key_id.assume_not_null(),
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    Ok(report)
}

pub fn list_webhooks(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> Result<Vec<wire::Webhook>, ApiError> {
    webhook_endpoints::table
        .filter(webhook_endpoints::tenant_id.eq(tenant.get()))
        .order(webhook_endpoints::created_at)
        .select(EndpointRow::as_select())
        .load(conn)?
        .into_iter()
        .map(wire_webhook)
        .collect()
}

pub fn get_webhook(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<wire::Webhook, ApiError> {
    let row = webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::tenant_id.eq(tenant.get()))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound {
            resource: "webhook",
        })?;
    wire_webhook(row)
}

pub fn update_webhook(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    url: Option<String>,
    patch: &wire::WebhookPatch,
) -> Result<wire::Webhook, ApiError> {
    let events = patch.events.as_deref().map(events_of).transpose()?;
    conn.transaction(|conn| {
        let current = get_webhook(conn, tenant, id)?;
        if current.version != patch.version {
            return Err(ApiError::Conflict {
                code: ProblemCode::StaleVersion,
                detail: "the webhook changed since you read it; reload it".to_owned(),
            });
        }
        diesel::update(webhook_endpoints::table.find(id))
            .set((
                url.map(|u| webhook_endpoints::url.eq(u)),
                events.map(|e| webhook_endpoints::events.eq(e)),
                patch.active.map(|a| webhook_endpoints::active.eq(a)),
                webhook_endpoints::updated_at.eq(diesel::dsl::now),
                webhook_endpoints::version.eq(webhook_endpoints::version + 1),
            ))
            .execute(conn)?;
        get_webhook(conn, tenant, id)
    })
}

pub fn delete_webhook(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), ApiError> {
    let deleted = diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::id.eq(id))
            .filter(webhook_endpoints::tenant_id.eq(tenant.get())),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::NotFound {
            resource: "webhook",
        });
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

fn wire_delivery(row: DeliveryRow) -> Result<wire::WebhookDelivery, ApiError> {
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
) -> Result<Vec<wire::WebhookDelivery>, ApiError> {
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
) -> Result<wire::WebhookDelivery, ApiError> {
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
    .ok_or(ApiError::NotFound {
        resource: "delivery",
    })?;
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
) -> Result<(), ApiError> {
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

/// Claims up to `limit` due deliveries for `lease`: other instances skip them meanwhile,
/// and take them over if this one dies before finishing.
pub fn claim_due(
    conn: &mut PgConnection,
    limit: i64,
    lease: TimeDelta,
) -> Result<Vec<DueDelivery>, ApiError> {
    let until = Utc::now() + lease;
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
pub fn release(conn: &mut PgConnection, ids: &[Uuid]) -> Result<(), ApiError> {
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
) -> Result<(), ApiError> {
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
pub fn purge_expired(conn: &mut PgConnection) -> Result<usize, ApiError> {
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
