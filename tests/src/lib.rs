//! Test support: a fresh database per test, cloned from a migrated and seeded template, and
//! the server running in-process on a free port, driven over HTTP like any client.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use backend::configuration::{LogFormat, Settings};
use backend::startup::Application;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub mod workbook;

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
                backend::app::demo::load_plans(&mut conn).expect("seed loads");
                backend::app::demo::load_accounts(&mut conn, PASSWORD).expect("demo accounts load");
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

/// The key sealing stored secrets (`PST_SECRETS_KEY`) of every test server of this run,
/// in-process or child process: servers that share a database (a restart, a second
/// instance) must open each other's secrets, as in production.
pub fn test_secrets_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| backend::secrets::generate_key().expect("a random key"))
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
        secrets_key: backend::secrets::SecretKey::parse(test_secrets_key()).expect("a valid key"),
        secrets_previous_keys: backend::secrets::PreviousKeys::default(),
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
        shutdown_timeout_secs: 15,
        plan_cache_mb: 16,
        token_rate_limit: 600,
        import_concurrency: 2,
        cors_origins: vec!["https://pcs.commune.example".to_owned()],
        webhook_allow_loopback_http: true,
        oidc_allow_loopback_http: true,
        webhook_interval_ms: 100,
        webhook_retry_base_ms: 200,
        bench_ceiling_file: None,
        // A folder of its own per server, under the system's temporary folder.
        file_store: std::env::temp_dir()
            .join(format!("pst-files-{}", uuid::Uuid::new_v4().simple()))
            .display()
            .to_string(),
        file_max_mb: 20,
        file_quota_mb: 5120,
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
    /// Where the server keeps evidence files (`PST_FILE_STORE`).
    pub file_store: String,
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
    let file_store = settings.file_store.clone();
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
        file_store,
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

/// A PostgreSQL cluster of the test's own, to stop and restart without disturbing the other
/// tests, with an empty database `pst`; and settings of a server that loads the demo data
/// there and gives up on the database after 500 ms. Keep the folder while the cluster runs.
pub fn own_cluster(prefix: &str) -> (ScratchDir, xtask::pg::Cluster, TestSettings) {
    let dir = ScratchDir::new(prefix);
    let cluster = xtask::pg::Cluster::scratch(&dir.0).expect("scratch cluster");
    cluster.ensure_running().expect("cluster starts");
    cluster.ensure_database("pst").expect("database");
    let mut settings = test_settings(cluster.url("pst"));
    settings.settings.demo = true;
    settings.settings.db_timeout_ms = 500;
    (dir, cluster, settings)
}

/// The text of a DOCX's body (`word/document.xml`), to look for what the document says.
pub fn docx_body(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut document)
        .expect("xml");
    document
}

/// `(own statements, account check)` of an answer's `Server-Timing`
/// (`db;…;desc="N queries", auth;desc="M queries"`).
pub fn statement_counts(response: &reqwest::Response) -> (u32, u32) {
    let timing = response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .expect("a Server-Timing header");
    let count = |metric: &str| -> u32 {
        timing
            .split(',')
            .map(str::trim)
            .find(|m| m.starts_with(&format!("{metric};")))
            .and_then(|m| m.split(';').find_map(|p| p.trim().strip_prefix("desc=\"")))
            .and_then(|d| d.strip_suffix(" queries\""))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {metric} count in Server-Timing: {timing}"))
    };
    (count("db"), count("auth"))
}

/// A request as `token` with a JSON body: the status and the body's text.
pub async fn send_text(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, String) {
    let response = app.send_as(method, Some(token), path, Some(&body)).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// A request as `token` with a JSON body: the status and the body as JSON (`null` when it
/// is not).
pub async fn send_json(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let (status, text) = send_text(app, token, method, path, body).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
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

// --- a webhook receiver -------------------------------------------------------------

/// What a receiver got: headers (lowercased names) and body.
pub type Received = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

/// A minimal HTTP receiver on `port`: answers 200 to every request and keeps them.
pub async fn receiver(port: u16, received: Received) -> tokio::task::JoinHandle<()> {
    slow_receiver(port, received, Duration::ZERO).await
}

/// A receiver that takes `delay` before answering each request (a slow integrator).
pub async fn slow_receiver(
    port: u16,
    received: Received,
    delay: Duration,
) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("receiver port");
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let received = Arc::clone(&received);
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buffer = [0u8; 8192];
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&data).into_owned();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let headers: Vec<(String, String)> = text[..end]
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
                        .collect();
                    let length: usize = headers
                        .iter()
                        .find(|(n, _)| n == "content-length")
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(0);
                    if data.len() < end + 4 + length {
                        continue;
                    }
                    let body =
                        String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
                    received.lock().expect("lock").push((headers, body));
                    tokio::time::sleep(delay).await;
                    let _ = socket
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        )
                        .await;
                    return;
                }
            });
        }
    })
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port()
}

