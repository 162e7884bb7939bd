//! The synthetic federation: set-based SQL (`INSERT … SELECT … FROM generate_series`), so
//! millions of rows load in seconds. Everything is derived from the row numbers, so two
//! runs at the same scale produce the same texts, codes and figures; ids are `md5` of
//! a name (`md5('a-3-17')::uuid` is action 17 of tenant 3), so every composite foreign key
//! is right by construction, and [`CHECKS`] verifies it after the load.

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub tenants: u32,
    pub actions_per_plan: u32,
    pub history_per_action: u32,
    pub indicators_per_action: u32,
    /// Steps under each action (issue 16: 3), which the tree nests.
    pub sub_actions_per_action: u32,
    /// Tasks on each action (issue 16: 2), which the tree counts.
    pub tasks_per_action: u32,
    /// Comments in each action's discussion (issue 18: 20), every fifth mentioning the DG.
    pub comments_per_action: u32,
    /// Evidence files of each action (issue 18: 5), PDFs and photos: their rows (the bytes
    /// of those the download row reads are written by the run).
    pub files_per_action: u32,
}

/// Users of each tenant: president, DG, four social workers, four partners.
pub const USERS_PER_TENANT: u32 = 10;
/// Organisations of each tenant: the CPAS, the commune's PCS and four associations.
const ORGANISATIONS: u32 = 6;
const STRATEGIC: u32 = 5;
/// Tables whose secondary indexes are rebuilt after the load.
const BULK_TABLES: &str = "'actions', 'action_organisations', 'action_history', 'indicators', 'tasks', 'comments', \
     'attachments'";
const OPERATIONAL_PER_STRATEGIC: u32 = 5;

impl Shape {
    /// The default federation times `scale` tenants, with or without the follow-up rows
    /// (history, indicators) that the list and search queries never read.
    pub fn at(scale: f64, follow_up: bool) -> Self {
        Self {
            tenants: ((300.0 * scale).round() as u32).max(1),
            actions_per_plan: 500,
            history_per_action: if follow_up { 20 } else { 0 },
            indicators_per_action: if follow_up { 5 } else { 0 },
            sub_actions_per_action: 3,
            tasks_per_action: 2,
            comments_per_action: if follow_up { 20 } else { 0 },
            files_per_action: if follow_up { 5 } else { 0 },
        }
    }

    pub fn actions(&self) -> u64 {
        u64::from(self.tenants) * u64::from(self.actions_per_plan)
    }

    pub fn describe(&self) -> String {
        format!(
            "{} tenants × 1 plan × {} actions = {} actions, {} sub-actions, {} tasks, {} comments, \
             {} files, {} history rows and {} indicators per action, {} users per tenant",
            self.tenants,
            self.actions_per_plan,
            self.actions(),
            self.sub_actions_per_action,
            self.tasks_per_action,
            self.comments_per_action,
            self.files_per_action,
            self.history_per_action,
            self.indicators_per_action,
            USERS_PER_TENANT
        )
    }
}

/// E-mail of user `k` (0 president, 1 DG, 2–5 social workers, 6–9 partners) of tenant `t`.
pub fn email(t: u32, k: u32) -> String {
    format!("u{k}.bench-{t:05}@bench.pst.example")
}

/// SQL array literal of French words.
fn words(items: &[&str]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "''")))
        .collect();
    format!("(ARRAY[{}])", quoted.join(", "))
}

const COMMUNES: &[&str] = &[
    "Namur",
    "Liège",
    "Charleroi",
    "Mons",
    "Tournai",
    "Arlon",
    "Wavre",
    "Ciney",
    "Dinant",
    "Huy",
    "Verviers",
    "Bastogne",
    "Marche-en-Famenne",
    "Paliseul",
    "Gembloux",
    "Nivelles",
    "Ottignies-Louvain-la-Neuve",
    "Mouscron",
    "La Louvière",
    "Seraing",
    "Herstal",
    "Spa",
    "Malmedy",
    "Eupen",
    "Waremme",
    "Hannut",
    "Philippeville",
    "Couvin",
    "Chimay",
    "Thuin",
    "Binche",
    "Ath",
    "Enghien",
    "Soignies",
    "Braine-l'Alleud",
    "Jodoigne",
    "Virton",
    "Neufchâteau",
    "Libramont-Chevigny",
    "Bouillon",
];

