//! What the project commands need from the machine, checked before they start and installed
//! when missing: Debian packages (as root with apt-get, otherwise one message with the exact
//! command), rustup components, and the npm tools of `package-lock.json`.
//!
//! Every check looks first and installs only what is missing, so a machine that has it all
//! runs no installer and no `apt-get update`: `.ci/run` is `cargo xtask test` and nothing
//! else on a fresh Debian machine as on a developer's laptop.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// A Debian package the project needs, and how to tell it is there without asking dpkg
/// where a command or a `pkg-config` module says it better (and works off Debian too).
#[derive(Debug, Clone, Copy)]
pub struct Package {
    /// Debian package name.
    pub name: &'static str,
    probe: Probe,
}

#[derive(Debug, Clone, Copy)]
enum Probe {
    /// A program on `PATH`.
    Program(&'static str),
    /// A library with headers: the `-dev` package installed (dpkg), or its `pkg-config`
    /// module where dpkg is not the package manager.
    Library(&'static str),
    /// The PostgreSQL server binaries (Debian keeps them outside `PATH`).
    PostgresServer,
    /// Python's `venv` with `ensurepip` (Debian ships it apart from python3).
    PythonVenv,
    /// The Chromium the browser tests drive (`CHROMIUM`, or `chromium` on `PATH`).
    Chromium,
    /// `runuser`: PostgreSQL refuses to run as root, so root starts it as `postgres`.
    RunuserWhenRoot,
}

const fn package(name: &'static str, probe: Probe) -> Package {
    Package { name, probe }
}

/// What the server needs to build and run on a local PostgreSQL (`cargo xtask run`).
pub const SERVER: &[Package] = &[
    package("postgresql", Probe::PostgresServer),
    package("postgresql-client", Probe::Program("psql")),
    // pq-sys (diesel) and the diesel CLI link libpq.
    package("libpq-dev", Probe::Library("libpq")),
    // TLS for SMTP (lettre through native-tls).
    package("libssl-dev", Probe::Library("openssl")),
    package("pkg-config", Probe::Program("pkg-config")),
    package("util-linux", Probe::RunuserWhenRoot),
];

/// What `cargo xtask test` needs beyond the server: npm (wasm-opt from `binaryen`, and
/// Playwright with axe for the browser tests), Chromium, Python for the OpenAPI
/// validator, Schemathesis and the generated client, and xmllint.
pub const TEST: &[Package] = &[
    package("nodejs", Probe::Program("node")),
    package("npm", Probe::Program("npm")),
    package("chromium", Probe::Chromium),
    package("python3", Probe::Program("python3")),
    package("python3-venv", Probe::PythonVenv),
    // xmllint: the API tests check the eComptes files against the Region's schema.
    package("libxml2-utils", Probe::Program("xmllint")),
];

/// What `cargo xtask bench` needs beyond the server: the load generator.
pub const BENCH: &[Package] = &[package("wrk", Probe::Program("wrk"))];

/// Installs the packages of `sets` that are missing: as root with apt-get (one `apt-get
/// update`, then one install), otherwise fails with the command to run.
pub fn ensure_packages(sets: &[&[Package]]) -> anyhow::Result<()> {
    let needed = || sets.iter().flat_map(|set| set.iter());
    let absent = missing(needed());
    if absent.is_empty() {
        return Ok(());
    }
    let apt = which("apt-get");
    if !is_root() || !apt {
        bail!("{}", missing_message(&absent, apt));
    }
    eprintln!(
        "\n\x1b[1mxtask: installing {} (apt-get)\x1b[0m",
        absent.join(" ")
    );
    let apt_get = || {
        let mut command = Command::new("apt-get");
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    crate::run(apt_get().args(["update", "-q"]))?;
    crate::run(apt_get().args(["install", "-y", "-q"]).args(&absent))?;
    let still = missing(needed());
    if !still.is_empty() {
        bail!(
            "apt-get installed {} but these are still not found: {}",
            absent.join(" "),
            still.join(" ")
        );
    }
    Ok(())
}

/// The message for a user who cannot install: what is missing, and the one command.
fn missing_message(missing: &[&str], apt: bool) -> String {
    let list = missing.join(" ");
    if apt {
        format!(
            "this machine lacks {list}. Install them with\n\n    \
             sudo apt-get update && sudo apt-get install -y {list}\n\n\
             then run the command again (as root, cargo xtask installs them itself)."
        )
    } else {
        format!(
            "this machine lacks what these Debian packages provide: {list}. Install their \
             equivalents with the system's package manager, then run the command again."
        )
    }
}

fn missing<'a>(packages: impl Iterator<Item = &'a Package>) -> Vec<&'static str> {
    packages
        .filter(|p| !p.is_present())
        .map(|p| p.name)
        .collect()
}

impl Package {
    fn is_present(&self) -> bool {
        match self.probe {
            Probe::Program(program) => which(program),
            Probe::Library(module) => {
                if which("dpkg-query") {
                    dpkg_installed(self.name)
                } else {
                    succeeds(Command::new("pkg-config").args(["--exists", module]))
                }
            }
            Probe::PostgresServer => crate::pg::bin_dir().is_ok(),
            Probe::PythonVenv => {
                succeeds(Command::new("python3").args(["-c", "import ensurepip, venv"]))
            }
            Probe::Chromium => match std::env::var_os("CHROMIUM") {
                Some(path) => Path::new(&path).is_file(),
                None => which("chromium"),
            },
            Probe::RunuserWhenRoot => !is_root() || which("runuser"),
        }
    }
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).ends_with(" installed")
        })
}

/// Whether `program` is an executable file in a folder of `PATH`.
fn which(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|o| o.status.success())
}

pub(crate) fn is_root() -> bool {
    crate::output(Command::new("id").arg("-u")).is_ok_and(|id| id.trim() == "0")
}

/// The rustup components the checks run (`cargo fmt`, `cargo clippy`).
pub fn ensure_rust_components() -> anyhow::Result<()> {
    let missing: Vec<&str> = [("rustfmt", "fmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(_, subcommand)| !succeeds(Command::new("cargo").args([subcommand, "--version"])))
        .map(|(component, _)| component)
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "\n\x1b[1mxtask: installing the rustup components {}\x1b[0m",
            missing.join(" ")
        );
        crate::run(
            Command::new("rustup")
                .args(["component", "add"])
                .args(&missing),
        )?;
    }
    Ok(())
}

/// The npm tools of `package-lock.json` (wasm-opt, Playwright, axe) in `node_modules`,
/// installed with `npm ci` when missing or when the lock file changed since.
pub fn ensure_npm_tools(root: &Path) -> anyhow::Result<()> {
    let lock = std::fs::read_to_string(root.join("package-lock.json"))
        .context("cannot read package-lock.json")?;
    let stamp = root.join("node_modules/.pst-installed-lock.json");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(lock.as_str()) {
        return Ok(());
    }
    eprintln!("\n\x1b[1mxtask: installing the npm tools (npm ci)\x1b[0m");
    crate::run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root),
    )?;
    std::fs::write(&stamp, lock)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_who_cannot_install_is_given_the_one_command() {
        let message = missing_message(&["libpq-dev", "chromium"], true);
        assert!(
            message.contains("sudo apt-get update && sudo apt-get install -y libpq-dev chromium"),
            "{message}"
        );
    }

    #[test]
    fn what_is_there_is_not_installed_again() {
        let present = package("sh", Probe::Program("sh"));
        let absent = package("pst-no-such-package", Probe::Program("pst-no-such-program"));
        assert_eq!(
            missing([present, absent].iter()),
            vec!["pst-no-such-package"]
        );
    }
}
