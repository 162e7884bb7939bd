//! `Idempotency-Key` on POSTs: a client that retries a request (a timeout, a lost answer)
//! with the same key gets the first answer again instead of creating a second resource.
//!
//! The key belongs to the caller (a person or an API token): the same key from someone else
//! is another key. The first request with a key records its answer in PostgreSQL, so every
//! instance replays it; a key reused with a different request is refused (422), and one
//! whose first request is still running answers 409. Answers are kept 24 hours. A 5xx is
//! not recorded: the retry runs again.

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
    let (Some(db), stats) = (
        req.app_data::<web::Data<Db>>().map(|d| d.get_ref().clone()),
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
        db.run(&stats, move |conn| {
            claim(conn, &principal, &key, tenant, &hash)
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
                    remember(conn, &principal, &key, &stored)
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

fn claim(
    conn: &mut PgConnection,
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
    );
    let (stored_hash, status, content_type, location, body): Row = idempotency_keys::table
        .find((principal, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::content_type,
            idempotency_keys::location,
            idempotency_keys::response_body,
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
    Ok(Claim::Replay(Stored {
        status: status.as_u16(),
        content_type,
        location,
        body: body.unwrap_or_default(),
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
    principal: &str,
    key: &str,
    stored: &Stored,
) -> Result<(), ApiError> {
    let row = idempotency_keys::table.find((principal, key));
    if stored.status >= 500 {
        diesel::delete(row).execute(conn)?;
    } else {
        diesel::update(row)
            .set((
                idempotency_keys::status_code.eq(i32::from(stored.status)),
                idempotency_keys::content_type.eq(&stored.content_type),
                idempotency_keys::location.eq(&stored.location),
                idempotency_keys::response_body.eq(&stored.body),
            ))
            .execute(conn)?;
    }
    Ok(())
}
