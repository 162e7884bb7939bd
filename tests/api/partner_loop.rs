//! The partner's loop (issue 14.2): one pending proposal per author and action, replaced
//! rather than stacked; a note alone as a report; "my actions" flags; the inbox polled
//! with `ETag` / `If-None-Match`.

use api_types::{ActionDetail, ActionRef, ChangeRequest, ChangeRequestStatus, PlanTree, Problem};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

async fn action_id(app: &TestApp, code: &str) -> String {
    let tree: PlanTree = app.plan_of("cpas-a").await;
    tree.actions()
        .find(|a| a.code == code)
        .map(|a| a.id.to_string())
        .unwrap_or_else(|| panic!("no {code}"))
}

async fn version_of(app: &TestApp, token: &str, action: &str) -> i32 {
    app.get_ok_as::<ActionDetail>(token, &format!("/api/v1/actions/{action}"))
        .await
        .action
        .version
}

async fn propose(app: &TestApp, token: &str, action: &str, body: Value) -> reqwest::Response {
    app.send_as(
        Method::POST,
        Some(token),
        &format!("/api/v1/actions/{action}/change-requests"),
        Some(&body),
    )
    .await
}

async fn created(response: reqwest::Response) -> ChangeRequest {
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).expect("a change request")
}

async fn problem(response: reqwest::Response) -> (u16, Problem) {
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("a problem: {body}")),
    )
}

async fn get_proposal(app: &TestApp, token: &str, id: uuid::Uuid) -> ChangeRequest {
    app.get_ok_as(token, &format!("/api/v1/change-requests/{id}"))
        .await
}

#[tokio::test]
async fn a_second_pending_proposal_on_the_same_action_is_a_409_naming_the_first() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let version = version_of(&app, &pcs, &pe18).await;
    let first = created(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 10 } }),
        )
        .await,
    )
    .await;

    let (status, stacked) = problem(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 60 } }),
        )
        .await,
    )
    .await;

    assert_eq!(
        (status, stacked.code.as_str()),
        (409, "proposal_already_pending")
    );
    assert_eq!(stacked.pending_change_request_id, Some(first.id));
    let pending: Vec<ChangeRequest> = app
        .get_ok_as(
            &pcs,
            &format!("/api/v1/change-requests?status=pending&action_id={pe18}"),
        )
        .await;
    assert_eq!(pending.len(), 1, "still one pending proposal");
    // Someone else may propose on the same action meanwhile: the rule is per author.
    let social = app.token("social@cpas-a.example").await;
    created(
        propose(
            &app,
            &social,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 20 } }),
        )
        .await,
    )
    .await;
    // Once the first is withdrawn, a new one is accepted.
    let withdrawn = app
        .send_as(
            Method::POST,
            Some(&pcs),
            &format!("/api/v1/change-requests/{}/withdraw", first.id),
            None,
        )
        .await;
    assert_eq!(withdrawn.status(), 200);
    created(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 60 } }),
        )
        .await,
    )
    .await;
}

#[tokio::test]
async fn a_proposal_replaces_the_authors_pending_one_in_one_step() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let version = version_of(&app, &pcs, &pe18).await;
    let first = created(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 10 } }),
        )
        .await,
    )
    .await;

    let second = created(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 60 }, "replaces": first.id }),
        )
        .await,
    )
    .await;

    assert_eq!(second.status, ChangeRequestStatus::Pending);
    let replaced = get_proposal(&app, &pcs, first.id).await;
    assert_eq!(replaced.status, ChangeRequestStatus::Replaced);
    assert_eq!(replaced.replaced_by, Some(second.id));
    let queue: Vec<ChangeRequest> = app
        .get_ok_as(&president, "/api/v1/change-requests?status=pending")
        .await;
    assert_eq!(
        queue.iter().map(|c| c.id).collect::<Vec<_>>(),
        [second.id],
        "the management sees the latest report only"
    );
    // A replaced proposal is no longer decided, withdrawn or replaced.
    let (status, again) = problem(
        app.send_as(
            Method::POST,
            Some(&president),
            &format!("/api/v1/change-requests/{}/approve", first.id),
            None,
        )
        .await,
    )
    .await;
    assert_eq!((status, again.code.as_str()), (409, "already_decided"));
    let (status, twice) = problem(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 70 }, "replaces": first.id }),
        )
        .await,
    )
    .await;
    assert_eq!((status, twice.code.as_str()), (409, "already_decided"));
    assert_eq!(
        get_proposal(&app, &pcs, second.id).await.status,
        ChangeRequestStatus::Pending,
        "a refused replacement changes nothing"
    );
}

#[tokio::test]
async fn replaces_must_name_the_authors_own_pending_proposal_on_this_action() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let pe19 = action_id(&app, "Pe19").await;
    let version = version_of(&app, &pcs, &pe18).await;
    let socials = created(
        propose(
            &app,
            &social,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 15 } }),
        )
        .await,
    )
    .await;
    let mine_elsewhere = created(
        propose(
            &app,
            &pcs,
            &pe19,
            json!({ "base_version": version_of(&app, &pcs, &pe19).await, "changes": { "progress": 5 } }),
        )
        .await,
    )
    .await;
    let replacing = |replaces: Value| json!({ "base_version": version, "changes": { "progress": 60 }, "replaces": replaces });

    for (replaces, code) in [
        (json!(socials.id), "unknown_reference"),
        (json!(uuid::Uuid::new_v4()), "unknown_reference"),
        (json!(mine_elsewhere.id), "not_replaceable"),
    ] {
        let (status, refused) =
            problem(propose(&app, &pcs, &pe18, replacing(replaces)).await).await;
        assert_eq!(status, 422, "{refused:?}");
        assert_eq!(
            (
                refused.errors[0].field.as_str(),
                refused.errors[0].code.as_str()
            ),
            ("replaces", code)
        );
    }
    let (status, malformed) = problem(propose(&app, &pcs, &pe18, replacing(json!(42))).await).await;
    assert_eq!(
        (status, malformed.errors[0].field.as_str()),
        (422, "replaces")
    );
    assert_eq!(
        get_proposal(&app, &social, socials.id).await.status,
        ChangeRequestStatus::Pending,
        "someone else's proposal is left alone"
    );
}

