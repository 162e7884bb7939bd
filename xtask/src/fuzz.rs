//! Schema fuzzing: Schemathesis generates requests from `openapi/openapi.json` and sends
//! them to the real server binary, once per kind of caller ([`Identity`]): the demo
//! Directeur général, a partner (the PCS), an API token of the PCS, and nobody. Every
//! answer must be one the document promises (status, content type, headers, body), none a
//! 5xx, and no schema-valid request may be refused for a rule the schema could have stated
//! (see [`refused_schema_valid`]).
//!
//! The run configuration (checks, per-operation settings) is `tests/schemathesis.toml`;
//! each identity adds its own authentication to a copy of it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::pg::Cluster;

/// Password of the demo accounts in the fuzzed server.
const PASSWORD: &str = "fuzz-password-2026";
/// A fixed seed: the same requests every run, so a failure is reproducible and a green run
/// stays green.
const SEED: u64 = 20_260_801;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// For every `cargo xtask test`: a minute or so per identity, without the stateful phase.
    Short,
    /// `cargo xtask fuzz --long` (and `cargo xtask test --fuzz`): at least 5,000 requests
    /// per identity, with the stateful phase (sequences following the document's links).
    Long,
}

impl Length {
    /// Test cases per operation and phase (Schemathesis `--max-examples`).
    fn max_examples(self) -> u32 {
        match self {
            Self::Short => 5,
            Self::Long => 60,
        }
    }

    fn phases(self) -> &'static str {
        match self {
            Self::Short => "examples,coverage,fuzzing",
            Self::Long => "examples,coverage,fuzzing,stateful",
        }
    }

    /// Requests each identity's run must have sent, lest a misconfiguration pass as a green
    /// run.
    fn minimum_requests(self) -> u64 {
        match self {
            Self::Short => 1_000,
            Self::Long => 5_000,
        }
    }
}

/// Who the fuzzer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// `dg@cpas-a.example`: reaches the most operations (structure, accounts, integrations).
    Dg,
    /// `pcs@cpas-a.example`: a partner, who proposes on the actions of its organisation.
    Partner,
    /// An API token of the PCS with every scope, created through the API at the start.
    ApiToken,
    /// No credential at all.
    Anonymous,
}

impl Identity {
    pub const ALL: [Identity; 4] = [
        Identity::Dg,
        Identity::Partner,
        Identity::ApiToken,
        Identity::Anonymous,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Dg => "dg",
            Self::Partner => "partner",
            Self::ApiToken => "api-token",
            Self::Anonymous => "anonymous",
        }
    }
}

/// What one identity's run found.
#[derive(Debug, Clone)]
pub struct Totals {
    pub identity: Identity,
    pub requests: u64,
    /// Failed checks, as Schemathesis reports them (server errors, schema violations…).
    pub failures: u64,
    /// Schema-valid requests refused for a rule the schema can state.
    pub refused: u64,
    pub seconds: f64,
}

/// The real server binary on a fresh database with the demo data, on a free port; killed
/// when dropped.
pub struct DemoServer {
    pub port: u16,
    pub password: &'static str,
    child: Child,
    log: PathBuf,
}

