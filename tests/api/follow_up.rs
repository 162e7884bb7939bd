//! Following actions up: proposals, approval, conflicts, direct edits, history, inbox.

use api_types::{
    ActionDetail, ChangeRequest, ChangeRequestStatus, HistoryEntry, Notification, PlanTree, Problem,
};
use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

/// The id of the action `code` in the plan of `slug`.
async fn action_id(app: &TestApp, slug: &str, code: &str) -> String {
    let tree: PlanTree = app.plan_of(slug).await;
    tree.actions()
        .find(|a| a.code == code)
        .map(|a| a.id.to_string())
        .unwrap_or_else(|| panic!("no {code}"))
}

async fn detail(app: &TestApp, token: &str, action: &str) -> ActionDetail {
    app.get_ok_as(token, &format!("/api/v1/actions/{action}"))
        .await
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
    (status, response.json().await.expect("problem JSON"))
}

async fn decide(
    app: &TestApp,
    token: &str,
    id: &str,
    verb: &str,
    body: Option<Value>,
) -> reqwest::Response {
    app.send_as(
        Method::POST,
        Some(token),
        &format!("/api/v1/change-requests/{id}/{verb}"),
        body.as_ref(),
    )
    .await
}

#[tokio::test]
async fn a_partner_proposes_the_president_approves_and_everyone_sees_it() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let pe18 = action_id(&app, "cpas-a", "Pe18").await;
    let before = detail(&app, &pcs, &pe18).await;

    // The partner proposes 40 % and a note.
    let proposal = created(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({
                "base_version": before.action.version,
                "changes": { "progress": 40, "status": "en_cours" },
                "note": "Atelier tricot lancé le mardi 3 mars.",
            }),
        )
        .await,
    )
    .await;
    assert_eq!(proposal.status, ChangeRequestStatus::Pending);
    assert_eq!(
        detail(&app, &pcs, &pe18).await.action.progress,
        0,
        "not applied yet"
    );

    // The president sees it in the queue, with the diff.
    let queue: Vec<ChangeRequest> = app
        .get_ok_as(&president, "/api/v1/change-requests?status=pending")
        .await;
    assert_eq!(queue.len(), 1);
    let pending = &queue[0];
    assert_eq!(pending.action_code, "Pe18");
    assert_eq!(
        pending.author.organisation.as_deref(),
        Some("Commune (PCS)")
    );
    let diff: Vec<(&str, &Value, &Value)> = pending
        .diff
        .iter()
        .map(|d| (d.field.as_str(), &d.before, &d.proposed))
        .collect();
    assert_eq!(
        diff,
        [
            ("status", &json!("non_commence"), &json!("en_cours")),
            ("progress", &json!(0), &json!(40)),
        ]
    );
    let inbox: Vec<Notification> = app
        .get_ok_as(&president, "/api/v1/notifications?unread=true")
        .await;
    assert!(inbox.iter().any(|n| n.kind == "change_request_created"));

    // Approved: applied, in the history naming both people, and the author is told.
    let response = decide(&app, &president, &pending.id.to_string(), "approve", None).await;
    assert_eq!(response.status(), 200);
    let approved: ChangeRequest = response.json().await.expect("decided");
    assert_eq!(approved.status, ChangeRequestStatus::Approved);
    assert_eq!(
        approved.decided_by.map(|p| p.display_name).as_deref(),
        Some("Présidence (CPAS A)")
    );

    let after = detail(&app, &pcs, &pe18).await;
    assert_eq!(after.action.progress, 40);
    assert_eq!(after.action.version, before.action.version + 1);
    assert!(after.action.last_reported_at.is_some());
    assert_eq!(after.journal.len(), 1);
    assert_eq!(
        after.journal[0].body,
        "Atelier tricot lancé le mardi 3 mars."
    );
    assert_eq!(
        after.journal[0].author.display_name,
        "Plan de Cohésion Sociale (CPAS A)"
    );
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    assert_eq!(history.len(), 1);
    let entry = &history[0];
    assert_eq!(entry.applied_by.display_name, "Présidence (CPAS A)");
    assert_eq!(
        entry.proposed_by.as_ref().map(|p| p.display_name.as_str()),
        Some("Plan de Cohésion Sociale (CPAS A)")
    );
    assert_eq!(entry.change_request_id, Some(pending.id));
    let progress = entry
        .changes
        .iter()
        .find(|c| c.field == "progress")
        .expect("progress");
    assert_eq!((&progress.before, &progress.after), (&json!(0), &json!(40)));
    let told: Vec<Notification> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, "change_request_approved");
    assert_eq!(told[0].payload["action_code"], "Pe18");
}

