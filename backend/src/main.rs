//! `pst-server`: serve the API (default), or run one maintenance step.

fn main() -> anyhow::Result<()> {
    backend::cli::main()
}
