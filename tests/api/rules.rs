//! The rules of the follow-up are defined once (SQL functions of migration `…_rules`) on
//! the Belgian calendar: the tree, the actions list, the summary and the report agree on
//! which action is late, whatever the hour, including the last hour of a UTC day when
//! Brussels is already on the next one.

use std::collections::BTreeSet;

use api_types::{ActionPage, PlanStats, PlanTree};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Bool, Date, Text, Timestamptz};
use diesel::{QueryableByName, RunQueryDsl};
use tests::spawn_app;

/// Three actions of CPAS A's plan due around today in Brussels, every other one without a
/// planned end: `Me1` ended yesterday (late), `Me2` ends today (not late yet), `Me3` ended
/// yesterday but is done (never late).
const ARRANGE: &str = "
    UPDATE actions SET planned_end = NULL, actual_end = NULL
     WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'cpas-a');
    UPDATE actions SET planned_end = pst_today() - 1, status = 'en_cours'
     WHERE code = 'Me1' AND tenant_id = (SELECT id FROM tenants WHERE slug = 'cpas-a');
    UPDATE actions SET planned_end = pst_today(), status = 'en_cours'
     WHERE code = 'Me2' AND tenant_id = (SELECT id FROM tenants WHERE slug = 'cpas-a');
    UPDATE actions SET planned_end = pst_today() - 1, status = 'termine'
     WHERE code = 'Me3' AND tenant_id = (SELECT id FROM tenants WHERE slug = 'cpas-a');";

#[tokio::test]
async fn the_tree_the_list_the_summary_and_the_report_agree_on_which_actions_are_late() {
    // Arrange
    let app = spawn_app().await;
    let president = app.token("president@cpas-a.example").await;
    let plan = app.plan_of("cpas-a").await.id;
    diesel::connection::SimpleConnection::batch_execute(&mut app.connection(), ARRANGE)
        .expect("SQL arrangement");

    // Act
    let tree: PlanTree = app
        .get_ok_as(&president, &format!("/api/v1/plans/{plan}"))
        .await;
    let list: ActionPage = app
        .get_ok_as(
            &president,
            &format!("/api/v1/actions?plan_id={plan}&late=true&per_page=200"),
        )
        .await;
    let summary: PlanStats = app
        .get_ok_as(&president, &format!("/api/v1/plans/{plan}/summary"))
        .await;
    let report = app
        .get_as(&president, &format!("/api/v1/plans/{plan}/report"))
        .await;
    assert_eq!(report.status(), 200);
    let report = report.text().await.expect("the report's HTML");

    // Assert
    let late_in_tree: BTreeSet<&str> = tree
        .actions()
        .filter(|a| a.late)
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(late_in_tree, BTreeSet::from(["Me1"]), "the tree");
    let late_in_list: BTreeSet<&str> = list.items.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(late_in_list, late_in_tree, "the list");
    assert_eq!(summary.total.late, 1, "the summary");
    assert_eq!(
        tree.objectives.iter().map(|os| os.rollup.late).sum::<i64>(),
        summary.total.late,
        "the tree's roll-ups"
    );
    let late_section = report
        .split("<h2>Actions en retard</h2>")
        .nth(1)
        .and_then(|rest| rest.split("<h2>").next())
        .expect("the report lists the late actions");
    assert!(
        late_section.contains("<strong>Me1</strong>")
            && !late_section.contains("<strong>Me2</strong>")
            && !late_section.contains("<strong>Me3</strong>"),
        "the report: {late_section}"
    );
    assert!(report.contains(", 1 en retard."), "the report's synthesis");
    // The tree names the day its flags are of: the timeline draws "today" there.
    assert_eq!(
        tree.as_of,
        Some(belgian_today(&mut app.connection())),
        "the tree's day"
    );
}

/// `pst_today()`: today in Brussels, as the database reads it.
fn belgian_today(conn: &mut diesel::PgConnection) -> NaiveDate {
    #[derive(QueryableByName)]
    struct Today {
        #[diesel(sql_type = Date)]
        today: NaiveDate,
    }
    diesel::sql_query("SELECT pst_today() AS today")
        .get_result::<Today>(conn)
        .expect("the database answers")
        .today
}

#[derive(QueryableByName)]
struct Late {
    #[diesel(sql_type = Bool)]
    late: bool,
    #[diesel(sql_type = Timestamptz)]
    next_day: DateTime<Utc>,
}

/// `late` of an action due `planned_end` with `status`, and when the next Belgian day
/// starts, at the instant `at`.
fn late_at(
    conn: &mut diesel::PgConnection,
    planned_end: &str,
    status: &str,
    at: &str,
) -> (bool, DateTime<Utc>) {
    let row: Late = diesel::sql_query(
        "SELECT pst_action_is_late($1, $2, $3) AS late, pst_next_day_start($3) AS next_day",
    )
    .bind::<Date, _>(planned_end.parse::<NaiveDate>().expect("a date"))
    .bind::<Text, _>(status)
    .bind::<Timestamptz, _>(at.parse::<DateTime<Utc>>().expect("an instant"))
    .get_result(conn)
    .expect("the rule answers");
    (row.late, row.next_day)
}

