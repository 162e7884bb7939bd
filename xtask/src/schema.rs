//! `backend/src/db/schema.rs` is generated: `diesel print-schema` on a scratch database
//! migrated from `migrations/`, with `diesel.toml`'s settings and its patch file
//! (`backend/src/db/schema.patch`) for what is tuned by hand. `cargo xtask schema` writes
//! it; `cargo xtask test` regenerates it and fails on any difference.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use xtask::pg::Cluster;

use crate::{cargo, locked_version, printed_version, step, target_dir};

/// The generated file, from the workspace root.
const SCHEMA_FILE: &str = "backend/src/db/schema.rs";
/// The scratch database the schema is read from (dropped and made anew each time).
const SCRATCH_DATABASE: &str = "pst_schema";

/// Rewrites `schema.rs` from the migrations.
pub fn write(root: &Path, cluster: &Cluster) -> anyhow::Result<()> {
    let generated = generate(root, cluster)?;
    std::fs::write(root.join(SCHEMA_FILE), generated)?;
    eprintln!("xtask: wrote {SCHEMA_FILE}");
    Ok(())
}

/// Fails, with the difference and the command that fixes it, when `schema.rs` is not what
/// `diesel print-schema` makes of the migrations.
pub fn check(root: &Path, cluster: &Cluster) -> anyhow::Result<()> {
    let generated = generate(root, cluster)?;
    let committed = std::fs::read_to_string(root.join(SCHEMA_FILE))
        .with_context(|| format!("cannot read {SCHEMA_FILE}"))?;
    if committed == generated {
        eprintln!("xtask: {SCHEMA_FILE} is what the migrations generate");
        return Ok(());
    }
    let folder = target_dir(root)?.join("schema-check");
    std::fs::create_dir_all(&folder)?;
    let fresh = folder.join("schema.rs");
    std::fs::write(&fresh, &generated)?;
    // diff(1) answers 1 when the files differ: its output is what matters.
    let diff = Command::new("diff")
        .args(["-u", "--label", &format!("{SCHEMA_FILE} (committed)")])
        .args([
            "--label",
            &format!("{SCHEMA_FILE} (generated from migrations/)"),
        ])
        .arg(root.join(SCHEMA_FILE))
        .arg(&fresh)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_else(|_| {
            format!(
                "(diff unavailable; the generated file is {})",
                fresh.display()
            )
        });
    bail!(
        "{SCHEMA_FILE} differs from what `diesel print-schema` generates from migrations/:\n\
         {diff}\n\
         Run `cargo xtask schema` to rewrite it (and commit it). A change that must stay \
         hand-made belongs in backend/src/db/schema.patch (see diesel.toml)."
    )
}

/// The schema as `diesel print-schema` writes it, patch applied, from a scratch database
/// with every migration of `migrations/`.
fn generate(root: &Path, cluster: &Cluster) -> anyhow::Result<String> {
    let diesel = diesel_cli(root)?;
    cluster.psql(
        "postgres",
        &format!("DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"),
    )?;
    cluster.psql("postgres", &format!("CREATE DATABASE {SCRATCH_DATABASE}"))?;
    for up in migrations(root)? {
        // One transaction per migration, as diesel runs them.
        cluster
            .psql_file_in_transaction(SCRATCH_DATABASE, &up)
            .with_context(|| format!("migration {} failed", up.display()))?;
    }
    let schema = crate::output(
        Command::new(&diesel)
            .arg("print-schema")
            .arg("--config-file")
            .arg(root.join("diesel.toml"))
            .arg("--database-url")
            .arg(cluster.url(SCRATCH_DATABASE))
            .current_dir(root),
    )
    .context("diesel print-schema failed (a patch that no longer applies? see diesel.toml)")?;
    cluster.psql(
        "postgres",
        &format!("DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"),
    )?;
    Ok(schema)
}

/// The `up.sql` of every migration, in the order diesel applies them (by version, the
/// folder name's leading part, which sorts as the folder names do).
fn migrations(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut ups: Vec<PathBuf> = std::fs::read_dir(root.join("migrations"))?
        .map(|entry| entry.map(|e| e.path().join("up.sql")))
        .collect::<Result<_, _>>()?;
    ups.retain(|up| up.is_file());
    ups.sort();
    if ups.is_empty() {
        bail!("no migrations in migrations/");
    }
    Ok(ups)
}

/// The diesel CLI of the diesel version in Cargo.lock, PostgreSQL only, installed into the
/// target folder (`tools/bin/diesel`) when missing or of another version.
fn diesel_cli(root: &Path) -> anyhow::Result<PathBuf> {
    let wanted = locked_version(root, "diesel")?;
    let tools = target_dir(root)?.join("tools");
    let diesel = tools.join("bin").join("diesel");
    let current = printed_version(diesel.as_os_str());
    // "diesel\n Version: 2.3.14\n Supported Backends: postgres"
    if !current.split_whitespace().any(|word| word == wanted) {
        step(&format!("installing diesel_cli {wanted} (postgres only)"));
        xtask::run(
            cargo()
                .args(["install", "diesel_cli", "--version", &wanted, "--locked"])
                .args(["--no-default-features", "--features", "postgres"])
                .arg("--root")
                .arg(&tools),
        )?;
    }
    Ok(diesel)
}
