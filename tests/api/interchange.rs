//! Plans out to CSV and Excel, and in again: the interchange format.

use std::io::Cursor;

use api_types::{PlanSummary, PlanTree};
use calamine::{Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{PASSWORD, TestApp, spawn_app};

/// A DG in a new, empty CPAS.
async fn empty_tenant(app: &TestApp, slug: &str) -> String {
    let admin = app.token("admin@pst.example").await;
    let response = app
        .send_as(
            Method::POST,
            Some(&admin),
            "/api/v1/tenants",
            Some(&json!({ "slug": slug, "name": format!("CPAS {slug}") })),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let tenant: Value = response.json().await.expect("tenant");
    let email = format!("dg@{slug}.example");
    let body = json!({ "email": email, "display_name": "DG", "role": "dg", "tenant_id": tenant["id"], "password": PASSWORD });
    let response = app
        .send_as(Method::POST, Some(&admin), "/api/v1/users", Some(&body))
        .await;
    assert_eq!(response.status().as_u16(), 201);
    app.token(&email).await
}

async fn export(app: &TestApp, token: &str, plan: &str, format: &str) -> (String, Vec<u8>) {
    let response = app
        .get_as(
            token,
            &format!("/api/v1/plans/{plan}/export?format={format}"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("text")
        .to_owned();
    (disposition, response.bytes().await.expect("body").to_vec())
}

async fn import(
    app: &TestApp,
    token: &str,
    title: &str,
    dry_run: bool,
    content_type: &str,
    file: Vec<u8>,
) -> reqwest::Response {
    let url = app.url(&format!(
        "/api/v1/plans/import?title={}&dry_run={dry_run}",
        urlencode(title)
    ));
    app.client
        .post(url)
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(file)
        .send()
        .await
        .expect("request")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One action's or sub-action's line of [`shape`].
fn action_line(a: &api_types::Action) -> String {
    let collaborators: Vec<&str> = a.collaborators.iter().map(|o| o.name.as_str()).collect();
    format!(
        "{} {:?} {} | lead {:?} | with {:?} | réserve {:?} | {:?} {}% | {:?} | {:?}–{:?} | weight {} by hand {} | health {:?} {:?} | mandataire {:?} {:?} responsible {:?}",
        a.code,
        a.kind,
        a.title,
        a.lead.as_ref().map(|o| &o.name),
        collaborators,
        a.reservation,
        a.status,
        a.progress,
        a.description,
        a.planned_start,
        a.planned_end,
        a.weight,
        a.progress_by_hand,
        a.health,
        a.health_comment,
        a.political_lead,
        a.political_function,
        a.responsible.as_ref().map(|r| &r.display_name),
    )
}

/// What must survive a round trip: codes, titles, kinds, volets, organisations, order,
/// follow-up and dates, and each action's sub-actions under it.
fn shape(tree: &PlanTree) -> Vec<String> {
    let mut lines = Vec::new();
    for os in &tree.objectives {
        lines.push(format!(
            "OS {} {:?} {} | mandataire {:?} {:?} responsible {:?} | {:?}–{:?}",
            os.code,
            os.volet,
            os.title,
            os.political_lead,
            os.political_function,
            os.responsible.as_ref().map(|r| &r.display_name),
            os.dates.planned_start,
            os.dates.planned_end,
        ));
        for oo in &os.operational_objectives {
            lines.push(format!(
                "  OO {} {:?} {} | mandataire {:?} {:?} responsible {:?} | {:?}–{:?}",
                oo.code,
                oo.volet,
                oo.title,
                oo.political_lead,
                oo.political_function,
                oo.responsible.as_ref().map(|r| &r.display_name),
                oo.dates.planned_start,
                oo.dates.planned_end,
            ));
            for a in &oo.actions {
                lines.push(format!("    {}", action_line(a)));
                for step in &a.sub_actions {
                    assert_eq!(step.parent_id, Some(a.id));
                    lines.push(format!("      under {}: {}", a.code, action_line(step)));
                }
            }
        }
    }
    lines
}

#[tokio::test]
async fn both_seed_plans_survive_an_export_and_import_through_csv_and_xlsx() {
    let app = spawn_app().await;
    let target = empty_tenant(&app, "cpas-import").await;
    for (slug, dg_email) in [
        ("cpas-a", "dg@cpas-a.example"),
        ("paliseul", "dg@paliseul.example"),
    ] {
        let dg = app.token(dg_email).await;
        let mut original = app.plan_of(slug).await;
        if slug == "cpas-a" {
            // Two steps under Pe18, one weighing more; the second set to 50 % by hand.
            let pe18 = original.action("Pe18").expect("Pe18").id;
            let path = format!("/api/v1/actions/{pe18}/sub-actions");
            for body in [
                json!({ "title": "Trouver un local" }),
                json!({ "title": "Lancer les ateliers", "weight": 3 }),
            ] {
                let (status, text) = tests::send_text(&app, &dg, Method::POST, &path, body).await;
                assert_eq!(status, 201, "{text}");
            }
            original = app.plan_of(slug).await;
            assert_eq!(original.action("Pe18").expect("Pe18").sub_actions.len(), 2);
        }
        // The people the plan names as responsible are people of the importing CPAS too
        // (found there by name): the import never reaches another CPAS's.
        create_people_named_in(&app, &target, &original).await;
        for (format, content_type) in [
            ("csv", "text/csv"),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ] {
            let (disposition, file) = export(&app, &dg, &original.id.to_string(), format).await;
            assert!(
                disposition.contains(&format!("pst-{slug}"))
                    && disposition.ends_with(&format!(".{format}\"")),
                "{disposition}"
            );
            let response = import(
                &app,
                &target,
                &format!("{} ({format})", original.title),
                false,
                content_type,
                file,
            )
            .await;
            let status = response.status().as_u16();
            let body = response.text().await.expect("body");
            assert_eq!(status, 201, "{slug} {format}: {body}");
            let imported: PlanTree = serde_json::from_str(&body).expect("a plan");
            assert_eq!(
                shape(&imported),
                shape(&original),
                "{slug} through {format}"
            );
        }
    }
    // The organisations the files named were created once in the new CPAS.
    let organisations: Vec<api_types::OrganisationSummary> =
        app.get_ok_as(&target, "/api/v1/organisations").await;
    let mut names: Vec<&str> = organisations.iter().map(|o| o.name.as_str()).collect();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count);
    assert!(names.contains(&"Commune (PCS)"));
}

/// Imports the CSV `file` as `dg`, which must be refused (422): each problem's field and
/// code, as `"rows/4/sante unknown_value"`.
async fn refused(app: &TestApp, dg: &str, title: &str, file: String) -> Vec<String> {
    let response = import(app, dg, title, false, "text/csv", file.into_bytes()).await;
    assert_eq!(response.status().as_u16(), 422);
    let problem: Value = response.json().await.expect("problem");
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Creates, in the CPAS of `dg`, a social worker of each name `tree` gives a responsible.
async fn create_people_named_in(app: &TestApp, dg: &str, tree: &PlanTree) {
    let me: Value = app.get_ok_as(dg, "/api/v1/me").await;
    let admin = app.token("admin@pst.example").await;
    let mut names: Vec<String> = tree
        .objectives
        .iter()
        .flat_map(|os| {
            std::iter::once(os.responsible.as_ref()).chain(
                os.operational_objectives
                    .iter()
                    .map(|oo| oo.responsible.as_ref()),
            )
        })
        .chain(
            tree.actions()
                .flat_map(|a| std::iter::once(a).chain(&a.sub_actions))
                .map(|a| a.responsible.as_ref()),
        )
        .flatten()
        .map(|r| r.display_name.clone())
        .collect();
    names.sort();
    names.dedup();
    assert!(!names.is_empty(), "the demo names responsibles");
    for name in &names {
        let local: String = api_types::fold(name)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let body = json!({
            "email": format!("{local}@import.example"),
            "display_name": name,
            "role": "social_worker",
            "tenant_id": me["tenant"]["id"],
            "password": PASSWORD,
        });
        let response = app
            .send_as(Method::POST, Some(&admin), "/api/v1/users", Some(&body))
            .await;
        let status = response.status().as_u16();
        assert!(status == 201 || status == 409, "{name}: {status}");
    }
}

const HEADER: &str = "niveau;code;parent;intitule;type;volet;porteur;collaborations;reserve;statut;avancement;debut;echeance";

#[tokio::test]
async fn a_file_with_three_problems_is_reported_whole_and_writes_nothing() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let before: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let file = format!(
        "{HEADER}\nOS;OSe1;;Être accessible;;externe;;;;;;;\nOO;OOe1;OSe1;Accueillir;;externe;;;;;;;\n\
         action;Pe1;OOe9;Permanence sociale;projet;;Association inédite;;;;;;\n\
         action;Pe2;OOe1;Guichet numérique;projet;;Association inédite;;;;abc;;\n\
         action;Pe3;OOe1;Écrivain public;mission;;Association inédite;;;;;;\n\
         action;Pe2;OOe1;Écrivain public;mission;;Association inédite;;;;;;\n"
    );
    let response = import(
        &app,
        &dg,
        "Plan fautif",
        false,
        "text/csv",
        file.into_bytes(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let problem: Value = response.json().await.expect("problem");
    let errors = problem["errors"].as_array().expect("errors");
    let found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("rows/4/parent", "unknown_parent"),
            ("rows/5/avancement", "invalid_progress"),
            ("rows/7/code", "duplicate_code")
        ]
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Ligne 4 : Le parent « OOe9 »")
    );
    let after: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(after.len(), before.len(), "nothing written");
    let organisations: Vec<Value> = app.get_ok_as(&dg, "/api/v1/organisations").await;
    assert!(
        organisations
            .iter()
            .all(|o| o["name"] != "Association inédite"),
        "not even the organisations"
    );
}

#[tokio::test]
async fn a_dry_run_shows_the_plan_and_writes_nothing_and_people_need_the_right() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    // A BOM, commas, French dates and labels, a percentage: all accepted.
    let file = format!(
        "\u{feff}{}\nOS,OSi1,,Moderniser,,interne,,,,,,,\nOO,OOi1,OSi1,Numériser,,interne,,,,,,,\n\
         action,Pi1,OOi1,Dématérialiser les dossiers,projet,,Service informatique,Commune (PCS)|Nouveau partenaire,Sous réserve de budget,en cours,25 %,01/03/2026,31/12/2027\n",
        HEADER.replace(';', ",")
    );
    let before: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let response = import(
        &app,
        &dg,
        "Essai",
        true,
        "text/csv",
        file.clone().into_bytes(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let preview: PlanTree = response.json().await.expect("a plan");
    let action = &preview.objectives[0].operational_objectives[0].actions[0];
    assert_eq!(action.title, "Dématérialiser les dossiers");
    assert_eq!(action.progress, 25);
    assert_eq!(
        action.planned_end,
        chrono::NaiveDate::from_ymd_opt(2027, 12, 31)
    );
    assert_eq!(action.collaborators.len(), 2);
    let after: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(after.len(), before.len());
    let organisations: Vec<Value> = app.get_ok_as(&dg, "/api/v1/organisations").await;
    assert!(
        organisations
            .iter()
            .all(|o| o["name"] != "Nouveau partenaire")
    );

    let social = app.token("social@cpas-a.example").await;
    let response = import(&app, &social, "Essai", false, "text/csv", file.into_bytes()).await;
    assert_eq!(response.status().as_u16(), 403);
}

#[tokio::test]
async fn the_workbook_groups_the_plan_and_sums_it_up() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let (_, file) = export(&app, &dg, &tree.id.to_string(), "xlsx").await;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(file)).expect("an xlsx");
    let names = workbook.sheet_names();
    assert_eq!(
        names[1..],
        ["Synthèse", "Budget par exercice"].map(String::from)
    );
    let plan = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let header: Vec<String> = plan
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(&header[..4], ["Niveau", "Code", "Parent", "Intitulé"]);
    assert!(
        header.contains(&"Dernière note".to_owned()) && header.contains(&"Indicateurs".to_owned())
    );
    let codes: Vec<String> = plan
        .rows()
        .skip(1)
        .filter(|r| r[0] == "action")
        .map(|r| r[1].to_string())
        .collect();
    assert_eq!(codes.len(), 41);
    assert_eq!(codes[0], "Me1");
    assert_eq!(codes[40], "Pe41");
    let summary = workbook
        .worksheet_range_at(1)
        .expect("summary")
        .expect("readable");
    assert_eq!(summary.rows().count(), 1 + 3 + 10);
}

#[tokio::test]
async fn importing_500_actions_is_quick() {
    let app = spawn_app().await;
    let dg = empty_tenant(&app, "cpas-charge").await;
    let mut file = format!("{HEADER};description\n");
    for s in 1..=5 {
        file.push_str(&format!(
            "OS;OSe{s};;Objectif stratégique {s};;externe;;;;;;;;\n"
        ));
        for o in 1..=10 {
            file.push_str(&format!(
                "OO;OOe{s}{o:02};OSe{s};Objectif opérationnel {s}.{o};;externe;;;;;;;;\n"
            ));
            for a in 0..10 {
                file.push_str(&format!(
                    "action;Pe{s}{o:02}{a};OOe{s}{o:02};Accompagner les bénéficiaires {s}.{o}.{a};projet;externe;Partenaire {a};CPAS|PCS;;en cours;{};2026-01-01;2027-06-30;Une description.\n",
                    a * 10
                ));
            }
        }
    }
    let started = std::time::Instant::now();
    let response = import(
        &app,
        &dg,
        "Plan de 500 actions",
        false,
        "text/csv",
        file.into_bytes(),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(response.status().as_u16(), 201);
    let tree: PlanTree = response.json().await.expect("plan");
    let actions: usize = tree.actions().count();
    assert_eq!(actions, 500);
    // A figure, not an assertion: see docs and the closing notes.
    eprintln!(
        "bench: import of a 500-action CSV answered in {} ms",
        elapsed.as_millis()
    );
}

#[tokio::test]
async fn formula_titles_leave_as_quoted_csv_cells_and_come_back_unchanged() {
    let app = spawn_app().await;
    let dg = empty_tenant(&app, "cpas-formules").await;
    let titles = [
        "=HYPERLINK(\"http://evil\",\"x\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1)",
        "-2+3",
    ];
    let mut file = format!(
        "{HEADER}\nOS;OSe1;;Être accessible;;externe;;;;;;;\nOO;OOe1;OSe1;Accueillir;;externe;;;;;;;\n"
    );
    for (i, title) in titles.iter().enumerate() {
        let quoted = title.replace('"', "\"\"");
        file.push_str(&format!(
            "action;Pe{};OOe1;\"{quoted}\";projet;;;;;;;;\n",
            i + 1
        ));
    }
    let response = import(&app, &dg, "Formules", false, "text/csv", file.into_bytes()).await;
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    assert_eq!(status, 201, "{body}");
    let plan: PlanTree = serde_json::from_str(&body).expect("a plan");
    let imported: Vec<String> = plan.actions().map(|a| a.title.clone()).collect();
    assert_eq!(imported, titles);

    let (_, csv) = export(&app, &dg, &plan.id.to_string(), "csv").await;
    let csv = String::from_utf8(csv).expect("UTF-8");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.expect("a record"))
        .filter(|r| r.get(0) == Some("action"))
        .map(|r| r.get(3).expect("a title").to_owned())
        .collect();
    assert_eq!(cells.len(), titles.len(), "{csv}");
    for (cell, title) in cells.iter().zip(titles) {
        assert_eq!(
            cell,
            &format!("'{title}"),
            "a spreadsheet must not run {title}"
        );
    }

    // Read back by the import: the titles are the original ones.
    let response = import(
        &app,
        &dg,
        "Formules (retour)",
        false,
        "text/csv",
        csv.into_bytes(),
    )
    .await;
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    assert_eq!(status, 201, "{body}");
    let again: PlanTree = serde_json::from_str(&body).expect("a plan");
    let titles_again: Vec<String> = again.actions().map(|a| a.title.clone()).collect();
    assert_eq!(titles_again, titles);
}

#[tokio::test]
async fn sub_actions_come_in_from_a_file_and_go_out_again_and_a_step_under_a_step_writes_nothing() {
    let app = spawn_app().await;
    let dg = empty_tenant(&app, "cpas-etapes").await;
    // The documentation's sample: Pe2 has two steps (weights 1 and 2), listed after it.
    let sample = include_bytes!("../../docs/modele-import.csv").to_vec();
    let response = import(&app, &dg, "Modèle", false, "text/csv", sample).await;
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    assert_eq!(status, 201, "{body}");
    let imported: PlanTree = serde_json::from_str(&body).expect("a plan");
    let pe2 = imported.action("Pe2").expect("Pe2");
    let steps: Vec<(&str, i16, i16, Option<&str>)> = pe2
        .sub_actions
        .iter()
        .map(|s| {
            (
                s.code.as_str(),
                s.progress,
                s.weight,
                s.lead.as_ref().map(|o| o.name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("Pe2.1", 100, 1, Some("CPAS")),
            ("Pe2.2", 0, 2, Some("CPAS"))
        ]
    );
    // The health of the action and of a step, in the sample's French words.
    assert_eq!(
        (pe2.health, pe2.health_comment.as_deref()),
        (
            Some(api_types::ActionHealth::AtRisk),
            Some("Budget informatique à confirmer au conseil")
        )
    );
    assert_eq!(
        pe2.sub_actions[1].health,
        Some(api_types::ActionHealth::Paused)
    );
    assert_eq!(
        imported.action("Me1").and_then(|a| a.health),
        Some(api_types::ActionHealth::Good)
    );
    // The mandataires and the responsible (the CPAS's DG, named as the file names them),
    // and an operational objective's own dates.
    assert_eq!(
        (
            pe2.political_lead.as_deref(),
            pe2.political_function.as_deref(),
            pe2.responsible.as_ref().map(|r| r.display_name.as_str())
        ),
        (
            Some("Jean Martin"),
            Some("Échevin des affaires sociales"),
            Some("DG")
        )
    );
    let oo = &imported.objectives[0].operational_objectives[0];
    assert_eq!(
        (oo.political_function.as_deref(), oo.dates.planned_start),
        (
            Some("Échevin des affaires sociales"),
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        )
    );
    assert_eq!(
        imported.objectives[0].political_lead.as_deref(),
        Some("Marie Dupont")
    );
    // The database rolls the action's progress up from its steps: (100×1 + 0×2) / 3.
    assert!(pe2.progress_from_sub_actions);
    assert_eq!(pe2.progress, 33);
    assert_eq!(
        pe2.sub_actions[1].planned_end,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
    );

    // Out as CSV (a `sous-action` row right after its action, its parent named) and
    // Excel, and in again: the same plan.
    let (_, csv) = export(&app, &dg, &imported.id.to_string(), "csv").await;
    let text = String::from_utf8(csv.clone()).expect("UTF-8");
    let rows: Vec<&str> = text.lines().collect();
    let pe2_row = rows
        .iter()
        .position(|r| r.starts_with("action;Pe2;"))
        .expect("Pe2");
    assert!(
        rows[pe2_row + 1].starts_with("sous-action;Pe2.1;Pe2;"),
        "{text}"
    );
    assert!(
        rows[0].ends_with(
            ";description;poids;avancement_manuel;mandataire;fonction_du_mandataire;responsable;sante;commentaire_sante;plans_sectoriels"
        ),
        "{text}"
    );
    for (format, content_type, file) in [
        ("csv", "text/csv", csv),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            export(&app, &dg, &imported.id.to_string(), "xlsx").await.1,
        ),
    ] {
        let response = import(&app, &dg, format, false, content_type, file).await;
        let status = response.status().as_u16();
        let body = response.text().await.expect("body");
        assert_eq!(status, 201, "{format}: {body}");
        let again: PlanTree = serde_json::from_str(&body).expect("a plan");
        assert_eq!(shape(&again), shape(&imported), "through {format}");
    }

    // A step under a step, and one under an unknown action: named by line and column,
    // and nothing written.
    let before: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let file = format!(
        "{HEADER};poids\nOS;OSe1;;Aider;;externe;;;;;;;;\nOO;OOe1;OSe1;Accueillir;;externe;;;;;;;;\n\
         action;Pe1;OOe1;Permanence;projet;;;;;;;;;\nsous-action;Pe1.1;Pe1;Local;;;;;;;;;;\n\
         sous-action;Pe1.1.1;Pe1.1;Clés;;;;;;;;;;\nsous-action;Pe7.1;Pe7;Ailleurs;;;;;;;;;;\n"
    );
    assert_eq!(
        refused(&app, &dg, "Fautif", file).await,
        ["rows/6/parent wrong_parent", "rows/7/parent unknown_parent"]
    );
    let after: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(after.len(), before.len(), "nothing written");

    // A health the format does not know, and a comment on two lines: named, nothing written.
    let file = format!(
        "{HEADER};sante;commentaire_sante\nOS;OSe1;;Aider;;externe;;;;;;;;;\n\
         OO;OOe1;OSe1;Accueillir;;externe;;;;;;;;;\n\
         action;Pe1;OOe1;Permanence;projet;;;;;;;;;superbe;\n\
         action;Pe2;OOe1;Guichet;projet;;;;;;;;;bon;\"deux\nlignes\"\n"
    );
    assert_eq!(
        refused(&app, &dg, "Santé", file).await,
        [
            "rows/4/sante unknown_value",
            "rows/5/commentaire_sante invalid_value"
        ]
    );
    let after: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(after.len(), before.len(), "nothing written");

    // A responsible who is a person of another CPAS (CPAS A's social service) is unknown
    // here; the CPAS's own DG, named by e-mail, is found.
    let file = format!(
        "{HEADER};responsable\nOS;OSe1;;Aider;;externe;;;;;;;;dg@cpas-etapes.example\n\
         OO;OOe1;OSe1;Accueillir;;externe;;;;;;;;\n\
         action;Pe1;OOe1;Permanence;projet;;;;;;;;;Service social (CPAS A)\n"
    );
    assert_eq!(
        refused(&app, &dg, "Ailleurs", file).await,
        ["rows/4/responsable unknown_reference"]
    );
    let after: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(after.len(), before.len(), "nothing written");
}
