//! Single sign-on: a CPAS's people sign in through the identity provider their employer
//! already runs (OpenID Connect, authorization code with PKCE), and its DG manages those
//! providers.
//!
//! Who a provider's person is here: the account linked to their subject at an earlier
//! sign-in; else the account of this CPAS with their e-mail (unless the provider says it
//! is unverified), linked from then on; else, when the DG allows it, a new account with
//! the provider's default role, for an e-mail of the allowed domain. Anyone else is
//! refused (401 `no_account_for_identity`).

use api_types::{
    self as wire, IdentityProvider, IdentityProviderPatch, NewIdentityProvider, OidcCallback,
    OidcStart, ProblemCode, Role, SignInMethod, SignInProvider, TokenResponse,
};
use chrono::Utc;
use diesel::{Connection, PgConnection};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::RequestDb;
use super::second_factor::SecondStep;
use crate::auth::Authenticated;
use crate::auth::oidc::{self, OidcClients, OidcError, ProviderSettings, VerifiedIdentity};
use crate::auth::password;
use crate::auth::tokens::JwtSecret;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::accounts::{self, NewUserRow};
use crate::db::single_sign_on::{self as db, ProviderFields, ProviderRow};
use crate::db::stored::Stored;
use crate::domain::{Email, Label, Slug, TenantId};
use crate::error::ApiError;
use crate::secrets::{self, Keyring, Sealed};

/// How long a sign-in may stay at the provider before its way back is refused.
const LOGIN_TTL: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// The scopes asked for when the DG names none.
const DEFAULT_SCOPES: &str = "openid email profile";

fn sealing_aad(provider: Uuid) -> Vec<u8> {
    secrets::aad("identity_providers.client_secret", &[provider.as_bytes()])
}

fn state_hash(state: &str) -> Vec<u8> {
    Sha256::digest(state.as_bytes()).to_vec()
}

fn provider_failure(error: OidcError) -> ApiError {
    match error {
        OidcError::Unavailable(detail) => ApiError::IdentityProviderUnavailable { detail },
        OidcError::Refused(detail) => {
            tracing::warn!(%detail, "an identity provider's answer was refused");
            ApiError::SignInRefused {
                code: ProblemCode::IdentityProviderRefused,
                detail,
            }
        }
    }
}

fn no_account() -> ApiError {
    ApiError::SignInRefused {
        code: ProblemCode::NoAccountForIdentity,
        detail: "your organisation's account is not one of this CPAS's: ask its DG for an \
                 account"
            .to_owned(),
    }
}

fn invalid_state() -> ApiError {
    ApiError::SignInRefused {
        code: ProblemCode::InvalidSignInState,
        detail: "this sign-in is unknown, over ten minutes old, or already used: start again"
            .to_owned(),
    }
}

/// The provider's settings to talk to it, its client secret opened.
fn settings_of(keyring: &Keyring, row: &ProviderRow) -> Result<ProviderSettings, ApiError> {
    let client_secret = row
        .sealed_secret()
        .map(|sealed| {
            keyring
                .open(&sealed.key_id, &sealed.bytes, &sealing_aad(row.id))
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("a client secret: {e}")))
                .and_then(|bytes| {
                    String::from_utf8(bytes.to_vec())
                        .map_err(|e| ApiError::Internal(anyhow::anyhow!("a client secret: {e}")))
                })
        })
        .transpose()?;
    Ok(ProviderSettings {
        id: row.id,
        issuer: row.issuer.clone(),
        client_id: row.client_id.clone(),
        client_secret,
        scopes: row.scopes.clone(),
    })
}

/// The login page's buttons: the enabled providers of one CPAS (its slug: 422
/// `invalid_slug` when it cannot be one), or of all.
pub async fn sign_in_providers(
    db: &RequestDb,
    cpas: Option<String>,
) -> Result<Vec<SignInProvider>, ApiError> {
    let cpas = cpas.map(|c| Slug::parse(&c, "cpas")).transpose()?;
    db.run(move |conn| {
        Ok(db::sign_in_providers(
            conn,
            cpas.as_ref().map(Slug::as_str),
        )?)
    })
    .await
}

