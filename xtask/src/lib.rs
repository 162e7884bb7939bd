//! Support for the project commands, shared with the test suite: where the project lives
//! and a project-local PostgreSQL cluster.

pub mod backup;
pub mod fuzz;
pub mod http;
pub mod pg;
pub mod setup;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace root")
        .to_path_buf()
}

/// Runs a command, failing with its command line when it does not succeed.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

/// Runs a command and returns its standard output.
pub fn output(command: &mut Command) -> anyhow::Result<String> {
    let out = command
        .output()
        .with_context(|| format!("cannot start {command:?}"))?;
    if !out.status.success() {
        bail!(
            "{command:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A port from the environment variable `name`, or `default`.
pub fn port_from_env(name: &str, default: u16) -> u16 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Port of the cluster the tests create their databases in (`PST_TEST_PG_PORT`).
pub fn test_pg_port() -> u16 {
    port_from_env("PST_TEST_PG_PORT", 5434)
}

/// Port of the development cluster of `cargo xtask run` (`PST_PG_PORT`).
pub fn dev_pg_port() -> u16 {
    port_from_env("PST_PG_PORT", 5433)
}

/// `bytes` random bytes from the system, as hex.
pub fn random_hex(bytes: usize) -> anyhow::Result<String> {
    Ok(random_bytes(bytes)?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A new, empty folder under the system's temporary folder for a test server's evidence
/// files (`PST_FILE_STORE`): what the tests upload never lands in the project's own.
pub fn scratch_file_store(purpose: &str) -> anyhow::Result<PathBuf> {
    let folder = std::env::temp_dir().join(format!("pst-{purpose}-files-{}", random_hex(8)?));
    std::fs::create_dir_all(&folder)?;
    Ok(folder)
}

/// A fresh `PST_SECRETS_KEY`: 32 random bytes in base64.
pub fn random_secrets_key() -> anyhow::Result<String> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::STANDARD.encode(random_bytes(32)?))
}

fn random_bytes(bytes: usize) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buffer)?;
    Ok(buffer)
}
