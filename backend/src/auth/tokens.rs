//! Access tokens (JWT, HS256 only) and refresh tokens (random, stored hashed).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use api_types::Role;

/// Lifetime of an access token.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
/// Lifetime of a refresh token, and the idle timeout of a session.
pub const REFRESH_TTL: Duration = Duration::from_secs(14 * 24 * 3600);
/// Prefix of refresh tokens, so that a leaked one is recognisable in logs and scanners.
const REFRESH_PREFIX: &str = "pstr_";

/// The signing key of access tokens: at least 32 bytes, and not a placeholder.
#[derive(Clone)]
pub struct JwtSecret {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Signs the links that stop a topic's e-mails, derived from the same secret.
    unsubscribe: super::unsubscribe::UnsubscribeKey,
}

impl std::fmt::Debug for JwtSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtSecret(…)")
    }
}

impl std::str::FromStr for JwtSecret {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl JwtSecret {
    pub fn parse(secret: &str) -> Result<Self, String> {
        let bytes = secret.as_bytes();
        if bytes.len() < 32 {
            return Err(format!(
                "PST_JWT_SECRET must be at least 32 bytes (it has {}); generate one with \
                 `openssl rand -base64 48`",
                bytes.len()
            ));
        }
        let distinct = bytes.iter().collect::<std::collections::HashSet<_>>().len();
        let lowered = secret.to_lowercase();
        if distinct < 10
            || ["changeme", "secret", "example", "password"]
                .iter()
                .any(|w| lowered.contains(w))
        {
            return Err("PST_JWT_SECRET looks like a placeholder; use random bytes".to_owned());
        }
        Ok(Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            unsubscribe: super::unsubscribe::UnsubscribeKey::derive(bytes),
        })
    }

    /// The key of the unsubscribe links (a key of its own, derived from this secret).
    pub fn unsubscribe_key(&self) -> &super::unsubscribe::UnsubscribeKey {
        &self.unsubscribe
    }
}

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: Uuid,
    /// The session the token belongs to.
    pub sid: Uuid,
    /// The user's CPAS (`None` for platform administrators).
    pub tenant: Option<Uuid>,
    pub role: Role,
    /// The user's organisation.
    pub org: Option<Uuid>,
    pub iat: u64,
    pub exp: u64,
    /// Unique id of this token.
    pub jti: Uuid,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Issues an access token.
pub fn issue_access(
    secret: &JwtSecret,
    user: Uuid,
    session: Uuid,
    tenant: Option<Uuid>,
    role: Role,
    organisation: Option<Uuid>,
) -> anyhow::Result<String> {
    let iat = now_secs();
    let claims = Claims {
        sub: user,
        sid: session,
        tenant,
        role,
        org: organisation,
        iat,
        exp: iat + ACCESS_TTL.as_secs(),
        jti: Uuid::new_v4(),
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &secret.encoding,
    )?)
}

/// Verifies signature, algorithm (HS256 only: no `none`, no switching) and expiry.
pub fn verify_access(secret: &JwtSecret, token: &str) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "iat", "sub"]);
    jsonwebtoken::decode::<Claims>(token, &secret.decoding, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        })
}

/// A new refresh token and the hash to store.
pub fn new_refresh_token() -> anyhow::Result<(String, Vec<u8>)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let token = format!("{REFRESH_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

/// How API tokens begin (refresh tokens begin with `pstr_`, and are never bearer tokens).
pub const API_TOKEN_PREFIX: &str = "pst_";

/// A new API token and the hash to store.
pub fn new_api_token() -> anyhow::Result<(String, Vec<u8>)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let token = format!("{API_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

/// The stored form of a refresh token (and of an API token).
pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> JwtSecret {
        JwtSecret::parse("0123456789abcdefghijklmnopqrstuvwxyz").expect("valid")
    }

    #[test]
    fn weak_secrets_are_refused() {
        assert!(JwtSecret::parse("short").is_err());
        assert!(JwtSecret::parse(&"a".repeat(40)).is_err());
        assert!(JwtSecret::parse("changeme-changeme-changeme-changeme").is_err());
    }

    #[test]
    fn a_token_verifies_with_its_secret_only() {
        let user = Uuid::new_v4();
        let token =
            issue_access(&secret(), user, Uuid::new_v4(), None, Role::Admin, None).expect("issued");

        assert_eq!(verify_access(&secret(), &token).map(|c| c.sub), Ok(user));
        let other = JwtSecret::parse("zyxwvutsrqponmlkjihgfedcba9876543210").expect("valid");
        assert_eq!(verify_access(&other, &token), Err(TokenError::Invalid));
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, hash_a) = new_refresh_token().expect("random");
        let (b, _) = new_refresh_token().expect("random");
        assert_ne!(a, b);
        assert!(a.starts_with("pstr_"));
        assert_eq!(hash_refresh_token(&a), hash_a);
    }
}
