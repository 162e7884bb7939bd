//! The two real plans of `backend/seed/`, as the API serves them.

use api_types::{Action, ActionKind, ActionStatus, PlanStatus, PlanTree, Volet};
use diesel::RunQueryDsl;
use tests::spawn_app;

const RESERVATION: &str = "Projet mis en place sous réserve de ressources humaines et \
                           financières complémentaires à négocier";

fn actions(tree: &PlanTree) -> Vec<&Action> {
    tree.actions().collect()
}

fn action<'a>(tree: &'a PlanTree, code: &str) -> &'a Action {
    actions(tree)
        .into_iter()
        .find(|a| a.code == code)
        .unwrap_or_else(|| panic!("no action {code}"))
}

/// The source document as one line of single spaces, to find transcribed texts in.
fn source(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../backend/seed/source")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("source document");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every text the tree holds (titles, descriptions, reservations, opinions).
fn texts(tree: &PlanTree) -> Vec<String> {
    let mut texts = Vec::new();
    for os in &tree.objectives {
        texts.push(os.title.clone());
        for oo in &os.operational_objectives {
            texts.push(oo.title.clone());
            for a in &oo.actions {
                texts.push(a.title.clone());
                texts.extend(a.reservation.clone());
                texts.extend(
                    a.description
                        .iter()
                        .flat_map(|d| d.lines().map(str::to_owned)),
                );
            }
        }
    }
    for opinion in &tree.opinions {
        texts.extend(opinion.heading.clone());
        texts.extend(opinion.body.split("\n\n").map(str::to_owned));
    }
    texts.extend(tree.opinion_title.clone());
    texts
}

#[tokio::test]
async fn the_000_plan_has_3_strategic_10_operational_objectives_and_actions_me1_to_pe41() {
    let app = spawn_app().await;

    let tree = app.plan_of("cpas-a").await;

    let os: Vec<&str> = tree.objectives.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(os, ["OSe1", "OSe2", "OSe3"]);
    let oo: Vec<&str> = tree
        .objectives
        .iter()
        .flat_map(|o| &o.operational_objectives)
        .map(|o| o.code.as_str())
        .collect();
    assert_eq!(
        oo,
        [
            "OOe1", "OOe2", "OOe3", "OOe4", "OOe5", "OOe6", "OOe7", "OOe8", "OOe9", "OOe10"
        ]
    );
    let codes: Vec<&str> = actions(&tree).iter().map(|a| a.code.as_str()).collect();
    let expected = [
        "Me1", "Me2", "Me3", "Me4", "Me5", "Me6", "Me7", "Pe8", "Pe9", "Me10", "Me11", "Me12",
        "Pe13", "Me14", "Me15", "Pe16", "Pe17", "Pe18", "Pe19", "Pe20", "Me21", "Me22", "Me23",
        "Me24", "Pe25", "Pe26", "Me27", "Me28", "Me29", "Pe30", "Pe31", "Pe32", "Pe33", "Pe34",
        "Me35", "Pe36", "Pe37", "Pe38", "Me39", "Pe40", "Pe41",
    ];
    assert_eq!(codes, expected);
    for a in actions(&tree) {
        let kind = if a.code.starts_with('M') {
            ActionKind::Mission
        } else {
            ActionKind::Projet
        };
        assert_eq!(a.kind, Some(kind), "{}", a.code);
        assert_eq!(a.status, ActionStatus::NonCommence);
        assert_eq!(a.progress, 0);
    }
    assert!(tree.objectives.iter().all(|o| o.volet == Volet::Externe));
    assert_eq!(tree.status, PlanStatus::Adopted);
    assert_eq!(
        (tree.start_year, tree.end_year),
        (None, None),
        "the source gives no period"
    );
    assert_eq!(tree.tenant.name, "CPAS A", "the source names no town");
}

#[tokio::test]
async fn the_000_plan_keeps_the_exact_french_titles() {
    let app = spawn_app().await;

    let tree = app.plan_of("cpas-a").await;

    assert_eq!(
        tree.objectives[0].title,
        "Être un CPAS moteur de l’action sociale locale"
    );
    assert_eq!(
        tree.objectives[2].title,
        "Être un CPAS qui s’engage dans la transition écologique"
    );
    assert_eq!(
        tree.objectives[0].operational_objectives[0].title,
        "Maintenir et améliorer les services sociaux actuellement développés au sein du CPAS"
    );
    assert_eq!(action(&tree, "Me1").title, "le service social général");
    assert_eq!(
        action(&tree, "Me14").title,
        "Proposer, dès que cela est envisageable, un contrat article 60§7 au bénéficiaire \
         d’un revenu d’intégration sociale"
    );
    assert_eq!(
        action(&tree, "Pe17").title,
        "Assurer une formation préqualifiante à destination des usagers de DEFITS"
    );
    assert_eq!(
        action(&tree, "Pe33").title,
        "Organiser des évènements, conférences et animations, à destination des ainés \
         (logement, autonomie, bien-être, participation à la vie collective, maintien à \
         domicile, informations relatives aux « ateliers équilibre », …)"
    );
    assert_eq!(
        action(&tree, "Pe33").description.as_deref(),
        Some(
            "Par exemple :\n- Information sur le viager ;\n- Information sur le « Samaritel » \
             et les dispositifs similaires ;\n- …"
        )
    );
    assert_eq!(
        action(&tree, "Pe41").title,
        "Continuer à proposer aux usagers des animations dans le cadre du Plan d’Action \
         Préventive en matière d’Energie (PAPE)"
    );
}

#[tokio::test]
async fn the_000_plan_has_its_lead_entities_collaborations_and_reservations() {
    let app = spawn_app().await;

    let tree = app.plan_of("cpas-a").await;

    for code in ["Pe17", "Pe18", "Pe19", "Pe20"] {
        let a = action(&tree, code);
        assert_eq!(
            a.lead.as_ref().map(|o| o.name.as_str()),
            Some("Commune (PCS)"),
            "{code}"
        );
        let collaborators: Vec<&str> = a.collaborators.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(collaborators, ["CPAS"], "{code}");
    }
    let with_reservation: Vec<&str> = actions(&tree)
        .iter()
        .filter(|a| a.reservation.is_some())
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(with_reservation, ["Pe19", "Pe20"]);
    assert_eq!(
        action(&tree, "Pe19").reservation.as_deref(),
        Some(RESERVATION)
    );
    let transversal: Vec<&str> = actions(&tree)
        .iter()
        .filter(|a| a.transversal)
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(transversal, ["Pe40"]);
    let pe31: Vec<&str> = action(&tree, "Pe31")
        .collaborators
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(pe31, ["La Capucine", "Pas à pas", "AMO"]);
    let with_lead: Vec<&str> = actions(&tree)
        .iter()
        .filter(|a| a.lead.is_some())
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(
        with_lead,
        ["Pe17", "Pe18", "Pe19", "Pe20"],
        "no invented lead entity"
    );
    assert!(tree.opinions.is_empty());
}

#[tokio::test]
async fn paliseul_reads_as_a_table_of_2_strategic_8_operational_objectives_and_20_actions() {
    let app = spawn_app().await;

    let tree = app.plan_of("paliseul").await;

    assert_eq!(tree.tenant.name, "CPAS de Paliseul");
    assert_eq!(tree.title, "Plan Stratégique Transversal 2021-2024");
    assert_eq!((tree.start_year, tree.end_year), (Some(2021), Some(2024)));
    let os: Vec<(&str, Volet)> = tree
        .objectives
        .iter()
        .map(|o| (o.code.as_str(), o.volet))
        .collect();
    assert_eq!(os, [("OSe1", Volet::Externe), ("OSi1", Volet::Interne)]);
    assert_eq!(
        tree.objectives[0].title,
        "Être une commune soucieuse de l’intégration et de la participation de tous, quel que \
         soit son genre, son âge, sa condition sociale ou son état physique, dans tous les \
         domaines de la vie socio-économique"
    );
    assert_eq!(
        tree.objectives[1].title,
        "Être une administration efficace et efficiente, disponible pour les citoyens, et à \
         l’écoute de son personnel"
    );
    let per_oo: Vec<(&str, usize)> = tree
        .objectives
        .iter()
        .flat_map(|o| &o.operational_objectives)
        .map(|o| (o.code.as_str(), o.actions.len()))
        .collect();
    assert_eq!(
        per_oo,
        [
            ("OOe1", 2),
            ("OOe2", 1),
            ("OOe3", 5),
            ("OOe4", 3),
            ("OOi1", 4),
            ("OOi2", 2),
            ("OOi3", 1),
            ("OOi4", 2)
        ]
    );
    let codes: Vec<String> = actions(&tree).iter().map(|a| a.code.clone()).collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("A{n}")).collect();
    assert_eq!(codes, expected);
    assert!(
        actions(&tree).iter().all(|a| a.kind.is_none()),
        "the source does not say mission or projet"
    );
    // The two Art.60/61 actions continue "Renforcer l'insertion économique" (top of page 2).
    let economic = &tree.objectives[0].operational_objectives[2];
    assert_eq!(economic.title, "Renforcer l’insertion économique");
    assert_eq!(economic.actions[1].title, "Développer un repair café ;");
    assert_eq!(
        economic.actions[2].title,
        "Développer une centrale de repassage ;"
    );
    assert!(
        economic.actions[3]
            .title
            .starts_with("En fonction des profils disponibles")
    );
    assert!(
        economic.actions[4]
            .title
            .starts_with("Optimaliser l’accompagnement")
    );
    assert_eq!(
        action(&tree, "A2").title,
        "Etablir un partenariat avec l’ASBL « Article 27 », afin de faciliter la participation \
         culturelle aux personnes qui vivent une situation sociale et/ou économique difficile."
    );
    assert_eq!(
        action(&tree, "A18").title,
        "Réorganiser les permanences de manière à augmenter le temps réservé aux visites sur \
         rendez-vous, pour éviter les files d’attente."
    );
}

