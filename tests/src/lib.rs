//! Test support: a fresh database per test, cloned from a migrated and seeded template, and
//! the server running in-process on a free port, driven over HTTP like any client.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use backend::configuration::{LogFormat, Settings};
use backend::startup::Application;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde::de::DeserializeOwned;

const TEMPLATE: &str = "pst_template";

/// URL of the maintenance database of the test cluster: `PST_TEST_DATABASE_URL` (set by
/// `cargo xtask test`), or the project's test cluster, started on demand.
pub fn admin_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("PST_TEST_DATABASE_URL") {
            return url;
        }
        let cluster = xtask::pg::Cluster::project(
            &xtask::project_root(),
            "postgres-test",
            xtask::test_pg_port(),
            xtask::pg::Durability::Disposable,
        )
        .expect("the test cluster can be set up");
        cluster.ensure_running().expect("the test cluster starts");
        cluster.url("postgres")
    })
    .clone()
}

/// Replaces the database name at the end of a `postgres://…/name` URL.
pub fn with_database(url: &str, database: &str) -> String {
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    format!("{base}/{database}")
}

/// Creates (once per test cluster) the template database: migrated, demo plans loaded.
fn ensure_template(admin: &str) {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let mut conn = PgConnection::establish(admin).expect("the test cluster answers");
        // Several test binaries may start together: one builds the template, the others wait.
        diesel::sql_query("SELECT pg_advisory_lock(4242)")
            .execute(&mut conn)
            .expect("advisory lock");
        let ready = diesel::sql_query(format!(
            "SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE}' AND datistemplate"
        ))
        .execute(&mut conn)
        .expect("catalog query")
            == 1;
        if !ready {
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))
                .execute(&mut conn)
                .expect("drop a half-made template");
            diesel::sql_query(format!("CREATE DATABASE {TEMPLATE}"))
                .execute(&mut conn)
                .expect("create the template");
            {
                let mut template = PgConnection::establish(&with_database(admin, TEMPLATE))
                    .expect("connect to the template");
                backend::db::run_migrations(&mut template).expect("migrations apply");
                backend::db::seed::load_demo_plans(&mut template).expect("seed loads");
            }
            diesel::sql_query(format!("ALTER DATABASE {TEMPLATE} IS_TEMPLATE true"))
                .execute(&mut conn)
                .expect("mark the template");
        }
        diesel::sql_query("SELECT pg_advisory_unlock(4242)")
            .execute(&mut conn)
            .expect("advisory unlock");
    });
}

/// A new database with the schema and the two demo plans; returns its URL.
pub fn fresh_database() -> String {
    let admin = admin_url();
    ensure_template(&admin);
    let name = format!("pst_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(&admin).expect("the test cluster answers");
    diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .execute(&mut conn)
        .expect("clone the template");
    with_database(&admin, &name)
}

/// Settings for an in-process server on a free port.
pub fn test_settings(database_url: String) -> Settings {
    Settings {
        database_url,
        bind: "127.0.0.1:0".to_owned(),
        db_pool_size: 4,
        db_timeout_ms: 2000,
        static_dir: None,
        demo: false,
        log_format: LogFormat::Pretty,
        workers: Some(1),
    }
}

/// The server under test and an HTTP client for it.
pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub client: reqwest::Client,
}

/// Starts the server on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings(fresh_database())).await
}

/// Starts the server with these settings.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    if std::env::var_os("PST_TEST_LOG").is_some() {
        backend::telemetry::init(LogFormat::Pretty);
    }
    let database_url = settings.database_url.clone();
    let app = tokio::task::spawn_blocking(move || Application::build(&settings))
        .await
        .expect("build task")
        .expect("the server builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client"),
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("the server answers")
    }

    /// GET that must answer 200 with JSON of type `T`.
    pub async fn get_ok<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "GET {path} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// The plan of the tenant with this slug.
    pub async fn plan_of(&self, tenant_slug: &str) -> api_types::PlanTree {
        let plans: Vec<api_types::PlanSummary> = self.get_ok("/api/v1/plans").await;
        let summary = plans
            .iter()
            .find(|p| p.tenant.slug == tenant_slug)
            .unwrap_or_else(|| panic!("no plan for tenant {tenant_slug}"));
        self.get_ok(&format!("/api/v1/plans/{}", summary.id)).await
    }

    /// A direct connection to this test's database, to arrange or inspect state.
    pub fn connection(&self) -> PgConnection {
        PgConnection::establish(&self.database_url).expect("the test database answers")
    }
}

/// A scratch folder under the system temp dir, removed when dropped.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new(prefix: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Self(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
