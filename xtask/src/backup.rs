//! Backups of a PST deployment: the database (`pg_dump` in its custom format, restored
//! with `pg_restore`) and the evidence files of a local file store. A backup is a folder:
//! `database.dump` and `files/`, a copy of the store's folder. Used by `cargo xtask
//! backup` / `restore` and by the test that checks a restore gives back every plan,
//! action, history row, user and file.
//!
//! A file store in an S3-compatible bucket is not copied: the bucket's own versioning or
//! replication keeps its files (see the README).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

/// The database's part of a backup folder.
pub const DATABASE_FILE: &str = "database.dump";
/// The files' part of a backup folder.
pub const FILES_FOLDER: &str = "files";

/// The PostgreSQL client tools: those of the newest local server (they must not be older
/// than the server), else the ones on the `PATH`.
fn tool(name: &str) -> PathBuf {
    crate::pg::bin_dir()
        .map(|dir| dir.join(name))
        .ok()
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// The local folder of a `PST_FILE_STORE` setting; `None` for a bucket.
pub fn local_store(setting: &str) -> Option<PathBuf> {
    if setting.contains("://") && !setting.starts_with("file://") {
        return None;
    }
    Some(PathBuf::from(
        setting.strip_prefix("file://").unwrap_or(setting),
    ))
}

/// Writes the whole database at `database_url` (custom format, compressed, without owners
/// or privileges so it restores into any database) and a copy of the `files` folder (when
/// the deployment keeps its files locally) into the new folder `backup`.
pub fn backup(database_url: &str, files: Option<&Path>, backup: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(backup)
        .with_context(|| format!("cannot create {}", backup.display()))?;
    crate::run(
        Command::new(tool("pg_dump"))
            .args([
                "--format=custom",
                "--compress=6",
                "--no-owner",
                "--no-privileges",
            ])
            .arg("--file")
            .arg(backup.join(DATABASE_FILE))
            .arg(database_url),
    )
    .context("pg_dump failed")?;
    let copy = backup.join(FILES_FOLDER);
    std::fs::create_dir_all(&copy)?;
    if let Some(files) = files.filter(|folder| folder.is_dir()) {
        copy_tree(files, &copy).context("copying the evidence files")?;
    }
    Ok(())
}

/// Replaces the content of the database at `database_url` with the backup, in one
/// transaction (either the whole backup is restored, or nothing changes); then, when the
/// backup holds files and the deployment keeps them locally, the `files` folder becomes the
/// backup's (swapped in whole once copied). `backup` is a backup folder, or the `.dump`
/// file of an older backup (the database only).
pub fn restore(database_url: &str, files: Option<&Path>, backup: &Path) -> anyhow::Result<()> {
    let (dump, saved_files) = if backup.is_dir() {
        (backup.join(DATABASE_FILE), Some(backup.join(FILES_FOLDER)))
    } else {
        (backup.to_path_buf(), None)
    };
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
            .arg(&dump),
    )
    .context("pg_restore failed")?;
    if let (Some(saved), Some(files)) = (saved_files.filter(|f| f.is_dir()), files) {
        replace_tree(&saved, files).context("restoring the evidence files")?;
    }
    Ok(())
}

/// Copies the folder `from` into the existing folder `to`, recursively.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// `folder` becomes a copy of `saved`: copied beside it first, then swapped in.
fn replace_tree(saved: &Path, folder: &Path) -> anyhow::Result<()> {
    let sibling = |suffix: &str| {
        let mut name = folder.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (incoming, outgoing) = (sibling(".restoring"), sibling(".replaced"));
    for stale in [&incoming, &outgoing] {
        if stale.exists() {
            std::fs::remove_dir_all(stale)?;
        }
    }
    std::fs::create_dir_all(&incoming)?;
    copy_tree(saved, &incoming)?;
    if folder.exists() {
        std::fs::rename(folder, &outgoing)?;
    }
    std::fs::rename(&incoming, folder)?;
    if outgoing.exists() {
        std::fs::remove_dir_all(&outgoing)?;
    }
    Ok(())
}
