//! The fixed texts of the documents the server writes — the evaluation report (HTML and
//! DOCX), the exports (CSV and XLSX) and the public transparency page — in each
//! [`Language`]. One `const` per language of one struct: a text missing in one language
//! does not compile. What users typed is never translated; dates stay dd/mm/yyyy in every
//! language; numbers take a decimal comma in French and Dutch, a point in English.

use api_types::{ActionHealth, ActionKind, ActionStatus, Language, PlanStatus, Volet};

/// Every fixed text of the documents, in one language.
pub struct DocumentTexts {
    /// The `lang` of the HTML pages.
    pub html_lang: &'static str,
    /// Between the integer and the fractional part of a number.
    pub decimal_separator: char,
    /// After a percentage ("40 %" in French, "40%" in English).
    pub percent_sign: &'static str,
    /// Between a label and its value ("Porteur : CPAS", "Lead: CPAS").
    pub colon: &'static str,
    /// An empty value.
    pub none: &'static str,
    /// An amount in euros, the number already written.
    pub euros: fn(&str) -> String,
    /// An action's status.
    pub status: fn(ActionStatus) -> &'static str,
    /// The part of the plan an objective belongs to.
    pub volet: fn(Volet) -> &'static str,
    /// Whether an action is a mission or a project.
    pub kind: fn(ActionKind) -> &'static str,
    /// How an action is going, apart from its status.
    pub health: fn(ActionHealth) -> &'static str,
    /// "santé", before an action's health.
    pub health_word: &'static str,
    /// "late", after a status.
    pub late: &'static str,
    /// Above a sub-action's title: the action (its code) it is a step of.
    pub sub_action_of: fn(&str) -> String,

    // The evaluation report.
    /// "Rapport d’évaluation": the page's title before the plan's.
    pub report: &'static str,
    /// The report's heading, of the plan titled so.
    pub report_of: fn(&str) -> String,
    /// The first part of the DOCX file name.
    pub report_file: &'static str,
    /// The period of the report, its dates written.
    pub period: fn(&str, &str) -> String,
    /// The plan's status, with its adoption date when adopted.
    pub plan_state: fn(PlanStatus, Option<&str>) -> String,
    /// "Synthèse": a heading, and the name of the workbook's second sheet.
    pub summary: &'static str,
    /// The summary sentence: actions, mean progress (written), done, late.
    pub summary_sentence: fn(usize, &str, usize, usize) -> String,
    pub column_action: &'static str,
    pub column_status: &'static str,
    pub column_progress: &'static str,
    pub column_deadline: &'static str,
    /// The indicators' column of the report's tables (HTML).
    pub column_indicators_measured: &'static str,
    /// The indicators' column of the DOCX tables.
    pub column_indicators: &'static str,
    pub late_actions: &'static str,
    /// "None." under an empty heading.
    pub nothing: &'static str,
    /// A late action's deadline, written.
    pub due: fn(&str) -> String,
    pub decisions: &'static str,
    pub no_decisions: &'static str,
    pub column_date: &'static str,
    pub column_proposed_by: &'static str,
    pub column_approved_by: &'static str,
    pub column_note: &'static str,
    /// One decision in the DOCX: date, action code, author, who approved.
    pub decision_line: fn(&str, &str, &str, &str) -> String,
    /// The heading of the DG's opinions when the plan names none.
    pub opinion_title: &'static str,

    // The public page.
    /// Where a plan without years names its kind.
    pub plan_kind: &'static str,
    /// The council's adoption date, written.
    pub adopted_by_council: fn(&str) -> String,
    /// "avancement moyen", before a percentage.
    pub mean_progress: &'static str,
    /// The date of the data, written.
    pub updated_on: fn(&str) -> String,
    pub column_lead: &'static str,
    pub open_data: &'static str,
    pub json_link: &'static str,

