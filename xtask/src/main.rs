//! `cargo xtask run | test | openapi | bench`: the project's commands, in Rust so they work
//! the same on every machine.

mod bench;
mod schema;
mod web;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use xtask::pg::{Cluster, Durability};
use xtask::{output, project_root, random_hex, random_secrets_key, run, scratch_file_store, setup};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Password of the demo accounts in the browser tests' server.
const E2E_PASSWORD: &str = "e2e-password-2026";

#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Build the web app, start a local PostgreSQL (unless DATABASE_URL is set), migrate,
    /// load the demo plans and serve on http://127.0.0.1:8080.
    Run {
        /// Build the server with optimisations.
        #[arg(long)]
        release: bool,
    },
    /// Install what the machine lacks, then everything CI checks: fmt, schema.rs against
    /// the migrations, clippy, unit tests, API tests on a real PostgreSQL, browser tests,
    /// and a short schema fuzzing run.
    Test {
        /// Fuzz long (at least 5,000 requests) instead of the short run.
        #[arg(long)]
        fuzz: bool,
    },
    /// Rewrite openapi/openapi.json from the code.
    Openapi,
    /// Rewrite backend/src/db/schema.rs with `diesel print-schema` (and
    /// backend/src/db/schema.patch) from a scratch database migrated from migrations/;
    /// `cargo xtask test` fails when the file differs.
    Schema {
        /// Only compare: fail, showing the difference, when the file is not what the
        /// migrations generate (what `cargo xtask test` does).
        #[arg(long)]
        check: bool,
    },
    /// Build the web app into frontend/dist.
    BuildWeb,
    /// Back up the database (DATABASE_URL, or the project's) and the evidence files
    /// (PST_FILE_STORE when it is a folder, or the project's `.data/files`) to a new folder:
    /// `database.dump` (pg_dump custom format) and `files/`.
    Backup {
        /// The folder to write (default: `.data/backups/pst-<date-time>`).
        folder: Option<PathBuf>,
    },
    /// Replace the database's content (DATABASE_URL, or the project's) with a backup, in one
    /// transaction, then the evidence files with the backup's. Stop the server first.
    Restore {
        /// A backup folder (or an older backup's `.dump` file: the database only).
        backup: PathBuf,
    },
    /// Only the schema fuzzing (Schemathesis against the real server, as the DG, a partner,
    /// an API token and nobody); `cargo xtask test` runs it too.
    Fuzz {
        /// At least 5,000 requests per identity, with the stateful phase (as `cargo xtask
        /// test --fuzz`), instead of the short run.
        #[arg(long)]
        long: bool,
    },
    /// Generate a synthetic federation, drive the release server with wrk on loopback, and
    /// print requests/s, latencies, memory, cold start and the cost curve (needs `wrk`).
    Bench(bench::Options),
    /// Generate a Python client from openapi/openapi.json with openapi-python-client (no
    /// warning allowed) and run tests/python/integration.py, written with it, against the
    /// real server; `cargo xtask test` runs it too.
    PythonClient,
    /// Only the browser tests (a quicker loop while working on the web app); `cargo xtask
    /// test` runs them too.
    E2e {
        /// Test files to run (default: all of tests/e2e/).
        files: Vec<String>,
    },
}

/// The folder of the evidence files: `PST_FILE_STORE` (`None`, with a word, when it is a
/// bucket), or the project's `.data/files`.
fn file_store(root: &Path) -> Option<PathBuf> {
    match std::env::var("PST_FILE_STORE") {
        Ok(setting) => {
            let folder = xtask::backup::local_store(&setting);
            if folder.is_none() {
                eprintln!(
                    "xtask: PST_FILE_STORE is a bucket: its files are kept by the bucket's own \
                     versioning or replication, not by this backup"
                );
            }
            folder
        }
        Err(_) => Some(root.join(DEV_FILE_STORE)),
    }
}

