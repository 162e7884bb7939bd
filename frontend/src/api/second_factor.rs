//! The endpoints of the second sign-in step, and of the CPAS's sign-in policy.

use api_types::{
    RecoveryCodes, SecondFactorCode, SecondFactorDisable, SecondFactorEnrolment,
    SecondFactorStatus, SecurityPolicy,
};
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get, json, parse, post, send};

pub async fn status(token: &str) -> Result<SecondFactorStatus, ApiFailure> {
    get("/api/v1/me/second-factor", token).await
}

pub async fn start(token: &str) -> Result<SecondFactorEnrolment, ApiFailure> {
    parse(&exchange(Method::POST, "/api/v1/me/second-factor", Some(token), None).await?)
}

pub async fn confirm(token: &str, code: String) -> Result<RecoveryCodes, ApiFailure> {
    post(
        "/api/v1/me/second-factor/confirm",
        token,
        &SecondFactorCode { code },
    )
    .await
}

pub async fn disable(token: &str, password: String) -> Result<(), ApiFailure> {
    let body = json(&SecondFactorDisable { password })?;
    exchange(
        Method::POST,
        "/api/v1/me/second-factor/disable",
        Some(token),
        Some(body),
    )
    .await
    .map(drop)
}

pub async fn policy(token: &str) -> Result<SecurityPolicy, ApiFailure> {
    get("/api/v1/security-policy", token).await
}

pub async fn set_policy(
    token: &str,
    policy: &SecurityPolicy,
) -> Result<SecurityPolicy, ApiFailure> {
    send(Method::PUT, "/api/v1/security-policy", token, policy).await
}

pub async fn reset_for(token: &str, user: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/users/{user}/second-factor");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}
