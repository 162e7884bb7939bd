//! The organisations of a CPAS, and the CPAS of the platform.

use api_types::{self as wire, ProblemCode, Role};
use diesel::Connection;
use uuid::Uuid;

use super::{RequestDb, tenant_of_request};
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::db::organisations;
use crate::domain::{Label, NisCode, Slug, TenantId};
use crate::error::ApiError;

/// The organisations of a CPAS: itself and its partners.
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
    requested: Option<Uuid>,
) -> Result<Vec<wire::OrganisationSummary>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = tenant_of_request(actor, requested)?;
        let permission = if actor.role == Role::Admin {
            Permission::ManageOrganisations
        } else {
            Permission::ReadPlans
        };
        authz::ensure(actor, permission, Scope::Tenant(tenant))?;
        Ok(organisations::list_organisations(conn, tenant)?)
    })
    .await
}

/// Adds an organisation (a partner) to a CPAS.
pub async fn create(
    db: &RequestDb,
    auth: &Authenticated,
    requested: Option<Uuid>,
    name: Label,
    kind: wire::OrganisationKind,
) -> Result<wire::OrganisationSummary, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = tenant_of_request(actor, requested)?;
        authz::ensure(
            actor,
            Permission::ManageOrganisations,
            Scope::Tenant(tenant),
        )?;
        if !organisations::tenant_exists(conn, tenant)? {
            return Err(ApiError::invalid_field(
                "tenant_id",
                ProblemCode::UnknownTenant,
                "no such CPAS",
            ));
        }
        Ok(organisations::create_organisation(
            conn, tenant, &name, kind,
        )?)
    })
    .await
}

/// Every CPAS of the platform (administrators).
pub async fn list_tenants(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<Vec<wire::TenantRef>, ApiError> {
    db.run_as(auth, |conn, actor| {
        authz::ensure(actor, Permission::ManageTenants, Scope::Platform)?;
        Ok(organisations::list_tenants(conn)?)
    })
    .await
}

/// Adds a CPAS to the platform with its own organisation, named like it: both or neither.
pub async fn create_tenant(
    db: &RequestDb,
    auth: &Authenticated,
    slug: Slug,
    name: Label,
) -> Result<wire::TenantRef, ApiError> {
    db.run_as(auth, move |conn, actor| {
        authz::ensure(actor, Permission::ManageTenants, Scope::Platform)?;
        conn.transaction(|conn| {
            let tenant = organisations::insert_tenant(conn, &slug, &name)?;
            organisations::create_organisation(conn, tenant, &name, wire::OrganisationKind::Cpas)?;
            Ok(wire::TenantRef {
                id: tenant.get(),
                slug: slug.as_str().to_owned(),
                name: name.as_str().to_owned(),
            })
        })
    })
    .await
}

/// A CPAS as the Region knows it: its own people read it, the platform's administrators
/// read every one.
pub async fn tenant_identity(
    db: &RequestDb,
    auth: &Authenticated,
    tenant: TenantId,
) -> Result<wire::TenantIdentity, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let permission = if actor.role == Role::Admin {
            Permission::ManageTenants
        } else {
            Permission::ReadPlans
        };
        authz::ensure(actor, permission, Scope::Tenant(tenant))?;
        organisations::tenant_identity(conn, tenant)?.ok_or(ApiError::NotFound { resource: "CPAS" })
    })
    .await
}

/// Sets a CPAS's name and identity (platform administrators), against the version read:
/// a stale one is 409 with the current identity left as it is.
pub async fn set_tenant_identity(
    db: &RequestDb,
    auth: &Authenticated,
    tenant: TenantId,
    version: i32,
    name: Label,
    nis_code: Option<NisCode>,
    administration_type: wire::AdministrationType,
) -> Result<wire::TenantIdentity, ApiError> {
    db.run_as(auth, move |conn, actor| {
        authz::ensure(actor, Permission::ManageTenants, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            if let Some(updated) = organisations::update_tenant_identity(
                conn,
                tenant,
                version,
                &name,
                nis_code,
                administration_type,
            )? {
                return Ok(updated);
            }
            match organisations::tenant_identity(conn, tenant)? {
                None => Err(ApiError::NotFound { resource: "CPAS" }),
                Some(current) => Err(ApiError::VersionConflict {
                    detail: format!(
                        "the CPAS changed since version {version}; it is at version {}",
                        current.version
                    ),
                    conflict: None,
                }),
            }
        })
    })
    .await
}
