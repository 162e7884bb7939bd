//! Organisations and tenants.

use api_types as wire;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{organisations, tenants};
use super::{DbResult, stored};
use crate::domain::{Label, Slug, TenantId};

pub fn list_organisations(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> DbResult<Vec<wire::OrganisationSummary>> {
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

/// Adds an organisation to the CPAS; a name the CPAS already has is refused by
/// `organisations_tenant_id_name_key`.
pub fn create_organisation(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: &Label,
    kind: wire::OrganisationKind,
) -> DbResult<wire::OrganisationSummary> {
    let id: Uuid = diesel::insert_into(organisations::table)
        .values((
            organisations::tenant_id.eq(tenant.get()),
            organisations::name.eq(name.as_str()),
            organisations::kind.eq(kind.as_str()),
        ))
        .returning(organisations::id)
        .get_result(conn)?;
    Ok(wire::OrganisationSummary {
        id,
        name: name.as_str().to_owned(),
        kind,
    })
}

/// Whether the tenant exists.
pub fn tenant_exists(conn: &mut PgConnection, tenant: TenantId) -> DbResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(tenants::table.find(tenant.get()))).get_result(conn)?)
}

pub fn list_tenants(conn: &mut PgConnection) -> DbResult<Vec<wire::TenantRef>> {
    let rows: Vec<(Uuid, String, String)> = tenants::table
        .order(tenants::name)
        .select((tenants::id, tenants::slug, tenants::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, name)| wire::TenantRef { id, slug, name })
        .collect())
}

/// Adds a CPAS; a taken slug is refused by `tenants_slug_key`.
pub fn insert_tenant(conn: &mut PgConnection, slug: &Slug, name: &Label) -> DbResult<TenantId> {
    let id: Uuid = diesel::insert_into(tenants::table)
        .values((
            tenants::slug.eq(slug.as_str()),
            tenants::name.eq(name.as_str()),
        ))
        .returning(tenants::id)
        .get_result(conn)?;
    Ok(TenantId::new(id))
}