#[tokio::test]
async fn approving_a_stale_proposal_is_a_409_with_both_versions() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;
    let me1 = action_id(&app, "cpas-a", "Me1").await;
    let version = detail(&app, &social, &me1).await.action.version;
    let second = created(
        propose(
            &app,
            &social,
            &me1,
            json!({ "base_version": version, "changes": { "progress": 50 } }),
        )
        .await,
    )
    .await;
    // The action moves on meanwhile (the DG edits it directly).
    let edited = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{me1}"),
            Some(&json!({ "version": version, "changes": { "progress": 30 } })),
        )
        .await;
    assert_eq!(edited.status(), 200);

    let (status, conflict) =
        problem(decide(&app, &dg, &second.id.to_string(), "approve", None).await).await;

    assert_eq!(status, 409);
    assert_eq!(conflict.code, "version_conflict");
    let detail_of = conflict.conflict.expect("both versions");
    assert_eq!(
        (detail_of.base_version, detail_of.current_version),
        (version, version + 1)
    );
    let progress = &detail_of.diff[0];
    assert_eq!(
        (&progress.before, &progress.current, &progress.proposed),
        (&json!(0), &json!(30), &json!(50))
    );
    // The approver decides: apply it over the current version.
    let over = decide(
        &app,
        &dg,
        &second.id.to_string(),
        "approve",
        Some(json!({ "over_version": version + 1 })),
    )
    .await;
    assert_eq!(over.status(), 200);
    assert_eq!(detail(&app, &dg, &me1).await.action.progress, 50);
    // A decided proposal cannot be decided again.
    let (status, again) = problem(
        decide(
            &app,
            &dg,
            &second.id.to_string(),
            "reject",
            Some(json!({ "reason": "non" })),
        )
        .await,
    )
    .await;
    assert_eq!((status, again.code.as_str()), (409, "already_decided"));
}

#[tokio::test]
async fn proposing_against_an_old_version_is_a_409() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let me1 = action_id(&app, "cpas-a", "Me1").await;
    let version = detail(&app, &social, &me1).await.action.version;

    let (status, problem) = problem(
        propose(
            &app,
            &social,
            &me1,
            json!({ "base_version": version - 1, "changes": { "progress": 5 } }),
        )
        .await,
    )
    .await;

    assert_eq!((status, problem.code.as_str()), (409, "version_conflict"));
}

#[tokio::test]
async fn rejections_need_a_reason_and_only_managers_decide() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let pe18 = action_id(&app, "cpas-a", "Pe18").await;
    let version = detail(&app, &social, &pe18).await.action.version;
    let proposal = created(
        propose(
            &app,
            &social,
            &pe18,
            json!({ "base_version": version, "changes": { "progress": 10 } }),
        )
        .await,
    )
    .await;
    let id = proposal.id.to_string();

    let (status, no_reason) = problem(decide(&app, &president, &id, "reject", None).await).await;
    assert_eq!(
        (status, no_reason.errors[0].field.as_str()),
        (422, "reason")
    );
    let (status, blank) = problem(
        decide(
            &app,
            &president,
            &id,
            "reject",
            Some(json!({ "reason": "  " })),
        )
        .await,
    )
    .await;
    assert_eq!((status, blank.errors[0].field.as_str()), (422, "reason"));
    assert_eq!(
        decide(&app, &pcs, &id, "approve", None).await.status(),
        403,
        "a partner approving"
    );
    assert_eq!(
        decide(&app, &pcs, &id, "withdraw", None).await.status(),
        403,
        "withdrawing someone else's"
    );

    let rejected = decide(
        &app,
        &president,
        &id,
        "reject",
        Some(json!({ "reason": "Chiffre à vérifier avec le PCS." })),
    )
    .await;
    assert_eq!(rejected.status(), 200);
    let rejected: ChangeRequest = rejected.json().await.expect("decided");
    assert_eq!(rejected.status, ChangeRequestStatus::Rejected);
    assert_eq!(
        rejected.reason.as_deref(),
        Some("Chiffre à vérifier avec le PCS.")
    );
    let told: Vec<Notification> = app.get_ok_as(&social, "/api/v1/notifications").await;
    assert_eq!(told[0].kind, "change_request_rejected");
    assert_eq!(told[0].payload["reason"], "Chiffre à vérifier avec le PCS.");
    assert_eq!(detail(&app, &social, &pe18).await.action.progress, 0);
}

