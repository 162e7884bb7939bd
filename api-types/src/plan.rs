//! Plans and their tree: strategic objectives → operational objectives → actions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ActionHealth, ActionKind, ActionStatus, OrganisationKind, PlanStatus, Volet};

/// The CPAS that owns a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantRef {
    pub id: Uuid,
    /// Short stable name used in URLs, e.g. `paliseul`.
    pub slug: String,
    pub name: String,
}

/// One plan in a list, without its tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    pub id: Uuid,
    pub tenant: TenantRef,
    pub title: String,
    /// First year of the term, when the plan states it.
    pub start_year: Option<i32>,
    /// Last year of the term, when the plan states it.
    pub end_year: Option<i32>,
    pub status: PlanStatus,
    /// Date of the council's adoption, when known.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub adopted_on: Option<NaiveDate>,
    pub strategic_objective_count: i64,
    pub operational_objective_count: i64,
    pub action_count: i64,
    /// Optimistic-concurrency version of the plan row.
    pub version: i32,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
}

/// A plan with its whole tree, organisations and the Directeur général's opinions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanTree {
    pub id: Uuid,
    pub tenant: TenantRef,
    pub title: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub status: PlanStatus,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub adopted_on: Option<NaiveDate>,
    /// Title of the DG's opinion section, as the document gives it.
    pub opinion_title: Option<String>,
    /// Since when the plan is on the public transparency page; `null`: not published.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub published_at: Option<DateTime<Utc>>,
    pub version: i32,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
    /// The day in Brussels the tree was read on: its `late` and `stale` flags are those of
    /// that day, and the web app's timeline draws "today" there rather than on the
    /// browser's clock. `null` only in a tree frozen (a version, an evaluation) before the
    /// field existed.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub as_of: Option<NaiveDate>,
    /// Strategic objectives in plan order, each with its operational objectives.
    pub objectives: Vec<StrategicObjective>,
    /// The Directeur général's opinions ("avis"), in document order.
    pub opinions: Vec<Opinion>,
    /// The CPAS's sectoral plans, by name, which its elements' tags name.
    #[serde(default)]
    pub sectoral_plans: Vec<crate::SectoralPlan>,
}

impl PlanTree {
    /// Every action of the plan, in plan order (their sub-actions not included).
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.objectives
            .iter()
            .flat_map(|os| &os.operational_objectives)
            .flat_map(|oo| &oo.actions)
    }

    /// Every action and, right after each, its sub-actions.
    pub fn actions_and_steps(&self) -> impl Iterator<Item = &Action> {
        self.actions()
            .flat_map(|action| std::iter::once(action).chain(&action.sub_actions))
    }

    /// The names of the sectoral plans `ids` names (an element's tags), in their order.
    pub fn sectoral_plan_names(&self, ids: &[Uuid]) -> Vec<&str> {
        ids.iter()
            .filter_map(|id| self.sectoral_plans.iter().find(|p| p.id == *id))
            .map(|p| p.name.as_str())
            .collect()
    }

    /// The action with this code (`Pe18`), if the plan has one.
    pub fn action(&self, code: &str) -> Option<&Action> {
        self.actions().find(|action| action.code == code)
    }
}

/// A strategic objective (OS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrategicObjective {
    pub id: Uuid,
    /// e.g. `OSe1`.
    pub code: String,
    pub volet: Volet,
    pub title: String,
    pub position: i32,
    pub version: i32,
    /// Roll-up of all its actions.
    pub rollup: Rollup,
    /// The political representative ("mandataire"), e.g. the president, by name.
    #[serde(default)]
    pub political_lead: Option<String>,
    /// The mandataire's function, e.g. "Échevin des affaires sociales".
    #[serde(default)]
    pub political_function: Option<String>,
    /// The administrative responsible, a person of the CPAS.
    #[serde(default)]
    pub responsible: Option<crate::UserRef>,
    /// The mandataire's account, whose identity the eComptes file sends as its
    /// `Mandataire`; set by the management.
    #[serde(default)]
    pub political_lead_account: Option<crate::UserRef>,
    /// When it runs: given by the management, or derived from what it holds.
    #[serde(default)]
    pub dates: crate::ObjectiveDates,
    /// The sectoral plans it is tagged with (ids of the tree's `sectoral_plans`).
    #[serde(default)]
    pub sectoral_plans: Vec<Uuid>,
    pub operational_objectives: Vec<OperationalObjective>,
}

