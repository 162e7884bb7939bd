//! The interchange columns, one row each: the key the reader knows a column by (its
//! French name in a CSV header), its header in every language, whether a file must have
//! it, its width in the workbook, the cell the export writes for a row of the plan, and
//! how the import reads the cell of an action's or a sub-action's row. A new column is one
//! more row of [`COLUMNS`] (and the field of [`DraftAction`] it fills).

use api_types::{
    Action, ActionHealth, ActionKind, ActionStatus, Language, ProblemCode, Volet, fold,
};
use chrono::NaiveDate;

use super::{DraftAction, named, parse_status};
use crate::domain::Label;
use crate::texts::DocumentTexts;

/// What a row of a file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Strategic,
    Operational,
    Action,
    SubAction,
}

impl Level {
    /// As a file writes it, in every language.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Strategic => "OS",
            Self::Operational => "OO",
            Self::Action => "action",
            Self::SubAction => "sous-action",
        }
    }

    /// The level a file names: `OS`, `OO`, `action`, `sous-action` (or `sub-action`,
    /// `subactie`, `deelactie`), without regard to case, accents, spaces or dashes.
    pub fn parse(text: &str) -> Option<Self> {
        let folded: String = fold(text.trim())
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect();
        match folded.as_str() {
            "os" => Some(Self::Strategic),
            "oo" => Some(Self::Operational),
            "action" | "actie" => Some(Self::Action),
            "sousaction" | "subaction" | "subactie" | "deelactie" => Some(Self::SubAction),
            _ => None,
        }
    }

    /// The level of the row a row of this level names as its parent.
    pub const fn parent(self) -> Option<Self> {
        match self {
            Self::Strategic => None,
            Self::Operational => Some(Self::Strategic),
            Self::Action => Some(Self::Operational),
            Self::SubAction => Some(Self::Action),
        }
    }

    /// "un OS", "une action"…, as the import's messages name a parent.
    pub const fn named(self) -> &'static str {
        match self {
            Self::Strategic => "un OS",
            Self::Operational => "un OO",
            Self::Action => "une action",
            Self::SubAction => "une sous-action",
        }
    }
}

/// A row of the plan as the export writes it.
pub struct Line<'a> {
    pub level: Level,
    pub code: &'a str,
    /// The code of the objective or action it sits under (empty for an OS).
    pub parent: &'a str,
    pub title: &'a str,
    /// An objective's volet; an action's or a sub-action's is its objective's.
    pub volet: Volet,
    /// The action or sub-action of the row; `None` for an objective.
    pub action: Option<&'a Action>,
    /// What objectives, actions and sub-actions all have: the mandataire, their function,
    /// the responsible's name, and the dates (an objective's own, not those it derives).
    pub political_lead: Option<&'a str>,
    pub political_function: Option<&'a str>,
    pub responsible: Option<&'a str>,
    pub dates: (Option<NaiveDate>, Option<NaiveDate>),
    /// The sectoral plans it is tagged with, by name.
    pub sectoral_plans: Vec<&'a str>,
}

/// A cell as the export writes it: the CSV writes its text, the workbook formats it by
/// kind.
pub enum Cell {
    Text(String),
    /// Coloured in the workbook.
    Status(ActionStatus),
    /// A percentage, a number in the workbook.
    Percent(i16),
    /// A date cell in the workbook.
    Date(NaiveDate),
    Number(i16),
    Empty,
}

impl Cell {
    /// The cell's text in a CSV file.
    pub fn text(&self, t: &DocumentTexts) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Status(status) => (t.status)(*status).to_owned(),
            Self::Percent(value) | Self::Number(value) => value.to_string(),
            Self::Date(date) => date.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// What is wrong with a cell: its code and a French sentence.
pub type Problem = (ProblemCode, String);

/// Reads a cell into the action of its row.
pub type Read = fn(&str, &mut DraftAction) -> Result<(), Problem>;

/// One column of the interchange format.
pub struct Column {
    /// The key the reader knows the column by: its French header in a CSV file (lower case,
    /// no accents, `_` for spaces; [`super::column_name`] of `fr`).
    pub key: &'static str,
    /// The header, as the workbook writes it, in French, Dutch and English.
    pub fr: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
    /// A file must have it.
    pub required: bool,
    /// Its width in the workbook.
    pub width: f64,
    /// An objective's row is read in this column too (else only an action's or a
    /// sub-action's).
    pub objectives: bool,
    /// Its cell in the row of an objective, an action or a sub-action.
    pub write: fn(&Line<'_>, &DocumentTexts) -> Cell,
    /// Reads the (trimmed) cell of an action's or a sub-action's row into the draft; `None`
    /// for the columns the import reads as the plan's structure (level, code, parent,
    /// title, volet).
    pub read: Option<Read>,
}

impl Column {
    /// The header in `language`.
    pub const fn header(&self, language: Language) -> &'static str {
        match language {
            Language::Fr => self.fr,
            Language::Nl => self.nl,
            Language::En => self.en,
        }
    }
}

/// The cell of an action's or sub-action's row, empty on an objective's.
fn of_action(line: &Line<'_>, cell: impl FnOnce(&Action) -> Cell) -> Cell {
    line.action.map_or(Cell::Empty, cell)
}

fn text(value: Option<&String>) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Text(v.clone()))
}

