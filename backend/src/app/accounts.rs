//! Accounts and sign-in: log in, refresh, log out; the caller's own account, password and
//! sessions; the accounts a DG or an administrator manages.

use std::time::Duration;

use api_types::{
    ActionRef, NewUser, PasswordChange, ProblemCode, Role, SessionInfo, TokenResponse, User,
    UserCreated, UserPatch,
};
use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::{RequestDb, second_factor};
use crate::auth::tokens::{self, Claims, JwtSecret};
use crate::auth::{Authenticated, password};
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::accounts::{self, Credentials, NewUserRow, UserChanges};
use crate::db::actions;
use crate::db::stored::Stored;
use crate::domain::{Email, Label, SessionId, TenantId, UserId};
use crate::error::ApiError;
use crate::secrets::Keyring;

/// Longest password ever compared: longer input is refused without hashing it.
const MAX_PASSWORD_BYTES: usize = 1024;

/// Failed logins allowed per account and per client address within [`THROTTLE_WINDOW`].
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account: i64,
    pub per_address: i64,
}

/// The window failed logins are counted over.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(60);

/// Who is logging in, as the request tells.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    pub email: String,
    pub password: String,
    /// The second step's code, for an account that has one.
    pub second_factor_code: Option<String>,
    pub client_ip: String,
    /// The browser's, already shortened, shown in the person's list of sessions.
    pub user_agent: Option<String>,
}

/// Logs in with e-mail and password. Unknown e-mail and wrong password get the same answer
/// in about the same time; too many failures are answered 429 (see [`check_throttle`]).
pub async fn login(
    db: &RequestDb,
    secret: &JwtSecret,
    keyring: &Keyring,
    limits: ThrottleLimits,
    attempt: LoginAttempt,
) -> Result<TokenResponse, ApiError> {
    let LoginAttempt {
        email,
        password,
        second_factor_code,
        client_ip,
        user_agent,
    } = attempt;
    // Checked before the throttle's and the account's queries: no address is longer.
    if email.chars().count() > Email::MAX_LEN {
        return Err(ApiError::invalid_field(
            "email",
            ProblemCode::TooLong,
            format!("at most {} characters", Email::MAX_LEN),
        ));
    }
    let email = email.trim().to_lowercase();
    let credentials = {
        let (email, client_ip) = (email.clone(), client_ip.clone());
        db.run(move |conn| {
            check_throttle(conn, &email, &client_ip, limits)?;
            Ok(accounts::find_credentials(conn, &email)?)
        })
        .await?
    };
    // Always hash, against a dummy when the account is unknown: no timing oracle.
    let hash = credentials.as_ref().map_or_else(
        || password::dummy_hash().to_owned(),
        |c| c.password_hash.clone(),
    );
    let matches = actix_web::web::block(move || {
        password.len() <= MAX_PASSWORD_BYTES && password::verify(&password, &hash)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("password check failed: {e}")))?;

    match credentials {
        Some(user) if matches && user.active => {
            let (keyring, user_id) = (keyring.clone(), user.id);
            let second_step = db
                .run(move |conn| {
                    second_factor::check_at_sign_in(
                        conn,
                        &keyring,
                        user_id,
                        second_factor_code.as_deref(),
                    )
                })
                .await;
            let step = match second_step {
                Ok(step) => step,
                Err(refused) => {
                    // A wrong code counts as a failed sign-in: the same limits hold for
                    // codes as for passwords.
                    if matches!(
                        refused,
                        ApiError::Unauthenticated(ProblemCode::InvalidSecondFactorCode)
                    ) {
                        db.run(move |conn| Ok(accounts::record_failure(conn, &email, &client_ip)?))
                            .await?;
                    }
                    return Err(refused);
                }
            };
            let secret = secret.clone();
            db.run(move |conn| {
                conn.transaction(|conn| {
                    open_session(conn, &secret, &user, user_agent.as_deref(), step)
                        .map(|(_, tokens)| tokens)
                })
            })
            .await
        }
        _ => {
            db.run(move |conn| Ok(accounts::record_failure(conn, &email, &client_ip)?))
                .await?;
            Err(ApiError::Unauthenticated(ProblemCode::InvalidCredentials))
        }
    }
}

