//! Organisations and tenants.

use api_types as wire;
use api_types::ProblemCode;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{organisations, tenants};
use super::stored;
use crate::domain::{Label, Slug, TenantId};
use crate::error::ApiError;

pub fn list_organisations(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> Result<Vec<wire::OrganisationSummary>, ApiError> {
    let rows: Vec<(Uuid, String, String)> = organisations::table
        .filter(organisations::tenant_id.eq(tenant.get()))
        .order(organisations::name)
        .select((organisations::id, organisations::name, organisations::kind))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name, kind)| {
            Ok(wire::OrganisationSummary {
                id,
                name,
                kind: stored(&kind)?,
            })
        })
        .collect()
}

pub fn create_organisation(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: &Label,
    kind: wire::OrganisationKind,
) -> Result<wire::OrganisationSummary, ApiError> {
    let id: Uuid = diesel::insert_into(organisations::table)
        .values((
            organisations::tenant_id.eq(tenant.get()),
            organisations::name.eq(name.as_str()),
            organisations::kind.eq(kind.as_str()),
        ))
        .returning(organisations::id)
        .get_result(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => ApiError::Conflict {
                code: ProblemCode::NameTaken,
                detail: "this CPAS already has an organisation of that name".to_owned(),
            },
            other => other.into(),
        })?;
    Ok(wire::OrganisationSummary {
        id,
        name: name.as_str().to_owned(),
        kind,
    })
}

/// Whether the tenant exists.
pub fn tenant_exists(conn: &mut PgConnection, tenant: TenantId) -> Result<bool, ApiError> {
    Ok(diesel::select(diesel::dsl::exists(tenants::table.find(tenant.get()))).get_result(conn)?)
}

pub fn list_tenants(conn: &mut PgConnection) -> Result<Vec<wire::TenantRef>, ApiError> {
    let rows: Vec<(Uuid, String, String)> = tenants::table
        .order(tenants::name)
        .select((tenants::id, tenants::slug, tenants::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name)| wire::TenantRef { id, slug, name })
        .collect())
}

/// Creates a CPAS and its own organisation (named like it).
pub fn create_tenant(
    conn: &mut PgConnection,
    slug: &Slug,
    name: &Label,
) -> Result<wire::TenantRef, ApiError> {
    conn.transaction(|conn| {
        let id: Uuid = diesel::insert_into(tenants::table)
            .values((
                tenants::slug.eq(slug.as_str()),
                tenants::name.eq(name.as_str()),
            ))
            .returning(tenants::id)
            .get_result(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::Conflict {
                    code: ProblemCode::SlugTaken,
                    detail: "a CPAS with this slug already exists".to_owned(),
                },
                other => other.into(),
            })?;
        create_organisation(conn, TenantId::new(id), name, wire::OrganisationKind::Cpas)?;
        Ok(wire::TenantRef {
            id,
            slug: slug.as_str().to_owned(),
            name: name.as_str().to_owned(),
        })
    })
}
