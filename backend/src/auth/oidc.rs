//! OpenID Connect, the relying party's side (the `openidconnect` crate does the protocol):
//! a provider's discovery document and keys, kept for an hour and fetched again when an ID
//! token names a key we do not have (the provider rotated its keys); the authorization URL
//! with state, nonce and PKCE; and the way back: the code traded for tokens, the ID token's
//! issuer, audience, signature, expiry and nonce checked, the person's e-mail read from it
//! or from the userinfo endpoint.
//!
//! The provider's addresses are reached through the same resolver as webhooks: a CPAS
//! cannot make the server call its own network by naming an issuer there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreIdToken, CoreIdTokenClaims,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EmptyAdditionalClaims, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LogoutRequest,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout,
    RedirectUrl, RequestTokenError, Scope, SignatureVerificationError, TokenResponse,
    UserInfoClaims,
};
use uuid::Uuid;

use crate::domain::webhook_target;
use crate::error::chain as error_chain;

/// How long a provider's discovery document and keys are kept before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How long one call to a provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

type ProviderClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a step with a provider failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider cannot be reached, or does not answer as an OpenID provider.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused, or its answer failed our checks.
    #[error("{0}")]
    Refused(String),
}

/// What the server knows of one provider to talk to it.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub id: Uuid,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Space-separated; `openid` is always asked.
    pub scopes: String,
}

/// A sign-in under way: where to send the browser, and what to keep for the way back.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What the provider vouches for, once its ID token passed our checks.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    pub subject: String,
    pub email: Option<String>,
    /// `false` only when the provider says so (`email_verified: false`); providers that do
    /// not send the claim (Entra ID) vouch for the addresses of their own directory.
    pub email_verified: bool,
    pub name: Option<String>,
    /// Where the person signs out at the provider too (its end-session endpoint, with the
    /// ID token as hint), when it has one: kept with the session, given back at logout.
    pub end_session_url: Option<String>,
}

struct Cached {
    issuer: String,
    fetched: Instant,
    metadata: ProviderMetadataWithLogout,
}

/// The OpenID Connect client side of the server: one per instance.
#[derive(Clone)]
pub struct OidcClients {
    http: reqwest::Client,
    redirect_uri: RedirectUrl,
    allow_loopback_http: bool,
    metadata: Arc<Mutex<HashMap<Uuid, Cached>>>,
}

