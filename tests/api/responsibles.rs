//! Responsibles (issue 16.4): the mandataire (name, function) and the administrative
//! responsible of objectives, actions and sub-actions, set by the management. Derived
//! dates (16.5): an operational objective runs from its actions' dates, a strategic one
//! from its operational objectives', unless the management gives them.

use api_types::{
    ActionDetail, HistoryEntry, ObjectiveDates, PlanSummary, PlanTree, Problem, ProblemCode, User,
};
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_text as send;
use tests::{TestApp, spawn_app};
use uuid::Uuid;

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    let token = app.token(email).await;
    let me: User = app.get_ok_as(&token, "/api/v1/me").await;
    me.id
}

/// `PATCH /api/v1/objectives/{id}` as `token`.
async fn patch_objective(app: &TestApp, token: &str, id: Uuid, body: Value) -> (u16, String) {
    send(
        app,
        token,
        Method::PATCH,
        &format!("/api/v1/objectives/{id}"),
        body,
    )
    .await
}

/// `PATCH /api/v1/actions/{id}/definition` as `token`.
async fn define(app: &TestApp, token: &str, id: Uuid, body: Value) -> (u16, String) {
    send(
        app,
        token,
        Method::PATCH,
        &format!("/api/v1/actions/{id}/definition"),
        body,
    )
    .await
}

fn ok<T: serde::de::DeserializeOwned>((status, text): (u16, String)) -> T {
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).expect("the answer")
}

/// The one field a 422 names, and its code.
fn refused_field((status, text): (u16, String)) -> (String, ProblemCode) {
    assert_eq!(status, 422, "{text}");
    let problem: Problem = serde_json::from_str(&text).expect("a problem");
    assert_eq!(problem.errors.len(), 1, "{text}");
    (problem.errors[0].field.clone(), problem.errors[0].code)
}

fn day(text: &str) -> Option<NaiveDate> {
    Some(text.parse().expect("a date"))
}

