//! E-mail of notifications through SMTP. The request that made a notification never waits
//! for it: the worker leases due rows, sends, and records the outcome, retrying with an
//! exponential backoff. Each e-mail is written in its recipient's language and carries,
//! for each topic it tells of, a link that stops that topic's e-mails.

use api_types::NotificationTopic;
use diesel::PgConnection;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{Message, SmtpTransport, Transport};
use serde_json::Value;

use super::mail_texts::{Facts, MailKind, MailTexts};
use crate::app::notifications::{self, Email, Told};
use crate::auth::unsubscribe::UnsubscribeKey;

/// An SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    writer: Writer,
}

impl Mailer {
    pub fn new(
        url: &str,
        from: &str,
        public_url: &str,
        links: UnsubscribeKey,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            transport: SmtpTransport::from_url(url)?.build(),
            from: from.parse()?,
            writer: Writer::new(public_url, links),
        })
    }

    /// Sends what is due; returns how many messages went out.
    pub fn send_due(&self, conn: &mut PgConnection) -> anyhow::Result<usize> {
        notifications::send_due_mail(conn, |email| self.send(email))
    }

    fn send(&self, email: &Email<'_>) -> anyhow::Result<()> {
        let written = self.writer.write(email);
        let to = Mailbox::new(
            Some(email.to.display_name.to_owned()),
            email.to.address.parse()?,
        );
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(written.subject)
            .header(ContentType::TEXT_PLAIN);
        if let Some(url) = written.one_click {
            // RFC 8058: mail clients offer their own "unsubscribe" button, which POSTs here.
            message = message
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        self.transport.send(&message.body(written.body)?)?;
        Ok(())
    }
}

/// An e-mail as written: subject, text, and the address of its one-click unsubscribe when
/// it tells of one topic only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    pub body: String,
    pub one_click: Option<String>,
}

/// Writes the e-mails: texts in the recipient's language, links to the app, and signed
/// unsubscribe links.
#[derive(Clone)]
pub struct Writer {
    public_url: String,
    links: UnsubscribeKey,
}

impl Writer {
    pub fn new(public_url: &str, links: UnsubscribeKey) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            links,
        }
    }

    /// The page a notification is about: its action, its period, else the home page.
    fn page(&self, told: &Told<'_>) -> String {
        let id = |key: &str| told.payload.get(key).and_then(Value::as_str);
        match (id("action_id"), id("period_id"), id("plan_id")) {
            (Some(action), _, _) => format!("{}/actions/{action}", self.public_url),
            (None, Some(_), Some(plan)) => format!("{}/plans/{plan}/periodes", self.public_url),
            (None, _, Some(plan)) => format!("{}/plans/{plan}", self.public_url),
            _ => format!("{}/", self.public_url),
        }
    }

    pub fn write(&self, email: &Email<'_>) -> Written {
        let texts = MailTexts::of(email.to.language);
        let said: Vec<_> = email
            .told
            .iter()
            .map(|told| {
                let facts = Facts::of(told.payload, texts);
                MailKind::of(told.kind, told.payload).map(|kind| (texts.words)(kind, &facts))
            })
            .collect();
        // Each topic once, in the order met, with its own link.
        let mut topics: Vec<NotificationTopic> = Vec::new();
        for topic in email.told.iter().filter_map(|told| told.topic) {
            if !topics.contains(&topic) {
                topics.push(topic);
            }
        }
        let tokens: Vec<(NotificationTopic, String)> = topics
            .iter()
            .map(|&topic| (topic, self.links.issue(email.to.user_id, topic).1))
            .collect();
        let mut stop = format!("\n\n{}", texts.stop_heading);
        for (topic, token) in &tokens {
            let link = format!("{}/desabonnement/{token}", self.public_url);
            stop.push('\n');
            stop.push_str(&(texts.stop_line)((texts.topic)(*topic), &link));
        }
        stop.push('\n');
        stop.push_str(&(texts.choices)(&format!("{}/mon-compte", self.public_url)));
        let one_click = match tokens.as_slice() {
            [(_, token)] => Some(format!("{}/api/v1/unsubscribe/{token}", self.public_url)),
            _ => None,
        };

        let (subject, text, page) = if email.digest {
            let mut text = texts.digest_intro.to_owned();
            let mut heading: Option<Option<&str>> = None;
            for (told, words) in email.told.iter().zip(&said) {
                if heading != Some(told.plan_title) {
                    heading = Some(told.plan_title);
                    let title = told
                        .plan_title
                        .map_or_else(|| texts.digest_other.to_owned(), texts.digest_plan);
                    text.push_str(&format!("\n\n{title}"));
                }
                let line = words.as_ref().map_or("—", |w| w.headline.as_str());
                text.push_str(&format!("\n- {line}\n  {}", self.page(told)));
            }
            (
                (texts.digest_subject)(email.told.len()),
                text,
                format!("{}/", self.public_url),
            )
        } else {
            let told = email.told.first();
            let words = said.into_iter().next().flatten();
            let page = told.map_or_else(|| format!("{}/", self.public_url), |t| self.page(t));
            match words {
                Some(words) => (format!("[PST] {}", words.headline), words.text, page),
                // A kind this server does not know: say there is something to see.
                None => ("[PST]".to_owned(), (texts.open)(&page), page),
            }
        };
        Written {
            subject,
            body: format!(
                "{}\n\n{text}\n\n{}\n\n{}{stop}",
                texts.greeting,
                (texts.open)(&page),
                texts.signature
            ),
            one_click,
        }
    }
}

#[cfg(test)]
mod tests {
    use api_types::Language;
    use uuid::Uuid;

