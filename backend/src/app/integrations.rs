//! What integrators use: API tokens (and the actor a token stands for), webhooks and their
//! deliveries; the steps of the webhook worker; the sealing of the endpoints' keys at start.

use api_types::{
    ApiToken, ApiTokenCreated, NewApiToken, NewWebhook, OrganisationKind, ProblemCode, Role,
    Webhook, WebhookCreated, WebhookDelivery, WebhookEvent, WebhookPatch, WebhookSecretRotated,
};
use chrono::{DurationRound, TimeDelta, Utc};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::{RequestDb, tenant_of_request};
use crate::auth::Authenticated;
use crate::auth::tokens::new_api_token;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::integrations::{
    self, NewEndpoint, NewToken, SecretToSeal, TokenOfRequest, WebhookChanges,
};
pub use crate::db::integrations::{DueDelivery, Outcome};
use crate::domain::{Label, TenantId, webhook_target};
use crate::error::ApiError;
use crate::secrets::{Keyring, Sealed, SecretsError};

/// Deliveries listed per endpoint, newest first.
const DELIVERIES_LISTED: i64 = 100;

// ---------------------------------------------------------------------------------------
// API tokens

/// The actor an API token stands for: its integration account, limited by its scopes.
/// Counts the request against the token's per-minute limit.
pub(super) fn actor_of_token(
    conn: &mut PgConnection,
    hash: &[u8],
    per_minute: u32,
) -> Result<Actor, ApiError> {
    let Some(TokenOfRequest {
        token,
        role,
        integration,
        account_active,
    }) = integrations::token_of_request(conn, hash)?
    else {
        return Err(ApiError::Unauthenticated(ProblemCode::InvalidToken));
    };
    let now = Utc::now();
    if token.revoked_at.is_some() || !account_active || !integration {
        return Err(ApiError::Unauthenticated(ProblemCode::TokenRevoked));
    }
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::Unauthenticated(ProblemCode::TokenExpired));
    }
    // A fixed one-minute window per token, counted in PostgreSQL so every instance agrees.
    let window = now
        .duration_trunc(TimeDelta::minutes(1))
        .map_err(|e| ApiError::Internal(e.into()))?;
    let requests = integrations::count_request(conn, token.tenant_id, token.id, window)?;
    if u32::try_from(requests).unwrap_or(u32::MAX) > per_minute {
        let next = window + TimeDelta::minutes(1);
        let wait = u64::try_from((next - now).num_seconds())
            .unwrap_or(0)
            .max(1);
        return Err(ApiError::TooManyRequests { retry_after: wait });
    }
    // Recorded at most once a minute: a busy integration does not write on every request.
    if token
        .last_used_at
        .is_none_or(|at| now - at > TimeDelta::minutes(1))
    {
        integrations::record_token_use(conn, token.id, now)?;
    }
    Ok(Actor {
        user_id: token.user_id,
        role,
        tenant: Some(TenantId::new(token.tenant_id)),
        organisation: Some(token.organisation_id),
        session_id: token.id,
        scopes: Some(token.scopes()?),
        // An integration account has no password to change: it never signs in, and a
        // reset of its password (which sets the flag) does not stop its tokens.
        must_change_password: false,
        must_enrol_second_factor: false,
    })
}

/// The CPAS whose tokens the actor manages (administrators name it).
fn token_tenant(actor: &Actor, requested: Option<Uuid>) -> Result<TenantId, ApiError> {
    let tenant = tenant_of_request(actor, requested)?;
    authz::ensure(actor, Permission::ManageApiTokens, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// Creates a token and the integration account it acts through. The secret is returned
/// here and nowhere else: it is stored hashed.
pub async fn create_token(
    db: &RequestDb,
    auth: &Authenticated,
    input: NewApiToken,
) -> Result<ApiTokenCreated, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = token_tenant(actor, input.tenant_id)?;
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
            let organisation =
                integrations::organisation_of_tenant(conn, tenant, input.organisation_id)?
                    .ok_or_else(|| {
                        ApiError::invalid_field(
                            "organisation_id",
                            ProblemCode::UnknownOrganisation,
                            "no such organisation in this CPAS",
                        )
                    })?;
            // The CPAS's own integrations propose on any action, like its social workers;
            // a partner's only on the actions it carries.
            let role = if organisation.kind == OrganisationKind::Cpas {
                Role::SocialWorker
            } else {
                Role::Partner
            };
            let token = integrations::insert_token(
                conn,
                &NewToken {
                    tenant,
                    organisation,
                    role,
                    name: name.as_str(),
                    hash: &hash,
                    prefix: &prefix,
                    scopes: &scopes,
                    creator: actor.user_id,
                    expires_at: input.expires_at,
                },
            )?;
            Ok(ApiTokenCreated { token, secret })
        })
    })
    .await
}