const VERBS: &[&str] = &[
    "Renforcer",
    "Développer",
    "Pérenniser",
    "Mettre en place",
    "Améliorer",
    "Coordonner",
    "Étendre",
    "Évaluer",
    "Structurer",
    "Soutenir",
    "Créer",
    "Promouvoir",
];

const OBJECTS: &[&str] = &[
    "l'accompagnement social",
    "l'accès au logement",
    "la guidance budgétaire",
    "la médiation de dettes",
    "l'insertion socioprofessionnelle",
    "l'aide alimentaire",
    "la lutte contre la précarité énergétique",
    "l'inclusion numérique",
    "l'accueil de première ligne",
    "les permanences décentralisées",
    "la prévention du surendettement",
    "l'accès aux soins de santé",
    "la mobilité solidaire",
    "le soutien scolaire",
    "la participation citoyenne",
];

const PUBLICS: &[&str] = &[
    "des familles monoparentales",
    "des seniors isolés",
    "des jeunes de 18 à 25 ans",
    "des personnes sans abri",
    "des bénéficiaires du revenu d'intégration",
    "des personnes en situation de handicap",
    "des primo-arrivants",
    "des ménages en difficulté",
    "des étudiants",
    "des travailleurs pauvres",
    "des aidants proches",
    "des locataires sociaux",
];

const OBJECTIVE_TITLES: &[&str] = &[
    "Être un CPAS moteur de l'action sociale locale",
    "Être un CPAS accueillant et ouvert à l'ensemble des citoyens",
    "Garantir l'accès de tous aux droits fondamentaux",
    "Être une administration moderne, efficace et transparente",
    "Valoriser et soutenir le personnel du CPAS",
];

const INDICATORS: &[&str] = &[
    "Nombre de bénéficiaires accompagnés",
    "Taux de satisfaction des usagers",
    "Nombre de permanences organisées",
    "Délai moyen de traitement des demandes",
    "Nombre de partenariats actifs",
    "Montant des aides octroyées",
    "Nombre de séances collectives",
];

const UNITS: &[&str] = &[
    "personnes",
    "%",
    "séances",
    "jours",
    "partenaires",
    "€",
    "séances",
];

const FIRST_NAMES: &[&str] = &[
    "Marie",
    "Jean",
    "Sophie",
    "Luc",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Michel",
    "Catherine",
    "Philippe",
    "Anne",
    "Olivier",
    "Julie",
    "Thomas",
    "Céline",
];

const LAST_NAMES: &[&str] = &[
    "Dubois", "Lambert", "Martin", "Dupont", "Leroy", "Lejeune", "Renard", "Simon", "Laurent",
    "Collard", "Henrard", "Jacquet", "Gérard", "Lemaire", "Mathieu", "Dumont", "Thiry",
];

