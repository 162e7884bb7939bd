//! Tasks: the management gives dated work on actions and sub-actions to a person or an
//! organisation of the CPAS; the assignee closes it; reminders before and after the due
//! date; the tree counts them.

use api_types::{
    ActionDetail, JournalKind, Notification, PlanSummary, PlanTree, Problem, Task, TaskList,
};
use chrono::{Days, Utc};
use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_text as send;
use tests::{TestApp, spawn_app};

fn problem(text: &str) -> Problem {
    serde_json::from_str(text).expect("a problem")
}

/// The field errors of a 422, as `field code` lines.
fn fields(text: &str) -> Vec<String> {
    problem(text)
        .errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.code.as_str()))
        .collect()
}

/// Creates tasks as `token`; answers them.
async fn create(app: &TestApp, token: &str, tasks: Value) -> Vec<Task> {
    let (status, text) = send(
        app,
        token,
        Method::POST,
        "/api/v1/tasks",
        json!({ "tasks": tasks }),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    serde_json::from_str::<TaskList>(&text)
        .expect("tasks")
        .tasks
}

async fn patch(app: &TestApp, token: &str, task: &Task, body: Value) -> (u16, String) {
    send(
        app,
        token,
        Method::PATCH,
        &format!("/api/v1/tasks/{}", task.id),
        body,
    )
    .await
}

fn count_tasks(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM tasks")
        .get_result::<Count>(&mut app.connection())
        .expect("count")
        .n
}

struct Cpas {
    tree: PlanTree,
    pcs: String,
    defits: String,
    social_worker: String,
}

async fn cpas_a(app: &TestApp, dg: &str) -> Cpas {
    let tree = app.plan_of("cpas-a").await;
    let organisations: Vec<api_types::OrganisationSummary> =
        app.get_ok_as(dg, "/api/v1/organisations").await;
    let named = |name: &str| {
        organisations
            .iter()
            .find(|o| o.name.contains(name))
            .map(|o| o.id.to_string())
            .expect("organisation")
    };
    let users: Vec<api_types::User> = app.get_ok_as(dg, "/api/v1/users").await;
    let social_worker = users
        .iter()
        .find(|u| u.email == "social@cpas-a.example")
        .map(|u| u.id.to_string())
        .expect("social worker");
    Cpas {
        pcs: named("PCS"),
        defits: named("DEFITS"),
        social_worker,
        tree,
    }
}

fn id_of(tree: &PlanTree, code: &str) -> String {
    tree.action(code).expect(code).id.to_string()
}

#[tokio::test]
async fn the_dg_gives_tasks_in_a_batch_and_each_assignee_sees_and_closes_theirs() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let defits = app.token("defits@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let cpas = cpas_a(&app, &dg).await;
    let pe18 = id_of(&cpas.tree, "Pe18");
    let me1 = id_of(&cpas.tree, "Me1");
    // A step of Pe18: its tasks show on Pe18's list too.
    let (status, text) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/sub-actions"),
        json!({ "title": "Trouver un local" }),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let step: ActionDetail = serde_json::from_str(&text).expect("a sub-action");

    let created = create(
        &app,
        &dg,
        json!([
            { "action_id": pe18, "title": "Réserver la salle", "due_on": "2027-03-01",
              "assignee": { "kind": "organisation", "id": cpas.pcs } },
            { "action_id": step.action.id, "title": "Visiter le local", "due_on": "2027-02-01",
              "assignee": { "kind": "user", "id": cpas.social_worker } },
            { "action_id": me1, "title": "Relire la convention", "due_on": "2027-01-15" },
        ]),
    )
    .await;
    assert_eq!(created.len(), 3);
    assert_eq!(created[0].action.code, "Me1", "open tasks come by due date");
    assert!(
        created
            .iter()
            .all(|t| t.may_close && !t.overdue && t.done_at.is_none())
    );
    assert!(!created[0].created_by.display_name.is_empty());

    // Each assignee is told; nobody tells themself.
    let told: Vec<Notification> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, "task_assigned");
    assert_eq!(told[0].payload["task_title"], "Réserver la salle");
    let told: Vec<Notification> = app.get_ok_as(&social, "/api/v1/notifications").await;
    assert_eq!(told[0].kind, "task_assigned");
    let told: Vec<Notification> = app.get_ok_as(&defits, "/api/v1/notifications").await;
    assert!(told.is_empty());

    // "Mes tâches": the organisation's for the partner, the person's for the social worker.
    let mine: TaskList = app.get_ok_as(&pcs, "/api/v1/me/tasks").await;
    assert_eq!(titles(&mine), ["Réserver la salle"]);
    let mine: TaskList = app.get_ok_as(&social, "/api/v1/me/tasks").await;
    assert_eq!(titles(&mine), ["Visiter le local"]);
    assert!(
        mine.tasks[0].may_close,
        "the person it is given to closes it"
    );
    let mine: TaskList = app.get_ok_as(&defits, "/api/v1/me/tasks").await;
    assert!(mine.tasks.is_empty());

    // The action's list holds its steps' tasks; each says who may close it.
    let listed: TaskList = app
        .get_ok_as(&defits, &format!("/api/v1/actions/{pe18}/tasks"))
        .await;
    assert_eq!(titles(&listed), ["Visiter le local", "Réserver la salle"]);
    assert!(listed.tasks.iter().all(|t| !t.may_close));
    assert_eq!(listed.tasks[0].action.code, step.action.code);
    let plan: TaskList = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}/tasks", cpas.tree.id))
        .await;
    assert_eq!(plan.tasks.len(), 3);

    // The tree counts open tasks, still in six reads (after the CPAS's revision, read
    // twice before a cache holds the tree: see plan_tree.rs).
    let tree_response = app
        .get_as(&dg, &format!("/api/v1/plans/{}", cpas.tree.id))
        .await;
    let (statements, _) = tests::statement_counts(&tree_response);
    assert!(statements <= 8, "{statements} statements");
    let tree: PlanTree = tree_response.json().await.expect("tree");
    let pe18_node = tree.action("Pe18").expect("Pe18");
    assert_eq!(pe18_node.open_tasks, 1);
    assert_eq!(pe18_node.sub_actions[0].open_tasks, 1);

    // Another organisation's partner, or a social worker, does not close the PCS's task.
    let pcs_task = &created[2];
    assert_eq!(pcs_task.title, "Réserver la salle");
    // The assignee closes it, but changes nothing else.
    for (who, body) in [
        (&defits, json!({ "version": 1, "done": true })),
        (&social, json!({ "version": 1, "done": true })),
        (&pcs, json!({ "version": 1, "title": "Autre chose" })),
    ] {
        let (status, text) = patch(&app, who, pcs_task, body).await;
        assert_eq!(status, 403, "{text}");
    }
    let (status, text) = patch(&app, &pcs, pcs_task, json!({ "version": 1, "done": true })).await;
    assert_eq!(status, 200, "{text}");
    let done: Task = serde_json::from_str(&text).expect("a task");
    assert!(done.done_at.is_some());
    assert_eq!(
        done.done_by.as_ref().map(|p| p.organisation.as_deref()),
        Some(Some("Commune (PCS)"))
    );
    assert_eq!(done.version, 2);
    // An old version is refused.
    let (status, text) = patch(&app, &pcs, pcs_task, json!({ "version": 1, "done": false })).await;
    assert_eq!(status, 409, "{text}");
    assert_eq!(problem(&text).code.as_str(), "stale_version");

    // Done, it is in the action's journal, once.
    let detail: ActionDetail = app.get_ok_as(&dg, &format!("/api/v1/actions/{pe18}")).await;
    let entries: Vec<_> = detail
        .journal
        .iter()
        .filter(|e| e.kind == JournalKind::TaskDone)
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].body, "Réserver la salle");
    let (status, _) = patch(&app, &pcs, pcs_task, json!({ "version": 2, "done": true })).await;
    assert_eq!(status, 200, "done again: nothing new");
    let detail: ActionDetail = app.get_ok_as(&dg, &format!("/api/v1/actions/{pe18}")).await;
    assert_eq!(
        detail
            .journal
            .iter()
            .filter(|e| e.kind == JournalKind::TaskDone)
            .count(),
        1
    );
    let mine: TaskList = app.get_ok_as(&pcs, "/api/v1/me/tasks").await;
    assert!(mine.tasks.is_empty(), "done tasks leave the open list");
    let mine: TaskList = app.get_ok_as(&pcs, "/api/v1/me/tasks?status=done").await;
    assert_eq!(titles(&mine), ["Réserver la salle"]);

    // The DG reassigns two tasks in a batch, then deletes one.
    let (status, text) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/tasks/assignment",
        json!({ "task_ids": [created[0].id, created[1].id],
                "assignee": { "kind": "organisation", "id": cpas.defits } }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let mine: TaskList = app.get_ok_as(&defits, "/api/v1/me/tasks").await;
    assert_eq!(titles(&mine), ["Relire la convention", "Visiter le local"]);
    let told: Vec<Notification> = app.get_ok_as(&defits, "/api/v1/notifications").await;
    assert_eq!(told.len(), 2);
    let (status, _) = send(
        &app,
        &pcs,
        Method::DELETE,
        &format!("/api/v1/tasks/{}", created[0].id),
        json!(null),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/tasks/{}", created[0].id),
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(count_tasks(&app), 2);

    // Another CPAS sees none of it.
    let other = app.token("dg@paliseul.example").await;
    let response = app
        .get_as(&other, &format!("/api/v1/actions/{pe18}/tasks"))
        .await;
    assert_eq!(response.status(), 404);
    let (status, _) = patch(
        &app,
        &other,
        &created[1],
        json!({ "version": 2, "done": true }),
    )
    .await;
    assert_eq!(status, 404);
}

fn titles(list: &TaskList) -> Vec<&str> {
    list.tasks.iter().map(|t| t.title.as_str()).collect()
}

#[tokio::test]
async fn bad_tasks_are_refused_by_name_and_nothing_is_written() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let cpas = cpas_a(&app, &dg).await;
    let pe18 = id_of(&cpas.tree, "Pe18");
    // The plan's years: 2027 to 2030.
    let (status, text) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/plans/{}", cpas.tree.id),
        json!({ "version": cpas.tree.version, "start_year": 2027, "end_year": 2030 }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let other_dg = app.token("dg@paliseul.example").await;
    let other_users: Vec<api_types::User> = app.get_ok_as(&other_dg, "/api/v1/users").await;
    let foreigner = other_users[0].id;
    let other_plans: Vec<PlanSummary> = app.get_ok_as(&other_dg, "/api/v1/plans").await;
    let other_tree: PlanTree = app
        .get_ok_as(&other_dg, &format!("/api/v1/plans/{}", other_plans[0].id))
        .await;
    let foreign_action = other_tree.actions().next().expect("an action").id;

    let good = json!({ "action_id": pe18, "title": "Bonne tâche", "due_on": "2027-06-01" });
    let cases = [
        (
            json!({ "action_id": pe18, "title": "Trop tôt", "due_on": "2026-12-31" }),
            "tasks/1/due_on outside_plan_years",
        ),
        (
            json!({ "action_id": pe18, "title": "Trop tard", "due_on": "2031-01-01" }),
            "tasks/1/due_on outside_plan_years",
        ),
        (
            json!({ "action_id": pe18, "title": "Chez les autres", "due_on": "2027-06-01",
                    "assignee": { "kind": "user", "id": foreigner } }),
            "tasks/1/assignee unknown_assignee",
        ),
        (
            json!({ "action_id": foreign_action, "title": "Ailleurs", "due_on": "2027-06-01" }),
            "tasks/1/action_id unknown_reference",
        ),
        (
            json!({ "action_id": pe18, "title": "   ", "due_on": "2027-06-01" }),
            "tasks/1/title required",
        ),
        (
            json!({ "action_id": pe18, "title": "Date", "due_on": "2027-02-30" }),
            "tasks/1/due_on invalid_date",
        ),
    ];
    for (bad, expected) in cases {
        let (status, text) = send(
            &app,
            &dg,
            Method::POST,
            "/api/v1/tasks",
            json!({ "tasks": [good, bad] }),
        )
        .await;
        assert_eq!(status, 422, "{expected}: {text}");
        assert_eq!(fields(&text), [expected]);
        assert_eq!(count_tasks(&app), 0, "{expected}: nothing written");
    }
    for (tasks, expected) in [
        (json!([]), "tasks required"),
        (
            Value::Array(vec![good.clone(); api_types::TASKS_PER_BATCH_MAX + 1]),
            "tasks out_of_range",
        ),
    ] {
        let (status, text) = send(
            &app,
            &dg,
            Method::POST,
            "/api/v1/tasks",
            json!({ "tasks": tasks }),
        )
        .await;
        assert_eq!(status, 422, "{text}");
        assert_eq!(fields(&text), [expected]);
    }
    // A move out of the plan's years, or to another CPAS's organisation: refused.
    let task = create(&app, &dg, json!([good])).await.remove(0);
    let (status, text) = patch(
        &app,
        &dg,
        &task,
        json!({ "version": 1, "due_on": "2026-01-01" }),
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(fields(&text), ["due_on outside_plan_years"]);
    let other_organisations: Vec<api_types::OrganisationSummary> =
        app.get_ok_as(&other_dg, "/api/v1/organisations").await;
    let (status, text) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/tasks/assignment",
        json!({ "task_ids": [task.id],
                "assignee": { "kind": "organisation", "id": other_organisations[0].id } }),
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(fields(&text), ["assignee unknown_assignee"]);
    let (status, text) = patch(&app, &dg, &task, json!({ "version": 1 })).await;
    assert_eq!(status, 422, "{text}");
    let listed: TaskList = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{pe18}/tasks"))
        .await;
    assert_eq!(listed.tasks, [task], "unchanged");
}

#[tokio::test]
async fn assignees_are_reminded_once_before_the_due_date_and_once_after() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let cpas = cpas_a(&app, &dg).await;
    let pe18 = id_of(&cpas.tree, "Pe18");
    let today = Utc::now().date_naive();
    let soon = today.checked_add_days(Days::new(2)).expect("a date");
    let later = today.checked_add_days(Days::new(30)).expect("a date");
    let created = create(
        &app,
        &dg,
        json!([
            { "action_id": pe18, "title": "Bientôt", "due_on": soon.to_string(),
              "assignee": { "kind": "user", "id": cpas.social_worker } },
            { "action_id": pe18, "title": "Plus tard", "due_on": later.to_string(),
              "assignee": { "kind": "user", "id": cpas.social_worker } },
            { "action_id": pe18, "title": "À personne", "due_on": soon.to_string() },
        ]),
    )
    .await;
    let reminders = || backend::jobs::reminders::run_once(&mut app.connection()).expect("a pass");

    let first = reminders();
    assert_eq!((first.tasks_due_soon, first.tasks_overdue), (2, 0));
    let again = reminders();
    assert_eq!((again.tasks_due_soon, again.tasks_overdue), (0, 0), "once");
    // The unassigned task's reminder goes to its creator.
    let dg_inbox: Vec<Notification> = app.get_ok_as(&dg, "/api/v1/notifications").await;
    assert_eq!(kinds(&dg_inbox), ["task_due_soon"]);
    assert_eq!(dg_inbox[0].payload["task_title"], "À personne");

    // The due date passes.
    diesel::sql_query("UPDATE tasks SET due_on = due_on - 5 WHERE title = 'Bientôt'")
        .execute(&mut app.connection())
        .expect("moved");
    let overdue = reminders();
    assert_eq!((overdue.tasks_due_soon, overdue.tasks_overdue), (0, 1));
    assert_eq!(reminders().tasks_overdue, 0, "once");
    let inbox: Vec<Notification> = app.get_ok_as(&social, "/api/v1/notifications").await;
    assert_eq!(
        kinds(&inbox),
        [
            "task_overdue",
            "task_due_soon",
            "task_assigned",
            "task_assigned"
        ]
    );
    let mine: TaskList = app.get_ok_as(&social, "/api/v1/me/tasks").await;
    let late: Vec<bool> = mine.tasks.iter().map(|t| t.overdue).collect();
    assert_eq!(late, [true, false]);
    let tree: PlanTree = app.plan_of("cpas-a").await;
    assert_eq!(tree.action("Pe18").map(|a| a.overdue_tasks), Some(1));

    // A new due date is reminded afresh.
    let later_task = created
        .iter()
        .find(|t| t.title == "Plus tard")
        .expect("the later task");
    let (status, text) = patch(
        &app,
        &dg,
        later_task,
        json!({ "version": 1, "due_on": soon.to_string() }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let moved = reminders();
    assert_eq!(moved.tasks_due_soon, 1);
}

fn kinds(inbox: &[Notification]) -> Vec<&str> {
    inbox.iter().map(|n| n.kind.as_str()).collect()
}
