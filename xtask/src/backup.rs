//! Backups of a PST database: `pg_dump` in its custom format, restored with `pg_restore`.
//! Used by `cargo xtask backup` / `restore` and by the test that checks a restore gives
//! back every plan, action, history row and user.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

/// The PostgreSQL client tools: those of the newest local server (they must not be older
/// than the server), else the ones on the `PATH`.
fn tool(name: &str) -> PathBuf {
    crate::pg::bin_dir()
        .map(|dir| dir.join(name))
        .ok()
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// Writes the whole database at `database_url` to `file` (custom format, compressed),
/// without owners or privileges so it restores into any database.
pub fn backup(database_url: &str, file: &Path) -> anyhow::Result<()> {
    crate::run(
        Command::new(tool("pg_dump"))
            .args([
                "--format=custom",
                "--compress=6",
                "--no-owner",
                "--no-privileges",
            ])
            .arg("--file")
            .arg(file)
            .arg(database_url),
    )
    .context("pg_dump failed")
}

/// Replaces the content of the database at `database_url` with the backup in `file`, in one
/// transaction: either the whole backup is restored, or nothing changes.
pub fn restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    crate::run(
        Command::new(tool("pg_restore"))
            .args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
            ])
            .arg("--dbname")
            .arg(database_url)
            .arg(file),
    )
    .context("pg_restore failed")
}