/// Refuses with 429 when the address failed too often in the window, or when the account
/// did and this address is among those that failed on it.
///
/// Why not lock the account outright: anyone who knows an e-mail could then keep its owner
/// out with ten wrong passwords a minute. Instead, once an account is over its limit, only
/// the addresses that took part in the guessing wait; its owner, from an address that has
/// not failed on it, still logs in. Each address stays bounded by its own limit, so a
/// guesser gains one try per new address and per window, no more.
fn check_throttle(
    conn: &mut PgConnection,
    email: &str,
    client_ip: &str,
    limits: ThrottleLimits,
) -> Result<(), ApiError> {
    let window = chrono::Duration::from_std(THROTTLE_WINDOW).unwrap_or_default();
    let failures = accounts::recent_failures(conn, email, client_ip, Utc::now() - window)?;
    let account_guessed_from_here =
        failures.of_account >= limits.per_account && failures.of_account_from_address > 0;
    if account_guessed_from_here || failures.from_address >= limits.per_address {
        let retry_after = failures.oldest.map_or(THROTTLE_WINDOW.as_secs(), |oldest| {
            let free_at = oldest + window;
            u64::try_from((free_at - Utc::now()).num_seconds()).unwrap_or(0) + 1
        });
        return Err(ApiError::TooManyRequests { retry_after });
    }
    Ok(())
}

/// Opens a session of `user`, who passed every step of signing in, and its first tokens;
/// returns the session's id with them. `user_agent` is the browser's, already shortened.
pub(super) fn open_session(
    conn: &mut PgConnection,
    secret: &JwtSecret,
    user: &Credentials,
    user_agent: Option<&str>,
    step: second_factor::SecondStep,
) -> Result<(Uuid, TokenResponse), ApiError> {
    let session_id = accounts::open_session(
        conn,
        user,
        refresh_expiry(),
        user_agent,
        step.signed_in_with,
        step.enrolment_pending,
    )?;
    Ok((session_id, token_pair(conn, secret, user, session_id)?))
}

fn refresh_expiry() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(tokens::REFRESH_TTL).unwrap_or_default()
}

/// A new access token and refresh token for an open session.
fn token_pair(
    conn: &mut PgConnection,
    secret: &JwtSecret,
    user: &Credentials,
    session_id: Uuid,
) -> Result<TokenResponse, ApiError> {
    let (refresh_token, hash) = tokens::new_refresh_token()?;
    accounts::insert_refresh_token(conn, &hash, session_id, user.tenant_id, refresh_expiry())?;
    let access_token = tokens::issue_access(
        secret,
        user.id,
        session_id,
        user.tenant_id,
        user.role,
        user.organisation_id,
    )?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: tokens::ACCESS_TTL.as_secs(),
    })
}

/// Trades a refresh token for a new pair. A token used twice means it leaked: the whole
/// session is revoked (its revocation is committed even though the call fails).
pub async fn refresh(
    db: &RequestDb,
    secret: &JwtSecret,
    refresh_token: String,
) -> Result<TokenResponse, ApiError> {
    enum Outcome {
        Issued(TokenResponse),
        Refused(ProblemCode),
    }
    let secret = secret.clone();
    let hash = tokens::hash_refresh_token(&refresh_token);
    let outcome = db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<Outcome, ApiError> {
                let Some(token) = accounts::lock_refresh_token(conn, &hash)? else {
                    return Ok(Outcome::Refused(ProblemCode::InvalidRefreshToken));
                };
                if token.used_at.is_some() {
                    accounts::revoke_session(conn, token.session_id, "refresh_token_reuse")?;
                    return Ok(Outcome::Refused(ProblemCode::RefreshTokenReused));
                }
                let (session_open, user) = accounts::session_account(conn, token.session_id)?;
                if !session_open || !user.active || token.expires_at <= Utc::now() {
                    return Ok(Outcome::Refused(ProblemCode::InvalidRefreshToken));
                }
                accounts::trade_refresh_token(conn, &hash, token.session_id, refresh_expiry())?;
                Ok(Outcome::Issued(token_pair(
                    conn,
                    &secret,
                    &user,
                    token.session_id,
                )?))
            })
        })
        .await?;
    match outcome {
        Outcome::Issued(pair) => Ok(pair),
        Outcome::Refused(code) => Err(ApiError::Unauthenticated(code)),
    }
}