/// A name on one line of at most `LEAD_MAX_CHARS` characters, or nothing.
fn name_line(text: &str, what: &str) -> Result<Option<String>, Problem> {
    optional_line(text, api_types::LEAD_MAX_CHARS, what)
}

/// A line of at most `max` characters, as the API takes it ([`Label`]), or nothing; `what`
/// starts the message.
fn optional_line(text: &str, max: usize, what: &str) -> Result<Option<String>, Problem> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Label::parse(text, "", max)
        .map(|line| Some(line.as_str().to_owned()))
        .map_err(|_| {
            (
                ProblemCode::InvalidValue,
                format!("{what} tient sur une ligne de {max} caractères au plus."),
            )
        })
}

/// A name of an organisation, as the import takes it.
fn organisation(name: &str) -> Result<String, Problem> {
    if name.chars().count() > 200 {
        return Err((
            ProblemCode::TooLong,
            "Un nom d’organisation fait au plus 200 caractères.".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

/// A sectoral plan's name, as the API takes it (one line, at most 200 characters).
fn sectoral_plan(name: &str) -> Result<String, Problem> {
    Label::parse(name, "", 200)
        .map(|label| label.as_str().to_owned())
        .map_err(|_| {
            (
                ProblemCode::InvalidText,
                "Un plan sectoriel se nomme sur une ligne d’au plus 200 caractères.".to_owned(),
            )
        })
}

fn optional(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|t| !t.is_empty())
}

fn date(text: &str) -> Result<Option<NaiveDate>, Problem> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            (
                ProblemCode::InvalidDate,
                format!("« {text} » : une date jj/mm/aaaa ou aaaa-mm-jj."),
            )
        })
}

/// "oui", "ja", "yes"… or "non", "nee", "no"… (empty: no), in any language.
fn yes_or_no(text: &str) -> Result<bool, Problem> {
    let folded = fold(text);
    if folded.is_empty() || ["0", "false", "faux"].contains(&folded.as_str()) {
        return Ok(false);
    }
    if ["1", "true", "vrai", "x"].contains(&folded.as_str()) {
        return Ok(true);
    }
    for language in Language::ALL {
        let t = DocumentTexts::of(*language);
        if folded == fold(t.yes) {
            return Ok(true);
        }
        if folded == fold(t.no) {
            return Ok(false);
        }
    }
    Err((
        ProblemCode::InvalidValue,
        format!("« {text} » : attendu oui ou non."),
    ))
}