impl DemoServer {
    /// Starts `server` on a new database `database` of `cluster`, logging to `log`. Limits
    /// meant against abuse are lifted: a fuzzer sends thousands of requests a minute and
    /// fails logins on purpose. The webhook worker never sends (fuzzed URLs are arbitrary
    /// hosts).
    pub fn start(
        cluster: &Cluster,
        server: &Path,
        database: &str,
        log: &Path,
    ) -> anyhow::Result<Self> {
        cluster.psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
        )?;
        cluster.psql("postgres", &format!("CREATE DATABASE {database}"))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let file = std::fs::File::create(log)?;
        let child = Command::new(server)
            .arg("serve")
            .env("DATABASE_URL", cluster.url(database))
            .env("PST_BIND", format!("127.0.0.1:{port}"))
            .env("PST_DEMO", "true")
            .env("PST_DEMO_PASSWORD", PASSWORD)
            .env("PST_JWT_SECRET", crate::random_hex(32)?)
            .env("PST_SECRETS_KEY", crate::random_secrets_key()?)
            .env("PST_LOG", "warn")
            .env("PST_FILE_STORE", crate::scratch_file_store("fuzz")?)
            .env("PST_TOKEN_RATE_LIMIT", "1000000")
            .env("PST_LOGIN_MAX_FAILURES", "1000000")
            .env("PST_LOGIN_MAX_FAILURES_PER_IP", "1000000")
            // The worker makes one pass at start (nothing is registered yet), then sleeps
            // past the run.
            .env("PST_WEBHOOK_INTERVAL_MS", "86400000")
            .env("PST_REMINDER_INTERVAL_SECS", "86400")
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .context("cannot start pst-server")?;
        let server = Self {
            port,
            password: PASSWORD,
            child,
            log: log.to_path_buf(),
        };
        crate::pg::wait_for_port(port, Duration::from_secs(30))?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// An access token of the demo account `email`.
    pub fn login(&self, email: &str) -> anyhow::Result<String> {
        let (status, body) = crate::http::request(
            self.port,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&serde_json::json!({ "email": email, "password": PASSWORD })),
        )?;
        if status != 200 {
            bail!("logging in as {email}: {status} {body}");
        }
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access_token")
    }

    /// A new API token of the PCS of CPAS A with every scope, created by its DG.
    pub fn pcs_api_token(&self) -> anyhow::Result<String> {
        let partner = self.login("pcs@cpas-a.example")?;
        let (_, me) = crate::http::request(self.port, "GET", "/api/v1/me", Some(&partner), None)?;
        let organisation = me["organisation"]["id"]
            .as_str()
            .context("the PCS account has no organisation")?
            .to_owned();
        let dg = self.login("dg@cpas-a.example")?;
        let (status, created) = crate::http::request(
            self.port,
            "POST",
            "/api/v1/api-tokens",
            Some(&dg),
            Some(&serde_json::json!({
                "name": "Intégration du PCS (fuzzing)",
                "organisation_id": organisation,
                "scopes": ["plans:read", "actions:propose", "webhooks:manage"],
            })),
        )?;
        if status != 201 {
            bail!("creating an API token: {status} {created}");
        }
        created["secret"]
            .as_str()
            .map(str::to_owned)
            .context("no secret in the created token")
    }

    /// Stops the server and fails when it panicked meanwhile.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let panics = std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("panicked"))
            .count();
        if panics > 0 {
            bail!(
                "the server panicked {panics} time(s); see {}",
                self.log.display()
            );
        }
        Ok(())
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fuzzes as every identity in turn, each on a fresh database, and prints the totals.
pub fn run(
    root: &Path,
    cluster: &Cluster,
    server: &Path,
    venv: &Path,
    length: Length,
) -> anyhow::Result<()> {
    let reports = root.join(".data/fuzz");
    if reports.exists() {
        std::fs::remove_dir_all(&reports)?;
    }
    std::fs::create_dir_all(&reports)?;
    let mut totals = Vec::new();
    let mut errors = Vec::new();
    for identity in Identity::ALL {
        let folder = reports.join(identity.name());
        std::fs::create_dir_all(&folder)?;
        eprintln!("xtask: fuzzing as {}", identity.name());
        match run_as(root, cluster, server, venv, length, identity, &folder) {
            Ok(found) => totals.push(found),
            Err(error) => errors.push(format!("{}: {error:#}", identity.name())),
        }
    }
    eprintln!("\nxtask: schema fuzzing ({length:?}), per identity:");
    eprintln!(
        "  {:<10} {:>9} {:>9} {:>9} {:>7}",
        "identity", "requests", "failures", "refused", "seconds"
    );
    for t in &totals {
        eprintln!(
            "  {:<10} {:>9} {:>9} {:>9} {:>7.0}",
            t.identity.name(),
            t.requests,
            t.failures,
            t.refused,
            t.seconds
        );
    }
    if !errors.is_empty() {
        bail!("schema fuzzing failed:\n{}", errors.join("\n"));
    }
    Ok(())
}

