//! The plan as a spreadsheet, and a plan brought in from one.

use std::collections::HashMap;

use api_types::PlanTree;
use diesel::Connection;
use uuid::Uuid;

use super::{RequestDb, tenant_of_request};
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::{self, DbError, plans, structure};
use crate::domain::budget::PlanBudget;
use crate::domain::{Label, PlanId, PlanYear, TenantId};
use crate::error::ApiError;
use crate::interchange::xlsx::Extras;
use crate::interchange::{Draft, ecomptes, ecomptes_return};

fn reader_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// The plan to export in the interchange columns: as it stands, or as at the end of a
/// closed reporting `period`.
pub async fn export(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    period: Option<Uuid>,
) -> Result<PlanTree, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        match period {
            Some(period) => Ok(crate::app::periods::as_at(conn, tenant, plan, period)?
                .plan
                .tree),
            None => crate::app::plans::read_tree(conn, tenant, plan),
        }
    })
    .await
}

/// The plan to export as a workbook, with what the workbook shows beyond the tree: the
/// indicators, the budget and the latest journal note of each action, and the budget by
/// year of the plan and its objectives; as they stand, or as at the end of a closed
/// reporting `period`.
pub async fn export_workbook(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    period: Option<Uuid>,
) -> Result<(PlanTree, HashMap<Uuid, Extras>, PlanBudget), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let (tree, notes, mut measures, budget) = match period {
            Some(period) => {
                let kept = crate::app::periods::as_at(conn, tenant, plan, period)?.plan;
                (kept.tree, kept.latest_notes, kept.measures, kept.budget)
            }
            None => {
                let tree = crate::app::plans::read_tree(conn, tenant, plan)?;
                let ids: Vec<Uuid> = tree.actions_and_steps().map(|a| a.id).collect();
                let notes = db::interchange::latest_notes(conn, &ids)?;
                let measures = structure::measures_details(conn, &ids)?;
                let budget = db::stats::plan_budget(conn, tenant, plan)?;
                (tree, notes, measures, budget)
            }
        };
        let ids: Vec<Uuid> = tree.actions_and_steps().map(|a| a.id).collect();
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
        Ok((tree, extras, budget))
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
        let budget = ecomptes::Budget {
            lines: structure::measures_details(conn, &ids)?
                .into_iter()
                .map(|(id, (_, lines))| (id, lines))
                .collect(),
            projections: db::projections::of_actions(conn, tenant, &ids)?,
        };
        let sender = ecomptes::Sender {
            administration_type: identity.administration_type,
            nis_code,
        };
        // The people the file names: the responsibles and the mandataires' accounts of
        // its elements, objectives and actions (not their steps).
        let named: Vec<Uuid> = tree
            .objectives
            .iter()
            .flat_map(|os| {
                [&os.responsible, &os.political_lead_account]
                    .into_iter()
                    .chain(
                        os.operational_objectives
                            .iter()
                            .flat_map(|oo| [&oo.responsible, &oo.political_lead_account]),
                    )
            })
            .chain(
                tree.actions()
                    .flat_map(|a| [&a.responsible, &a.political_lead_account]),
            )
            .flatten()
            .map(|r| r.id)
            .collect();
        let people = db::accounts::identities(conn, tenant, &named)?
            .into_iter()
            .filter_map(|(id, (identity, email))| {
                ecomptes::Person::of(&identity, &email).map(|p| (id, p))
            })
            .collect();
        let file = ecomptes::write(&tree, sender, exercice.get(), &budget, &people)
            .map_err(|e| ApiError::Internal(e.into()))?;
        let name = format!("pst-{}-{}-ecomptes.xml", tree.tenant.slug, exercice.get());
        Ok((name, file))
    })
    .await
}

/// The plan an eComptes file is imported into, once the caller is known to be allowed to
/// (the DG) and the plan to be theirs: settled before a byte of the file is read.
pub async fn authorize_ecomptes_import(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::EditPlanStructure, Scope::Tenant(tenant))?;
        plans::plan_exists(conn, tenant, plan)?;
        Ok(())
    })
    .await
}