/// The whole load: one script for psql (`-v ON_ERROR_STOP=1`), each statement on its own.
/// Foreign-key and validation triggers are off for the session (`replica`): the rows are
/// consistent by construction and [`CHECKS`] proves it afterwards.
pub fn script(shape: &Shape, password_hash: &str) -> String {
    let t_max = shape.tenants - 1;
    let a_count = shape.actions_per_plan;
    let operational = STRATEGIC * OPERATIONAL_PER_STRATEGIC;
    let externe_strategic = 3;
    let externe_operational = externe_strategic * OPERATIONAL_PER_STRATEGIC;
    let communes = words(COMMUNES);
    let n_communes = COMMUNES.len();
    let (verbs, n_verbs) = (words(VERBS), VERBS.len());
    let (objects, n_objects) = (words(OBJECTS), OBJECTS.len());
    let (publics, n_publics) = (words(PUBLICS), PUBLICS.len());
    let objective_titles = words(OBJECTIVE_TITLES);
    let (indicators, n_indicators) = (words(INDICATORS), INDICATORS.len());
    let units = words(UNITS);
    let (first, n_first) = (words(FIRST_NAMES), FIRST_NAMES.len());
    let (last, n_last) = (words(LAST_NAMES), LAST_NAMES.len());
    let hash = password_hash.replace('\'', "''");
    let history = shape.history_per_action;
    let version = history + 1;
    let has_steps = shape.sub_actions_per_action > 0;
    // Which operational objective action `a` hangs under, and its volet's letter.
    let oo_of = format!("(a * {operational} / {a_count})");
    let letter = format!("CASE WHEN {oo_of} < {externe_operational} THEN 'e' ELSE 'i' END");
    let title = format!(
        "{verbs}[1 + (a + t) % {n_verbs}] || ' ' || {objects}[1 + (a / {n_verbs} + 3 * t) % {n_objects}] \
         || ' ' || {publics}[1 + (a / 7 + t) % {n_publics}]"
    );
    let mut sql = String::new();
    let mut add = |statement: String| {
        sql.push_str(statement.trim());
        sql.push_str(";\n");
    };
    add("SET session_replication_role = replica".into());
    add("SET synchronous_commit = off".into());
    add("SET maintenance_work_mem = '256MB'".into());
    // The secondary indexes of the big tables are built once after the load (a sorted
    // build is much faster than millions of insertions, above all for the trigram GIN),
    // from their own definitions, so the schema ends exactly as migrated.
    add(format!(
        "CREATE TEMP TABLE bench_indexes AS
         SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relname IN ({BULK_TABLES}) AND NOT i.indisunique AND NOT i.indisprimary"
    ));
    add("DO $$ DECLARE r record; BEGIN
           FOR r IN SELECT name FROM bench_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
         END $$"
        .into());
    add(format!(
        "INSERT INTO tenants (id, slug, name, description)
         SELECT md5('t-' || t)::uuid, 'bench-' || lpad(t::text, 5, '0'),
                'CPAS de ' || {communes}[1 + t % {n_communes}]
                    || CASE WHEN t >= {n_communes} THEN ' (' || (t / {n_communes} + 1) || ')' ELSE '' END,
                'Jeu de données synthétique du banc d''essai'
         FROM generate_series(0, {t_max}) t"
    ));
    add(format!(
        "INSERT INTO organisations (id, tenant_id, name, kind)
         SELECT md5('o-' || t || '-' || k)::uuid, md5('t-' || t)::uuid,
                (ARRAY['CPAS', 'Commune (Plan de cohésion sociale)', 'ADMR', 'Croix-Rouge, maison locale',
                       'Mission régionale pour l''emploi', 'Vie Féminine'])[k + 1],
                (ARRAY['cpas', 'commune', 'association', 'association', 'association', 'association'])[k + 1]
         FROM generate_series(0, {t_max}) t, generate_series(0, {}) k",
        ORGANISATIONS - 1
    ));
    add(format!(
        "INSERT INTO users (id, tenant_id, organisation_id, email, display_name, role, password_hash)
         SELECT md5('u-' || t || '-' || k)::uuid, md5('t-' || t)::uuid,
                md5('o-' || t || '-' || CASE WHEN k >= 6 THEN k - 4 ELSE 0 END)::uuid,
                'u' || k || '.bench-' || lpad(t::text, 5, '0') || '@bench.pst.example',
                {first}[1 + (t * 7 + k) % {n_first}] || ' ' || {last}[1 + (t * 3 + k * 5) % {n_last}],
                CASE WHEN k = 0 THEN 'president' WHEN k = 1 THEN 'dg'
                     WHEN k < 6 THEN 'social_worker' ELSE 'partner' END,
                '{hash}'
         FROM generate_series(0, {t_max}) t, generate_series(0, {}) k",
        USERS_PER_TENANT - 1
    ));
    add(format!(
        "INSERT INTO plans (id, tenant_id, title, start_year, end_year, status, adopted_on,
                            update_cadence_days, created_at)
         SELECT md5('p-' || t)::uuid, md5('t-' || t)::uuid,
                'Plan Stratégique Transversal 2025-2030', 2025, 2030, 'adopted', date '2025-03-27', 90,
                timestamptz '2025-01-15 10:00+01'
         FROM generate_series(0, {t_max}) t"
    ));
    add(format!(
        "INSERT INTO objectives (id, tenant_id, plan_id, parent_id, level, volet, code, title, position)
         SELECT md5('s-' || t || '-' || s)::uuid, md5('t-' || t)::uuid, md5('p-' || t)::uuid, NULL,
                'strategic', CASE WHEN s < {externe_strategic} THEN 'externe' ELSE 'interne' END,
                CASE WHEN s < {externe_strategic} THEN 'OSe' || (s + 1) ELSE 'OSi' || (s - {externe_strategic} + 1) END,
                {objective_titles}[s + 1], s
         FROM generate_series(0, {t_max}) t, generate_series(0, {}) s",
        STRATEGIC - 1
    ));
    add(format!(
        "INSERT INTO objectives (id, tenant_id, plan_id, parent_id, level, volet, code, title, position)
         SELECT md5('oo-' || t || '-' || o)::uuid, md5('t-' || t)::uuid, md5('p-' || t)::uuid,
                md5('s-' || t || '-' || (o / {OPERATIONAL_PER_STRATEGIC}))::uuid, 'operational',
                CASE WHEN o < {externe_operational} THEN 'externe' ELSE 'interne' END,
                CASE WHEN o < {externe_operational} THEN 'OOe' || (o + 1) ELSE 'OOi' || (o - {externe_operational} + 1) END,
                {verbs}[1 + (o + t) % {n_verbs}] || ' ' || {objects}[1 + (o * 2 + t) % {n_objects}],
                o % {OPERATIONAL_PER_STRATEGIC}
         FROM generate_series(0, {t_max}) t, generate_series(0, {}) o",
        operational - 1
    ));
    // Last report: up to 120 days ago, so about a quarter of the actions are stale (90-day
    // cadence).
    let reported =
        "(now() - ((a * 11 + t * 5) % 120) * interval '1 day' - (a % 24) * interval '1 hour')";
    add(format!(
        "INSERT INTO actions (id, tenant_id, plan_id, objective_id, code, kind, title, description,
                             status, progress, planned_start, planned_end, actual_end, position,
                             political_lead, administrative_lead, staffing_fte, sdgs,
                             last_reported_at, version, created_at, progress_by_hand)
         SELECT md5('a-' || t || '-' || a)::uuid, md5('t-' || t)::uuid, md5('p-' || t)::uuid,
                md5('oo-' || t || '-' || {oo_of})::uuid,
                CASE WHEN a % 4 = 3 THEN 'P' ELSE 'M' END || {letter} || (a + 1),
                CASE WHEN a % 4 = 3 THEN 'projet' ELSE 'mission' END,
                {title},
                'Action du PST visant à ' || lower({verbs}[1 + (a + t) % {n_verbs}]) || ' '
                    || {objects}[1 + (a / {n_verbs} + 3 * t) % {n_objects}] || ', en concertation avec le réseau local.',
                st, CASE st WHEN 'termine' THEN 100 WHEN 'non_commence' THEN 0 ELSE 1 + (a * 37 + t) % 95 END,
                date '2025-01-01' + (a * 13) % 365,
                date '2025-01-01' + (a * 13) % 365 + 180 + (a * 29) % 900,
                CASE WHEN st = 'termine' THEN date '2025-01-01' + (a * 13) % 365 + 150 END,
                a,
                'Président·e du CPAS',
                {first}[1 + (a + t) % {n_first}] || ' ' || {last}[1 + (a * 3 + t) % {n_last}],
                (a % 8) * 0.25,
                ARRAY[1 + a % 17, 1 + (a * 5 + 3) % 17]::smallint[],
                {reported}, {version}, timestamptz '2025-01-15 10:00+01', {has_steps}
         FROM generate_series(0, {t_max}) t, generate_series(0, {}) a,
              LATERAL (SELECT (ARRAY['en_cours', 'en_cours', 'en_cours', 'non_commence', 'termine',
                                     'en_attente', 'probleme', 'en_cours', 'termine', 'annule_abandonne'])
                              [1 + (a * 7 + t) % 10] AS st) s",
        a_count - 1
    ));
    // Steps of each action, with its status and progress. The actions' progress is set by
    // hand (`progress_by_hand`, as the roll-up trigger is off during the load), so that the
    // write runs' proposals of an action's progress stay what they measure.
    let steps = shape.sub_actions_per_action;
    if steps > 0 {
        add(format!(
            "INSERT INTO actions (id, tenant_id, plan_id, objective_id, parent_id, code, kind, title,
                                 status, progress, planned_start, planned_end, position, weight,
                                 last_reported_at, created_at)
             SELECT md5('sa-' || t || '-' || a || '-' || k)::uuid, p.tenant_id, p.plan_id,
                    p.objective_id, p.id, p.code || '.' || (k + 1), p.kind,
                    'Étape ' || (k + 1) || ' : ' || p.title, p.status, p.progress,
                    p.planned_start, p.planned_end, k, 1, p.last_reported_at, p.created_at
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a,
                  generate_series(0, {}) k,
                  LATERAL (SELECT * FROM actions WHERE id = md5('a-' || t || '-' || a)::uuid) p",
            a_count - 1,
            steps - 1
        ));
    }
    let tasks = shape.tasks_per_action;
    if tasks > 0 {
        // Given to the action's lead organisation by the DG; one in three done.
        add(format!(
            "INSERT INTO tasks (id, tenant_id, action_id, title, assignee_organisation_id, due_on,
                               done_at, done_by, created_by, created_at)
             SELECT md5('tk-' || t || '-' || a || '-' || k)::uuid, md5('t-' || t)::uuid,
                    md5('a-' || t || '-' || a)::uuid,
                    {verbs}[1 + (a + k + t) % {n_verbs}] || ' — point ' || (k + 1),
                    md5('o-' || t || '-' || (a % {ORGANISATIONS}))::uuid,
                    date '2025-02-01' + (a * 17 + k * 90) % 1800,
                    CASE WHEN (a + k) % 3 = 0 THEN timestamptz '2025-06-01 10:00+02' END,
                    CASE WHEN (a + k) % 3 = 0 THEN md5('u-' || t || '-' || (6 + a % 4))::uuid END,
                    md5('u-' || t || '-1')::uuid, timestamptz '2025-01-20 10:00+01'
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a, generate_series(0, {}) k",
            a_count - 1,
            tasks - 1
        ));
    }
    let comments = shape.comments_per_action;
    if comments > 0 {
        // By the tenant's ten people in turn, three days apart; every fifth mentions the DG.
        add(format!(
            "INSERT INTO comments (id, tenant_id, action_id, author_id, body, created_at)
             SELECT md5('cm-' || t || '-' || a || '-' || k)::uuid, md5('t-' || t)::uuid,
                    md5('a-' || t || '-' || a)::uuid, md5('u-' || t || '-' || (k % {USERS_PER_TENANT}))::uuid,
                    'Point ' || (k + 1) || ' : ' || {verbs}[1 + (a + k + t) % {n_verbs}]
                        || ' — réunion tenue avec le partenaire, compte rendu à suivre.',
                    timestamptz '2025-03-01 10:00+01' + k * interval '3 days'
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a, generate_series(0, {}) k",
            a_count - 1,
            comments - 1
        ));
        add(format!(
            "INSERT INTO comment_mentions (tenant_id, comment_id, user_id)
             SELECT md5('t-' || t)::uuid, md5('cm-' || t || '-' || a || '-' || k)::uuid,
                    md5('u-' || t || '-1')::uuid
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a, generate_series(0, {}) k
             WHERE k % 5 = 0",
            a_count - 1,
            comments - 1
        ));
    }
    let files = shape.files_per_action;
    if files > 0 {
        // By the tenant's partners in turn, a month apart: PDFs of 100 to 900 KB, every
        // third a photo. `piece-1.pdf` is the one the download row reads.
        add(format!(
            "INSERT INTO attachments (id, tenant_id, action_id, name, media_type, size_bytes, sha256,
                                     storage_key, uploaded_by, uploaded_at)
             SELECT md5('fl-' || t || '-' || a || '-' || k)::uuid, md5('t-' || t)::uuid,
                    md5('a-' || t || '-' || a)::uuid,
                    'piece-' || (k + 1) || CASE WHEN k % 3 = 2 THEN '.jpg' ELSE '.pdf' END,
                    CASE WHEN k % 3 = 2 THEN 'image/jpeg' ELSE 'application/pdf' END,
                    102400 * (1 + (a + k) % 9),
                    md5('fl-' || t || '-' || a || '-' || k) || md5('sha-' || t || '-' || a || '-' || k),
                    md5('t-' || t)::uuid || '/' || md5('fl-' || t || '-' || a || '-' || k)::uuid,
                    md5('u-' || t || '-' || (6 + (a + k) % 4))::uuid,
                    timestamptz '2025-03-01 10:00+01' + k * interval '30 days'
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a, generate_series(0, {}) k",
            a_count - 1,
            files - 1
        ));
    }
    add(format!(
        "INSERT INTO action_organisations (tenant_id, action_id, organisation_id, role, position)
         SELECT md5('t-' || t)::uuid, md5('a-' || t || '-' || a)::uuid,
                md5('o-' || t || '-' || ((a + r * 3) % {ORGANISATIONS}))::uuid,
                CASE WHEN r = 0 THEN 'lead' ELSE 'collaborator' END, r
         FROM generate_series(0, {t_max}) t, generate_series(0, {}) a, generate_series(0, 1) r
         WHERE r = 0 OR a % 3 = 0",
        a_count - 1
    ));
    if history > 0 {
        // Versions 2 … history + 1, every 20 days up to the last report; odd ones move the
        // progress, even ones the planned end; the president and the DG take turns.
        add(format!(
            "INSERT INTO action_history (tenant_id, action_id, applied_by, proposed_by, at, version, changes)
             SELECT md5('t-' || t)::uuid, md5('a-' || t || '-' || a)::uuid,
                    md5('u-' || t || '-' || (h % 2))::uuid,
                    CASE WHEN h % 3 = 0 THEN md5('u-' || t || '-' || (6 + a % 4))::uuid END,
                    {reported} - ({history} - h) * interval '20 days', h + 1,
                    CASE WHEN h % 2 = 1
                         THEN jsonb_build_array(jsonb_build_object('field', 'progress',
                                  'before', (h - 1) * 5 % 100, 'after', h * 5 % 100))
                         ELSE jsonb_build_array(jsonb_build_object('field', 'planned_end',
                                  'before', (date '2026-06-30' + h * 7)::text,
                                  'after', (date '2026-06-30' + h * 7 + 14)::text))
                    END
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a, generate_series(1, {history}) h",
            a_count - 1
        ));
    }
    let indicators_per_action = shape.indicators_per_action;
    if indicators_per_action > 0 {
        add(format!(
            "INSERT INTO indicators (tenant_id, action_id, name, unit, year, baseline, target,
                                    current_value, measured_at, position)
             SELECT md5('t-' || t)::uuid, md5('a-' || t || '-' || a)::uuid,
                    {indicators}[1 + (a + i) % {n_indicators}], {units}[1 + (a + i) % {n_indicators}],
                    CASE WHEN a % 4 = 3 THEN NULL ELSE 2025 END,
                    (a * 3 + i) % 50, 50 + (a * 7 + i) % 150, (a * 5 + i * 11) % 180,
                    date '2025-01-01' + (a + i * 40) % 300, i
             FROM generate_series(0, {t_max}) t, generate_series(0, {}) a,
                  generate_series(0, {}) i",
            a_count - 1,
            indicators_per_action - 1
        ));
    }
    add("DO $$ DECLARE r record; BEGIN
           FOR r IN SELECT definition FROM bench_indexes LOOP EXECUTE r.definition; END LOOP;
         END $$"
        .into());
    add("SET session_replication_role = origin".into());
    add("VACUUM ANALYZE".into());
    // Written out now, not by a checkpoint in the middle of the measured load.
    add("CHECKPOINT".into());
    sql
}

