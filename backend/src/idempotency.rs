//! `Idempotency-Key` on POSTs: a client that retries a request (a timeout, a lost answer)
//! with the same key gets the first answer again instead of creating a second resource.
//!
//! The key belongs to the caller (a person or an API token): the same key from someone else
//! is another key. The first request with a key records its answer in PostgreSQL, so every
//! instance replays it; a key reused with a different request is refused (422), and one
//! whose first request is still running answers 409. Answers are kept 24 hours. A 5xx, a
//! 401 or a 403 is not recorded: the retry runs again.
//!
//! A kept answer may hold a secret shown once (a new API token's, a webhook's signing key),
//! so its body is stored sealed (`crate::secrets`), bound to its caller and key.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use api_types::ProblemCode;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::auth::tokens::{API_TOKEN_PREFIX, JwtSecret, verify_access};
use crate::db::schema::idempotency_keys;
use crate::db::{Db, QueryStats};
use crate::error::ApiError;
use crate::secrets::{self, Keyring, Sealed};

const HEADER: &str = "idempotency-key";

pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req.headers().get(HEADER).cloned();
    let applies =
        req.method() == actix_web::http::Method::POST && req.path().starts_with("/api/v1/");
    let (Some(key), true) = (key, applies) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(key) = key
        .to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
    else {
        let error = ApiError::bad_request(
            ProblemCode::InvalidIdempotencyKey,
            "Idempotency-Key: 1 to 255 visible ASCII characters",
        );
        return Ok(req.into_response(error.error_response()));
    };
    // Without a valid credential the handler answers 401 anyway: nothing to remember.
    let Some((principal, tenant)) = principal(&req) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let (Some(db), Some(keyring), stats) = (
        req.app_data::<web::Data<Db>>().map(|d| d.get_ref().clone()),
        req.app_data::<web::Data<Keyring>>()
            .map(|k| k.get_ref().clone()),
        req.extensions()
            .get::<QueryStats>()
            .cloned()
            .unwrap_or_default(),
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };

    let body = req.extract::<web::Bytes>().await?;
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.uri().to_string());
    hasher.update(b"\n");
    hasher.update(&body);
    let hash = hasher.finalize().to_vec();
    req.set_payload(actix_web::dev::Payload::from(body));

    let claim = {
        let (principal, key, hash) = (principal.clone(), key.clone(), hash.clone());
        let keyring = keyring.clone();
        db.run(&stats, move |conn| {
            claim(conn, &keyring, &principal, &key, tenant, &hash)
        })
        .await
    };
    match claim {
        Err(error) => Ok(req.into_response(error.error_response())),
        Ok(Claim::Replay(stored)) => Ok(req.into_response(replay(stored))),
        Ok(Claim::Refused(error)) => Ok(req.into_response(error.error_response())),
        Ok(Claim::First) => {
            let response = next.call(req).await?;
            let (request, response) = response.into_parts();
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = to_bytes(response.into_body()).await.unwrap_or_default();
            let stored = Stored {
                status: status.as_u16(),
                content_type: header_text(&headers, header::CONTENT_TYPE),
                location: header_text(&headers, header::LOCATION),
                body: bytes.to_vec(),
            };
            let _ = db
                .run(&stats, move |conn| {
                    remember(conn, &keyring, &principal, &key, &stored)
                })
                .await;
            let mut rebuilt = HttpResponse::build(status);
            for (name, value) in &headers {
                rebuilt.append_header((name.clone(), value.clone()));
            }
            Ok(ServiceResponse::new(request, rebuilt.body(bytes)))
        }
    }
}

fn header_text(headers: &header::HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Who is asking: `user:<id>` for a person's valid access token, `token:<hash>` for an API
/// token (checked by the handler), with the tenant when known.
fn principal(req: &ServiceRequest) -> Option<(String, Option<uuid::Uuid>)> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    if bearer.starts_with(API_TOKEN_PREFIX) {
        let digest: String = Sha256::digest(bearer.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        return Some((format!("token:{digest}"), None));
    }
    let secret = req.app_data::<web::Data<JwtSecret>>()?;
    let claims = verify_access(secret, bearer).ok()?;
    Some((format!("user:{}", claims.sub), claims.tenant))
}

enum Claim {
    First,
    Replay(Stored),
    Refused(ApiError),
}

struct Stored {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
}

/// Associated data of a kept answer: it opens for its own caller and key only.
fn answer_aad(principal: &str, key: &str) -> Vec<u8> {
    secrets::aad(
        "idempotency_keys.response_body",
        &[principal.as_bytes(), key.as_bytes()],
    )
}

fn claim(
    conn: &mut PgConnection,
    keyring: &Keyring,
    principal: &str,
    key: &str,
    tenant: Option<uuid::Uuid>,
    hash: &[u8],
) -> Result<Claim, ApiError> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(principal),
            idempotency_keys::key.eq(key),
            idempotency_keys::tenant_id.eq(tenant),
            idempotency_keys::request_hash.eq(hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 1 {
        return Ok(Claim::First);
    }
    type Row = (
        Vec<u8>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<Vec<u8>>,
        Option<String>,
    );
    let (stored_hash, status, content_type, location, body, key_id): Row = idempotency_keys::table
        .find((principal, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::content_type,
            idempotency_keys::location,
            idempotency_keys::response_body,
            idempotency_keys::response_key_id,
        ))
        .first(conn)?;
    if stored_hash != hash {
        return Ok(Claim::Refused(ApiError::invalid_field(
            "Idempotency-Key",
            ProblemCode::IdempotencyKeyReused,
            "this key was used for another request; use a new key for a new request",
        )));
    }
    let Some(status) = status.and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok())
    else {
        return Ok(Claim::Refused(ApiError::Conflict {
            code: ProblemCode::IdempotencyInProgress,
            detail: "the first request with this key is still running; retry in a moment"
                .to_owned(),
        }));
    };
    let body = match (body, key_id) {
        (Some(bytes), Some(key_id)) => keyring
            .open(&key_id, &bytes, &answer_aad(principal, key))
            .map_err(|e| ApiError::Internal(e.into()))?
            .to_vec(),
        // Kept in clear before answers were sealed (sealed at the next start).
        (Some(bytes), None) => bytes,
        (None, _) => Vec::new(),
    };
    Ok(Claim::Replay(Stored {
        status: status.as_u16(),
        content_type,
        location,
        body,
    }))
}

