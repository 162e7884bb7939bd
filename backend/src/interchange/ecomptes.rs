//! The PST as the Walloon Region's eComptes application receives it: the XML of format
//! `201805V1` (`PST_eComptes_Export_201805V1.xsd`, kept in `../shared/ecomptes/` for the
//! tests). The tree goes as `Volet` → `ObjectifStrategique` → `ObjectifOperationnel` →
//! `Action`; every element carries our id as `ElementId`, the key eComptes sends budget
//! data back with.
//!
//! Each element's `Plans` are the sectoral plans it is tagged with, by name. What the
//! format has no place for stays out: sub-actions (an `Action` holds nothing; their budget
//! lines of the year and their projections go with their action's). An element's
//! `Responsable` is its responsible account, and its `Mandataire` its mandataire's account
//! (the free line `political_lead` has no civility nor given name apart), each once that
//! person has given their civility and names (`PUT /api/v1/me/identity`).

use std::collections::HashMap;
use std::io;

use api_types::{
    Action, ActionStatus, AdministrationType, BudgetDirection, BudgetLine, BudgetProjection,
    BudgetService, Civility, PersonIdentity, PlanTree, Rollup, UserRef, Volet,
};
use chrono::NaiveDate;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use uuid::Uuid;

/// The format's version, as `Identifiants/Version` names it.
const FORMAT_VERSION: &str = "201805V1";

/// The longest `Libelle` the format accepts, in characters.
pub const TITLE_MAX_CHARS: usize = 255;

/// Who the file is from, for `Identifiants`.
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    pub administration_type: AdministrationType,
    /// The NIS code of the municipality (`INS`).
    pub nis_code: i32,
}

/// The budget of the actions and sub-actions, by id: their lines (those of the file's
/// year are its `Article`s) and their multi-year projections (all of them, `Projection`s).
#[derive(Debug, Clone, Default)]
pub struct Budget {
    pub lines: HashMap<Uuid, Vec<BudgetLine>>,
    pub projections: HashMap<Uuid, Vec<BudgetProjection>>,
}

/// A person as the file names them (`PersonneInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    civility: Civility,
    family_name: String,
    given_name: String,
    phone: String,
    email: String,
}

impl Person {
    /// The person, when their identity gives what the format asks for: a civility, a
    /// family name and a given name.
    pub fn of(identity: &PersonIdentity, email: &str) -> Option<Self> {
        Some(Self {
            civility: identity.civility?,
            family_name: identity.family_name.clone()?,
            given_name: identity.given_name.clone()?,
            phone: identity.phone.clone().unwrap_or_default(),
            email: email.to_owned(),
        })
    }
}

