//! The demo data: the two real plans of `backend/seed/`, loaded idempotently.
//!
//! Ids are UUIDv5 derived from the tenant slug and the codes, so loading again finds the
//! same rows. A plan that already exists is left alone: the seed never overwrites what
//! users changed since.

use diesel::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use super::DbResult;
use super::models::{
    NewAction, NewActionOrganisation, NewObjective, NewOpinion, NewOpinionObjective,
    NewOrganisation, NewPlan, NewTenant,
};
use super::schema::{
    action_organisations, actions, objectives, opinion_objectives, opinions, organisations, plans,
    tenants, users,
};
use super::stored::Stored;
use api_types::{ActionKind, ObjectiveLevel, OrgRole, OrganisationKind, PlanStatus, Volet};

/// The seed files, compiled in.
pub const SEED_FILES: &[(&str, &str)] = &[
    ("cpas-a.json", include_str!("../../seed/cpas-a.json")),
    ("paliseul.json", include_str!("../../seed/paliseul.json")),
];

/// Namespace of the seed's UUIDv5 ids.
const SEED_NAMESPACE: Uuid = Uuid::from_u128(0x5f0c_7a4e_2b1d_4c3a_9e8f_1a2b_3c4d_5e6f);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    pub tenant: SeedTenant,
    pub organisations: Vec<SeedOrganisation>,
    pub plan: SeedPlan,
    pub objectives: Vec<SeedStrategic>,
    pub opinions: Vec<SeedOpinion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTenant {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOrganisation {
    pub name: String,
    pub kind: OrganisationKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPlan {
    pub title: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub status: PlanStatus,
    pub source_document: Option<String>,
    pub opinion_title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedStrategic {
    pub code: String,
    pub volet: Volet,
    pub title: String,
    pub operational: Vec<SeedOperational>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOperational {
    pub code: String,
    pub volet: Volet,
    pub title: String,
    pub actions: Vec<SeedAction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAction {
    pub code: String,
    pub kind: Option<ActionKind>,
    pub title: String,
    pub description: Option<String>,
    pub reservation: Option<String>,
    pub transversal: bool,
    pub lead: Option<String>,
    pub collaborators: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOpinion {
    pub objectives: Vec<String>,
    pub heading: Option<String>,
    pub body: String,
}

/// Parses the compiled-in seed files.
pub fn seed_files() -> anyhow::Result<Vec<SeedFile>> {
    SEED_FILES
        .iter()
        .map(|(name, text)| {
            serde_json::from_str(text).map_err(|e| anyhow::anyhow!("seed file {name}: {e}"))
        })
        .collect()
}

fn seed_id(parts: &[&str]) -> Uuid {
    Uuid::new_v5(&SEED_NAMESPACE, parts.join("\u{1f}").as_bytes())
}

/// The sectoral plans of the demo CPAS: the lists the law names, the first strategic
/// objective under the commune's PCS and the first operational one under the staff
/// training plan, as a DG would tag them.
const DEMO_SECTORAL_PLANS: [&str; 4] = [
    "Plan de cohésion sociale (PCS)",
    "Plan de formation du personnel",
    "Plan communal de développement rural (PCDR)",
    "Plan d’ancrage communal du logement",
];

fn seed_sectoral_plans(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    slug: &str,
    file: &SeedFile,
) -> DbResult<()> {
    use super::schema::{objective_sectoral_plans, sectoral_plans};
    let ids: Vec<Uuid> = DEMO_SECTORAL_PLANS
        .iter()
        .map(|name| seed_id(&["sectoral-plan", slug, name]))
        .collect();
    let rows: Vec<_> = DEMO_SECTORAL_PLANS
        .iter()
        .zip(&ids)
        .map(|(name, id)| {
            (
                sectoral_plans::id.eq(*id),
                sectoral_plans::tenant_id.eq(tenant_id),
                sectoral_plans::name.eq(*name),
            )
        })
        .collect();
    diesel::insert_into(sectoral_plans::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)?;
    let mut tags = Vec::new();
    if let Some(os) = file.objectives.first() {
        tags.push((seed_id(&["objective", slug, &os.code]), ids[0]));
        if let Some(oo) = os.operational.first() {
            tags.push((seed_id(&["objective", slug, &oo.code]), ids[1]));
        }
    }
    let rows: Vec<_> = tags
        .into_iter()
        .map(|(objective, plan)| {
            (
                objective_sectoral_plans::tenant_id.eq(tenant_id),
                objective_sectoral_plans::objective_id.eq(objective),
                objective_sectoral_plans::sectoral_plan_id.eq(plan),
            )
        })
        .collect();
    diesel::insert_into(objective_sectoral_plans::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// Loads one seed plan, with its CPAS and organisations, unless it is there already;
/// returns whether it was created. Run it in a transaction: it takes a transaction-level
/// lock.
pub fn load_plan(conn: &mut PgConnection, file: &SeedFile) -> DbResult<bool> {
    let slug = file.tenant.slug.as_str();
    // Serialises concurrent seeders (several server instances starting together).
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('pst-seed'))").execute(conn)?;

    let tenant_id = seed_id(&["tenant", slug]);
    diesel::insert_into(tenants::table)
        .values(&NewTenant {
            id: tenant_id,
            slug,
            name: &file.tenant.name,
            description: file.tenant.description.as_deref(),
        })
        .on_conflict_do_nothing()
        .execute(conn)?;
    let tenant_id: Uuid = tenants::table
        .filter(tenants::slug.eq(slug))
        .select(tenants::id)
        .first(conn)?;

    let plan_id = seed_id(&[
        "plan",
        slug,
        file.plan
            .source_document
            .as_deref()
            .unwrap_or(&file.plan.title),
    ]);
    let exists: bool = diesel::select(diesel::dsl::exists(
        plans::table.filter(plans::id.eq(plan_id)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }

    for organisation in &file.organisations {
        diesel::insert_into(organisations::table)
            .values(&NewOrganisation {
                id: seed_id(&["organisation", slug, &organisation.name]),
                tenant_id,
                name: &organisation.name,
                kind: organisation.kind.as_str(),
            })
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    let organisation_ids: std::collections::HashMap<String, Uuid> = organisations::table
        .filter(organisations::tenant_id.eq(tenant_id))
        .select((organisations::name, organisations::id))
        .load::<(String, Uuid)>(conn)?
        .into_iter()
        .collect();
    let organisation = |name: &str| {
        organisation_ids
            .get(name)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("seed {slug}: unknown organisation {name:?}"))
    };

    diesel::insert_into(plans::table)
        .values(&NewPlan {
            id: plan_id,
            tenant_id,
            title: &file.plan.title,
            start_year: file.plan.start_year,
            end_year: file.plan.end_year,
            status: Stored(file.plan.status),
            adopted_on: None,
            opinion_title: file.plan.opinion_title.as_deref(),
            source_document: file.plan.source_document.as_deref(),
        })
        .execute(conn)?;

    let mut objective_rows = Vec::new();
    let mut action_rows = Vec::new();
    let mut link_rows = Vec::new();
    let mut objective_ids = std::collections::HashMap::new();
    for (os_position, os) in (0..).zip(&file.objectives) {
        let os_id = seed_id(&["objective", slug, &os.code]);
        objective_ids.insert(os.code.as_str(), os_id);
        objective_rows.push(NewObjective {
            id: os_id,
            tenant_id,
            plan_id,
            parent_id: None,
            level: ObjectiveLevel::Strategic.as_str(),
            volet: os.volet.as_str(),
            code: &os.code,
            title: &os.title,
            position: os_position,
        });
        for (oo_position, oo) in (0..).zip(&os.operational) {
            let oo_id = seed_id(&["objective", slug, &oo.code]);
            objective_ids.insert(oo.code.as_str(), oo_id);
            objective_rows.push(NewObjective {
                id: oo_id,
                tenant_id,
                plan_id,
                parent_id: Some(os_id),
                level: ObjectiveLevel::Operational.as_str(),
                volet: oo.volet.as_str(),
                code: &oo.code,
                title: &oo.title,
                position: oo_position,
            });
            for (action_position, action) in (0..).zip(&oo.actions) {
                let action_id = seed_id(&["action", slug, &action.code]);
                action_rows.push(NewAction {
                    id: action_id,
                    tenant_id,
                    plan_id,
                    objective_id: oo_id,
                    code: &action.code,
                    kind: action.kind.map(ActionKind::as_str),
                    title: &action.title,
                    description: action.description.as_deref(),
                    reservation: action.reservation.as_deref(),
                    transversal: action.transversal,
                    position: action_position,
                });
                if let Some(lead) = &action.lead {
                    link_rows.push(NewActionOrganisation {
                        tenant_id,
                        action_id,
                        organisation_id: organisation(lead)?,
                        role: Stored(OrgRole::Lead),
                        position: 0,
                    });
                }
                for (position, name) in (0..).zip(&action.collaborators) {
                    link_rows.push(NewActionOrganisation {
                        tenant_id,
                        action_id,
                        organisation_id: organisation(name)?,
                        role: Stored(OrgRole::Collaborator),
                        position,
                    });
                }
            }
        }
    }
    // Strategic objectives first: operational ones reference them.
    diesel::insert_into(objectives::table)
        .values(&objective_rows)
        .execute(conn)?;
    diesel::insert_into(actions::table)
        .values(&action_rows)
        .execute(conn)?;
    diesel::insert_into(action_organisations::table)
        .values(&link_rows)
        .execute(conn)?;

    for (position, opinion) in (0..).zip(&file.opinions) {
        let opinion_id = seed_id(&["opinion", slug, &position.to_string()]);
        diesel::insert_into(opinions::table)
            .values(&NewOpinion {
                id: opinion_id,
                tenant_id,
                plan_id,
                heading: opinion.heading.as_deref(),
                body: &opinion.body,
                position,
            })
            .execute(conn)?;
        let links = (0..)
            .zip(&opinion.objectives)
            .map(|(position, code)| {
                Ok(NewOpinionObjective {
                    tenant_id,
                    plan_id,
                    opinion_id,
                    objective_id: *objective_ids.get(code.as_str()).ok_or_else(|| {
                        anyhow::anyhow!("seed {slug}: opinion on unknown objective {code}")
                    })?,
                    position,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        diesel::insert_into(opinion_objectives::table)
            .values(&links)
            .execute(conn)?;
    }
    seed_sectoral_plans(conn, tenant_id, slug, file)?;
    Ok(true)
}

/// A demo account: who, and where they belong.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: api_types::Role,
    /// Slug of the CPAS (`None` for the platform administrator).
    pub tenant: Option<&'static str>,
    /// Name of the organisation in that CPAS.
    pub organisation: Option<&'static str>,
    /// Codes of the demo plan's actions this person is the administrative responsible of
    /// (set when the account is created), so that "Ce dont je suis responsable" shows
    /// something in the demo.
    pub responsible_for: &'static [&'static str],
}

/// The demo accounts of `cargo xtask run`, documented in the README.
pub const DEMO_ACCOUNTS: &[DemoAccount] = {
    use api_types::Role::{Admin, Dg, Partner, President, SocialWorker};
    &[
        DemoAccount {
            email: "admin@pst.example",
            name: "Administration de la plateforme",
            role: Admin,
            tenant: None,
            organisation: None,
            responsible_for: &[],
        },
        DemoAccount {
            email: "president@cpas-a.example",
            name: "Présidence (CPAS A)",
            role: President,
            tenant: Some("cpas-a"),
            organisation: None,
            responsible_for: &[],
        },
        DemoAccount {
            email: "dg@cpas-a.example",
            name: "Direction générale (CPAS A)",
            role: Dg,
            tenant: Some("cpas-a"),
            organisation: None,
            responsible_for: &[],
        },
        DemoAccount {
            email: "social@cpas-a.example",
            name: "Service social (CPAS A)",
            role: SocialWorker,
            tenant: Some("cpas-a"),
            organisation: Some("CPAS"),
            responsible_for: &["Me1", "Me2"],
        },
        DemoAccount {
            email: "pcs@cpas-a.example",
            name: "Plan de Cohésion Sociale (CPAS A)",
            role: Partner,
            tenant: Some("cpas-a"),
            organisation: Some("Commune (PCS)"),
            responsible_for: &[],
        },
        DemoAccount {
            email: "defits@cpas-a.example",
            name: "DEFITS (CPAS A)",
            role: Partner,
            tenant: Some("cpas-a"),
            organisation: Some("DEFITS"),
            responsible_for: &[],
        },
        DemoAccount {
            email: "president@paliseul.example",
            name: "Présidence (Paliseul)",
            role: President,
            tenant: Some("paliseul"),
            organisation: None,
            responsible_for: &[],
        },
        DemoAccount {
            email: "dg@paliseul.example",
            name: "Direction générale (Paliseul)",
            role: Dg,
            tenant: Some("paliseul"),
            organisation: None,
            responsible_for: &[],
        },
        DemoAccount {
            email: "social@paliseul.example",
            name: "Service social (Paliseul)",
            role: SocialWorker,
            tenant: Some("paliseul"),
            organisation: Some("CPAS de Paliseul"),
            responsible_for: &["A1", "A2"],
        },
        DemoAccount {
            email: "pcs@paliseul.example",
            name: "Plan de Cohésion Sociale (Paliseul)",
            role: Partner,
            tenant: Some("paliseul"),
            organisation: Some("Plan de Cohésion Sociale (PCS)"),
            responsible_for: &[],
        },
    ]
};

/// Whether an account has this e-mail.
pub fn account_exists(conn: &mut PgConnection, email: &str) -> DbResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email)),
    ))
    .get_result(conn)?)
}

/// Creates a demo account with the password of this hash, in its CPAS and organisation
/// (loaded with the demo plans).
pub fn insert_demo_account(
    conn: &mut PgConnection,
    account: &DemoAccount,
    password_hash: &str,
) -> DbResult<()> {
    let tenant_id: Option<Uuid> = match account.tenant {
        Some(slug) => Some(
            tenants::table
                .filter(tenants::slug.eq(slug))
                .select(tenants::id)
                .first(conn)?,
        ),
        None => None,
    };
    let organisation_id: Option<Uuid> = match (tenant_id, account.organisation) {
        (Some(tenant), Some(name)) => Some(
            organisations::table
                .filter(organisations::tenant_id.eq(tenant))
                .filter(organisations::name.eq(name))
                .select(organisations::id)
                .first(conn)?,
        ),
        _ => None,
    };
    diesel::insert_into(users::table)
        .values(&super::accounts::NewUserRow {
            tenant_id,
            organisation_id,
            email: account.email,
            display_name: account.name,
            role: Stored(account.role),
            password_hash,
            must_change_password: false,
        })
        .on_conflict_do_nothing()
        .execute(conn)?;
    if let (Some(tenant), false) = (tenant_id, account.responsible_for.is_empty()) {
        let user: Uuid = users::table
            .filter(users::email.eq(account.email))
            .select(users::id)
            .first(conn)?;
        diesel::update(
            actions::table
                .filter(actions::tenant_id.eq(tenant))
                .filter(actions::code.eq_any(account.responsible_for))
                .filter(actions::responsible_user_id.is_null()),
        )
        .set(actions::responsible_user_id.eq(user))
        .execute(conn)?;
    }
    Ok(())
}