/// Where `cargo xtask run` keeps evidence files.
const DEV_FILE_STORE: &str = ".data/files";

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    match cli.command {
        Task::Run { release } => run_server(&root, release),
        Task::Test { fuzz } => {
            ensure_test_tools(&root)?;
            test(&root, fuzz_length(fuzz))
        }
        Task::Schema { check } => {
            setup::ensure_packages(&[setup::SERVER])?;
            if check {
                schema_check(&root)
            } else {
                let cluster = test_cluster(&root)?;
                let result = schema::write(&root, &cluster);
                cluster.stop()?;
                result
            }
        }
        Task::Openapi => {
            let json = output(
                cargo()
                    .args(["run", "--quiet", "-p", "backend", "--bin"])
                    .args(["pst-server", "--", "openapi"]),
            )?;
            std::fs::write(root.join("openapi/openapi.json"), json)?;
            eprintln!("xtask: wrote openapi/openapi.json");
            Ok(())
        }
        Task::BuildWeb => build_web(&root).map(drop),
        Task::Backup { folder } => {
            let (url, cluster) = database(&root)?;
            let folder = match folder {
                Some(folder) => folder,
                None => {
                    let stamp = output(Command::new("date").arg("+%Y%m%d-%H%M%S"))?;
                    root.join(".data/backups")
                        .join(format!("pst-{}", stamp.trim()))
                }
            };
            let files = file_store(&root);
            let result = xtask::backup::backup(&url, files.as_deref(), &folder);
            if let Some(cluster) = cluster {
                cluster.stop()?;
            }
            result?;
            eprintln!("xtask: backup written to {}", folder.display());
            Ok(())
        }
        Task::Restore { backup } => {
            let (url, cluster) = database(&root)?;
            let files = file_store(&root);
            let result = xtask::backup::restore(&url, files.as_deref(), &backup);
            if let Some(cluster) = cluster {
                cluster.stop()?;
            }
            result?;
            eprintln!("xtask: {} restored", backup.display());
            Ok(())
        }
        Task::Fuzz { long } => {
            ensure_test_tools(&root)?;
            let venv = python_tools(&root)?;
            let cluster = test_cluster(&root)?;
            let result = schema_fuzz(&root, &cluster, &venv, fuzz_length(long));
            cluster.stop()?;
            result
        }
        Task::PythonClient => {
            ensure_test_tools(&root)?;
            let venv = python_tools(&root)?;
            let cluster = test_cluster(&root)?;
            let result = python_client(&root, &cluster, &venv);
            cluster.stop()?;
            result
        }
        Task::Bench(options) => {
            setup::ensure_packages(&[setup::SERVER, setup::BENCH])?;
            bench::run(&root, &options)
        }
        Task::E2e { files } => {
            ensure_test_tools(&root)?;
            let dist = build_web(&root)?;
            let cluster = test_cluster(&root)?;
            let result = browser_tests(&root, &cluster, &dist, &files);
            cluster.stop()?;
            result
        }
    }
}

