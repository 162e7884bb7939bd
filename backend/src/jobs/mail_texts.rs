//! The texts of the e-mails, in each [`Language`]: one function per language that matches
//! every [`MailKind`] without a catch-all, so a kind missing in one language does not
//! compile. What users typed (titles, comments, reasons) is never translated; dates are
//! dd/mm/yyyy in every language.

use api_types::{Language, NotificationTopic};
use serde_json::Value;

/// The kinds of notification an e-mail is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    ProposalCreated,
    ProposalApproved,
    ProposalRejected,
    ActionStale,
    StaleDigest,
    TaskAssigned,
    TaskDueSoon,
    TaskOverdue,
    CommentMention,
    CommentAdded,
    PeriodOpened,
    PeriodDeadlineNear,
    PeriodDeadlinePassed,
}

impl MailKind {
    /// The kind of a stored notification (`notifications.kind`, and for a period's reminder
    /// its payload's `when`); `None` for a kind this server does not know.
    pub fn of(kind: &str, payload: &Value) -> Option<Self> {
        Some(match kind {
            "change_request_created" => Self::ProposalCreated,
            "change_request_approved" => Self::ProposalApproved,
            "change_request_rejected" => Self::ProposalRejected,
            "action_stale" => Self::ActionStale,
            "stale_digest" => Self::StaleDigest,
            "task_assigned" => Self::TaskAssigned,
            "task_due_soon" => Self::TaskDueSoon,
            "task_overdue" => Self::TaskOverdue,
            "comment_mention" => Self::CommentMention,
            "comment_added" => Self::CommentAdded,
            "period_opened" => Self::PeriodOpened,
            "period_reminder" if payload.get("when").and_then(Value::as_str) == Some("after") => {
                Self::PeriodDeadlinePassed
            }
            "period_reminder" => Self::PeriodDeadlineNear,
            _ => return None,
        })
    }
}

/// What a notification's texts name, read from its payload (a missing value is a dash).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub code: String,
    pub action_title: String,
    pub reason: String,
    pub task_title: String,
    /// dd/mm/yyyy.
    pub due_on: String,
    pub author: String,
    pub excerpt: String,
    pub period_label: String,
    /// dd/mm/yyyy.
    pub deadline: String,
    pub plan_title: String,
    /// The actions a notification lists, one line each: `- Pe18 : Favoriser les liens`,
    /// with the lead organisation when the list names it.
    pub actions: Vec<String>,
}

impl Facts {
    pub fn of(payload: &Value, texts: &MailTexts) -> Self {
        let text = |key: &str| {
            payload
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("—")
                .to_owned()
        };
        Self {
            code: text("action_code"),
            action_title: text("action_title"),
            reason: text("reason"),
            task_title: text("task_title"),
            due_on: date(&text("due_on")),
            author: text("author"),
            excerpt: text("excerpt"),
            period_label: text("period_label"),
            deadline: date(&text("deadline")),
            plan_title: text("plan_title"),
            actions: action_lines(payload, texts.colon),
        }
    }
}

/// `2026-12-08` as `08/12/2026`; anything else as it is.
fn date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|date| date.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