#[tokio::test]
async fn the_author_withdraws_a_pending_proposal() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let me2 = action_id(&app, "cpas-a", "Me2").await;
    let version = detail(&app, &social, &me2).await.action.version;
    let proposal = created(
        propose(
            &app,
            &social,
            &me2,
            json!({ "base_version": version, "changes": { "status": "en_cours" } }),
        )
        .await,
    )
    .await;

    let response = decide(&app, &social, &proposal.id.to_string(), "withdraw", None).await;

    assert_eq!(response.status(), 200);
    let withdrawn: ChangeRequest = response.json().await.expect("withdrawn");
    assert_eq!(withdrawn.status, ChangeRequestStatus::Withdrawn);
    let mine: Vec<ChangeRequest> = app
        .get_ok_as(&social, "/api/v1/change-requests?status=pending")
        .await;
    assert!(mine.is_empty());
}

#[tokio::test]
async fn a_partner_proposes_only_on_the_actions_of_its_organisation() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let me1 = action_id(&app, "cpas-a", "Me1").await;
    let version = detail(&app, &pcs, &me1).await.action.version;

    let (status, forbidden) = problem(
        propose(
            &app,
            &pcs,
            &me1,
            json!({ "base_version": version, "changes": { "progress": 10 } }),
        )
        .await,
    )
    .await;

    assert_eq!((status, forbidden.code.as_str()), (403, "forbidden"));
}

#[tokio::test]
async fn invalid_proposals_name_each_bad_field() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let pe18 = action_id(&app, "cpas-a", "Pe18").await;

    let (status, invalid) = problem(
        propose(
            &app,
            &social,
            &pe18,
            json!({ "base_version": 1, "changes": { "progress": 140, "status": "fini", "planned_end": "2024-13-01" } }),
        )
        .await,
    )
    .await;

    assert_eq!(status, 422);
    let mut fields: Vec<(&str, &str)> = invalid
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            ("changes/planned_end", "invalid_date"),
            ("changes/progress", "out_of_range"),
            ("changes/status", "unknown_value"),
        ]
    );
    let (status, missing) = problem(
        propose(
            &app,
            &social,
            &pe18,
            json!({ "changes": { "progress": 10 } }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, missing.errors[0].field.as_str()),
        (422, "base_version")
    );
    let (status, dates) = problem(
        propose(&app, &social, &pe18, json!({ "base_version": 1, "changes": { "planned_start": "2025-06-01", "planned_end": "2025-01-01" } }))
            .await,
    )
    .await;
    assert_eq!(
        (status, dates.errors[0].field.as_str()),
        (422, "changes/planned_end"),
        "{dates:?}"
    );
}

#[tokio::test]
async fn direct_edits_check_the_version_they_were_made_against() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let pe19 = action_id(&app, "cpas-a", "Pe19").await;
    let path = format!("/api/v1/actions/{pe19}");
    let response = app.get_as(&dg, &path).await;
    let etag = response.headers()["etag"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let version = response
        .json::<ActionDetail>()
        .await
        .expect("detail")
        .action
        .version;
    assert_eq!(etag, format!("\"{version}\""));
    let body = json!({ "changes": { "status": "en_attente", "political_lead": "Le Président" }, "note": "En attente du budget." });
    let edit = |if_match: Option<String>, body: Value| {
        let (app, path, dg) = (&app, &path, &dg);
        async move {
            let mut request = app.client.patch(app.url(path)).bearer_auth(dg).json(&body);
            if let Some(if_match) = if_match {
                request = request.header("If-Match", if_match);
            }
            request.send().await.expect("answer")
        }
    };

    assert_eq!(edit(None, body.clone()).await.status(), 428);
    let ok = edit(Some(etag.clone()), body.clone()).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["etag"].to_str().expect("ascii"),
        format!("\"{}\"", version + 1)
    );
    let edited: ActionDetail = ok.json().await.expect("detail");
    assert_eq!(
        edited.action.political_lead.as_deref(),
        Some("Le Président")
    );
    assert_eq!(edited.journal[0].body, "En attente du budget.");
    assert_eq!(
        edit(Some(etag), body.clone()).await.status(),
        412,
        "stale If-Match"
    );
    let mut stale_body = body.clone();
    stale_body["version"] = json!(version);
    assert_eq!(
        edit(None, stale_body).await.status(),
        409,
        "stale body version"
    );
    let partner = app
        .send_as(
            Method::PATCH,
            Some(&pcs),
            &path,
            Some(&json!({ "version": version + 1, "changes": { "progress": 1 } })),
        )
        .await;
    assert_eq!(partner.status(), 403);
    let history: Vec<HistoryEntry> = app.get_ok_as(&dg, &format!("{path}/history")).await;
    assert_eq!(history.len(), 1);
    assert!(history[0].proposed_by.is_none());
}

