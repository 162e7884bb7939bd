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
}
