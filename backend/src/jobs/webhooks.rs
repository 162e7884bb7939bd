//! The webhook worker: sends the queued deliveries (the outbox), signed, with retries.
//!
//! Every instance runs one; they share the queue through `FOR UPDATE SKIP LOCKED` and a
//! lease (`locked_until`), so a delivery is sent by one instance at a time and taken over if
//! that instance dies. A delivery is sent at least once: receivers de-duplicate with the
//! event id.
//!
//! Signature (like Stripe's): `PST-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>" with the endpoint's secret>`. The secret is stored sealed
//! (`crate::secrets`) and opened only to sign.

use std::time::Duration;

use chrono::TimeDelta;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::app::RequestDb;
use crate::app::integrations::{self, DueDelivery, Outcome};
use crate::domain::webhook_target;
use crate::error::ApiError;
use crate::jobs::Stopping;
use crate::secrets::Keyring;

/// Attempts before a delivery is marked failed (about two days at the default base).
pub const MAX_ATTEMPTS: i32 = 12;
const BATCH: i64 = 20;
/// Longest wait for one receiver.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is reserved for the instance sending it: longer than a whole
/// batch can take (20 sends of at most 10 s), so no other instance sends it meanwhile; an
/// instance that dies leaves its batch to the others after that.
const LEASE: TimeDelta = TimeDelta::seconds(BATCH * 10 + 60);

/// Starts the worker; it stops when `stopping` says so (see [`crate::jobs::Workers`]).
pub fn start(
    db: RequestDb,
    interval: Duration,
    retry_base: Duration,
    allow_loopback: bool,
    keyring: Keyring,
    mut stopping: Stopping,
) -> Option<tokio::task::JoinHandle<()>> {
    let client = match reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .dns_resolver(std::sync::Arc::new(crate::jobs::egress::PublicResolver {
            allow_loopback,
        }))
        .redirect(reqwest::redirect::Policy::none())
        // A proxy from the environment would resolve and connect itself, past our checks.
        .no_proxy()
        .user_agent(concat!("PST-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client: webhooks will not be sent");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        loop {
            match send_due(
                &db,
                &client,
                &keyring,
                allow_loopback,
                retry_base,
                &stopping,
            )
            .await
            {
                // A full batch: there may be more waiting.
                Ok(sent) if sent as i64 == BATCH && !*stopping.borrow() => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "webhook deliveries failed; will retry"),
            }
            if crate::jobs::pause(&mut stopping, interval).await {
                break;
            }
        }
    }))
}

/// Claims the due deliveries, sends them, records the outcomes. Returns how many it sent.
/// When the instance starts stopping, the delivery being sent is finished and recorded, and
/// the rest of the batch is handed back to the queue (another instance, or this one after
/// its restart, sends it without waiting for the lease to run out).
pub async fn send_due(
    db: &RequestDb,
    client: &reqwest::Client,
    keyring: &Keyring,
    allow_loopback: bool,
    retry_base: Duration,
    stopping: &Stopping,
) -> Result<usize, ApiError> {
    let due = integrations::claim_due_deliveries(db, BATCH, LEASE).await?;
    let mut sent = 0;
    let mut due = due.into_iter();
    for delivery in due.by_ref() {
        let outcome = send(client, keyring, allow_loopback, &delivery).await;
        let retry_in = match &outcome {
            Outcome::Failed { .. } if delivery.attempts < MAX_ATTEMPTS => {
                Some(backoff(retry_base, delivery.attempts))
            }
            _ => None,
        };
        if let Outcome::Failed { error, .. } = &outcome {
            tracing::info!(delivery = %delivery.id, attempt = delivery.attempts, %error, "webhook delivery failed");
        }
        integrations::record_outcome(db, delivery.id, outcome, retry_in).await?;
        sent += 1;
        if *stopping.borrow() {
            break;
        }
    }
    let unsent: Vec<_> = due.map(|delivery| delivery.id).collect();
    if !unsent.is_empty() {
        let count = unsent.len();
        integrations::release_deliveries(db, unsent).await?;
        tracing::info!(
            count,
            "stopping: unsent webhook deliveries handed back to the queue"
        );
    }
    Ok(sent)
}

/// base × 2^(attempt−1), at most six hours.
fn backoff(base: Duration, attempt: i32) -> TimeDelta {
    let factor = 2_u32.saturating_pow(
        u32::try_from(attempt.saturating_sub(1))
            .unwrap_or(0)
            .min(20),
    );
    let delay = base
        .saturating_mul(factor)
        .min(Duration::from_secs(6 * 3600));
    TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(6))
}

async fn send(
    client: &reqwest::Client,
    keyring: &Keyring,
    allow_loopback: bool,
    delivery: &DueDelivery,
) -> Outcome {
    // An IP in the URL is never resolved, so the resolver's check does not see it: checked
    // here at each send too, since an endpoint registered under older rules may remain.
    let allowed = url::Url::parse(&delivery.url)
        .is_ok_and(|url| webhook_target::literal_host_allowed(&url, allow_loopback));
    if !allowed {
        return Outcome::Failed {
            status: None,
            error: "not a public address: webhooks are not sent to private, local or \
                    reserved networks"
                .to_owned(),
        };
    }
    // A key this instance cannot open is an attempt that failed (and is retried): another
    // instance, or this one once configured, may open it; the log says why meanwhile.
    let key = match delivery.signing_key(keyring) {
        Ok(key) => key,
        Err(error) => {
            tracing::error!(
                delivery = %delivery.id,
                %error,
                "a webhook's signing key does not open"
            );
            return Outcome::Failed {
                status: None,
                error: format!(
                    "the endpoint's signing key cannot be opened by this server: {error}"
                ),
            };
        }
    };
    let body = delivery.payload.to_string();
    let timestamp = chrono::Utc::now().timestamp();
    let result = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("PST-Event", &delivery.event_type)
        .header("PST-Delivery", delivery.id.to_string())
        .header("PST-Signature", signature(&key, timestamp, &body))
        .body(body)
        .send()
        .await;
    match result {
        Ok(response) if response.status().is_success() => Outcome::Delivered {
            status: response.status().as_u16(),
        },
        Ok(response) => Outcome::Failed {
            status: Some(response.status().as_u16()),
            error: format!("the receiver answered {}", response.status()),
        },
        Err(error) => Outcome::Failed {
            status: None,
            // The whole chain: "error sending request…: … : connection refused" tells the
            // integrator what went wrong, the first link alone does not.
            error: crate::error::chain(&error),
        },
    }
}

/// The `PST-Signature` header value for `body` sent at `timestamp`.
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> String {
    // HMAC accepts keys of any length.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Reference value computed with: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature(b"whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn retries_back_off_exponentially_up_to_six_hours() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), TimeDelta::seconds(30));
        assert_eq!(backoff(base, 2), TimeDelta::seconds(60));
        assert_eq!(backoff(base, 5), TimeDelta::seconds(480));
        assert_eq!(backoff(base, 30), TimeDelta::hours(6));
    }
}
