//! Settings, layered: built-in defaults, then the environment (and a `.env` file), then
//! command-line flags.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::app::accounts::ThrottleLimits;
use crate::auth::tokens::JwtSecret;
use crate::db::PoolOptions;
use crate::secrets::{Keyring, PreviousKeys, SecretKey};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Everything the server needs to start.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,

    /// Key that signs access tokens (HS256): at least 32 random bytes. Environment only.
    #[arg(long, env = "PST_JWT_SECRET", hide_env_values = true, hide = true)]
    pub jwt_secret: JwtSecret,

    /// Key sealing the secrets kept in the database (webhook signing keys, answers kept for
    /// idempotent replays): 32 random bytes in base64. Environment only.
    #[arg(long, env = "PST_SECRETS_KEY", hide_env_values = true, hide = true,
        value_name = "PST_SECRETS_KEY",
        value_parser = QuietParser(SecretKey::parse, "PST_SECRETS_KEY"))]
    pub secrets_key: SecretKey,

    /// Keys that sealed secrets before the current one, comma-separated: they still open
    /// what they sealed, and the server re-seals it under `PST_SECRETS_KEY` at start.
    /// Environment only.
    #[arg(long, env = "PST_SECRETS_PREVIOUS_KEYS", hide_env_values = true, hide = true,
        default_value = "", value_name = "PST_SECRETS_PREVIOUS_KEYS",
        value_parser = QuietParser(PreviousKeys::parse, "PST_SECRETS_PREVIOUS_KEYS"))]
    pub secrets_previous_keys: PreviousKeys,

    /// Address and port to listen on.
    #[arg(long, env = "PST_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Maximum number of PostgreSQL connections of this instance.
    #[arg(long, env = "PST_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: u32,

    /// How long a request waits for a database connection before a 503, in milliseconds.
    #[arg(long, env = "PST_DB_TIMEOUT_MS", default_value_t = 2000)]
    pub db_timeout_ms: u64,

    /// Folder of the built web app (index.html, WASM). Not served when absent.
    #[arg(long, env = "PST_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// Load the two demo plans at start (idempotent). Never in production.
    #[arg(long, env = "PST_DEMO", default_value_t = false)]
    pub demo: bool,

    /// Password of the demo accounts created with `--demo`.
    #[arg(
        long,
        env = "PST_DEMO_PASSWORD",
        hide_env_values = true,
        default_value = "pst-demo-2026"
    )]
    pub demo_password: String,

    /// Failed logins allowed per account per minute before 429.
    #[arg(long, env = "PST_LOGIN_MAX_FAILURES", default_value_t = 10)]
    pub login_max_failures: i64,

    /// Failed logins allowed per client address per minute before 429.
    #[arg(long, env = "PST_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 50)]
    pub login_max_failures_per_ip: i64,

    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "PST_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// SMTP server that e-mails the notifications (`smtp://host:25`,
    /// `smtps://user:password@host:465`, `smtp://host:587?tls=required`); none when unset.
    #[arg(long, env = "PST_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of the e-mails.
    #[arg(long, env = "PST_MAIL_FROM", default_value = "PST <pst@localhost>")]
    pub mail_from: String,

    /// Address of the web app, for the links in e-mails.
    #[arg(long, env = "PST_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,

    /// Seconds between two passes of the stale-action reminders.
    #[arg(long, env = "PST_REMINDER_INTERVAL_SECS", default_value_t = 3600)]
    pub reminder_interval_secs: u64,

    /// Seconds between two passes of the e-mail sender.
    #[arg(long, env = "PST_MAIL_INTERVAL_SECS", default_value_t = 5)]
    pub mail_interval_secs: u64,

    /// Log line format.
    #[arg(long, env = "PST_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// On SIGTERM, how long requests in flight may take to finish, in seconds. With the
    /// background workers' own grace (one webhook send, at most 10 s) the process exits
    /// within the 30 s orchestrators usually allow.
    #[arg(long, env = "PST_SHUTDOWN_TIMEOUT_SECS", default_value_t = 15)]
    pub shutdown_timeout_secs: u64,

    /// Memory for the serialised plan trees this instance keeps (MiB); 0 keeps none. A plan
    /// of 500 actions with 3 steps each is about 1.5 MiB of JSON: 160 MiB keeps a hundred.
    #[arg(long, env = "PST_PLAN_CACHE_MB", default_value_t = 160)]
    pub plan_cache_mb: u64,

    /// Number of HTTP worker threads (default: one per core).
    #[arg(long, env = "PST_WORKERS")]
    pub workers: Option<usize>,

    /// Origins allowed to call the API from a browser (CORS), comma-separated, e.g.
    /// `https://pcs.commune.example`. Empty: none (the web app is served from our origin).
    #[arg(
        long,
        env = "PST_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub cors_origins: Vec<String>,

    /// Requests per minute allowed to one API token (429 beyond).
    #[arg(long, env = "PST_TOKEN_RATE_LIMIT", default_value_t = 600)]
    pub token_rate_limit: u32,

    /// Plan imports one instance runs at a time; more are answered 429 with `Retry-After`.
    #[arg(long, env = "PST_IMPORT_CONCURRENCY", default_value_t = 2)]
    pub import_concurrency: usize,

    /// Accept webhooks to plain `http://` on loopback (development and tests only).
    #[arg(long, env = "PST_WEBHOOK_ALLOW_LOOPBACK_HTTP", default_value_t = false)]
    pub webhook_allow_loopback_http: bool,

    /// Accept identity providers (OpenID Connect issuers) at plain `http://` on loopback
    /// (development and tests only).
    #[arg(long, env = "PST_OIDC_ALLOW_LOOPBACK_HTTP", default_value_t = false)]
    pub oidc_allow_loopback_http: bool,

    /// How often the webhook worker looks for due deliveries.
    #[arg(long, env = "PST_WEBHOOK_INTERVAL_MS", default_value_t = 1000)]
    pub webhook_interval_ms: u64,

    /// First retry delay of a failed delivery; doubled at each attempt (capped at 6 h).
    #[arg(long, env = "PST_WEBHOOK_RETRY_BASE_MS", default_value_t = 30_000)]
    pub webhook_retry_base_ms: u64,

    /// Where evidence files' bytes are kept: a local folder (a path, or `file:///…`),
    /// created when missing, or an S3-compatible bucket `s3://bucket[/prefix]` (credentials,
    /// region and endpoint from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
    /// `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`…).
    #[arg(long, env = "PST_FILE_STORE", default_value = ".data/files")]
    pub file_store: String,

    /// The largest evidence file accepted, in MiB (413 beyond).
    #[arg(long, env = "PST_FILE_MAX_MB", default_value_t = 20,
        value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub file_max_mb: u64,

    /// What one CPAS keeps in evidence files in all, in MiB (422 `quota_exceeded` beyond).
    #[arg(long, env = "PST_FILE_QUOTA_MB", default_value_t = 5120)]
    pub file_quota_mb: u64,

    /// Benchmarks only (`cargo xtask bench`): serve this file's bytes, read once at start,
    /// at `GET /api/bench/ceiling` with no database and no authentication, to measure what
    /// the HTTP stack alone can do. Never set in production; not in the API document.
    #[arg(long, env = "PST_BENCH_CEILING_FILE", hide = true)]
    pub bench_ceiling_file: Option<PathBuf>,
}