#[tokio::test]
async fn twenty_concurrent_edits_lose_no_update_and_all_reach_the_history() {
    let app = std::sync::Arc::new(spawn_app().await);
    let dg = app.token("dg@cpas-a.example").await;
    let me3 = action_id(&app, "cpas-a", "Me3").await;
    let start = detail(&app, &dg, &me3).await.action.version;

    let mut tasks = Vec::new();
    for n in 1..=20 {
        let (app, dg, me3) = (app.clone(), dg.clone(), me3.clone());
        tasks.push(tokio::spawn(async move {
            let path = format!("/api/v1/actions/{me3}");
            // Read, then write against what was read; on a conflict, read again.
            for _ in 0..200 {
                let version = app
                    .get_ok_as::<ActionDetail>(&dg, &path)
                    .await
                    .action
                    .version;
                let response = app
                    .client
                    .patch(app.url(&path))
                    .bearer_auth(&dg)
                    .header("If-Match", format!("\"{version}\""))
                    .json(&json!({ "changes": { "progress": n } }))
                    .send()
                    .await
                    .expect("answer");
                match response.status().as_u16() {
                    200 => return n,
                    412 => continue,
                    other => panic!("edit {n}: {other}"),
                }
            }
            panic!("edit {n} never went through");
        }));
    }
    let mut applied = Vec::new();
    for task in tasks {
        applied.push(task.await.expect("task"));
    }

    let after = detail(&app, &dg, &me3).await;
    assert_eq!(after.action.version, start + 20, "every edit applied once");
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{me3}/history"))
        .await;
    assert_eq!(history.len(), 20);
    let mut afters: Vec<i64> = history
        .iter()
        .map(|h| h.changes[0].after.as_i64().expect("a number"))
        .collect();
    afters.sort_unstable();
    assert_eq!(afters, (1..=20).collect::<Vec<i64>>());
    // Each row starts where the previous one ended: nothing was overwritten unseen.
    for pair in history.windows(2) {
        assert_eq!(pair[1].changes[0].before, pair[0].changes[0].after);
        assert_eq!(pair[1].version, pair[0].version + 1);
    }
    assert_eq!(
        Some(i64::from(after.action.progress)),
        history.last().and_then(|h| h.changes[0].after.as_i64())
    );
}

