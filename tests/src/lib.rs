//! Test support: a fresh database per test, cloned from a migrated and seeded template, and
//! the server running in-process on a free port, driven over HTTP like any client.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use backend::configuration::{LogFormat, Settings};
use backend::startup::Application;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde::de::DeserializeOwned;

/// Password of every demo account in the test databases.
pub const PASSWORD: &str = "test-password-2026";

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

/// Name of the template database, which changes whenever what it is made of changes
/// (migrations, seed files, demo accounts), so a stale template is never reused.
fn template_name() -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let root = xtask::project_root();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["migrations", "backend/seed"] {
        let mut stack = vec![root.join(dir)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        file.hash(&mut hasher);
        std::fs::read(file)
            .expect("readable file")
            .hash(&mut hasher);
    }
    format!("{:?}", backend::db::seed::DEMO_ACCOUNTS).hash(&mut hasher);
    PASSWORD.hash(&mut hasher);
    format!("pst_template_{:016x}", hasher.finish())
}

/// Creates (once per test cluster and content) the template database: migrated, demo plans
/// and accounts loaded. Returns its name.
fn ensure_template(admin: &str) -> String {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let template = template_name();
        let template = template.as_str();
        let mut conn = PgConnection::establish(admin).expect("the test cluster answers");
        // Several test binaries may start together: one builds the template, the others wait.
        diesel::sql_query("SELECT pg_advisory_lock(4242)")
            .execute(&mut conn)
            .expect("advisory lock");
        let ready = diesel::sql_query(format!(
            "SELECT 1 FROM pg_database WHERE datname = '{template}' AND datistemplate"
        ))
        .execute(&mut conn)
        .expect("catalog query")
            == 1;
        if !ready {
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {template} WITH (FORCE)"))
                .execute(&mut conn)
                .expect("drop a half-made template");
            diesel::sql_query(format!("CREATE DATABASE {template}"))
                .execute(&mut conn)
                .expect("create the template");
            {
                let mut conn = PgConnection::establish(&with_database(admin, template))
                    .expect("connect to the template");
                backend::db::run_migrations(&mut conn).expect("migrations apply");
                backend::db::seed::load_demo_plans(&mut conn).expect("seed loads");
                backend::db::seed::load_demo_accounts(&mut conn, PASSWORD)
                    .expect("demo accounts load");
            }
            diesel::sql_query(format!("ALTER DATABASE {template} IS_TEMPLATE true"))
                .execute(&mut conn)
                .expect("mark the template");
        }
        diesel::sql_query("SELECT pg_advisory_unlock(4242)")
            .execute(&mut conn)
            .expect("advisory unlock");
        template.to_owned()
    })
    .clone()
}

/// A new database with the schema and the two demo plans; returns its URL.
pub fn fresh_database() -> String {
    let admin = admin_url();
    let template = ensure_template(&admin);
    let name = format!("pst_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(&admin).expect("the test cluster answers");
    diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut conn)
        .expect("clone the template");
    with_database(&admin, &name)
}

/// A random signing key for one test server.
pub fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Settings of a test server, with its signing key in clear (to forge tokens).
pub struct TestSettings {
    pub settings: Settings,
    pub jwt_secret: String,
}

/// Settings for an in-process server on a free port.
pub fn test_settings(database_url: String) -> TestSettings {
    let jwt_secret = random_secret();
    let settings = Settings {
        database_url,
        jwt_secret: jwt_secret.parse().expect("a strong secret"),
        demo_password: PASSWORD.to_owned(),
        login_max_failures: 10,
        login_max_failures_per_ip: 50,
        trust_proxy: false,
        smtp_url: None,
        mail_from: "PST <pst@cpas.example>".to_owned(),
        public_url: "http://127.0.0.1".to_owned(),
        reminder_interval_secs: 3600,
        mail_interval_secs: 1,
        bind: "127.0.0.1:0".to_owned(),
        db_pool_size: 4,
        db_timeout_ms: 2000,
        static_dir: None,
        demo: false,
        log_format: LogFormat::Pretty,
        workers: Some(1),
        token_rate_limit: 600,
        cors_origins: vec!["https://pcs.commune.example".to_owned()],
        webhook_allow_loopback_http: true,
        webhook_interval_ms: 100,
        webhook_retry_base_ms: 200,
        bench_ceiling_file: None,
    };
    TestSettings {
        settings,
        jwt_secret,
    }
}

/// The server under test and an HTTP client for it.
pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub client: reqwest::Client,
    /// The key the server signs tokens with, to forge tokens in tests.
    pub jwt_secret: String,
}

/// Starts the server on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings(fresh_database())).await
}

/// Starts the server with these settings.
pub async fn spawn_app_with(
    TestSettings {
        settings,
        jwt_secret,
    }: TestSettings,
) -> TestApp {
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
        jwt_secret,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client"),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// GET without credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers")
    }

    /// A request of any method with a bearer token and an optional JSON body.
    pub async fn send_as(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the server answers")
    }

    /// POST a JSON body, without credentials.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.send_as(reqwest::Method::POST, None, path, Some(body))
            .await
    }

    /// Logs in; panics unless it works.
    pub async fn login(&self, email: &str) -> api_types::TokenResponse {
        self.login_with(email, PASSWORD).await
    }

    pub async fn login_with(&self, email: &str, password: &str) -> api_types::TokenResponse {
        let response = self
            .post_json(
                "/api/v1/auth/login",
                &serde_json::json!({ "email": email, "password": password }),
            )
            .await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "login of {email}: {body}");
        serde_json::from_str(&body).expect("tokens")
    }

    /// The access token of a demo account.
    pub async fn token(&self, email: &str) -> String {
        self.login(email).await.access_token
    }

    /// GET with a token that must answer 200 with JSON of type `T`.
    pub async fn get_ok_as<T: DeserializeOwned>(&self, token: &str, path: &str) -> T {
        let response = self.get_as(token, path).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "GET {path} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// GET without credentials that must answer 200 with JSON of type `T`.
    pub async fn get_ok<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "GET {path} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// The plan of the tenant with this slug, read by its president.
    pub async fn plan_of(&self, tenant_slug: &str) -> api_types::PlanTree {
        let token = self
            .token(&format!("president@{tenant_slug}.example"))
            .await;
        let plans: Vec<api_types::PlanSummary> = self.get_ok_as(&token, "/api/v1/plans").await;
        let summary = plans.first().expect("the tenant has a plan");
        assert_eq!(summary.tenant.slug, tenant_slug);
        self.get_ok_as(&token, &format!("/api/v1/plans/{}", summary.id))
            .await
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
