//! E-mail of notifications through SMTP. The request that made a notification never waits
//! for it: the worker leases due rows, sends, and records the outcome, retrying with an
//! exponential backoff.

use diesel::PgConnection;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use serde_json::Value;

use crate::app::notifications::{self, Email};

/// An SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    public_url: String,
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
        notifications::send_due_mail(conn, |email| self.send(email))
    }

    fn send(&self, email: &Email<'_>) -> anyhow::Result<()> {
        let (subject, body) = render(email.kind, email.payload, &self.public_url);
        let to = Mailbox::new(Some(email.display_name.to_owned()), email.address.parse()?);
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

/// The actions a notification lists, one line each: `- Pe18 : Favoriser les liens`, with
/// its lead organisation when the list names it (`- Pe18 (Commune (PCS)) : …`).
fn action_lines(payload: &Value) -> Vec<String> {
    payload
        .get("actions")
        .and_then(Value::as_array)
        .map(|actions| {
            actions
                .iter()
                .map(|a| {
                    let field = |k: &str| a.get(k).map(|v| v.as_str().unwrap_or("—"));
                    let lead = field("lead")
                        .map(|lead| format!(" ({lead})"))
                        .unwrap_or_default();
                    let (code, title) = (field("code"), field("title"));
                    format!("- {}{lead} : {}", code.unwrap_or("—"), title.unwrap_or("—"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `2026-12-08` as `08/12/2026`; anything else as it is.
fn french_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|date| date.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
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
        "task_assigned" => (
            format!("[PST] Une tâche vous est confiée : {}", text("task_title")),
            format!(
                "Bonjour,\n\nLa tâche « {} » de l’action {code} vous est confiée, à réaliser pour le {}.{footer}",
                text("task_title"),
                french_date(&text("due_on"))
            ),
        ),
        "task_due_soon" => (
            format!(
                "[PST] Tâche à réaliser pour le {} : {}",
                french_date(&text("due_on")),
                text("task_title")
            ),
            format!(
                "Bonjour,\n\nLa tâche « {} » de l’action {code} est à réaliser pour le {}. Une fois faite, cochez-la dans « Mes tâches ».{footer}",
                text("task_title"),
                french_date(&text("due_on"))
            ),
        ),
        "task_overdue" => (
            format!("[PST] Tâche en retard : {}", text("task_title")),
            format!(
                "Bonjour,\n\nLa tâche « {} » de l’action {code} était à réaliser pour le {} et n’est pas cochée comme faite. Est-elle faite, ou faut-il revoir son échéance ?{footer}",
                text("task_title"),
                french_date(&text("due_on"))
            ),
        ),
        "comment_mention" => (
            format!(
                "[PST] {} vous mentionne sur l’action {code}",
                text("author")
            ),
            format!(
                "Bonjour,\n\n{} vous mentionne dans la discussion de l’action {code} « {} » :\n\n« {} »{footer}",
                text("author"),
                text("action_title"),
                text("excerpt")
            ),
        ),
        "period_opened" | "period_reminder" => {
            let lines = action_lines(payload);
            let (label, deadline) = (text("period_label"), french_date(&text("deadline")));
            let (subject, lead) = match (kind, text("when").as_str()) {
                ("period_opened", _) => (
                    format!("[PST] Période « {label} » : mise à jour de vos actions attendue"),
                    format!(
                        "La période de rapportage « {label} » du plan « {} » est ouverte. Pouvez-vous faire le point sur ces actions d’ici le {deadline} ?",
                        text("plan_title")
                    ),
                ),
                (_, "after") => (
                    format!("[PST] Période « {label} » : l’échéance du {deadline} est passée"),
                    format!(
                        "L’échéance de la période « {label} » est passée, et ces actions n’ont pas encore été mises à jour :"
                    ),
                ),
                _ => (
                    format!("[PST] Période « {label} » : échéance le {deadline}"),
                    format!(
                        "L’échéance de la période « {label} » approche (le {deadline}), et ces actions n’ont pas encore été mises à jour :"
                    ),
                ),
            };
            (
                subject,
                format!("Bonjour,\n\n{lead}\n\n{}{footer}", lines.join("\n")),
            )
        }
        "stale_digest" => {
            let lines = action_lines(payload);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_reminder_names_the_period_its_deadline_and_each_action() {
        let payload = serde_json::json!({
            "period_label": "T1 2027", "deadline": "2027-04-15", "when": "after",
            "plan_title": "PST 2025-2030",
            "actions": [{ "code": "Pe17", "title": "Accueil" }, { "code": "Pe18", "title": "Liens" }],
        });
        let (subject, body) = render("period_reminder", &payload, "https://pst.example");
        assert_eq!(
            subject,
            "[PST] Période « T1 2027 » : l’échéance du 15/04/2027 est passée"
        );
        assert!(body.contains("- Pe17 : Accueil\n- Pe18 : Liens"), "{body}");
        let (opened, _) = render("period_opened", &payload, "https://pst.example");
        assert!(
            opened.contains("mise à jour de vos actions attendue"),
            "{opened}"
        );
    }

    #[test]
    fn a_mention_names_its_author_the_action_and_the_words() {
        let payload = serde_json::json!({
            "author": "Commune (PCS)", "action_code": "Pe18", "action_title": "Favoriser les liens",
            "excerpt": "Pouvez-vous valider le compte rendu ?",
        });
        let (subject, body) = render("comment_mention", &payload, "https://pst.example");
        assert_eq!(
            subject,
            "[PST] Commune (PCS) vous mentionne sur l’action Pe18"
        );
        assert!(body.contains("« Favoriser les liens »"), "{body}");
        assert!(
            body.contains("« Pouvez-vous valider le compte rendu ? »"),
            "{body}"
        );
        assert!(body.contains("https://pst.example/"), "{body}");
    }
}