/// An operational objective (OO) and its actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationalObjective {
    pub id: Uuid,
    /// e.g. `OOe3`.
    pub code: String,
    pub volet: Volet,
    pub title: String,
    pub position: i32,
    pub version: i32,
    /// Roll-up of its actions.
    pub rollup: Rollup,
    /// The political representative ("mandataire"), e.g. the president, by name.
    #[serde(default)]
    pub political_lead: Option<String>,
    /// The mandataire's function, e.g. "Échevin des affaires sociales".
    #[serde(default)]
    pub political_function: Option<String>,
    /// The administrative responsible, a person of the CPAS.
    #[serde(default)]
    pub responsible: Option<crate::UserRef>,
    /// The mandataire's account, whose identity the eComptes file sends as its
    /// `Mandataire`; set by the management.
    #[serde(default)]
    pub political_lead_account: Option<crate::UserRef>,
    /// When it runs: given by the management, or derived from what it holds.
    #[serde(default)]
    pub dates: crate::ObjectiveDates,
    /// The sectoral plans it is tagged with (ids of the tree's `sectoral_plans`).
    #[serde(default)]
    pub sectoral_plans: Vec<Uuid>,
    pub actions: Vec<Action>,
}

/// An action: a mission (ongoing service) or a projet (new project).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Action {
    pub id: Uuid,
    /// e.g. `Me14`, `Pe17`, or `A3` for a plan that did not classify its actions.
    pub code: String,
    /// `null` when the plan does not say whether the action is a mission or a projet.
    pub kind: Option<ActionKind>,
    pub title: String,
    /// Details given by the plan, e.g. examples.
    pub description: Option<String>,
    /// Condition the action is subject to, e.g. "sous réserve de ressources…".
    pub reservation: Option<String>,
    /// The action applies across every project of the plan.
    pub transversal: bool,
    pub status: ActionStatus,
    /// 0–100.
    pub progress: i16,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_end: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub actual_end: Option<NaiveDate>,
    /// The planned end has passed and the action is neither done nor abandoned. Derived,
    /// never stored.
    pub late: bool,
    /// Not updated within the plan's cadence (adopted plans only). Derived.
    pub stale: bool,
    /// The "responsable mandataire" (e.g. the president), by name: a follow-up field.
    pub political_lead: Option<String>,
    /// The mandataire's function, e.g. "Président du CPAS": part of the definition.
    #[serde(default)]
    pub political_function: Option<String>,
    pub administrative_lead: Option<String>,
    /// How it is going, apart from its status; `null`: not assessed.
    #[serde(default)]
    pub health: Option<ActionHealth>,
    /// Why, in a few words.
    #[serde(default)]
    pub health_comment: Option<String>,
    /// The administrative responsible, a person of the CPAS: part of the definition.
    #[serde(default)]
    pub responsible: Option<crate::UserRef>,
    /// The mandataire's account, whose identity the eComptes file sends as its
    /// `Mandataire`; set by the management.
    #[serde(default)]
    pub political_lead_account: Option<crate::UserRef>,
    /// Staffing in full-time equivalents (ETP).
    pub staffing_fte: Option<f64>,
    /// UN Sustainable Development Goals (ODD), 1–17.
    pub sdgs: Vec<i16>,
    /// When the follow-up was last changed.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub last_reported_at: Option<DateTime<Utc>>,
    pub position: i32,
    pub version: i32,
    /// The lead entity ("entité porteuse"), when the plan names one.
    pub lead: Option<OrganisationRef>,
    /// Collaborating organisations, in plan order.
    pub collaborators: Vec<OrganisationRef>,
    /// The action a sub-action is a step of; `null` for an action.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// A sub-action's share in its action's progress, 1–100 (1 for each by default).
    #[serde(default = "one")]
    pub weight: i16,
    /// The sectoral plans it is tagged with (ids of the tree's `sectoral_plans`).
    #[serde(default)]
    pub sectoral_plans: Vec<Uuid>,
    /// The sectoral plans an action belongs to: its own tags, its sub-actions' and its
    /// objectives' (empty for a sub-action).
    #[serde(default)]
    pub in_sectoral_plans: Vec<Uuid>,
    /// The DG set this action's progress by hand: its sub-actions do not drive it.
    #[serde(default)]
    pub progress_by_hand: bool,
    /// The progress is the weighted mean of the live sub-actions' (rounded to a whole
    /// percent): it changes through them, not directly.
    #[serde(default)]
    pub progress_from_sub_actions: bool,
    /// Its tasks not yet done.
    pub open_tasks: i32,
    /// Its open tasks whose due date has passed (on the Belgian calendar). Derived.
    pub overdue_tasks: i32,
    /// The sub-actions of an action, in order (none under a sub-action).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub sub_actions: Vec<Action>,
}