/// The database the project commands work on: DATABASE_URL, or the project's own cluster
/// (started for the command when it was not running; returned so it is stopped after).
fn database(root: &Path) -> anyhow::Result<(String, Option<Cluster>)> {
    if let Ok(url) = std::env::var("DATABASE_URL")
        && !url.is_empty()
    {
        return Ok((url, None));
    }
    step("starting the project's PostgreSQL");
    let local = Cluster::project(root, "postgres", xtask::dev_pg_port(), Durability::Durable)?;
    let was_running = local.is_running()?;
    local.ensure_running()?;
    local.ensure_database("pst")?;
    eprintln!(
        "xtask: PostgreSQL on port {} (data in {})",
        local.port(),
        local.data_dir().display()
    );
    let url = local.url("pst");
    Ok((url, (!was_running).then_some(local)))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn step(title: &str) {
    eprintln!("\n\x1b[1mxtask: {title}\x1b[0m");
}

fn run_server(root: &Path, release: bool) -> anyhow::Result<()> {
    let dist = build_web(root)?;

    step("building the server");
    let mut build = cargo();
    build.args(["build", "-p", "backend", "--bin", "pst-server"]);
    if release {
        build.arg("--release");
    }
    run(&mut build)?;
    let binary = target_dir(root)?
        .join(if release { "release" } else { "debug" })
        .join("pst-server");

    let (database_url, cluster) = database(root)?;

    step("serving (Ctrl-C stops the server and the database)");
    let mut server = Command::new(&binary);
    server
        .arg("serve")
        .env("PST_JWT_SECRET", dev_jwt_secret(root)?)
        .env("PST_SECRETS_KEY", dev_secrets_key(root)?)
        .env("DATABASE_URL", &database_url)
        .env("PST_STATIC_DIR", &dist)
        .env("PST_DEMO", "true");
    if std::env::var_os("PST_FILE_STORE").is_none() {
        server.env("PST_FILE_STORE", root.join(DEV_FILE_STORE));
    }
    // A local receiver (e.g. `nc -l 9000`) can take the demo's webhooks.
    if std::env::var_os("PST_WEBHOOK_ALLOW_LOOPBACK_HTTP").is_none() {
        server.env("PST_WEBHOOK_ALLOW_LOOPBACK_HTTP", "true");
    }
    let child = Arc::new(Mutex::new(
        server.spawn().context("cannot start pst-server")?,
    ));
    let pid = child.lock().map_err(|_| anyhow::anyhow!("lock"))?.id();
    // Ctrl-C reaches the server through the terminal; a plain SIGTERM to us is forwarded.
    ctrlc::set_handler(move || {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
    })?;
    let status = child.lock().map_err(|_| anyhow::anyhow!("lock"))?.wait()?;
    if let Some(cluster) = cluster {
        step("stopping PostgreSQL");
        cluster.stop()?;
    }
    if !status.success() && status.code().is_some() {
        bail!("pst-server exited with {status}");
    }
    Ok(())
}

/// The development signing key: made once, kept in `.data/jwt-secret` so that sessions
/// survive a restart. Production sets `PST_JWT_SECRET` itself.
fn dev_jwt_secret(root: &Path) -> anyhow::Result<String> {
    if let Ok(secret) = std::env::var("PST_JWT_SECRET") {
        return Ok(secret);
    }
    let path = root.join(".data/jwt-secret");
    if let Ok(secret) = std::fs::read_to_string(&path)
        && secret.trim().len() >= 32
    {
        return Ok(secret.trim().to_owned());
    }
    let secret = random_hex(32)?;
    std::fs::create_dir_all(root.join(".data"))?;
    std::fs::write(&path, &secret)?;
    Ok(secret)
}

/// The development key sealing stored secrets: made once, kept in `.data/secrets-key` so
/// that the webhooks' secrets still open after a restart. Production sets `PST_SECRETS_KEY`
/// itself (and `PST_SECRETS_PREVIOUS_KEYS` when rotating, passed through from here).
fn dev_secrets_key(root: &Path) -> anyhow::Result<String> {
    if let Ok(key) = std::env::var("PST_SECRETS_KEY") {
        return Ok(key);
    }
    let path = root.join(".data/secrets-key");
    if let Ok(key) = std::fs::read_to_string(&path)
        && !key.trim().is_empty()
    {
        return Ok(key.trim().to_owned());
    }
    let key = random_secrets_key()?;
    std::fs::create_dir_all(root.join(".data"))?;
    std::fs::write(&path, &key)?;
    Ok(key)
}

fn fuzz_length(long: bool) -> xtask::fuzz::Length {
    if long {
        xtask::fuzz::Length::Long
    } else {
        xtask::fuzz::Length::Short
    }
}

/// What the checks need and a fresh machine lacks: the Debian packages (installed as root,
/// otherwise named with the command that installs them), rustfmt and clippy, the npm tools.
fn ensure_test_tools(root: &Path) -> anyhow::Result<()> {
    setup::ensure_packages(&[setup::SERVER, setup::TEST])?;
    setup::ensure_rust_components()?;
    setup::ensure_npm_tools(root)
}

fn test(root: &Path, fuzz: xtask::fuzz::Length) -> anyhow::Result<()> {
    step("rustfmt");
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;

    schema_check(root)?;

    step("clippy (server, tests, tools)");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--exclude",
        "frontend",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    ensure_wasm_tools(root)?;
    step("clippy (web app, wasm32)");
    run(cargo().args([
        "clippy",
        "-p",
        "frontend",
        "-p",
        "api-types",
        "--target",
        WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]))?;

    let dist = build_web(root)?;

    step("OpenAPI document (openapi-spec-validator)");
    let venv = python_tools(root)?;
    run(Command::new(venv.join("bin/openapi-spec-validator"))
        .arg(root.join("openapi/openapi.json")))?;

    let cluster = test_cluster(root)?;
    // Databases of earlier runs, and their template, go: every run starts clean.
    let stale = cluster.psql(
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'pst\\_%'",
    )?;
    for name in stale.lines().map(str::trim).filter(|l| !l.is_empty()) {
        cluster.psql(
            "postgres",
            &format!("ALTER DATABASE \"{name}\" IS_TEMPLATE false"),
        )?;
        cluster.psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )?;
    }

    step("unit and API tests");
    let result = run(cargo()
        .args(["test", "--workspace", "--exclude", "frontend"])
        .env("PST_TEST_DATABASE_URL", cluster.url("postgres")))
    .and_then(|()| browser_tests(root, &cluster, &dist, &[]))
    .and_then(|()| schema_fuzz(root, &cluster, &venv, fuzz))
    .and_then(|()| python_client(root, &cluster, &venv));
    let stopped = cluster.stop();
    result?;
    stopped?;
    eprintln!("\nxtask: all checks passed");
    Ok(())
}