fn action_lines(payload: &Value, colon: &str) -> Vec<String> {
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
                    format!(
                        "- {}{lead}{colon}{}",
                        code.unwrap_or("—"),
                        title.unwrap_or("—")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One notification's words: its headline (the subject of its own e-mail, a line of a
/// digest) and what its e-mail says after the greeting.
pub struct Words {
    pub headline: String,
    pub text: String,
}

/// The fixed texts of the e-mails, in one language.
pub struct MailTexts {
    /// "Bonjour,".
    pub greeting: &'static str,
    /// Between a label and its value ("Motif : …", "Reason: …").
    pub colon: &'static str,
    /// The link to the app.
    pub open: fn(&str) -> String,
    /// The last line: who sends this.
    pub signature: &'static str,
    /// Above the unsubscribe links.
    pub stop_heading: &'static str,
    /// One unsubscribe link: the topic it stops, the link.
    pub stop_line: fn(&str, &str) -> String,
    /// Where every choice is made, with its link.
    pub choices: fn(&str) -> String,
    /// A topic as "Mon compte" names it.
    pub topic: fn(NotificationTopic) -> &'static str,
    /// A digest's subject, of so many notifications.
    pub digest_subject: fn(usize) -> String,
    /// A digest's first line.
    pub digest_intro: &'static str,
    /// The heading of a plan's part of a digest.
    pub digest_plan: fn(&str) -> String,
    /// The heading of the notifications of no plan.
    pub digest_other: &'static str,
    /// A notification's headline and text.
    pub words: fn(MailKind, &Facts) -> Words,
}

impl MailTexts {
    pub const fn of(language: Language) -> &'static MailTexts {
        match language {
            Language::Fr => &FR,
            Language::Nl => &NL,
            Language::En => &EN,
        }
    }
}

fn words(headline: String, text: String) -> Words {
    Words { headline, text }
}

static FR: MailTexts = MailTexts {
    greeting: "Bonjour,",
    colon: " : ",
    open: |link| format!("Ouvrir le PST : {link}"),
    signature: "— Ce message est envoyé automatiquement par le PST de votre CPAS.",
    stop_heading: "Ne plus recevoir ces e-mails :",
    stop_line: |topic, link| format!("- « {topic} » : {link}"),
    choices: |link| format!("Tous vos choix de notification : {link}"),
    topic: |topic| match topic {
        NotificationTopic::Proposals => "Propositions à décider",
        NotificationTopic::Decisions => "Décisions sur mes propositions",
        NotificationTopic::Mentions => "Mentions",
        NotificationTopic::Comments => "Commentaires sur les actions de mon organisation",
        NotificationTopic::Tasks => "Tâches",
        NotificationTopic::Periods => "Périodes de rapportage",
        NotificationTopic::StaleActions => "Actions en attente de mise à jour",
    },
    digest_subject: |n| match n {
        1 => "[PST] Votre résumé : 1 notification".to_owned(),
        n => format!("[PST] Votre résumé : {n} notifications"),
    },
    digest_intro: "Voici ce qui s’est passé dans le PST depuis votre dernier résumé :",
    digest_plan: |plan| format!("Plan « {plan} »"),
    digest_other: "Autres",
    words: |kind, f| match kind {
        MailKind::ProposalCreated => words(
            format!("Nouvelle proposition de mise à jour : {}", f.code),
            format!(
                "Une proposition de mise à jour de l’action {} attend votre décision.",
                f.code
            ),
        ),
        MailKind::ProposalApproved => words(
            format!("Votre proposition sur {} est approuvée", f.code),
            format!(
                "Votre proposition de mise à jour de l’action {} a été approuvée et appliquée.",
                f.code
            ),
        ),
        MailKind::ProposalRejected => words(
            format!("Votre proposition sur {} n’est pas retenue", f.code),
            format!(
                "Votre proposition de mise à jour de l’action {} n’a pas été retenue.\n\nMotif : {}",
                f.code, f.reason
            ),
        ),
        MailKind::ActionStale => words(
            format!("L’action {} attend une mise à jour", f.code),
            format!(
                "L’action {} « {} » n’a pas été mise à jour depuis le délai prévu par le plan. Pouvez-vous indiquer où elle en est ?",
                f.code, f.action_title
            ),
        ),
        MailKind::StaleDigest => words(
            format!(
                "{} action(s) sans mise à jour — {}",
                f.actions.len(),
                f.plan_title
            ),
            format!(
                "Ces actions n’ont pas été mises à jour dans le délai prévu :\n\n{}",
                f.actions.join("\n")
            ),
        ),
        MailKind::TaskAssigned => words(
            format!("Une tâche vous est confiée : {}", f.task_title),
            format!(
                "La tâche « {} » de l’action {} vous est confiée, à réaliser pour le {}.",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::TaskDueSoon => words(
            format!("Tâche à réaliser pour le {} : {}", f.due_on, f.task_title),
            format!(
                "La tâche « {} » de l’action {} est à réaliser pour le {}. Une fois faite, cochez-la dans « Mes tâches ».",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::TaskOverdue => words(
            format!("Tâche en retard : {}", f.task_title),
            format!(
                "La tâche « {} » de l’action {} était à réaliser pour le {} et n’est pas cochée comme faite. Est-elle faite, ou faut-il revoir son échéance ?",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::CommentMention => words(
            format!("{} vous mentionne sur l’action {}", f.author, f.code),
            format!(
                "{} vous mentionne dans la discussion de l’action {} « {} » :\n\n« {} »",
                f.author, f.code, f.action_title, f.excerpt
            ),
        ),
        MailKind::CommentAdded => words(
            format!("{} a commenté l’action {}", f.author, f.code),
            format!(
                "{} a écrit dans la discussion de l’action {} « {} », que votre organisation porte :\n\n« {} »",
                f.author, f.code, f.action_title, f.excerpt
            ),
        ),
        MailKind::PeriodOpened => words(
            format!(
                "Période « {} » : mise à jour de vos actions attendue",
                f.period_label
            ),
            format!(
                "La période de rapportage « {} » du plan « {} » est ouverte. Pouvez-vous faire le point sur ces actions d’ici le {} ?\n\n{}",
                f.period_label,
                f.plan_title,
                f.deadline,
                f.actions.join("\n")
            ),
        ),
        MailKind::PeriodDeadlineNear => words(
            format!(
                "Période « {} » : échéance le {}",
                f.period_label, f.deadline
            ),
            format!(
                "L’échéance de la période « {} » approche (le {}), et ces actions n’ont pas encore été mises à jour :\n\n{}",
                f.period_label,
                f.deadline,
                f.actions.join("\n")
            ),
        ),
        MailKind::PeriodDeadlinePassed => words(
            format!(
                "Période « {} » : l’échéance du {} est passée",
                f.period_label, f.deadline
            ),
            format!(
                "L’échéance de la période « {} » est passée, et ces actions n’ont pas encore été mises à jour :\n\n{}",
                f.period_label,
                f.actions.join("\n")
            ),
        ),
    },
};

static NL: MailTexts = MailTexts {
    greeting: "Goedendag,",
    colon: ": ",
    open: |link| format!("Het PST openen: {link}"),
    signature: "— Dit bericht wordt automatisch verstuurd door het PST van uw OCMW.",
    stop_heading: "Deze e-mails niet meer ontvangen:",
    stop_line: |topic, link| format!("- ‘{topic}’: {link}"),
    choices: |link| format!("Al uw keuzes voor meldingen: {link}"),
    topic: |topic| match topic {
        NotificationTopic::Proposals => "Voorstellen om over te beslissen",
        NotificationTopic::Decisions => "Beslissingen over mijn voorstellen",
        NotificationTopic::Mentions => "Vermeldingen",
        NotificationTopic::Comments => "Reacties op de acties van mijn organisatie",
        NotificationTopic::Tasks => "Taken",
        NotificationTopic::Periods => "Rapporteringsperiodes",
        NotificationTopic::StaleActions => "Acties die op een bijwerking wachten",
    },
    digest_subject: |n| match n {
        1 => "[PST] Uw overzicht: 1 melding".to_owned(),
        n => format!("[PST] Uw overzicht: {n} meldingen"),
    },
    digest_intro: "Dit is er in het PST gebeurd sinds uw vorige overzicht:",
    digest_plan: |plan| format!("Plan ‘{plan}’"),
    digest_other: "Overige",
    words: |kind, f| match kind {
        MailKind::ProposalCreated => words(
            format!("Nieuw voorstel tot bijwerking: {}", f.code),
            format!(
                "Een voorstel tot bijwerking van actie {} wacht op uw beslissing.",
                f.code
            ),
        ),
        MailKind::ProposalApproved => words(
            format!("Uw voorstel over {} is goedgekeurd", f.code),
            format!(
                "Uw voorstel tot bijwerking van actie {} is goedgekeurd en toegepast.",
                f.code
            ),
        ),
        MailKind::ProposalRejected => words(
            format!("Uw voorstel over {} is niet aanvaard", f.code),
            format!(
                "Uw voorstel tot bijwerking van actie {} is niet aanvaard.\n\nReden: {}",
                f.code, f.reason
            ),
        ),
        MailKind::ActionStale => words(
            format!("Actie {} wacht op een bijwerking", f.code),
            format!(
                "Actie {} ‘{}’ is niet bijgewerkt binnen de termijn die het plan voorziet. Kunt u aangeven hoe ver ze staat?",
                f.code, f.action_title
            ),
        ),
        MailKind::StaleDigest => words(
            format!(
                "{} actie(s) zonder bijwerking — {}",
                f.actions.len(),
                f.plan_title
            ),
            format!(
                "Deze acties zijn niet bijgewerkt binnen de voorziene termijn:\n\n{}",
                f.actions.join("\n")
            ),
        ),
        MailKind::TaskAssigned => words(
            format!("Er is u een taak toevertrouwd: {}", f.task_title),
            format!(
                "De taak ‘{}’ van actie {} is u toevertrouwd, uit te voeren tegen {}.",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::TaskDueSoon => words(
            format!("Taak uit te voeren tegen {}: {}", f.due_on, f.task_title),
            format!(
                "De taak ‘{}’ van actie {} moet uitgevoerd zijn tegen {}. Vink ze aan in ‘Mijn taken’ zodra ze klaar is.",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::TaskOverdue => words(
            format!("Taak te laat: {}", f.task_title),
            format!(
                "De taak ‘{}’ van actie {} moest uitgevoerd zijn tegen {} en is niet als klaar aangevinkt. Is ze klaar, of moet de termijn herzien worden?",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::CommentMention => words(
            format!("{} vermeldt u bij actie {}", f.author, f.code),
            format!(
                "{} vermeldt u in de discussie over actie {} ‘{}’:\n\n‘{}’",
                f.author, f.code, f.action_title, f.excerpt
            ),
        ),
        MailKind::CommentAdded => words(
            format!("{} reageerde op actie {}", f.author, f.code),
            format!(
                "{} schreef in de discussie over actie {} ‘{}’, die uw organisatie trekt:\n\n‘{}’",
                f.author, f.code, f.action_title, f.excerpt
            ),
        ),
        MailKind::PeriodOpened => words(
            format!(
                "Periode ‘{}’: bijwerking van uw acties verwacht",
                f.period_label
            ),
            format!(
                "De rapporteringsperiode ‘{}’ van het plan ‘{}’ is geopend. Kunt u deze acties bijwerken tegen {}?\n\n{}",
                f.period_label,
                f.plan_title,
                f.deadline,
                f.actions.join("\n")
            ),
        ),
        MailKind::PeriodDeadlineNear => words(
            format!("Periode ‘{}’: termijn op {}", f.period_label, f.deadline),
            format!(
                "De termijn van de periode ‘{}’ nadert ({}), en deze acties zijn nog niet bijgewerkt:\n\n{}",
                f.period_label,
                f.deadline,
                f.actions.join("\n")
            ),
        ),
        MailKind::PeriodDeadlinePassed => words(
            format!(
                "Periode ‘{}’: de termijn van {} is verstreken",
                f.period_label, f.deadline
            ),
            format!(
                "De termijn van de periode ‘{}’ is verstreken, en deze acties zijn nog niet bijgewerkt:\n\n{}",
                f.period_label,
                f.actions.join("\n")
            ),
        ),
    },
};

static EN: MailTexts = MailTexts {
    greeting: "Hello,",
    colon: ": ",
    open: |link| format!("Open the PST: {link}"),
    signature: "— This message is sent automatically by your CPAS's PST.",
    stop_heading: "To stop these e-mails:",
    stop_line: |topic, link| format!("- “{topic}”: {link}"),
    choices: |link| format!("All your notification choices: {link}"),
    topic: |topic| match topic {
        NotificationTopic::Proposals => "Proposals to decide",
        NotificationTopic::Decisions => "Decisions on my proposals",
        NotificationTopic::Mentions => "Mentions",
        NotificationTopic::Comments => "Comments on my organisation's actions",
        NotificationTopic::Tasks => "Tasks",
        NotificationTopic::Periods => "Reporting periods",
        NotificationTopic::StaleActions => "Actions awaiting an update",
    },
    digest_subject: |n| match n {
        1 => "[PST] Your digest: 1 notification".to_owned(),
        n => format!("[PST] Your digest: {n} notifications"),
    },
    digest_intro: "Here is what happened in the PST since your last digest:",
    digest_plan: |plan| format!("Plan “{plan}”"),
    digest_other: "Other",
    words: |kind, f| match kind {
        MailKind::ProposalCreated => words(
            format!("New update proposal: {}", f.code),
            format!(
                "An update proposal for action {} awaits your decision.",
                f.code
            ),
        ),
        MailKind::ProposalApproved => words(
            format!("Your proposal on {} is approved", f.code),
            format!(
                "Your update proposal for action {} was approved and applied.",
                f.code
            ),
        ),
        MailKind::ProposalRejected => words(
            format!("Your proposal on {} was not accepted", f.code),
            format!(
                "Your update proposal for action {} was not accepted.\n\nReason: {}",
                f.code, f.reason
            ),
        ),
        MailKind::ActionStale => words(
            format!("Action {} awaits an update", f.code),
            format!(
                "Action {} “{}” has not been updated within the time the plan sets. Could you say where it stands?",
                f.code, f.action_title
            ),
        ),
        MailKind::StaleDigest => words(
            format!(
                "{} action(s) without an update — {}",
                f.actions.len(),
                f.plan_title
            ),
            format!(
                "These actions have not been updated within the expected time:\n\n{}",
                f.actions.join("\n")
            ),
        ),
        MailKind::TaskAssigned => words(
            format!("A task is given to you: {}", f.task_title),
            format!(
                "The task “{}” of action {} is given to you, due on {}.",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::TaskDueSoon => words(
            format!("Task due on {}: {}", f.due_on, f.task_title),
            format!(
                "The task “{}” of action {} is due on {}. Once done, tick it in “My tasks”.",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::TaskOverdue => words(
            format!("Overdue task: {}", f.task_title),
            format!(
                "The task “{}” of action {} was due on {} and is not ticked as done. Is it done, or should its due date change?",
                f.task_title, f.code, f.due_on
            ),
        ),
        MailKind::CommentMention => words(
            format!("{} mentioned you on action {}", f.author, f.code),
            format!(
                "{} mentioned you in the discussion of action {} “{}”:\n\n“{}”",
                f.author, f.code, f.action_title, f.excerpt
            ),
        ),
        MailKind::CommentAdded => words(
            format!("{} commented on action {}", f.author, f.code),
            format!(
                "{} wrote in the discussion of action {} “{}”, which your organisation leads:\n\n“{}”",
                f.author, f.code, f.action_title, f.excerpt
            ),
        ),
        MailKind::PeriodOpened => words(
            format!(
                "Period “{}”: an update of your actions is expected",
                f.period_label
            ),
            format!(
                "The reporting period “{}” of the plan “{}” is open. Could you report on these actions by {}?\n\n{}",
                f.period_label,
                f.plan_title,
                f.deadline,
                f.actions.join("\n")
            ),
        ),
        MailKind::PeriodDeadlineNear => words(
            format!("Period “{}”: deadline on {}", f.period_label, f.deadline),
            format!(
                "The deadline of the period “{}” is near ({}), and these actions have not been updated yet:\n\n{}",
                f.period_label,
                f.deadline,
                f.actions.join("\n")
            ),
        ),
        MailKind::PeriodDeadlinePassed => words(
            format!(
                "Period “{}”: the deadline of {} has passed",
                f.period_label, f.deadline
            ),
            format!(
                "The deadline of the period “{}” has passed, and these actions have not been updated yet:\n\n{}",
                f.period_label,
                f.actions.join("\n")
            ),
        ),
    },
};
