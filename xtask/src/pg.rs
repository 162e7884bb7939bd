//! A project-local PostgreSQL cluster: `initdb` once, `pg_ctl start/stop`, on a loopback
//! port of its own.
//!
//! PostgreSQL refuses to run as root, so under root every server command runs as the
//! `postgres` system user (`runuser`), and the data folder must be reachable by it. When the
//! project folder is not (a clone under `/root`, say), the cluster lives in the system temp
//! folder instead, under a name derived from the project path, and the log says so.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A PostgreSQL cluster in a folder of ours.
#[derive(Debug, Clone)]
pub struct Cluster {
    data_dir: PathBuf,
    port: u16,
    bin_dir: PathBuf,
    run_as_postgres: bool,
    durability: Durability,
}

/// Whether the cluster must survive a crash of the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync on: the development data survives anything.
    Durable,
    /// fsync off: for test databases, which are thrown away.
    Disposable,
}

impl Cluster {
    /// The cluster named `name` (e.g. `postgres`, `postgres-test`) under the project's
    /// `.data/` folder, or under the temp folder when the server user cannot reach it.
    pub fn project(
        root: &Path,
        name: &str,
        port: u16,
        durability: Durability,
    ) -> anyhow::Result<Self> {
        let run_as_postgres = is_root()?;
        let preferred = root.join(".data").join(name);
        let data_dir = if !run_as_postgres || reachable_by_postgres(&preferred)? {
            preferred
        } else {
            let mut hasher = DefaultHasher::new();
            root.hash(&mut hasher);
            let fallback = std::env::temp_dir()
                .join(format!("pst-{:016x}", hasher.finish()))
                .join(name);
            eprintln!(
                "xtask: the `postgres` user cannot reach {}; keeping the cluster in {}",
                preferred.display(),
                fallback.display()
            );
            fallback
        };
        Ok(Self {
            data_dir,
            port,
            bin_dir: bin_dir()?,
            run_as_postgres,
            durability,
        })
    }

    /// A throw-away cluster in `dir` on a free port (for tests that stop the database).
    pub fn scratch(dir: &Path) -> anyhow::Result<Self> {
        let run_as_postgres = is_root()?;
        if run_as_postgres && !reachable_by_postgres(dir)? {
            bail!("the postgres user cannot reach {}", dir.display());
        }
        Ok(Self {
            data_dir: dir.to_path_buf(),
            port: free_port()?,
            bin_dir: bin_dir()?,
            run_as_postgres,
            durability: Durability::Disposable,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// URL of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates the cluster if it does not exist yet, then starts it if it is not running.
    pub fn ensure_running(&self) -> anyhow::Result<()> {
        if !self.data_dir.join("PG_VERSION").is_file() {
            self.init()?;
        }
        if !self.is_running()? {
            self.start()?;
        }
        Ok(())
    }

    fn init(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create {}", self.data_dir.display()))?;
        if self.run_as_postgres {
            crate::run(
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(&self.data_dir),
            )?;
        }
        eprintln!(
            "xtask: initialising PostgreSQL in {}",
            self.data_dir.display()
        );
        crate::output(
            self.server_command("initdb")
                .arg("-D")
                .arg(&self.data_dir)
                .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"])
                .args(["--locale=C.UTF-8", "--no-instructions"]),
        )?;
        Ok(())
    }

    /// Whether the server of this data folder is running.
    pub fn is_running(&self) -> anyhow::Result<bool> {
        let status = self
            .server_command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.data_dir)
            .output()
            .context("cannot run pg_ctl status")?;
        Ok(status.status.success())
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) -> anyhow::Result<()> {
        let log = self.data_dir.join("server.log");
        let mut options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c max_connections=300",
            self.port,
            self.data_dir.display()
        );
        if self.durability == Durability::Disposable {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        crate::output(
            self.server_command("pg_ctl")
                .arg("start")
                .arg("-D")
                .arg(&self.data_dir)
                .arg("-l")
                .arg(&log)
                .arg("-o")
                .arg(options)
                .args(["-w", "-t", "60"]),
        )
        .with_context(|| format!("PostgreSQL did not start; see {}", log.display()))?;
        Ok(())
    }

    /// Stops the server (fast shutdown: rolls back open transactions).
    pub fn stop(&self) -> anyhow::Result<()> {
        if self.is_running()? {
            crate::output(
                self.server_command("pg_ctl")
                    .arg("stop")
                    .arg("-D")
                    .arg(&self.data_dir)
                    .args(["-m", "fast", "-w"]),
            )?;
        }
        Ok(())
    }

    /// Runs SQL on `database` with psql, returning its unaligned output.
    pub fn psql(&self, database: &str, sql: &str) -> anyhow::Result<String> {
        crate::output(self.psql_command(database).arg("-c").arg(sql))
    }

    /// Runs a SQL file on `database` with psql (stops at the first error).
    pub fn psql_file(&self, database: &str, file: &Path) -> anyhow::Result<String> {
        crate::output(self.psql_command(database).arg("-f").arg(file))
    }

    /// Runs a SQL file on `database` in one transaction (`psql -1`): all of it or nothing.
    pub fn psql_file_in_transaction(&self, database: &str, file: &Path) -> anyhow::Result<String> {
        crate::output(self.psql_command(database).arg("-1").arg("-f").arg(file))
    }

    /// psql on `database`: unaligned tuples only, stopping at the first error.
    fn psql_command(&self, database: &str) -> Command {
        let mut command = Command::new(self.bin_dir.join("psql"));
        command
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-U", "postgres"])
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-d")
            .arg(database);
        command
    }

    /// Path of the server's log file.
    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    /// Creates `database` unless it exists.
    pub fn ensure_database(&self, database: &str) -> anyhow::Result<()> {
        let exists = self.psql(
            "postgres",
            &format!("SELECT 1 FROM pg_database WHERE datname = '{database}'"),
        )?;
        if exists.trim().is_empty() {
            self.psql("postgres", &format!("CREATE DATABASE \"{database}\""))?;
        }
        Ok(())
    }

    fn server_command(&self, program: &str) -> Command {
        let path = self.bin_dir.join(program);
        if self.run_as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

/// Waits until `port` on loopback accepts TCP connections.
pub fn wait_for_port(port: u16, timeout: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > timeout {
            bail!("nothing listens on port {port} after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A loopback port nobody listens on now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn is_root() -> anyhow::Result<bool> {
    Ok(crate::output(Command::new("id").arg("-u"))?.trim() == "0")
}

/// Whether the `postgres` user can enter `dir` (creating it, owned by postgres, if needed).
fn reachable_by_postgres(dir: &Path) -> anyhow::Result<bool> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::run(Command::new("chown").arg("postgres:postgres").arg(dir))?;
    Ok(Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-w"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success()))
}

/// The newest installed PostgreSQL's binaries (Debian keeps them outside PATH).
pub(crate) fn bin_dir() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    // Elsewhere (a laptop with PostgreSQL from another source): rely on PATH.
    let found = crate::output(Command::new("sh").args(["-c", "command -v initdb"]))
        .context("PostgreSQL is not installed: no initdb in /usr/lib/postgresql or on PATH")?;
    Ok(Path::new(found.trim())
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default())
}