/// Starts a sign-in: the provider's authorization URL, its state kept (hashed) with the
/// nonce and the PKCE verifier for ten minutes.
pub async fn start(
    db: &RequestDb,
    oidc: &OidcClients,
    keyring: &Keyring,
    provider_id: Uuid,
) -> Result<OidcStart, ApiError> {
    let row = db
        .run(move |conn| Ok(db::provider(conn, provider_id, None)?))
        .await?
        .filter(|p| p.enabled)
        .ok_or(ApiError::NotFound {
            resource: "identity provider",
        })?;
    let settings = settings_of(keyring, &row)?;
    let authorization = oidc
        .authorization(&settings)
        .await
        .map_err(provider_failure)?;
    let oidc::Authorization {
        url,
        state,
        nonce,
        pkce_verifier,
    } = authorization;
    let hash = state_hash(&state);
    db.run(move |conn| {
        Ok(db::insert_login(
            conn,
            &hash,
            provider_id,
            &nonce,
            &pkce_verifier,
            Utc::now() + LOGIN_TTL,
        )?)
    })
    .await?;
    Ok(OidcStart {
        authorization_url: url,
        state,
    })
}

/// The way back from the provider: the state names a sign-in under way (used once), the
/// code is traded, the ID token checked; then the person's account signs in as with a
/// password (the provider's own steps stand for ours).
pub async fn callback(
    db: &RequestDb,
    oidc: &OidcClients,
    keyring: &Keyring,
    secret: &JwtSecret,
    input: OidcCallback,
    user_agent: Option<String>,
) -> Result<TokenResponse, ApiError> {
    for (field, value) in [("code", &input.code), ("state", &input.state)] {
        if value.chars().count() > wire::CALLBACK_PARAMETER_MAX_CHARS {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::TooLong,
                format!("at most {} characters", wire::CALLBACK_PARAMETER_MAX_CHARS),
            ));
        }
    }
    let hash = state_hash(&input.state);
    let (login, row) = db
        .run(move |conn| {
            let Some(login) = db::take_login(conn, &hash)? else {
                return Err(invalid_state());
            };
            let row = db::provider(conn, login.provider_id, None)?
                .filter(|p| p.enabled)
                .ok_or_else(invalid_state)?;
            Ok((login, row))
        })
        .await?;
    let settings = settings_of(keyring, &row)?;
    let identity = oidc
        .complete(&settings, &input.code, &login.nonce, &login.pkce_verifier)
        .await
        .map_err(provider_failure)?;
    let secret = secret.clone();
    db.run(move |conn| {
        conn.transaction(|conn| {
            let user_id = account_for(conn, &row, &identity)?;
            let user = accounts::credentials_of(conn, user_id)?
                .filter(|u| u.tenant_id == Some(row.tenant_id))
                .ok_or_else(no_account)?;
            if !user.active {
                return Err(ApiError::Unauthenticated(ProblemCode::AccountDeactivated));
            }
            db::void_given_password(conn, user.id, password::NO_PASSWORD)?;
            let step = SecondStep {
                signed_in_with: SignInMethod::Oidc,
                enrolment_pending: false,
            };
            let (session, tokens) =
                super::accounts::open_session(conn, &secret, &user, user_agent.as_deref(), step)?;
            db::mark_session(conn, session, row.id, identity.end_session_url.as_deref())?;
            tracing::info!(user = %user.id, provider = %row.id, "signed in through an identity provider");
            Ok(tokens)
        })
    })
    .await
}

/// The account the provider's person is, linking or creating it as the module says.
fn account_for(
    conn: &mut PgConnection,
    provider: &ProviderRow,
    identity: &VerifiedIdentity,
) -> Result<Uuid, ApiError> {
    if let Some(user) = db::linked_account(conn, provider.id, &identity.subject)? {
        return Ok(user);
    }
    let email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified)
        .and_then(|e| Email::parse(e, "email").ok())
        .ok_or_else(no_account)?;
    if let Some(user) =
        db::unlinked_account_by_email(conn, provider.id, provider.tenant_id, email.as_str())?
    {
        db::link(conn, provider.id, &identity.subject, user)?;
        tracing::info!(%user, provider = %provider.id, "account linked to its identity provider by e-mail");
        return Ok(user);
    }
    let domain_allowed = provider
        .new_account_domain
        .as_deref()
        .is_some_and(|domain| {
            email
                .as_str()
                .rsplit_once('@')
                .is_some_and(|(_, of)| of == domain)
        });
    // An address known here (another CPAS's, or linked to another of this provider's
    // people) is never given a second account.
    if !provider.new_accounts
        || !domain_allowed
        || accounts::find_credentials(conn, email.as_str())?.is_some()
    {
        return Err(no_account());
    }
    let display_name = identity
        .name
        .as_deref()
        .and_then(|n| Label::parse(n, "name", 200).ok())
        .map_or_else(|| email.as_str().to_owned(), |n| n.as_str().to_owned());
    let user = accounts::insert_user(
        conn,
        &NewUserRow {
            tenant_id: Some(provider.tenant_id),
            organisation_id: provider.new_account_organisation_id,
            email: email.as_str(),
            display_name: &display_name,
            role: Stored(provider.new_account_role.0),
            password_hash: password::NO_PASSWORD,
            must_change_password: false,
        },
    )?;
    db::link(conn, provider.id, &identity.subject, user)?;
    tracing::info!(%user, provider = %provider.id, role = %provider.new_account_role.0,
                   "account made at its first sign-in through an identity provider");
    Ok(user)
}

