//! Structured logs with `tracing`. The filter comes from `PST_LOG` (or `RUST_LOG`).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::configuration::LogFormat;

/// Installs the global subscriber. Calling it twice is harmless (tests do).
pub fn init(format: LogFormat) {
    let filter = std::env::var("PST_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,actix_server=warn".to_owned());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_target(false)
        // One line per request when its span closes: method, route, status, request id and
        // the time it took (`time.busy` + `time.idle`).
        .with_span_events(FmtSpan::CLOSE);
    // `try_init` fails only when a subscriber is already set, which is fine.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}
