//! How a person is told: per topic, e-mail at once, a daily or weekly digest, or the inbox
//! only; in which language; and the link in every e-mail that stops a topic's e-mails.

use serde::{Deserialize, Serialize};

use crate::{Language, NotificationDelivery, NotificationTopic};

/// `GET`/`PUT /api/v1/me/notification-preferences`: a person's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    /// The language of the e-mails (French by default).
    pub language: Language,
    /// The choice for each topic. Read, every topic is listed, in a fixed order; written, a
    /// topic left out goes back to `immediately`, and a topic given twice is refused (422
    /// `duplicate` on the second).
    #[cfg_attr(feature = "openapi", schema(max_items = 7))]
    pub topics: Vec<TopicPreference>,
}

/// How one topic's notifications reach the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TopicPreference {
    pub topic: NotificationTopic,
    pub delivery: NotificationDelivery,
}

/// `GET /api/v1/unsubscribe/{token}`: what an unsubscribe link stops, before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsubscribeLink {
    /// The topic whose e-mails the link stops.
    pub topic: NotificationTopic,
    /// The address the e-mails go to, partly masked (`p…@cpas-a.example`): enough for the
    /// person to recognise it, not enough to learn it from a link.
    pub email_hint: String,
    /// The language of the person's e-mails, for the page that confirms.
    pub language: Language,
    /// The link was used already; using it again answers 409 `unsubscribe_link_used`.
    pub used: bool,
}