/// The actor behind verified claims, as the database knows them now: the account must be
/// active, the session open, and the token's tenant, role and organisation current.
/// One statement.
pub(super) fn actor_of_session(
    conn: &mut PgConnection,
    claims: &Claims,
) -> Result<Actor, ApiError> {
    let Some(account) = accounts::session_account_now(conn, claims.sub, claims.sid)? else {
        return Err(ApiError::Unauthenticated(ProblemCode::SessionRevoked));
    };
    if !account.active {
        return Err(ApiError::Unauthenticated(ProblemCode::AccountDeactivated));
    }
    if account.tenant_id != claims.tenant
        || account.organisation_id != claims.org
        || account.role != claims.role
    {
        // The account changed since the token was issued: get a fresh one by refreshing.
        return Err(ApiError::Unauthenticated(ProblemCode::TokenStale));
    }
    Ok(Actor {
        user_id: claims.sub,
        role: account.role,
        tenant: account.tenant_id.map(TenantId::new),
        organisation: account.organisation_id,
        session_id: claims.sid,
        scopes: None,
        must_change_password: account.must_change_password,
        must_enrol_second_factor: account.second_factor_pending,
    })
}

/// Ends the caller's session: its access and refresh tokens are refused from now on.
/// Answers where to sign out at the identity provider too, for a session opened through
/// one that has an end-session endpoint.
pub async fn logout(db: &RequestDb, auth: &Authenticated) -> Result<Option<String>, ApiError> {
    db.run_as_before_password_change(auth, |conn, actor| {
        let end_session_url = crate::db::single_sign_on::end_session_url(conn, actor.session_id)?;
        accounts::revoke_session(conn, actor.session_id, "logout")?;
        Ok(end_session_url)
    })
    .await
}

/// The caller's account.
pub async fn me(db: &RequestDb, auth: &Authenticated) -> Result<User, ApiError> {
    db.run_as_before_password_change(auth, |conn, actor| {
        Ok(accounts::get_user(conn, actor.user_id, None)?)
    })
    .await
}

/// Changes the caller's password with their current one; their other sessions end, and
/// `must_change_password` is lifted.
pub async fn change_password(
    db: &RequestDb,
    auth: &Authenticated,
    change: PasswordChange,
) -> Result<(), ApiError> {
    let PasswordChange {
        current_password,
        new_password,
    } = change;
    let (actor, stored_hash, user) = db
        .run_as_before_password_change(auth, |conn, actor| {
            Ok((
                actor.clone(),
                accounts::password_hash(conn, actor.user_id)?,
                accounts::get_user(conn, actor.user_id, None)?,
            ))
        })
        .await?;
    let new_hash = actix_web::web::block(move || {
        let owner = password::PasswordOwner {
            name: &user.display_name,
            email: &user.email,
            tenant_name: user.tenant.as_ref().map(|tenant| tenant.name.as_str()),
        };
        let parsed = password::NewPassword::parse(&new_password, "new_password", &owner)?;
        if !password::verify(&current_password, &stored_hash) {
            return Err(ApiError::invalid_field(
                "current_password",
                ProblemCode::WrongPassword,
                "the current password is not correct",
            ));
        }
        // Else a given password could be "changed" for itself, and stay known to whoever
        // gave it.
        if new_password == current_password {
            return Err(ApiError::invalid_field(
                "new_password",
                ProblemCode::SamePassword,
                "the new password must differ from the current one",
            ));
        }
        parsed.hash()
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("password hashing failed: {e}")))??;
    db.run_as_before_password_change(auth, move |conn, _| {
        conn.transaction(|conn| {
            accounts::set_password(conn, actor.user_id, &new_hash, false)?;
            Ok(accounts::revoke_sessions_of(
                conn,
                actor.user_id,
                Some(actor.session_id),
                "password_changed",
            )?)
        })
    })
    .await
}

