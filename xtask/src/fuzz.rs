//! Schema fuzzing: Schemathesis generates requests from `openapi/openapi.json` and sends
//! them to the real server binary, as the demo Directeur général; every answer must be one
//! the document promises (status, content type, headers, body) and none a 5xx.
//!
//! The run configuration (checks, per-operation settings) is `tests/schemathesis.toml`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::pg::Cluster;

/// Password of the demo accounts in the fuzzed server.
const PASSWORD: &str = "fuzz-password-2026";
/// A fixed seed: the same requests every run, so a failure is reproducible and a green run
/// stays green.
const SEED: u64 = 20_260_801;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub enum Length {
    /// For every `cargo xtask test`: a minute or so.
    Short,
    /// `cargo xtask test --fuzz`: at least 5,000 requests.
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

    /// Requests the run must have sent, lest a misconfiguration pass as a green run.
    fn minimum_requests(self) -> u64 {
        match self {
            Self::Short => 1_000,
            Self::Long => 5_000,
        }
    }
}

/// Starts `server` (the `pst-server` binary) on a fresh database `pst_fuzz` of `cluster`,
/// signs in, and runs Schemathesis (`venv`) against it.
pub fn run(
    root: &Path,
    cluster: &Cluster,
    server: &Path,
    venv: &Path,
    length: Length,
) -> anyhow::Result<()> {
    cluster.psql("postgres", "DROP DATABASE IF EXISTS pst_fuzz WITH (FORCE)")?;
    cluster.psql("postgres", "CREATE DATABASE pst_fuzz")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let reports = root.join(".data/fuzz");
    if reports.exists() {
        std::fs::remove_dir_all(&reports)?;
    }
    std::fs::create_dir_all(&reports)?;
    let log = std::fs::File::create(reports.join("server.log"))?;
    let mut child = Command::new(server)
        .arg("serve")
        .env("DATABASE_URL", cluster.url("pst_fuzz"))
        .env("PST_BIND", format!("127.0.0.1:{port}"))
        .env("PST_DEMO", "true")
        .env("PST_DEMO_PASSWORD", PASSWORD)
        .env("PST_JWT_SECRET", crate::random_hex(32)?)
        .env("PST_SECRETS_KEY", crate::random_secrets_key()?)
        .env("PST_LOG", "warn")
        // Thousands of requests a minute from one client, and fuzzed logins that fail, are
        // the point here, not abuse; the limits would also refuse Schemathesis's own
        // re-login. (Their 429s are documented; the API tests check the limits.)
        .env("PST_TOKEN_RATE_LIMIT", "1000000")
        .env("PST_LOGIN_MAX_FAILURES", "1000000")
        .env("PST_LOGIN_MAX_FAILURES_PER_IP", "1000000")
        // Fuzzed webhook URLs are arbitrary hosts: the worker must never send to them. It
        // makes one pass at start (nothing is registered yet), then sleeps past the run.
        .env("PST_WEBHOOK_INTERVAL_MS", "86400000")
        .env("PST_REMINDER_INTERVAL_SECS", "86400")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("cannot start pst-server")?;
    let result = crate::pg::wait_for_port(port, Duration::from_secs(30))
        .and_then(|()| fuzz(root, port, venv, &reports, length));
    let _ = child.kill();
    let _ = child.wait();
    let panics = std::fs::read_to_string(reports.join("server.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("panicked"))
        .count();
    result?;
    if panics > 0 {
        bail!(
            "the server panicked {panics} time(s); see {}",
            reports.join("server.log").display()
        );
    }
    Ok(())
}

fn fuzz(root: &Path, port: u16, venv: &Path, reports: &Path, length: Length) -> anyhow::Result<()> {
    let started = Instant::now();
    let status = Command::new(venv.join("bin/schemathesis"))
        .arg("--config-file")
        .arg(root.join("tests/schemathesis.toml"))
        .arg("run")
        .arg(root.join("openapi/openapi.json"))
        .args(["--url", &format!("http://127.0.0.1:{port}")])
        .args(["--seed", &SEED.to_string()])
        .args(["--max-examples", &length.max_examples().to_string()])
        .args(["--report", "ndjson,junit"])
        .arg("--report-ndjson-path")
        .arg(reports.join("events.ndjson"))
        .arg("--report-junit-path")
        .arg(reports.join("junit.xml"))
        .env("PST_FUZZ_PASSWORD", PASSWORD)
        .current_dir(root)
        .status()
        .context("cannot start schemathesis")?;
    let elapsed = started.elapsed();
    let requests = count_requests(&reports.join("events.ndjson")).unwrap_or(0);
    eprintln!(
        "xtask: schemathesis sent {requests} requests in {:.0} s",
        elapsed.as_secs_f64()
    );
    if !status.success() {
        bail!(
            "schemathesis found failures ({status}); the requests are in {}",
            reports.display()
        );
    }
    if requests < length.minimum_requests() {
        bail!(
            "schemathesis sent {requests} requests, fewer than the {} expected",
            length.minimum_requests()
        );
    }
    Ok(())
}

/// Requests recorded in Schemathesis's NDJSON event log: one per test case (the checks that
/// send more, e.g. the same request without credentials, are not counted).
fn count_requests(ndjson: &Path) -> anyhow::Result<u64> {
    let text = std::fs::read_to_string(ndjson)?;
    let mut count = 0;
    for line in text.lines() {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let Some(scenario) = event.get("ScenarioFinished") {
            count += scenario["recorder"]["interactions"]
                .as_object()
                .map_or(0, |i| i.len() as u64);
        }
    }
    Ok(count)
}