#[tokio::test]
async fn concurrent_approvals_of_the_same_proposal_apply_it_once() {
    let app = std::sync::Arc::new(spawn_app().await);
    let social = app.token("social@cpas-a.example").await;
    let me4 = action_id(&app, "cpas-a", "Me4").await;
    let version = detail(&app, &social, &me4).await.action.version;
    let proposal = created(
        propose(
            &app,
            &social,
            &me4,
            json!({ "base_version": version, "changes": { "progress": 70 } }),
        )
        .await,
    )
    .await;
    let president = app.token("president@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;

    let mut tasks = Vec::new();
    for n in 0..20 {
        let (app, id) = (app.clone(), proposal.id.to_string());
        let token = if n % 2 == 0 {
            president.clone()
        } else {
            dg.clone()
        };
        tasks.push(tokio::spawn(async move {
            decide(&app, &token, &id, "approve", None)
                .await
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }

    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&social, &format!("/api/v1/actions/{me4}/history"))
        .await;
    assert_eq!(history.len(), 1);
}

#[tokio::test]
async fn history_rows_cannot_be_updated_deleted_or_truncated() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let me6 = action_id(&app, "cpas-a", "Me6").await;
    let response = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{me6}"),
            Some(&json!({ "version": 1, "changes": { "progress": 15 } })),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut conn = app.connection();

    for statement in [
        "UPDATE action_history SET changes = '[]'",
        "DELETE FROM action_history",
        "TRUNCATE action_history",
    ] {
        let refused = diesel::sql_query(statement).execute(&mut conn);
        let message = refused.expect_err(statement).to_string();
        assert!(message.contains("append-only"), "{statement}: {message}");
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count: Count = diesel::sql_query("SELECT count(*) AS n FROM action_history")
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(count.n, 1);
}

#[tokio::test]
async fn notifications_are_marked_read_one_by_one_or_all_at_once() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;
    for code in ["Me1", "Me2"] {
        let action = action_id(&app, "cpas-a", code).await;
        created(
            propose(
                &app,
                &social,
                &action,
                json!({ "base_version": 1, "changes": { "progress": 5 } }),
            )
            .await,
        )
        .await;
    }
    let unread: Vec<Notification> = app
        .get_ok_as(&dg, "/api/v1/notifications?unread=true")
        .await;
    assert_eq!(unread.len(), 2);

    let one = app
        .send_as(
            Method::POST,
            Some(&dg),
            &format!("/api/v1/notifications/{}/read", unread[0].id),
            None,
        )
        .await;
    assert_eq!(one.status(), 204);
    let left: Vec<Notification> = app
        .get_ok_as(&dg, "/api/v1/notifications?unread=true")
        .await;
    assert_eq!(left.len(), 1);
    let someone_elses = app
        .send_as(
            Method::POST,
            Some(&social),
            &format!("/api/v1/notifications/{}/read", unread[1].id),
            None,
        )
        .await;
    assert_eq!(someone_elses.status(), 404);
    let all = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/notifications/read-all",
            None,
        )
        .await;
    assert_eq!(all.status(), 204);
    let none: Vec<Notification> = app
        .get_ok_as(&dg, "/api/v1/notifications?unread=true")
        .await;
    assert!(none.is_empty());
}

#[tokio::test]
async fn indicators_and_budget_are_defined_by_the_dg_and_reported_through_proposals() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let pe18 = action_id(&app, "cpas-a", "Pe18").await;
    let me1 = action_id(&app, "cpas-a", "Me1").await;

    let response = app
        .send_as(Method::POST, Some(&dg), &format!("/api/v1/actions/{pe18}/indicators"),
            Some(&json!({ "name": "Participants aux activités du Pâchy", "unit": "personnes", "year": 2025, "baseline": 10, "target": 40 })))
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .send_as(Method::POST, Some(&dg), &format!("/api/v1/actions/{pe18}/budget-lines"),
            Some(&json!({ "year": 2025, "service": "ordinaire", "direction": "depense", "article": "84010/124-02", "planned_cents": 500_000, "funding_source": "PCS" })))
        .await;
    assert_eq!(response.status(), 201);
    let defined: ActionDetail = response.json().await.expect("detail");
    let indicator = defined.indicators[0].id;
    let line = defined.budget_lines[0].id;
    assert_eq!(defined.indicators[0].target, Some(40.0));
    assert_eq!(defined.budget_lines[0].planned_cents, 500_000);

    // Another action's indicator cannot be reported here.
    let other = app
        .send_as(
            Method::POST,
            Some(&dg),
            &format!("/api/v1/actions/{me1}/indicators"),
            Some(&json!({ "name": "Dossiers" })),
        )
        .await
        .json::<ActionDetail>()
        .await
        .expect("detail")
        .indicators[0]
        .id;
    let (status, foreign) = problem(
        propose(&app, &pcs, &pe18, json!({ "base_version": defined.action.version, "changes": { "indicators": [{ "id": other, "current_value": 3 }] } })).await,
    )
    .await;
    assert_eq!(
        (status, foreign.errors[0].field.as_str()),
        (422, "changes/indicators")
    );

    let proposal = created(
        propose(
            &app,
            &pcs,
            &pe18,
            json!({
                "base_version": defined.action.version,
                "changes": {
                    "progress": 50,
                    "indicators": [{ "id": indicator, "current_value": 25, "measured_at": "2025-06-30" }],
                    "budget_lines": [{ "id": line, "spent_cents": 120_000 }],
                },
            }),
        )
        .await,
    )
    .await;
    let fields: Vec<&str> = proposal.diff.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "progress".to_owned(),
            format!("indicator:{indicator}"),
            format!("budget_line:{line}")
        ]
    );
    assert_eq!(
        proposal.diff[1].before,
        json!({ "current_value": null, "measured_at": null })
    );
    assert_eq!(proposal.diff[2].proposed, json!(120_000));

    assert_eq!(
        decide(&app, &president, &proposal.id.to_string(), "approve", None)
            .await
            .status(),
        200
    );

    let after = detail(&app, &pcs, &pe18).await;
    assert_eq!(after.indicators[0].current_value, Some(25.0));
    assert_eq!(
        after.indicators[0]
            .measured_at
            .map(|d| d.to_string())
            .as_deref(),
        Some("2025-06-30")
    );
    assert_eq!(after.budget_lines[0].spent_cents, 120_000);
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    let recorded: Vec<&str> = history[0]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert_eq!(recorded.len(), 3, "{recorded:?}");
}
