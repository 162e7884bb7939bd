//! The plan as a spreadsheet, and a plan brought in from one.

use std::collections::HashMap;

use api_types::PlanTree;
use diesel::Connection;
use uuid::Uuid;

use super::{RequestDb, tenant_of_request};
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::{self, DbError, plans, structure};
use crate::domain::{Label, PlanId, PlanYear, TenantId};
use crate::error::ApiError;
use crate::interchange::xlsx::Extras;
use crate::interchange::{Draft, ecomptes};

fn reader_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// The plan to export in the interchange columns.
pub async fn export(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<PlanTree, ApiError> {
    db.run_as(auth, move |conn, actor| {
        crate::app::plans::read_tree(conn, reader_tenant(actor)?, plan)
    })
    .await
}

/// The plan to export as a workbook, with what the workbook shows beyond the tree: the
/// indicators, the budget and the latest journal note of each action.
pub async fn export_workbook(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<(PlanTree, HashMap<Uuid, Extras>), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tree = crate::app::plans::read_tree(conn, reader_tenant(actor)?, plan)?;
        let ids: Vec<Uuid> = tree.actions_and_steps().map(|a| a.id).collect();
        let notes = db::interchange::latest_notes(conn, &ids)?;
        let mut measures = structure::measures_details(conn, &ids)?;
        let extras = ids
            .iter()
            .map(|id| {
                let (indicators, budget) = measures.remove(id).unwrap_or_default();
                let extra = Extras {
                    indicators,
                    budget,
                    latest_note: notes.get(id).cloned().unwrap_or_default(),
                };
                (*id, extra)
            })
            .collect();
        Ok((tree, extras))
    })
    .await
}

/// The CPAS a file is imported into, once the caller is known to be allowed to: settled
/// before a byte of the file is read.
pub async fn authorize_import(
    db: &RequestDb,
    auth: &Authenticated,
    requested: Option<Uuid>,
) -> Result<TenantId, ApiError> {
    db.run_as(auth, move |_, actor| {
        let tenant = tenant_of_request(actor, requested)?;
        authz::ensure(actor, Permission::ImportPlans, Scope::Tenant(tenant))?;
        Ok(tenant)
    })
    .await
}

/// A plan imported, or previewed by a dry run.
pub struct Imported {
    pub plan: Uuid,
    /// The plan as JSON: the plan of a large file is a large answer, written off the
    /// request workers.
    pub json: Vec<u8>,
}

/// What an import transaction ends with: the plan, or the preview of a dry run (rolled
/// back), or an error.
enum Ending {
    Failed(ApiError),
    Preview(Box<PlanTree>),
}

impl From<diesel::result::Error> for Ending {
    fn from(error: diesel::result::Error) -> Self {
        Ending::Failed(error.into())
    }
}

impl From<DbError> for Ending {
    fn from(error: DbError) -> Self {
        Ending::Failed(error.into())
    }
}

impl From<ApiError> for Ending {
    fn from(error: ApiError) -> Self {
        Ending::Failed(error)
    }
}

/// Creates a draft plan titled `title` from a validated file in the CPAS `tenant` (see
/// [`authorize_import`]); organisations the CPAS does not have yet are created. A
/// `dry_run` writes nothing and answers the plan that would be created.
pub async fn import(
    db: &RequestDb,
    auth: &Authenticated,
    tenant: TenantId,
    title: Label,
    draft: Draft,
    dry_run: bool,
) -> Result<Imported, ApiError> {
    db.run_as(auth, move |conn, actor| {
        authz::ensure(actor, Permission::ImportPlans, Scope::Tenant(tenant))?;
        let people = responsibles(&draft, db::interchange::people(conn, tenant)?)?;
        let outcome = conn.transaction::<PlanTree, Ending, _>(|conn| {
            let plan = structure::create_plan(conn, tenant, &title, (None, None))?;
            db::interchange::insert_contents(conn, tenant, plan, &draft, &people)?;
            let tree = plans::plan_tree_of(conn, tenant, plan)?;
            if dry_run {
                // Rolled back: the preview is exactly what the import would create.
                Err(Ending::Preview(Box::new(tree)))
            } else {
                Ok(tree)
            }
        });
        let tree = match outcome {
            Ok(tree) => tree,
            Err(Ending::Preview(tree)) => *tree,
            Err(Ending::Failed(error)) => return Err(error),
        };
        let json = serde_json::to_vec(&tree).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Imported {
            plan: tree.id,
            json,
        })
    })
    .await
}

/// The id of each responsible the file names, found among the CPAS's `people` (id, name,
/// e-mail) by e-mail or by name (without regard to case or accents); a name no one of the
/// CPAS bears, or several do, is a problem of its row: another CPAS's people are never
/// reached.
fn responsibles(
    draft: &Draft,
    people: Vec<(Uuid, String, String)>,
) -> Result<HashMap<String, Uuid>, ApiError> {
    let mut found = HashMap::new();
    let mut problems = Vec::new();
    for (row, named) in draft.responsibles() {
        if found.contains_key(named) {
            continue;
        }
        let wanted = api_types::fold(named);
        let matching: Vec<Uuid> = people
            .iter()
            .filter(|(_, name, email)| {
                email.eq_ignore_ascii_case(named) || api_types::fold(name) == wanted
            })
            .map(|(id, _, _)| *id)
            .collect();
        match matching.as_slice() {
            [id] => {
                found.insert(named.clone(), *id);
            }
            [] => problems.push(crate::interchange::RowError {
                row: *row,
                column: "responsable".to_owned(),
                code: api_types::ProblemCode::UnknownReference,
                message: format!("« {named} » n’est pas une personne active de ce CPAS."),
            }),
            _ => problems.push(crate::interchange::RowError {
                row: *row,
                column: "responsable".to_owned(),
                code: api_types::ProblemCode::UnknownReference,
                message: format!(
                    "Plusieurs personnes de ce CPAS s’appellent « {named} » : écrivez son adresse e-mail."
                ),
            }),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        problems.sort_by_key(|e| e.row);
        Err(crate::interchange::report(problems))
    }
}

/// The plan as the Region's eComptes receives it, for the budget year `exercice` (the
/// format's `201805V1`), with the file's name. The CPAS needs its NIS code: without one,
/// 409 `nis_code_missing`.
pub async fn export_ecomptes(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    exercice: PlanYear,
) -> Result<(String, Vec<u8>), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let tree = crate::app::plans::read_tree(conn, tenant, plan)?;
        let identity = db::organisations::tenant_identity(conn, tenant)?
            .ok_or(ApiError::NotFound { resource: "CPAS" })?;
        let nis_code = identity.nis_code.ok_or_else(|| ApiError::Conflict {
            code: api_types::ProblemCode::NisCodeMissing,
            detail: "the CPAS has no NIS code yet; a platform administrator sets it".to_owned(),
        })?;
        let ids: Vec<Uuid> = tree.actions_and_steps().map(|a| a.id).collect();
        let budget = structure::measures_details(conn, &ids)?
            .into_iter()
            .map(|(id, (_, lines))| (id, lines))
            .collect();
        let sender = ecomptes::Sender {
            administration_type: identity.administration_type,
            nis_code,
        };
        let file = ecomptes::write(&tree, sender, exercice.get(), &budget)
            .map_err(|e| ApiError::Internal(e.into()))?;
        let name = format!("pst-{}-{}-ecomptes.xml", tree.tenant.slug, exercice.get());
        Ok((name, file))
    })
    .await
}