// ---------------------------------------------------------------------------------------
// The DG's management

/// The CPAS whose providers the actor manages: their own, as its DG.
fn managed_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ManageUsers, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// The CPAS's identity providers.
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
    oidc: &OidcClients,
) -> Result<Vec<IdentityProvider>, ApiError> {
    let redirect_uri = oidc.redirect_uri().to_owned();
    db.run_as(auth, move |conn, actor| {
        let tenant = managed_tenant(actor)?;
        Ok(db::providers(conn, tenant.get())?
            .into_iter()
            .map(|row| row.into_wire(&redirect_uri))
            .collect())
    })
    .await
}

/// One provider of the CPAS.
pub async fn get(
    db: &RequestDb,
    auth: &Authenticated,
    oidc: &OidcClients,
    id: Uuid,
) -> Result<IdentityProvider, ApiError> {
    let redirect_uri = oidc.redirect_uri().to_owned();
    db.run_as(auth, move |conn, actor| {
        let tenant = managed_tenant(actor)?;
        Ok(managed(conn, tenant, id)?.into_wire(&redirect_uri))
    })
    .await
}

fn managed(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<ProviderRow, ApiError> {
    db::provider(conn, id, Some(tenant.get()))?.ok_or(ApiError::NotFound {
        resource: "identity provider",
    })
}

/// Adds a provider: its issuer must answer as an OpenID provider (discovery) at once.
pub async fn create(
    db: &RequestDb,
    auth: &Authenticated,
    oidc: &OidcClients,
    keyring: &Keyring,
    input: NewIdentityProvider,
) -> Result<IdentityProvider, ApiError> {
    let label = Label::parse(&input.label, "label", wire::PROVIDER_LABEL_MAX_CHARS)?;
    let issuer = parse_issuer(&input.issuer, oidc.allows_loopback_http())?;
    let client_id = Label::parse(
        &input.client_id,
        "client_id",
        wire::CLIENT_CREDENTIAL_MAX_CHARS,
    )?;
    let client_secret = input
        .client_secret
        .as_deref()
        .map(|s| Label::parse(s, "client_secret", wire::CLIENT_CREDENTIAL_MAX_CHARS))
        .transpose()?;
    let scopes = parse_scopes(input.scopes.as_deref())?;
    let role = input.new_account_role.unwrap_or(Role::SocialWorker);
    let domain = input
        .new_account_domain
        .as_deref()
        .map(parse_domain)
        .transpose()?;
    // Authorised before the server calls anything on the caller's word.
    db.run_as(auth, |_, actor| managed_tenant(actor).map(drop))
        .await?;
    oidc.discover(&issuer).await.map_err(|e| {
        ApiError::invalid_field("issuer", ProblemCode::IssuerDiscoveryFailed, e.to_string())
    })?;
    let keyring = keyring.clone();
    let redirect_uri = oidc.redirect_uri().to_owned();
    db.run_as(auth, move |conn, actor| {
        let tenant = managed_tenant(actor)?;
        // The id is chosen here: the sealed secret is bound to it.
        let id = Uuid::new_v4();
        let sealed = client_secret
            .map(|s| seal(&keyring, id, s.as_str()))
            .transpose()?;
        db::insert_provider(
            conn,
            id,
            tenant.get(),
            (&issuer, client_id.as_str()),
            &ProviderFields {
                label: label.as_str(),
                client_secret_sealed: sealed.as_ref().map(|s| s.bytes.as_slice()),
                client_secret_key_id: sealed.as_ref().map(|s| s.key_id.as_str()),
                scopes: &scopes,
                enabled: true,
                new_accounts: input.new_accounts,
                new_account_role: Stored(role),
                new_account_organisation_id: input.new_account_organisation_id,
                new_account_domain: domain.as_deref(),
            },
        )?;
        tracing::info!(provider = %id, %tenant, by = %actor.user_id, "identity provider added");
        Ok(managed(conn, tenant, id)?.into_wire(&redirect_uri))
    })
    .await
}

/// Changes a provider if it is still at the version the patch was based on. Its issuer
/// and client id stay: another provider is added instead (its people link again).
pub async fn update(
    db: &RequestDb,
    auth: &Authenticated,
    oidc: &OidcClients,
    keyring: &Keyring,
    id: Uuid,
    patch: IdentityProviderPatch,
) -> Result<IdentityProvider, ApiError> {
    let label = patch
        .label
        .as_deref()
        .map(|l| Label::parse(l, "label", wire::PROVIDER_LABEL_MAX_CHARS))
        .transpose()?;
    let client_secret = patch
        .client_secret
        .as_deref()
        .map(|s| Label::parse(s, "client_secret", wire::CLIENT_CREDENTIAL_MAX_CHARS))
        .transpose()?;
    let scopes = patch
        .scopes
        .as_deref()
        .map(|s| parse_scopes(Some(s)))
        .transpose()?;
    let domain = match patch.new_account_domain.as_ref() {
        Some(Some(d)) => Some(Some(parse_domain(d)?)),
        Some(None) => Some(None),
        None => None,
    };
    let keyring = keyring.clone();
    let redirect_uri = oidc.redirect_uri().to_owned();
    db.run_as(auth, move |conn, actor| {
        let tenant = managed_tenant(actor)?;
        conn.transaction(|conn| {
            let current = managed(conn, tenant, id)?;
            if current.version != patch.version {
                return Err(ApiError::Conflict {
                    code: ProblemCode::StaleVersion,
                    detail: format!(
                        "the identity provider is at version {}, not {}",
                        current.version, patch.version
                    ),
                });
            }
            let sealed = match client_secret {
                Some(s) => Some(seal(&keyring, id, s.as_str())?),
                None => current.sealed_secret(),
            };
            let domain = domain.unwrap_or_else(|| current.new_account_domain.clone());
            let written = db::update_provider(
                conn,
                id,
                patch.version,
                &ProviderFields {
                    label: label.as_ref().map_or(&current.label, |l| l.as_str()),
                    client_secret_sealed: sealed.as_ref().map(|s| s.bytes.as_slice()),
                    client_secret_key_id: sealed.as_ref().map(|s| s.key_id.as_str()),
                    scopes: scopes.as_deref().unwrap_or(&current.scopes),
                    enabled: patch.enabled.unwrap_or(current.enabled),
                    new_accounts: patch.new_accounts.unwrap_or(current.new_accounts),
                    new_account_role: patch
                        .new_account_role
                        .map_or(current.new_account_role, Stored),
                    new_account_organisation_id: patch
                        .new_account_organisation_id
                        .unwrap_or(current.new_account_organisation_id),
                    new_account_domain: domain.as_deref(),
                },
            )?;
            if !written {
                return Err(ApiError::Conflict {
                    code: ProblemCode::StaleVersion,
                    detail: "the identity provider changed meanwhile: reload it".to_owned(),
                });
            }
            tracing::info!(provider = %id, by = %actor.user_id, "identity provider changed");
            Ok(managed(conn, tenant, id)?.into_wire(&redirect_uri))
        })
    })
    .await
}

/// Removes a provider: its people sign in with a password again (or through another).
pub async fn delete(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = managed_tenant(actor)?;
        if !db::delete_provider(conn, tenant.get(), id)? {
            return Err(ApiError::NotFound {
                resource: "identity provider",
            });
        }
        tracing::info!(provider = %id, by = %actor.user_id, "identity provider removed");
        Ok(())
    })
    .await
}