#[tokio::test]
async fn a_note_alone_is_a_report_that_lands_in_the_journal_when_approved() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let pe17 = action_id(&app, "Pe17").await;
    let version = version_of(&app, &pcs, &pe17).await;

    let (status, nothing) = problem(
        propose(
            &app,
            &pcs,
            &pe17,
            json!({ "base_version": version, "changes": {}, "note": "  " }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            status,
            nothing.errors[0].field.as_str(),
            nothing.errors[0].code.as_str()
        ),
        (422, "changes", "empty"),
        "no change and no note is not a report"
    );
    let report = created(
        propose(
            &app,
            &pcs,
            &pe17,
            json!({ "base_version": version, "changes": {}, "note": "Réunion tenue avec le PCS." }),
        )
        .await,
    )
    .await;
    assert!(report.diff.is_empty());
    assert_eq!(report.note.as_deref(), Some("Réunion tenue avec le PCS."));
    // The action moves on before the decision: a note conflicts with no field.
    let dg = app.token("dg@cpas-a.example").await;
    let edited = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{pe17}"),
            Some(&json!({ "version": version, "changes": { "progress": 5 } })),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let reported_before = app
        .get_ok_as::<ActionDetail>(&pcs, &format!("/api/v1/actions/{pe17}"))
        .await
        .action
        .last_reported_at;

    let approved = app
        .send_as(
            Method::POST,
            Some(&president),
            &format!("/api/v1/change-requests/{}/approve", report.id),
            None,
        )
        .await;

    assert_eq!(approved.status(), 200);
    let detail: ActionDetail = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe17}"))
        .await;
    assert_eq!(detail.journal[0].body, "Réunion tenue avec le PCS.");
    assert_eq!(
        detail.journal[0].author.organisation.as_deref(),
        Some("Commune (PCS)")
    );
    assert_eq!(
        detail.action.version,
        version + 1,
        "the note bumps no version"
    );
    assert!(
        detail.action.last_reported_at > reported_before,
        "a note is a report: the action is reported on at its approval"
    );
}

#[tokio::test]
async fn my_actions_carry_their_late_and_stale_flags() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;
    let pe19 = action_id(&app, "Pe19").await;
    let version = version_of(&app, &dg, &pe19).await;
    let edited = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{pe19}"),
            Some(&json!({ "version": version, "changes": { "planned_end": "2020-06-30" } })),
        )
        .await;
    assert_eq!(edited.status(), 200);

    let mine: Vec<ActionRef> = app.get_ok_as(&pcs, "/api/v1/me/actions").await;

    let late: Vec<&str> = mine
        .iter()
        .filter(|a| a.late)
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(late, ["Pe19"]);
    let tree: PlanTree = app.plan_of("cpas-a").await;
    for action in &mine {
        let in_tree = tree
            .actions()
            .find(|a| a.id == action.id)
            .expect("in the tree");
        assert_eq!(
            (action.late, action.stale),
            (in_tree.late, in_tree.stale),
            "{}",
            action.code
        );
    }
}

#[tokio::test]
async fn the_inbox_answers_304_while_nothing_arrived_or_was_read() {
    let app = spawn_app().await;
    let president = app.token("president@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let inbox = |etag: Option<String>| {
        let (app, president) = (&app, &president);
        async move {
            let mut request = app
                .client
                .get(app.url("/api/v1/notifications"))
                .bearer_auth(president);
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            request.send().await.expect("answer")
        }
    };
    let etag_of = |response: &reqwest::Response| {
        response.headers()["etag"]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    let first = inbox(None).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "private, no-cache");
    let empty = etag_of(&first);
    assert!(empty.starts_with("W/\""), "{empty}");

    let unchanged = inbox(Some(empty.clone())).await;
    assert_eq!(unchanged.status(), 304);
    assert_eq!(etag_of(&unchanged), empty);
    assert_eq!(
        tests::statement_counts(&unchanged).0,
        1,
        "one count for an unchanged inbox"
    );
    assert!(unchanged.text().await.expect("body").is_empty());

    // A proposal arrives: the inbox changed.
    let me1 = action_id(&app, "Me1").await;
    created(
        propose(
            &app,
            &social,
            &me1,
            json!({ "base_version": 1, "changes": { "progress": 5 } }),
        )
        .await,
    )
    .await;
    let arrived = inbox(Some(empty.clone())).await;
    assert_eq!(arrived.status(), 200);
    let with_one = etag_of(&arrived);
    assert_ne!(with_one, empty);
    let list: Vec<api_types::Notification> = arrived.json().await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(inbox(Some(with_one.clone())).await.status(), 304);

    // Reading it changes the inbox too.
    let read = app
        .send_as(
            Method::POST,
            Some(&president),
            &format!("/api/v1/notifications/{}/read", list[0].id),
            None,
        )
        .await;
    assert_eq!(read.status(), 204);
    let after_read = inbox(Some(with_one.clone())).await;
    assert_eq!(after_read.status(), 200);
    assert_ne!(etag_of(&after_read), with_one);
}