/// Fails when `backend/src/db/schema.rs` is not what `diesel print-schema` generates from
/// the migrations; early, before a drift shows up as puzzling compile errors.
fn schema_check(root: &Path) -> anyhow::Result<()> {
    let cluster = test_cluster(root)?;
    step("schema.rs against the migrations (diesel print-schema)");
    let result = schema::check(root, &cluster);
    let stopped = cluster.stop();
    result?;
    stopped
}

/// The project's Python tools (`tests/requirements.txt`) in `.venv`, installed from PyPI
/// when missing or when the requirements changed.
fn python_tools(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join(".venv");
    let requirements = std::fs::read_to_string(root.join("tests/requirements.txt"))?;
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(requirements.as_str()) {
        return Ok(venv);
    }
    step("installing the Python test tools into .venv");
    if !venv.join("bin/pip").is_file() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(root.join("tests/requirements.txt")))?;
    std::fs::write(&stamp, requirements)?;
    Ok(venv)
}

fn test_cluster(root: &Path) -> anyhow::Result<Cluster> {
    step("starting the test PostgreSQL");
    let cluster = Cluster::project(
        root,
        "postgres-test",
        xtask::test_pg_port(),
        Durability::Disposable,
    )?;
    cluster.ensure_running()?;
    Ok(cluster)
}