#[tokio::test]
async fn paliseul_keeps_the_three_opinions_of_the_dg_on_their_objectives() {
    let app = spawn_app().await;

    let tree = app.plan_of("paliseul").await;

    assert_eq!(
        tree.opinion_title.as_deref(),
        Some(
            "Avis de la Direction générale sur le PST, et sur les objectifs stratégiques, \
             opérationnels et les actions proposées"
        )
    );
    let attached: Vec<Vec<&str>> = tree
        .opinions
        .iter()
        .map(|o| o.objective_codes.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(attached, [vec!["OOe1", "OOe2"], vec!["OOi1"], vec!["OOi3"]]);
    let first = &tree.opinions[0];
    assert!(first.body.starts_with("La pandémie de Coronavirus"));
    assert_eq!(first.body.split("\n\n").count(), 3);
    assert!(tree.opinions[1].body.contains("service RH commun"));
    assert!(
        tree.opinions[2]
            .body
            .ends_with("pour se positionner de manière définitive.")
    );
    // The ids point at the objectives of the tree.
    let synergies = &tree.objectives[1].operational_objectives[0];
    assert_eq!(tree.opinions[1].objective_ids, [synergies.id]);
}

#[tokio::test]
async fn every_text_of_both_plans_is_found_verbatim_in_its_source_document() {
    let app = spawn_app().await;

    for (slug, document) in [
        ("cpas-a", "000_6269944c4224cb81.txt"),
        ("paliseul", "001_e54946dad15bd230.txt"),
    ] {
        let tree = app.plan_of(slug).await;
        // The one word the table breaks over two lines is joined back.
        let source = source(document).replace("socio- économique", "socio-économique");
        for text in texts(&tree) {
            assert!(
                source.contains(&normalised(&text)),
                "{slug}: not in {document}: {text:?}"
            );
        }
    }
}

#[tokio::test]
async fn each_plan_belongs_to_its_own_tenant_with_its_partner_organisations() {
    let app = spawn_app().await;
    let a = app.plan_of("cpas-a").await;
    let paliseul = app.plan_of("paliseul").await;
    assert_ne!(a.tenant.id, paliseul.tenant.id);

    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        slug: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT t.slug, o.name FROM organisations o JOIN tenants t ON t.id = o.tenant_id
         ORDER BY t.slug, o.name",
    )
    .load(&mut app.connection())
    .expect("organisations");
    let of = |slug: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r.slug == slug)
            .map(|r| r.name.clone())
            .collect()
    };
    for name in ["CPAS", "Commune (PCS)", "DEFITS", "ADMR", "Bilboquet"] {
        assert!(of("cpas-a").contains(&name.to_owned()), "{name}");
    }
    for name in [
        "CPAS de Paliseul",
        "Plan de Cohésion Sociale (PCS)",
        "Article 27",
    ] {
        assert!(of("paliseul").contains(&name.to_owned()), "{name}");
    }
}

#[tokio::test]
async fn loading_the_seed_again_changes_nothing_and_keeps_user_edits() {
    let app = spawn_app().await;
    let mut conn = app.connection();
    diesel::sql_query("UPDATE actions SET progress = 40, status = 'en_cours' WHERE code = 'Pe18'")
        .execute(&mut conn)
        .expect("edit");
    let before_a = app.plan_of("cpas-a").await;
    let before_p = app.plan_of("paliseul").await;

    let report = backend::app::demo::load_plans(&mut conn).expect("seed loads again");

    assert_eq!(report.plans_created, 0);
    assert_eq!(report.plans_already_present, 2);
    assert_eq!(app.plan_of("cpas-a").await, before_a);
    assert_eq!(app.plan_of("paliseul").await, before_p);
    assert_eq!(action(&before_a, "Pe18").progress, 40);
}