/// Polls `check` every 100 ms for up to 15 s; panics naming `what` when it never holds.
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..150 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

// --- a mail server ---------------------------------------------------------------------

/// An e-mail the sink received, decoded (RFC 2047 subject, quoted-printable or base64 body).
#[derive(Debug, Clone)]
pub struct SentMail {
    /// The `To` header as written (`"Name" <address>`).
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Every header, its name and decoded value.
    pub headers: Vec<(String, String)>,
}

impl SentMail {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The e-mails a sink received, in order.
pub type Mailbox = Arc<Mutex<Vec<SentMail>>>;

/// A minimal SMTP server on a free port that accepts every message and keeps it decoded.
pub async fn smtp_sink() -> (u16, Mailbox) {
    use tokio::io::AsyncBufReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let messages: Mailbox = Arc::new(Mutex::new(Vec::new()));
    let kept = messages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = tokio::io::BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut message = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            let raw = std::mem::take(&mut message);
                            kept.lock().expect("lock").push(decode_mail(&raw));
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            // SMTP doubles a line's leading dot.
                            message.push_str(
                                line.strip_prefix('.')
                                    .filter(|_| line.starts_with(".."))
                                    .unwrap_or(&line),
                            );
                            message.push_str("\r\n");
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, messages)
}

fn decode_mail(raw: &str) -> SentMail {
    use mailparse::MailHeaderMap;
    let parsed = mailparse::parse_mail(raw.as_bytes()).expect("an RFC 5322 message");
    let headers = parsed
        .headers
        .iter()
        .map(|h| (h.get_key(), h.get_value()))
        .collect();
    SentMail {
        to: parsed.headers.get_first_value("To").unwrap_or_default(),
        subject: parsed
            .headers
            .get_first_value("Subject")
            .unwrap_or_default(),
        body: parsed
            .get_body()
            .expect("a readable body")
            .replace("\r\n", "\n"),
        headers,
    }
}

// --- the server as a child process ---------------------------------------------------

/// The real server entry point running as a child process, to kill it (`SIGKILL`) or stop
/// it (`SIGTERM`) as production does. `binary` is `env!("CARGO_BIN_EXE_pst-server-under-test")`.
pub struct ServerProcess {
    child: std::process::Child,
    binary: PathBuf,
    env: Vec<(String, String)>,
    pub port: u16,
    pub database_url: String,
}

impl ServerProcess {
    /// Starts the server on `database_url` (already migrated: a template clone) and waits
    /// until it is ready.
    pub async fn start(binary: &str, database_url: &str, jwt_secret: &str) -> Self {
        Self::start_with(binary, database_url, jwt_secret, &[]).await
    }