/// Serves the built web app from the real server binary on a fresh database, and drives it
/// with Chromium (`node --test tests/e2e/`, or only `files`).
fn browser_tests(
    root: &Path,
    cluster: &Cluster,
    dist: &Path,
    files: &[String],
) -> anyhow::Result<()> {
    step("browser tests (Chromium)");
    run(cargo().args(["build", "-p", "backend", "--bin", "pst-server"]))?;
    let binary = target_dir(root)?.join("debug").join("pst-server");
    cluster.psql("postgres", "DROP DATABASE IF EXISTS pst_e2e WITH (FORCE)")?;
    cluster.psql("postgres", "CREATE DATABASE pst_e2e")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    // The browser tests sign an e-mail's unsubscribe link as the server would.
    let jwt_secret = random_hex(32)?;
    let mut server = Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", cluster.url("pst_e2e"))
        .env("PST_BIND", format!("127.0.0.1:{port}"))
        .env("PST_STATIC_DIR", dist)
        .env("PST_DEMO", "true")
        .env("PST_DEMO_PASSWORD", E2E_PASSWORD)
        .env("PST_JWT_SECRET", &jwt_secret)
        .env("PST_SECRETS_KEY", random_secrets_key()?)
        .env("PST_LOG", "warn")
        .env("PST_FILE_STORE", scratch_file_store("e2e")?)
        // Identity providers send the browser back here; the test's provider
        // (`tests/oidc/provider.mjs`) listens on plain HTTP on loopback.
        .env("PST_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("PST_OIDC_ALLOW_LOOPBACK_HTTP", "true")
        .spawn()
        .context("cannot start pst-server")?;
    let result =
        xtask::pg::wait_for_port(port, std::time::Duration::from_secs(30)).and_then(|()| {
            let mut node = Command::new("node");
            node.args(["--test", "--test-concurrency=1"]);
            if files.is_empty() {
                node.arg("tests/e2e/");
            } else {
                node.args(files);
            }
            run(node
                .env("PST_E2E_BASE_URL", format!("http://127.0.0.1:{port}"))
                .env("PST_E2E_PASSWORD", E2E_PASSWORD)
                .env("PST_E2E_JWT_SECRET", &jwt_secret)
                .current_dir(root))
        });
    let _ = server.kill();
    let _ = server.wait();
    result?;
    eprintln!(
        "xtask: browser screenshots are in {}",
        root.join("tests/e2e/artifacts").display()
    );
    Ok(())
}

/// Schemathesis against the real server binary on a fresh database (see `xtask::fuzz`).
fn schema_fuzz(
    root: &Path,
    cluster: &Cluster,
    venv: &Path,
    length: xtask::fuzz::Length,
) -> anyhow::Result<()> {
    step(&format!("schema fuzzing (Schemathesis, {length:?} run)"));
    run(cargo().args(["build", "-p", "backend", "--bin", "pst-server"]))?;
    let binary = target_dir(root)?.join("debug").join("pst-server");
    xtask::fuzz::run(root, cluster, &binary, venv, length)
}

/// What an integrator does: generates a Python client from the committed document with
/// openapi-python-client (any warning fails: a warning is an operation or a type the client
/// lacks), then runs `tests/python/integration.py`, written only with that client, against
/// the real server binary with the demo data.
fn python_client(root: &Path, cluster: &Cluster, venv: &Path) -> anyhow::Result<()> {
    step("generated Python client (openapi-python-client)");
    let folder = root.join(".data/python-client");
    if folder.exists() {
        std::fs::remove_dir_all(&folder)?;
    }
    std::fs::create_dir_all(&folder)?;
    // ruff (installed with the generator) formats the generated code.
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let generated = Command::new(venv.join("bin/openapi-python-client"))
        .arg("generate")
        .arg("--path")
        .arg(root.join("openapi/openapi.json"))
        .arg("--config")
        .arg(root.join("tests/python/openapi-python-client.yaml"))
        .args(["--meta", "none", "--overwrite", "--fail-on-warning"])
        .arg("--output-path")
        .arg(folder.join("pst_client"))
        .env("PATH", &path)
        .output()
        .context("cannot start openapi-python-client")?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );
    if !generated.status.success() || said.to_lowercase().contains("warning") {
        bail!("openapi-python-client did not generate a clean client:\n{said}");
    }
    eprintln!("xtask: client generated in {}", folder.display());
    run(Command::new(venv.join("bin/python"))
        .arg(root.join("tests/python/check_examples.py"))
        .arg(root.join("openapi/openapi.json")))?;

    run(cargo().args(["build", "-p", "backend", "--bin", "pst-server"]))?;
    let binary = target_dir(root)?.join("debug").join("pst-server");
    let server = xtask::fuzz::DemoServer::start(
        cluster,
        &binary,
        "pst_python_client",
        &folder.join("server.log"),
    )?;
    let result = run(Command::new(venv.join("bin/python"))
        .arg(root.join("tests/python/integration.py"))
        .env("PST_BASE_URL", server.url())
        .env("PST_DEMO_PASSWORD", server.password)
        .env("PYTHONPATH", &folder)
        .env("PATH", &path)
        .current_dir(root));
    let stopped = server.stop();
    result?;
    stopped
}

fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let metadata =
        output(
            cargo()
                .current_dir(root)
                .args(["metadata", "--format-version", "1", "--no-deps"]),
        )?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata)?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata gave no target_directory")
}

