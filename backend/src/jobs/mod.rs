//! Background work of a server instance: reminders of stale actions, and e-mail of the
//! notifications. Both are safe to run on every instance at once: the reminders take a
//! transaction-level advisory lock, the mailer leases rows with `FOR UPDATE SKIP LOCKED`.

pub mod egress;
pub mod mail_texts;
pub mod mailer;
pub mod reminders;
pub mod webhooks;

use std::time::Duration;

use crate::app::RequestDb;
use crate::error::ApiError;

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
    /// Webhooks may go to loopback (development and tests only).
    pub webhook_allow_loopback: bool,
    /// Opens the endpoints' signing keys.
    pub keyring: crate::secrets::Keyring,
    /// Signs the unsubscribe links of the e-mails.
    pub links: crate::auth::unsubscribe::UnsubscribeKey,
}

/// The running workers of an instance, to stop them at shutdown.
pub struct Workers {
    stop: Stop,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

/// Tells the workers to stop; they finish the item in hand first.
pub type Stop = tokio::sync::watch::Sender<bool>;
/// What a worker watches to know it must stop.
pub type Stopping = tokio::sync::watch::Receiver<bool>;

/// Longest a worker may take to put its work down: one webhook send, plus room to record it.
const STOP_GRACE: Duration = Duration::from_secs(15);

impl Workers {
    /// Stops the workers and waits for them: a webhook being sent is sent and recorded, the
    /// deliveries a worker had claimed but not sent go back to the queue at once.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for handle in self.handles {
            if tokio::time::timeout(STOP_GRACE, handle).await.is_err() {
                tracing::warn!("a background worker did not stop in time");
            }
        }
        tracing::info!("background workers stopped");
    }
}

/// Sleeps for `interval`, or less when the instance is stopping. True when it is stopping.
pub(crate) async fn pause(stopping: &mut Stopping, interval: Duration) -> bool {
    if *stopping.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(interval) => *stopping.borrow(),
        // An error means the sender is gone: stop as well.
        changed = stopping.changed() => changed.is_err() || *stopping.borrow(),
    }
}

/// Starts the workers on the current runtime; they run until [`Workers::shutdown`].
pub fn start(db: RequestDb, settings: JobSettings) -> Workers {
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut handles = Vec::new();
    handles.extend(webhooks::start(
        db.clone(),
        settings.webhook_interval,
        settings.webhook_retry_base,
        settings.webhook_allow_loopback,
        settings.keyring.clone(),
        stopping.clone(),
    ));
    let reminders_db = db.clone();
    let interval = settings.reminder_interval;
    let mut reminders_stopping = stopping.clone();
    handles.push(tokio::spawn(async move {
        loop {
            let outcome = async {
                // Housekeeping rides along: expired idempotency keys and rate windows.
                crate::app::integrations::purge_expired(&reminders_db).await?;
                reminders_db
                    .run(|conn| reminders::run_once(conn).map_err(ApiError::Internal))
                    .await
            }
            .await;
            match outcome {
                Ok(report) if report.reminded + report.digests > 0 => {
                    tracing::info!(?report, "reminders sent");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "reminders failed; will retry"),
            }
            if pause(&mut reminders_stopping, interval).await {
                break;
            }
        }
    }));

    let Some(url) = settings.smtp_url.clone() else {
        tracing::info!("PST_SMTP_URL is not set: notifications stay in the app, no e-mail");
        return Workers { stop, handles };
    };
    let mailer = match mailer::Mailer::new(
        &url,
        &settings.mail_from,
        &settings.public_url,
        settings.links.clone(),
    ) {
        Ok(mailer) => mailer,
        Err(error) => {
            tracing::error!(%error, "PST_SMTP_URL is unusable: no e-mail will be sent");
            return Workers { stop, handles };
        }
    };
    let mut mail_stopping = stopping;
    handles.push(tokio::spawn(async move {
        loop {
            let mailer = mailer.clone();
            let outcome = db
                .run(move |conn| mailer.send_due(conn).map_err(ApiError::Internal))
                .await;
            if let Err(error) = outcome {
                tracing::warn!(%error, "sending e-mail failed; will retry");
            }
            if pause(&mut mail_stopping, settings.mail_interval).await {
                break;
            }
        }
    }));
    Workers { stop, handles }
}
