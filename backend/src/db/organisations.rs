//! Organisations and tenants.

use api_types as wire;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{organisations, tenants};
use super::{DbResult, stored};
use crate::domain::{Label, NisCode, Slug, TenantId};

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

type IdentityRow = (Uuid, String, String, Option<i32>, String, i32);

/// The columns of an [`IdentityRow`], for a select and a `RETURNING` alike.
fn identity_columns() -> (
    tenants::id,
    tenants::slug,
    tenants::name,
    tenants::nis_code,
    tenants::administration_type,
    tenants::version,
) {
    (
        tenants::id,
        tenants::slug,
        tenants::name,
        tenants::nis_code,
        tenants::administration_type,
        tenants::version,
    )
}

fn identity_of(row: IdentityRow) -> DbResult<wire::TenantIdentity> {
    let (id, slug, name, nis_code, administration_type, version) = row;
    Ok(wire::TenantIdentity {
        id,
        slug,
        name,
        nis_code,
        administration_type: stored(&administration_type)?,
        version,
    })
}

/// A CPAS as the Region knows it; `None` when there is no such CPAS.
pub fn tenant_identity(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> DbResult<Option<wire::TenantIdentity>> {
    tenants::table
        .find(tenant.get())
        .select(identity_columns())
        .first::<IdentityRow>(conn)
        .optional()?
        .map(identity_of)
        .transpose()
}

/// Sets a CPAS's name and identity if it is still at `version`; `None` when it is not
/// (or there is no such CPAS).
pub fn update_tenant_identity(
    conn: &mut PgConnection,
    tenant: TenantId,
    version: i32,
    name: &Label,
    nis_code: Option<NisCode>,
    administration_type: wire::AdministrationType,
) -> DbResult<Option<wire::TenantIdentity>> {
    diesel::update(
        tenants::table
            .find(tenant.get())
            .filter(tenants::version.eq(version)),
    )
    .set((
        tenants::name.eq(name.as_str()),
        tenants::nis_code.eq(nis_code.map(NisCode::get)),
        tenants::administration_type.eq(administration_type.as_str()),
        tenants::version.eq(tenants::version + 1),
        tenants::updated_at.eq(diesel::dsl::now),
    ))
    .returning(identity_columns())
    .get_result::<IdentityRow>(conn)
    .optional()?
    .map(identity_of)
    .transpose()
}
