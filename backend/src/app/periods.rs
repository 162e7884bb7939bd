//! Reporting periods: the Directeur général opens a period of an adopted plan ("T1 2027",
//! its dates, a deadline); each action still expected to move gets an update request
//! addressed to its lead organisation, whose people are told (inbox and e-mail); the
//! reminders go before and after the deadline (`app::reminders`); the completion is read
//! by organisation and by action; the close freezes the plan as it stands, which the
//! report and the exports then show "as at the end of the period".
//!
//! A report counts for the period that is open when it is made (approved, edited, noted):
//! one made after the close belongs to the next period.

use api_types::{self as wire, PlanStatus, ProblemCode};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Decision, Permission, Scope};
use crate::db::periods::{self, NewPeriod, RequestRow};
use crate::db::{council, interchange, plans, stats, structure};
use crate::domain::periods::{PlanAsAt, indicator_history};
use crate::domain::{ActionId, Label, PlanId, TenantId};
use crate::error::ApiError;

fn reader_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn manager_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ManagePeriods, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn may_manage(actor: &Actor, tenant: TenantId) -> bool {
    authz::decide(actor, Permission::ManagePeriods, Scope::Tenant(tenant)) == Decision::Allow
}

/// Opens a period of an adopted plan, with its update requests and their notifications.
pub async fn open(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    input: wire::NewReportingPeriod,
) -> Result<wire::ReportingPeriod, ApiError> {
    let label = Label::parse(&input.label, "label", wire::PERIOD_LABEL_MAX_CHARS)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        conn.transaction(|conn| {
            if council::plan_status(conn, tenant, plan)? != PlanStatus::Adopted {
                return Err(ApiError::Conflict {
                    code: ProblemCode::NotAdopted,
                    detail: "periods are opened on a plan the council adopted (and not closed)"
                        .to_owned(),
                });
            }
            let id = periods::open(
                conn,
                tenant,
                plan,
                &NewPeriod {
                    label: label.as_str(),
                    starts_on: input.starts_on.get(),
                    ends_on: input.ends_on.get(),
                    deadline: input.deadline.get(),
                    opened_by: actor.user_id,
                },
            )?;
            Ok(periods::one(conn, tenant, id)?.into_wire(true))
        })
    })
    .await
}

/// The periods of a plan, the latest first, each with its completion.
pub async fn of_plan(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<Vec<wire::ReportingPeriod>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        plans::plan_exists(conn, tenant, plan)?;
        let manages = may_manage(actor, tenant);
        Ok(periods::of_plan(conn, tenant, plan)?
            .into_iter()
            .map(|row| row.into_wire(manages))
            .collect())
    })
    .await
}

