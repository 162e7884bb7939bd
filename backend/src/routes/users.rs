//! `/api/v1/users`: accounts, managed by a CPAS's DG and by platform administrators.

use actix_web::{get, patch, post, web};
use api_types::{NewUser, Problem, ProblemCode, Role, User, UserCreated, UserPatch};
use diesel::Connection;
use serde::Deserialize;
use uuid::Uuid;

use super::{Json, RequestDb};
use crate::auth::{Authenticated, password};
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::accounts::{self, NewUserRow, UserChanges};
use crate::db::stored::Stored;
use crate::domain::{Email, Label, TenantId, UserId};
use crate::error::ApiError;

/// Optional CPAS filter of administrators' lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantFilter {
    /// Only this CPAS (platform administrators; others always see their own).
    pub tenant_id: Option<Uuid>,
}

/// The policy's scope for acting on accounts of `tenant` (`None`: administrators).
fn account_scope(tenant: Option<TenantId>) -> (Permission, Scope<'static>) {
    match tenant {
        Some(tenant) => (Permission::ManageUsers, Scope::Tenant(tenant)),
        None => (Permission::ManageTenants, Scope::Platform),
    }
}

/// Lists accounts: a DG sees their CPAS's, an administrator everyone's (or one CPAS's).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(TenantFilter),
    responses(
        (status = 200, body = Vec<User>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    db: RequestDb,
    auth: Authenticated,
    filter: web::Query<TenantFilter>,
) -> Result<web::Json<Vec<User>>, ApiError> {
    let requested = filter.tenant_id.map(TenantId::new);
    let users = db
        .run_as(&auth, move |conn, actor| {
            let tenant = if actor.role == Role::Admin {
                requested
            } else {
                Some(requested.map_or_else(|| actor.tenant(), Ok)?)
            };
            match tenant {
                Some(tenant) => {
                    authz::ensure(actor, Permission::ManageUsers, Scope::Tenant(tenant))?
                }
                None => authz::ensure(actor, Permission::ManageTenants, Scope::Platform)?,
            }
            accounts::list_users(conn, tenant)
        })
        .await?;
    Ok(web::Json(users))
}

/// Creates an account. Without a password, one is generated, returned once, and must be
/// changed at first login.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, body = UserCreated),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail already used", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewUser>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let new = body.into_inner();
    let email = Email::parse(&new.email, "email")?;
    let display_name = Label::parse(&new.display_name, "display_name", 200)?;
    // Authorised before any hashing, and the CPAS's name: a word the password must avoid.
    let (new, tenant_name) = db
        .run_as(&auth, move |conn, actor| {
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
    let hash = web::block(move || {
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
        .run_as(&auth, move |conn, actor| {
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
            accounts::get_user(conn, id, None)
        })
        .await?;
    Ok(actix_web::HttpResponse::Created().json(UserCreated {
        user,
        temporary_password: temporary,
    }))
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

/// One account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, body = User),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{user_id}")]
pub async fn get_user(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
) -> Result<web::Json<User>, ApiError> {
    let user_id = user_id.into_inner();
    let user = db
        .run_as(&auth, move |conn, actor| load_managed(conn, actor, user_id))
        .await?;
    Ok(web::Json(user))
}

/// An account the actor manages (404 when it is another CPAS's).
fn load_managed(
    conn: &mut diesel::PgConnection,
    actor: &Actor,
    user_id: UserId,
) -> Result<User, ApiError> {
    let user = accounts::get_user(conn, user_id.get(), None)?;
    let (permission, scope) = account_scope(user.tenant.as_ref().map(|t| TenantId::new(t.id)));
    authz::ensure(actor, permission, scope)?;
    Ok(user)
}

/// Changes an account's name, role, organisation or active flag. Deactivation takes
/// effect at once: the account's tokens are refused from the next request.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    request_body = UserPatch,
    responses(
        (status = 200, body = User),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{user_id}")]
pub async fn update_user(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
    body: Json<UserPatch>,
) -> Result<web::Json<User>, ApiError> {
    let user_id = user_id.into_inner();
    let patch = body.into_inner();
    let display_name = patch
        .display_name
        .as_deref()
        .map(|n| Label::parse(n, "display_name", 200))
        .transpose()?;
    let user = db
        .run_as(&auth, move |conn, actor| {
            conn.transaction(|conn| {
                let current = load_managed(conn, actor, user_id)?;
                if current.id == actor.user_id
                    && (patch.active == Some(false)
                        || patch.role.is_some_and(|r| r != current.role))
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
                accounts::update_user(conn, user_id.get(), patch.version, &changes)?;
                if patch.active == Some(false) {
                    accounts::revoke_sessions_of(conn, user_id.get(), None, "deactivated")?;
                }
                accounts::get_user(conn, user_id.get(), None)
            })
        })
        .await?;
    Ok(web::Json(user))
}

/// Gives another account a new generated password (returned once) and ends its sessions.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, body = UserCreated),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{user_id}/password-reset")]
pub async fn reset_password(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
) -> Result<web::Json<UserCreated>, ApiError> {
    let user_id = user_id.into_inner();
    let temporary = password::generate()?;
    let hash = {
        // Twenty random characters: no word of the owner's can weaken them.
        let new = password::NewPassword::parse(
            &temporary,
            "password",
            &password::PasswordOwner::default(),
        )?;
        web::block(move || new.hash())
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing failed: {e}")))??
    };
    let user = db
        .run_as(&auth, move |conn, actor| {
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
                accounts::get_user(conn, user_id.get(), None)
            })
        })
        .await?;
    Ok(web::Json(UserCreated {
        user,
        temporary_password: Some(temporary),
    }))
}