    // The exports: these headers are also the import format, read in every language.
    /// An action's progress set by hand, in the exports (its headers are in
    /// [`crate::interchange::columns::COLUMNS`]); the import reads both in every language.
    pub yes: &'static str,
    pub no: &'static str,
    /// The workbook's columns after the interchange ones.
    pub extra_columns: [&'static str; 3],
    /// The columns of the workbook's summary sheet.
    pub summary_columns: [&'static str; 8],
    /// One budget line: year, planned, engaged and spent amounts (written).
    pub budget_line: fn(i32, &str, &str, &str) -> String,

    // The budget by year, in the council report and the workbook's sheet of that name.
    pub budget_title: &'static str,
    /// Excel's number format of an amount in euros (Excel puts the reader's separators).
    pub euro_format: &'static str,
    /// Code, title, year, planned, engaged, spent, eComptes.
    pub budget_columns: [&'static str; 7],
    /// The year column of a total's row.
    pub all_years: &'static str,
    /// The title of the whole plan's rows.
    pub whole_plan: &'static str,
    pub no_budget: &'static str,

    // The reconciliation's CSV.
    /// Code, title, year, direction, planned, eComptes, difference, spent, and whether they
    /// differ.
    pub reconciliation_header: [&'static str; 9],
    /// An amount's direction in the reconciliation: expense, revenue.
    pub directions: [&'static str; 2],
    /// In the last column, when eComptes and the plan differ.
    pub differs: &'static str,
}

impl DocumentTexts {
    /// The texts of `language`.
    pub const fn of(language: Language) -> &'static DocumentTexts {
        match language {
            Language::Fr => &FR,
            Language::Nl => &NL,
            Language::En => &EN,
        }
    }

    /// A number as written in this language (`12,5` or `12.5`).
    pub fn number(&self, value: impl std::fmt::Display) -> String {
        let text = value.to_string();
        if self.decimal_separator == '.' {
            text
        } else {
            text.replace('.', &self.decimal_separator.to_string())
        }
    }

    /// A percentage (`40 %` or `40%`).
    pub fn percent(&self, value: impl std::fmt::Display) -> String {
        format!("{}{}", self.number(value), self.percent_sign)
    }

    /// An amount of cents in euros, with two decimals.
    pub fn money(&self, cents: i64) -> String {
        (self.euros)(&self.number(format!("{:.2}", cents as f64 / 100.0)))
    }
}

pub const FR: DocumentTexts = DocumentTexts {
    html_lang: "fr",
    decimal_separator: ',',
    percent_sign: " %",
    colon: " : ",
    none: "—",
    euros: |amount| format!("{amount} €"),
    status: |status| match status {
        ActionStatus::NonCommence => "non commencé",
        ActionStatus::EnCours => "en cours",
        ActionStatus::EnAttente => "en attente",
        ActionStatus::Probleme => "problème",
        ActionStatus::Termine => "terminé",
        ActionStatus::AnnuleAbandonne => "annulé/abandonné",
    },
    volet: |volet| match volet {
        Volet::Externe => "externe",
        Volet::Interne => "interne",
    },
    kind: |kind| match kind {
        ActionKind::Mission => "mission",
        ActionKind::Projet => "projet",
    },
    health: |health| match health {
        ActionHealth::Good => "bon",
        ActionHealth::AtRisk => "à surveiller",
        ActionHealth::Struggling => "en difficulté",
        ActionHealth::Paused => "en pause",
    },
    health_word: "santé",
    late: "en retard",
    sub_action_of: |code| format!("Sous-action de {code}"),
    report: "Rapport d’évaluation",
    report_of: |title| format!("Rapport d’évaluation du {title}"),
    report_file: "rapport",
    period: |since, until| format!("période du {since} au {until}"),
    plan_state: |status, adopted| {
        let status = match status {
            PlanStatus::Draft => "en projet",
            PlanStatus::Adopted => "adopté",
            PlanStatus::Closed => "clôturé",
        };
        match adopted {
            Some(date) => format!("plan {status} le {date}"),
            None => format!("plan {status}"),
        }
    },
    summary: "Synthèse",
    summary_sentence: |actions, mean, done, late| {
        format!("{actions} actions, avancement moyen {mean}, {done} terminées, {late} en retard.")
    },
    column_action: "Action",
    column_status: "Statut",
    column_progress: "Avancement",
    column_deadline: "Échéance",
    column_indicators_measured: "Indicateurs (réalisé / cible)",
    column_indicators: "Indicateurs",
    late_actions: "Actions en retard",
    nothing: "Aucune.",
    due: |date| format!("échéance {date}"),
    decisions: "Décisions de la période",
    no_decisions: "Aucune proposition approuvée sur la période.",
    column_date: "Date",
    column_proposed_by: "Proposé par",
    column_approved_by: "Approuvé par",
    column_note: "Note",
    decision_line: |date, action, author, approver| {
        format!("{date} — {action} : proposé par {author}, approuvé par {approver}")
    },
    opinion_title: "Avis du Directeur général",
    plan_kind: "Plan stratégique transversal",
    adopted_by_council: |date| format!("adopté par le Conseil le {date}"),
    mean_progress: "avancement moyen",
    updated_on: |date| format!("mis à jour le {date}"),
    column_lead: "Porteur",
    open_data: "Données ouvertes",
    json_link: "ce plan au format JSON",
    yes: "oui",
    no: "non",
    extra_columns: ["Indicateurs", "Budget", "Dernière note"],
    summary_columns: [
        "Code",
        "Intitulé",
        "Actions",
        "Avancement moyen",
        "Terminées",
        "En cours",
        "Non commencées",
        "En retard",
    ],
    budget_line: |year, planned, engaged, spent| {
        format!("{year} : {planned} prévus, {engaged} engagés, {spent} dépensés")
    },
    budget_title: "Budget par exercice",
    euro_format: "#,##0.00 \"€\"",
    budget_columns: [
        "Code",
        "Intitulé",
        "Exercice",
        "Prévu",
        "Engagé",
        "Dépensé",
        "eComptes",
    ],
    all_years: "Tous exercices",
    whole_plan: "Plan entier",
    no_budget: "Aucune dépense : ni ligne budgétaire ni article eComptes de dépense.",
    reconciliation_header: [
        "code",
        "intitulé",
        "exercice",
        "type",
        "prévu (€)",
        "eComptes (€)",
        "écart (€)",
        "dépensé (€)",
        "écart ?",
    ],
    differs: "écart",
    directions: ["dépense", "recette"],
};

pub const NL: DocumentTexts = DocumentTexts {
    html_lang: "nl",
    decimal_separator: ',',
    percent_sign: " %",
    colon: ": ",
    none: "—",
    euros: |amount| format!("€ {amount}"),
    status: |status| match status {
        ActionStatus::NonCommence => "niet begonnen",
        ActionStatus::EnCours => "lopend",
        ActionStatus::EnAttente => "in afwachting",
        ActionStatus::Probleme => "probleem",
        ActionStatus::Termine => "afgerond",
        ActionStatus::AnnuleAbandonne => "geannuleerd/stopgezet",
    },
    volet: |volet| match volet {
        Volet::Externe => "extern",
        Volet::Interne => "intern",
    },
    kind: |kind| match kind {
        ActionKind::Mission => "opdracht",
        ActionKind::Projet => "project",
    },
    health: |health| match health {
        ActionHealth::Good => "goed",
        ActionHealth::AtRisk => "op te volgen",
        ActionHealth::Struggling => "in moeilijkheden",
        ActionHealth::Paused => "gepauzeerd",
    },
    health_word: "gezondheid",
    late: "te laat",
    sub_action_of: |code| format!("Subactie van {code}"),
    report: "Evaluatieverslag",
    report_of: |title| format!("Evaluatieverslag: {title}"),
    report_file: "verslag",
    period: |since, until| format!("periode van {since} tot {until}"),
    plan_state: |status, adopted| {
        let status = match status {
            PlanStatus::Draft => "in ontwerp",
            PlanStatus::Adopted => "goedgekeurd",
            PlanStatus::Closed => "afgesloten",
        };
        match adopted {
            Some(date) => format!("plan {status} op {date}"),
            None => format!("plan {status}"),
        }
    },
    summary: "Samenvatting",
    summary_sentence: |actions, mean, done, late| {
        format!("{actions} acties, gemiddelde voortgang {mean}, {done} afgerond, {late} te laat.")
    },
    column_action: "Actie",
    column_status: "Status",
    column_progress: "Voortgang",
    column_deadline: "Einddatum",
    column_indicators_measured: "Indicatoren (gerealiseerd / doel)",
    column_indicators: "Indicatoren",
    late_actions: "Acties die te laat zijn",
    nothing: "Geen.",
    due: |date| format!("einddatum {date}"),
    decisions: "Beslissingen van de periode",
    no_decisions: "Geen voorstel goedgekeurd in deze periode.",
    column_date: "Datum",
    column_proposed_by: "Voorgesteld door",
    column_approved_by: "Goedgekeurd door",
    column_note: "Notitie",
    decision_line: |date, action, author, approver| {
        format!("{date} — {action}: voorgesteld door {author}, goedgekeurd door {approver}")
    },
    opinion_title: "Advies van de algemene directie",
    plan_kind: "Transversaal strategisch plan",
    adopted_by_council: |date| format!("goedgekeurd door de Raad op {date}"),
    mean_progress: "gemiddelde voortgang",
    updated_on: |date| format!("bijgewerkt op {date}"),
    column_lead: "Trekker",
    open_data: "Open data",
    json_link: "dit plan in JSON-formaat",
    yes: "ja",
    no: "nee",
    extra_columns: ["Indicatoren", "Budget", "Laatste notitie"],
    summary_columns: [
        "Code",
        "Titel",
        "Acties",
        "Gemiddelde voortgang",
        "Afgerond",
        "Lopend",
        "Niet begonnen",
        "Te laat",
    ],
    budget_line: |year, planned, engaged, spent| {
        format!("{year}: {planned} gepland, {engaged} vastgelegd, {spent} uitgegeven")
    },
    budget_title: "Begroting per dienstjaar",
    euro_format: "\"€\" #,##0.00",
    budget_columns: [
        "Code",
        "Titel",
        "Dienstjaar",
        "Gepland",
        "Vastgelegd",
        "Uitgegeven",
        "eComptes",
    ],
    all_years: "Alle dienstjaren",
    whole_plan: "Volledig plan",
    no_budget: "Geen uitgaven: geen begrotingslijnen of eComptes-artikelen voor uitgaven.",
    reconciliation_header: [
        "code",
        "titel",
        "begrotingsjaar",
        "soort",
        "gepland (€)",
        "eComptes (€)",
        "verschil (€)",
        "uitgegeven (€)",
        "verschil?",
    ],
    differs: "verschil",
    directions: ["uitgave", "ontvangst"],
};

pub const EN: DocumentTexts = DocumentTexts {
    html_lang: "en",
    decimal_separator: '.',
    percent_sign: "%",
    colon: ": ",
    none: "—",
    euros: |amount| format!("€{amount}"),
    status: |status| match status {
        ActionStatus::NonCommence => "not started",
        ActionStatus::EnCours => "in progress",
        ActionStatus::EnAttente => "on hold",
        ActionStatus::Probleme => "problem",
        ActionStatus::Termine => "done",
        ActionStatus::AnnuleAbandonne => "cancelled/abandoned",
    },
    volet: |volet| match volet {
        Volet::Externe => "external",
        Volet::Interne => "internal",
    },
    kind: |kind| match kind {
        ActionKind::Mission => "mission",
        ActionKind::Projet => "project",
    },
    health: |health| match health {
        ActionHealth::Good => "good",
        ActionHealth::AtRisk => "at risk",
        ActionHealth::Struggling => "struggling",
        ActionHealth::Paused => "paused",
    },
    health_word: "health",
    late: "late",
    sub_action_of: |code| format!("Sub-action of {code}"),
    report: "Evaluation report",
    report_of: |title| format!("Evaluation report: {title}"),
    report_file: "report",
    period: |since, until| format!("period from {since} to {until}"),
    plan_state: |status, adopted| {
        let status = match status {
            PlanStatus::Draft => "draft",
            PlanStatus::Adopted => "adopted",
            PlanStatus::Closed => "closed",
        };
        match adopted {
            Some(date) => format!("plan {status} on {date}"),
            None => format!("plan {status}"),
        }
    },
    summary: "Summary",
    summary_sentence: |actions, mean, done, late| {
        format!("Actions: {actions}, mean progress {mean}, done: {done}, late: {late}.")
    },
    column_action: "Action",
    column_status: "Status",
    column_progress: "Progress",
    column_deadline: "Deadline",
    column_indicators_measured: "Indicators (achieved / target)",
    column_indicators: "Indicators",
    late_actions: "Late actions",
    nothing: "None.",
    due: |date| format!("deadline {date}"),
    decisions: "Decisions of the period",
    no_decisions: "No proposal approved during the period.",
    column_date: "Date",
    column_proposed_by: "Proposed by",
    column_approved_by: "Approved by",
    column_note: "Note",
    decision_line: |date, action, author, approver| {
        format!("{date} — {action}: proposed by {author}, approved by {approver}")
    },
    opinion_title: "Opinion of the general management",
    plan_kind: "Transversal strategic plan",
    adopted_by_council: |date| format!("adopted by the Council on {date}"),
    mean_progress: "mean progress",
    updated_on: |date| format!("updated on {date}"),
    column_lead: "Lead",
    open_data: "Open data",
    json_link: "this plan as JSON",
    yes: "yes",
    no: "no",
    extra_columns: ["Indicators", "Budget", "Latest note"],
    summary_columns: [
        "Code",
        "Title",
        "Actions",
        "Mean progress",
        "Done",
        "In progress",
        "Not started",
        "Late",
    ],
    budget_line: |year, planned, engaged, spent| {
        format!("{year}: {planned} planned, {engaged} committed, {spent} spent")
    },
    budget_title: "Budget by year",
    euro_format: "\"€\"#,##0.00",
    budget_columns: [
        "Code",
        "Title",
        "Year",
        "Planned",
        "Committed",
        "Spent",
        "eComptes",
    ],
    all_years: "All years",
    whole_plan: "Whole plan",
    no_budget: "No expenses: no budget lines or eComptes articles for expenses.",
    reconciliation_header: [
        "code",
        "title",
        "budget year",
        "type",
        "planned (€)",
        "eComptes (€)",
        "difference (€)",
        "spent (€)",
        "differs?",
    ],
    differs: "differs",
    directions: ["expense", "revenue"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_a_comma_in_french_and_dutch_and_a_point_in_english() {
        assert_eq!(FR.number(12.5), "12,5");
        assert_eq!(NL.number(12.5), "12,5");
        assert_eq!(EN.number(12.5), "12.5");
        assert_eq!(FR.percent(40), "40 %");
        assert_eq!(EN.percent(40), "40%");
        assert_eq!(FR.money(1_200_050), "12000,50 €");
        assert_eq!(EN.money(450_000), "€4500.00");
    }

    #[test]
    fn each_language_names_each_status_once() {
        for language in Language::ALL {
            let texts = DocumentTexts::of(*language);
            let mut names: Vec<&str> = ActionStatus::ALL
                .iter()
                .map(|s| (texts.status)(*s))
                .collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), ActionStatus::ALL.len(), "{language}");
        }
    }
}
