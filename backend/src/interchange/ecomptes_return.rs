//! The file eComptes sends back: the tree we exported (format `201805V1`) with `Articles`
//! and `Projections` filled on some elements. Only what an import uses is read: the
//! budget year, the plan's id, and each element's `ElementId` with its articles and
//! projections; the rest of the tree is ours already.
//!
//! The reader is a pull parser that resolves nothing: a file that declares a DTD is
//! refused as soon as the declaration is met, and an entity other than XML's five
//! (`&lt;`…) and character references is refused where it stands. So no external entity is
//! fetched and none is expanded ("billion laughs"); the route caps the file's size.

use api_types::{
    BudgetDirection, BudgetService, EcomptesArticle, EcomptesProjection, EcomptesProjectionYear,
    ProblemCode,
};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{RowError, error};
use crate::domain::PlanYear;

/// The deepest nesting read: the format's is about twelve.
const MAX_DEPTH: usize = 64;
/// The longest `CodeArticle` and `GroupeEco`, and the longest `Libelle` of an article or a
/// projection, in characters (the format's).
const MAX_CODE_CHARS: usize = 50;
const MAX_LABEL_CHARS: usize = 255;
/// The largest amount read, in euros: far above any budget, far from overflowing cents.
const MAX_EUROS: i64 = 1_000_000_000_000;

/// What the file says.
#[derive(Debug, Default)]
pub struct Returned {
    /// `Identifiants/Exercice`: the budget year it was made for.
    pub exercice: i32,
    /// `DescriptionPST/IdPST`: the plan, as we exported it.
    pub plan_id: Option<String>,
    /// Every volet, objective and action, in the file's order.
    pub elements: Vec<ReturnedElement>,
}

/// An element of the file and the figures eComptes attached to it.
#[derive(Debug, Default)]
pub struct ReturnedElement {
    pub element_id: String,
    /// The line of its opening tag, for messages.
    pub line: usize,
    pub articles: Vec<EcomptesArticle>,
    pub projections: Vec<EcomptesProjection>,
}

/// The elements of the tree that carry an `ElementId` and figures.
const ELEMENTS: [&str; 4] = [
    "Volet",
    "ObjectifStrategique",
    "ObjectifOperationnel",
    "Action",
];

/// An article or a projection being read: its fields as text.
#[derive(Default)]
struct Draft {
    line: usize,
    fields: Vec<(String, String)>,
    /// A projection's years: `Valeur`, the line, and `Montant` once read.
    years: Vec<(String, usize, Option<String>)>,
}

