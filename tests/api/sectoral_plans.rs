//! The sectoral plans a PST federates (issue 17.2): the DG's list, tags on objectives and
//! actions, the actions list filtered by plan, the dashboard by plan, and the tags kept by
//! the CSV and XLSX round trips and sent in the eComptes XML as `<Plan>`.

use api_types::{ActionPage, HistoryEntry, PlanStats, PlanTree, SectoralPlan};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::{TestApp, spawn_app};
use uuid::Uuid;

use super::ecomptes::{export, set_nis_code, validate};

async fn create(app: &TestApp, token: &str, name: &str) -> (u16, Value) {
    send(
        app,
        token,
        Method::POST,
        "/api/v1/sectoral-plans",
        json!({ "name": name }),
    )
    .await
}

async fn tag_action(app: &TestApp, token: &str, action: Uuid, plans: &[Uuid]) -> (u16, Value) {
    send(
        app,
        token,
        Method::PUT,
        &format!("/api/v1/actions/{action}/sectoral-plans"),
        json!({ "sectoral_plan_ids": plans }),
    )
    .await
}

async fn import_file(
    app: &TestApp,
    dg: &str,
    title: &str,
    content_type: &str,
    file: Vec<u8>,
) -> PlanTree {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/plans/import?title={title}")))
        .bearer_auth(dg)
        .header("content-type", content_type)
        .body(file)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 201);
    response.json().await.expect("the plan")
}

/// The names of an element's tags.
fn names<'a>(tree: &'a PlanTree, ids: &[Uuid]) -> Vec<&'a str> {
    ids.iter()
        .map(|id| {
            tree.sectoral_plans
                .iter()
                .find(|p| p.id == *id)
                .map(|p| p.name.as_str())
                .expect("a tag names a plan of the tree's list")
        })
        .collect()
}