impl std::fmt::Debug for OidcClients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcClients")
            .field("redirect_uri", &self.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

impl OidcClients {
    /// `public_url` is the web app's address: the providers send people back to its
    /// `/connexion/oidc` page.
    pub fn new(public_url: &str, allow_loopback_http: bool) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider send us anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .dns_resolver(Arc::new(crate::jobs::egress::PublicResolver {
                allow_loopback: allow_loopback_http,
            }))
            .build()?;
        let redirect_uri = RedirectUrl::new(format!(
            "{}/connexion/oidc",
            public_url.trim_end_matches('/')
        ))?;
        Ok(Self {
            http,
            redirect_uri,
            allow_loopback_http,
            metadata: Arc::default(),
        })
    }

    /// The address to register at each provider as our redirect URI.
    pub fn redirect_uri(&self) -> &str {
        self.redirect_uri.as_str()
    }

    /// Whether `http://` issuers on loopback are accepted (development and tests).
    pub fn allows_loopback_http(&self) -> bool {
        self.allow_loopback_http
    }

    /// Reads an issuer's discovery document and keys: what a new provider must answer.
    pub async fn discover(&self, issuer: &str) -> Result<(), OidcError> {
        self.fetch(issuer).await.map(drop)
    }

    async fn fetch(&self, issuer: &str) -> Result<ProviderMetadataWithLogout, OidcError> {
        let issuer_url = IssuerUrl::new(issuer.to_owned())
            .map_err(|e| OidcError::Unavailable(format!("the issuer is not a URL: {e}")))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer_url, &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(error_chain(&e)))?;
        // The endpoints the server itself calls meet the rule the issuer met.
        let called = [
            metadata.token_endpoint().map(|u| u.url().clone()),
            metadata.userinfo_endpoint().map(|u| u.url().clone()),
            Some(metadata.jwks_uri().url().clone()),
        ];
        for url in called.into_iter().flatten() {
            check_reachable(&url, self.allow_loopback_http).map_err(OidcError::Unavailable)?;
        }
        Ok(metadata)
    }

    /// The provider's metadata, from this instance's memory when fresh (`refresh` forces a
    /// new fetch: the provider rotated its keys).
    async fn metadata(
        &self,
        provider: &ProviderSettings,
        refresh: bool,
    ) -> Result<ProviderMetadataWithLogout, OidcError> {
        if !refresh {
            let cached = self.metadata.lock().ok().and_then(|cache| {
                cache
                    .get(&provider.id)
                    .filter(|c| c.issuer == provider.issuer && c.fetched.elapsed() < METADATA_TTL)
                    .map(|c| c.metadata.clone())
            });
            if let Some(metadata) = cached {
                return Ok(metadata);
            }
        }
        let metadata = self.fetch(&provider.issuer).await?;
        if let Ok(mut cache) = self.metadata.lock() {
            cache.insert(
                provider.id,
                Cached {
                    issuer: provider.issuer.clone(),
                    fetched: Instant::now(),
                    metadata: metadata.clone(),
                },
            );
        }
        Ok(metadata)
    }

    fn client(
        &self,
        provider: &ProviderSettings,
        metadata: ProviderMetadataWithLogout,
    ) -> ProviderClient {
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            provider.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect_uri.clone())
    }

    /// A new sign-in: the authorization URL with a fresh state, nonce and PKCE challenge.
    pub async fn authorization(
        &self,
        provider: &ProviderSettings,
    ) -> Result<Authorization, OidcError> {
        let metadata = self.metadata(provider, false).await?;
        let client = self.client(provider, metadata);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in provider
            .scopes
            .split_whitespace()
            .filter(|s| *s != "openid")
        {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// The way back: trades the code for tokens and checks the ID token (issuer, audience,
    /// signature, expiry, nonce). An ID token signed with a key we do not know makes us
    /// fetch the provider's keys again, once.
    pub async fn complete(
        &self,
        provider: &ProviderSettings,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let metadata = self.metadata(provider, false).await?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let client = self.client(provider, metadata);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(refusal) => {
                    OidcError::Refused(format!("the provider refused the code: {refusal}"))
                }
                RequestTokenError::Request(e) => OidcError::Unavailable(error_chain(&e)),
                other => {
                    OidcError::Refused(format!("the provider's answer: {}", error_chain(&other)))
                }
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError::Refused("the provider sent no ID token".to_owned()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match verify(&client, id_token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                tracing::info!(provider = %provider.id, "an ID token names an unknown key: fetching the provider's keys again");
                let client = self.client(provider, self.metadata(provider, true).await?);
                verify(&client, id_token, &nonce)
            }
            other => other,
        }
        .map_err(|e| OidcError::Refused(format!("the ID token: {}", error_chain(&e))))?;

        let mut identity = VerifiedIdentity {
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified() != Some(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            end_session_url: end_session.map(|endpoint| {
                LogoutRequest::from(endpoint)
                    .set_client_id(ClientId::new(provider.client_id.clone()))
                    .set_id_token_hint(id_token)
                    .http_get_url()
                    .to_string()
            }),
        };
        // Many providers put the e-mail in the userinfo answer only.
        if identity.email.is_none()
            && let Ok(request) = client.user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
        {
            let info: UserInfoClaims<EmptyAdditionalClaims, CoreGenderClaim> =
                request.request_async(&self.http).await.map_err(|e| {
                    OidcError::Refused(format!("the userinfo answer: {}", error_chain(&e)))
                })?;
            identity.email = info.email().map(|e| e.to_string());
            identity.email_verified = info.email_verified() != Some(false);
            if identity.name.is_none() {
                identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
            }
        }
        Ok(identity)
    }
}

fn verify<'t>(
    client: &ProviderClient,
    id_token: &'t CoreIdToken,
    nonce: &Nonce,
) -> Result<&'t CoreIdTokenClaims, ClaimsVerificationError> {
    id_token.claims(&client.id_token_verifier(), nonce)
}

/// Whether the server may call `url`: the webhooks' rule (HTTPS, plain HTTP to loopback
/// when allowed; an address written in it must be public). Names are checked by the
/// resolver when they are looked up.
pub fn check_reachable(url: &url::Url, allow_loopback_http: bool) -> Result<(), String> {
    if !webhook_target::scheme_allowed(url, allow_loopback_http) {
        return Err(format!(
            "{url}: identity providers are reached over HTTPS only"
        ));
    }
    if !webhook_target::literal_host_allowed(url, allow_loopback_http) {
        return Err(format!("{url}: not a public address"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_reached_over_https_at_public_addresses() {
        let url = |s: &str| url::Url::parse(s).expect("a URL");
        assert!(check_reachable(&url("https://idp.imio.be/realms/x"), false).is_ok());
        assert!(check_reachable(&url("http://idp.imio.be/"), false).is_err());
        assert!(check_reachable(&url("https://169.254.169.254/"), false).is_err());
        assert!(check_reachable(&url("https://10.0.0.1/"), false).is_err());
        assert!(check_reachable(&url("http://127.0.0.1:4000/"), false).is_err());
        assert!(check_reachable(&url("http://127.0.0.1:4000/"), true).is_ok());
        assert!(check_reachable(&url("http://10.0.0.1/"), true).is_err());
    }
}