/// The file for `exercice`, the budget year it is sent for. `people` are the responsibles
/// and mandataires the file can name, by account id.
pub fn write(
    tree: &PlanTree,
    sender: Sender,
    exercice: i32,
    budget: &Budget,
    people: &HashMap<Uuid, Person>,
) -> io::Result<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let file = File {
        tree,
        exercice,
        budget,
        people,
    };
    writer.create_element("dataroot").write_inner_content(|w| {
        w.create_element("Identifiants").write_inner_content(|w| {
            text(w, "Id", &tree.id.to_string())?;
            text(
                w,
                "TypeAdmin",
                match sender.administration_type {
                    AdministrationType::Cpas => "CPAS",
                    AdministrationType::Commune => "AC",
                },
            )?;
            text(w, "INS", &sender.nis_code.to_string())?;
            text(w, "Type", "PST")?;
            text(w, "Exercice", &exercice.to_string())?;
            text(w, "Version", FORMAT_VERSION)?;
            text(
                w,
                "Generateur",
                concat!("PST CPAS ", env!("CARGO_PKG_VERSION")),
            )?;
            Ok(())
        })?;
        w.create_element("PST").write_inner_content(|w| {
            w.create_element("DescriptionPST")
                .write_inner_content(|w| {
                    text(w, "IdPST", &tree.id.to_string())?;
                    text(w, "Libelle", &cut_title(&tree.title).0)?;
                    // A plan without a stated term is declared for the year it is sent for.
                    text(
                        w,
                        "ExerciceDebut",
                        &tree.start_year.unwrap_or(exercice).to_string(),
                    )?;
                    text(
                        w,
                        "ExerciceFin",
                        &tree.end_year.unwrap_or(exercice).to_string(),
                    )?;
                    Ok(())
                })?;
            w.create_element("Volets")
                .write_inner_content(|w| file.volets(w))?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(writer.into_inner())
}

struct File<'a> {
    tree: &'a PlanTree,
    exercice: i32,
    budget: &'a Budget,
    people: &'a HashMap<Uuid, Person>,
}

/// A volet's `ElementId`: the plan has no row for it, so the plan's id and the volet.
pub fn volet_element_id(plan: Uuid, volet: Volet) -> String {
    format!("{plan}-{}", volet.as_str())
}

/// What the base of every element (`ElementBaseInfo`) says, in the format's order.
struct Element<'a> {
    id: String,
    title: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    description: Option<&'a str>,
    status: ActionStatus,
    progress: f64,
    remark: Option<&'a str>,
    fte: f64,
    partners: Vec<&'a str>,
    /// The sectoral plans it is tagged with, by name.
    plans: Vec<&'a str>,
    articles: Vec<&'a BudgetLine>,
    projections: Vec<&'a BudgetProjection>,
    responsible: Option<&'a Person>,
    mandataire: Option<&'a Person>,
}

impl File<'_> {
    /// A responsible or a mandataire, when the file can name them.
    fn person(&self, account: Option<&UserRef>) -> Option<&Person> {
        account.and_then(|r| self.people.get(&r.id))
    }

    /// One `Volet` per volet the plan's objectives have (a plan of one volet sends one).
    fn volets(&self, w: &mut Writer<Vec<u8>>) -> io::Result<()> {
        for volet in [Volet::Externe, Volet::Interne] {
            let objectives: Vec<_> = self
                .tree
                .objectives
                .iter()
                .filter(|os| os.volet == volet)
                .collect();
            if objectives.is_empty() {
                continue;
            }
            let rollup = Rollup::of(
                objectives
                    .iter()
                    .flat_map(|os| &os.operational_objectives)
                    .flat_map(|oo| &oo.actions),
            );
            let element = Element {
                id: volet_element_id(self.tree.id, volet),
                title: match volet {
                    Volet::Externe => "Volet externe".to_owned(),
                    Volet::Interne => "Volet interne".to_owned(),
                },
                status: status_of_rollup(&rollup),
                progress: rollup.mean_progress,
                ..Element::empty()
            };
            self.element(w, "Volet", &element, |w| {
                w.create_element("ObjectifStrategiques")
                    .write_inner_content(|w| {
                        for os in &objectives {
                            let element = Element {
                                id: os.id.to_string(),
                                title: format!("{} – {}", os.code, os.title),
                                start: os.dates.start,
                                end: os.dates.end,
                                status: status_of_rollup(&os.rollup),
                                progress: os.rollup.mean_progress,
                                plans: self.tree.sectoral_plan_names(&os.sectoral_plans),
                                responsible: self.person(os.responsible.as_ref()),
                                mandataire: self.person(os.political_lead_account.as_ref()),
                                ..Element::empty()
                            };
                            self.element(w, "ObjectifStrategique", &element, |w| {
                                w.create_element("ObjectifsOperationnels")
                                    .write_inner_content(|w| {
                                        for oo in &os.operational_objectives {
                                            self.operational(w, oo)?;
                                        }
                                        Ok(())
                                    })?;
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn operational(
        &self,
        w: &mut Writer<Vec<u8>>,
        oo: &api_types::OperationalObjective,
    ) -> io::Result<()> {
        let element = Element {
            id: oo.id.to_string(),
            title: format!("{} – {}", oo.code, oo.title),
            start: oo.dates.start,
            end: oo.dates.end,
            status: status_of_rollup(&oo.rollup),
            progress: oo.rollup.mean_progress,
            plans: self.tree.sectoral_plan_names(&oo.sectoral_plans),
            responsible: self.person(oo.responsible.as_ref()),
            mandataire: self.person(oo.political_lead_account.as_ref()),
            ..Element::empty()
        };
        self.element(w, "ObjectifOperationnel", &element, |w| {
            w.create_element("Actions").write_inner_content(|w| {
                for action in &oo.actions {
                    let element = self.action(action);
                    self.element(w, "Action", &element, |_| Ok(()))?;
                }
                Ok(())
            })?;
            Ok(())
        })
    }

    fn action<'a>(&'a self, action: &'a Action) -> Element<'a> {
        // A sub-action's lines and projections go with its action (the format has no
        // element below an action).
        let items = || std::iter::once(action).chain(&action.sub_actions);
        let articles = items()
            .flat_map(|a| self.budget.lines.get(&a.id).into_iter().flatten())
            .filter(|line| line.year == self.exercice && line.article.is_some())
            .collect();
        let projections = items()
            .flat_map(|a| self.budget.projections.get(&a.id).into_iter().flatten())
            .collect();
        Element {
            id: action.id.to_string(),
            title: format!("{} – {}", action.code, action.title),
            start: action.planned_start,
            end: action.actual_end.or(action.planned_end),
            description: action.description.as_deref(),
            status: action.status,
            progress: f64::from(action.progress),
            remark: action.health_comment.as_deref(),
            fte: action.staffing_fte.unwrap_or(0.0),
            partners: action
                .lead
                .iter()
                .chain(&action.collaborators)
                .map(|o| o.name.as_str())
                .collect(),
            plans: self.tree.sectoral_plan_names(&action.sectoral_plans),
            articles,
            projections,
            responsible: self.person(action.responsible.as_ref()),
            mandataire: self.person(action.political_lead_account.as_ref()),
        }
    }

    /// An element: its attributes, the base's children in the format's order, then what
    /// `children` writes (the next level).
    fn element(
        &self,
        w: &mut Writer<Vec<u8>>,
        name: &str,
        element: &Element<'_>,
        children: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
    ) -> io::Result<()> {
        let exercice = self.exercice.to_string();
        w.create_element(name)
            .with_attribute(("ElementId", element.id.as_str()))
            .with_attribute(("Exercice", exercice.as_str()))
            .write_inner_content(|w| {
                let (title, cut) = cut_title(&element.title);
                text(w, "Libelle", &title)?;
                if let Some(start) = element.start {
                    text(w, "DateDebut", &start.to_string())?;
                }
                if let Some(end) = element.end {
                    text(w, "DateFin", &end.to_string())?;
                }
                // A title too long for `Libelle` is whole in the description.
                let description = match (cut, element.description) {
                    (true, Some(d)) => format!("{}\n\n{d}", element.title),
                    (true, None) => element.title.clone(),
                    (false, d) => d.unwrap_or_default().to_owned(),
                };
                described(w, "Description", &description)?;
                // Our statuses are eComptes' own, in lower case.
                text(w, "Statut", &element.status.as_str().to_ascii_uppercase())?;
                if let Some(person) = element.responsible {
                    person_info(w, "Responsable", person)?;
                }
                if let Some(person) = element.mandataire {
                    person_info(w, "Mandataire", person)?;
                }
                text(
                    w,
                    "TauxAvancement",
                    &decimal(element.progress.clamp(0.0, 100.0)),
                )?;
                described(w, "RemarqueStatut", element.remark.unwrap_or_default())?;
                text(w, "ETP", &decimal(element.fte.max(0.0)))?;
                w.create_element("Plans").write_inner_content(|w| {
                    for plan in &element.plans {
                        text(w, "Plan", plan)?;
                    }
                    Ok(())
                })?;
                w.create_element("Partenaires").write_inner_content(|w| {
                    for partner in &element.partners {
                        text(w, "Partenaire", partner)?;
                    }
                    Ok(())
                })?;
                w.create_element("Articles").write_inner_content(|w| {
                    for line in &element.articles {
                        article(w, line, &title)?;
                    }
                    Ok(())
                })?;
                w.create_element("Projections").write_inner_content(|w| {
                    for planned in &element.projections {
                        projection(w, planned, &title)?;
                    }
                    Ok(())
                })?;
                children(w)
            })?;
        Ok(())
    }
}

impl Element<'_> {
    fn empty() -> Self {
        Element {
            id: String::new(),
            title: String::new(),
            start: None,
            end: None,
            description: None,
            status: ActionStatus::NonCommence,
            progress: 0.0,
            remark: None,
            fte: 0.0,
            partners: Vec::new(),
            plans: Vec::new(),
            articles: Vec::new(),
            projections: Vec::new(),
            responsible: None,
            mandataire: None,
        }
    }
}

fn person_info(w: &mut Writer<Vec<u8>>, name: &str, person: &Person) -> io::Result<()> {
    w.create_element(name).write_inner_content(|w| {
        let civility = match person.civility {
            Civility::Madame => "MADAME",
            Civility::Monsieur => "MONSIEUR",
        };
        text(w, "Civilite", civility)?;
        text(w, "Nom", &person.family_name)?;
        text(w, "Prenom", &person.given_name)?;
        text(w, "Tel", &person.phone)?;
        text(w, "eMail", &person.email)?;
        Ok(())
    })?;
    Ok(())
}

/// `Service` and `Type`, as an article and a projection both write them.
fn service_and_type(
    w: &mut Writer<Vec<u8>>,
    service: BudgetService,
    direction: BudgetDirection,
) -> io::Result<()> {
    text(
        w,
        "Service",
        match service {
            BudgetService::Ordinaire => "O",
            BudgetService::Extraordinaire => "E",
        },
    )?;
    text(
        w,
        "Type",
        match direction {
            BudgetDirection::Recette => "R",
            BudgetDirection::Depense => "D",
        },
    )
}

fn projection(w: &mut Writer<Vec<u8>>, planned: &BudgetProjection, label: &str) -> io::Result<()> {
    w.create_element("Projection").write_inner_content(|w| {
        service_and_type(w, planned.service, planned.direction)?;
        text(w, "GroupeEco", &planned.economic_group)?;
        text(w, "Libelle", planned.label.as_deref().unwrap_or(label))?;
        w.create_element("Exercices").write_inner_content(|w| {
            for year in &planned.years {
                w.create_element("Exercice")
                    .with_attribute(("Valeur", year.year.to_string().as_str()))
                    .write_inner_content(|w| text(w, "Montant", &euros(year.amount_cents)))?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

fn article(w: &mut Writer<Vec<u8>>, line: &BudgetLine, label: &str) -> io::Result<()> {
    w.create_element("Article").write_inner_content(|w| {
        text(w, "Exercice", &line.year.to_string())?;
        service_and_type(w, line.service, line.direction)?;
        text(
            w,
            "CodeArticle",
            line.article.as_deref().unwrap_or_default(),
        )?;
        // The line's own label says what the amount is for; else the element's title.
        text(w, "Libelle", line.label.as_deref().unwrap_or(label))?;
        text(w, "Montant", &euros(line.planned_cents))?;
        Ok(())
    })?;
    Ok(())
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

/// A `DescriptionInfo`: plain text.
fn described(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name).write_inner_content(|w| {
        text(w, "Mode", "TEXTE")?;
        text(w, "Valeur", value)
    })?;
    Ok(())
}

/// An objective's or a volet's status, which the plan does not record: done when every
/// action is done, not started when none is started, under way otherwise.
fn status_of_rollup(rollup: &Rollup) -> ActionStatus {
    let counts = &rollup.by_status;
    if rollup.actions > 0 && counts.termine == rollup.actions {
        ActionStatus::Termine
    } else if counts.non_commence == rollup.actions {
        ActionStatus::NonCommence
    } else {
        ActionStatus::EnCours
    }
}

/// A decimal as `xs:decimal` writes it: two decimals at most, no exponent.
fn decimal(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Cents as euros with two decimals (`1234.50`, `-0.05`).
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// `title` within [`TITLE_MAX_CHARS`], cut at a word boundary with an ellipsis when it is
/// longer; whether it was cut.
pub fn cut_title(title: &str) -> (String, bool) {
    if title.chars().count() <= TITLE_MAX_CHARS {
        return (title.to_owned(), false);
    }
    // Room for the ellipsis.
    let room: String = title.chars().take(TITLE_MAX_CHARS - 1).collect();
    let kept = match room.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &room[..space],
        _ => room.as_str(),
    };
    (format!("{}…", kept.trim_end()), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_is_cut_at_a_word_within_the_limit() {
        let title = "mot ".repeat(100);
        let (cut, was_cut) = cut_title(title.trim());
        assert!(was_cut);
        assert!(cut.chars().count() <= TITLE_MAX_CHARS);
        assert!(cut.ends_with("mot…"), "{cut}");
        let short = "Un titre court";
        assert_eq!(cut_title(short), (short.to_owned(), false));
        // One word longer than the limit is cut inside it.
        let word = "x".repeat(400);
        assert_eq!(cut_title(&word).0.chars().count(), TITLE_MAX_CHARS);
    }

    #[test]
    fn amounts_and_decimals_are_written_as_the_schema_reads_them() {
        assert_eq!(euros(123_450), "1234.50");
        assert_eq!(euros(-5), "-0.05");
        assert_eq!(euros(0), "0.00");
        assert_eq!(decimal(42.0), "42");
        assert_eq!(decimal(0.5), "0.5");
        assert_eq!(decimal(33.333_333), "33.33");
        assert_eq!(decimal(0.0), "0");
    }
}
