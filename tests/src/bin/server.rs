//! `pst-server` itself, built in this package so the tests can start it as a process.

fn main() -> anyhow::Result<()> {
    backend::cli::main()
}