fn run_as(
    root: &Path,
    cluster: &Cluster,
    server: &Path,
    venv: &Path,
    length: Length,
    identity: Identity,
    folder: &Path,
) -> anyhow::Result<Totals> {
    let database = format!("pst_fuzz_{}", identity.name().replace('-', "_"));
    let demo = DemoServer::start(cluster, server, &database, &folder.join("server.log"))?;
    let result = fuzz(root, &demo, venv, length, identity, folder);
    let stopped = demo.stop();
    let totals = result?;
    stopped?;
    Ok(totals)
}

/// The run configuration of `identity`: `tests/schemathesis.toml`, and for a person the
/// login Schemathesis repeats whenever an answer is 401 (the fuzzed `POST /auth/logout`
/// ends the session, and a long run outlasts the 15-minute token).
fn configuration(root: &Path, identity: Identity, folder: &Path) -> anyhow::Result<PathBuf> {
    let mut text = std::fs::read_to_string(root.join("tests/schemathesis.toml"))?;
    let email = match identity {
        Identity::Dg => Some("dg@cpas-a.example"),
        Identity::Partner => Some("pcs@cpas-a.example"),
        Identity::ApiToken | Identity::Anonymous => None,
    };
    if let Some(email) = email {
        text.push_str(&format!(
            "\n# Added by xtask for the identity `{}`.\n\
             [auth.dynamic.openapi.bearer]\n\
             path = \"/api/v1/auth/login\"\n\
             payload = {{ email = \"{email}\", password = \"${{PST_FUZZ_PASSWORD}}\" }}\n\
             extract_selector = \"/access_token\"\n",
            identity.name()
        ));
    }
    let path = folder.join("schemathesis.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

fn fuzz(
    root: &Path,
    demo: &DemoServer,
    venv: &Path,
    length: Length,
    identity: Identity,
    folder: &Path,
) -> anyhow::Result<Totals> {
    let config = configuration(root, identity, folder)?;
    let mut command = Command::new(venv.join("bin/schemathesis"));
    command
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(root.join("openapi/openapi.json"))
        .args(["--url", &demo.url()])
        .args(["--seed", &SEED.to_string()])
        .args(["--max-examples", &length.max_examples().to_string()])
        .args(["--phases", length.phases()])
        .args(["--report", "ndjson,junit"])
        .arg("--report-ndjson-path")
        .arg(folder.join("events.ndjson"))
        .arg("--report-junit-path")
        .arg(folder.join("junit.xml"))
        .env("PST_FUZZ_PASSWORD", demo.password)
        .current_dir(root);
    if identity == Identity::ApiToken {
        let token = demo.pcs_api_token()?;
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    let started = Instant::now();
    let status = command.status().context("cannot start schemathesis")?;
    let seconds = started.elapsed().as_secs_f64();
    let events = std::fs::read_to_string(folder.join("events.ndjson")).unwrap_or_default();
    let requests = count_requests(&events);
    let failures = count_failures(&folder.join("junit.xml"));
    let refused = refused_schema_valid(&events);
    eprintln!(
        "xtask: as {}: {requests} requests in {seconds:.0} s, {failures} failures, {} schema-valid refused",
        identity.name(),
        refused.len()
    );
    for line in refused.iter().take(40) {
        eprintln!("  refused: {line}");
    }
    let totals = Totals {
        identity,
        requests,
        failures,
        refused: refused.len() as u64,
        seconds,
    };
    if !status.success() {
        bail!(
            "schemathesis found failures ({status}); the requests are in {}",
            folder.display()
        );
    }
    if !refused.is_empty() {
        bail!(
            "{} schema-valid requests were refused for a rule the schema can state; see above",
            refused.len()
        );
    }
    if requests < length.minimum_requests() {
        bail!(
            "schemathesis sent {requests} requests, fewer than the {} expected",
            length.minimum_requests()
        );
    }
    Ok(totals)
}

/// Requests recorded in Schemathesis's NDJSON event log: one per test case (the checks that
/// send more, e.g. the same request without credentials, are not counted).
fn count_requests(events: &str) -> u64 {
    scenarios(events)
        .map(|scenario| {
            scenario["recorder"]["interactions"]
                .as_object()
                .map_or(0, |i| i.len() as u64)
        })
        .sum()
}

fn scenarios(events: &str) -> impl Iterator<Item = serde_json::Value> + '_ {
    events.lines().filter_map(|line| {
        let mut event = serde_json::from_str::<serde_json::Value>(line).ok()?;
        Some(event.get_mut("ScenarioFinished")?.take())
    })
}

/// Failed test cases in the JUnit report.
fn count_failures(junit: &Path) -> u64 {
    std::fs::read_to_string(junit)
        .map(|xml| xml.matches("<failure").count() as u64)
        .unwrap_or(0)
}

/// Field-error codes for rules a JSON Schema can state (a length, a range, a pattern, a
/// required field, an enum). A schema-valid request refused with one of these means the
/// document promised more than the server accepts. The others (a weak password, an unknown
/// organisation, an end before a start, a private address…) depend on data or on several
/// fields, and stay legitimate 422s.
const STATABLE: &[&str] = &[
    "required",
    "too_long",
    "too_short",
    "out_of_range",
    "control_characters",
    "invalid_date",
    "date_out_of_range",
    "invalid_email",
    "invalid_slug",
    "invalid_code",
    "invalid_type",
    "unknown_value",
    "unknown_field",
];

/// Refusals with a statable code that depend on something else than the field itself: a
/// partner's account needs an organisation (its role), an operational objective a parent
/// (its level), an administrator names the CPAS (the caller); an identity provider makes
/// partners' accounts in an organisation, and accounts only for a domain. `(field, code)`.
const ACROSS_FIELDS: &[(&str, &str)] = &[
    ("organisation_id", "required"),
    ("new_account_organisation_id", "required"),
    ("new_account_domain", "required"),
    ("parent_id", "required"),
    ("tenant_id", "required"),
];

/// The requests generated as schema-valid ("positive") that the server answered 422 with a
/// statable field-error code, as `METHOD path: field code`.
pub fn refused_schema_valid(events: &str) -> Vec<String> {
    let mut refused = Vec::new();
    for scenario in scenarios(events) {
        let Some(cases) = scenario["recorder"]["cases"].as_object() else {
            continue;
        };
        let interactions = &scenario["recorder"]["interactions"];
        for (id, case) in cases {
            let meta = &case["value"]["meta"];
            let positive = meta["generation"]["mode"].as_str() == Some("positive");
            if !positive {
                continue;
            }
            let interaction = &interactions[id];
            let response = &interaction["response"];
            if response["status_code"].as_u64() != Some(422) {
                continue;
            }
            let body = response_body(response);
            for error in body["errors"].as_array().into_iter().flatten() {
                let code = error["code"].as_str().unwrap_or_default();
                let field = error["field"].as_str().unwrap_or_default();
                if STATABLE.contains(&code) && !ACROSS_FIELDS.contains(&(field, code)) {
                    refused.push(format!(
                        "{} {}: {} {code}",
                        interaction["request"]["method"].as_str().unwrap_or("?"),
                        interaction["request"]["uri"].as_str().unwrap_or("?"),
                        field,
                    ));
                }
            }
        }
    }
    refused.sort();
    refused.dedup();
    refused
}

/// The JSON body of a recorded response (Schemathesis stores it base64-encoded).
fn response_body(response: &serde_json::Value) -> serde_json::Value {
    use base64::Engine;
    let Some(encoded) = response["content"]["$base64"].as_str() else {
        return serde_json::Value::Null;
    };
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(serde_json::Value::Null)
}
