//! The CPAS's sectoral plans (the DG keeps the list) and the tags of its objectives and
//! actions.

use api_types::{self as wire, FieldError, ProblemCode};
use diesel::Connection;
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::db::sectoral::{self, Tagged};
use crate::db::structure;
use crate::domain::{ActionId, Label};
use crate::error::ApiError;

/// The most tags an element takes.
pub const MAX_TAGS: usize = 50;

/// The CPAS's sectoral plans, by name.
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<Vec<wire::SectoralPlan>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        Ok(sectoral::list(conn, tenant)?)
    })
    .await
}

/// Adds a sectoral plan to the CPAS's list (a name it has: 409 `name_taken`).
pub async fn create(
    db: &RequestDb,
    auth: &Authenticated,
    name: Label,
) -> Result<wire::SectoralPlan, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = super::structure::editor_tenant(actor)?;
        Ok(sectoral::create(conn, tenant, name.as_str())?)
    })
    .await
}

/// Renames one of the CPAS's sectoral plans.
pub async fn rename(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    name: Label,
) -> Result<wire::SectoralPlan, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = super::structure::editor_tenant(actor)?;
        Ok(sectoral::rename(conn, tenant, id, name.as_str())?)
    })
    .await
}

/// Deletes one of the CPAS's sectoral plans; the objectives and actions tagged with it
/// lose that tag.
pub async fn delete(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = super::structure::editor_tenant(actor)?;
        Ok(sectoral::delete(conn, tenant, id)?)
    })
    .await
}

/// What the tags of an element may name: sectoral plans of the CPAS, each once, at most
/// [`MAX_TAGS`].
fn check_tags(known: &[wire::SectoralPlan], tags: &[Uuid]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if tags.len() > MAX_TAGS {
        errors.push(FieldError {
            field: "sectoral_plan_ids".to_owned(),
            code: ProblemCode::TooLong,
            message: format!("at most {MAX_TAGS} sectoral plans"),
        });
    }
    for (i, id) in tags.iter().enumerate() {
        if tags[..i].contains(id) {
            errors.push(FieldError {
                field: format!("sectoral_plan_ids/{i}"),
                code: ProblemCode::Duplicate,
                message: "this sectoral plan is named twice".to_owned(),
            });
        } else if !known.iter().any(|p| p.id == *id) {
            errors.push(FieldError {
                field: format!("sectoral_plan_ids/{i}"),
                code: ProblemCode::UnknownReference,
                message: "no such sectoral plan in this CPAS".to_owned(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Sets the sectoral plans an objective is tagged with: all of them, replacing the former
/// ones.
pub async fn tag_objective(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    tags: wire::SectoralPlanTags,
) -> Result<wire::SectoralPlanTags, ApiError> {
    set_tags(db, auth, Tagged::Objective(id), tags).await
}

/// Sets the sectoral plans an action or a sub-action is tagged with: all of them,
/// replacing the former ones.
pub async fn tag_action(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    tags: wire::SectoralPlanTags,
) -> Result<wire::SectoralPlanTags, ApiError> {
    set_tags(db, auth, Tagged::Action(id), tags).await
}

async fn set_tags(
    db: &RequestDb,
    auth: &Authenticated,
    element: Tagged,
    tags: wire::SectoralPlanTags,
) -> Result<wire::SectoralPlanTags, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = super::structure::editor_tenant(actor)?;
        conn.transaction(|conn| {
            match element {
                Tagged::Objective(id) => {
                    structure::lock_objective(conn, tenant, id)?;
                }
                Tagged::Action(id) => {
                    crate::db::follow_up::action_for_change(conn, tenant, ActionId::new(id), true)?;
                }
            }
            let known = sectoral::list(conn, tenant)?;
            check_tags(&known, &tags.sectoral_plan_ids)?;
            let before = match element {
                Tagged::Action(id) => sectoral::tags_of(conn, tenant, &[id])?.own.remove(&id),
                Tagged::Objective(_) => None,
            };
            sectoral::set_tags(conn, tenant, element, &tags.sectoral_plan_ids)?;
            // An action's tags are part of its definition: their change goes to its
            // history, by name (in the list's order), as its collaborations do.
            if let Tagged::Action(id) = element {
                let names = |ids: &[Uuid]| -> Vec<String> {
                    known
                        .iter()
                        .filter(|p| ids.contains(&p.id))
                        .map(|p| p.name.clone())
                        .collect()
                };
                let before = names(&before.unwrap_or_default());
                let after = names(&tags.sectoral_plan_ids);
                if let Some(change) = super::structure::change("sectoral_plans", before, after) {
                    structure::record(conn, tenant, id, actor.user_id, vec![change])?;
                }
            }
            Ok::<_, ApiError>(())
        })?;
        Ok(tags)
    })
    .await
}