fn seal(keyring: &Keyring, provider: Uuid, secret: &str) -> Result<Sealed, ApiError> {
    keyring
        .seal(secret.as_bytes(), &sealing_aad(provider))
        .map_err(|e| ApiError::Internal(e.into()))
}

/// An issuer URL: HTTPS (plain HTTP to loopback when allowed), a host, no credentials,
/// query or fragment; the trailing slash as the provider writes it.
fn parse_issuer(text: &str, allow_loopback_http: bool) -> Result<String, ApiError> {
    let invalid =
        |message: String| ApiError::invalid_field("issuer", ProblemCode::InvalidUrl, message);
    let text = text.trim();
    if text.chars().count() > wire::ISSUER_MAX_CHARS {
        return Err(ApiError::invalid_field(
            "issuer",
            ProblemCode::TooLong,
            format!("at most {} characters", wire::ISSUER_MAX_CHARS),
        ));
    }
    let url = url::Url::parse(text).map_err(|_| invalid("not a URL".to_owned()))?;
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid(
            "an issuer has no credentials, query or fragment".to_owned(),
        ));
    }
    oidc::check_reachable(&url, allow_loopback_http).map_err(invalid)?;
    Ok(text.to_owned())
}

/// The scopes, space-separated RFC 6749 scope tokens, with `openid` first.
fn parse_scopes(text: Option<&str>) -> Result<String, ApiError> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(DEFAULT_SCOPES);
    let token_char = |c: char| {
        c == '!' || ('\u{23}'..='\u{5b}').contains(&c) || ('\u{5d}'..='\u{7e}').contains(&c)
    };
    if !text
        .split_whitespace()
        .all(|scope| scope.chars().all(token_char))
    {
        return Err(ApiError::invalid_field(
            "scopes",
            ProblemCode::InvalidValue,
            "scopes are words of visible ASCII (no quote or backslash), separated by spaces",
        ));
    }
    let mut scopes = vec!["openid"];
    scopes.extend(text.split_whitespace().filter(|s| *s != "openid"));
    scopes.dedup();
    Ok(scopes.join(" "))
}

