//! Texts shown to users. French first; the other languages come with the translation
//! files of the full web app.

pub mod fr {
    pub const APP_NAME: &str = "PST";
    pub const TAGLINE: &str = "Plan Stratégique Transversal";
    pub const SKIP_TO_CONTENT: &str = "Aller au contenu";
    pub const PAGE_NOT_FOUND: &str = "Cette page n’existe pas.";
    pub const LOADING: &str = "Chargement…";
    pub const PLANS_TITLE: &str = "Plans";
    pub const NO_PLANS: &str = "Aucun plan pour le moment.";
    pub const LOAD_FAILED: &str = "Le chargement a échoué";
    pub const STRATEGIC: &str = "objectifs stratégiques";
    pub const OPERATIONAL: &str = "objectifs opérationnels";
    pub const ACTIONS: &str = "actions";
    pub const PERIOD_UNKNOWN: &str = "période non précisée";
    pub const BACK_TO_PLANS: &str = "← Tous les plans";
    pub const MISSION: &str = "Mission";
    pub const PROJET: &str = "Projet";
    pub const KIND_UNKNOWN: &str = "Action";
    pub const LEAD: &str = "Entité porteuse";
    pub const COLLABORATION: &str = "Collaboration";
    pub const TRANSVERSAL: &str = "Action transversale à tous les projets";
    pub const OPINIONS_DEFAULT_TITLE: &str = "Avis de la Direction générale";
    pub const OPINION_ON: &str = "Avis de la Direction générale";

    pub const LOGIN_TITLE: &str = "Connexion";
    pub const EMAIL: &str = "Adresse e-mail";
    pub const PASSWORD: &str = "Mot de passe";
    pub const LOGIN_SUBMIT: &str = "Se connecter";
    pub const LOGIN_WRONG: &str = "Adresse e-mail ou mot de passe incorrect.";
    pub const LOGIN_THROTTLED: &str = "Trop de tentatives : réessayez dans une minute.";
    pub const LOGOUT: &str = "Se déconnecter";

    pub const STATUS_DRAFT: &str = "Projet de plan";
    pub const STATUS_ADOPTED: &str = "Adopté";
    pub const STATUS_CLOSED: &str = "Clôturé";

    pub const VOLET_EXTERNE: &str = "Volet externe";
    pub const VOLET_INTERNE: &str = "Volet interne";

    pub const STATUS_NON_COMMENCE: &str = "Non commencé";
    pub const STATUS_EN_COURS: &str = "En cours";
    pub const STATUS_EN_ATTENTE: &str = "En attente";
    pub const STATUS_PROBLEME: &str = "Problème";
    pub const STATUS_TERMINE: &str = "Terminé";
    pub const STATUS_ANNULE: &str = "Annulé / abandonné";
    pub const LATE: &str = "En retard";
    pub const STALE: &str = "Sans mise à jour";
    pub const PROGRESS: &str = "Avancement";

    pub const FIELD_STATUS: &str = "Statut";
    pub const FIELD_PROGRESS: &str = "Avancement (%)";
    pub const FIELD_PLANNED_START: &str = "Début prévu";
    pub const FIELD_PLANNED_END: &str = "Échéance prévue";
    pub const FIELD_ACTUAL_END: &str = "Fin effective";
    pub const FIELD_POLITICAL_LEAD: &str = "Responsable mandataire";
    pub const FIELD_ADMINISTRATIVE_LEAD: &str = "Responsable administratif";
    pub const FIELD_STAFFING: &str = "Personnel (ETP)";
    pub const FIELD_SDGS: &str = "Objectifs de développement durable";
    pub const FIELD_INDICATOR: &str = "Indicateur";
    pub const FIELD_BUDGET_LINE: &str = "Ligne budgétaire (dépensé, centimes)";
    pub const FIELD_TITLE: &str = "Intitulé";
    pub const FIELD_CODE: &str = "Code";
    pub const FIELD_OTHER: &str = "Champ";

    pub const ACTION_OF_PLAN: &str = "Action du plan";
    pub const OBJECTIVE: &str = "Objectif opérationnel";
    pub const INDICATORS: &str = "Indicateurs";
    pub const INDICATOR_NAME: &str = "Indicateur";
    pub const BASELINE: &str = "Valeur de départ";
    pub const TARGET: &str = "Cible";
    pub const CURRENT: &str = "Valeur actuelle";
    pub const MEASURED_AT: &str = "Mesurée le";
    pub const BUDGET: &str = "Budget";
    pub const YEAR: &str = "Année";
    pub const ARTICLE: &str = "Article";
    pub const PLANNED: &str = "Prévu";
    pub const SPENT: &str = "Dépensé";
    pub const JOURNAL: &str = "Journal";
    pub const HISTORY: &str = "Historique";
    pub const NOTHING_YET: &str = "Rien pour le moment.";
    pub const APPLIED_BY: &str = "appliqué par";
    pub const PROPOSED_BY: &str = "proposé par";
    pub const PENDING_NOTICE: &str =
        "Une proposition de mise à jour attend la décision de la direction.";

    pub const PROPOSE_TITLE: &str = "Proposer une mise à jour";
    pub const NOTE: &str = "Note pour le journal";
    pub const SUBMIT_PROPOSAL: &str = "Envoyer la proposition";
    pub const PROPOSAL_SENT: &str = "Votre proposition est envoyée : la direction va l’examiner.";
    pub const NOTHING_CHANGED: &str = "Modifiez au moins un champ avant d’envoyer.";
    pub const FIX_FIELDS: &str = "Corrigez les champs signalés.";

    pub const APPROVALS: &str = "Approbations";
    pub const APPROVALS_TITLE: &str = "Propositions à approuver";
    pub const NO_PENDING: &str = "Aucune proposition en attente.";
    pub const PROPOSED_ON: &str = "proposé le";
    pub const BEFORE: &str = "Avant";
    pub const PROPOSED: &str = "Proposé";
    pub const NOW: &str = "Actuellement";
    pub const APPROVE: &str = "Approuver";
    pub const REJECT: &str = "Refuser";
    pub const REASON: &str = "Motif du refus";
    pub const CONFIRM_REJECT: &str = "Confirmer le refus";
    pub const APPROVE_ANYWAY: &str = "Approuver quand même";
    pub const CONFLICT: &str = "L’action a changé depuis cette proposition. Comparez les valeurs, puis approuvez quand même ou refusez.";
    pub const APPROVED: &str = "Proposition approuvée.";
    pub const REJECTED: &str = "Proposition refusée.";
    pub const NONE: &str = "—";
    /// The French message of an API field error code; `None` keeps the server's text.
    pub fn field_error(code: &str) -> Option<&'static str> {
        Some(match code {
            "required" => "Ce champ est obligatoire.",
            "out_of_range" => "Cette valeur est hors des limites permises.",
            "invalid_date" => "Une date au format jj/mm/aaaa.",
            "invalid_type" | "invalid_value" => "Cette valeur n’est pas valable.",
            "unknown_value" => "Cette valeur n’est pas proposée.",
            "before_start" => "Cette date précède la date de début.",
            "too_long" => "Ce texte est trop long.",
            _ => return None,
        })
    }

    pub const MANAGERS_ONLY: &str =
        "Cette page est réservée à la présidence et à la direction générale.";
}