    /// Starts the server as [`ServerProcess::start`] does, with more environment variables
    /// (settings of `backend::configuration::Settings`).
    pub async fn start_with(
        binary: &str,
        database_url: &str,
        jwt_secret: &str,
        extra_env: &[(&str, &str)],
    ) -> Self {
        let port = free_port();
        let mut env = vec![
            ("DATABASE_URL".to_owned(), database_url.to_owned()),
            ("PST_JWT_SECRET".to_owned(), jwt_secret.to_owned()),
            ("PST_SECRETS_KEY".to_owned(), test_secrets_key().to_owned()),
            ("PST_BIND".to_owned(), format!("127.0.0.1:{port}")),
            ("PST_WORKERS".to_owned(), "2".to_owned()),
            ("PST_DB_POOL_SIZE".to_owned(), "8".to_owned()),
            ("PST_LOG".to_owned(), "warn".to_owned()),
            (
                "PST_WEBHOOK_ALLOW_LOOPBACK_HTTP".to_owned(),
                "true".to_owned(),
            ),
            ("PST_WEBHOOK_INTERVAL_MS".to_owned(), "100".to_owned()),
            (
                "PST_FILE_STORE".to_owned(),
                std::env::temp_dir()
                    .join(format!("pst-files-{}", uuid::Uuid::new_v4().simple()))
                    .display()
                    .to_string(),
            ),
        ];
        env.extend(
            extra_env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let mut server = Self {
            child: Self::spawn(Path::new(binary), &env),
            binary: PathBuf::from(binary),
            env,
            port,
            database_url: database_url.to_owned(),
        };
        server.wait_ready().await;
        server
    }

    fn spawn(binary: &Path, env: &[(String, String)]) -> std::process::Child {
        std::process::Command::new(binary)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .spawn()
            .expect("the server starts")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A client of this server, with the usual helpers (login, plan lookup…).
    pub fn app(&self, jwt_secret: &str) -> TestApp {
        TestApp {
            address: self.url(""),
            database_url: self.database_url.clone(),
            jwt_secret: jwt_secret.to_owned(),
            file_store: self
                .env
                .iter()
                .rev()
                .find(|(k, _)| k == "PST_FILE_STORE")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.get(self.url("/readyz")).send().await
                && response.status() == 200
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited at start: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// `kill -TERM`: what an orchestrator sends to stop an instance.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM delivered");
    }

    /// Waits for the process to exit by itself; panics after `timeout`.
    pub async fn exited_within(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not exit within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Changes an environment variable of the next [`Self::restart`] (e.g. a new
    /// `PST_SECRETS_KEY`, the old one moved to `PST_SECRETS_PREVIOUS_KEYS`).
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }

    /// Starts the same server again (same port, database and key) after it died.
    pub async fn restart(&mut self) {
        assert!(
            self.child.try_wait().expect("try_wait").is_some(),
            "the old process is gone"
        );
        self.child = Self::spawn(&self.binary, &self.env);
        self.wait_ready().await;
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// --- a load of writes ------------------------------------------------------------------

/// What a load of writes got back.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    /// Ids of the proposals answered 201: each must be in the database.
    pub created: Vec<uuid::Uuid>,
    /// Count of answers per status other than 201 ("connection" when there was none).
    pub others: std::collections::BTreeMap<String, usize>,
    /// Answers that were neither 201 nor a 503 problem+json with Retry-After.
    pub unexpected: Vec<String>,
    /// The slowest answer.
    pub slowest: Duration,
}

enum Answer {
    /// The connection was refused: no server listening.
    Refused,
    /// No complete answer (timeout, reset mid-answer).
    Nothing(String),
    Status {
        status: u16,
        problem: bool,
        retry_after: bool,
        text: String,
    },
}

impl LoadOutcome {
    /// Records one answer; true when it was not a success.
    fn record(&mut self, answer: Answer, elapsed: Duration) -> bool {
        self.slowest = self.slowest.max(elapsed);
        match answer {
            Answer::Refused => {
                *self.others.entry("connection".to_owned()).or_default() += 1;
                true
            }
            Answer::Nothing(error) => {
                *self.others.entry("no answer".to_owned()).or_default() += 1;
                self.unexpected.push(format!("no answer: {error}"));
                true
            }
            Answer::Status {
                status: 201, text, ..
            } => {
                let created: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                match created["id"].as_str().and_then(|id| id.parse().ok()) {
                    Some(id) => self.created.push(id),
                    None => self.unexpected.push(format!("201 without an id: {text}")),
                }
                false
            }
            Answer::Status {
                status,
                problem,
                retry_after,
                text,
            } => {
                *self.others.entry(status.to_string()).or_default() += 1;
                if !(status == 503 && problem && retry_after) {
                    self.unexpected.push(format!("{status}: {text}"));
                }
                true
            }
        }
    }
}

/// `writers` concurrent clients proposing changes to `action` until `stop` is set. Each
/// request has a 10 s deadline: a hang shows up as an "unexpected" answer. They share one
/// author, who has one pending proposal per action: each proposal replaces the pending one
/// (`replaces`), and a writer told another is pending (or that the one it replaces is no
/// longer) sends again naming the right one; those 409s are the rule at work, not counted.
pub struct WriteLoad {
    stop: Arc<std::sync::atomic::AtomicBool>,
    outcome: Arc<Mutex<LoadOutcome>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl WriteLoad {
    pub fn start(
        base_url: &str,
        token: &str,
        action: &str,
        base_version: i32,
        writers: usize,
    ) -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let outcome = Arc::new(Mutex::new(LoadOutcome::default()));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client");
        let url = format!("{base_url}/api/v1/actions/{action}/change-requests");
        let tasks = (0..writers)
            .map(|writer| {
                let (stop, outcome, client, url, token) = (
                    Arc::clone(&stop),
                    Arc::clone(&outcome),
                    client.clone(),
                    url.clone(),
                    token.to_owned(),
                );
                tokio::spawn(async move {
                    let mut n = 0;
                    let mut replaces: Option<String> = None;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        n += 1;
                        let body = serde_json::json!({
                            "base_version": base_version,
                            "changes": { "progress": (n % 100) },
                            "note": format!("Charge : rédacteur {writer}, proposition {n}."),
                            "replaces": replaces,
                        });
                        let started = std::time::Instant::now();
                        let answer = match client
                            .post(&url)
                            .bearer_auth(&token)
                            .json(&body)
                            .send()
                            .await
                        {
                            Err(error) if error.is_connect() => Answer::Refused,
                            Err(error) => Answer::Nothing(error.to_string()),
                            Ok(response) => {
                                let status = response.status().as_u16();
                                let problem = response
                                    .headers()
                                    .get("content-type")
                                    .is_some_and(|v| v == "application/problem+json");
                                let retry_after = response.headers().contains_key("retry-after");
                                match response.text().await {
                                    Ok(text) => Answer::Status {
                                        status,
                                        problem,
                                        retry_after,
                                        text,
                                    },
                                    Err(error) => Answer::Nothing(error.to_string()),
                                }
                            }
                        };
                        if let Answer::Status {
                            status: 409 | 201,
                            text,
                            ..
                        } = &answer
                        {
                            let answered: serde_json::Value =
                                serde_json::from_str(text).unwrap_or_default();
                            match answered["code"].as_str() {
                                Some("proposal_already_pending") => {
                                    replaces = answered["pending_change_request_id"]
                                        .as_str()
                                        .map(str::to_owned);
                                    continue;
                                }
                                Some("already_decided") => {
                                    replaces = None;
                                    continue;
                                }
                                _ => {
                                    replaces = answered["id"].as_str().map(str::to_owned);
                                }
                            }
                        }
                        let failed = outcome
                            .lock()
                            .expect("lock")
                            .record(answer, started.elapsed());
                        if failed {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                })
            })
            .collect();
        Self {
            stop,
            outcome,
            tasks,
        }
    }

    /// Proposals answered 201 so far.
    pub fn created(&self) -> usize {
        self.outcome.lock().expect("lock").created.len()
    }

    /// Stops the writers and returns what they got.
    pub async fn finish(self) -> LoadOutcome {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for task in self.tasks {
            task.await.expect("writer task");
        }
        std::mem::take(&mut *self.outcome.lock().expect("lock"))
    }
}

/// A figure of `/proc/<pid>/status` (`VmRSS:`, `VmHWM:`…), in MiB.
pub fn memory_mib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| kib / 1024)
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

// --- an OpenID Connect provider ---------------------------------------------------------

/// A real OpenID Connect provider (`tests/oidc/provider.mjs`: npm `oidc-provider`), its
/// test client `pst` and the users it was given, for as long as this value lives.
pub struct OidcProvider {
    child: tokio::process::Child,
    pub issuer: String,
    client: reqwest::Client,
}

/// The test client's id and secret at [`OidcProvider`] (as `provider.mjs` declares them).
pub const OIDC_CLIENT_ID: &str = "pst";
pub const OIDC_CLIENT_SECRET: &str = "pst-test-client-secret-0123456789";

impl OidcProvider {
    /// Starts the provider; it sends people back to `redirect_uri`. `users` are
    /// `(login, e-mail)`.
    pub async fn start(redirect_uri: &str, users: &[(&str, &str)]) -> Self {
        use tokio::io::AsyncBufReadExt;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc/provider.mjs");
        let mut command = tokio::process::Command::new("node");
        command
            .arg(&script)
            .args(["--redirect-uri", redirect_uri])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        for (login, email) in users {
            command.args(["--user", &format!("{login}={email}")]);
        }
        let mut child = command
            .spawn()
            .expect("node runs tests/oidc/provider.mjs (npm ci installs oidc-provider)");
        let stdout = child.stdout.take().expect("its output");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the provider starts within 20 s")
            .expect("its output")
            .expect("a first line");
        let started: serde_json::Value = serde_json::from_str(&first).expect("a JSON line");
        // Drained while it runs: a closed pipe would stop the provider at its next line.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            child,
            issuer: started["issuer"].as_str().expect("an issuer").to_owned(),
            client: reqwest::Client::new(),
        }
    }

    async fn control(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let response = self
            .client
            .post(format!("{}/__test/{path}", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("the provider answers");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.expect("JSON")
    }

    /// From now on, the token endpoint's ID token is re-signed: `normal`, `wrong-audience`,
    /// `wrong-issuer` or `bad-signature`.
    pub async fn id_token_mode(&self, mode: &str) {
        self.control("id-token", serde_json::json!({ "mode": mode }))
            .await;
    }

    /// A new signing key at the provider (the old one is gone).
    pub async fn rotate_keys(&self) {
        self.control("rotate", serde_json::json!({})).await;
    }

    /// Plays the person `login`'s browser from the authorization URL to the redirect back:
    /// answers the code and state the redirect carries.
    pub async fn sign_in(&self, authorization_url: &str, login: &str) -> (String, String) {
        let answer = self
            .control(
                "sign-in",
                serde_json::json!({ "url": authorization_url, "login": login }),
            )
            .await;
        let location = answer["location"].as_str().expect("a redirect");
        let url = reqwest::Url::parse(location).expect("a URL");
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| panic!("no {name} in {location}"))
        };
        (param("code"), param("state"))
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