/// The wasm32 target and the wasm-bindgen CLI of exactly the version in Cargo.lock.
fn ensure_wasm_tools(root: &Path) -> anyhow::Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        step("installing the wasm32 target");
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    let wanted = locked_version(root, "wasm-bindgen")?;
    let current = printed_version("wasm-bindgen".as_ref());
    if current.split_whitespace().nth(1) != Some(wanted.as_str()) {
        step(&format!("installing wasm-bindgen-cli {wanted}"));
        // Not `--locked`: its lockfile pins a crate version the registry no longer has.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    }
    Ok(())
}

/// What an installed tool says of its version (`--version`); empty when it is missing.
fn printed_version(program: &std::ffi::OsStr) -> String {
    Command::new(program)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn locked_version(root: &Path, package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")? + start;
    Ok(lock[start..end].to_owned())
}

/// Builds the web app into `frontend/dist`: release WASM, split at its lazy routes
/// (`wasm_split_cli_support`), wasm-bindgen, wasm-opt, then every file but `index.html` in
/// a folder named after the content (`app-<hash>/`) with its `.br` and `.gz`. Fails when
/// the initial set (what the first page loads) exceeds its budget.
fn build_web(root: &Path) -> anyhow::Result<PathBuf> {
    ensure_wasm_tools(root)?;
    step("building the web app (WASM)");
    // `.cargo/config.toml` links the wasm32 target with `--emit-relocs`: the splitter
    // needs the relocations to move functions between modules.
    run(cargo().args([
        "build",
        "-p",
        "frontend",
        "--target",
        WASM_TARGET,
        "--profile",
        "wasm-release",
    ]))?;
    let target = target_dir(root)?;
    let wasm = target
        .join(WASM_TARGET)
        .join("wasm-release")
        .join("frontend.wasm");
    let dist = root.join("frontend/dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    std::fs::create_dir_all(&dist)?;

    step("splitting the WASM at its lazy routes");
    let main_wasm = target.join("web-split").join("pst_split.wasm");
    let chunks = web::split(&wasm, &dist, &main_wasm)?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "pst"])
        // The chunks link to the main module's functions by their lld names.
        .args(["--keep-lld-exports", "--no-demangle"])
        .arg("--out-dir")
        .arg(&dist)
        .arg(&main_wasm))?;

    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let esbuild = root.join("node_modules/.bin/esbuild");
    if Command::new("npm").arg("--version").output().is_ok() {
        setup::ensure_npm_tools(root)?;
    }
    let modules: Vec<PathBuf> = std::iter::once(dist.join("pst_bg.wasm"))
        .chain(chunks.iter().cloned())
        .collect();
    if wasm_opt.is_file() {
        for module in &modules {
            run(Command::new(&wasm_opt)
                .args([
                    "-Oz",
                    "--converge",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                ])
                .arg(module)
                .arg("-o")
                .arg(module))?;
        }
    } else {
        eprintln!("xtask: npm is not available; the WASM is not size-optimised by wasm-opt");
    }
    for asset in ["index.html", "style.css", "boot.js"] {
        std::fs::copy(root.join("frontend").join(asset), dist.join(asset))
            .with_context(|| format!("cannot copy frontend/{asset}"))?;
    }
    // The JavaScript (wasm-bindgen's glue, the splitter's loader, ours) and the style sheet
    // minified: about 3 KB of the initial set, gzipped. esbuild keeps what a module exports
    // and every property name, which the WASM imports by.
    if esbuild.is_file() {
        for entry in std::fs::read_dir(&dist)? {
            let path = entry?.path();
            let kind = path.extension().and_then(|e| e.to_str());
            if matches!(kind, Some("js" | "css")) {
                run(Command::new(&esbuild)
                    .arg(&path)
                    .args(["--minify", "--log-level=error", "--allow-overwrite"])
                    .args((kind == Some("js")).then_some("--format=esm"))
                    .arg(format!("--outfile={}", path.display())))?;
            }
        }
    } else {
        eprintln!("xtask: npm is not available; the JavaScript and CSS are not minified");
    }
    let chunk_names: Vec<String> = chunks
        .iter()
        .filter_map(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();

    // One folder named after the content of all: browsers keep its files a year and never
    // ask again, and a chunk can never meet the main module of another build (they share
    // function tables). index.html, which names the folder, is revalidated on each load.
    let folder = web::into_versioned_folder(&dist, &["pst_bg.wasm", "boot.js", "style.css"])?;

    step("precompressing (brotli 11, gzip 9)");
    let sizes = web::precompress(&dist)?;
    let (on_demand, initial): (Vec<_>, Vec<_>) = sizes.into_iter().partition(|s| {
        chunk_names
            .iter()
            .any(|c| s.name == format!("{folder}/{c}"))
    });
    eprintln!("initial set (the first page of every user):");
    eprint!("{}", web::table(&initial));
    eprintln!("on demand (lazy routes, fetched on first use or when idle):");
    eprint!("{}", web::table(&on_demand));
    let initial_gzip: usize = initial.iter().map(|s| s.gzip).sum();
    eprintln!(
        "xtask: web app built in {}: initial set {} KB gzipped (budget {} KB), {} chunks on demand",
        dist.display(),
        initial_gzip / 1000,
        INITIAL_GZIP_BUDGET / 1000,
        on_demand.len()
    );
    // The budget of issues #5 and #14: a slow municipal network must still open a plan
    // quickly; what only some roles use loads later.
    if wasm_opt.is_file() && initial_gzip > INITIAL_GZIP_BUDGET {
        bail!(
            "the initial set is {initial_gzip} bytes gzipped, over the budget of \
             {INITIAL_GZIP_BUDGET}"
        );
    }
    Ok(dist)
}

