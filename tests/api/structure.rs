//! The DG edits a plan's structure: plans and their lifecycle, objectives, actions, the
//! organisations on actions, opinions.

use api_types::{ActionDetail, HistoryEntry, OrganisationSummary, PlanStatus, PlanTree, Problem};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

async fn call<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
    expected: u16,
) -> T {
    let response = app.send_as(method, Some(token), path, Some(&body)).await;
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert_eq!(status, expected, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

async fn refused(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
) -> (u16, Problem) {
    let response = app.send_as(method, Some(token), path, Some(&body)).await;
    (
        response.status().as_u16(),
        response.json().await.expect("problem"),
    )
}

fn codes(tree: &PlanTree) -> Vec<String> {
    tree.objectives
        .iter()
        .flat_map(|os| {
            std::iter::once(os.code.clone()).chain(os.operational_objectives.iter().flat_map(
                |oo| {
                    std::iter::once(oo.code.clone())
                        .chain(oo.actions.iter().map(|a| a.code.clone()))
                },
            ))
        })
        .collect()
}

#[tokio::test]
async fn the_dg_builds_a_plan_and_takes_it_through_adoption_to_closing() {
    let app = spawn_app().await;
    let dg = app.token("dg@paliseul.example").await;

    let plan: PlanTree = call(
        &app,
        &dg,
        Method::POST,
        "/api/v1/plans",
        json!({ "title": "PST 2025-2030", "start_year": 2025, "end_year": 2030 }),
        201,
    )
    .await;
    assert_eq!(plan.status, PlanStatus::Draft);
    let path = format!("/api/v1/plans/{}", plan.id);
    let tree: PlanTree = call(&app, &dg, Method::POST, &format!("{path}/objectives"), json!({ "level": "strategic", "volet": "externe", "code": "OSe1", "title": "Inclure chacun" }), 201).await;
    let os = tree.objectives[0].id;
    let tree: PlanTree = call(&app, &dg, Method::POST, &format!("{path}/objectives"), json!({ "level": "operational", "parent_id": os, "volet": "externe", "code": "OOe1", "title": "Soutenir les familles" }), 201).await;
    let oo = tree.objectives[0].operational_objectives[0].id;
    let first: ActionDetail = call(&app, &dg, Method::POST, &format!("/api/v1/objectives/{oo}/actions"), json!({ "code": "Pe1", "kind": "projet", "title": "Ouvrir un repair café", "reservation": "Sous réserve de financement" }), 201).await;
    let second: ActionDetail = call(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "Me2", "kind": "mission", "title": "Livrer des repas", "position": 0 }),
        201,
    )
    .await;
    assert_eq!(
        first.action.reservation.as_deref(),
        Some("Sous réserve de financement")
    );
    let organisations: Vec<OrganisationSummary> = app.get_ok_as(&dg, "/api/v1/organisations").await;
    let pcs = organisations
        .iter()
        .find(|o| o.name.contains("PCS"))
        .expect("PCS")
        .id;
    let cpas = organisations
        .iter()
        .find(|o| o.name == "CPAS de Paliseul")
        .expect("CPAS")
        .id;
    let carried: ActionDetail = call(
        &app,
        &dg,
        Method::PUT,
        &format!("/api/v1/actions/{}/organisations", first.action.id),
        json!({ "version": first.action.version, "lead": pcs, "collaborators": [cpas] }),
        200,
    )
    .await;
    assert_eq!(carried.action.lead.map(|o| o.id), Some(pcs));
    let tree: PlanTree = call(&app, &dg, Method::POST, &format!("{path}/opinions"), json!({ "heading": "Sur les familles", "body": "Un avis favorable.", "objective_ids": [oo] }), 201).await;
    assert_eq!(tree.opinions[0].objective_codes, ["OOe1"]);
    assert_eq!(
        codes(&tree),
        ["OSe1", "OOe1", "Me2", "Pe1"],
        "Me2 was placed first"
    );
    let _ = second;

    let adopted: PlanTree = call(
        &app,
        &dg,
        Method::POST,
        &format!("{path}/adopt"),
        json!({ "version": tree.version, "adopted_on": "2025-03-27" }),
        200,
    )
    .await;
    assert_eq!(adopted.status, PlanStatus::Adopted);
    assert_eq!(
        adopted.adopted_on.map(|d| d.to_string()).as_deref(),
        Some("2025-03-27")
    );
    let (status, again) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("{path}/adopt"),
        json!({ "version": adopted.version, "adopted_on": "2025-03-28" }),
    )
    .await;
    assert_eq!((status, again.code.as_str()), (409, "invalid_transition"));
    let (status, stale) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("{path}/close"),
        json!({ "version": tree.version }),
    )
    .await;
    assert_eq!((status, stale.code.as_str()), (409, "version_conflict"));
    let closed: PlanTree = call(
        &app,
        &dg,
        Method::POST,
        &format!("{path}/close"),
        json!({ "version": adopted.version }),
        200,
    )
    .await;
    assert_eq!(closed.status, PlanStatus::Closed);
    let renamed: PlanTree = call(&app, &dg, Method::PATCH, &path, json!({ "version": closed.version, "title": "PST 2025-2030 (clôturé)", "update_cadence_days": 60 }), 200).await;
    assert_eq!(renamed.title, "PST 2025-2030 (clôturé)");
}