/// Parses a key setting without repeating its value in the error (clap's own message quotes
/// the value, and a malformed key may still be most of a real one).
#[derive(Clone)]
struct QuietParser<T>(fn(&str) -> Result<T, String>, &'static str);

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for QuietParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        _command: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let refused = |why: &str| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{} {why}\n", self.1),
            )
        };
        let text = value.to_str().ok_or_else(|| refused("is not UTF-8"))?;
        (self.0)(text).map_err(|why| refused(&why))
    }
}

/// What the webhook routes need to know.
#[derive(Debug, Clone, Copy)]
pub struct WebhookSettings {
    pub allow_loopback_http: bool,
}

/// What the login route needs to know.
#[derive(Debug, Clone, Copy)]
pub struct LoginSettings {
    pub throttle: ThrottleLimits,
    pub trust_proxy: bool,
}

impl Settings {
    pub fn job_settings(&self) -> crate::jobs::JobSettings {
        crate::jobs::JobSettings {
            smtp_url: self.smtp_url.clone().filter(|u| !u.trim().is_empty()),
            mail_from: self.mail_from.clone(),
            public_url: self.public_url.clone(),
            reminder_interval: Duration::from_secs(self.reminder_interval_secs.max(1)),
            mail_interval: Duration::from_millis((self.mail_interval_secs * 1000).max(200)),
            webhook_interval: Duration::from_millis(self.webhook_interval_ms.max(50)),
            webhook_retry_base: Duration::from_millis(self.webhook_retry_base_ms.max(10)),
            webhook_allow_loopback: self.webhook_allow_loopback_http,
            keyring: self.keyring(),
            links: self.jwt_secret.unsubscribe_key().clone(),
        }
    }

    /// The keys that seal and open the secrets kept in the database.
    pub fn keyring(&self) -> Keyring {
        Keyring::new(self.secrets_key.clone(), self.secrets_previous_keys.clone())
    }

    /// The limits an evidence file meets.
    pub fn file_limits(&self) -> crate::app::attachments::FileLimits {
        crate::app::attachments::FileLimits {
            max_file_bytes: self.file_max_mb.saturating_mul(1 << 20),
            quota_bytes: self.file_quota_mb.saturating_mul(1 << 20),
        }
    }

    pub fn login_settings(&self) -> LoginSettings {
        LoginSettings {
            throttle: ThrottleLimits {
                per_account: self.login_max_failures.max(1),
                per_address: self.login_max_failures_per_ip.max(1),
            },
            trust_proxy: self.trust_proxy,
        }
    }

    pub fn pool_options(&self) -> PoolOptions {
        PoolOptions {
            max_size: self.db_pool_size.max(1),
            acquire_timeout: Duration::from_millis(self.db_timeout_ms.max(1)),
        }
    }
}
