//! The endpoints of a person's notification choices and of the e-mails' unsubscribe links
//! (these without a session).

use api_types::{NotificationPreferences, UnsubscribeLink};
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get, parse, send};

pub async fn my_preferences(token: &str) -> Result<NotificationPreferences, ApiFailure> {
    get("/api/v1/me/notification-preferences", token).await
}

pub async fn set_my_preferences(
    token: &str,
    preferences: &NotificationPreferences,
) -> Result<NotificationPreferences, ApiFailure> {
    send(
        Method::PUT,
        "/api/v1/me/notification-preferences",
        token,
        preferences,
    )
    .await
}

/// What a link stops; nothing changes.
pub async fn unsubscribe_link(token: &str) -> Result<UnsubscribeLink, ApiFailure> {
    let url = format!("/api/v1/unsubscribe/{token}");
    parse(&exchange(Method::GET, &url, None, None).await?)
}

/// Uses the link: that topic's e-mails stop.
pub async fn unsubscribe(token: &str) -> Result<UnsubscribeLink, ApiFailure> {
    let url = format!("/api/v1/unsubscribe/{token}");
    parse(&exchange(Method::POST, &url, None, None).await?)
}