/// The interchange columns, in the order the exports write them.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "niveau",
        fr: "Niveau",
        nl: "Niveau",
        en: "Level",
        required: true,
        width: 11.0,
        objectives: false,
        write: |line, _| Cell::Text(line.level.as_str().to_owned()),
        read: None,
    },
    Column {
        key: "code",
        fr: "Code",
        nl: "Code",
        en: "Code",
        required: true,
        width: 9.0,
        objectives: false,
        write: |line, _| Cell::Text(line.code.to_owned()),
        read: None,
    },
    Column {
        key: "parent",
        fr: "Parent",
        nl: "Bovenliggend",
        en: "Parent",
        required: true,
        width: 8.0,
        objectives: false,
        write: |line, _| Cell::Text(line.parent.to_owned()),
        read: None,
    },
    Column {
        key: "intitule",
        fr: "Intitulé",
        nl: "Titel",
        en: "Title",
        required: true,
        width: 60.0,
        objectives: false,
        write: |line, _| Cell::Text(line.title.to_owned()),
        read: None,
    },
    Column {
        key: "type",
        fr: "Type",
        nl: "Type",
        en: "Type",
        required: true,
        width: 9.0,
        objectives: false,
        write: |line, t| {
            of_action(line, |a| {
                a.kind
                    .map_or(Cell::Empty, |k| Cell::Text((t.kind)(k).to_owned()))
            })
        },
        read: Some(|text, action| {
            action.kind = match fold(text).as_str() {
                "" => None,
                "mission" | "m" => Some(ActionKind::Mission),
                "projet" | "p" => Some(ActionKind::Projet),
                other => Some(named(other, |t| t.kind, ActionKind::ALL).ok_or_else(|| {
                    (
                        ProblemCode::InvalidType,
                        format!("« {other} » : attendu mission ou projet."),
                    )
                })?),
            };
            Ok(())
        }),
    },
    Column {
        key: "volet",
        fr: "Volet",
        nl: "Luik",
        en: "Part",
        required: true,
        width: 9.0,
        objectives: false,
        write: |line, t| Cell::Text((t.volet)(line.volet).to_owned()),
        read: None,
    },
    Column {
        key: "porteur",
        fr: "Porteur",
        nl: "Trekker",
        en: "Lead",
        required: true,
        width: 22.0,
        objectives: false,
        write: |line, _| of_action(line, |a| text(a.lead.as_ref().map(|o| &o.name))),
        read: Some(|text, action| {
            action.lead = optional(text).map(|n| organisation(&n)).transpose()?;
            Ok(())
        }),
    },
    Column {
        key: "collaborations",
        fr: "Collaborations",
        nl: "Samenwerkingen",
        en: "Collaborations",
        required: true,
        width: 28.0,
        objectives: false,
        write: |line, _| {
            of_action(line, |a| {
                let names: Vec<&str> = a.collaborators.iter().map(|o| o.name.as_str()).collect();
                Cell::Text(names.join("|"))
            })
        },
        read: Some(|text, action| {
            action.collaborators = text
                .split('|')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(organisation)
                .collect::<Result<_, _>>()?;
            Ok(())
        }),
    },
    Column {
        key: "reserve",
        fr: "Réserve",
        nl: "Voorbehoud",
        en: "Reservation",
        required: true,
        width: 30.0,
        objectives: false,
        write: |line, _| of_action(line, |a| text(a.reservation.as_ref())),
        read: Some(|text, action| {
            action.reservation = optional(text);
            Ok(())
        }),
    },
    Column {
        key: "statut",
        fr: "Statut",
        nl: "Status",
        en: "Status",
        required: true,
        width: 16.0,
        objectives: false,
        write: |line, _| of_action(line, |a| Cell::Status(a.status)),
        read: Some(|text, action| {
            action.status = parse_status(text).ok_or_else(|| {
                (
                    ProblemCode::InvalidStatus,
                    format!(
                        "« {text} » : attendu non commencé, en cours, en attente, problème, terminé ou annulé/abandonné."
                    ),
                )
            })?;
            Ok(())
        }),
    },
    Column {
        key: "avancement",
        fr: "Avancement",
        nl: "Voortgang",
        en: "Progress",
        required: true,
        width: 11.0,
        objectives: false,
        write: |line, _| of_action(line, |a| Cell::Percent(a.progress)),
        read: Some(|text, action| {
            let number = text.trim_end_matches('%').trim();
            if number.is_empty() {
                action.progress = 0;
                return Ok(());
            }
            match number.replace(',', ".").parse::<f64>() {
                Ok(value) if (0.0..=100.0).contains(&value) => {
                    #[expect(clippy::cast_possible_truncation, reason = "between 0 and 100")]
                    let rounded = value.round() as i16;
                    action.progress = rounded;
                    Ok(())
                }
                _ => Err((
                    ProblemCode::InvalidProgress,
                    format!("« {text} » : un pourcentage entre 0 et 100."),
                )),
            }
        }),
    },
    Column {
        key: "debut",
        fr: "Début",
        nl: "Begin",
        en: "Start",
        required: true,
        width: 11.0,
        objectives: true,
        write: |line, _| line.dates.0.map_or(Cell::Empty, Cell::Date),
        read: Some(|text, action| {
            action.planned_start = date(text)?;
            Ok(())
        }),
    },
    Column {
        key: "echeance",
        fr: "Échéance",
        nl: "Einddatum",
        en: "Deadline",
        required: true,
        width: 11.0,
        objectives: true,
        write: |line, _| line.dates.1.map_or(Cell::Empty, Cell::Date),
        read: Some(|text, action| {
            action.planned_end = date(text)?;
            Ok(())
        }),
    },
    Column {
        key: "description",
        fr: "Description",
        nl: "Beschrijving",
        en: "Description",
        required: false,
        width: 40.0,
        objectives: false,
        write: |line, _| of_action(line, |a| text(a.description.as_ref())),
        read: Some(|text, action| {
            action.description = optional(text);
            Ok(())
        }),
    },
    Column {
        key: "poids",
        fr: "Poids",
        nl: "Gewicht",
        en: "Weight",
        required: false,
        width: 8.0,
        objectives: false,
        // A sub-action's share in its action's progress; an action has none.
        write: |line, _| match (line.level, line.action) {
            (Level::SubAction, Some(a)) => Cell::Number(a.weight),
            _ => Cell::Empty,
        },
        read: Some(|text, action| {
            if text.is_empty() {
                action.weight = 1;
                return Ok(());
            }
            match text.parse::<i16>() {
                Ok(weight) if (1..=100).contains(&weight) => {
                    action.weight = weight;
                    Ok(())
                }
                _ => Err((
                    ProblemCode::OutOfRange,
                    format!("« {text} » : un poids entier de 1 à 100 (1 si vide)."),
                )),
            }
        }),
    },
    Column {
        key: "avancement_manuel",
        fr: "Avancement manuel",
        nl: "Handmatige voortgang",
        en: "Progress by hand",
        required: false,
        width: 11.0,
        objectives: false,
        // Whether the DG set an action's progress by hand rather than from its steps.
        write: |line, t| match (line.level, line.action) {
            (Level::Action, Some(a)) => {
                Cell::Text(if a.progress_by_hand { t.yes } else { t.no }.to_owned())
            }
            _ => Cell::Empty,
        },
        read: Some(|text, action| {
            action.progress_by_hand = yes_or_no(text)?;
            Ok(())
        }),
    },
    Column {
        key: "mandataire",
        fr: "Mandataire",
        nl: "Mandataris",
        en: "Political lead",
        required: false,
        width: 22.0,
        objectives: true,
        write: |line, _| {
            line.political_lead
                .map_or(Cell::Empty, |n| Cell::Text(n.to_owned()))
        },
        read: Some(|text, row| {
            row.own.political_lead = name_line(text, "Le nom du mandataire")?;
            Ok(())
        }),
    },
    Column {
        key: "fonction_du_mandataire",
        fr: "Fonction du mandataire",
        nl: "Functie mandataris",
        en: "Political function",
        required: false,
        width: 22.0,
        objectives: true,
        write: |line, _| {
            line.political_function
                .map_or(Cell::Empty, |n| Cell::Text(n.to_owned()))
        },
        read: Some(|text, row| {
            row.own.political_function = name_line(text, "La fonction du mandataire")?;
            Ok(())
        }),
    },
    Column {
        key: "responsable",
        fr: "Responsable",
        nl: "Verantwoordelijke",
        en: "Responsible",
        required: false,
        width: 22.0,
        objectives: true,
        // A person of the CPAS by name (or e-mail): the import finds them among its people.
        write: |line, _| {
            line.responsible
                .map_or(Cell::Empty, |n| Cell::Text(n.to_owned()))
        },
        read: Some(|text, row| {
            // The row is set by the reader, which knows it.
            row.own.responsible = name_line(text, "Le responsable")?.map(|name| (0, name));
            Ok(())
        }),
    },
    Column {
        key: "sante",
        fr: "Santé",
        nl: "Gezondheid",
        en: "Health",
        required: false,
        width: 14.0,
        objectives: false,
        write: |line, t| {
            of_action(line, |a| {
                a.health
                    .map_or(Cell::Empty, |h| Cell::Text((t.health)(h).to_owned()))
            })
        },
        read: Some(|text, action| {
            let folded = fold(text);
            action.health = match folded.as_str() {
                "" => None,
                other => Some(
                    other
                        .replace([' ', '-'], "_")
                        .parse::<ActionHealth>()
                        .ok()
                        .or_else(|| named(other, |t| t.health, ActionHealth::ALL))
                        .ok_or_else(|| {
                            (
                                ProblemCode::UnknownValue,
                                format!(
                                    "« {text} » : attendu bon, à surveiller, en difficulté ou en pause (ou vide)."
                                ),
                            )
                        })?,
                ),
            };
            Ok(())
        }),
    },
    Column {
        key: "commentaire_sante",
        fr: "Commentaire santé",
        nl: "Toelichting gezondheid",
        en: "Health comment",
        required: false,
        width: 30.0,
        objectives: false,
        write: |line, _| of_action(line, |a| text(a.health_comment.as_ref())),
        read: Some(|text, action| {
            action.health_comment = optional_line(
                text,
                api_types::HEALTH_COMMENT_MAX_CHARS,
                "Un commentaire de santé",
            )?;
            Ok(())
        }),
    },
    Column {
        key: "plans_sectoriels",
        fr: "Plans sectoriels",
        nl: "Sectorale plannen",
        en: "Sectoral plans",
        required: false,
        width: 28.0,
        objectives: true,
        write: |line, _| {
            if line.sectoral_plans.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(line.sectoral_plans.join("|"))
            }
        },
        read: Some(|text, row| {
            row.own.sectoral_plans = text
                .split('|')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(sectoral_plan)
                .collect::<Result<_, _>>()?;
            Ok(())
        }),
    },
];

/// The keys of the columns a file must have.
pub fn required() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().filter(|c| c.required).map(|c| c.key)
}

/// The column a header names, in any language.
pub fn of_header(header: &str) -> Option<&'static Column> {
    let name = super::column_name(header);
    COLUMNS.iter().find(|column| {
        column.key == name
            || Language::ALL
                .iter()
                .any(|language| super::column_name(column.header(*language)) == name)
    })
}
