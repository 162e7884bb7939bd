//! Background work of a server instance: reminders of stale actions, and e-mail of the
//! notifications. Both are safe to run on every instance at once: the reminders take a
//! transaction-level advisory lock, the mailer leases rows with `FOR UPDATE SKIP LOCKED`.

pub mod mailer;
pub mod reminders;
pub mod webhooks;

use std::time::Duration;

use crate::db::{Db, QueryStats};

/// What the workers need.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// `smtp://host:25`, `smtps://user:pass@host:465`…; no e-mail when `None`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The address users open the app at, for links in e-mails.
    pub public_url: String,
    pub reminder_interval: Duration,
    pub mail_interval: Duration,
    pub webhook_interval: Duration,
    pub webhook_retry_base: Duration,
}

/// Starts the workers on the current runtime; they run until it stops.
pub fn start(db: Db, settings: JobSettings) {
    webhooks::start(
        db.clone(),
        settings.webhook_interval,
        settings.webhook_retry_base,
    );
    let reminders_db = db.clone();
    let interval = settings.reminder_interval;
    tokio::spawn(async move {
        loop {
            let outcome = reminders_db
                .run(&QueryStats::default(), |conn| {
                    // Housekeeping rides along: expired idempotency keys and rate windows.
                    crate::db::integrations::purge_expired(conn)?;
                    reminders::run_once(conn).map_err(crate::error::ApiError::Internal)
                })
                .await;
            match outcome {
                Ok(report) if report.reminded + report.digests > 0 => {
                    tracing::info!(?report, "reminders sent");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "reminders failed; will retry"),
            }
            tokio::time::sleep(interval).await;
        }
    });

    let Some(url) = settings.smtp_url.clone() else {
        tracing::info!("PST_SMTP_URL is not set: notifications stay in the app, no e-mail");
        return;
    };
    let mailer = match mailer::Mailer::new(&url, &settings.mail_from, &settings.public_url) {
        Ok(mailer) => mailer,
        Err(error) => {
            tracing::error!(%error, "PST_SMTP_URL is unusable: no e-mail will be sent");
            return;
        }
    };
    tokio::spawn(async move {
        loop {
            let mailer = mailer.clone();
            let outcome = db
                .run(&QueryStats::default(), move |conn| {
                    mailer
                        .send_due(conn)
                        .map_err(crate::error::ApiError::Internal)
                })
                .await;
            if let Err(error) = outcome {
                tracing::warn!(%error, "sending e-mail failed; will retry");
            }
            tokio::time::sleep(settings.mail_interval).await;
        }
    });
}