#[tokio::test]
async fn the_dg_keeps_the_list_and_tags_and_the_plan_shows_it_everywhere() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;

    // The demo list, and the demo tags: the first OS under the PCS, whose actions belong
    // to it.
    let list: Vec<SectoralPlan> = app.get_ok_as(&dg, "/api/v1/sectoral-plans").await;
    assert_eq!(list.len(), 4);
    assert_eq!(tree.sectoral_plans, list);
    let pcs = list
        .iter()
        .find(|p| p.name.starts_with("Plan de cohésion sociale"))
        .expect("the PCS");
    let os = &tree.objectives[0];
    assert_eq!(os.sectoral_plans, [pcs.id]);
    for action in os.operational_objectives.iter().flat_map(|oo| &oo.actions) {
        assert!(
            action.in_sectoral_plans.contains(&pcs.id),
            "{}",
            action.code
        );
    }

    // A new plan: its name once, whatever the case.
    let (status, created) = create(&app, &dg, "Plan stratégique de sécurité").await;
    assert_eq!(status, 201, "{created}");
    let security: SectoralPlan = serde_json::from_value(created).expect("a plan");
    let (status, body) = create(&app, &dg, "PLAN STRATÉGIQUE DE SÉCURITÉ").await;
    assert_eq!((status, body["code"].as_str()), (409, Some("name_taken")));
    let (status, body) = create(&app, &dg, "  ").await;
    assert_eq!(status, 422, "{body}");
    let partner = app.token("pcs@cpas-a.example").await;
    assert_eq!(create(&app, &partner, "Autre").await.0, 403);

    // An action of another OS, tagged: it alone (with its steps) is in the filtered list.
    let action = tree.objectives[1].operational_objectives[0].actions[0].clone();
    let (status, body) = tag_action(&app, &dg, action.id, &[security.id]).await;
    assert_eq!(status, 200, "{body}");
    // The change is in the action's history, by name; the same tags again add nothing.
    let history_path = format!("/api/v1/actions/{}/history", action.id);
    let history: Vec<HistoryEntry> = app.get_ok_as(&dg, &history_path).await;
    let changed: Vec<(&str, &Value, &Value)> = history[0]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), &c.before, &c.after))
        .collect();
    assert_eq!(
        changed,
        [(
            "sectoral_plans",
            &json!([]),
            &json!(["Plan stratégique de sécurité"])
        )]
    );
    assert_eq!(
        tag_action(&app, &dg, action.id, &[security.id]).await.0,
        200
    );
    let again: Vec<HistoryEntry> = app.get_ok_as(&dg, &history_path).await;
    assert_eq!(again.len(), history.len(), "no change, no entry");
    let (status, body) = tag_action(&app, &dg, action.id, &[security.id, security.id]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("duplicate"))
    );
    let paliseul = app.token("dg@paliseul.example").await;
    let (_, foreign) = create(&app, &paliseul, "Plan de Paliseul").await;
    let foreign = foreign["id"]
        .as_str()
        .expect("an id")
        .parse()
        .expect("a uuid");
    let (status, body) = tag_action(&app, &dg, action.id, &[foreign]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("unknown_reference"))
    );
    // Another CPAS's DG neither renames nor tags.
    let (status, _) = send(
        &app,
        &paliseul,
        Method::PUT,
        &format!("/api/v1/sectoral-plans/{}", security.id),
        json!({ "name": "Repris" }),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(tag_action(&app, &paliseul, action.id, &[]).await.0, 404);

    let page: ActionPage = app
        .get_ok_as(
            &dg,
            &format!(
                "/api/v1/actions?plan_id={}&sectoral_plan_id={}",
                tree.id, security.id
            ),
        )
        .await;
    let codes: Vec<&str> = page.items.iter().map(|a| a.code.as_str()).collect();
    let expected: Vec<&str> = std::iter::once(action.code.as_str())
        .chain(action.sub_actions.iter().map(|s| s.code.as_str()))
        .collect();
    assert_eq!(codes, expected);

    // The dashboard: every plan of the list, with its actions.
    let stats: PlanStats = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}/summary", tree.id))
        .await;
    let of = |id: Uuid| {
        stats
            .sectoral_plans
            .iter()
            .find(|s| s.sectoral_plan.id == id)
            .expect("listed")
            .rollup
            .actions
    };
    assert_eq!(of(security.id), 1);
    let os_actions = os
        .operational_objectives
        .iter()
        .map(|oo| oo.actions.len())
        .sum::<usize>();
    assert_eq!(of(pcs.id), i64::try_from(os_actions).expect("a count"));
    assert_eq!(stats.sectoral_plans.len(), 5);

    // The eComptes XML names them as `Plan`s, and stays valid.
    set_nis_code(&app, &tree, 84077).await;
    let xml = export(&app, &dg, &tree, 2026)
        .await
        .text()
        .await
        .expect("the file");
    validate(&xml, "sectoral").unwrap_or_else(|e| panic!("{e}"));
    assert!(xml.contains("<Plan>Plan de cohésion sociale (PCS)</Plan>"));
    assert!(xml.contains("<Plan>Plan stratégique de sécurité</Plan>"));

    // CSV and XLSX: exported, imported as new plans, the same tags by name.
    let tree = app.plan_of("cpas-a").await;
    for (format, content_type) in [
        ("csv", "text/csv"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let response = app
            .get_as(
                &dg,
                &format!("/api/v1/plans/{}/export?format={format}&lang=fr", tree.id),
            )
            .await;
        assert_eq!(response.status(), 200);
        let file = response.bytes().await.expect("the file").to_vec();
        if format == "csv" {
            let text = String::from_utf8(file.clone()).expect("UTF-8");
            assert!(
                text.lines()
                    .next()
                    .expect("a header")
                    .ends_with(";plans_sectoriels")
            );
        }
        let copy = import_file(&app, &dg, &format!("Copie{format}"), content_type, file).await;
        let copy = app
            .get_ok_as::<PlanTree>(&dg, &format!("/api/v1/plans/{}", copy.id))
            .await;
        assert_eq!(
            names(&copy, &copy.objectives[0].sectoral_plans),
            names(&tree, &tree.objectives[0].sectoral_plans),
            "{format}"
        );
        let copied = copy
            .actions()
            .find(|a| a.code == action.code)
            .expect("the action");
        assert_eq!(
            names(&copy, &copied.sectoral_plans),
            ["Plan stratégique de sécurité"],
            "{format}"
        );
        // The CPAS's list did not grow: the names were found.
        assert_eq!(copy.sectoral_plans.len(), 5, "{format}");
    }

    // Deleted: its tags go with it.
    let (status, _) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/sectoral-plans/{}", security.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let tree = app.plan_of("cpas-a").await;
    let after = tree
        .actions()
        .find(|a| a.id == action.id)
        .expect("the action");
    assert!(after.sectoral_plans.is_empty());
}
