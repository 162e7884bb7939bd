//! `cargo xtask bench`: a synthetic federation in a PostgreSQL of its own, the release
//! server on loopback, wrk against it, and a table of what was measured in this run.

mod data;
mod http;
mod wrk;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use xtask::pg::{Cluster, Durability};

use data::Shape;
use wrk::{Cycle, Outcome, Request};

/// Password of every benchmark account (hashed once, the hash shared).
const PASSWORD: &str = "banc-essai-pst-2026";
/// Tenants whose accounts the load uses (spread over the federation).
const SAMPLE_TENANTS: u32 = 48;
/// Words of the text searches: in titles, some only with their accents folded.
const SEARCHES: &[&str] = &[
    "logement",
    "energetique",
    "seniors",
    "numérique",
    "dettes",
    "insertion",
];
/// Concurrent logins: each argon2id hash takes 19 MiB and a core for tens of ms.
const LOGIN_CONNECTIONS: u32 = 8;

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Size of the federation relative to the default (300 tenants × 500 actions).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Seconds of load per measured row.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Concurrent connections of the load (login uses 8).
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// Skip the cost curve of list and search at ×0.1, ×1 and ×10.
    #[arg(long)]
    no_curve: bool,
    /// Skip the EXPLAIN (ANALYZE, BUFFERS) of the hot requests' statements.
    #[arg(long)]
    no_explain: bool,
    /// Measure only the main rows whose name contains one of these words
    /// (`--only propose,approve`); the others are skipped.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    if !(0.01..=20.0).contains(&options.scale) {
        bail!("--scale must be between 0.01 and 20");
    }
    wrk::ensure_installed()?;
    let started = Instant::now();
    // The static rows serve the web app as `cargo xtask build-web` makes it.
    let dist = crate::build_web(root)?;

    crate::step("building the release server");
    xtask::run(crate::cargo().args([
        "build",
        "--release",
        "-p",
        "backend",
        "--bin",
        "pst-server",
    ]))?;
    let work = std::env::temp_dir().join(format!("pst-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    // A copy: another build in a shared target folder cannot swap it during the run.
    let binary = work.join("pst-server");
    std::fs::copy(
        crate::target_dir(root)?.join("release").join("pst-server"),
        &binary,
    )?;

    crate::step("starting the benchmark's PostgreSQL (.data/postgres-bench)");
    let cluster = Cluster::project(
        root,
        "postgres-bench",
        xtask::pg::free_port()?,
        Durability::Durable,
    )?;
    // A cluster left running by an interrupted run is on another port: restart it.
    cluster.stop()?;
    cluster.ensure_running()?;
    let bench = Bench {
        binary,
        dist,
        cluster: cluster.clone(),
        work: work.clone(),
        options: options.clone(),
    };
    let result = bench.all(started);
    let stopped = cluster.stop();
    let _ = std::fs::remove_dir_all(&work);
    result?;
    stopped
}

struct Bench {
    binary: PathBuf,
    /// The built web app (`frontend/dist`), served by every benchmark server.
    dist: PathBuf,
    cluster: Cluster,
    work: PathBuf,
    options: Options,
}

/// A measured row of the table.
struct Row {
    name: String,
    connections: u32,
    outcome: Outcome,
    rss_peak_mb: f64,
}

impl Bench {
    fn all(&self, started: Instant) -> anyhow::Result<()> {
        let mut report = String::new();
        writeln!(report, "PST benchmark (`cargo xtask bench`)")?;
        writeln!(report, "machine: {}", machine(&self.cluster)?)?;

        crate::step("cold start: empty database, migrations included");
        let cold = self.cold_start()?;

        let shape = Shape::at(self.options.scale, true);
        crate::step(&format!("generating the dataset: {}", shape.describe()));
        let hash = self.password_hash()?;
        let generated = self.generate("bench", &shape, &hash)?;
        writeln!(
            report,
            "dataset ×{}: {}; {} rows in all, generated in {:.1} s",
            self.options.scale,
            shape.describe(),
            generated.rows,
            generated.seconds
        )?;

        crate::step("load: the main rows");
        let main = self.main_rows("bench", &shape)?;
        writeln!(
            report,
            "load: wrk, 2 threads, {} connections, {} s per row (login: {LOGIN_CONNECTIONS} \
             connections); server: release build, default settings ({} workers, pool of 16); \
             wrk and the server share the machine's cores",
            self.options.connections,
            self.options.duration,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        )?;
        writeln!(report)?;
        write_table(&mut report, &main.rows)?;
        writeln!(report)?;
        writeln!(
            report,
            "server: cold start {:.0} ms (spawn → /readyz 200 on an empty database, {} \
             migrations applied); RSS idle {:.1} MB after start, {:.1} MB after the load; \
             peak {:.1} MB",
            cold.millis,
            cold.migrations,
            main.idle_rss_mb,
            main.after_rss_mb,
            main.rows.iter().map(|r| r.rss_peak_mb).fold(0.0, f64::max)
        )?;
        println!("{report}");

        let mut curve = Vec::new();
        if !self.options.no_curve {
            crate::step("cost curve of list and search at ×0.1, ×1 and ×10");
            for scale in [0.1, 1.0, 10.0] {
                let point = if (scale - self.options.scale).abs() < 1e-9 {
                    CurvePoint {
                        scale,
                        actions: shape.actions(),
                        content: "the main dataset (with history and indicators)".to_owned(),
                        list: main.curve_list,
                        search: main.curve_search,
                    }
                } else {
                    self.curve_point(scale, &hash)?
                };
                curve.push(point);
            }
            let mut text = String::new();
            write_curve(&mut text, &curve)?;
            println!("{text}");
            report.push_str(&text);
        }

        let mut targets = String::new();
        write_targets(&mut targets, &main, &cold, &curve, self.options.connections)?;
        println!("{targets}");

        if !self.options.no_explain {
            crate::step("EXPLAIN (ANALYZE, BUFFERS) of the hot requests' statements");
            let explained = self.explain("bench", &shape)?;
            println!("{explained}");
        }
        println!(
            "total wall time of `cargo xtask bench`: {:.0} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    fn fresh_database(&self, name: &str) -> anyhow::Result<()> {
        self.cluster.psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )?;
        self.cluster
            .psql("postgres", &format!("CREATE DATABASE {name}"))?;
        Ok(())
    }

    fn cold_start(&self) -> anyhow::Result<ColdStart> {
        self.fresh_database("bench_cold")?;
        let (server, ready) = self.start_server("bench_cold", None)?;
        server.stop();
        let migrations = self
            .cluster
            .psql(
                "bench_cold",
                "SELECT count(*) FROM __diesel_schema_migrations",
            )?
            .trim()
            .parse()
            .unwrap_or(0);
        self.cluster
            .psql("postgres", "DROP DATABASE bench_cold WITH (FORCE)")?;
        Ok(ColdStart {
            millis: ready.as_secs_f64() * 1000.0,
            migrations,
        })
    }

    /// The argon2id hash of [`PASSWORD`], by the server's own function.
    fn password_hash(&self) -> anyhow::Result<String> {
        let mut child = Command::new(&self.binary)
            .arg("hash-password")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().context("stdin")?;
            writeln!(stdin, "{PASSWORD}")?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("pst-server hash-password failed");
        }
        Ok(String::from_utf8(out.stdout)?.trim().to_owned())
    }

    fn generate(&self, database: &str, shape: &Shape, hash: &str) -> anyhow::Result<Generated> {
        self.fresh_database(database)?;
        xtask::run(
            Command::new(&self.binary)
                .arg("migrate")
                .env("DATABASE_URL", self.cluster.url(database))
                .env("PST_LOG", "warn"),
        )?;
        let started = Instant::now();
        let script = self.work.join(format!("{database}.sql"));
        std::fs::write(&script, data::script(shape, hash))?;
        self.cluster.psql_file(database, &script)?;
        let seconds = started.elapsed().as_secs_f64();
        let broken = self.cluster.psql(database, data::CHECKS)?;
        if broken.trim() != "0" {
            bail!(
                "the generated data is inconsistent: {} broken references",
                broken.trim()
            );
        }
        let rows = self
            .cluster
            .psql(database, "SELECT sum(n_live_tup) FROM pg_stat_user_tables")?;
        eprintln!("xtask: generated in {seconds:.1} s");
        Ok(Generated {
            seconds,
            rows: rows.trim().to_owned(),
        })
    }

    /// Starts the release server on `database`; returns it once `/readyz` answers 200, and
    /// how long that took from the spawn.
    fn start_server(
        &self,
        database: &str,
        ceiling: Option<&Path>,
    ) -> anyhow::Result<(Server, Duration)> {
        let port = xtask::pg::free_port()?;
        let log = std::fs::File::create(self.work.join(format!("server-{database}.log")))?;
        let mut command = Command::new(&self.binary);
        command
            .arg("serve")
            .env("DATABASE_URL", self.cluster.url(database))
            .env("PST_BIND", format!("127.0.0.1:{port}"))
            .env("PST_JWT_SECRET", crate::random_hex(32)?)
            .env("PST_SECRETS_KEY", crate::random_secrets_key()?)
            .env("PST_LOG_FORMAT", "json")
            .env("PST_STATIC_DIR", &self.dist)
            .env("PST_FILE_STORE", self.work.join("files"))
            .env_remove("PST_BENCH_CEILING_FILE")
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(file) = ceiling {
            command.env("PST_BENCH_CEILING_FILE", file);
        }
        let spawned = Instant::now();
        let mut child = command.spawn().context("cannot start pst-server")?;
        loop {
            if let Ok(r) = http::request(port, "GET", "/readyz", &[], None)
                && r.status == 200
            {
                break;
            }
            if let Some(status) = child.try_wait()? {
                bail!(
                    "pst-server exited ({status}); see {}",
                    self.work.join(format!("server-{database}.log")).display()
                );
            }
            if spawned.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                bail!("pst-server not ready after 60 s");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let ready = spawned.elapsed();
        Ok((Server { child, port }, ready))
    }

    /// Writes, in the run's file store, the bytes of the first file of each sampled action
    /// (the dataset holds only the rows): 100 KB that begin as a PDF. Returns (index in the
    /// sample, file id) for each.
    fn evidence_bytes(&self, database: &str, ids: &Ids) -> anyhow::Result<Vec<(usize, String)>> {
        let actions: Vec<String> = ids
            .actions
            .iter()
            .map(|(_, a, _)| format!("'{a}'"))
            .collect();
        let index: std::collections::HashMap<&str, usize> = ids
            .actions
            .iter()
            .map(|(t, a, _)| (a.as_str(), *t))
            .collect();
        let mut content = b"%PDF-1.4\n".to_vec();
        content.resize(100 * 1024, b' ');
        let mut files = Vec::new();
        for line in self
            .cluster
            .psql(
                database,
                &format!(
                    "UPDATE attachments SET size_bytes = {} WHERE name = 'piece-1.pdf' \
                     AND action_id IN ({}) RETURNING action_id, id, storage_key",
                    content.len(),
                    actions.join(", ")
                ),
            )?
            .lines()
        {
            if let [action, id, key] = line.split('|').collect::<Vec<_>>()[..] {
                let path = self.work.join("files").join(key);
                std::fs::create_dir_all(path.parent().context("a folder")?)?;
                std::fs::write(&path, &content)?;
                files.push((
                    *index.get(action).context("a sampled action")?,
                    id.to_owned(),
                ));
            }
        }
        if files.is_empty() {
            bail!("the dataset holds no files for the sampled actions");
        }
        Ok(files)
    }

    fn main_rows(&self, database: &str, shape: &Shape) -> anyhow::Result<MainRun> {
        let sample = sample_tenants(shape.tenants);
        let ids = Ids::load(&self.cluster, database, &sample)?;

        // The ceiling serves the bytes of a real plan tree: fetch one first.
        let (server, _) = self.start_server(database, None)?;
        let social = login(server.port, &data::email(sample[0], 2))?;
        let tree = http::request(
            server.port,
            "GET",
            &format!("/api/v1/plans/{}", ids.plans[0].1),
            &[("Authorization", &format!("Bearer {social}"))],
            None,
        )?;
        server.stop();
        if tree.status != 200 {
            bail!("plan tree answered {}", tree.status);
        }
        let ceiling = self.work.join("ceiling.json");
        std::fs::write(&ceiling, &tree.body)?;
        let tree_kb = tree.body.len() as f64 / 1024.0;

        let (server, _) = self.start_server(database, Some(&ceiling))?;
        std::thread::sleep(Duration::from_secs(1));
        let idle_rss_mb = rss_mb(server.pid()).unwrap_or(0.0);
        let port = server.port;

        crate::step(&format!("logging in {} tenants' accounts", sample.len()));
        let mut social_tokens = Vec::new();
        let mut president_tokens = Vec::new();
        for &t in &sample {
            social_tokens.push(login(port, &data::email(t, 2))?);
            president_tokens.push(login(port, &data::email(t, 0))?);
        }
        let mut etags = Vec::new();
        for (i, (_, plan)) in ids.plans.iter().enumerate() {
            let r = http::request(
                port,
                "GET",
                &format!("/api/v1/plans/{plan}"),
                &[("Authorization", &format!("Bearer {}", social_tokens[i]))],
                None,
            )?;
            etags.push(r.header("etag").unwrap_or_default().to_owned());
        }

        let mut rows = Vec::new();
        let full = |connections| wrk::Run {
            dir: &self.work,
            port,
            connections,
            duration: Duration::from_secs(self.options.duration),
            cycle: Cycle::Repeat,
        };
        let conns = self.options.connections;
        let wanted = |name: &str| {
            let only = &self.options.only;
            only.is_empty() || only.iter().any(|word| name.contains(word.as_str()))
        };
        let measure = |name: &str, run: &wrk::Run<'_>, requests: &[Request]| {
            if !wanted(name) {
                return Ok(None);
            }
            crate::step(&format!("load: {name}"));
            let sampler = RssSampler::start(server.pid());
            let outcome = run.go(name, requests);
            let rss_peak_mb = sampler.stop();
            outcome.map(|outcome| {
                eprintln!(
                    "xtask: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
                    outcome.per_second(),
                    outcome.p50_ms,
                    outcome.p99_ms,
                    outcome.errors
                );
                Some(Row {
                    name: name.to_owned(),
                    connections: run.connections,
                    outcome,
                    rss_peak_mb,
                })
            })
        };

        rows.extend(measure(
            &format!("ceiling: the same plan-tree JSON ({tree_kb:.0} KiB) from memory, no DB"),
            &full(conns),
            &[Request::get("/api/bench/ceiling".to_owned(), None)],
        )?);

        let tree_requests: Vec<Request> = ids
            .plans
            .iter()
            .enumerate()
            .map(|(i, (_, plan))| {
                Request::get(format!("/api/v1/plans/{plan}"), Some(&social_tokens[i]))
            })
            .collect();
        rows.extend(measure(
            &format!(
                "plan tree read ({} actions, {tree_kb:.0} KiB), authenticated",
                shape.actions_per_plan
            ),
            &full(conns),
            &tree_requests,
        )?);
        // One connection, kept alive: a browser's loading of the app. The static files must
        // not wait on the connection (a two-part write without TCP_NODELAY meets the
        // client's delayed ACK: ~40 ms each); the JSON row is the yardstick.
        let one = full(1);
        rows.extend(measure(
            &format!("one connection: plan tree JSON ({tree_kb:.0} KiB), authenticated"),
            &one,
            &tree_requests,
        )?);
        for (path, sizes) in static_files(&self.dist)? {
            rows.extend(measure(
                &format!("one connection: static {path} (br, {sizes})"),
                &one,
                &[Request {
                    accept_encoding: Some("gzip, deflate, br".to_owned()),
                    ..Request::get(path, None)
                }],
            )?);
        }
        let revalidations: Vec<Request> = tree_requests
            .iter()
            .zip(&etags)
            .map(|(r, etag)| Request {
                if_none_match: Some(etag.clone()),
                ..r.clone()
            })
            .collect();
        rows.extend(measure(
            "plan tree revalidated: If-None-Match → 304",
            &full(conns),
            &revalidations,
        )?);

        let mut list = Vec::new();
        let mut curve_list = Vec::new();
        let mut curve_search = Vec::new();
        for (i, (_, plan)) in ids.plans.iter().enumerate() {
            let token = Some(social_tokens[i].as_str());
            curve_list.push(Request::get(
                format!("/api/v1/actions?plan_id={plan}&status=en_cours,probleme&per_page=50"),
                token,
            ));
            for word in SEARCHES {
                let q = encode(word);
                list.push(Request::get(
                    format!(
                        "/api/v1/actions?plan_id={plan}&status=en_cours,probleme,en_attente&q={q}&per_page=50"
                    ),
                    token,
                ));
                curve_search.push(Request::get(
                    format!("/api/v1/actions?q={q}&per_page=50"),
                    token,
                ));
            }
        }
        rows.extend(measure(
            "action list: plan + statuses + text search, 50 per page",
            &full(conns),
            &list,
        )?);

        let pages: Vec<Request> = ids
            .actions
            .iter()
            .map(|(t, action, _)| {
                Request::get(
                    format!("/api/v1/actions/{action}"),
                    Some(&social_tokens[*t]),
                )
            })
            .collect();
        rows.extend(measure(
            "action page (detail, indicators, journal)",
            &full(conns),
            &pages,
        )?);

        let discussions: Vec<Request> = ids
            .actions
            .iter()
            .map(|(t, action, _)| {
                Request::get(
                    format!("/api/v1/actions/{action}/comments"),
                    Some(&social_tokens[*t]),
                )
            })
            .collect();
        rows.extend(measure(
            "action discussion (20 comments, mentions, who may be mentioned)",
            &full(conns),
            &discussions,
        )?);

        let files: Vec<Request> = ids
            .actions
            .iter()
            .map(|(t, action, _)| {
                Request::get(
                    format!("/api/v1/actions/{action}/attachments"),
                    Some(&social_tokens[*t]),
                )
            })
            .collect();
        rows.extend(measure(
            "action files (5 files, the CPAS's use of its quota)",
            &full(conns),
            &files,
        )?);

        let downloads: Vec<Request> = self
            .evidence_bytes(database, &ids)?
            .into_iter()
            .map(|(t, file)| {
                Request::get(
                    format!("/api/v1/attachments/{file}/content"),
                    Some(&social_tokens[t]),
                )
            })
            .collect();
        rows.extend(measure(
            "file download (a 100 KB PDF from the file store)",
            &full(conns),
            &downloads,
        )?);

        let proposals: Vec<Request> = ids
            .actions
            .iter()
            .enumerate()
            .map(|(n, (t, action, version))| {
                Request::post(
                    format!("/api/v1/actions/{action}/change-requests"),
                    Some(&social_tokens[*t]),
                    format!(
                        r#"{{"base_version":{version},"changes":{{"progress":{}}},"note":"Point d'avancement du trimestre"}}"#,
                        n % 101
                    ),
                )
            })
            .collect();
        rows.extend(measure(
            "propose an update (write)",
            &full(conns),
            &proposals,
        )?);

        let comments: Vec<Request> = ids
            .actions
            .iter()
            .enumerate()
            .map(|(n, (t, action, _))| {
                Request::post(
                    format!("/api/v1/actions/{action}/comments"),
                    Some(&social_tokens[*t]),
                    format!(r#"{{"body":"Réunion de suivi n° {n} tenue avec le partenaire."}}"#),
                )
            })
            .collect();
        rows.extend(measure("comment (write)", &full(conns), &comments)?);

        crate::step("creating the pending proposals to approve");
        let pending = self
            .cluster
            .psql(database, &data::pending_proposals(&sample))?;
        let approvals: Vec<Request> = pending
            .lines()
            .filter_map(|l| l.split_once('|'))
            .filter_map(|(id, slug)| {
                let t: u32 = slug.trim_start_matches("bench-").parse().ok()?;
                let i = sample.iter().position(|s| *s == t)?;
                Some(Request::post(
                    format!("/api/v1/change-requests/{id}/approve"),
                    Some(&president_tokens[i]),
                    "{}".to_owned(),
                ))
            })
            .collect();
        let mut approve_run = full(conns);
        approve_run.cycle = Cycle::Once;
        rows.extend(measure(
            &format!(
                "approve a proposal (write, transactional; {} pending, each once)",
                approvals.len()
            ),
            &approve_run,
            &approvals,
        )?);

        let logins: Vec<Request> = sample
            .iter()
            .flat_map(|&t| (0..data::USERS_PER_TENANT).map(move |k| data::email(t, k)))
            .map(|email| {
                Request::post(
                    "/api/v1/auth/login".to_owned(),
                    None,
                    format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#),
                )
            })
            .collect();
        rows.extend(measure(
            "login (argon2id, slow on purpose)",
            &full(LOGIN_CONNECTIONS),
            &logins,
        )?);

        // The ×1 point of the cost curve, on this server.
        let curve_run = wrk::Run {
            dir: &self.work,
            port,
            connections: conns,
            duration: Duration::from_secs(self.options.duration.div_ceil(2).max(3)),
            cycle: Cycle::Repeat,
        };
        crate::step("curve at this scale: filtered list, text search");
        let curve_list = curve_run.go("curve list", &curve_list)?;
        let curve_search = curve_run.go("curve search", &curve_search)?;

        std::thread::sleep(Duration::from_secs(2));
        let after_rss_mb = rss_mb(server.pid()).unwrap_or(0.0);
        server.stop();
        Ok(MainRun {
            rows,
            idle_rss_mb,
            after_rss_mb,
            curve_list,
            curve_search,
        })
    }

    fn curve_point(&self, scale: f64, hash: &str) -> anyhow::Result<CurvePoint> {
        let shape = Shape::at(scale, false);
        let database = format!("bench_curve_{}", scale.to_string().replace('.', "_"));
        crate::step(&format!(
            "curve ×{scale}: generating {} (no history, no indicators)",
            shape.describe()
        ));
        self.generate(&database, &shape, hash)?;
        let sample = sample_tenants(shape.tenants);
        let ids = Ids::load(&self.cluster, &database, &sample)?;
        let (server, _) = self.start_server(&database, None)?;
        let mut list = Vec::new();
        let mut search = Vec::new();
        for (t, plan) in &ids.plans {
            let token = login(server.port, &data::email(*t, 2))?;
            list.push(Request::get(
                format!("/api/v1/actions?plan_id={plan}&status=en_cours,probleme&per_page=50"),
                Some(&token),
            ));
            for word in SEARCHES {
                search.push(Request::get(
                    format!("/api/v1/actions?q={}&per_page=50", encode(word)),
                    Some(&token),
                ));
            }
        }
        let run = wrk::Run {
            dir: &self.work,
            port: server.port,
            connections: self.options.connections,
            duration: Duration::from_secs(self.options.duration.div_ceil(2).max(3)),
            cycle: Cycle::Repeat,
        };
        crate::step(&format!("curve ×{scale}: filtered list, text search"));
        let list = run.go("curve list", &list);
        let search = run.go("curve search", &search);
        server.stop();
        self.cluster.psql(
            "postgres",
            &format!("DROP DATABASE {database} WITH (FORCE)"),
        )?;
        Ok(CurvePoint {
            scale,
            actions: shape.actions(),
            content: "generated for the curve: no history, no indicators".to_owned(),
            list: list?,
            search: search?,
        })
    }

    /// One request of each hot kind on a fresh server whose connections have
    /// `auto_explain` on: the plans of exactly the statements the server runs.
    fn explain(&self, database: &str, shape: &Shape) -> anyhow::Result<String> {
        let sample = sample_tenants(shape.tenants);
        let ids = Ids::load(&self.cluster, database, &sample)?;
        for setting in [
            "session_preload_libraries = 'auto_explain'",
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on",
            "auto_explain.log_timing = on",
        ] {
            self.cluster.psql(
                "postgres",
                &format!("ALTER DATABASE {database} SET {setting}"),
            )?;
        }
        let result = (|| {
            let (server, _) = self.start_server(database, None)?;
            let token = login(server.port, &data::email(sample[0], 2))?;
            let president = login(server.port, &data::email(sample[0], 0))?;
            let plan = &ids.plans[0].1;
            let action = &ids
                .actions
                .iter()
                .find(|(t, _, _)| *t == 0)
                .context("no action")?
                .1;
            let version = self.cluster.psql(
                database,
                &format!("SELECT version FROM actions WHERE id = '{action}'"),
            )?;
            let q = encode(SEARCHES[0]);
            let steps: Vec<(String, &str, String, Option<String>, &str)> = vec![
                (
                    "plan tree".into(),
                    "GET",
                    format!("/api/v1/plans/{plan}"),
                    None,
                    &token,
                ),
                (
                    "action list: plan + statuses + text search".into(),
                    "GET",
                    format!(
                        "/api/v1/actions?plan_id={plan}&status=en_cours,probleme,en_attente&q={q}&per_page=50"
                    ),
                    None,
                    &token,
                ),
                (
                    "filtered list (curve)".into(),
                    "GET",
                    format!("/api/v1/actions?plan_id={plan}&status=en_cours,probleme&per_page=50"),
                    None,
                    &token,
                ),
                (
                    "text search (curve)".into(),
                    "GET",
                    format!("/api/v1/actions?q={q}&per_page=50"),
                    None,
                    &token,
                ),
                (
                    "action page".into(),
                    "GET",
                    format!("/api/v1/actions/{action}"),
                    None,
                    &token,
                ),
                (
                    "propose".into(),
                    "POST",
                    format!("/api/v1/actions/{action}/change-requests"),
                    Some(format!(
                        r#"{{"base_version":{},"changes":{{"progress":42}}}}"#,
                        version.trim()
                    )),
                    &token,
                ),
            ];
            let mut text = String::from(
                "EXPLAIN (ANALYZE, BUFFERS) of every statement of one request of each kind \
                 (auto_explain, tenant bench-00000):\n",
            );
            let mut proposal = None;
            for (name, method, path, body, bearer) in &steps {
                let offset = std::fs::metadata(self.cluster.log_file())?.len();
                let r = http::request(
                    server.port,
                    method,
                    path,
                    &[("Authorization", &format!("Bearer {bearer}"))],
                    body.as_deref(),
                )?;
                if *name == "propose" {
                    proposal = r.json()?["id"].as_str().map(str::to_owned);
                }
                std::thread::sleep(Duration::from_millis(300));
                writeln!(text, "\n### {name}: {method} {path} → {}", r.status)?;
                text.push_str(&plans_since(&self.cluster.log_file(), offset)?);
            }
            if let Some(id) = proposal {
                let offset = std::fs::metadata(self.cluster.log_file())?.len();
                let path = format!("/api/v1/change-requests/{id}/approve");
                let r = http::request(
                    server.port,
                    "POST",
                    &path,
                    &[("Authorization", &format!("Bearer {president}"))],
                    Some("{}"),
                )?;
                std::thread::sleep(Duration::from_millis(300));
                writeln!(text, "\n### approve: POST {path} → {}", r.status)?;
                text.push_str(&plans_since(&self.cluster.log_file(), offset)?);
            }
            server.stop();
            Ok(text)
        })();
        self.cluster
            .psql("postgres", &format!("ALTER DATABASE {database} RESET ALL"))?;
        result
    }
}

/// The auto_explain entries written to the PostgreSQL log after `offset`.
fn plans_since(log: &Path, offset: u64) -> anyhow::Result<String> {
    let bytes = std::fs::read(log)?;
    let text = String::from_utf8_lossy(&bytes[usize::try_from(offset)?.min(bytes.len())..]);
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(at) = line.find("duration: ")
            && line.contains("plan:")
        {
            inside = true;
            writeln!(out, "-- {}", &line[at..])?;
        } else if inside && (line.starts_with('\t') || line.starts_with("  ")) {
            let line = line.trim_start_matches('\t');
            if let Some(query) = line.strip_prefix("Query Text: ") {
                let short: String = query.chars().take(220).collect();
                writeln!(
                    out,
                    "   Query: {short}{}",
                    if query.chars().count() > 220 {
                        "…"
                    } else {
                        ""
                    }
                )?;
            } else {
                writeln!(out, "   {line}")?;
            }
        } else {
            inside = false;
        }
    }
    Ok(out)
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM (graceful), then SIGKILL if it lingers.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct ColdStart {
    millis: f64,
    migrations: u32,
}

struct Generated {
    seconds: f64,
    rows: String,
}

struct MainRun {
    rows: Vec<Row>,
    idle_rss_mb: f64,
    after_rss_mb: f64,
    curve_list: Outcome,
    curve_search: Outcome,
}

struct CurvePoint {
    scale: f64,
    actions: u64,
    content: String,
    list: Outcome,
    search: Outcome,
}

/// Ids the requests need, for the sample tenants (index in the sample, not tenant number).
struct Ids {
    /// (tenant number, plan id)
    plans: Vec<(u32, String)>,
    /// (index in the sample, action id, version)
    actions: Vec<(usize, String, i32)>,
}

impl Ids {
    fn load(cluster: &Cluster, database: &str, sample: &[u32]) -> anyhow::Result<Self> {
        let slugs: Vec<String> = sample.iter().map(|t| format!("'bench-{t:05}'")).collect();
        let slugs = slugs.join(", ");
        let mut plans = Vec::new();
        for line in cluster
            .psql(
                database,
                &format!(
                    "SELECT t.slug, p.id FROM plans p JOIN tenants t ON t.id = p.tenant_id \
                     WHERE t.slug IN ({slugs}) ORDER BY t.slug"
                ),
            )?
            .lines()
        {
            if let Some((slug, id)) = line.split_once('|') {
                plans.push((slug.trim_start_matches("bench-").parse()?, id.to_owned()));
            }
        }
        let mut actions = Vec::new();
        // About 40 actions of each sampled tenant, all over its plan.
        for line in cluster
            .psql(
                database,
                &format!(
                    "SELECT t.slug, a.id, a.version FROM actions a JOIN tenants t ON t.id = a.tenant_id \
                     WHERE t.slug IN ({slugs}) AND a.position % 12 = 5 ORDER BY a.position, t.slug"
                ),
            )?
            .lines()
        {
            let parts: Vec<&str> = line.split('|').collect();
            if let [slug, id, version] = parts[..] {
                let t: u32 = slug.trim_start_matches("bench-").parse()?;
                let index = sample.iter().position(|s| *s == t).context("sample")?;
                actions.push((index, id.to_owned(), version.parse()?));
            }
        }
        if plans.len() != sample.len() || actions.is_empty() {
            bail!("the dataset lacks the sampled tenants' plans or actions");
        }
        Ok(Self { plans, actions })
    }
}

/// Tenants spread evenly over the federation.
/// The web app's files by URL path, with their raw and brotli sizes (`index.html` as `/`).
fn static_files(dist: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    let mut folders = vec![dist.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let name = path.to_string_lossy().into_owned();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let raw = std::fs::metadata(&path)?.len();
            let br = std::fs::metadata(format!("{name}.br"))
                .map(|m| m.len())
                .unwrap_or(raw);
            let relative = path
                .strip_prefix(dist)?
                .to_string_lossy()
                .replace('\\', "/");
            let url = if relative == "index.html" {
                "/".to_owned()
            } else {
                format!("/{relative}")
            };
            files.push((
                url,
                format!(
                    "{:.1} KB raw, {:.1} KB sent",
                    raw as f64 / 1e3,
                    br as f64 / 1e3
                ),
            ));
        }
    }
    files.sort();
    Ok(files)
}