/// The caller's open sessions, the one of this request marked `current`.
pub async fn my_sessions(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<Vec<SessionInfo>, ApiError> {
    db.run_as_before_password_change(auth, |conn, actor| {
        Ok(accounts::list_sessions(
            conn,
            actor.user_id,
            actor.session_id,
        )?)
    })
    .await
}

/// Ends one of the caller's sessions; another person's, or one already ended, is 404.
pub async fn end_my_session(
    db: &RequestDb,
    auth: &Authenticated,
    session_id: SessionId,
) -> Result<(), ApiError> {
    db.run_as_before_password_change(auth, move |conn, actor| {
        Ok(accounts::end_own_session(
            conn,
            actor.user_id,
            session_id.get(),
        )?)
    })
    .await
}

/// Ends every session of the caller but the one of this request.
pub async fn end_my_other_sessions(db: &RequestDb, auth: &Authenticated) -> Result<(), ApiError> {
    db.run_as_before_password_change(auth, |conn, actor| {
        Ok(accounts::revoke_sessions_of(
            conn,
            actor.user_id,
            Some(actor.session_id),
            accounts::ENDED_BY_OWNER,
        )?)
    })
    .await
}

/// The caller as official documents name them.
pub async fn my_identity(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<api_types::PersonIdentity, ApiError> {
    db.run_as(auth, |conn, actor| {
        Ok(accounts::identity(conn, actor.user_id)?)
    })
    .await
}

/// The identity as given, checked: each text trimmed (blank is none) and within its limit,
/// a telephone number of digits, spaces and `+ . / ( ) -` only.
fn checked_identity(
    input: api_types::PersonIdentity,
) -> Result<api_types::PersonIdentity, ApiError> {
    let phone = Label::optional(input.phone.as_deref(), "phone", api_types::PHONE_MAX_CHARS)?;
    if phone
        .as_deref()
        .is_some_and(|p| !p.chars().all(|c| api_types::PHONE_CHARS.contains(c)))
    {
        return Err(ApiError::invalid_field(
            "phone",
            ProblemCode::InvalidValue,
            "digits, spaces and + . / ( ) - only",
        ));
    }
    Ok(api_types::PersonIdentity {
        civility: input.civility,
        given_name: Label::optional(
            input.given_name.as_deref(),
            "given_name",
            api_types::GIVEN_NAME_MAX_CHARS,
        )?,
        family_name: Label::optional(
            input.family_name.as_deref(),
            "family_name",
            api_types::FAMILY_NAME_MAX_CHARS,
        )?,
        phone,
    })
}

/// Replaces the caller's identity for official documents; answers it as stored.
pub async fn set_my_identity(
    db: &RequestDb,
    auth: &Authenticated,
    input: api_types::PersonIdentity,
) -> Result<api_types::PersonIdentity, ApiError> {
    let identity = checked_identity(input)?;
    db.run_as(auth, move |conn, actor| {
        accounts::set_identity(conn, actor.user_id, &identity)?;
        Ok(identity)
    })
    .await
}

/// The actions that the caller's organisation leads or collaborates on, in every plan of
/// their CPAS.
pub async fn my_actions(db: &RequestDb, auth: &Authenticated) -> Result<Vec<ActionRef>, ApiError> {
    db.run_as(auth, |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        match actor.organisation {
            Some(organisation) => Ok(actions::of_organisation(conn, tenant, organisation)?),
            None => Ok(Vec::new()),
        }
    })
    .await
}

/// The policy's scope for acting on accounts of `tenant` (`None`: administrators).
fn account_scope(tenant: Option<TenantId>) -> (Permission, Scope<'static>) {
    match tenant {
        Some(tenant) => (Permission::ManageUsers, Scope::Tenant(tenant)),
        None => (Permission::ManageTenants, Scope::Platform),
    }
}

/// Lists accounts: a DG sees their CPAS's, an administrator everyone's (or one CPAS's).
pub async fn list_users(
    db: &RequestDb,
    auth: &Authenticated,
    requested: Option<TenantId>,
) -> Result<Vec<User>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = if actor.role == Role::Admin {
            requested
        } else {
            Some(requested.map_or_else(|| actor.tenant(), Ok)?)
        };
        let (permission, scope) = account_scope(tenant);
        authz::ensure(actor, permission, scope)?;
        Ok(accounts::list_users(conn, tenant)?)
    })
    .await
}