fn one() -> i16 {
    1
}

/// An action named where it is referred to: a sub-action's parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionLink {
    pub id: Uuid,
    /// e.g. `Pe17`.
    pub code: String,
    pub title: String,
}

/// An organisation as referenced from an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationRef {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
}

/// An opinion ("avis") of the Directeur général, on the plan or on some objectives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opinion {
    pub id: Uuid,
    /// The heading the opinion is written under, e.g. the objectives it discusses.
    pub heading: Option<String>,
    /// The text; paragraphs are separated by a blank line.
    pub body: String,
    pub position: i32,
    /// Objectives the opinion discusses; empty when it is on the plan as a whole.
    pub objective_ids: Vec<Uuid>,
    /// Codes of those objectives, in the same order.
    pub objective_codes: Vec<String>,
}

/// An action in a list ("my actions"), with where it sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionRef {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub kind: Option<ActionKind>,
    pub status: ActionStatus,
    pub progress: i16,
    pub plan_id: Uuid,
    pub plan_title: String,
    pub objective_code: String,
    /// The role of the caller's organisation on the action.
    pub role: crate::OrgRole,
    /// Past its planned end and neither done nor abandoned (as in the plan tree).
    pub late: bool,
    /// Not reported on for longer than the plan's update cadence (as in the plan tree).
    pub stale: bool,
}

/// `GET /api/v1/actions/{id}`: an action and where it sits in its plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionDetail {
    pub plan_id: Uuid,
    pub plan_title: String,
    pub objective_id: Uuid,
    pub objective_code: String,
    pub objective_title: String,
    /// The action a sub-action is a step of.
    #[serde(default)]
    pub parent: Option<ActionLink>,
    /// The action, with its sub-actions.
    pub action: Action,
    pub indicators: Vec<crate::Indicator>,
    pub budget_lines: Vec<crate::BudgetLine>,
    /// Journal notes, newest first.
    pub journal: Vec<crate::JournalEntry>,
    /// Proposals waiting for a decision.
    pub pending_change_requests: Vec<Uuid>,
    /// The organisations whose partners report on it: its own and, for a sub-action, its
    /// action's.
    #[serde(default)]
    pub carriers: Vec<Uuid>,
}

/// Counts of actions by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    pub non_commence: i64,
    pub en_cours: i64,
    pub en_attente: i64,
    pub probleme: i64,
    pub termine: i64,
    pub annule_abandonne: i64,
}

impl Rollup {
    /// The roll-up of these actions.
    pub fn of<'a>(actions: impl IntoIterator<Item = &'a Action>) -> Self {
        let mut rollup = Self::default();
        let mut progress = 0i64;
        for action in actions {
            rollup.actions += 1;
            progress += i64::from(action.progress);
            rollup.late += i64::from(action.late);
            rollup.by_status.add(action.status);
            rollup.by_health.add(action.health);
        }
        rollup.mean_progress = crate::mean_progress(progress, rollup.actions);
        rollup
    }
}

impl StatusCounts {
    /// Adds one action of `status`.
    pub fn add(&mut self, status: ActionStatus) {
        let slot = match status {
            ActionStatus::NonCommence => &mut self.non_commence,
            ActionStatus::EnCours => &mut self.en_cours,
            ActionStatus::EnAttente => &mut self.en_attente,
            ActionStatus::Probleme => &mut self.probleme,
            ActionStatus::Termine => &mut self.termine,
            ActionStatus::AnnuleAbandonne => &mut self.annule_abandonne,
        };
        *slot += 1;
    }

    /// The count of `status`.
    pub fn get(&self, status: ActionStatus) -> i64 {
        match status {
            ActionStatus::NonCommence => self.non_commence,
            ActionStatus::EnCours => self.en_cours,
            ActionStatus::EnAttente => self.en_attente,
            ActionStatus::Probleme => self.probleme,
            ActionStatus::Termine => self.termine,
            ActionStatus::AnnuleAbandonne => self.annule_abandonne,
        }
    }
}

/// Counts of actions by health.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthCounts {
    pub good: i64,
    pub at_risk: i64,
    pub struggling: i64,
    pub paused: i64,
    /// No health given.
    pub unassessed: i64,
}