/// Sets an action's planned dates as the DG (a direct follow-up edit).
async fn plan_dates(app: &TestApp, dg: &str, tree: &PlanTree, code: &str, dates: (&str, &str)) {
    let action = tree.action(code).expect("the action");
    let (status, text) = send(
        app,
        dg,
        Method::PATCH,
        &format!("/api/v1/actions/{}", action.id),
        json!({
            "version": action.version,
            "changes": { "planned_start": dates.0, "planned_end": dates.1 },
        }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn the_management_names_the_responsibles_of_objectives_actions_and_sub_actions() {
    // Arrange
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let social = user_id(&app, "social@cpas-a.example").await;
    let president = user_id(&app, "president@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let (os, oo) = (
        &tree.objectives[0],
        &tree.objectives[0].operational_objectives[0],
    );
    let pe18 = tree.action("Pe18").expect("Pe18").clone();
    let (status, text) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{}/sub-actions", pe18.id),
        json!({ "title": "Trouver un local" }),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let step: ActionDetail = serde_json::from_str(&text).expect("a sub-action");

    // Act: the mandataire and the responsible of an OS, an OO, an action, a sub-action.
    let _: PlanTree = ok(patch_objective(
        &app,
        &dg,
        os.id,
        json!({
            "version": os.version,
            "political_lead": "Marie Dupont",
            "political_function": "Présidente du CPAS",
            "responsible_user_id": president,
        }),
    )
    .await);
    let after: PlanTree = ok(patch_objective(
        &app,
        &dg,
        oo.id,
        json!({
            "version": oo.version,
            "political_lead": " Jean Martin ",
            "political_function": "Échevin des affaires sociales",
            "responsible_user_id": social,
        }),
    )
    .await);
    let detail: ActionDetail = ok(define(
        &app,
        &dg,
        pe18.id,
        json!({
            "version": pe18.version,
            "political_function": "Présidente du CPAS",
            "responsible_user_id": social,
        }),
    )
    .await);
    let _: ActionDetail = ok(define(
        &app,
        &dg,
        step.action.id,
        json!({ "version": step.action.version, "responsible_user_id": president }),
    )
    .await);

    // Assert: the tree says who, by name, and each objective's version moved on.
    let os_after = &after.objectives[0];
    assert_eq!(os_after.political_lead.as_deref(), Some("Marie Dupont"));
    assert_eq!(
        os_after.political_function.as_deref(),
        Some("Présidente du CPAS")
    );
    assert_eq!(os_after.responsible.as_ref().map(|r| r.id), Some(president));
    let oo_after = &os_after.operational_objectives[0];
    assert_eq!(oo_after.political_lead.as_deref(), Some("Jean Martin"));
    assert_eq!(
        oo_after
            .responsible
            .as_ref()
            .map(|r| r.display_name.as_str()),
        Some("Service social (CPAS A)")
    );
    assert_eq!(oo_after.version, oo.version + 1);
    assert_eq!(
        detail.action.responsible.as_ref().map(|r| r.id),
        Some(social)
    );
    let tree = app.plan_of("cpas-a").await;
    let pe18_after = tree.action("Pe18").expect("Pe18");
    assert_eq!(
        pe18_after.political_function.as_deref(),
        Some("Présidente du CPAS")
    );
    assert_eq!(
        pe18_after.sub_actions[0]
            .responsible
            .as_ref()
            .map(|r| r.display_name.as_str()),
        Some("Présidence (CPAS A)")
    );

    // What each person answers for: the actions of their OO, their own, and those of
    // which they hold a step (the demo gives Me1 and Me2 to the social service).
    let of_social: Vec<&str> = tree
        .responsible_for(social)
        .iter()
        .filter_map(|id| tree.actions().find(|a| a.id == *id))
        .map(|a| a.code.as_str())
        .collect();
    let oo_codes: Vec<&str> = oo_after.actions.iter().map(|a| a.code.as_str()).collect();
    assert!(
        oo_codes.iter().all(|c| of_social.contains(c)),
        "{of_social:?}"
    );
    assert!(of_social.contains(&"Pe18"), "{of_social:?}");
    assert!(!of_social.contains(&"Pe17"), "{of_social:?}");
    let of_president = tree.responsible_for(president);
    assert!(of_president.contains(&pe18.id), "a step of Pe18 is theirs");
    assert!(
        os_after
            .operational_objectives
            .iter()
            .flat_map(|oo| &oo.actions)
            .all(|a| of_president.contains(&a.id)),
        "the whole OS is theirs"
    );

    // Every change of an action's definition is in its history, people by name.
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{}/history", pe18.id))
        .await;
    let latest = &history[0];
    let fields: Vec<&str> = latest.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["political_function", "responsible"]);
    assert_eq!(latest.changes[1].before, Value::Null);
    assert_eq!(latest.changes[1].after, json!("Service social (CPAS A)"));

    // `null` clears: no responsible any more.
    let cleared: ActionDetail = ok(define(
        &app,
        &dg,
        pe18.id,
        json!({ "version": pe18_after.version, "responsible_user_id": null }),
    )
    .await);
    assert!(cleared.action.responsible.is_none());
}

#[tokio::test]
async fn another_cpas_person_is_refused_by_name_and_a_partner_may_not_name_anyone() {
    // Arrange
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let stranger = user_id(&app, "social@paliseul.example").await;
    let social = user_id(&app, "social@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let oo = &tree.objectives[0].operational_objectives[0];
    let pe17 = tree.action("Pe17").expect("Pe17");

    // Act and assert: another CPAS's person is not found, named on the field.
    let refused = refused_field(
        patch_objective(
            &app,
            &dg,
            oo.id,
            json!({ "version": oo.version, "title": "Renommé", "responsible_user_id": stranger }),
        )
        .await,
    );
    assert_eq!(
        refused,
        (
            "responsible_user_id".to_owned(),
            ProblemCode::UnknownReference
        )
    );
    let refused = refused_field(
        define(
            &app,
            &dg,
            pe17.id,
            json!({ "version": pe17.version, "responsible_user_id": stranger }),
        )
        .await,
    );
    assert_eq!(refused.0, "responsible_user_id");

    // A partner (the lead of Pe17) proposes follow-up, but names no responsible.
    for (status, text) in [
        define(
            &app,
            &pcs,
            pe17.id,
            json!({ "version": pe17.version, "responsible_user_id": social }),
        )
        .await,
        patch_objective(
            &app,
            &pcs,
            oo.id,
            json!({ "version": oo.version, "political_lead": "Moi" }),
        )
        .await,
    ] {
        assert_eq!(status, 403, "{text}");
    }

    // Nothing was written.
    let after = app.plan_of("cpas-a").await;
    let oo_after = &after.objectives[0].operational_objectives[0];
    assert_eq!(oo_after.title, oo.title);
    assert_eq!(oo_after.version, oo.version);
    assert!(oo_after.responsible.is_none() && oo_after.political_lead.is_none());
    let pe17_after = after.action("Pe17").expect("Pe17");
    assert!(pe17_after.responsible.is_none());
    assert_eq!(pe17_after.version, pe17.version);
}

#[tokio::test]
async fn an_objectives_dates_follow_from_what_it_holds_unless_the_management_sets_them() {
    // Arrange: dates on two actions of OOe1, and the tree's statements before.
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let tree_path = format!("/api/v1/plans/{}", plans[0].id);
    let statements = tests::statement_counts(&app.get_as(&dg, &tree_path).await);
    let tree = app.plan_of("cpas-a").await;
    let codes: Vec<String> = tree.objectives[0].operational_objectives[0]
        .actions
        .iter()
        .map(|a| a.code.clone())
        .collect();
    plan_dates(&app, &dg, &tree, &codes[0], ("2026-01-15", "2026-06-30")).await;
    plan_dates(&app, &dg, &tree, &codes[1], ("2026-03-01", "2027-12-31")).await;
    // Read afresh after the writes (a cached tree costs one statement).
    assert_eq!(
        tests::statement_counts(&app.get_as(&dg, &tree_path).await),
        statements,
        "the dates and the responsibles cost the tree no statement"
    );

    // Assert: the OO spans its actions, the OS its OOs; both say so.
    let tree = app.plan_of("cpas-a").await;
    let (os, oo) = (
        &tree.objectives[0],
        &tree.objectives[0].operational_objectives[0],
    );
    assert_eq!(
        oo.dates,
        ObjectiveDates {
            planned_start: None,
            planned_end: None,
            start: day("2026-01-15"),
            end: day("2027-12-31"),
            start_derived: true,
            end_derived: true,
        }
    );
    assert_eq!(os.dates.span(), (day("2026-01-15"), day("2027-12-31")));
    assert!(os.dates.start_derived && os.dates.end_derived);
    let untouched = &tree.objectives[1];
    assert_eq!(
        untouched.dates,
        ObjectiveDates::default(),
        "nothing to derive from"
    );

    // Act: the management gives OOe1 its end, and another OO of OSe1 an earlier start.
    let after: PlanTree = ok(patch_objective(
        &app,
        &dg,
        oo.id,
        json!({ "version": oo.version, "planned_end": "2026-12-31" }),
    )
    .await);
    let other = &os.operational_objectives[1];
    let after_other: PlanTree = ok(patch_objective(
        &app,
        &dg,
        other.id,
        json!({ "version": other.version, "planned_start": "2025-09-01" }),
    )
    .await);

    // Assert: the date given wins over its actions', and the OS follows its OOs.
    let oo_after = &after.objectives[0].operational_objectives[0];
    assert_eq!(
        oo_after.dates.span(),
        (day("2026-01-15"), day("2026-12-31"))
    );
    assert!(oo_after.dates.start_derived && !oo_after.dates.end_derived);
    assert_eq!(oo_after.dates.planned_end, day("2026-12-31"));
    let os_after = &after_other.objectives[0];
    assert_eq!(
        os_after.dates.span(),
        (day("2025-09-01"), day("2026-12-31"))
    );
    assert!(os_after.dates.start_derived && os_after.dates.end_derived);
    assert!(!os_after.operational_objectives[1].dates.start_derived);

    // An archived action no longer counts: back to derived, OOe1 ends with its first.
    let oo_now = &os_after.operational_objectives[0];
    let _: PlanTree = ok(patch_objective(
        &app,
        &dg,
        oo_now.id,
        json!({ "version": oo_now.version, "planned_end": null }),
    )
    .await);
    let second = after_other.action(&codes[1]).expect("the second action");
    let (status, text) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{}/archive", second.id),
        json!({ "version": second.version }),
    )
    .await;
    assert_eq!(status, 204, "{text}");
    let tree = app.plan_of("cpas-a").await;
    let oo_now = &tree.objectives[0].operational_objectives[0];
    assert_eq!(oo_now.dates.span(), (day("2026-01-15"), day("2026-06-30")));
    assert!(oo_now.dates.end_derived);

    // An end before the start is refused on the end; nothing is written.
    let refused = refused_field(
        patch_objective(
            &app,
            &dg,
            oo_now.id,
            json!({
                "version": oo_now.version,
                "title": "Renommé",
                "planned_start": "2027-01-01",
                "planned_end": "2026-01-01",
            }),
        )
        .await,
    );
    assert_eq!(
        refused,
        ("planned_end".to_owned(), ProblemCode::BeforeStart)
    );
    let other_now = &tree.objectives[0].operational_objectives[1];
    let refused = refused_field(
        patch_objective(
            &app,
            &dg,
            other_now.id,
            json!({ "version": other_now.version, "planned_end": "2025-01-01" }),
        )
        .await,
    );
    assert_eq!(refused.0, "planned_end", "before the start it already has");
    let unchanged = app.plan_of("cpas-a").await;
    let oo_unchanged = &unchanged.objectives[0].operational_objectives[0];
    assert_eq!(oo_unchanged.version, oo_now.version);
    assert_eq!(oo_unchanged.title, oo_now.title);
    assert_eq!(oo_unchanged.dates, oo_now.dates);
}
