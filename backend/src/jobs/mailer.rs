//! E-mail of notifications through SMTP. The request that made a notification never waits
//! for it: the worker leases due rows, sends, and records the outcome, retrying with an
//! exponential backoff.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Int4, Jsonb, Text, Timestamptz, Uuid as SqlUuid};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use serde_json::Value;
use uuid::Uuid;

use crate::db::stored::{EmailStatus, Stored};

/// Attempts before a message is given up.
const MAX_ATTEMPTS: i32 = 8;
/// Notifications older than this are not e-mailed any more (e.g. SMTP configured late).
const MAX_AGE_HOURS: i64 = 48;

/// An SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    public_url: String,
}

#[derive(Debug, QueryableByName)]
struct Due {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Jsonb)]
    payload: Value,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    display_name: String,
    #[diesel(sql_type = Bool)]
    active: bool,
    #[diesel(sql_type = Int4)]
    email_attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

impl Mailer {
    pub fn new(url: &str, from: &str, public_url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            transport: SmtpTransport::from_url(url)?.build(),
            from: from.parse()?,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends what is due; returns how many messages went out.
    pub fn send_due(&self, conn: &mut PgConnection) -> anyhow::Result<usize> {
        // Lease a batch for five minutes, so that no other instance sends it meanwhile.
        let due: Vec<Due> = diesel::sql_query(
            "UPDATE notifications n
             SET email_next_at = now() + interval '5 minutes', email_attempts = n.email_attempts + 1
             FROM users u
             WHERE u.id = n.user_id AND n.id IN (
                 SELECT id FROM notifications
                 WHERE email_status = $1 AND email_next_at <= now()
                 ORDER BY email_next_at LIMIT 20
                 FOR UPDATE SKIP LOCKED)
             RETURNING n.id, n.kind, n.payload, u.email, u.display_name, u.active,
                       n.email_attempts, n.created_at",
        )
        .bind::<Text, _>(Stored(EmailStatus::Pending))
        .load(conn)?;
        let mut sent = 0;
        for message in due {
            let too_old = message.created_at < Utc::now() - chrono::Duration::hours(MAX_AGE_HOURS);
            if !message.active || too_old {
                record(conn, message.id, EmailStatus::Skipped, None, None)?;
                continue;
            }
            match self.send(&message) {
                Ok(()) => {
                    record(conn, message.id, EmailStatus::Sent, None, None)?;
                    sent += 1;
                }
                Err(error) if message.email_attempts >= MAX_ATTEMPTS => {
                    tracing::warn!(%error, id = %message.id, "e-mail given up");
                    record(
                        conn,
                        message.id,
                        EmailStatus::Failed,
                        Some(&error.to_string()),
                        None,
                    )?;
                }
                Err(error) => {
                    // 30 s, 1 min, 2 min… doubling.
                    let delay =
                        30 * 2_i64.pow(u32::try_from(message.email_attempts - 1).unwrap_or(0));
                    tracing::info!(%error, id = %message.id, retry_in_s = delay, "e-mail deferred");
                    record(
                        conn,
                        message.id,
                        EmailStatus::Pending,
                        Some(&error.to_string()),
                        Some(delay),
                    )?;
                }
            }
        }
        Ok(sent)
    }

    fn send(&self, due: &Due) -> anyhow::Result<()> {
        let (subject, body) = render(&due.kind, &due.payload, &self.public_url);
        let to = Mailbox::new(Some(due.display_name.clone()), due.email.parse()?);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        self.transport.send(&message)?;
        Ok(())
    }
}

fn record(
    conn: &mut PgConnection,
    id: Uuid,
    status: EmailStatus,
    error: Option<&str>,
    retry_in_secs: Option<i64>,
) -> anyhow::Result<()> {
    diesel::sql_query(
        "UPDATE notifications SET email_status = $2, email_error = $3,
             email_next_at = now() + make_interval(secs => $4)
         WHERE id = $1",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(Stored(status))
    .bind::<diesel::sql_types::Nullable<Text>, _>(error)
    .bind::<diesel::sql_types::Double, _>(retry_in_secs.unwrap_or(0) as f64)
    .execute(conn)?;
    Ok(())
}

/// The French subject and text of a notification's e-mail.
pub fn render(kind: &str, payload: &Value, public_url: &str) -> (String, String) {
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let code = text("action_code");
    let link = format!("{public_url}/");
    let footer = format!(
        "\n\nOuvrir le PST : {link}\n\n— Ce message est envoyé automatiquement par le PST de votre CPAS."
    );
    match kind {
        "change_request_created" => (
            format!("[PST] Nouvelle proposition de mise à jour : {code}"),
            format!(
                "Bonjour,\n\nUne proposition de mise à jour de l’action {code} attend votre décision.{footer}"
            ),
        ),
        "change_request_approved" => (
            format!("[PST] Votre proposition sur {code} est approuvée"),
            format!(
                "Bonjour,\n\nVotre proposition de mise à jour de l’action {code} a été approuvée et appliquée.{footer}"
            ),
        ),
        "change_request_rejected" => (
            format!("[PST] Votre proposition sur {code} n’est pas retenue"),
            format!(
                "Bonjour,\n\nVotre proposition de mise à jour de l’action {code} n’a pas été retenue.\n\nMotif : {}{footer}",
                text("reason")
            ),
        ),
        "action_stale" => (
            format!("[PST] L’action {code} attend une mise à jour"),
            format!(
                "Bonjour,\n\nL’action {code} « {} » n’a pas été mise à jour depuis le délai prévu par le plan. Pouvez-vous indiquer où elle en est ?{footer}",
                text("action_title")
            ),
        ),
        "stale_digest" => {
            let lines: Vec<String> = payload
                .get("actions")
                .and_then(Value::as_array)
                .map(|actions| {
                    actions
                        .iter()
                        .map(|a| {
                            let field = |k: &str| {
                                a.get(k).and_then(Value::as_str).unwrap_or("—").to_owned()
                            };
                            format!(
                                "- {} ({}) : {}",
                                field("code"),
                                field("lead"),
                                field("title")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                format!(
                    "[PST] {} action(s) sans mise à jour — {}",
                    lines.len(),
                    text("plan_title")
                ),
                format!(
                    "Bonjour,\n\nCes actions n’ont pas été mises à jour dans le délai prévu :\n\n{}{footer}",
                    lines.join("\n")
                ),
            )
        }
        other => (
            format!("[PST] {other}"),
            format!("Bonjour,\n\nUne notification vous attend dans le PST.{footer}"),
        ),
    }
}
