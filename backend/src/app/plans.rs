//! Reading plans: the list of a CPAS, one plan's tree (cached by content revision) and its
//! dashboard figures.

use std::sync::Arc;

use api_types as wire;
use chrono::Utc;
use diesel::PgConnection;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::cache::{CachedTree, PlanTreeCache};
use crate::db::{plans, stats};
use crate::domain::{PlanId, TenantId};
use crate::error::ApiError;

/// The plans of the caller's CPAS.
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<Vec<wire::PlanSummary>, ApiError> {
    db.run_as(auth, |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        Ok(plans::list_plans(conn, tenant)?)
    })
    .await
}

/// One plan's tree as JSON with its `ETag`: from the cache while the CPAS's content
/// revision and the time-dependent flags say it is current, read afresh otherwise.
pub async fn tree(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    cache: Arc<PlanTreeCache>,
) -> Result<Arc<CachedTree>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        // One indexed row says whether the cached JSON is still the tree.
        let revision = plans::content_revision(conn, tenant)?;
        if let Some(tree) = cache.get(tenant, plan, revision, Utc::now()) {
            return Ok(tree);
        }
        let snapshot = read_only_snapshot(conn, |conn| {
            Ok(plans::plan_tree_snapshot(conn, tenant, plan)?)
        })?;
        cache.put(tenant, plan, snapshot)
    })
    .await
}

/// The dashboard's figures of a plan.
pub async fn summary(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<wire::PlanStats, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        Ok(stats::plan_stats(conn, tenant, plan)?)
    })
    .await
}

/// A plan's tree, read in one consistent snapshot (its four statements see the same
/// commits), for the answers of the use cases that changed it.
pub(crate) fn read_tree(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> Result<wire::PlanTree, ApiError> {
    read_only_snapshot(conn, |conn| Ok(plans::plan_tree_of(conn, tenant, plan)?))
}

/// Runs `read` in a read-only, repeatable-read transaction: one snapshot of the database.
fn read_only_snapshot<T>(
    conn: &mut PgConnection,
    read: impl FnOnce(&mut PgConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(read)
}
