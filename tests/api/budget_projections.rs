//! The CPAS's multi-year projections (issue 17.1): the DG defines an economic group's
//! amounts over the coming budget years on an action or a sub-action; everyone who reads
//! the plan sees them; the eComptes file carries them as the action's `Projection`s.

use api_types::{ActionDetail, BudgetProjection};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::spawn_app;

use crate::ecomptes::{export, set_nis_code, validate};

#[tokio::test]
async fn the_dg_projects_amounts_over_years_and_the_ecomptes_file_carries_them() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.actions().find(|a| a.code == "Pe18").expect("Pe18").id;
    let path = format!("/api/v1/actions/{pe18}/budget-projections");

    // Years given in any order come back in order.
    let personnel = json!({
        "service": "ordinaire", "direction": "depense",
        "economic_group": "Dépenses de personnel", "label": "Coordinatrice (0,5 ETP)",
        "years": [
            { "year": 2028, "amount_cents": 2_500_000 },
            { "year": 2026, "amount_cents": 2_400_000 },
            { "year": 2027, "amount_cents": 2_450_050 }
        ],
    });
    let (status, body) = send(&app, &dg, Method::POST, &path, personnel.clone()).await;
    assert_eq!(status, 201, "{body}");
    let list: Vec<BudgetProjection> = serde_json::from_value(body).expect("projections");
    assert_eq!(list.len(), 1);
    let years: Vec<(i32, i64)> = list[0]
        .years
        .iter()
        .map(|y| (y.year, y.amount_cents))
        .collect();
    assert_eq!(
        years,
        [(2026, 2_400_000), (2027, 2_450_050), (2028, 2_500_000)]
    );
    let id = list[0].id;

    // A second one, on a step of the action: it goes with the action in eComptes.
    let (status, step) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/sub-actions"),
        json!({ "title": "Louer la salle" }),
    )
    .await;
    assert_eq!(status, 201, "{step}");
    let step: ActionDetail = serde_json::from_value(step).expect("the step");
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{}/budget-projections", step.action.id),
        json!({ "service": "ordinaire", "direction": "recette", "economic_group": "Subsides",
                "years": [{ "year": 2026, "amount_cents": 300_000 }] }),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // The partner reads them; it cannot define any.
    let seen: Vec<BudgetProjection> = app.get_ok_as(&pcs, &path).await;
    assert_eq!(seen, list);
    let (status, _) = send(&app, &pcs, Method::POST, &path, personnel.clone()).await;
    assert_eq!(status, 403);

    // Each bad input names its field.
    for (body, field, code) in [
        (
            json!({ "service": "ordinaire", "direction": "depense", "economic_group": "X",
                    "years": [{ "year": 2026, "amount_cents": 1 }, { "year": 2026, "amount_cents": 2 }] }),
            "years",
            "duplicate",
        ),
        (
            json!({ "service": "ordinaire", "direction": "depense", "economic_group": "X", "years": [] }),
            "years",
            "empty",
        ),
        (
            json!({ "service": "ordinaire", "direction": "depense", "economic_group": "é".repeat(51),
                    "years": [{ "year": 2026, "amount_cents": 1 }] }),
            "economic_group",
            "too_long",
        ),
    ] {
        let (status, problem) = send(&app, &dg, Method::POST, &path, body).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(
            (
                &problem["errors"][0]["field"],
                &problem["errors"][0]["code"]
            ),
            (&json!(field), &json!(code)),
            "{problem}"
        );
    }

    // Redefined: the years given replace the others.
    let mut shorter = personnel.clone();
    shorter["years"] = json!([{ "year": 2026, "amount_cents": 2_000_000 }]);
    let (status, body) = send(
        &app,
        &dg,
        Method::PUT,
        &format!("/api/v1/budget-projections/{id}"),
        shorter,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body[0]["years"],
        json!([{ "year": 2026, "amount_cents": 2_000_000 }])
    );

    // The eComptes file: the action's projection and its step's, valid against the XSD.
    set_nis_code(&app, &tree, 84077).await;
    let response = export(&app, &dg, &tree, 2026).await;
    assert_eq!(response.status(), 200);
    let xml = response.text().await.expect("xml");
    validate(&xml, "projections").unwrap_or_else(|e| panic!("{e}"));
    let action = &xml[xml
        .find(&format!("<Action ElementId=\"{pe18}\""))
        .expect("Pe18")..];
    let action = &action[..action.find("</Action>").expect("its end")];
    let projections = &action[action.find("<Projections>").expect("projections")..];
    assert!(projections.contains("<GroupeEco>Dépenses de personnel</GroupeEco>"));
    assert!(projections.contains("<Libelle>Coordinatrice (0,5 ETP)</Libelle>"));
    assert!(projections.contains("<Exercice Valeur=\"2026\">"));
    assert!(projections.contains("<Montant>20000.00</Montant>"));
    assert!(projections.contains("<GroupeEco>Subsides</GroupeEco>"));
    assert!(projections.contains("<Type>R</Type>"));

    // Deleted, it is gone; a second time, 404.
    let delete = format!("/api/v1/budget-projections/{id}");
    let (status, _) = send(&app, &dg, Method::DELETE, &delete, Value::Null).await;
    assert_eq!(status, 204);
    let (status, _) = send(&app, &dg, Method::DELETE, &delete, Value::Null).await;
    assert_eq!(status, 404);
    let after: Vec<BudgetProjection> = app.get_ok_as(&pcs, &path).await;
    assert!(after.is_empty(), "{after:?}");
}
