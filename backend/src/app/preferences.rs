//! How a person is told: their notification preferences, and the unsubscribe links of
//! the e-mails, which work without logging in.

use api_types::{self as wire, ProblemCode};
use diesel::Connection;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::auth::unsubscribe::{UnsubscribeClaim, UnsubscribeKey};
use crate::db::preferences;
use crate::error::ApiError;

/// The caller's language of e-mails and their choice for every topic.
pub async fn mine(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<wire::NotificationPreferences, ApiError> {
    db.run_as(auth, |conn, actor| {
        Ok(preferences::preferences(conn, actor.user_id)?)
    })
    .await
}

/// Replaces the caller's choices (a topic left out goes back to `immediately`; one given
/// twice is refused); answers them as stored. Notifications already waiting for a digest
/// keep their way: a choice applies to the ones that follow.
pub async fn set_mine(
    db: &RequestDb,
    auth: &Authenticated,
    input: wire::NotificationPreferences,
) -> Result<wire::NotificationPreferences, ApiError> {
    for (index, choice) in input.topics.iter().enumerate() {
        if input.topics[..index]
            .iter()
            .any(|c| c.topic == choice.topic)
        {
            return Err(ApiError::invalid_field(
                format!("topics/{index}/topic"),
                ProblemCode::Duplicate,
                "each topic once",
            ));
        }
    }
    db.run_as(auth, move |conn, actor| {
        conn.transaction(|conn| {
            preferences::set_preferences(conn, actor.user_id, input.language, &input.topics)?;
            Ok(preferences::preferences(conn, actor.user_id)?)
        })
    })
    .await
}

/// The claim of a link the server signed, else 404 `invalid_unsubscribe_link`: the path
/// names no link.
fn claim(key: &UnsubscribeKey, token: &str) -> Result<UnsubscribeClaim, ApiError> {
    key.verify(token).ok_or(ApiError::UnknownUnsubscribeLink)
}

/// `p…@cpas-a.example`: the first character of the address's local part, then its domain.
fn email_hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_owned(),
    }
}

/// What a link answers: the topic it stops, its person's address (masked) and language.
fn link_answer(
    claim: &UnsubscribeClaim,
    target: &preferences::LinkTarget,
    used: bool,
) -> wire::UnsubscribeLink {
    wire::UnsubscribeLink {
        topic: claim.topic,
        email_hint: email_hint(&target.email),
        language: target.language,
        used,
    }
}

/// What a link stops, for whom (masked), and whether it was used; nothing changes. A link
/// whose account is gone is as invalid as a forged one.
pub async fn link(
    db: &RequestDb,
    key: &UnsubscribeKey,
    token: &str,
) -> Result<wire::UnsubscribeLink, ApiError> {
    let claim = claim(key, token)?;
    db.run(move |conn| {
        let target = preferences::link_target(conn, claim.link, claim.user)?
            .ok_or(ApiError::UnknownUnsubscribeLink)?;
        Ok(link_answer(&claim, &target, target.used))
    })
    .await
}

/// Uses a link: its person's e-mails of its topic stop (the topic is kept in the app);
/// a link works once (409 `unsubscribe_link_used` after).
pub async fn unsubscribe(
    db: &RequestDb,
    key: &UnsubscribeKey,
    token: &str,
) -> Result<wire::UnsubscribeLink, ApiError> {
    let claim = claim(key, token)?;
    db.run(move |conn| {
        conn.transaction(|conn| {
            let target = preferences::link_target(conn, claim.link, claim.user)?
                .ok_or(ApiError::UnknownUnsubscribeLink)?;
            if !preferences::use_link(conn, claim.link, claim.user, claim.topic)? {
                return Err(ApiError::Conflict {
                    code: ProblemCode::UnsubscribeLinkUsed,
                    detail: "this unsubscribe link was already used".to_owned(),
                });
            }
            tracing::info!(user = %claim.user, topic = %claim.topic, "unsubscribed by e-mail link");
            Ok(link_answer(&claim, &target, true))
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_shows_the_first_letter_and_the_domain() {
        assert_eq!(email_hint("pcs@cpas-a.example"), "p…@cpas-a.example");
        assert_eq!(email_hint("not an address"), "…");
    }
}
