//! Reporting periods (issue 18.3): opening one asks each lead organisation for its actions;
//! the completion counts what was reported while it was open; the reminders before and
//! after the deadline go once each; the close freezes what the report and the exports
//! show, which a later approval does not change; indicators keep their values by period.

use std::collections::BTreeMap;

use api_types::{
    ActionStatus, IndicatorHistory, Notification, PeriodCompletion, PlanTree, ReportingPeriod,
    ReportingSettings,
};
use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::{TestApp, spawn_app};

const DG: &str = "dg@cpas-a.example";
const PCS: &str = "pcs@cpas-a.example";

async fn open_period(app: &TestApp, dg: &str, plan: uuid::Uuid, label: &str) -> ReportingPeriod {
    let (status, body) = send(
        app,
        dg,
        Method::POST,
        &format!("/api/v1/plans/{plan}/periods"),
        json!({ "label": label, "starts_on": "2027-01-01", "ends_on": "2027-03-31",
                "deadline": "2027-04-15" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).expect("a period")
}

/// Asks `token`'s account to open a period of `plan` from 1 April 2027 to `ends_on`.
async fn try_open(
    app: &TestApp,
    token: &str,
    plan: uuid::Uuid,
    label: &str,
    ends_on: &str,
) -> (u16, Value) {
    send(
        app,
        token,
        Method::POST,
        &format!("/api/v1/plans/{plan}/periods"),
        json!({ "label": label, "starts_on": "2027-04-01", "ends_on": ends_on,
                "deadline": "2027-07-15" }),
    )
    .await
}

async fn close_period(app: &TestApp, dg: &str, period: uuid::Uuid) -> (u16, Value) {
    send(
        app,
        dg,
        Method::POST,
        &format!("/api/v1/periods/{period}/close"),
        Value::Null,
    )
    .await
}

/// Sets Pe18's progress directly (the DG), against its current version.
async fn edit_progress(app: &TestApp, dg: &str, action: uuid::Uuid, progress: i16) {
    let detail: api_types::ActionDetail = app
        .get_ok_as(dg, &format!("/api/v1/actions/{action}"))
        .await;
    let (status, body) = send(
        app,
        dg,
        Method::PATCH,
        &format!("/api/v1/actions/{action}"),
        json!({ "version": detail.action.version, "changes": { "progress": progress } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// The actions a period should ask for, counted from the tree by lead organisation name
/// (`None`: no lead): live actions neither done nor abandoned.
fn expected_due(tree: &PlanTree) -> BTreeMap<Option<String>, i64> {
    let mut due = BTreeMap::new();
    for action in tree.actions().filter(|a| {
        !matches!(
            a.status,
            ActionStatus::Termine | ActionStatus::AnnuleAbandonne
        )
    }) {
        *due.entry(action.lead.as_ref().map(|o| o.name.clone()))
            .or_insert(0) += 1;
    }
    due
}

#[tokio::test]
async fn opening_a_period_asks_each_lead_organisation_and_completion_counts_what_is_reported() {
    let app = spawn_app().await;
    let (dg, pcs) = (app.token(DG).await, app.token(PCS).await);
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id;

    let period = open_period(&app, &dg, tree.id, "T1 2027").await;

    // Every live action not done nor abandoned is asked for, by its lead organisation.
    let expected = expected_due(&tree);
    assert_eq!(period.completion.due, expected.values().sum::<i64>());
    assert_eq!(period.completion.reported, 0);
    let completion: PeriodCompletion = app
        .get_ok_as(&pcs, &format!("/api/v1/periods/{}", period.id))
        .await;
    let counted: BTreeMap<Option<String>, i64> = completion
        .organisations
        .iter()
        .map(|share| {
            (
                share.organisation.as_ref().map(|o| o.name.clone()),
                share.completion.due,
            )
        })
        .collect();
    assert_eq!(counted, expected);
    assert_eq!(completion.actions.len() as i64, period.completion.due);
    assert!(
        !completion.period.may_manage,
        "a partner reads, the DG manages"
    );

    // The partner is asked, once, for the actions its organisation leads.
    let inbox: Vec<Notification> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
    let asked: Vec<&Notification> = inbox.iter().filter(|n| n.kind == "period_opened").collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].payload["period_label"], "T1 2027");
    let listed: Vec<&str> = asked[0].payload["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    let led: Vec<&str> = completion
        .actions
        .iter()
        .filter(|a| {
            a.organisation.as_ref().is_some_and(|o| {
                o.name
                    == tree
                        .action("Pe18")
                        .and_then(|a| a.lead.as_ref())
                        .expect("a lead")
                        .name
            })
        })
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(listed, led);
    assert!(listed.contains(&"Pe18"));

    // A proposal waits for approval; approved, the action is reported.
    let detail: api_types::ActionDetail = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}"))
        .await;
    let (status, proposal) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": detail.action.version, "changes": { "progress": 40 } }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let waiting: PeriodCompletion = app
        .get_ok_as(&dg, &format!("/api/v1/periods/{}", period.id))
        .await;
    assert_eq!(
        (
            waiting.period.completion.reported,
            waiting.period.completion.awaiting_approval
        ),
        (0, 1)
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
    let after: PeriodCompletion = app
        .get_ok_as(&dg, &format!("/api/v1/periods/{}", period.id))
        .await;
    assert_eq!(
        (
            after.period.completion.reported,
            after.period.completion.awaiting_approval
        ),
        (1, 0)
    );
    let reported: Vec<&str> = after
        .actions
        .iter()
        .filter(|a| a.reported_at.is_some())
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(reported, ["Pe18"]);
    // The totals are the sum of the organisations' shares.
    let sum = |f: fn(&api_types::Completion) -> i64| -> i64 {
        after.organisations.iter().map(|s| f(&s.completion)).sum()
    };
    assert_eq!(sum(|c| c.due), after.period.completion.due);
    assert_eq!(sum(|c| c.reported), after.period.completion.reported);

    // One open period at a time; the partner may not open one; labels are unique.
    let (status, body) = try_open(&app, &dg, tree.id, "T2 2027", "2027-06-30").await;
    assert_eq!(
        (status, &body["code"]),
        (409, &json!("period_already_open")),
        "{body}"
    );
    let (status, _) = try_open(&app, &pcs, tree.id, "T2 2027", "2027-06-30").await;
    assert_eq!(status, 403);
    assert_eq!(close_period(&app, &dg, period.id).await.0, 200);
    let (status, body) = try_open(&app, &dg, tree.id, "T1 2027", "2027-06-30").await;
    assert_eq!(
        (status, &body["code"]),
        (409, &json!("name_taken")),
        "{body}"
    );
    let (status, body) = try_open(&app, &dg, tree.id, "T2 2027", "2027-03-31").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "ends_on");
    assert_eq!(body["errors"][0]["code"], "before_start");

    // Another CPAS does not see it.
    let other = app.token("dg@paliseul.example").await;
    let response = app
        .get_as(&other, &format!("/api/v1/periods/{}", period.id))
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_reminders_before_and_after_the_deadline_go_once_each_to_who_has_not_reported() {
    let app = spawn_app().await;
    let (dg, pcs) = (app.token(DG).await, app.token(PCS).await);
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id;
    let period = open_period(&app, &dg, tree.id, "T1 2027").await;
    edit_progress(&app, &dg, pe18, 30).await;
    let reminders = |app: &TestApp| {
        backend::jobs::reminders::run_once(&mut app.connection()).expect("reminders run")
    };
    let period_reminders = async |app: &TestApp| -> Vec<Notification> {
        let inbox: Vec<Notification> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
        inbox
            .into_iter()
            .filter(|n| n.kind == "period_reminder")
            .collect()
    };
    let set_dates = |app: &TestApp, deadline_in_days: i32| {
        diesel::sql_query(format!(
            "UPDATE reporting_periods SET opened_at = now() - interval '60 days',
                    starts_on = pst_today() - 120, ends_on = pst_today() - 30,
                    deadline = pst_today() + {deadline_in_days}
             WHERE id = '{}'",
            period.id
        ))
        .execute(&mut app.connection())
        .expect("dated");
    };

    // Far from the deadline: nothing.
    set_dates(&app, 30);
    assert_eq!(reminders(&app).periods_reminded, 0);
    assert!(period_reminders(&app).await.is_empty());

    // Seven days before (the default), once.
    set_dates(&app, 5);
    assert_eq!(reminders(&app).periods_reminded, 1);
    assert_eq!(reminders(&app).periods_reminded, 0, "not twice");
    let before = period_reminders(&app).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].payload["when"], "before");
    let listed: Vec<&str> = before[0].payload["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    assert!(!listed.is_empty());
    assert!(!listed.contains(&"Pe18"), "Pe18 was reported: {listed:?}");

    // Not yet three days after the deadline (the default); then once.
    set_dates(&app, -2);
    assert_eq!(reminders(&app).periods_reminded, 0);
    set_dates(&app, -3);
    assert_eq!(reminders(&app).periods_reminded, 1);
    assert_eq!(reminders(&app).periods_reminded, 0, "not twice");
    let all = period_reminders(&app).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].payload["when"], "after", "newest first");

    // The CPAS's settings: the DG sets them, within 0–60 days.
    let (status, body) = send(
        &app,
        &dg,
        Method::PUT,
        "/api/v1/reporting-settings",
        json!({ "reminder_days_before": 61, "reminder_days_after": 0 }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "reminder_days_before");
    let (status, _) = send(
        &app,
        &pcs,
        Method::PUT,
        "/api/v1/reporting-settings",
        json!({ "reminder_days_before": 14, "reminder_days_after": 0 }),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(
        &app,
        &dg,
        Method::PUT,
        "/api/v1/reporting-settings",
        json!({ "reminder_days_before": 14, "reminder_days_after": 0 }),
    )
    .await;
    assert_eq!(status, 200);
    let settings: ReportingSettings = app.get_ok_as(&pcs, "/api/v1/reporting-settings").await;
    assert_eq!(
        (settings.reminder_days_before, settings.reminder_days_after),
        (14, 0)
    );
}

/// The progress of `code` in the plan's CSV export (`query` after `format=csv`).
async fn exported_progress(
    app: &TestApp,
    token: &str,
    plan: uuid::Uuid,
    query: &str,
    code: &str,
) -> String {
    let response = app
        .get_as(
            token,
            &format!("/api/v1/plans/{plan}/export?format=csv{query}"),
        )
        .await;
    assert_eq!(response.status(), 200);
    let csv = response.text().await.expect("csv");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().expect("a header").split(';').collect();
    let code_at = header
        .iter()
        .position(|h| *h == "code")
        .expect("a code column");
    let progress_at = header
        .iter()
        .position(|h| h.starts_with("avancement"))
        .expect("a progress column");
    lines
        .map(|line| line.split(';').collect::<Vec<_>>())
        .find(|cells| cells.get(code_at) == Some(&code))
        .and_then(|cells| cells.get(progress_at).map(|c| (*c).to_owned()))
        .expect("the action's row")
}

#[tokio::test]
async fn closing_freezes_what_the_report_and_the_exports_show_and_a_later_approval_changes_neither()
{
    let app = spawn_app().await;
    let (dg, pcs) = (app.token(DG).await, app.token(PCS).await);
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id;
    let (status, defined) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/indicators"),
        json!({ "name": "Participants", "unit": "personnes", "target": 40 }),
    )
    .await;
    assert_eq!(status, 201, "{defined}");
    let indicator = defined["indicators"][0]["id"].clone();
    let set_indicator = async |value: i32| {
        let detail: api_types::ActionDetail =
            app.get_ok_as(&dg, &format!("/api/v1/actions/{pe18}")).await;
        let (status, body) = send(
            &app,
            &dg,
            Method::PATCH,
            &format!("/api/v1/actions/{pe18}"),
            json!({ "version": detail.action.version,
                    "changes": { "indicators": [{ "id": indicator, "current_value": value }] } }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    };

    let first = open_period(&app, &dg, tree.id, "T1 2027").await;
    edit_progress(&app, &dg, pe18, 40).await;
    set_indicator(12).await;
    // An open period has no figures kept yet.
    let (status, body) = send(
        &app,
        &dg,
        Method::GET,
        &format!("/api/v1/plans/{}/report?period={}", tree.id, first.id),
        Value::Null,
    )
    .await;
    assert_eq!((status, &body["code"]), (409, &json!("period_not_closed")));
    let (status, closed) = close_period(&app, &dg, first.id).await;
    assert_eq!(status, 200, "{closed}");
    assert!(closed["closed_at"].is_string());
    let (status, again) = close_period(&app, &dg, first.id).await;
    assert_eq!((status, &again["code"]), (409, &json!("period_closed")));
    let frozen: PeriodCompletion = app
        .get_ok_as(&dg, &format!("/api/v1/periods/{}", first.id))
        .await;

    // Later: the partner proposes 70 %, the DG approves it.
    let detail: api_types::ActionDetail = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}"))
        .await;
    let (status, proposal) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": detail.action.version, "changes": { "progress": 70 } }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
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

    // The period's exports and report keep 40 %; now says 70 %; the completion is as closed.
    let as_at = format!("&period={}", first.id);
    assert_eq!(
        exported_progress(&app, &dg, tree.id, &as_at, "Pe18").await,
        "40"
    );
    assert_eq!(
        exported_progress(&app, &dg, tree.id, "", "Pe18").await,
        "70"
    );
    let report = app
        .get_as(
            &dg,
            &format!("/api/v1/plans/{}/report?period={}", tree.id, first.id),
        )
        .await;
    assert_eq!(report.status(), 200);
    let html = report.text().await.expect("html");
    assert!(
        html.contains("31/03/2027"),
        "the report is as at the period's end"
    );
    let xlsx = app
        .get_as(
            &dg,
            &format!("/api/v1/plans/{}/export?format=xlsx{as_at}", tree.id),
        )
        .await;
    assert_eq!(xlsx.status(), 200);
    let still: PeriodCompletion = app
        .get_ok_as(&dg, &format!("/api/v1/periods/{}", first.id))
        .await;
    assert_eq!(still, frozen);

    // The approval after the close belongs to the next period.
    let second = open_period(&app, &dg, tree.id, "T2 2027").await;
    set_indicator(35).await;
    assert_eq!(close_period(&app, &dg, second.id).await.0, 200);
    let history: IndicatorHistory = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}/indicator-history"))
        .await;
    let labels: Vec<&str> = history.periods.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["T1 2027", "T2 2027"]);
    assert_eq!(history.indicators.len(), 1);
    assert_eq!(history.indicators[0].values, [Some(12.0), Some(35.0)]);

    // A period of another plan is not this plan's.
    let other_tree: PlanTree = app.plan_of("paliseul").await;
    let response = app
        .get_as(
            &app.token("dg@paliseul.example").await,
            &format!("/api/v1/plans/{}/report?period={}", other_tree.id, first.id),
        )
        .await;
    assert_eq!(response.status(), 404);
}