/// Imports what eComptes sent back for the plan's elements: matched by `ElementId`, each
/// element's articles of the file's years and its projections of the file's budget year
/// are replaced by the file's, all or nothing. An `ElementId` the plan does not have
/// writes nothing (422, each named); `dry_run` answers the report without writing.
pub async fn import_ecomptes(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    file: ecomptes_return::Returned,
    dry_run: bool,
) -> Result<api_types::EcomptesImportReport, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::EditPlanStructure, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            // Two imports of one plan take turns.
            structure::lock_plan(conn, tenant, plan.get())?;
            let known = db::ecomptes::plan_elements(conn, tenant, plan)?;
            let sorted = sort_elements(&file, plan, &known)?;
            let mut years: Vec<i32> = std::iter::once(file.exercice)
                .chain(sorted.figures.iter().flat_map(|e| e.articles.iter().map(|a| a.year)))
                .collect();
            years.sort_unstable();
            years.dedup();
            let ids: Vec<Uuid> = sorted.figures.iter().map(|e| e.id).collect();
            let before = db::ecomptes::article_totals(conn, tenant, plan, &ids, &years)?;
            let mut changes = Vec::new();
            for element in &sorted.figures {
                for &year in &years {
                    let before_cents = before.get(&(element.id, year)).copied().unwrap_or(0);
                    let after_cents = element
                        .articles
                        .iter()
                        .filter(|a| a.year == year)
                        .map(|a| a.amount_cents)
                        .sum();
                    if before_cents != after_cents {
                        changes.push(api_types::EcomptesAmountChange {
                            element_id: element.id,
                            code: known[&element.id].code.clone(),
                            year,
                            before_cents,
                            after_cents,
                        });
                    }
                }
            }
            if !dry_run && !sorted.unmatched.is_empty() {
                return Err(ApiError::Validation(
                    sorted
                        .unmatched
                        .iter()
                        .map(|(id, line)| api_types::FieldError {
                            field: format!("rows/{line}/ElementId"),
                            code: api_types::ProblemCode::UnknownReference,
                            message: format!(
                                "Ligne {line} : l’élément « {id} » n’est pas dans ce plan ; rien n’a été importé."
                            ),
                        })
                        .collect(),
                ));
            }
            let applied = !dry_run;
            if applied {
                db::ecomptes::replace(
                    conn,
                    tenant,
                    plan,
                    actor.user_id,
                    file.exercice,
                    &years,
                    &sorted.figures,
                )?;
            }
            Ok(api_types::EcomptesImportReport {
                exercice: file.exercice,
                years,
                applied,
                matched: sorted
                    .figures
                    .iter()
                    .map(|e| api_types::EcomptesMatch {
                        element_id: e.id,
                        code: known[&e.id].code.clone(),
                        title: known[&e.id].title.clone(),
                        articles: i32::try_from(e.articles.len()).unwrap_or(i32::MAX),
                        projections: i32::try_from(e.projections.len()).unwrap_or(i32::MAX),
                    })
                    .collect(),
                unmatched: sorted.unmatched.into_iter().map(|(id, _)| id).collect(),
                changes,
            })
        })
    })
    .await
}

/// The file's elements, sorted: those of the plan with their figures, and the ids the
/// plan does not have (with their line).
struct SortedElements<'a> {
    figures: Vec<db::ecomptes::ElementFigures<'a>>,
    unmatched: Vec<(String, usize)>,
}

/// Sorts the file's elements against the plan's; a file of another plan, an id named
/// twice, or figures on a volet (which the plan has no place for) are refused (422).
fn sort_elements<'a>(
    file: &'a ecomptes_return::Returned,
    plan: PlanId,
    known: &HashMap<Uuid, db::ecomptes::PlanElement>,
) -> Result<SortedElements<'a>, ApiError> {
    let mut problems = Vec::new();
    if let Some(id) = &file.plan_id
        && *id != plan.get().to_string()
    {
        problems.push(crate::interchange::RowError {
            row: 1,
            column: "IdPST".to_owned(),
            code: api_types::ProblemCode::UnknownReference,
            message: format!("ce fichier est celui d’un autre PST (« {id} »)."),
        });
    }
    let volets = [api_types::Volet::Externe, api_types::Volet::Interne]
        .map(|v| ecomptes::volet_element_id(plan.get(), v));
    let mut figures = Vec::new();
    let mut unmatched = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for element in &file.elements {
        if !seen.insert(element.element_id.as_str()) {
            problems.push(crate::interchange::RowError {
                row: element.line,
                column: "ElementId".to_owned(),
                code: api_types::ProblemCode::Duplicate,
                message: format!("l’élément « {} » figure deux fois.", element.element_id),
            });
            continue;
        }
        if volets.contains(&element.element_id) {
            if !element.articles.is_empty() || !element.projections.is_empty() {
                problems.push(crate::interchange::RowError {
                    row: element.line,
                    column: "Volet".to_owned(),
                    code: api_types::ProblemCode::NotAllowed,
                    message: "un volet ne porte ni articles ni projections dans ce PST : mettez-les sur ses objectifs ou ses actions.".to_owned(),
                });
            }
            continue;
        }
        match Uuid::parse_str(&element.element_id)
            .ok()
            .and_then(|id| known.get(&id).map(|k| (id, k.kind)))
        {
            Some((id, kind)) => figures.push(db::ecomptes::ElementFigures {
                id,
                kind,
                articles: &element.articles,
                projections: &element.projections,
            }),
            None => unmatched.push((element.element_id.clone(), element.line)),
        }
    }
    if problems.is_empty() {
        Ok(SortedElements { figures, unmatched })
    } else {
        Err(crate::interchange::report(problems))
    }
}

/// The plan's budget figures by element and year: the CPAS's lines against eComptes'
/// articles.
pub async fn reconciliation(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<api_types::Reconciliation, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        plans::plan_exists(conn, tenant, plan)?;
        Ok(api_types::Reconciliation {
            plan_id: plan.get(),
            rows: db::ecomptes::reconciliation(conn, tenant, plan)?,
        })
    })
    .await
}
