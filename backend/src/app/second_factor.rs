//! The second step of signing in: a person enrols an authenticator app (TOTP) and gets ten
//! recovery codes; signing in then asks for a code after the password; the DG may require
//! it of the CPAS's president and DG, who enrol at their next sign-in before anything else.

use api_types::{self as wire, ProblemCode, SignInMethod};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::second_factor as totp;
use crate::auth::{Authenticated, password};
use crate::authz::{self, Permission, Scope};
use crate::db::{accounts, second_factor};
use crate::error::ApiError;
use crate::secrets::{Keyring, Sealed};

/// How a sign-in passed its second step: the session's `signed_in_with`, and whether the
/// person must enrol an authenticator before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondStep {
    pub signed_in_with: SignInMethod,
    pub enrolment_pending: bool,
}

fn invalid_code() -> ApiError {
    ApiError::Unauthenticated(ProblemCode::InvalidSecondFactorCode)
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The person's authenticator secret, opened with the keyring.
fn open_secret(
    keyring: &Keyring,
    user: Uuid,
    sealed: Sealed,
) -> Result<zeroize::Zeroizing<Vec<u8>>, ApiError> {
    keyring
        .open(&sealed.key_id, &sealed.bytes, &totp::sealing_aad(user))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("an authenticator secret: {e}")))
}

/// The second step of a sign-in whose password was right (before its session opens).
/// An account without an authenticator passes (marked to enrol first when its CPAS
/// requires one of its role); one with an authenticator needs its current code, used
/// once, or an unused recovery code: else 401 `second_factor_required` (no code given) or
/// `invalid_second_factor_code` (the caller counts it as a failed sign-in).
pub fn check_at_sign_in(
    conn: &mut PgConnection,
    keyring: &Keyring,
    user: Uuid,
    code: Option<&str>,
) -> Result<SecondStep, ApiError> {
    let standing = second_factor::standing(conn, user, &authz::manager_roles())?;
    if !standing.enabled {
        return Ok(SecondStep {
            signed_in_with: SignInMethod::Password,
            enrolment_pending: standing.required,
        });
    }
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(ApiError::Unauthenticated(ProblemCode::SecondFactorRequired));
    };
    if code.chars().count() > wire::SECOND_FACTOR_CODE_MAX_CHARS {
        return Err(invalid_code());
    }
    if totp::looks_like_recovery_code(code) {
        return if second_factor::use_recovery_code(conn, user, &totp::recovery_code_hash(code))? {
            tracing::info!(%user, "signed in with a recovery code");
            Ok(SecondStep {
                signed_in_with: SignInMethod::RecoveryCode,
                enrolment_pending: false,
            })
        } else {
            Err(invalid_code())
        };
    }
    let Some(authenticator) = second_factor::authenticator(conn, user)?.filter(|a| a.confirmed)
    else {
        return Err(invalid_code());
    };
    let secret = open_secret(keyring, user, authenticator.sealed())?;
    match totp::matching_step(&secret, code, now_secs()) {
        Some(step) if second_factor::accept_step(conn, user, step, false)? => Ok(SecondStep {
            signed_in_with: SignInMethod::SecondFactor,
            enrolment_pending: false,
        }),
        _ => Err(invalid_code()),
    }
}

/// Where the caller's second step stands.
pub async fn status(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<wire::SecondFactorStatus, ApiError> {
    db.run_as_before_password_change(auth, |conn, actor| {
        let standing = second_factor::standing(conn, actor.user_id, &authz::manager_roles())?;
        Ok(wire::SecondFactorStatus {
            enabled: standing.enabled,
            required: standing.required,
            recovery_codes_left: u32::try_from(standing.recovery_codes_left).unwrap_or(0),
        })
    })
    .await
}

/// Starts enrolling an authenticator (again, if an enrolment was left unconfirmed): a new
/// secret, sealed; its QR code. 409 `second_factor_enabled` when one is confirmed.
pub async fn start(
    db: &RequestDb,
    auth: &Authenticated,
    keyring: &Keyring,
) -> Result<wire::SecondFactorEnrolment, ApiError> {
    let keyring = keyring.clone();
    db.run_as_before_password_change(auth, move |conn, actor| {
        let user = actor.user_id;
        let secret = zeroize::Zeroizing::new(totp::new_secret()?);
        let sealed = keyring
            .seal(&secret, &totp::sealing_aad(user))
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("sealing a secret: {e}")))?;
        let email = accounts::get_user(conn, user, None)?.email;
        if !second_factor::start_enrolment(conn, user, &sealed)? {
            return Err(ApiError::Conflict {
                code: ProblemCode::SecondFactorEnabled,
                detail: "an authenticator is enrolled already; turn it off first".to_owned(),
            });
        }
        Ok(totp::enrolment(&secret, &email)?)
    })
    .await
}

