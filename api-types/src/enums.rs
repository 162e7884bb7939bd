//! The closed vocabularies of the domain, as they travel on the wire and are stored.

use std::fmt;
use std::str::FromStr;

/// A value that is not one of an enum's wire names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant {
    /// Name of the enum, e.g. `ActionStatus`.
    pub kind: &'static str,
    /// The rejected value.
    pub value: String,
}

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid {}", self.value, self.kind)
    }
}

impl std::error::Error for UnknownVariant {}

/// Declares a wire enum: serde names, `as_str`, `FromStr`, `Display` and `ALL` agree by
/// construction, so the database CHECK constraints and the API can use the same strings.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] #[cfg_attr(feature = "openapi", schema(rename = $wire))] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire (and storage) name.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(UnknownVariant { kind: stringify!($name), value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// Lifecycle of a plan: prepared, adopted by the council, then closed at the end of
    /// the term.
    PlanStatus { Draft => "draft", Adopted => "adopted", Closed => "closed" }
}

wire_enum! {
    /// The part of the PST an objective belongs to: `externe` (services to citizens) or
    /// `interne` (the administration itself). The `e` / `i` in codes such as `OSe1`.
    Volet { Externe => "externe", Interne => "interne" }
}

wire_enum! {
    /// Level of an objective in the plan tree.
    ObjectiveLevel { Strategic => "strategic", Operational => "operational" }
}

wire_enum! {
    /// `mission`: an ongoing service (codes `M…`); `projet`: a new project (codes `P…`).
    ActionKind { Mission => "mission", Projet => "projet" }
}

wire_enum! {
    /// Follow-up status of an action, the values of the Walloon eComptes PST export.
    ActionStatus {
        NonCommence => "non_commence",
        EnCours => "en_cours",
        EnAttente => "en_attente",
        Probleme => "probleme",
        Termine => "termine",
        AnnuleAbandonne => "annule_abandonne",
    }
}

wire_enum! {
    /// How an action is going, apart from its eComptes status: the lead's judgement
    /// ("météo"), e.g. `en_cours` but `at_risk`. `null` on an action means not assessed.
    ActionHealth {
        Good => "good",
        AtRisk => "at_risk",
        Struggling => "struggling",
        Paused => "paused",
    }
}

wire_enum! {
    /// Role of an organisation on an action: the lead entity ("entité porteuse") or a
    /// collaborating one.
    OrgRole { Lead => "lead", Collaborator => "collaborator" }
}

wire_enum! {
    /// What kind of body an organisation is.
    OrganisationKind {
        Cpas => "cpas",
        Commune => "commune",
        Association => "association",
        Other => "other",
    }
}

wire_enum! {
    /// What kind of administration a CPAS of the platform is, as eComptes names it
    /// (`TypeAdmin`: `CPAS`, or `AC` for a commune).
    AdministrationType {
        Cpas => "cpas",
        Commune => "commune",
    }
}

wire_enum! {
    /// What a user may do. `admin` runs the platform; the others belong to one CPAS.
    Role {
        Admin => "admin",
        President => "president",
        Dg => "dg",
        SocialWorker => "social_worker",
        Partner => "partner",
    }
}

wire_enum! {
    /// How official documents address a person (the eComptes file's `Civilite`).
    Civility { Madame => "madame", Monsieur => "monsieur" }
}

wire_enum! {
    /// The budget service of a line: ordinary (running costs) or extraordinary (investment).
    BudgetService { Ordinaire => "ordinaire", Extraordinaire => "extraordinaire" }
}

wire_enum! {
    /// Income or expense.
    BudgetDirection { Recette => "recette", Depense => "depense" }
}

wire_enum! {
    /// What an API token may do. The token also acts within its organisation's rights.
    ApiScope {
        /// Read plans, actions, their follow-up and history.
        PlansRead => "plans:read",
        /// Propose changes to the actions its organisation carries.
        ActionsPropose => "actions:propose",
        /// Register and manage the CPAS's webhooks.
        WebhooksManage => "webhooks:manage",
    }
}

wire_enum! {
    /// Events a webhook can subscribe to.
    WebhookEvent {
        ChangeRequestCreated => "change_request.created",
        ChangeRequestApproved => "change_request.approved",
        ChangeRequestRejected => "change_request.rejected",
        ActionUpdated => "action.updated",
        PlanAdopted => "plan.adopted",
        TaskCreated => "task.created",
        TaskCompleted => "task.completed",
        SubActionCreated => "sub_action.created",
    }
}

wire_enum! {
    /// What a journal entry of an action is: a note someone wrote, or a task marked done
    /// (its body is the task's title).
    JournalKind { Note => "note", TaskDone => "task_done" }
}

wire_enum! {
    /// What a task is given to: a person (`user`) or an organisation.
    AssigneeKind { User => "user", Organisation => "organisation" }
}

wire_enum! {
    /// Which tasks a list shows (`open` by default).
    TaskFilter { Open => "open", Done => "done", All => "all" }
}

wire_enum! {
    /// Where a delivery stands.
    DeliveryStatus { Pending => "pending", Delivered => "delivered", Failed => "failed" }
}

wire_enum! {
    /// The evaluations the law asks of a PST: at mid-term and at the end.
    EvaluationKind { MidTerm => "mid_term", Final => "final" }
}

wire_enum! {
    /// The language of a document the server writes (the evaluation report, the exports,
    /// the public page): `fr` (the default), `nl` or `en`. Asked with `?lang=`, else taken
    /// from `Accept-Language`.
    Language { Fr => "fr", Nl => "nl", En => "en" }
}

wire_enum! {
    /// What a person chooses how to be told about: the topic of each kind of notification
    /// (`proposals`: a proposal awaits a decision; `decisions`: one of mine was approved or
    /// rejected; `mentions`; `comments`: on an action my organisation carries; `tasks`;
    /// `periods`: a reporting period opened, its reminders; `stale_actions`: an action waits
    /// for an update, the managers' digest of them).
    NotificationTopic {
        Proposals => "proposals",
        Decisions => "decisions",
        Mentions => "mentions",
        Comments => "comments",
        Tasks => "tasks",
        Periods => "periods",
        StaleActions => "stale_actions",
    }
}

wire_enum! {
    /// How the notifications of a topic reach a person: each by e-mail at once (the
    /// default), gathered in one e-mail a day (07:00, Brussels) or a week (Monday 07:00),
    /// or only in the app's inbox. Every notification is in the inbox whatever the choice.
    NotificationDelivery {
        Immediately => "immediately",
        Daily => "daily",
        Weekly => "weekly",
        InApp => "in_app",
    }
}

wire_enum! {
    /// How a session was opened: the password alone, with an authenticator's code, with
    /// a recovery code, or through the CPAS's identity provider (OpenID Connect).
    SignInMethod {
        Password => "password",
        SecondFactor => "second_factor",
        RecoveryCode => "recovery_code",
        Oidc => "oidc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_str_and_serde() {
        for status in ActionStatus::ALL {
            assert_eq!(status.as_str().parse::<ActionStatus>(), Ok(*status));
            let json = serde_json::to_string(status).expect("serialises");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_enum_name() {
        let err = "finished"
            .parse::<ActionStatus>()
            .expect_err("not a status");
        assert_eq!(err.to_string(), "`finished` is not a valid ActionStatus");
    }
}