impl Draft {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the file; every problem found (up to where the XML stops being readable) is
/// reported, by line.
pub fn read(bytes: &[u8]) -> Result<Returned, Vec<RowError>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![error(
            line_of(bytes, e.valid_up_to()),
            "",
            ProblemCode::NotUtf8,
            "le fichier n’est pas en UTF-8, l’encodage des fichiers d’eComptes.",
        )]
    })?;
    let mut reader = Reader::from_str(text);
    // Not trimmed: the text around an entity (`A &amp; B`) keeps its spaces; values are
    // trimmed where they are read.
    reader.config_mut().trim_text(false);
    let mut file = Returned::default();
    let mut exercice = None;
    let mut problems = Vec::new();
    let mut path: Vec<String> = Vec::new();
    // The elements the reader is in, innermost last (indexes in `file.elements`).
    let mut owners: Vec<usize> = Vec::new();
    let mut article: Option<Draft> = None;
    let mut projection: Option<Draft> = None;
    let mut text_buf = String::new();
    loop {
        let at = line_of(
            bytes,
            usize::try_from(reader.buffer_position()).unwrap_or(0),
        );
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                problems.push(error(
                    at,
                    "",
                    ProblemCode::Unreadable,
                    format!("le XML est illisible ({e})."),
                ));
                break;
            }
        };
        match event {
            Event::DocType(_) => {
                problems.push(error(
                    at,
                    "",
                    ProblemCode::DtdRefused,
                    "le fichier déclare une DTD (<!DOCTYPE>) : refusé sans être lu, par sécurité.",
                ));
                break;
            }
            Event::Start(start) => {
                let name = local_name(&start);
                if path.len() >= MAX_DEPTH {
                    problems.push(error(
                        at,
                        &name,
                        ProblemCode::InvalidStructure,
                        format!("les éléments sont imbriqués sur plus de {MAX_DEPTH} niveaux."),
                    ));
                    break;
                }
                let parent = path.last().map(String::as_str);
                if ELEMENTS.contains(&name.as_str()) {
                    match attribute(&start, "ElementId") {
                        Ok(Some(id)) => {
                            owners.push(file.elements.len());
                            file.elements.push(ReturnedElement {
                                element_id: id.trim().to_owned(),
                                line: at,
                                ..ReturnedElement::default()
                            });
                        }
                        Ok(None) => {
                            problems.push(error(
                                at,
                                &name,
                                ProblemCode::Required,
                                format!("<{name}> n’a pas d’attribut ElementId."),
                            ));
                            // Its figures go nowhere, but its closing tag pops an owner.
                            owners.push(usize::MAX);
                        }
                        Err(problem) => {
                            problems.push(problem.at(at, &name));
                            break;
                        }
                    }
                } else if name == "Article" && parent == Some("Articles") {
                    article = Some(Draft {
                        line: at,
                        ..Draft::default()
                    });
                } else if name == "Projection" && parent == Some("Projections") {
                    projection = Some(Draft {
                        line: at,
                        ..Draft::default()
                    });
                } else if name == "Exercice"
                    && parent == Some("Exercices")
                    && let Some(draft) = projection.as_mut()
                {
                    match attribute(&start, "Valeur") {
                        Ok(value) => draft.years.push((value.unwrap_or_default(), at, None)),
                        Err(problem) => {
                            problems.push(problem.at(at, &name));
                            break;
                        }
                    }
                }
                path.push(name);
                text_buf.clear();
            }
            Event::Empty(start) => {
                let name = local_name(&start);
                if ELEMENTS.contains(&name.as_str()) {
                    problems.push(error(
                        at,
                        &name,
                        ProblemCode::Required,
                        format!("<{name}/> est vide : il lui faut au moins son Libelle."),
                    ));
                }
                text_buf.clear();
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match resolve(&r) {
                Some(resolved) => text_buf.push_str(&resolved),
                None => {
                    problems.push(error(
                        at,
                        path.last().map_or("", String::as_str),
                        ProblemCode::DtdRefused,
                        format!(
                            "l’entité « &{}; » n’est pas de XML : refusée sans être lue, par sécurité.",
                            &*r
                        ),
                    ));
                    break;
                }
            },
            Event::End(_) => {
                let Some(name) = path.pop() else { break };
                let parent = path.last().map(String::as_str);
                let value = std::mem::take(&mut text_buf);
                if ELEMENTS.contains(&name.as_str()) {
                    owners.pop();
                } else if name == "Article" && parent == Some("Articles") {
                    if let Some(draft) = article.take() {
                        let owner = owners.last().and_then(|i| file.elements.get_mut(*i));
                        match (read_article(&draft), owner) {
                            (Ok(a), Some(owner)) => owner.articles.push(a),
                            (Ok(_), None) => {}
                            (Err(mut e), _) => problems.append(&mut e),
                        }
                    }
                } else if name == "Projection" && parent == Some("Projections") {
                    if let Some(draft) = projection.take() {
                        let owner = owners.last().and_then(|i| file.elements.get_mut(*i));
                        match (read_projection(&draft), owner) {
                            (Ok(p), Some(owner)) => owner.projections.push(p),
                            (Ok(_), None) => {}
                            (Err(mut e), _) => problems.append(&mut e),
                        }
                    }
                } else if let Some(draft) = article.as_mut().filter(|_| parent == Some("Article")) {
                    draft.fields.push((name, value));
                } else if let Some(draft) = projection.as_mut() {
                    match parent {
                        Some("Projection") => draft.fields.push((name, value)),
                        Some("Exercice") if name == "Montant" => {
                            if let Some(year) = draft.years.last_mut() {
                                year.2 = Some(value);
                            }
                        }
                        _ => {}
                    }
                } else if parent == Some("Identifiants") && name == "Exercice" {
                    exercice = Some((value, at));
                } else if parent == Some("DescriptionPST") && name == "IdPST" {
                    file.plan_id = Some(value.trim().to_owned());
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if problems.is_empty() {
        match exercice {
            Some((value, line)) => match year(&value, line, "Exercice") {
                Ok(y) => {
                    file.exercice = y;
                    // Projections are made for the file's budget year.
                    for p in file.elements.iter_mut().flat_map(|e| &mut e.projections) {
                        p.exercice = y;
                    }
                }
                Err(e) => problems.push(e),
            },
            None => problems.push(error(
                1,
                "Exercice",
                ProblemCode::Required,
                "le fichier n’a pas d’Identifiants/Exercice : ce n’est pas un fichier PST d’eComptes.",
            )),
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// A problem with an attribute, placed once its line is known.
struct AttributeProblem(ProblemCode, String);

impl AttributeProblem {
    fn at(self, line: usize, name: &str) -> RowError {
        error(line, name, self.0, self.1)
    }
}

/// An attribute's value; an entity that is not XML's own is refused.
fn attribute(start: &BytesStart<'_>, name: &str) -> Result<Option<String>, AttributeProblem> {
    let Some(attribute) = start.try_get_attribute(name).map_err(|e| {
        AttributeProblem(
            ProblemCode::Unreadable,
            format!("l’attribut {name} est illisible ({e})."),
        )
    })?
    else {
        return Ok(None);
    };
    attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map(|v| Some(v.into_owned()))
        .map_err(|e| {
            AttributeProblem(
                ProblemCode::DtdRefused,
                format!(
                    "l’attribut {name} contient une entité (&…;) qui n’est pas de XML ({e}) : refusé par sécurité."
                ),
            )
        })
}

fn local_name(start: &BytesStart<'_>) -> String {
    start.local_name().as_ref().to_owned()
}

/// XML's five entities and character references; anything else is `None`.
fn resolve(reference: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(reference).map(str::to_owned)
}

/// The line of byte `offset` (1 for the first).
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

fn read_article(draft: &Draft) -> Result<EcomptesArticle, Vec<RowError>> {
    let mut problems = Vec::new();
    let line = draft.line;
    let field = |name: &str, problems: &mut Vec<RowError>| match draft.field(name) {
        Some(v) => Some(v.to_owned()),
        None => {
            problems.push(missing(line, "Article", name));
            None
        }
    };
    let year_text = field("Exercice", &mut problems);
    let service = field("Service", &mut problems);
    let direction = field("Type", &mut problems);
    let code = field("CodeArticle", &mut problems);
    let label = draft.field("Libelle").unwrap_or_default().to_owned();
    let amount = field("Montant", &mut problems);
    let year = year_text.and_then(|v| {
        year(&v, line, "Article/Exercice")
            .map_err(|e| problems.push(e))
            .ok()
    });
    let service = service.and_then(|v| {
        read_service(&v, line, "Article/Service")
            .map_err(|e| problems.push(e))
            .ok()
    });
    let direction = direction.and_then(|v| {
        read_direction(&v, line, "Article/Type")
            .map_err(|e| problems.push(e))
            .ok()
    });
    let code = code.and_then(|v| {
        text(&v, line, "Article/CodeArticle", 1, MAX_CODE_CHARS)
            .map_err(|e| problems.push(e))
            .ok()
    });
    let label = text(&label, line, "Article/Libelle", 0, MAX_LABEL_CHARS)
        .map_err(|e| problems.push(e))
        .ok();
    let amount = amount.and_then(|v| {
        cents(&v, line, "Article/Montant")
            .map_err(|e| problems.push(e))
            .ok()
    });
    match (year, service, direction, code, label, amount) {
        (
            Some(year),
            Some(service),
            Some(direction),
            Some(code),
            Some(label),
            Some(amount_cents),
        ) if problems.is_empty() => Ok(EcomptesArticle {
            year,
            service,
            direction,
            code,
            label,
            amount_cents,
        }),
        _ => Err(problems),
    }
}

fn read_projection(draft: &Draft) -> Result<EcomptesProjection, Vec<RowError>> {
    let mut problems = Vec::new();
    let line = draft.line;
    let service = match draft.field("Service") {
        Some(v) => read_service(v, line, "Projection/Service")
            .map_err(|e| problems.push(e))
            .ok(),
        None => {
            problems.push(missing(line, "Projection", "Service"));
            None
        }
    };
    let direction = match draft.field("Type") {
        Some(v) => read_direction(v, line, "Projection/Type")
            .map_err(|e| problems.push(e))
            .ok(),
        None => {
            problems.push(missing(line, "Projection", "Type"));
            None
        }
    };
    let economic_group = text(
        draft.field("GroupeEco").unwrap_or_default(),
        line,
        "Projection/GroupeEco",
        0,
        MAX_CODE_CHARS,
    )
    .map_err(|e| problems.push(e))
    .ok();
    let label = text(
        draft.field("Libelle").unwrap_or_default(),
        line,
        "Projection/Libelle",
        0,
        MAX_LABEL_CHARS,
    )
    .map_err(|e| problems.push(e))
    .ok();
    let mut years: Vec<EcomptesProjectionYear> = Vec::new();
    for (valeur, at, montant) in &draft.years {
        let year = year(valeur, *at, "Exercice/@Valeur")
            .map_err(|e| problems.push(e))
            .ok();
        let amount = match montant {
            Some(m) => cents(m, *at, "Exercice/Montant")
                .map_err(|e| problems.push(e))
                .ok(),
            None => {
                problems.push(missing(*at, "Exercice", "Montant"));
                None
            }
        };
        if let (Some(year), Some(amount_cents)) = (year, amount) {
            if years.iter().any(|y| y.year == year) {
                problems.push(error(
                    *at,
                    "Exercice/@Valeur",
                    ProblemCode::Duplicate,
                    format!("l’exercice {year} figure deux fois dans cette projection."),
                ));
            } else {
                years.push(EcomptesProjectionYear { year, amount_cents });
            }
        }
    }
    years.sort_by_key(|y| y.year);
    match (service, direction, economic_group, label) {
        (Some(service), Some(direction), Some(economic_group), Some(label))
            if problems.is_empty() =>
        {
            Ok(EcomptesProjection {
                exercice: 0,
                service,
                direction,
                economic_group,
                label,
                years,
            })
        }
        _ => Err(problems),
    }
}

fn missing(line: usize, parent: &str, name: &str) -> RowError {
    error(
        line,
        &format!("{parent}/{name}"),
        ProblemCode::Required,
        format!("<{parent}> n’a pas de <{name}>."),
    )
}

fn year(value: &str, line: usize, column: &str) -> Result<i32, RowError> {
    value
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|y| PlanYear::parse(y, column).ok())
        .map(PlanYear::get)
        .ok_or_else(|| {
            let (min, max) = (api_types::PLAN_YEARS.start(), api_types::PLAN_YEARS.end());
            error(
                line,
                column,
                ProblemCode::OutOfRange,
                format!("« {value} » n’est pas une année de {min} à {max}."),
            )
        })
}

fn read_service(value: &str, line: usize, column: &str) -> Result<BudgetService, RowError> {
    match value.trim() {
        "O" => Ok(BudgetService::Ordinaire),
        "E" => Ok(BudgetService::Extraordinaire),
        other => Err(error(
            line,
            column,
            ProblemCode::InvalidValue,
            format!("le service « {other} » n’est ni O (ordinaire) ni E (extraordinaire)."),
        )),
    }
}

fn read_direction(value: &str, line: usize, column: &str) -> Result<BudgetDirection, RowError> {
    match value.trim() {
        "R" => Ok(BudgetDirection::Recette),
        "D" => Ok(BudgetDirection::Depense),
        other => Err(error(
            line,
            column,
            ProblemCode::InvalidValue,
            format!("le type « {other} » n’est ni R (recette) ni D (dépense)."),
        )),
    }
}

/// A text of `min`–`max` characters without control characters, trimmed.
fn text(
    value: &str,
    line: usize,
    column: &str,
    min: usize,
    max: usize,
) -> Result<String, RowError> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars < min {
        Err(error(
            line,
            column,
            ProblemCode::Required,
            "ce champ est vide.",
        ))
    } else if chars > max {
        Err(error(
            line,
            column,
            ProblemCode::TooLong,
            format!("{chars} caractères, pour {max} au plus."),
        ))
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Err(error(
            line,
            column,
            ProblemCode::ControlCharacters,
            "ce texte contient un caractère de contrôle.",
        ))
    } else {
        Ok(value.to_owned())
    }
}

/// An `xs:decimal` amount in euros, as cents: a sign, digits, a point and decimals, of
/// which only two may be other than zero.
fn cents(value: &str, line: usize, column: &str) -> Result<i64, RowError> {
    let refused = || {
        error(
            line,
            column,
            ProblemCode::InvalidValue,
            format!("« {value} » n’est pas un montant en euros (par exemple 1234.50)."),
        )
    };
    let trimmed = value.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.bytes().skip(2).any(|b| b != b'0')
    {
        return Err(refused());
    }
    let whole = whole.trim_start_matches('0');
    let euros: i64 = if whole.is_empty() {
        0
    } else if whole.len() > 13 {
        i64::MAX
    } else {
        whole.parse().map_err(|_| refused())?
    };
    if euros > MAX_EUROS {
        return Err(error(
            line,
            column,
            ProblemCode::OutOfRange,
            format!("« {value} » dépasse le plus grand montant lu ({MAX_EUROS} €)."),
        ));
    }
    let mut decimals = fraction.bytes().take(2).map(|b| i64::from(b - b'0'));
    let tenths = decimals.next().unwrap_or(0);
    let hundredths = decimals.next().unwrap_or(0);
    let cents = euros * 100 + tenths * 10 + hundredths;
    Ok(if negative { -cents } else { cents })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<dataroot><Identifiants><Id>x</Id><Exercice>2026</Exercice></Identifiants>
<PST><DescriptionPST><IdPST>plan-1</IdPST></DescriptionPST><Volets>{body}</Volets></PST></dataroot>"#
        )
    }

    #[test]
    fn articles_and_projections_are_read_with_their_element() {
        let xml = file(
            r#"<Volet ElementId="v" Exercice="2026"><Libelle>V</Libelle><Articles/>
              <ObjectifStrategiques><ObjectifStrategique ElementId="os" Exercice="2026">
                <Libelle>A &amp; B</Libelle>
                <Articles><Article><Exercice>2027</Exercice><Service>E</Service><Type>R</Type>
                  <CodeArticle>84010/123-48</CodeArticle><Libelle>Subside</Libelle><Montant>1234.5</Montant></Article></Articles>
                <Projections><Projection><Service>O</Service><Type>D</Type><GroupeEco>12</GroupeEco>
                  <Libelle>Fonctionnement</Libelle><Exercices>
                    <Exercice Valeur="2028"><Montant>10</Montant></Exercice>
                    <Exercice Valeur="2027"><Montant>-0.05</Montant></Exercice>
                  </Exercices></Projection></Projections>
              </ObjectifStrategique></ObjectifStrategiques></Volet>"#,
        );
        let read = read(xml.as_bytes()).expect("readable");
        assert_eq!(read.exercice, 2026);
        assert_eq!(read.plan_id.as_deref(), Some("plan-1"));
        let ids: Vec<_> = read
            .elements
            .iter()
            .map(|e| e.element_id.as_str())
            .collect();
        assert_eq!(ids, ["v", "os"]);
        let os = &read.elements[1];
        assert_eq!(
            os.articles,
            [EcomptesArticle {
                year: 2027,
                service: BudgetService::Extraordinaire,
                direction: BudgetDirection::Recette,
                code: "84010/123-48".into(),
                label: "Subside".into(),
                amount_cents: 123_450,
            }]
        );
        let years: Vec<_> = os.projections[0]
            .years
            .iter()
            .map(|y| (y.year, y.amount_cents))
            .collect();
        assert_eq!(years, [(2027, -5), (2028, 1_000)]);
        assert!(read.elements[0].articles.is_empty());
    }

    #[test]
    fn a_dtd_or_a_foreign_entity_is_refused() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><dataroot>&x;</dataroot>"#;
        let problems = read(xxe.as_bytes()).expect_err("refused");
        assert_eq!(problems[0].code, ProblemCode::DtdRefused);
        let entity =
            file(r#"<Volet ElementId="v" Exercice="2026"><Libelle>&lol;</Libelle></Volet>"#);
        let problems = read(entity.as_bytes()).expect_err("refused");
        assert_eq!(problems[0].code, ProblemCode::DtdRefused);
        let in_attribute =
            file(r#"<Volet ElementId="&lol;" Exercice="2026"><Libelle>V</Libelle></Volet>"#);
        let problems = read(in_attribute.as_bytes()).expect_err("refused");
        assert_eq!(problems[0].code, ProblemCode::DtdRefused);
    }

    #[test]
    fn bad_figures_are_each_reported_by_line() {
        let xml = file(
            r#"<Volet ElementId="v" Exercice="2026"><Articles>
<Article><Exercice>1800</Exercice><Service>X</Service><Type>D</Type><CodeArticle></CodeArticle><Montant>1.234</Montant></Article>
</Articles></Volet>"#,
        );
        let problems = read(xml.as_bytes()).expect_err("refused");
        let codes: Vec<_> = problems.iter().map(|p| (p.row, p.code)).collect();
        assert_eq!(
            codes,
            [
                (4, ProblemCode::OutOfRange),
                (4, ProblemCode::InvalidValue),
                (4, ProblemCode::Required),
                (4, ProblemCode::InvalidValue),
            ]
        );
    }

    #[test]
    fn amounts_are_read_as_cents() {
        let ok = |v: &str| cents(v, 1, "m").expect(v);
        assert_eq!(ok("1234.50"), 123_450);
        assert_eq!(ok("1234.500"), 123_450);
        assert_eq!(ok("+7"), 700);
        assert_eq!(ok(".5"), 50);
        assert_eq!(ok("-0.05"), -5);
        assert_eq!(ok("000012"), 1_200);
        for bad in ["", "-", "1,5", "1.234", "1e5", "abc", " . "] {
            assert!(cents(bad, 1, "m").is_err(), "{bad}");
        }
        assert_eq!(
            cents("99999999999999999999", 1, "m")
                .expect_err("refused")
                .code,
            ProblemCode::OutOfRange
        );
    }

    #[test]
    fn a_deep_or_broken_file_is_refused_without_a_panic() {
        let deep = format!("<dataroot>{}</dataroot>", "<a>".repeat(100));
        assert_eq!(
            read(deep.as_bytes()).expect_err("refused")[0].code,
            ProblemCode::InvalidStructure
        );
        assert_eq!(
            read(b"<dataroot><a></b></dataroot>").expect_err("refused")[0].code,
            ProblemCode::Unreadable
        );
        assert_eq!(
            read(b"\xff\xfe").expect_err("refused")[0].code,
            ProblemCode::NotUtf8
        );
        assert_eq!(
            read(b"<dataroot/>").expect_err("refused")[0].code,
            ProblemCode::Required
        );
    }
}
