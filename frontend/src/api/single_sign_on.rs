//! Single sign-on: the login page's providers, the way out to one and back, and the DG's
//! management of them.

use api_types::{
    IdentityProvider, IdentityProviderPatch, NewIdentityProvider, OidcCallback, OidcStart,
    SignInProvider, TokenResponse,
};
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get, json, parse, post, send};

/// The enabled providers, of the CPAS whose slug the login page's address names, or of all.
pub async fn sign_in_providers(cpas: Option<&str>) -> Result<Vec<SignInProvider>, ApiFailure> {
    let url = match cpas {
        Some(slug) => format!(
            "/api/v1/auth/providers?cpas={}",
            js_sys::encode_uri_component(slug)
        ),
        None => "/api/v1/auth/providers".to_owned(),
    };
    parse(&exchange(Method::GET, &url, None, None).await?)
}

pub async fn start(provider: &str) -> Result<OidcStart, ApiFailure> {
    let url = format!("/api/v1/auth/oidc/{provider}/start");
    parse(&exchange(Method::POST, &url, None, None).await?)
}

pub async fn complete(code: String, state: String) -> Result<TokenResponse, ApiFailure> {
    let body = json(&OidcCallback { code, state })?;
    parse(&exchange(Method::POST, "/api/v1/auth/oidc/callback", None, Some(body)).await?)
}

pub async fn list(token: &str) -> Result<Vec<IdentityProvider>, ApiFailure> {
    get("/api/v1/identity-providers", token).await
}

pub async fn create(
    token: &str,
    provider: &NewIdentityProvider,
) -> Result<IdentityProvider, ApiFailure> {
    post("/api/v1/identity-providers", token, provider).await
}

pub async fn update(
    token: &str,
    id: &str,
    patch: &IdentityProviderPatch,
) -> Result<IdentityProvider, ApiFailure> {
    let url = format!("/api/v1/identity-providers/{id}");
    send(Method::PATCH, &url, token, patch).await
}

pub async fn remove(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/identity-providers/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}
