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
                    // The roll-ups add up expenses: a revenue is not a cost of the plan.
                    let expenses = detail
                        .budget_lines
                        .iter()
                        .filter(|l| l.direction == api_types::BudgetDirection::Depense);
                    for line in expenses {
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
    // A revenue (a subsidy) is no expense: it stays out of the sums.
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{}/budget-lines", actions[0].id),
        json!({ "year": 2026, "service": "ordinaire", "direction": "recette", "planned_cents": 900_000 }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
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

/// An amount as the French documents write it: `1075,00 €`.
fn french_money(cents: i64) -> String {
    format!("{},{:02} €", cents / 100, cents % 100)
}

/// The workbook's "Budget par exercice" sheet: (code, year or `None` for the total) →
/// (planned, engaged, spent, eComptes) in cents.
fn budget_sheet(file: Vec<u8>) -> BTreeMap<(String, Option<i32>), [i64; 4]> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(file)).expect("an xlsx");
    assert_eq!(
        workbook.sheet_names()[1..],
        ["Synthèse", "Budget par exercice"].map(String::from),
        "the plan, its summary, then the budget"
    );
    let sheet = workbook
        .worksheet_range("Budget par exercice")
        .expect("the budget sheet");
    let mut rows = sheet.rows();
    let header: Vec<String> = rows
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "Code",
            "Intitulé",
            "Exercice",
            "Prévu",
            "Engagé",
            "Dépensé",
            "eComptes"
        ]
    );
    let cents = |cell: &Data| match cell {
        Data::Float(euros) => (euros * 100.0).round() as i64,
        Data::Int(euros) => euros * 100,
        other => panic!("an amount, not {other:?}"),
    };
    rows.map(|row| {
        let year = match &row[2] {
            Data::Float(year) => Some(*year as i32),
            Data::Int(year) => Some(*year as i32),
            Data::String(all) => {
                assert_eq!(all, "Tous exercices");
                None
            }
            other => panic!("a year, not {other:?}"),
        };
        (
            (row[0].to_string(), year),
            [
                cents(&row[3]),
                cents(&row[4]),
                cents(&row[5]),
                cents(&row[6]),
            ],
        )
    })
    .collect()
}

#[tokio::test]
async fn the_workbook_and_the_council_report_give_the_budget_by_year() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let report = format!("/api/v1/plans/{}/report", tree.id);
    let html = app.get_as(&dg, &report).await.text().await.expect("html");
    assert!(
        html.contains("<h2>Budget par exercice</h2><p>Aucune dépense"),
        "no figures yet"
    );

    let actions: Vec<_> = tree.actions().collect();
    add_line(&app, &dg, actions[0].id, 2026, 100_000).await;
    add_line(&app, &dg, actions[0].id, 2027, 50_050).await;
    add_line(&app, &dg, actions[actions.len() - 1].id, 2026, 7_525).await;
    let expected = sums_from_action_pages(&app, &dg, &tree).await;
    let code_of = |key: Option<uuid::Uuid>| match key {
        None => String::new(),
        Some(id) => tree
            .objectives
            .iter()
            .flat_map(|os| {
                std::iter::once((os.id, &os.code))
                    .chain(os.operational_objectives.iter().map(|oo| (oo.id, &oo.code)))
            })
            .find(|(objective, _)| *objective == id)
            .map(|(_, code)| code.clone())
            .expect("an objective of the plan"),
    };

    // The workbook: every objective with a row per year it has and a total, the plan first.
    let response = app
        .get_as(
            &dg,
            &format!("/api/v1/plans/{}/export?format=xlsx", tree.id),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let sheet = budget_sheet(response.bytes().await.expect("xlsx").to_vec());
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for ((key, year), planned) in &expected {
        let code = code_of(*key);
        assert_eq!(
            sheet.get(&(code.clone(), Some(*year))).map(|a| a[0]),
            Some(*planned),
            "{code} {year}"
        );
        *totals.entry(code).or_default() += planned;
    }
    for (code, total) in &totals {
        assert_eq!(
            sheet[&(code.clone(), None)],
            [*total, 0, 0, 0],
            "{code}'s total"
        );
    }
    assert_eq!(totals[""], 100_000 + 50_050 + 7_525);
    // Objectives without figures: only their (zero) total.
    let with_years = sheet.keys().filter(|(_, year)| year.is_some()).count();
    assert_eq!(with_years, expected.len());

    // The report: the plan's years and total, then each strategic objective that has some.
    let html = app.get_as(&dg, &report).await.text().await.expect("html");
    let section = &html[html
        .find("<h2>Budget par exercice</h2>")
        .expect("the section")..];
    let section = &section[..section.find("</table>").expect("its table")];
    for ((key, year), planned) in &expected {
        let is_operational = tree
            .objectives
            .iter()
            .flat_map(|os| &os.operational_objectives)
            .any(|oo| Some(oo.id) == *key);
        if is_operational {
            continue;
        }
        let row = format!(
            "<td>{year}</td><td class=\"amount\">{}</td>",
            french_money(*planned)
        );
        let label = match key {
            None => "<td></td><td>Plan entier</td>".to_owned(),
            Some(_) => format!("<td>{}</td>", code_of(*key)),
        };
        assert!(
            section
                .split("<tr")
                .any(|tr| tr.contains(&label) && tr.contains(&row)),
            "{label} {row} in {section}"
        );
    }
    assert!(section.contains(&format!(
        "<tr class=\"total\"><td></td><td>Plan entier</td><td>Tous exercices</td><td class=\"amount\">{}</td>",
        french_money(157_575)
    )));

    // In Dutch, and in the DOCX.
    let dutch = app
        .get_as(&dg, &format!("{report}?lang=nl"))
        .await
        .text()
        .await
        .expect("html");
    assert!(dutch.contains("<h2>Begroting per dienstjaar</h2>"));
    assert!(dutch.contains("Alle dienstjaren"));
    let docx = app
        .get_as(&dg, &format!("{report}?format=docx"))
        .await
        .bytes()
        .await
        .expect("docx");
    let document = tests::docx_body(&docx);
    assert!(document.contains(">Budget par exercice<"));
    assert!(document.contains(&format!(">{}<", french_money(157_575))));
}

