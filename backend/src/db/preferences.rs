//! A person's notification preferences, and the uses of unsubscribe links.

use api_types::{self as wire, Language, NotificationDelivery, NotificationTopic};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::DbResult;
use super::stored::Stored;

#[derive(QueryableByName)]
struct Choice {
    #[diesel(sql_type = Text, deserialize_as = Stored<NotificationTopic>)]
    topic: NotificationTopic,
    #[diesel(sql_type = Text, deserialize_as = Stored<NotificationDelivery>)]
    delivery: NotificationDelivery,
}

#[derive(QueryableByName)]
struct LanguageRow {
    #[diesel(sql_type = Text, deserialize_as = Stored<Language>)]
    language: Language,
}

/// The person's language and their choice for every topic (`immediately` where they made
/// none), in [`NotificationTopic::ALL`]'s order.
pub fn preferences(conn: &mut PgConnection, user: Uuid) -> DbResult<wire::NotificationPreferences> {
    let LanguageRow { language } = diesel::sql_query("SELECT language FROM users WHERE id = $1")
        .bind::<SqlUuid, _>(user)
        .get_result(conn)?;
    let chosen: Vec<Choice> = diesel::sql_query(
        "SELECT topic, delivery FROM notification_preferences WHERE user_id = $1",
    )
    .bind::<SqlUuid, _>(user)
    .load(conn)?;
    let topics = NotificationTopic::ALL
        .iter()
        .map(|&topic| wire::TopicPreference {
            topic,
            delivery: chosen
                .iter()
                .find(|c| c.topic == topic)
                .map_or(NotificationDelivery::Immediately, |c| c.delivery),
        })
        .collect();
    Ok(wire::NotificationPreferences { language, topics })
}

/// Replaces the person's choices: `immediately`, the default, is kept as no row.
pub fn set_preferences(
    conn: &mut PgConnection,
    user: Uuid,
    language: Language,
    topics: &[wire::TopicPreference],
) -> DbResult<()> {
    diesel::sql_query("UPDATE users SET language = $2 WHERE id = $1")
        .bind::<SqlUuid, _>(user)
        .bind::<Text, _>(Stored(language))
        .execute(conn)?;
    diesel::sql_query("DELETE FROM notification_preferences WHERE user_id = $1")
        .bind::<SqlUuid, _>(user)
        .execute(conn)?;
    for choice in topics
        .iter()
        .filter(|c| c.delivery != NotificationDelivery::Immediately)
    {
        set_delivery(conn, user, choice.topic, choice.delivery)?;
    }
    Ok(())
}

fn set_delivery(
    conn: &mut PgConnection,
    user: Uuid,
    topic: NotificationTopic,
    delivery: NotificationDelivery,
) -> DbResult<()> {
    diesel::sql_query(
        "INSERT INTO notification_preferences (user_id, topic, delivery) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, topic) DO UPDATE SET delivery = EXCLUDED.delivery",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(Stored(topic))
    .bind::<Text, _>(Stored(delivery))
    .execute(conn)?;
    Ok(())
}

/// Whom an unsubscribe link names, and whether it was used.
#[derive(QueryableByName)]
pub struct LinkTarget {
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text, deserialize_as = Stored<Language>)]
    pub language: Language,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub used: bool,
}

/// The person a link names, and whether the link was used; `None` when the account is gone.
pub fn link_target(
    conn: &mut PgConnection,
    link: Uuid,
    user: Uuid,
) -> DbResult<Option<LinkTarget>> {
    Ok(diesel::sql_query(
        "SELECT u.email, u.language,
                EXISTS (SELECT 1 FROM unsubscribe_uses WHERE link_id = $1) AS used
         FROM users u WHERE u.id = $2",
    )
    .bind::<SqlUuid, _>(link)
    .bind::<SqlUuid, _>(user)
    .get_result(conn)
    .optional()?)
}

/// Records the use of a link and keeps the topic in the app for its person: `false` when
/// the link was used already (nothing changes then).
pub fn use_link(
    conn: &mut PgConnection,
    link: Uuid,
    user: Uuid,
    topic: NotificationTopic,
) -> DbResult<bool> {
    let recorded = diesel::sql_query(
        "INSERT INTO unsubscribe_uses (link_id, user_id, topic) VALUES ($1, $2, $3)
         ON CONFLICT (link_id) DO NOTHING",
    )
    .bind::<SqlUuid, _>(link)
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(Stored(topic))
    .execute(conn)?;
    if recorded == 0 {
        return Ok(false);
    }
    set_delivery(conn, user, topic, NotificationDelivery::InApp)?;
    Ok(true)
}
