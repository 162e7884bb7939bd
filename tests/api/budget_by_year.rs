//! The budget by year (issue 17.1): the plan's summary adds up the budget lines of its
//! actions and their sub-actions by budget year, per operational objective, strategic
//! objective and for the whole plan, in SQL, in a fixed number of statements.

use std::collections::BTreeMap;

use api_types::{ActionDetail, BudgetRollup, PlanStats, PlanTree};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::{TestApp, spawn_app};

async fn add_line(app: &TestApp, dg: &str, action: uuid::Uuid, year: i32, planned: i64) -> String {
    let (status, body) = send(
        app,
        dg,
        Method::POST,
        &format!("/api/v1/actions/{action}/budget-lines"),
        json!({ "year": year, "service": "ordinaire", "direction": "depense", "planned_cents": planned }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let detail: ActionDetail = serde_json::from_value(body).expect("detail");
    detail
        .budget_lines
        .iter()
        .max_by_key(|l| l.position)
        .expect("the new line")
        .id
        .to_string()
}

/// The same sums, from each action's and sub-action's own page: (objective or `None` for
/// the plan) → year → planned.
async fn sums_from_action_pages(
    app: &TestApp,
    token: &str,
    tree: &PlanTree,
) -> BTreeMap<(Option<uuid::Uuid>, i32), i64> {
    let mut sums = BTreeMap::new();
    for os in &tree.objectives {
        for oo in &os.operational_objectives {
            for action in &oo.actions {
                for item in std::iter::once(action).chain(&action.sub_actions) {
                    let detail: ActionDetail = app
                        .get_ok_as(token, &format!("/api/v1/actions/{}", item.id))
                        .await;
                    for line in &detail.budget_lines {
                        for key in [Some(oo.id), Some(os.id), None] {
                            *sums.entry((key, line.year)).or_default() += line.planned_cents;
                        }
                    }
                }
            }
        }
    }
    sums
}

fn flatten(
    key: Option<uuid::Uuid>,
    budget: &BudgetRollup,
    into: &mut BTreeMap<(Option<uuid::Uuid>, i32), i64>,
) {
    for year in &budget.by_year {
        into.insert((key, year.year), year.planned_cents);
    }
    assert_eq!(
        budget.planned_cents,
        budget.by_year.iter().map(|y| y.planned_cents).sum::<i64>(),
        "the total is the sum of the years"
    );
}

#[tokio::test]
async fn the_summary_adds_up_the_budget_by_year_per_objective_and_for_the_plan() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let summary_path = format!("/api/v1/plans/{}/summary", tree.id);
    let before = tests::statement_counts(&app.get_as(&dg, &summary_path).await);

    let actions: Vec<_> = tree.actions().collect();
    add_line(&app, &dg, actions[0].id, 2026, 100_000).await;
    add_line(&app, &dg, actions[0].id, 2027, 50_000).await;
    add_line(&app, &dg, actions[1].id, 2026, 7_500).await;
    add_line(&app, &dg, actions[actions.len() - 1].id, 2028, 12_345).await;
    // A sub-action's line counts for its action's objectives.
    let (status, step) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{}/sub-actions", actions[2].id),
        json!({ "title": "Trouver un local" }),
    )
    .await;
    assert_eq!(status, 201, "{step}");
    let step: ActionDetail = serde_json::from_value(step).expect("the step");
    assert!(step.parent.is_some(), "a step");
    add_line(&app, &dg, step.action.id, 2026, 2_000).await;
    // An archived line counts no more.
    let archived = add_line(&app, &dg, actions[1].id, 2027, 999_999).await;
    let (status, body) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/budget-lines/{archived}"),
        Value::Null,
    )
    .await;
    assert!(status < 300, "{status} {body}");

    let response = app.get_as(&dg, &summary_path).await;
    assert_eq!(
        tests::statement_counts(&response),
        before,
        "as many statements with lines as without"
    );
    let stats: PlanStats = response.json().await.expect("summary");
    let mut from_summary = BTreeMap::new();
    flatten(None, &stats.budget, &mut from_summary);
    for objective in &stats.objectives {
        flatten(
            Some(objective.objective_id),
            &objective.budget,
            &mut from_summary,
        );
    }
    let tree = app.plan_of("cpas-a").await;
    let expected = sums_from_action_pages(&app, &dg, &tree).await;
    assert_eq!(from_summary, expected);
    assert_eq!(
        stats.budget.planned_cents,
        100_000 + 50_000 + 7_500 + 12_345 + 2_000
    );
    let years: Vec<i32> = stats.budget.by_year.iter().map(|y| y.year).collect();
    assert_eq!(years, [2026, 2027, 2028]);
}