    use super::*;
    use crate::app::notifications::Recipient;

    fn writer() -> Writer {
        Writer::new(
            "https://pst.example/",
            UnsubscribeKey::derive(b"a long and random enough server secret, 0123456789"),
        )
    }

    fn email<'a>(language: Language, told: Vec<Told<'a>>, digest: bool) -> Email<'a> {
        Email {
            to: Recipient {
                user_id: Uuid::nil(),
                address: "pcs@cpas-a.example",
                display_name: "Commune (PCS)",
                language,
            },
            told,
            digest,
        }
    }

    #[test]
    fn a_period_reminder_names_the_period_its_deadline_and_each_action() {
        let payload = serde_json::json!({
            "period_label": "T1 2027", "deadline": "2027-04-15", "when": "after",
            "plan_title": "PST 2025-2030",
            "actions": [{ "code": "Pe17", "title": "Accueil" }, { "code": "Pe18", "title": "Liens" }],
        });
        let told = |kind| Told {
            kind,
            payload: &payload,
            topic: Some(NotificationTopic::Periods),
            plan_title: None,
        };
        let written = writer().write(&email(Language::Fr, vec![told("period_reminder")], false));
        assert_eq!(
            written.subject,
            "[PST] Période « T1 2027 » : l’échéance du 15/04/2027 est passée"
        );
        assert!(
            written.body.contains("- Pe17 : Accueil\n- Pe18 : Liens"),
            "{}",
            written.body
        );
        let opened = writer().write(&email(Language::Fr, vec![told("period_opened")], false));
        assert!(
            opened
                .subject
                .contains("mise à jour de vos actions attendue"),
            "{}",
            opened.subject
        );
    }

    #[test]
    fn a_mention_names_its_author_the_action_and_the_words_in_each_language() {
        let payload = serde_json::json!({
            "author": "Commune (PCS)", "action_code": "Pe18", "action_title": "Favoriser les liens",
            "excerpt": "Pouvez-vous valider le compte rendu ?", "action_id": "a1",
        });
        let told = || Told {
            kind: "comment_mention",
            payload: &payload,
            topic: Some(NotificationTopic::Mentions),
            plan_title: None,
        };
        let fr = writer().write(&email(Language::Fr, vec![told()], false));
        assert_eq!(
            fr.subject,
            "[PST] Commune (PCS) vous mentionne sur l’action Pe18"
        );
        assert!(fr.body.starts_with("Bonjour,"), "{}", fr.body);
        assert!(fr.body.contains("« Favoriser les liens »"), "{}", fr.body);
        assert!(
            fr.body
                .contains("« Pouvez-vous valider le compte rendu ? »"),
            "{}",
            fr.body
        );
        assert!(
            fr.body.contains("https://pst.example/actions/a1"),
            "{}",
            fr.body
        );
        let nl = writer().write(&email(Language::Nl, vec![told()], false));
        assert_eq!(nl.subject, "[PST] Commune (PCS) vermeldt u bij actie Pe18");
        assert!(nl.body.starts_with("Goedendag,"), "{}", nl.body);
        let en = writer().write(&email(Language::En, vec![told()], false));
        assert_eq!(
            en.subject,
            "[PST] Commune (PCS) mentioned you on action Pe18"
        );
        assert!(
            en.body
                .contains("“Mentions”: https://pst.example/desabonnement/"),
            "{}",
            en.body
        );
    }

    #[test]
    fn every_e_mail_carries_a_signed_link_per_topic_and_one_click_for_one_topic() {
        let approved = serde_json::json!({ "action_code": "Pe18", "action_id": "a1" });
        let task = serde_json::json!({ "task_title": "Réserver la salle", "due_on": "2027-01-15", "action_code": "Me1" });
        let one = writer().write(&email(
            Language::Fr,
            vec![Told {
                kind: "change_request_approved",
                payload: &approved,
                topic: Some(NotificationTopic::Decisions),
                plan_title: None,
            }],
            false,
        ));
        let url = one.one_click.expect("one topic: one-click unsubscribe");
        let token = url
            .strip_prefix("https://pst.example/api/v1/unsubscribe/")
            .expect("the API's address");
        let claim = UnsubscribeKey::derive(b"a long and random enough server secret, 0123456789")
            .verify(token)
            .expect("signed");
        assert_eq!(
            (claim.user, claim.topic),
            (Uuid::nil(), NotificationTopic::Decisions)
        );
        assert!(
            one.body.contains(
                "« Décisions sur mes propositions » : https://pst.example/desabonnement/"
            )
        );

        let digest = writer().write(&email(
            Language::Fr,
            vec![
                Told {
                    kind: "change_request_approved",
                    payload: &approved,
                    topic: Some(NotificationTopic::Decisions),
                    plan_title: Some("PST 2025-2030"),
                },
                Told {
                    kind: "task_due_soon",
                    payload: &task,
                    topic: Some(NotificationTopic::Tasks),
                    plan_title: Some("PST 2025-2030"),
                },
            ],
            true,
        ));
        assert_eq!(digest.subject, "[PST] Votre résumé : 2 notifications");
        assert_eq!(
            digest.one_click, None,
            "two topics: a link each, no one-click"
        );
        assert_eq!(digest.body.matches("/desabonnement/").count(), 2);
        assert_eq!(digest.body.matches("Plan « PST 2025-2030 »").count(), 1);
        assert!(
            digest
                .body
                .contains("- Votre proposition sur Pe18 est approuvée"),
            "{}",
            digest.body
        );
        assert!(
            digest
                .body
                .contains("- Tâche à réaliser pour le 15/01/2027 : Réserver la salle"),
            "{}",
            digest.body
        );
    }
}