fn sample_tenants(tenants: u32) -> Vec<u32> {
    let k = SAMPLE_TENANTS.min(tenants);
    (0..k)
        .map(|i| (u64::from(i) * u64::from(tenants) / u64::from(k)) as u32)
        .collect()
}

fn login(port: u16, email: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({ "email": email, "password": PASSWORD }).to_string();
    let r = http::request(port, "POST", "/api/v1/auth/login", &[], Some(&body))?;
    if r.status != 200 {
        bail!(
            "login of {email} answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    r.json()?["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access_token")
}

/// Percent-encoding of a query value (UTF-8 bytes).
fn encode(text: &str) -> String {
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

fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Samples the server's RSS every 50 ms and keeps the peak.
struct RssSampler {
    stop: Arc<AtomicBool>,
    peak_kb: Arc<AtomicU64>,
    handle: std::thread::JoinHandle<()>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak_kb = Arc::new(AtomicU64::new(0));
        let handle = {
            let (stop, peak_kb) = (Arc::clone(&stop), Arc::clone(&peak_kb));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(mb) = rss_mb(pid) {
                        peak_kb.fetch_max((mb * 1024.0) as u64, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        Self {
            stop,
            peak_kb,
            handle,
        }
    }

    fn stop(self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.handle.join();
        self.peak_kb.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

fn machine(cluster: &Cluster) -> anyhow::Result<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pg = cluster.psql("postgres", "SHOW server_version")?;
    Ok(format!(
        "{cores} cores ({model}), {mem_gib:.1} GiB RAM, PostgreSQL {} (fsync on, shared_buffers \
         default), {}",
        pg.trim(),
        wrk::version()
    ))
}

fn write_table(out: &mut String, rows: &[Row]) -> anyhow::Result<()> {
    // Absent when `--only` skipped it.
    let ceiling = rows
        .iter()
        .find(|r| r.name.starts_with("ceiling"))
        .map(|r| r.outcome.per_second());
    writeln!(
        out,
        "| scenario | conns | req/s | p50 ms | p99 ms | errors | vs ceiling | RSS peak MB |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|")?;
    for row in rows {
        let o = &row.outcome;
        let ratio = if row.name.starts_with("ceiling") {
            "100 %".to_owned()
        } else if let Some(ceiling) = ceiling
            && (row.name.starts_with("plan tree") || row.name.starts_with("action"))
        {
            format!(
                "{:.1} %",
                100.0 * o.per_second() / ceiling.max(f64::MIN_POSITIVE)
            )
        } else {
            "—".to_owned()
        };
        writeln!(
            out,
            "| {} | {} | {:.0} | {:.2} | {:.2} | {} | {ratio} | {:.0} |",
            row.name,
            row.connections,
            o.per_second(),
            o.p50_ms,
            o.p99_ms,
            o.errors,
            row.rss_peak_mb
        )?;
    }
    Ok(())
}

fn write_curve(out: &mut String, curve: &[CurvePoint]) -> anyhow::Result<()> {
    writeln!(
        out,
        "cost curve (tenants grow, each plan keeps 500 actions; filtered list = \
         plan_id + 2 statuses, text search = q over the whole CPAS; 64 connections):"
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "| data | actions | list req/s | list p50 ms | list p99 ms | search req/s | search p50 ms | search p99 ms | errors | dataset |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")?;
    for p in curve {
        writeln!(
            out,
            "| ×{} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {} | {} |",
            p.scale,
            p.actions,
            p.list.per_second(),
            p.list.p50_ms,
            p.list.p99_ms,
            p.search.per_second(),
            p.search.p50_ms,
            p.search.p99_ms,
            p.list.errors + p.search.errors,
            p.content
        )?;
    }
    Ok(())
}

fn write_targets(
    out: &mut String,
    main: &MainRun,
    cold: &ColdStart,
    curve: &[CurvePoint],
    connections: u32,
) -> anyhow::Result<()> {
    let find = |prefix: &str| main.rows.iter().find(|r| r.name.starts_with(prefix));
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    writeln!(out, "targets (from the figures above):")?;
    if let (Some(ceiling), Some(tree)) = (find("ceiling"), find("plan tree read")) {
        let ratio = tree.outcome.per_second() / ceiling.outcome.per_second().max(f64::MIN_POSITIVE);
        writeln!(
            out,
            "- plan tree ≥ 40 % of the ceiling: {:.1} % — {}",
            100.0 * ratio,
            verdict(ratio >= 0.4)
        )?;
        writeln!(
            out,
            "- plan tree p99 ≤ 20 ms at {connections} connections: {:.2} ms — {}",
            tree.outcome.p99_ms,
            verdict(tree.outcome.p99_ms <= 20.0)
        )?;
    }
    if let Some(json) = find("one connection: plan tree") {
        let slowest = main
            .rows
            .iter()
            .filter(|r| r.name.starts_with("one connection: static"))
            .min_by(|a, b| a.outcome.per_second().total_cmp(&b.outcome.per_second()));
        if let Some(file) = slowest {
            let ratio =
                file.outcome.per_second() / json.outcome.per_second().max(f64::MIN_POSITIVE);
            writeln!(
                out,
                "- every static file, one connection, ≥ half the plan-tree JSON's rate: slowest \
                 {:.0} req/s vs {:.0} ({:.0} %) — {}",
                file.outcome.per_second(),
                json.outcome.per_second(),
                100.0 * ratio,
                verdict(ratio >= 0.5)
            )?;
        }
    }
    if let Some(propose) = find("propose") {
        let o = &propose.outcome;
        writeln!(
            out,
            "- proposals ≥ 1,500/s with p99 ≤ 50 ms: {:.0}/s, p99 {:.2} ms — {}",
            o.per_second(),
            o.p99_ms,
            verdict(o.per_second() >= 1500.0 && o.p99_ms <= 50.0 && o.errors == 0)
        )?;
    }
    if let Some(list) = find("action list") {
        writeln!(
            out,
            "- filtered list p99 ≤ 50 ms at this scale: {:.2} ms — {}",
            list.outcome.p99_ms,
            verdict(list.outcome.p99_ms <= 50.0)
        )?;
    }
    let at = |scale: f64| curve.iter().find(|p| (p.scale - scale).abs() < 1e-9);
    if let (Some(one), Some(ten)) = (at(1.0), at(10.0)) {
        // Growth allowed by log-linear cost from ×1 to ×10 data: n·log n / (n₁·log n₁).
        let n1 = one.actions as f64;
        let n10 = ten.actions as f64;
        let log_linear = (n10 * n10.ln()) / (n1 * n1.ln());
        let logarithmic = n10.ln() / n1.ln();
        for (name, a, b) in [
            ("filtered list", &one.list, &ten.list),
            ("text search", &one.search, &ten.search),
        ] {
            let growth = b.p99_ms / a.p99_ms.max(f64::MIN_POSITIVE);
            let growth50 = b.p50_ms / a.p50_ms.max(f64::MIN_POSITIVE);
            writeln!(
                out,
                "- {name} from ×1 to ×10 data: p50 ×{growth50:.2}, p99 ×{growth:.2} (log-linear \
                 allows ×{log_linear:.1}, logarithmic ×{logarithmic:.2}) — {}",
                verdict(growth <= log_linear)
            )?;
        }
    }
    writeln!(
        out,
        "- idle RSS ≤ 60 MB: {:.1} MB — {}",
        main.idle_rss_mb,
        verdict(main.idle_rss_mb <= 60.0)
    )?;
    writeln!(
        out,
        "- cold start ≤ 1 s: {:.0} ms — {}",
        cold.millis,
        verdict(cold.millis <= 1000.0)
    )?;
    Ok(())
}
