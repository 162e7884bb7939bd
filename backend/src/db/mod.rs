//! Database access: the connection pool, embedded migrations, row models and the queries.
//!
//! Diesel is synchronous, so every unit of work runs on the blocking thread pool through
//! [`Db::run`]. Each run counts its statements into the request's [`QueryStats`], which the
//! `Server-Timing` middleware reports: the "no N+1" promise is visible on every answer.

pub mod accounts;
pub mod actions;
pub mod attachments;
pub mod comments;
pub mod council;
pub mod ecomptes;
pub mod error;
pub mod follow_up;
pub mod integrations;
pub mod interchange;
pub mod models;
pub mod notifications;
pub mod organisations;
pub mod periods;
pub mod plans;
pub mod preferences;
pub mod projections;
pub mod rules;
pub mod schema;
pub mod search;
pub mod second_factor;
pub mod sectoral;
pub mod seed;
pub mod single_sign_on;
pub mod stats;
pub mod stored;
pub mod structure;
pub mod tasks;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use error::{ConstraintKind, DbError, DbResult};

/// The migrations of `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

pub type PgPool = Pool<ConnectionManager<PgConnection>>;
pub type PgPooled = PooledConnection<ConnectionManager<PgConnection>>;

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a connection before it is answered 503.
    pub acquire_timeout: Duration,
}

/// Sets the session's time zone to [`crate::domain::calendar::TIME_ZONE`] on every new
/// connection, so that
/// `current_date`, `now()::date` and a date cast to an instant mean the Belgian day
/// whatever the server's own time zone.
#[derive(Debug, Clone, Copy)]
pub struct BelgianSession;

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for BelgianSession {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        set_time_zone(conn).map_err(diesel::r2d2::Error::QueryError)
    }
}

fn set_time_zone(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query(format!(
        "SET TIME ZONE '{}'",
        crate::domain::calendar::TIME_ZONE.name()
    ))
    .execute(conn)
    .map(drop)
}

/// One connection outside the pool (the command-line tools), set up like the pool's.
pub fn establish(database_url: &str) -> anyhow::Result<PgConnection> {
    let mut conn = PgConnection::establish(database_url)?;
    set_time_zone(&mut conn)?;
    Ok(conn)
}

/// Builds the pool without connecting: the server starts even when PostgreSQL is down and
/// answers 503 until it is back.
pub fn build_pool(database_url: &str, options: &PoolOptions) -> PgPool {
    Pool::builder()
        .max_size(options.max_size)
        .connection_customizer(Box::new(BelgianSession))
        .min_idle(Some(0))
        .connection_timeout(options.acquire_timeout)
        // A connection is checked before use, so one that died with a database restart is
        // replaced instead of failing a request.
        .test_on_check_out(true)
        .build_unchecked(ConnectionManager::new(database_url))
}

/// Applies the pending embedded migrations.
pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Statements run and time spent in the database on behalf of one request.
#[derive(Debug, Default, Clone)]
pub struct QueryStats(Arc<QueryCounters>);

#[derive(Debug, Default)]
struct QueryCounters {
    statements: AtomicU32,
    transaction_control: AtomicU32,
    authentication: AtomicU32,
    micros: AtomicU64,
}

impl QueryStats {
    fn counted(&self) -> u32 {
        let c = &self.0;
        c.statements
            .load(Ordering::Relaxed)
            .saturating_sub(c.transaction_control.load(Ordering::Relaxed))
    }

    /// Statements of the request's own work: neither BEGIN / COMMIT / ROLLBACK, nor the
    /// check of the caller's account.
    pub fn queries(&self) -> u32 {
        self.counted()
            .saturating_sub(self.0.authentication.load(Ordering::Relaxed))
    }

    /// Statements spent checking the caller's account and session.
    pub fn authentication_queries(&self) -> u32 {
        self.0.authentication.load(Ordering::Relaxed)
    }

    /// Counts every statement so far as authentication.
    pub fn mark_authenticated(&self) {
        self.0
            .authentication
            .store(self.counted(), Ordering::Relaxed);
    }

    /// Time spent in [`Db::run`] closures, in milliseconds.
    pub fn millis(&self) -> f64 {
        self.0.micros.load(Ordering::Relaxed) as f64 / 1000.0
    }

    fn instrumentation(&self) -> impl Instrumentation + use<> {
        let counters = Arc::clone(&self.0);
        move |event: InstrumentationEvent<'_>| match event {
            InstrumentationEvent::StartQuery { .. } => {
                counters.statements.fetch_add(1, Ordering::Relaxed);
            }
            // Each of these is followed by exactly one statement (BEGIN, COMMIT…).
            InstrumentationEvent::BeginTransaction { .. }
            | InstrumentationEvent::CommitTransaction { .. }
            | InstrumentationEvent::RollbackTransaction { .. } => {
                counters.transaction_control.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

/// Handle on the pool that runs blocking diesel work off the async executor.
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
}

impl Db {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, counting its
    /// statements into `stats`. The caller's error type takes the pool's and the task's
    /// failures as [`DbError`]s.
    pub async fn run<T, E, F>(&self, stats: &QueryStats, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let stats = stats.clone();
        let joined = actix_web::rt::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            let started = Instant::now();
            conn.set_instrumentation(stats.instrumentation());
            let result = f(&mut conn);
            conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
            let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            stats.0.micros.fetch_add(micros, Ordering::Relaxed);
            result
        })
        .await;
        joined.map_err(|e| DbError::Internal(anyhow::anyhow!("database task failed: {e}")))?
    }
}

/// Parses a value the database's CHECK constraints already vouch for; a mismatch means the
/// schema and the code disagree, which is a server fault.
pub(crate) fn stored<T>(value: &str) -> DbResult<T>
where
    T: std::str::FromStr<Err = api_types::UnknownVariant>,
{
    Ok(value.parse()?)
}
