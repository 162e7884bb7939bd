//! Discussions (issue 18.1): comments on actions and sub-actions, mentions (told; someone
//! outside the CPAS refused), the 15-minute edit window, deletion by the author (a trace
//! stays), the DG's hiding with a reason; another CPAS sees nothing.

use api_types::{Comment, CommentList, Notification, User};
use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::json;
use tests::send_json as send;
use tests::{TestApp, spawn_app};

async fn id_of(app: &TestApp, token: &str) -> uuid::Uuid {
    app.get_ok_as::<User>(token, "/api/v1/me").await.id
}

async fn pe18(app: &TestApp) -> uuid::Uuid {
    app.plan_of("cpas-a")
        .await
        .actions()
        .find(|a| a.code == "Pe18")
        .expect("Pe18")
        .id
}

#[tokio::test]
async fn a_partner_comments_and_the_person_mentioned_is_told() {
    let app = spawn_app().await;
    let action = pe18(&app).await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;
    let dg_id = id_of(&app, &dg).await;
    let path = format!("/api/v1/actions/{action}/comments");

    // The people a comment may mention: the CPAS's, not the platform's administrator.
    let list: CommentList = app.get_ok_as(&pcs, &path).await;
    assert!(list.comments.is_empty());
    assert!(list.mentionable.iter().any(|p| p.id == dg_id));
    assert!(
        list.mentionable
            .iter()
            .all(|p| p.display_name != "Administration de la plateforme")
    );

    let (status, body) = send(
        &app,
        &pcs,
        Method::POST,
        &path,
        json!({ "body": "  Réunion tenue avec le PCS le 3/12, compte rendu : https://example.org/cr  ", "mentions": [dg_id, dg_id] }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let comment: Comment = serde_json::from_value(body).expect("a comment");
    assert_eq!(
        comment.body.as_deref(),
        Some("Réunion tenue avec le PCS le 3/12, compte rendu : https://example.org/cr")
    );
    assert_eq!(comment.mentions.len(), 1, "each person once");
    assert_eq!(
        comment.author.organisation.as_deref(),
        Some("Commune (PCS)")
    );
    assert!(comment.may_edit && comment.may_delete && !comment.may_hide);

    // The DG is told, once; the author is not told of their own mention.
    let told: Vec<Notification> = app.get_ok_as(&dg, "/api/v1/notifications").await;
    let mentions: Vec<_> = told
        .iter()
        .filter(|n| n.kind == "comment_mention")
        .collect();
    assert_eq!(mentions.len(), 1, "{told:?}");
    assert_eq!(mentions[0].payload["action_code"], "Pe18");
    assert_eq!(mentions[0].payload["action_id"], json!(action));
    let pcs_told: Vec<Notification> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
    assert!(pcs_told.iter().all(|n| n.kind != "comment_mention"));

    // Everyone of the CPAS reads it; the DG may hide it, the social worker may not edit.
    let social = app.token("social@cpas-a.example").await;
    let seen: CommentList = app.get_ok_as(&social, &path).await;
    assert_eq!(seen.comments.len(), 1);
    assert!(!seen.comments[0].may_edit && !seen.comments[0].may_delete);
    let seen: CommentList = app.get_ok_as(&dg, &path).await;
    assert!(seen.comments[0].may_hide);

    // A mention of someone outside the CPAS (Paliseul's DG, the platform's administrator)
    // is refused by its index; nothing is written.
    let stranger = id_of(&app, &app.token("dg@paliseul.example").await).await;
    let admin = id_of(&app, &app.token("admin@pst.example").await).await;
    for person in [stranger, admin] {
        let (status, problem) = send(
            &app,
            &pcs,
            Method::POST,
            &path,
            json!({ "body": "Qui ?", "mentions": [dg_id, person] }),
        )
        .await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "mentions/1", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "unknown_reference");
    }
    // Bad words are named.
    for body in [
        json!({ "body": "   " }),
        json!({ "body": "x".repeat(5001) }),
    ] {
        let (status, problem) = send(&app, &pcs, Method::POST, &path, body).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "body", "{problem}");
    }
    let list: CommentList = app.get_ok_as(&pcs, &path).await;
    assert_eq!(list.comments.len(), 1, "nothing written");

    // Another CPAS's people do not find the action, nor the comment.
    let other = app.token("dg@paliseul.example").await;
    let (status, _) = send(&app, &other, Method::GET, &path, json!(null)).await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &other,
        Method::DELETE,
        &format!("/api/v1/comments/{}", comment.id),
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn its_author_edits_within_15_minutes_deletes_and_the_dg_hides() {
    let app = spawn_app().await;
    let action = pe18(&app).await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let social_id = id_of(&app, &social).await;
    let path = format!("/api/v1/actions/{action}/comments");
    let post = |token: String, text: &'static str| {
        let (app, path) = (&app, path.clone());
        async move {
            let (status, body) =
                send(app, &token, Method::POST, &path, json!({ "body": text })).await;
            assert_eq!(status, 201, "{body}");
            serde_json::from_value::<Comment>(body).expect("a comment")
        }
    };
    let first = post(pcs.clone(), "Première version").await;
    let one = format!("/api/v1/comments/{}", first.id);

    // Its author changes it, and mentions someone: they are told.
    let (status, body) = send(
        &app,
        &pcs,
        Method::PATCH,
        &one,
        json!({ "version": first.version, "body": "Version corrigée", "mentions": [social_id] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let edited: Comment = serde_json::from_value(body).expect("a comment");
    assert_eq!(edited.body.as_deref(), Some("Version corrigée"));
    assert!(edited.edited_at.is_some());
    let told: Vec<Notification> = app.get_ok_as(&social, "/api/v1/notifications").await;
    assert_eq!(
        told.iter().filter(|n| n.kind == "comment_mention").count(),
        1
    );
    // Someone else may not; an old version is stale.
    let (status, _) = send(
        &app,
        &dg,
        Method::PATCH,
        &one,
        json!({ "version": edited.version, "body": "Non" }),
    )
    .await;
    assert_eq!(status, 403);
    let (status, problem) = send(
        &app,
        &pcs,
        Method::PATCH,
        &one,
        json!({ "version": first.version, "body": "Encore" }),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("stale_version"))
    );

    // Sixteen minutes later, the window is closed.
    let mut conn = app.connection();
    diesel::sql_query(format!(
        "UPDATE comments SET created_at = now() - interval '16 minutes' WHERE id = '{}'",
        first.id
    ))
    .execute(&mut conn)
    .expect("an older comment");
    let list: CommentList = app.get_ok_as(&pcs, &path).await;
    assert!(!list.comments[0].may_edit && list.comments[0].may_delete);
    let (status, problem) = send(
        &app,
        &pcs,
        Method::PATCH,
        &one,
        json!({ "version": edited.version, "body": "Trop tard" }),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("edit_window_closed")),
        "{problem}"
    );

    // The DG hides another comment with a reason: its words are gone from the discussion.
    let second = post(social.clone(), "Un propos déplacé").await;
    let (status, problem) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/comments/{}/hide", second.id),
        json!({ "reason": "Non" }),
    )
    .await;
    assert_eq!(status, 403, "{problem}");
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/comments/{}/hide", second.id),
        json!({ "reason": "Propos sans rapport avec l’action" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let hidden: Comment = serde_json::from_value(body).expect("a comment");
    assert_eq!(hidden.body, None);
    let hiding = hidden.hidden.expect("hidden");
    assert_eq!(hiding.reason, "Propos sans rapport avec l’action");
    assert!(!hidden.may_hide);

    // Its author deletes the first: a trace stays, without words or mentions.
    let (status, _) = send(&app, &pcs, Method::DELETE, &one, json!(null)).await;
    assert_eq!(status, 204);
    let list: CommentList = app.get_ok_as(&social, &path).await;
    assert_eq!(list.comments.len(), 2, "{list:?}");
    let trace = &list.comments[0];
    assert!(trace.deleted_at.is_some() && trace.body.is_none() && trace.mentions.is_empty());
    assert_eq!(list.comments[1].body, None, "hidden");
    assert!(list.comments[1].hidden.is_some());
}

/// A sub-action's comments are read with its action's discussion.
#[tokio::test]
async fn a_steps_comments_are_in_its_actions_discussion() {
    let app = spawn_app().await;
    let action = pe18(&app).await;
    let dg = app.token("dg@cpas-a.example").await;
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{action}/sub-actions"),
        json!({ "title": "Préparer la salle" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let step = body["action"]["id"].as_str().expect("a step").to_owned();
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{step}/comments"),
        json!({ "body": "La salle est réservée." }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let list: CommentList = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{action}/comments"))
        .await;
    assert_eq!(list.comments.len(), 1);
    assert_eq!(list.comments[0].action_id.to_string(), step);
}

/// An action with a discussion is not deleted (its comments would go with it): it is
/// archived.
#[tokio::test]
async fn an_action_with_a_discussion_is_archived_not_deleted() {
    let app = spawn_app().await;
    let tree = app.plan_of("cpas-a").await;
    let dg = app.token("dg@cpas-a.example").await;
    let oo = tree.objectives[0].operational_objectives[0].id;
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "Pe99", "kind": "projet", "title": "Une action à discuter" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let action = body["action"]["id"].as_str().expect("an action").to_owned();
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{action}/comments"),
        json!({ "body": "À discuter au prochain comité." }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let response = app
        .send_as(
            Method::DELETE,
            Some(&dg),
            &format!("/api/v1/actions/{action}"),
            None,
        )
        .await;
    assert_eq!(response.status(), 409);
    let problem: serde_json::Value = response.json().await.expect("a problem");
    assert_eq!(problem["code"], "has_history", "{problem}");
}