/// An e-mail domain (`cpas-namur.be`), lowercased, without a leading `@`.
fn parse_domain(text: &str) -> Result<String, ApiError> {
    let domain = text.trim().trim_start_matches('@').to_lowercase();
    let valid = domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !valid {
        return Err(ApiError::invalid_field(
            "new_account_domain",
            ProblemCode::InvalidValue,
            "an e-mail domain, such as cpas-namur.be",
        ));
    }
    Ok(domain)
}

/// At start: re-seals under the current key the client secrets a previous key sealed
/// (the key rotation). Returns how many.
pub fn reseal_secrets(conn: &mut PgConnection, keyring: &Keyring) -> Result<usize, ApiError> {
    let previous = keyring.previous_key_ids();
    conn.transaction(|conn| {
        let mut resealed = 0;
        for row in db::secrets_to_reseal(conn, &previous)? {
            let sealed = Sealed {
                key_id: row.client_secret_key_id,
                bytes: row.client_secret_sealed,
            };
            match keyring.reseal(&sealed, &sealing_aad(row.id)) {
                Ok(sealed) => {
                    db::store_resealed(conn, row.id, &sealed)?;
                    resealed += 1;
                }
                Err(error) => {
                    tracing::error!(provider = %row.id, %error,
                                    "a client secret cannot be re-sealed; give it again");
                }
            }
        }
        Ok(resealed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_start_with_openid_once() {
        assert_eq!(
            parse_scopes(None).ok().as_deref(),
            Some("openid email profile")
        );
        assert_eq!(
            parse_scopes(Some("email openid groups")).ok().as_deref(),
            Some("openid email groups")
        );
        assert!(parse_scopes(Some("email \"x\"")).is_err());
    }

    #[test]
    fn domains_are_lowercased_and_checked() {
        assert_eq!(
            parse_domain("@CPAS-Namur.be").ok().as_deref(),
            Some("cpas-namur.be")
        );
        assert!(parse_domain("localhost").is_err());
        assert!(parse_domain("cpas..be").is_err());
        assert!(parse_domain("-cpas.be").is_err());
    }

    #[test]
    fn issuers_are_https_urls_without_query() {
        assert!(parse_issuer("https://idp.imio.be/realms/cpas", false).is_ok());
        assert!(parse_issuer("https://idp.imio.be/?x=1", false).is_err());
        assert!(parse_issuer("https://user:pw@idp.imio.be/", false).is_err());
        assert!(parse_issuer("http://idp.imio.be/", false).is_err());
        assert!(parse_issuer("http://127.0.0.1:4000", true).is_ok());
    }
}
