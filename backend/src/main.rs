//! `pst-server`: serve the API (default), or run one maintenance step.

use backend::configuration::{LogFormat, Settings};
use backend::startup::Application;
use backend::{db, openapi, telemetry};
use clap::{Parser, Subcommand};
use diesel::{Connection, PgConnection};

#[derive(Debug, Parser)]
#[command(
    name = "pst-server",
    version,
    about = "PST — Plan Stratégique Transversal server"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database and serve the API and the web app (the default).
    Serve(Settings),
    /// Apply the pending database migrations, then exit.
    Migrate {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
    },
    /// Load the demo plans (idempotent), then exit.
    Seed {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
    },
    /// Print the OpenAPI document.
    Openapi,
}

fn main() -> anyhow::Result<()> {
    // A missing `.env` is the normal case in production.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    match cli.command {
        None => {
            // `pst-server` alone serves, with settings from the environment.
            let settings = Cli::parse_from(["pst-server", "serve"]);
            match settings.command {
                Some(Command::Serve(settings)) => serve(settings),
                _ => unreachable!("`serve` parses to Command::Serve"),
            }
        }
        Some(Command::Serve(settings)) => serve(settings),
        Some(Command::Migrate { database_url }) => {
            telemetry::init(LogFormat::Pretty);
            let mut conn = PgConnection::establish(&database_url)?;
            let applied = db::run_migrations(&mut conn)?;
            tracing::info!(?applied, "migrations applied");
            Ok(())
        }
        Some(Command::Seed { database_url }) => {
            telemetry::init(LogFormat::Pretty);
            let mut conn = PgConnection::establish(&database_url)?;
            db::run_migrations(&mut conn)?;
            let report = db::seed::load_demo_plans(&mut conn)?;
            tracing::info!(?report, "demo plans loaded");
            Ok(())
        }
        Some(Command::Openapi) => {
            print!("{}", openapi::document_json());
            Ok(())
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    telemetry::init(settings.log_format);
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings)?;
        tracing::info!(bind = %settings.bind, port = app.port(), "PST server listening");
        app.run_until_stopped().await?;
        Ok(())
    })
}