/// The first answer again, marked as a replay.
fn replay(stored: Stored) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header(("Idempotent-Replayed", "true"));
    if let Some(content_type) = stored.content_type {
        response.insert_header((header::CONTENT_TYPE, content_type));
    }
    if let Some(location) = stored.location {
        response.insert_header((header::LOCATION, location));
    }
    response.body(stored.body)
}

fn remember(
    conn: &mut PgConnection,
    keyring: &Keyring,
    principal: &str,
    key: &str,
    stored: &Stored,
) -> Result<(), ApiError> {
    let row = idempotency_keys::table.find((principal, key));
    // A refusal about the caller (a credential, a role, a password to change first) created
    // nothing and may not hold on the retry: it runs again, like a 5xx.
    let sealed = if stored.status >= 500 || matches!(stored.status, 401 | 403) {
        None
    } else {
        keyring
            .seal(&stored.body, &answer_aad(principal, key))
            .inspect_err(|error| tracing::error!(%error, "an idempotent answer cannot be sealed"))
            .ok()
    };
    match sealed {
        // Not kept: the retry runs the request again rather than wait on a claim forever.
        None => {
            diesel::delete(row).execute(conn)?;
        }
        Some(sealed) => {
            diesel::update(row)
                .set((
                    idempotency_keys::status_code.eq(i32::from(stored.status)),
                    idempotency_keys::content_type.eq(&stored.content_type),
                    idempotency_keys::location.eq(&stored.location),
                    idempotency_keys::response_body.eq(&sealed.bytes),
                    idempotency_keys::response_key_id.eq(&sealed.key_id),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// At start: seals the kept answers still in clear (kept before sealing existed) and
/// re-seals under the current key those a previous key sealed. One that does not open is
/// forgotten: its retry runs the request again, as after the 24 hours. Returns how many
/// were sealed.
pub fn seal_stored_answers(conn: &mut PgConnection, keyring: &Keyring) -> Result<usize, ApiError> {
    const BATCH: i64 = 200;
    type Row = (String, String, Vec<u8>, Option<String>);
    let previous = keyring.previous_key_ids();
    let mut done = 0;
    loop {
        // Each row of a batch leaves the selection (sealed under the current key, or
        // deleted), so the loop ends; rows another instance holds are skipped.
        let selected = conn.transaction(|conn| {
            let rows: Vec<Row> = idempotency_keys::table
                .filter(idempotency_keys::response_body.is_not_null())
                .filter(
                    idempotency_keys::response_key_id
                        .is_null()
                        .or(idempotency_keys::response_key_id.eq_any(&previous)),
                )
                .select((
                    idempotency_keys::principal,
                    idempotency_keys::key,
                    idempotency_keys::response_body.assume_not_null(),
                    idempotency_keys::response_key_id,
                ))
                .limit(BATCH)
                .for_update()
                .skip_locked()
                .load(conn)?;
            for (principal, key, bytes, key_id) in &rows {
                let aad = answer_aad(principal, key);
                let sealed = match key_id {
                    None => keyring.seal(bytes, &aad),
                    Some(key_id) => keyring.reseal(
                        &Sealed {
                            key_id: key_id.clone(),
                            bytes: bytes.clone(),
                        },
                        &aad,
                    ),
                };
                let row = idempotency_keys::table.find((principal, key));
                match sealed {
                    Ok(sealed) => {
                        diesel::update(row)
                            .set((
                                idempotency_keys::response_body.eq(&sealed.bytes),
                                idempotency_keys::response_key_id.eq(&sealed.key_id),
                            ))
                            .execute(conn)?;
                        done += 1;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "a kept idempotent answer does not open: forgotten");
                        diesel::delete(row).execute(conn)?;
                    }
                }
            }
            Ok::<_, ApiError>(rows.len())
        })?;
        if i64::try_from(selected).unwrap_or(i64::MAX) < BATCH {
            return Ok(done);
        }
    }
}