/// Queries that must all answer 0 on a consistent load.
pub const CHECKS: &str = "
SELECT (SELECT count(*) FROM actions a LEFT JOIN objectives o
            ON o.id = a.objective_id AND o.tenant_id = a.tenant_id AND o.plan_id = a.plan_id
            AND o.level = 'operational' WHERE o.id IS NULL)
     + (SELECT count(*) FROM objectives o LEFT JOIN objectives s
            ON s.id = o.parent_id AND s.tenant_id = o.tenant_id AND s.level = 'strategic'
            WHERE o.parent_id IS NOT NULL AND s.id IS NULL)
     + (SELECT count(*) FROM action_organisations l LEFT JOIN organisations g
            ON g.id = l.organisation_id AND g.tenant_id = l.tenant_id WHERE g.id IS NULL)
     + (SELECT count(*) FROM users u LEFT JOIN organisations g
            ON g.id = u.organisation_id AND g.tenant_id = u.tenant_id WHERE g.id IS NULL)
     + (SELECT count(*) FROM (SELECT DISTINCT action_id, tenant_id FROM action_history) h
            LEFT JOIN actions a ON a.id = h.action_id AND a.tenant_id = h.tenant_id WHERE a.id IS NULL)
     + (SELECT count(*) FROM (SELECT DISTINCT action_id, tenant_id FROM indicators) i
            LEFT JOIN actions a ON a.id = i.action_id AND a.tenant_id = i.tenant_id WHERE a.id IS NULL)
     + (SELECT count(*) FROM actions s LEFT JOIN actions p
            ON p.id = s.parent_id AND p.tenant_id = s.tenant_id AND p.plan_id = s.plan_id
            AND p.parent_id IS NULL WHERE s.parent_id IS NOT NULL AND p.id IS NULL)
     + (SELECT count(*) FROM tasks k LEFT JOIN actions a
            ON a.id = k.action_id AND a.tenant_id = k.tenant_id WHERE a.id IS NULL)
     + (SELECT count(*) FROM tasks k LEFT JOIN organisations g
            ON g.id = k.assignee_organisation_id AND g.tenant_id = k.tenant_id WHERE g.id IS NULL)
     + (SELECT count(*) FROM comments c LEFT JOIN users u
            ON u.id = c.author_id AND u.tenant_id = c.tenant_id WHERE u.id IS NULL)
     + (SELECT count(*) FROM attachments f LEFT JOIN actions a
            ON a.id = f.action_id AND a.tenant_id = f.tenant_id WHERE a.id IS NULL)";