impl HealthCounts {
    /// Adds one action of `health`.
    pub fn add(&mut self, health: Option<ActionHealth>) {
        *self.slot(health) += 1;
    }

    /// The count of `health` (`None`: not assessed).
    pub fn get(&self, health: Option<ActionHealth>) -> i64 {
        match health {
            Some(ActionHealth::Good) => self.good,
            Some(ActionHealth::AtRisk) => self.at_risk,
            Some(ActionHealth::Struggling) => self.struggling,
            Some(ActionHealth::Paused) => self.paused,
            None => self.unassessed,
        }
    }

    fn slot(&mut self, health: Option<ActionHealth>) -> &mut i64 {
        match health {
            Some(ActionHealth::Good) => &mut self.good,
            Some(ActionHealth::AtRisk) => &mut self.at_risk,
            Some(ActionHealth::Struggling) => &mut self.struggling,
            Some(ActionHealth::Paused) => &mut self.paused,
            None => &mut self.unassessed,
        }
    }
}

/// The roll-up of a set of actions: how many, how far, how late, how they are going. Every
/// count and mean is of actions: a sub-action counts through its action (whose progress it
/// moves), and is only counted beside them (`sub_actions`, `sub_actions_done`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rollup {
    pub actions: i64,
    /// Mean progress, 0–100 (0 when there are no actions).
    pub mean_progress: f64,
    pub late: i64,
    /// The live sub-actions of these actions.
    #[serde(default)]
    pub sub_actions: i64,
    /// Those of them done (`termine`).
    #[serde(default)]
    pub sub_actions_done: i64,
    pub by_status: StatusCounts,
    pub by_health: HealthCounts,
}

/// The budget lines' amounts of one budget year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetYearTotal {
    pub year: i32,
    pub planned_cents: i64,
    #[serde(default)]
    pub engaged_cents: i64,
    pub spent_cents: i64,
    /// eComptes' articles of the year (see `EcomptesArticle`).
    #[serde(default)]
    pub ecomptes_cents: i64,
}

/// The budget lines of some actions (their sub-actions' included), and the articles
/// eComptes attached to them and to their objectives, by budget year and in all: the
/// dashboard's "Budget par exercice".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetRollup {
    /// The years that have lines, in order.
    pub by_year: Vec<BudgetYearTotal>,
    pub planned_cents: i64,
    #[serde(default)]
    pub engaged_cents: i64,
    pub spent_cents: i64,
    #[serde(default)]
    pub ecomptes_cents: i64,
}

/// One objective's roll-up in a plan summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectiveRollup {
    pub objective_id: Uuid,
    pub code: String,
    pub level: crate::ObjectiveLevel,
    pub title: String,
    /// The strategic objective of an operational one.
    pub parent_id: Option<Uuid>,
    pub rollup: Rollup,
    /// Its actions' budget lines, by year.
    #[serde(default)]
    pub budget: BudgetRollup,
}

/// One organisation's roll-up: the actions it leads or collaborates on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationRollup {
    pub organisation: OrganisationRef,
    /// Actions it leads.
    pub leads: i64,
    pub rollup: Rollup,
}

/// `GET /api/v1/plans/{id}/summary`: the dashboard's figures, computed in SQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStats {
    pub plan_id: Uuid,
    pub total: Rollup,
    /// The plan's budget lines, by year.
    #[serde(default)]
    pub budget: BudgetRollup,
    /// Each of the CPAS's sectoral plans with the plan's actions that belong to it, by name.
    #[serde(default)]
    pub sectoral_plans: Vec<crate::SectoralPlanRollup>,
    /// Every objective in plan order (strategic, then its operational ones).
    pub objectives: Vec<ObjectiveRollup>,
    pub organisations: Vec<OrganisationRollup>,
}

/// An action or a sub-action in a search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionListItem {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub kind: Option<ActionKind>,
    pub status: ActionStatus,
    pub progress: i16,
    pub late: bool,
    pub stale: bool,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_end: Option<NaiveDate>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
    pub plan_id: Uuid,
    pub objective_id: Uuid,
    pub objective_code: String,
    pub lead: Option<OrganisationRef>,
    pub collaborators: Vec<OrganisationRef>,
    /// The action a sub-action is a step of (`null` for an action): "Pe17.1 · sous Pe17".
    #[serde(default)]
    pub parent: Option<ActionLink>,
}

/// A page of actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionPage {
    pub items: Vec<ActionListItem>,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    /// Matching actions over all pages.
    pub total: i64,
}