#[test]
fn at_23_30_utc_on_the_last_day_of_a_planned_end_the_action_is_late_in_brussels() {
    fn instant(text: &str) -> DateTime<Utc> {
        text.parse().expect("an instant")
    }
    let conn =
        &mut <diesel::PgConnection as diesel::Connection>::establish(&tests::fresh_database())
            .expect("the test database answers");
    // Summer (UTC+2): 21:30 UTC is 23:30 in Brussels, still the last day; 23:30 UTC is
    // already the next day there.
    assert_eq!(
        late_at(conn, "2026-06-30", "en_cours", "2026-06-30T21:30:00Z"),
        (false, instant("2026-06-30T22:00:00Z"))
    );
    assert_eq!(
        late_at(conn, "2026-06-30", "en_cours", "2026-06-30T23:30:00Z"),
        (true, instant("2026-07-01T22:00:00Z"))
    );
    // Winter (UTC+1): the same at 22:30 and 23:30 UTC.
    assert_eq!(
        late_at(conn, "2026-01-31", "probleme", "2026-01-31T22:30:00Z"),
        (false, instant("2026-01-31T23:00:00Z"))
    );
    assert_eq!(
        late_at(conn, "2026-01-31", "probleme", "2026-01-31T23:30:00Z"),
        (true, instant("2026-02-01T23:00:00Z"))
    );
    // Closed actions are never late.
    for status in ["termine", "annule_abandonne"] {
        assert!(!late_at(conn, "2026-01-31", status, "2026-03-01T12:00:00Z").0);
    }
    // The tree's cache keeps its flags until the next Belgian day at the latest: Rust
    // takes the database's instant, it does not compute its own.
    let (_, next_day) = late_at(conn, "2026-06-30", "en_cours", "2026-06-30T21:30:00Z");
    assert_eq!(
        backend::db::rules::next_change([], next_day, instant("2026-06-30T21:30:00Z")),
        next_day
    );
}

#[test]
fn every_pooled_connection_reads_dates_in_brussels() {
    #[derive(QueryableByName)]
    struct Zone {
        #[diesel(sql_type = Text)]
        zone: String,
        #[diesel(sql_type = Bool)]
        agrees: bool,
    }
    let pool = backend::db::build_pool(
        &tests::fresh_database(),
        &backend::db::PoolOptions {
            max_size: 2,
            acquire_timeout: std::time::Duration::from_secs(10),
        },
    );
    let mut conn = pool.get().expect("a pooled connection");
    let zone: Zone = diesel::sql_query(
        "SELECT current_setting('TimeZone') AS zone, current_date = pst_today() AS agrees",
    )
    .get_result(&mut conn)
    .expect("the session answers");
    assert_eq!(zone.zone, backend::domain::calendar::TIME_ZONE.name());
    assert!(zone.agrees, "current_date is the Belgian day");
}

#[test]
fn rust_and_sql_agree_on_the_belgian_day_of_an_instant() {
    #[derive(QueryableByName)]
    struct Day {
        #[diesel(sql_type = Date)]
        day: NaiveDate,
    }
    let conn =
        &mut <diesel::PgConnection as diesel::Connection>::establish(&tests::fresh_database())
            .expect("the test database answers");
    for at in [
        "2026-06-30T21:30:00Z",
        "2026-06-30T23:30:00Z",
        "2026-01-31T22:30:00Z",
        "2026-01-31T23:30:00Z",
        "2026-03-29T00:30:00Z",
        "2026-03-29T01:30:00Z",
        "2026-10-25T00:30:00Z",
        "2026-10-25T01:30:00Z",
    ] {
        let instant: DateTime<Utc> = at.parse().expect("an instant");
        let sql: Day = diesel::sql_query("SELECT pst_day($1) AS day")
            .bind::<Timestamptz, _>(instant)
            .get_result(conn)
            .expect("the rule answers");
        assert_eq!(backend::domain::calendar::day_of(instant), sql.day, "{at}");
    }
}

/// Accent folding has two definitions by necessity: `pst_fold` in SQL (it indexes the
/// stored texts for the search) and `api_types::fold` in Rust (the web app filters the tree
/// it holds, the import reads headers and labels). Both read every title and name of the
/// two demo plans, the letters of French, Dutch and German and their typography the same
/// way.
#[tokio::test]
async fn sql_and_rust_fold_the_demo_plans_texts_the_same_way() {
    #[derive(QueryableByName)]
    struct Folded {
        #[diesel(sql_type = Text)]
        text: String,
        #[diesel(sql_type = Text)]
        folded: String,
    }

    let app = spawn_app().await;
    let mut conn = app.connection();
    let letters =
        "ÀÂÄÁÃÅàâäáãå ÉÈÊËéèêë ÎÏÍÌîïíì ÔÖÓÒÕØôöóòõø ÙÛÜÚùûüú ŸÝÿý Çç Ññ Œœ Ææ ß ’‘ “” –— … « »";
    let rows: Vec<Folded> = diesel::sql_query(
        "SELECT text, pst_fold(text) AS folded FROM (
             SELECT title AS text FROM actions
             UNION SELECT title FROM objectives
             UNION SELECT name FROM organisations
             UNION SELECT $1) AS texts",
    )
    .bind::<Text, _>(letters)
    .load(&mut conn)
    .expect("folded texts");
    assert!(rows.len() > 50, "the demo plans' texts: {}", rows.len());
    for Folded { text, folded } in rows {
        assert_eq!(api_types::fold(&text), folded, "{text}");
    }
}