/// A period with its completion by organisation and by action.
pub async fn completion(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<wire::PeriodCompletion, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let period = periods::one(conn, tenant, id)?.into_wire(may_manage(actor, tenant));
        let requests = periods::requests(conn, id)?;
        Ok(wire::PeriodCompletion {
            period,
            organisations: by_organisation(&requests)?,
            actions: requests
                .into_iter()
                .map(|row| {
                    Ok(wire::PeriodAction {
                        organisation: row.organisation()?,
                        action_id: row.action_id,
                        code: row.code,
                        title: row.title,
                        reported_at: row.reported_at,
                        awaiting_approval: row.awaiting_approval,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        })
    })
    .await
}

/// The completion of each lead organisation, by name; the actions without one last.
fn by_organisation(requests: &[RequestRow]) -> Result<Vec<wire::OrganisationCompletion>, ApiError> {
    let mut shares: Vec<wire::OrganisationCompletion> = Vec::new();
    for request in requests {
        let organisation = request.organisation()?;
        let index = match shares
            .iter()
            .position(|share| share.organisation.as_ref().map(|o| o.id) == request.organisation_id)
        {
            Some(index) => index,
            None => {
                shares.push(wire::OrganisationCompletion {
                    organisation,
                    completion: wire::Completion::default(),
                });
                shares.len() - 1
            }
        };
        let completion = &mut shares[index].completion;
        completion.due += 1;
        completion.reported += i64::from(request.reported_at.is_some());
        completion.awaiting_approval += i64::from(request.awaiting_approval);
    }
    shares.sort_by(|a, b| match (&a.organisation, &b.organisation) {
        (Some(a), Some(b)) => a.name.cmp(&b.name),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(shares)
}

/// Closes an open period: the plan as it stands is kept with it, and its completion stops
/// moving. Reports being made meanwhile are waited for (the period's row is locked), so
/// that what is kept and what is counted agree.
pub async fn close(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<wire::ReportingPeriod, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        conn.transaction(|conn| {
            let locked = periods::lock(conn, tenant, id)?;
            if locked.closed_at.is_some() {
                return Err(ApiError::Conflict {
                    code: ProblemCode::PeriodClosed,
                    detail: "this period is already closed".to_owned(),
                });
            }
            let frozen = plan_as_it_stands(conn, tenant, &locked)?;
            let snapshot = serde_json::to_value(&frozen).map_err(anyhow::Error::from)?;
            periods::close(conn, id, actor.user_id, &snapshot)?;
            Ok(periods::one(conn, tenant, id)?.into_wire(true))
        })
    })
    .await
}

/// The plan now, as the report and the workbook read it, with the decisions of the
/// period.
fn plan_as_it_stands(
    conn: &mut PgConnection,
    tenant: TenantId,
    period: &periods::LockedPeriod,
) -> Result<PlanAsAt, ApiError> {
    let tree = plans::plan_tree_of(conn, tenant, period.plan)?;
    let ids: Vec<Uuid> = tree.actions_and_steps().map(|action| action.id).collect();
    Ok(PlanAsAt {
        measures: structure::measures_details(conn, &ids)?,
        latest_notes: interchange::latest_notes(conn, &ids)?,
        decisions: council::decisions(conn, tenant, period.plan, period.starts_on, period.ends_on)?,
        budget: stats::plan_budget(conn, tenant, period.plan)?,
        tree,
    })
}

/// A closed period and the plan as it was kept at its close.
pub struct KeptPlan {
    pub label: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub plan: PlanAsAt,
}

/// The plan as at the end of a closed period of the CPAS (a period of `plan`; another
/// plan's is not found): 409 `period_not_closed` while it is open.
pub fn as_at(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    period: Uuid,
) -> Result<KeptPlan, ApiError> {
    let kept = periods::kept(conn, tenant, period)?;
    if kept.plan != plan {
        return Err(ApiError::NotFound {
            resource: "reporting period",
        });
    }
    let snapshot = kept.snapshot.ok_or_else(|| ApiError::Conflict {
        code: ProblemCode::PeriodNotClosed,
        detail: "the period is still open: its figures are kept at its close".to_owned(),
    })?;
    Ok(KeptPlan {
        label: kept.label,
        starts_on: kept.starts_on,
        ends_on: kept.ends_on,
        plan: serde_json::from_value(snapshot).map_err(anyhow::Error::from)?,
    })
}

/// The values of an action's indicators at the close of each period of its plan.
pub async fn indicators_over_periods(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<wire::IndicatorHistory, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        crate::db::actions::with_sub_actions(conn, tenant, action)?;
        let kept = periods::kept_measures(conn, tenant, action.get())?
            .into_iter()
            .map(|row| {
                let indicators = row
                    .measures
                    .map(|measures| {
                        serde_json::from_value::<(Vec<wire::Indicator>, Vec<wire::BudgetLine>)>(
                            measures,
                        )
                        .map(|(indicators, _)| indicators)
                    })
                    .transpose()
                    .map_err(anyhow::Error::from)?;
                let period = wire::PeriodRef {
                    id: row.id,
                    label: row.label,
                    ends_on: row.ends_on,
                };
                Ok((period, indicators))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(indicator_history(kept))
    })
    .await
}

/// When the reminders of a period go, for the caller's CPAS.
pub async fn settings(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<wire::ReportingSettings, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        Ok(periods::settings(conn, tenant)?)
    })
    .await
}

/// Sets when the reminders of a period go (the Directeur général); the schema's checks
/// keep each from 0 to 60 days (422 `out_of_range`).
pub async fn set_settings(
    db: &RequestDb,
    auth: &Authenticated,
    input: wire::ReportingSettings,
) -> Result<wire::ReportingSettings, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        periods::set_settings(conn, tenant, &input)?;
        Ok(input)
    })
    .await
}
