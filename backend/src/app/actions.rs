//! Reading actions: one action, its history, the searched list.

use api_types as wire;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::db::{actions, follow_up, search};
use crate::domain::ActionId;
use crate::error::ApiError;

/// What the actions list is filtered and ordered by, as the search reads them.
pub use crate::db::search::{ActionFilter, MAX_PER_PAGE, Sort};

/// One action and where it sits in its plan, with its journal and pending proposals.
pub async fn get(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<wire::ActionDetail, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        Ok(actions::load_action(conn, tenant, action)?)
    })
    .await
}

/// Every applied change of the action, oldest first.
pub async fn history(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<Vec<wire::HistoryEntry>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let found = follow_up::action_for_change(conn, tenant, action, false)?;
        Ok(follow_up::history(conn, found.id)?)
    })
    .await
}

/// What eComptes sent back for the action: its articles and projections.
pub async fn ecomptes_budget(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<wire::EcomptesBudget, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let found = follow_up::action_for_change(conn, tenant, action, false)?;
        Ok(crate::db::ecomptes::element_budget(conn, found.id)?)
    })
    .await
}

/// One page of the actions list.
pub struct PageRequest {
    pub filter: ActionFilter,
    pub sort: Sort,
    pub descending: bool,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// The actions of the caller's CPAS, filtered, searched, sorted and paged.
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
    request: PageRequest,
) -> Result<wire::ActionPage, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let page = search::list_actions(
            conn,
            tenant,
            &request.filter,
            request.sort,
            request.descending,
            request.page,
            request.per_page,
        )?;
        Ok(page)
    })
    .await
}