/// Confirms the enrolment with a first code: the second step is on, the ten recovery codes
/// are answered (once), and the caller's sessions waiting for it may work.
pub async fn confirm(
    db: &RequestDb,
    auth: &Authenticated,
    keyring: &Keyring,
    input: wire::SecondFactorCode,
) -> Result<wire::RecoveryCodes, ApiError> {
    let keyring = keyring.clone();
    db.run_as_before_password_change(auth, move |conn, actor| {
        let user = actor.user_id;
        conn.transaction(|conn| {
            let wrong = || {
                ApiError::invalid_field(
                    "code",
                    ProblemCode::InvalidSecondFactorCode,
                    "not the authenticator's current code",
                )
            };
            let Some(pending) = second_factor::authenticator(conn, user)?.filter(|a| !a.confirmed)
            else {
                return Err(ApiError::NotFound {
                    resource: "authenticator being enrolled",
                });
            };
            let secret = open_secret(&keyring, user, pending.sealed())?;
            let step = totp::matching_step(&secret, &input.code, now_secs()).ok_or_else(wrong)?;
            if !second_factor::accept_step(conn, user, step, true)? {
                return Err(wrong());
            }
            let codes = totp::new_recovery_codes()?;
            let hashes: Vec<Vec<u8>> = codes.iter().map(|(_, hash)| hash.clone()).collect();
            second_factor::set_recovery_codes(conn, user, &hashes)?;
            second_factor::enrolled(conn, user)?;
            tracing::info!(%user, "second step enrolled");
            Ok(wire::RecoveryCodes {
                codes: codes.into_iter().map(|(code, _)| code).collect(),
            })
        })
    })
    .await
}

/// Turns the caller's second step off, with their password; 409
/// `second_factor_mandatory` when their CPAS requires it of them.
pub async fn disable(
    db: &RequestDb,
    auth: &Authenticated,
    input: wire::SecondFactorDisable,
) -> Result<(), ApiError> {
    let (user, hash) = db
        .run_as(auth, |conn, actor| {
            let standing = second_factor::standing(conn, actor.user_id, &authz::manager_roles())?;
            if standing.required {
                return Err(ApiError::Conflict {
                    code: ProblemCode::SecondFactorMandatory,
                    detail: "your CPAS requires a second step of your role".to_owned(),
                });
            }
            Ok((actor.user_id, accounts::password_hash(conn, actor.user_id)?))
        })
        .await?;
    let matches = actix_web::web::block(move || password::verify(&input.password, &hash))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("password check failed: {e}")))?;
    if !matches {
        return Err(ApiError::invalid_field(
            "password",
            ProblemCode::WrongPassword,
            "the password is not correct",
        ));
    }
    db.run_as(auth, move |conn, _| {
        second_factor::remove(conn, user)?;
        tracing::info!(%user, "second step turned off by its owner");
        Ok(())
    })
    .await
}

/// The CPAS's sign-in policy; every person of the CPAS may read it.
pub async fn policy(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<wire::SecurityPolicy, ApiError> {
    db.run_as(auth, |conn, actor| {
        let tenant = actor.tenant()?;
        Ok(wire::SecurityPolicy {
            second_factor_required: second_factor::policy(conn, tenant.get())?,
        })
    })
    .await
}

/// The DG sets the CPAS's sign-in policy. Requiring the second step takes effect at the
/// management's next sign-in.
pub async fn set_policy(
    db: &RequestDb,
    auth: &Authenticated,
    input: wire::SecurityPolicy,
) -> Result<wire::SecurityPolicy, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ManageUsers, Scope::Tenant(tenant))?;
        second_factor::set_policy(conn, tenant.get(), input.second_factor_required)?;
        tracing::info!(%tenant, required = input.second_factor_required, by = %actor.user_id,
                       "second-step policy set");
        Ok(input)
    })
    .await
}

/// At start: re-seals under the current key the authenticator secrets a previous key
/// sealed (the key rotation). Returns how many.
pub fn reseal_secrets(conn: &mut PgConnection, keyring: &Keyring) -> Result<usize, ApiError> {
    let previous = keyring.previous_key_ids();
    conn.transaction(|conn| {
        let mut resealed = 0;
        for row in second_factor::secrets_to_reseal(conn, &previous)? {
            let sealed = Sealed {
                key_id: row.secret_key_id,
                bytes: row.secret_sealed,
            };
            match keyring.reseal(&sealed, &totp::sealing_aad(row.user_id)) {
                Ok(sealed) => {
                    second_factor::store_sealed(conn, row.user_id, &sealed)?;
                    resealed += 1;
                }
                Err(error) => {
                    tracing::error!(user = %row.user_id, %error,
                                    "an authenticator secret cannot be re-sealed; reset it");
                }
            }
        }
        Ok(resealed)
    })
}