/// The CPAS's API tokens, revoked ones included; never their secrets.
pub async fn list_tokens(
    db: &RequestDb,
    auth: &Authenticated,
    requested: Option<Uuid>,
) -> Result<Vec<ApiToken>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        Ok(integrations::list_tokens(
            conn,
            token_tenant(actor, requested)?,
        )?)
    })
    .await
}

/// Revokes a token at once, and deactivates its account.
pub async fn revoke_token(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    requested: Option<Uuid>,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = token_tenant(actor, requested)?;
        conn.transaction(|conn| Ok(integrations::revoke_token(conn, tenant, id)?))
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Webhooks

/// The CPAS whose webhooks the actor manages: their own.
fn webhook_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ManageWebhooks, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// The events of an endpoint, at least one, each once.
fn events_of(events: &[WebhookEvent]) -> Result<Vec<&'static str>, ApiError> {
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

/// A new signing key, and its sealed form for `endpoint`'s row.
fn new_sealed_secret(keyring: &Keyring, endpoint: Uuid) -> Result<(String, Sealed), ApiError> {
    use base64::Engine;
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let sealed = keyring
        .seal(secret.as_bytes(), &integrations::secret_aad(endpoint))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((secret, sealed))
}

/// Registers an endpoint for some events. Its signing key is returned here and stored
/// sealed.
pub async fn create_webhook(
    db: &RequestDb,
    auth: &Authenticated,
    keyring: Keyring,
    allow_loopback_http: bool,
    input: NewWebhook,
) -> Result<WebhookCreated, ApiError> {
    let url = webhook_target::parse_url(&input.url, allow_loopback_http)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = webhook_tenant(actor)?;
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
        let (secret, sealed) = new_sealed_secret(&keyring, id)?;
        let webhook = integrations::insert_webhook(
            conn,
            &NewEndpoint {
                id,
                tenant,
                url: &url,
                description: description.as_deref(),
                sealed: &sealed,
                events: &events,
                creator: actor.user_id,
            },
        )?;
        Ok(WebhookCreated { webhook, secret })
    })
    .await
}

/// Gives an endpoint a new signing key, returned here only; the previous one signs nothing
/// more (deliveries are signed when sent, so those still queued get the new one).
pub async fn rotate_webhook_secret(
    db: &RequestDb,
    auth: &Authenticated,
    keyring: Keyring,
    id: Uuid,
) -> Result<WebhookSecretRotated, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = webhook_tenant(actor)?;
        let (secret, sealed) = new_sealed_secret(&keyring, id)?;
        let webhook = integrations::replace_webhook_secret(conn, tenant, id, &sealed)?;
        Ok(WebhookSecretRotated { webhook, secret })
    })
    .await
}

/// The CPAS's webhook endpoints.
pub async fn list_webhooks(db: &RequestDb, auth: &Authenticated) -> Result<Vec<Webhook>, ApiError> {
    db.run_as(auth, |conn, actor| {
        Ok(integrations::list_webhooks(conn, webhook_tenant(actor)?)?)
    })
    .await
}