#[tokio::test]
async fn codes_stay_unique_and_the_tree_keeps_two_levels() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let path = format!("/api/v1/plans/{}", tree.id);
    let os = tree.objectives[0].id;
    let oo = tree.objectives[0].operational_objectives[0].id;

    let (status, taken) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("{path}/objectives"),
        json!({ "level": "strategic", "volet": "externe", "code": "OSe2", "title": "Doublon" }),
    )
    .await;
    assert_eq!((status, taken.code.as_str()), (409, "code_taken"));
    let (status, taken) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "Pe41", "title": "Doublon" }),
    )
    .await;
    assert_eq!((status, taken.code.as_str()), (409, "code_taken"));
    let (status, orphan) = refused(&app, &dg, Method::POST, &format!("{path}/objectives"), json!({ "level": "operational", "volet": "externe", "code": "OOe99", "title": "Sans parent" })).await;
    assert_eq!(
        (status, orphan.errors[0].field.as_str()),
        (422, "parent_id")
    );
    let (status, misplaced) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{os}/actions"),
        json!({ "code": "Pe99", "title": "Sous un OS" }),
    )
    .await;
    assert_eq!(
        (status, misplaced.errors[0].field.as_str()),
        (422, "objective_id")
    );
    let (status, bad) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "P e", "title": "Code invalide" }),
    )
    .await;
    assert_eq!((status, bad.errors[0].field.as_str()), (422, "code"));
    let (status, deep) = refused(&app, &dg, Method::POST, &format!("{path}/objectives"), json!({ "level": "operational", "parent_id": oo, "volet": "externe", "code": "OOe98", "title": "Trop profond" })).await;
    assert_eq!((status, deep.errors[0].field.as_str()), (422, "parent_id"));
}

#[tokio::test]
async fn moving_and_reordering_keep_the_plan_order() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let oo1 = &tree.objectives[0].operational_objectives[0];
    let oo2 = &tree.objectives[0].operational_objectives[1];
    let me7 = oo1.actions.iter().find(|a| a.code == "Me7").expect("Me7");

    let moved: ActionDetail = call(&app, &dg, Method::PATCH, &format!("/api/v1/actions/{}/definition", me7.id), json!({ "version": me7.version, "objective_id": oo2.id, "position": 0, "title": "Poursuivre le service de voiturage" }), 200).await;
    assert_eq!(moved.objective_code, "OOe2");

    let after = app.plan_of("cpas-a").await;
    let oo2_codes: Vec<&str> = after.objectives[0].operational_objectives[1]
        .actions
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(oo2_codes, ["Me7", "Pe8", "Pe9", "Me10", "Me11", "Me12"]);
    let positions: Vec<i32> = after.objectives[0].operational_objectives[0]
        .actions
        .iter()
        .map(|a| a.position)
        .collect();
    assert_eq!(
        positions,
        [0, 1, 2, 3, 4, 5],
        "the old objective is renumbered"
    );
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{}/history", me7.id))
        .await;
    let fields: Vec<&str> = history[0]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert_eq!(fields, ["title", "objective"]);
    assert_eq!(history[0].changes[1].before, json!("OOe1"));
    assert_eq!(history[0].changes[1].after, json!("OOe2"));

    let os3 = &after.objectives[2];
    let reordered: PlanTree = call(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/objectives/{}", os3.id),
        json!({ "version": os3.version, "position": 0 }),
        200,
    )
    .await;
    let order: Vec<&str> = reordered
        .objectives
        .iter()
        .map(|o| o.code.as_str())
        .collect();
    assert_eq!(order, ["OSe3", "OSe1", "OSe2"]);
}

