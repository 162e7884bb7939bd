//! The command line of `pst-server`: serve the API (default), or run one maintenance step.
//! A library function so that the test suite runs the very same entry point as a child
//! process (to kill it, or to send it SIGTERM).

use crate::configuration::{LogFormat, Settings};
use crate::startup::Application;
use crate::{app, db, openapi, telemetry};
use clap::{Parser, Subcommand};

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
    Serve(Box<Settings>),
    /// Apply the pending database migrations, then exit.
    Migrate {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
    },
    /// Load the demo plans and accounts (idempotent), then exit. Never in production.
    Seed {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
        #[arg(
            long,
            env = "PST_DEMO_PASSWORD",
            hide_env_values = true,
            default_value = "pst-demo-2026"
        )]
        demo_password: String,
    },
    /// Create a platform administrator (the first account in production). The password is
    /// read from standard input, or from PST_ADMIN_PASSWORD.
    CreateAdmin {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administration")]
        name: String,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Print the argon2id hash (PHC string) of the password read from standard input, as
    /// the server stores it (to load accounts in bulk, e.g. the benchmark's).
    HashPassword,
}

/// Parses the command line and runs it.
pub fn main() -> anyhow::Result<()> {
    // A missing `.env` is the normal case in production.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    match cli.command {
        None => {
            // `pst-server` alone serves, with settings from the environment.
            let settings = Cli::parse_from(["pst-server", "serve"]);
            match settings.command {
                Some(Command::Serve(settings)) => serve(*settings),
                _ => unreachable!("`serve` parses to Command::Serve"),
            }
        }
        Some(Command::Serve(settings)) => serve(*settings),
        Some(Command::Migrate { database_url }) => {
            telemetry::init(LogFormat::Pretty);
            let mut conn = db::establish(&database_url)?;
            let applied = db::run_migrations(&mut conn)?;
            tracing::info!(?applied, "migrations applied");
            Ok(())
        }
        Some(Command::Seed {
            database_url,
            demo_password,
        }) => {
            telemetry::init(LogFormat::Pretty);
            let mut conn = db::establish(&database_url)?;
            db::run_migrations(&mut conn)?;
            let report = app::demo::load_plans(&mut conn)?;
            let accounts = app::demo::load_accounts(&mut conn, &demo_password)?;
            tracing::info!(?report, accounts, "demo plans and accounts loaded");
            Ok(())
        }
        Some(Command::CreateAdmin {
            database_url,
            email,
            name,
        }) => {
            telemetry::init(LogFormat::Pretty);
            let password = match std::env::var("PST_ADMIN_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    eprintln!("Password of the new administrator (one line):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let mut conn = db::establish(&database_url)?;
            db::run_migrations(&mut conn)?;
            let id = app::accounts::create_admin(&mut conn, &email, &name, &password)
                .map_err(|e| anyhow::anyhow!("{:?}", e.problem()))?;
            tracing::info!(%id, %email, "administrator created");
            Ok(())
        }
        Some(Command::HashPassword) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let password = crate::auth::password::NewPassword::parse(
                line.trim_end_matches(['\r', '\n']),
                "password",
                &crate::auth::password::PasswordOwner::default(),
            )
            .map_err(|e| anyhow::anyhow!("{:?}", e.problem()))?;
            let hash = password
                .hash()
                .map_err(|e| anyhow::anyhow!("{:?}", e.problem()))?;
            println!("{hash}");
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