/// One webhook of the caller's CPAS.
pub async fn get_webhook(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<Webhook, ApiError> {
    db.run_as(auth, move |conn, actor| {
        Ok(integrations::get_webhook(conn, webhook_tenant(actor)?, id)?)
    })
    .await
}

/// Changes the URL or the events, or pauses an endpoint, if it is still at the version the
/// patch was based on.
pub async fn update_webhook(
    db: &RequestDb,
    auth: &Authenticated,
    allow_loopback_http: bool,
    id: Uuid,
    patch: WebhookPatch,
) -> Result<Webhook, ApiError> {
    let url = patch
        .url
        .as_deref()
        .map(|u| webhook_target::parse_url(u, allow_loopback_http))
        .transpose()?;
    db.run_as(auth, move |conn, actor| {
        let tenant = webhook_tenant(actor)?;
        let events = patch.events.as_deref().map(events_of).transpose()?;
        conn.transaction(|conn| {
            let current = integrations::get_webhook(conn, tenant, id)?;
            if current.version != patch.version {
                return Err(ApiError::Conflict {
                    code: ProblemCode::StaleVersion,
                    detail: "the webhook changed since you read it; reload it".to_owned(),
                });
            }
            integrations::update_webhook(
                conn,
                id,
                WebhookChanges {
                    url,
                    events,
                    active: patch.active,
                },
            )?;
            Ok(integrations::get_webhook(conn, tenant, id)?)
        })
    })
    .await
}

/// Removes an endpoint and its delivery log.
pub async fn delete_webhook(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        Ok(integrations::delete_webhook(
            conn,
            webhook_tenant(actor)?,
            id,
        )?)
    })
    .await
}

/// The delivery log of an endpoint: the last deliveries, newest first.
pub async fn list_deliveries(
    db: &RequestDb,
    auth: &Authenticated,
    endpoint: Uuid,
) -> Result<Vec<WebhookDelivery>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        Ok(integrations::list_deliveries(
            conn,
            webhook_tenant(actor)?,
            endpoint,
            DELIVERIES_LISTED,
        )?)
    })
    .await
}

/// Sends a delivery again, now, whatever its outcome so far.
pub async fn redeliver(
    db: &RequestDb,
    auth: &Authenticated,
    endpoint: Uuid,
    delivery: Uuid,
) -> Result<WebhookDelivery, ApiError> {
    db.run_as(auth, move |conn, actor| {
        Ok(integrations::redeliver(
            conn,
            webhook_tenant(actor)?,
            endpoint,
            delivery,
        )?)
    })
    .await
}

// ---------------------------------------------------------------------------------------
// The webhook worker and housekeeping

/// Claims up to `limit` due deliveries for `lease`: other instances skip them meanwhile,
/// and take them over if this one dies before finishing.
pub async fn claim_due_deliveries(
    db: &RequestDb,
    limit: i64,
    lease: TimeDelta,
) -> Result<Vec<DueDelivery>, ApiError> {
    let until = Utc::now() + lease;
    db.run(move |conn| Ok(integrations::claim_due(conn, limit, until)?))
        .await
}

/// Records an attempt: delivered, retried in `retry_in`, or given up after the last.
pub async fn record_outcome(
    db: &RequestDb,
    delivery: Uuid,
    outcome: Outcome,
    retry_in: Option<TimeDelta>,
) -> Result<(), ApiError> {
    db.run(move |conn| {
        Ok(integrations::record_attempt(
            conn, delivery, &outcome, retry_in,
        )?)
    })
    .await
}

/// Hands claimed deliveries back to the queue unsent: lease dropped, attempt not counted.
pub async fn release_deliveries(db: &RequestDb, deliveries: Vec<Uuid>) -> Result<(), ApiError> {
    db.run(move |conn| Ok(integrations::release(conn, &deliveries)?))
        .await
}

/// Housekeeping: forgets the idempotency records and rate-limit windows of no use any
/// more. Returns how many rows went.
pub async fn purge_expired(db: &RequestDb) -> Result<usize, ApiError> {
    db.run(|conn| Ok(integrations::purge_expired(conn)?)).await
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
    let mut report = SealReport::default();
    let previous = keyring.previous_key_ids();
    conn.transaction(|conn| {
        for SecretToSeal {
            id,
            plaintext,
            sealed,
            key_id,
        } in integrations::secrets_to_seal(conn, &previous)?
        {
            let aad = integrations::secret_aad(id);
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
            integrations::store_sealed_secret(conn, id, &sealed)?;
            if was_plaintext {
                report.sealed += 1;
            } else {
                report.resealed += 1;
            }
        }
        Ok::<_, ApiError>(())
    })?;
    report.unknown_keys = integrations::unknown_secret_keys(conn, &keyring.key_ids())?;
    Ok(report)
}