/// Creates an account. Without a password, one is generated, returned once, and must be
/// changed at first login.
pub async fn create_user(
    db: &RequestDb,
    auth: &Authenticated,
    new: NewUser,
) -> Result<UserCreated, ApiError> {
    let email = Email::parse(&new.email, "email")?;
    let display_name = Label::parse(&new.display_name, "display_name", 200)?;
    // Authorised before any hashing, and the CPAS's name: a word the password must avoid.
    let (new, tenant_name) = db
        .run_as(auth, move |conn, actor| {
            let tenant = target_tenant(actor, &new)?;
            let (permission, scope) = account_scope(tenant);
            authz::ensure(actor, permission, scope)?;
            let tenant_name = match tenant {
                Some(tenant) => accounts::tenant_name(conn, tenant)?,
                None => None,
            };
            Ok((new, tenant_name))
        })
        .await?;
    let (password_text, temporary) = match new.password.clone() {
        Some(given) => (given, None),
        None => {
            let generated = password::generate()?;
            (generated.clone(), Some(generated))
        }
    };
    let (owner_email, owner_name) = (email.as_str().to_owned(), display_name.as_str().to_owned());
    let hash = actix_web::web::block(move || {
        let owner = password::PasswordOwner {
            name: &owner_name,
            email: &owner_email,
            tenant_name: tenant_name.as_deref(),
        };
        password::NewPassword::parse(&password_text, "password", &owner)?.hash()
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing failed: {e}")))??;

    let user = db
        .run_as(auth, move |conn, actor| {
            let tenant = target_tenant(actor, &new)?;
            let (permission, scope) = account_scope(tenant);
            authz::ensure(actor, permission, scope)?;
            if new.role == Role::Partner && new.organisation_id.is_none() {
                return Err(ApiError::invalid_field(
                    "organisation_id",
                    ProblemCode::Required,
                    "a partner belongs to an organisation",
                ));
            }
            if new.role == Role::Admin && new.organisation_id.is_some() {
                return Err(ApiError::invalid_field(
                    "organisation_id",
                    ProblemCode::NotAllowed,
                    "administrators belong to no organisation",
                ));
            }
            let id = accounts::insert_user(
                conn,
                &NewUserRow {
                    tenant_id: tenant.map(TenantId::get),
                    organisation_id: new.organisation_id,
                    email: email.as_str(),
                    display_name: display_name.as_str(),
                    role: Stored(new.role),
                    password_hash: &hash,
                    must_change_password: new.password.is_none(),
                },
            )?;
            Ok(accounts::get_user(conn, id, None)?)
        })
        .await?;
    Ok(UserCreated {
        user,
        temporary_password: temporary,
    })
}

/// The CPAS a new account goes to: administrators name it (none for another administrator),
/// a DG's new accounts go to their own CPAS.
fn target_tenant(actor: &Actor, new: &NewUser) -> Result<Option<TenantId>, ApiError> {
    if new.role == Role::Admin {
        if new.tenant_id.is_some() {
            return Err(ApiError::invalid_field(
                "tenant_id",
                ProblemCode::NotAllowed,
                "administrators belong to no CPAS",
            ));
        }
        return Ok(None);
    }
    match (actor.role, new.tenant_id) {
        (_, Some(tenant)) => Ok(Some(TenantId::new(tenant))),
        (Role::Admin, None) => Err(ApiError::invalid_field(
            "tenant_id",
            ProblemCode::Required,
            "name the CPAS of the new account",
        )),
        (_, None) => actor.tenant().map(Some),
    }
}

/// One account the caller manages.
pub async fn get_user(
    db: &RequestDb,
    auth: &Authenticated,
    user_id: UserId,
) -> Result<User, ApiError> {
    db.run_as(auth, move |conn, actor| load_managed(conn, actor, user_id))
        .await
}

/// An account the actor manages (404 when it is another CPAS's).
fn load_managed(conn: &mut PgConnection, actor: &Actor, user_id: UserId) -> Result<User, ApiError> {
    let user = accounts::get_user(conn, user_id.get(), None)?;
    let (permission, scope) = account_scope(user.tenant.as_ref().map(|t| TenantId::new(t.id)));
    authz::ensure(actor, permission, scope)?;
    Ok(user)
}

/// Changes an account's name, role, organisation or active flag. Deactivation takes
/// effect at once: the account's sessions end.
pub async fn update_user(
    db: &RequestDb,
    auth: &Authenticated,
    user_id: UserId,
    patch: UserPatch,
) -> Result<User, ApiError> {
    let display_name = patch
        .display_name
        .as_deref()
        .map(|n| Label::parse(n, "display_name", 200))
        .transpose()?;
    db.run_as(auth, move |conn, actor| {
        conn.transaction(|conn| {
            let current = load_managed(conn, actor, user_id)?;
            if current.id == actor.user_id
                && (patch.active == Some(false) || patch.role.is_some_and(|r| r != current.role))
            {
                return Err(ApiError::Forbidden(
                    "you cannot deactivate your own account or change your own role",
                ));
            }
            if let Some(role) = patch.role
                && (role == Role::Admin) != (current.role == Role::Admin)
            {
                return Err(ApiError::invalid_field(
                    "role",
                    ProblemCode::NotAllowed,
                    "an account cannot move between the platform and a CPAS",
                ));
            }
            let changes = UserChanges {
                display_name: display_name.map(|n| n.as_str().to_owned()),
                role: patch.role.map(Stored),
                organisation_id: patch.organisation_id,
                active: patch.active,
            };
            if accounts::update_user(conn, user_id.get(), patch.version, &changes)? == 0 {
                return Err(ApiError::Conflict {
                    code: ProblemCode::VersionConflict,
                    detail: "the account changed since you read it; reload and try again"
                        .to_owned(),
                });
            }
            if patch.active == Some(false) {
                accounts::revoke_sessions_of(conn, user_id.get(), None, "deactivated")?;
            }
            Ok(accounts::get_user(conn, user_id.get(), None)?)
        })
    })
    .await
}

/// Gives another account a new generated password (returned once) and ends its sessions.
pub async fn reset_password(
    db: &RequestDb,
    auth: &Authenticated,
    user_id: UserId,
) -> Result<UserCreated, ApiError> {
    let temporary = password::generate()?;
    let hash = {
        // Twenty random characters: no word of the owner's can weaken them.
        let new = password::NewPassword::parse(
            &temporary,
            "password",
            &password::PasswordOwner::default(),
        )?;
        actix_web::web::block(move || new.hash())
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing failed: {e}")))??
    };
    let user = db
        .run_as(auth, move |conn, actor| {
            conn.transaction(|conn| {
                load_managed(conn, actor, user_id)?;
                // Else a stolen access token would buy the account for good: the answer has
                // the new password. One's own password changes with the current one.
                if user_id.get() == actor.user_id {
                    return Err(ApiError::Forbidden(
                        "you cannot reset your own password; change it with PUT /api/v1/me/password",
                    ));
                }
                accounts::set_password(conn, user_id.get(), &hash, true)?;
                accounts::revoke_sessions_of(conn, user_id.get(), None, "password_reset")?;
                Ok(accounts::get_user(conn, user_id.get(), None)?)
            })
        })
        .await?;
    Ok(UserCreated {
        user,
        temporary_password: Some(temporary),
    })
}

/// Removes a person's authenticator and recovery codes (a lost phone): they sign in with
/// their password alone, or enrol again at once if their CPAS requires it of their role.
/// For who manages the account; logged. 404 when they had none.
pub async fn reset_second_factor(
    db: &RequestDb,
    auth: &Authenticated,
    user_id: UserId,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        conn.transaction(|conn| {
            load_managed(conn, actor, user_id)?;
            if !crate::db::second_factor::remove(conn, user_id.get())? {
                return Err(ApiError::NotFound {
                    resource: "authenticator",
                });
            }
            tracing::warn!(user = %user_id.get(), by = %actor.user_id,
                           "second step reset by a manager");
            Ok(())
        })
    })
    .await
}

/// Creates a platform administrator (the `create-admin` command, on its own connection).
pub fn create_admin(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    password: &str,
) -> Result<Uuid, ApiError> {
    let email = Email::parse(email, "email")?;
    let name = Label::parse(name, "name", 200)?;
    let owner = password::PasswordOwner {
        name: name.as_str(),
        email: email.as_str(),
        tenant_name: None,
    };
    let hash = password::NewPassword::parse(password, "password", &owner)?.hash()?;
    Ok(accounts::insert_user(
        conn,
        &NewUserRow {
            tenant_id: None,
            organisation_id: None,
            email: email.as_str(),
            display_name: name.as_str(),
            role: Stored(Role::Admin),
            password_hash: &hash,
            must_change_password: false,
        },
    )?)
}