/// Concurrent structure edits of one plan queue up on the plan's lock: none fails, and the
/// order stays a clean 0..n (they once deadlocked renumbering each other's siblings).
#[tokio::test]
async fn concurrent_additions_and_moves_under_one_objective_all_succeed() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let oo = &tree.objectives[0].operational_objectives[0];
    let existing = oo.actions.len();
    let first = &oo.actions[0];

    let additions = (0..12).map(|i| {
        let (app, dg) = (&app, &dg);
        async move {
            let body = json!({ "code": format!("Px{i}"), "title": format!("Action ajoutée {i}"), "position": 0 });
            app.send_as(Method::POST, Some(dg), &format!("/api/v1/objectives/{}/actions", oo.id), Some(&body))
                .await
                .status()
                .as_u16()
        }
    });
    let moving = async {
        let body = json!({ "version": first.version, "position": 3 });
        app.send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{}/definition", first.id),
            Some(&body),
        )
        .await
        .status()
        .as_u16()
    };
    let (statuses, moved) = tokio::join!(futures_util::future::join_all(additions), moving);
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(moved, 200);

    let after = app.plan_of("cpas-a").await;
    let positions: Vec<i32> = after.objectives[0].operational_objectives[0]
        .actions
        .iter()
        .map(|a| a.position)
        .collect();
    let expected: Vec<i32> = (0..i32::try_from(existing + 12).expect("small")).collect();
    assert_eq!(positions, expected);
}

#[tokio::test]
async fn an_action_with_history_is_archived_not_deleted() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe36 = &tree.objectives[1].operational_objectives[3].actions[0];
    assert_eq!(pe36.code, "Pe36");
    let organisations: Vec<OrganisationSummary> = app.get_ok_as(&dg, "/api/v1/organisations").await;
    let admr = organisations
        .iter()
        .find(|o| o.name == "ADMR")
        .expect("ADMR")
        .id;
    let carried: ActionDetail = call(
        &app,
        &dg,
        Method::PUT,
        &format!("/api/v1/actions/{}/organisations", pe36.id),
        json!({ "version": pe36.version, "lead": admr }),
        200,
    )
    .await;

    let (status, refusal) = refused(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/actions/{}", pe36.id),
        Value::Null,
    )
    .await;
    assert_eq!((status, refusal.code.as_str()), (409, "has_history"));
    let archived = app
        .send_as(
            Method::POST,
            Some(&dg),
            &format!("/api/v1/actions/{}/archive", pe36.id),
            Some(&json!({ "version": carried.action.version })),
        )
        .await;
    assert_eq!(archived.status(), 204);

    let after = app.plan_of("cpas-a").await;
    assert!(!codes(&after).contains(&"Pe36".to_owned()));
    let rows: i64 = diesel::RunQueryDsl::get_result::<Count>(
        diesel::sql_query(format!(
            "SELECT count(*) AS n FROM action_history WHERE action_id = '{}'",
            pe36.id
        )),
        &mut app.connection(),
    )
    .expect("count")
    .n;
    assert_eq!(rows, 2, "the lead entity, then the archiving");

    // A fresh action without history can be deleted.
    let oo = after.objectives[0].operational_objectives[0].id;
    let fresh: ActionDetail = call(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "Pe99", "title": "Erreur de saisie" }),
        201,
    )
    .await;
    let deleted = app
        .send_as(
            Method::DELETE,
            Some(&dg),
            &format!("/api/v1/actions/{}", fresh.action.id),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test]
async fn opinions_are_written_rewritten_and_deleted() {
    let app = spawn_app().await;
    let dg = app.token("dg@paliseul.example").await;
    let tree = app.plan_of("paliseul").await;
    let first = &tree.opinions[0];
    let other_plan = app.plan_of("cpas-a").await;

    let rewritten: PlanTree = call(&app, &dg, Method::PUT, &format!("/api/v1/opinions/{}", first.id), json!({ "heading": first.heading, "body": "Texte revu.", "objective_ids": [tree.objectives[0].operational_objectives[0].id] }), 200).await;
    assert_eq!(rewritten.opinions[0].body, "Texte revu.");
    assert_eq!(rewritten.opinions[0].objective_codes, ["OOe1"]);
    let (status, foreign) = refused(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{}/opinions", tree.id),
        json!({ "body": "Sur un autre plan", "objective_ids": [other_plan.objectives[0].id] }),
    )
    .await;
    assert_eq!(
        (status, foreign.errors[0].field.as_str()),
        (422, "objective_ids")
    );
    let deleted = app
        .send_as(
            Method::DELETE,
            Some(&dg),
            &format!("/api/v1/opinions/{}", first.id),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.plan_of("paliseul").await.opinions.len(), 2);
}