/// Largest initial set we ship, gzipped: the main WASM, its JavaScript, the style sheet and
/// index.html, what a partner's first page (login, home, plan tree, action, proposal) loads.
///
/// A stopgap at 340 KB. The split of the dashboard, the approval queue and the
/// administration took the initial set from 419 KB to 332 KB; what issues 13 and 14 added
/// to a partner's first pages (the typed problem codes in three languages, the forced
/// password change, the phone menu, the inbox, "Mes actions", the pending proposal in place,
/// the form's own messages) brought it to 374 KB. Then chrono's general-purpose parser and
/// formatter, Rust's float formatting and parsing left the WASM (answers' dates read by
/// `api_types::wire_time`, numbers shown and read through JavaScript: 32 KB), and esbuild
/// minifies the JavaScript and CSS (3.5 KB): 338 KB. Issue 14.1 asks for 300 KB; what is
/// left is spread thin (measured with twiggy on the split main module, before wasm-opt):
/// the app's own components 20 %, serde's deserializers of the API types 11 %, Leptos's
/// generic rendering and reactive code 26 %, core and alloc 14 %, the texts in three
/// languages 3.5 % (35 KB raw, 12.6 KB gzipped). `opt-level = "s"` was measured too: 370 KB.
/// Sub-actions (issue 16.1) belong to the first pages (folded under their action in the
/// tree, listed on its page, the progress they drive in the proposal form) and added 6 KB
/// (339 → 345 KB): the budget follows, to 346 KB, rather than push them out of the tree.
/// Tasks (issue 16.2) keep their lists and forms in a chunk of their own (29 KB gzipped),
/// but their texts in three languages are data, and wasm-split moves code, not data: every
/// string of every chunk sits in the main module's memory. With the glue of the action
/// page, "Mes tâches" and the plan's tasks, 345.5 → 348.7 KB: the budget follows, to 349 KB.
/// The timeline (issue 16.6) is a lazy route with its chunk (33.6 KB gzipped); its route,
/// link and texts add 1.4 KB: 350.1 KB, the budget 351 KB.
/// Health (issue 16.3) is on the first pages too (a chip in the tree and on the action, a
/// choice in the partner's proposal form, whose shared form helpers it pulls in; its
/// counts in every roll-up the tree reads; its texts): 350.1 → 355.4 KB, the budget 356 KB.
/// Responsibles and derived dates (issue 16.4, 16.5) show on the plan page everyone opens
/// first: its tree decodes two more wire types (an objective's responsible and dates) and
/// shows them on every objective, and its filter bar gains "Ce dont je suis responsable";
/// their forms are in the structure editor's and the managers' chunks. A first cut cost
/// 9.9 KB; a list instead of a set of ids (no sorting or B-tree code) and one shape of view
/// for every fact took it to 5.5 KB: 355.6 KB (356.2 in another build: wasm-split moves a
/// few hundred bytes between builds), the budget 357 KB.
/// Sub-actions everywhere (issue 16.7): the plan's tree, in the initial set, keeps an
/// action one of whose steps matches its filter and unfolds it on that step, and the
/// action page's history names a step's changes: +1.1 KB.
/// The three on one main: 363.4 KB.
/// The answers decoded from the browser's JSON.parse by serde-wasm-bindgen rather than
/// from text by serde_json (each type's decoder had a JSON parser compiled in, and a path
/// for structs written as arrays): 349.8 KB. The action page's records (indicators, budget,
/// journal, history) and the inbox's list are lazy functions (the records' chunk is fetched
/// with the action's data, the list's on the first opening): 340.4 KB.
/// The eComptes file (issue 17.4) is the management's: its control is a lazy function; the
/// glue on the plan page and the problem code `nis_code_missing` add 1.1 KB: 341.5 KB, the
/// budget 342 KB.
/// Sectoral plans (issue 17.2): the tree carries the CPAS's list and every element's tags
/// (their decoding, +1.8 KB) and its filter bar a list of them (+1.5 KB); a document's
/// download became a lazy function (−3 KB), and eComptes' figures are asked for in the
/// action records' chunk rather than decoded with the action: 342.9 KB, the budget
/// 343.5 KB.
/// A budget line's amount engaged (issue 17.1) is reported by partners in the proposal
/// form, beside the amount spent, each named by the line's label: +0.9 KB, +0.45 KB once
/// both amounts share one shape of view: 343.53 KB, the budget 344 KB. The projections'
/// editor and list are in the managers' and the records' chunks; their texts in three
/// languages, data of the main module, bring the set to 343.7 KB.
/// The mandataire's account (issue 17.4, the eComptes file's `Mandataire`) is one more
/// field of the tree's objectives and actions, which the first page decodes, and its
/// label, hint and history name in three languages: 345.1 KB (the action page does not
/// show it: the managers' tools do), the budget 345.5 KB.
/// Discussions (issue 18.1) are a lazy function of the action page with a chunk of their
/// own; their glue, the inbox's new kind, the problem code `edit_window_closed` and their
/// texts in three languages (data of the main module) add 1.3 KB: 346.4 KB, the budget
/// 347 KB.
/// Evidence files (issue 18.2) are a lazy function of the action page with a chunk of
/// their own; the proposal form's file field and the upload after sending (its answer not
/// decoded: −1.5 KB), the problem codes `unsupported_file_type` and `quota_exceeded` and
/// the texts in three languages add 3.9 KB: 350.3 KB, the budget 351 KB.
/// Reporting periods (issue 18.3) live in the dashboard's chunk and an indicator's history
/// in a chunk of its own; the route, the plan's link, the history's glue, the inbox's two
/// kinds, three problem codes and the texts in three languages add 1.2 KB: 351.5 KB, the
/// budget 352 KB.
/// Two-step sign-in (issue 19.2) lives in the account's and the administration's chunks;
/// the login page's code field, the redirection to enrol, five problem codes and the
/// texts in three languages add 2.2 KB: 353.8 KB, the budget 354 KB.
/// Single sign-on (issue 19.1): the way back from a provider lives in the account's chunk
/// and the providers' administration in the administration's; the login page's buttons,
/// the logout's offer, five problem codes and 46 texts in three languages (data of the
/// main module, ~4 KB of it) add 7.4 KB: 361.2 KB, the budget 362 KB.
const INITIAL_GZIP_BUDGET: usize = 362_000;