/// A line's label says what it is for; the amount engaged (committed, not yet paid) is
/// reported by the partner through a proposal as the amount spent is, approved, kept in
/// the history and added up by year.
#[tokio::test]
async fn a_line_has_a_label_and_an_amount_engaged_reported_through_proposals() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.actions().find(|a| a.code == "Pe18").expect("Pe18").id;

    let line = json!({
        "year": 2026, "service": "ordinaire", "direction": "depense",
        "article": "84010/124-02", "label": "Formation des bénévoles", "planned_cents": 400_000,
    });
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/budget-lines"),
        line.clone(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let detail: ActionDetail = serde_json::from_value(body).expect("detail");
    let created = &detail.budget_lines[0];
    assert_eq!(created.label.as_deref(), Some("Formation des bénévoles"));
    assert_eq!((created.engaged_cents, created.spent_cents), (0, 0));
    let id = created.id;

    // The label's limit is the schema's, and the server's.
    let mut long = line.clone();
    long["label"] = json!("é".repeat(201));
    let (status, problem) = send(
        &app,
        &dg,
        Method::PUT,
        &format!("/api/v1/budget-lines/{id}"),
        long,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "label", "{problem}");
    // A label is cleared by leaving it out.
    let mut unlabelled = line.clone();
    unlabelled.as_object_mut().expect("object").remove("label");
    let (status, body) = send(
        &app,
        &dg,
        Method::PUT,
        &format!("/api/v1/budget-lines/{id}"),
        unlabelled,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["budget_lines"][0]["label"], Value::Null, "{body}");

    // A negative amount engaged is refused with the field named.
    let version = detail.action.version;
    let (status, problem) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": version, "changes": { "budget_lines": [{ "id": id, "spent_cents": 0, "engaged_cents": -1 }] } }),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "changes/budget_lines");

    // The partner reports 2 500 € engaged, the amount spent left as it is; the DG approves.
    let (status, proposal) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": version, "changes": { "budget_lines": [{ "id": id, "engaged_cents": 250_000 }] } }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let fields: Vec<&str> = proposal["diff"]
        .as_array()
        .expect("diff")
        .iter()
        .map(|d| d["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        [format!("budget_line_engaged:{id}")],
        "the amount engaged alone: the amount spent stays"
    );
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!(
            "/api/v1/change-requests/{}/approve",
            proposal["id"].as_str().expect("id")
        ),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let after: ActionDetail = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}"))
        .await;
    assert_eq!(
        (
            after.budget_lines[0].engaged_cents,
            after.budget_lines[0].spent_cents
        ),
        (250_000, 0)
    );
    // The history keeps what changed: the amount engaged.
    let history: Value = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    let changes = &history[0]["changes"];
    assert_eq!(
        changes,
        &json!([{ "field": format!("budget_line_engaged:{id}"), "before": 0, "after": 250_000 }]),
        "{history}"
    );

    // The summary adds the amounts engaged up by year, as it does the others.
    let stats: PlanStats = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}/summary", tree.id))
        .await;
    assert_eq!(stats.budget.engaged_cents, 250_000);
    let year = stats
        .budget
        .by_year
        .iter()
        .find(|y| y.year == 2026)
        .expect("2026");
    assert_eq!((year.planned_cents, year.engaged_cents), (400_000, 250_000));

    // And so does the workbook.
    let response = app
        .get_as(
            &dg,
            &format!("/api/v1/plans/{}/export?format=xlsx", tree.id),
        )
        .await;
    let sheet = budget_sheet(response.bytes().await.expect("xlsx").to_vec());
    assert_eq!(
        sheet[&(String::new(), Some(2026))],
        [400_000, 250_000, 0, 0]
    );
}

/// The reconciliation compares expenses and revenues apart: a subsidy is not added to the
/// costs of the same action and year.
#[tokio::test]
async fn the_reconciliation_keeps_expenses_and_revenues_apart() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let action = tree.actions().next().expect("an action").id;
    add_line(&app, &dg, action, 2026, 100_000).await;
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{action}/budget-lines"),
        json!({ "year": 2026, "service": "ordinaire", "direction": "recette", "planned_cents": 40_000 }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let reconciliation: api_types::Reconciliation = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}/reconciliation", tree.id))
        .await;
    let rows: Vec<(api_types::BudgetDirection, i64)> = reconciliation
        .rows
        .iter()
        .filter(|r| r.element_id == action && r.year == 2026)
        .map(|r| (r.direction, r.planned_cents))
        .collect();
    assert_eq!(
        rows,
        [
            (api_types::BudgetDirection::Depense, 100_000),
            (api_types::BudgetDirection::Recette, 40_000)
        ]
    );
}