/// Pending proposals (progress +5) by a social worker, one per action that is neither done
/// nor abandoned, on the actions of `tenants`: what the approval run decides. `id|tenant`.
pub fn pending_proposals(tenants: &[u32]) -> String {
    let list: Vec<String> = tenants
        .iter()
        .map(|t| format!("md5('t-{t}')::uuid"))
        .collect();
    // One pending proposal per author and action: those the write runs left are set aside.
    format!(
        "UPDATE change_requests SET status = 'withdrawn', version = version + 1
          WHERE status = 'pending' AND tenant_id IN ({list});
         INSERT INTO change_requests (tenant_id, action_id, author_id, base_version, changes, before, note)
         SELECT a.tenant_id, a.id, u.id, a.version,
                jsonb_build_object('progress', least(a.progress + 5, 100)),
                jsonb_build_object('progress', a.progress),
                'Point d''avancement trimestriel'
         FROM actions a
         JOIN users u ON u.tenant_id = a.tenant_id AND u.role = 'social_worker'
                     AND u.email LIKE 'u2.%'
         WHERE a.tenant_id IN ({list})
           AND a.status NOT IN ('termine', 'annule_abandonne') AND a.archived_at IS NULL
           AND a.parent_id IS NULL
         RETURNING id, (SELECT slug FROM tenants WHERE id = tenant_id)",
        list = list.join(", ")
    )
}
