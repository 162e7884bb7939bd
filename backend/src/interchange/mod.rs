//! The plan interchange format: one row per objective, action or sub-action, in plan
//! order (a sub-action right after its action), with the columns of [`columns::COLUMNS`]
//! (`niveau;code;parent;intitule;type;volet;porteur;collaborations;reserve;statut;
//! avancement;debut;echeance`, and the optional `description;poids;avancement_manuel`).
//! Read from CSV (UTF-8, BOM accepted, `;` or `,` detected) or from the first sheet of an
//! `.xlsx`; written as CSV and as a formatted workbook (`xlsx`).
//!
//! Those are the French names; a file is written in the language asked
//! ([`columns::Column::header`]: `level;code;parent;title;…` in English), and read in any
//! of them: its columns, statuses, kinds and volets may be named in French, Dutch or
//! English.
//!
//! Reading validates everything and reports every problem at once, by row and column, in
//! French: a file is imported whole or not at all.

pub mod columns;
pub mod ecomptes;
pub mod ecomptes_return;
pub mod limits;
pub mod xlsx;

use std::collections::{HashMap, HashSet};

use api_types::{
    ActionHealth, ActionKind, ActionStatus, Language, PlanTree, ProblemCode, Volet, fold,
};
use chrono::NaiveDate;

use crate::texts::DocumentTexts;
pub use columns::{Level, Line};

/// A column's name as a file's header is compared: lower case, without accents, spaces
/// as `_` (so "Intitulé" is `intitule`, as the CSV writes it).
pub fn column_name(header: &str) -> String {
    fold(header.trim()).replace(' ', "_")
}

/// Whether `text` (folded, `_` and `-` as spaces) names `label` in a file: the whole label,
/// or one of its `/`-separated halves ("annulé", "abandonné").
fn names(text: &str, label: &str) -> bool {
    let label = fold(label).replace(['_', '-'], " ");
    text == label || (label.contains('/') && label.split('/').any(|part| part.trim() == text))
}

/// One problem of an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1 is the header row, 2 the first data row (as a spreadsheet numbers them).
    pub row: usize,
    pub column: String,
    pub code: ProblemCode,
    pub message: String,
}

fn error(row: usize, column: &str, code: ProblemCode, message: impl Into<String>) -> RowError {
    RowError {
        row,
        column: column.to_owned(),
        code,
        message: message.into(),
    }
}

/// Why a file cannot be imported.
#[derive(Debug)]
pub enum Refusal {
    /// The file, or a part of it once inflated, is larger than the server reads (413); the
    /// French sentence names the limit.
    TooLarge(String),
    /// What is wrong in the file, by row and column (422).
    Problems(Vec<RowError>),
}

impl From<Vec<RowError>> for Refusal {
    fn from(problems: Vec<RowError>) -> Self {
        Self::Problems(problems)
    }
}

/// The plan a CSV or XLSX file describes. Runs for as long as the file is large (up to
/// [`limits`]): call it off the request workers.
pub fn read_plan(bytes: &[u8], is_xlsx: bool) -> Result<Draft, Refusal> {
    let table = if is_xlsx {
        xlsx::read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    Ok(parse(&table)?)
}

/// The one problem of a file past a limit on its rows, columns or cells.
fn over_limit(row: usize, code: ProblemCode, message: String) -> Refusal {
    Refusal::Problems(vec![error(row, "", code, message)])
}

/// Checks one more row of `columns` cells against the limits, `cells` counting the
/// non-empty cells so far. `row` is 1-based, as a spreadsheet numbers rows.
fn check_row<'a>(
    row: usize,
    texts: impl Iterator<Item = &'a str>,
    cells: &mut usize,
) -> Result<(), Refusal> {
    if row > limits::MAX_ROWS {
        return Err(over_limit(
            row,
            ProblemCode::TooManyRows,
            format!(
                "Le fichier a plus de {} lignes : un plan en compte quelques centaines.",
                limits::MAX_ROWS
            ),
        ));
    }
    for (column, text) in texts.enumerate() {
        if column >= limits::MAX_COLUMNS {
            return Err(over_limit(
                row,
                ProblemCode::TooManyColumns,
                format!("La ligne {row} a plus de {} colonnes.", limits::MAX_COLUMNS),
            ));
        }
        if text.is_empty() {
            continue;
        }
        *cells += 1;
        if *cells > limits::MAX_CELLS {
            return Err(over_limit(
                row,
                ProblemCode::TooManyCells,
                format!(
                    "Le fichier a plus de {} cellules remplies.",
                    limits::MAX_CELLS
                ),
            ));
        }
        // Bytes bound characters from above: count characters only when it may matter.
        if text.len() > limits::MAX_CELL_CHARS && text.chars().count() > limits::MAX_CELL_CHARS {
            return Err(over_limit(
                row,
                ProblemCode::CellTooLong,
                format!(
                    "La cellule {} dépasse {} caractères.",
                    limits::cell_reference(
                        u32::try_from(row - 1).unwrap_or(u32::MAX),
                        u32::try_from(column).unwrap_or(u32::MAX)
                    ),
                    limits::MAX_CELL_CHARS
                ),
            ));
        }
    }
    Ok(())
}

/// A file's cells: a header and data rows of text.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A plan as a file describes it, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub strategic: Vec<DraftObjective>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftObjective {
    pub code: String,
    pub title: String,
    pub volet: Volet,
    /// Its mandataire, their function, its responsible (a person of the CPAS, by name or
    /// e-mail), read by the columns that objectives have too.
    pub own: Ownership,
    /// The dates the plan gives it; none: they follow from what it holds.
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    /// Operational objectives of a strategic one (empty for operational ones).
    pub operational: Vec<DraftObjective>,
    /// Actions of an operational objective.
    pub actions: Vec<DraftAction>,
}

/// An action or a sub-action as a file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftAction {
    pub code: String,
    pub kind: Option<ActionKind>,
    pub title: String,
    pub description: Option<String>,
    pub reservation: Option<String>,
    pub lead: Option<String>,
    pub collaborators: Vec<String>,
    pub status: ActionStatus,
    pub progress: i16,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    /// A sub-action's share in its action's progress (1–100).
    pub weight: i16,
    /// An action whose progress the DG sets by hand rather than from its sub-actions.
    pub progress_by_hand: bool,
    /// Its mandataire, their function and its responsible (its dates are its own fields).
    pub own: Ownership,
    /// How it is going; `None`: not assessed.
    pub health: Option<ActionHealth>,
    pub health_comment: Option<String>,
    /// The steps of an action, in file order (none under a sub-action).
    pub sub_actions: Vec<DraftAction>,
}

/// What an objective, an action and a sub-action each name in a file: the mandataire,
/// their function and the responsible.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ownership {
    pub political_lead: Option<String>,
    pub political_function: Option<String>,
    /// A person of the CPAS as the file names them (display name or e-mail), with the row
    /// that names them; the import finds them among the CPAS's people.
    pub responsible: Option<(usize, String)>,
    /// The sectoral plans it is tagged with, by name; the import creates those the CPAS
    /// does not have yet.
    pub sectoral_plans: Vec<String>,
}

impl DraftAction {
    /// An action with nothing but its code and title, before its cells are read.
    fn new(code: &str, title: &str) -> Self {
        Self {
            code: code.to_owned(),
            kind: None,
            title: title.to_owned(),
            description: None,
            reservation: None,
            lead: None,
            collaborators: Vec::new(),
            status: ActionStatus::NonCommence,
            progress: 0,
            planned_start: None,
            planned_end: None,
            weight: 1,
            progress_by_hand: false,
            own: Ownership::default(),
            health: None,
            health_comment: None,
            sub_actions: Vec::new(),
        }
    }
}

impl Draft {
    /// The actions (not their sub-actions).
    pub fn actions(&self) -> impl Iterator<Item = &DraftAction> {
        self.strategic
            .iter()
            .flat_map(|s| &s.operational)
            .flat_map(|o| &o.actions)
    }

    /// Every responsible the file names, with its row: objectives, actions, sub-actions.
    pub fn responsibles(&self) -> impl Iterator<Item = &(usize, String)> {
        let objectives = self
            .strategic
            .iter()
            .flat_map(|s| std::iter::once(s).chain(&s.operational))
            .map(|o| &o.own);
        let actions = self
            .actions()
            .flat_map(|a| std::iter::once(a).chain(&a.sub_actions))
            .map(|a| &a.own);
        objectives
            .chain(actions)
            .filter_map(|own| own.responsible.as_ref())
    }

    pub fn action_count(&self) -> usize {
        self.actions().count()
    }

    /// Every organisation named, in first-mention order.
    pub fn sectoral_plans(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let objectives = self
            .strategic
            .iter()
            .flat_map(|os| std::iter::once(os).chain(&os.operational))
            .flat_map(|o| &o.own.sectoral_plans);
        let actions = self
            .actions()
            .flat_map(|a| std::iter::once(a).chain(&a.sub_actions))
            .flat_map(|a| &a.own.sectoral_plans);
        objectives
            .chain(actions)
            .filter(|name| seen.insert(name.to_lowercase()))
            .cloned()
            .collect()
    }

    /// The organisations the file names, each once (without regard to case).
    pub fn organisations(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.actions()
            .flat_map(|a| std::iter::once(a).chain(&a.sub_actions))
            .flat_map(|a| a.lead.iter().chain(&a.collaborators))
            .filter(|name| seen.insert(name.to_lowercase()))
            .cloned()
            .collect()
    }
}

/// Reads a CSV file: UTF-8 with or without BOM, `;` or `,` as separator (whichever the
/// header uses).
pub fn read_csv(bytes: &[u8]) -> Result<Table, Refusal> {
    if bytes.len() > limits::MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(file_too_large()));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Refusal::from(vec![error(
            1,
            "",
            ProblemCode::NotUtf8,
            "Le fichier n’est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».",
        )]));
    };
    let first_line = text.lines().next().unwrap_or_default();
    let separator = if first_line.matches(';').count() >= first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut cells = 0;
    let header: Vec<String> = match records.next() {
        Some(Ok(record)) => {
            check_row(1, record.iter(), &mut cells)?;
            record.iter().map(str::to_owned).collect()
        }
        _ => {
            return Err(Refusal::from(vec![error(
                1,
                "",
                ProblemCode::Empty,
                "Le fichier est vide.",
            )]));
        }
    };
    let mut rows = Vec::new();
    for (index, record) in records.enumerate() {
        let row = index + 2;
        match record {
            Ok(record) => {
                check_row(row, record.iter(), &mut cells)?;
                rows.push(
                    record
                        .iter()
                        .map(|cell| restore_formula(cell).to_owned())
                        .collect(),
                );
            }
            Err(e) => {
                return Err(Refusal::from(vec![error(
                    row,
                    "",
                    ProblemCode::Unreadable,
                    format!("Ligne illisible : {e}."),
                )]));
            }
        }
    }
    Ok(Table { header, rows })
}

/// The sentence of a file over [`limits::MAX_FILE_BYTES`].
pub fn file_too_large() -> String {
    format!(
        "Le fichier dépasse {} Mo : un plan en fait rarement plus d’un.",
        limits::MAX_FILE_BYTES >> 20
    )
}

/// The plan a table describes, or every problem found in it.
pub fn parse(table: &Table) -> Result<Draft, Vec<RowError>> {
    // Keyed by the columns' keys (their French names), whatever the language of the
    // file's header.
    let positions: HashMap<String, usize> = table
        .header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                columns::of_header(name).map_or_else(|| column_name(name), |c| c.key.to_owned()),
                i,
            )
        })
        .collect();
    let missing: Vec<RowError> = columns::required()
        .filter(|c| !positions.contains_key(*c))
        .map(|c| {
            error(
                1,
                c,
                ProblemCode::MissingColumn,
                format!("La colonne « {c} » manque."),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut errors = Vec::new();
    let mut draft = Draft::default();
    // Where each code was seen, and what it is: to find parents and duplicates.
    let mut codes: HashMap<String, (usize, Level)> = HashMap::new();
    // First pass: every code and its level, so a parent may come later in the file.
    for (index, row) in table.rows.iter().enumerate() {
        let Some(level) = Level::parse(cell_of(row, &positions, "niveau")) else {
            continue;
        };
        let code = cell_of(row, &positions, "code");
        if !code.is_empty() {
            codes.entry(code.to_owned()).or_insert((index + 2, level));
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Where operational objectives sit: (strategic index, operational index).
    let mut places: HashMap<String, (usize, usize)> = HashMap::new();
    let mut strategic_index: HashMap<String, usize> = HashMap::new();
    let mut pending_oo: Vec<(String, DraftObjective)> = Vec::new();
    let mut pending_actions: Vec<(String, DraftAction)> = Vec::new();
    let mut pending_steps: Vec<(String, DraftAction)> = Vec::new();

    for (index, row) in table.rows.iter().enumerate() {
        let line = index + 2;
        let cell = |column: &str| cell_of(row, &positions, column);
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(level) = Level::parse(cell("niveau")) else {
            errors.push(error(
                line,
                "niveau",
                ProblemCode::InvalidLevel,
                format!(
                    "« {} » : attendu OS, OO, action ou sous-action.",
                    cell("niveau")
                ),
            ));
            continue;
        };
        let is_action = matches!(level, Level::Action | Level::SubAction);
        let code = cell("code");
        match crate::domain::Code::parse(code, "code") {
            Err(_) => errors.push(error(line, "code", ProblemCode::InvalidCode, format!("« {code} » : un code de lettres et chiffres (ex. OSe1, Pe17, Pe17.1), 32 caractères au plus."))),
            Ok(_) => {
                if let Some(first) = seen.insert(code.to_owned(), line) {
                    errors.push(error(line, "code", ProblemCode::DuplicateCode, format!("Le code « {code} » est déjà utilisé ligne {first}.")));
                }
            }
        }
        let title = cell("intitule");
        if title.is_empty() {
            errors.push(error(
                line,
                "intitule",
                ProblemCode::Required,
                "L’intitulé est obligatoire.",
            ));
        } else if title.chars().count() > 1000 || title.chars().any(|c| c.is_control()) {
            errors.push(error(
                line,
                "intitule",
                ProblemCode::InvalidText,
                "L’intitulé fait au plus 1000 caractères, sans caractères de contrôle.",
            ));
        }
        let volet = match fold(cell("volet").trim()).as_str() {
            "externe" | "e" => Some(Volet::Externe),
            "interne" | "i" => Some(Volet::Interne),
            "" if is_action => None,
            other => named(other, |t| t.volet, Volet::ALL).or_else(|| {
                errors.push(error(
                    line,
                    "volet",
                    ProblemCode::InvalidVolet,
                    format!("« {other} » : attendu externe ou interne."),
                ));
                None
            }),
        };
        let parent = cell("parent");
        match (level.parent(), parent.is_empty()) {
            (None, false) => errors.push(error(
                line,
                "parent",
                ProblemCode::UnexpectedParent,
                "Un objectif stratégique n’a pas de parent.",
            )),
            (Some(wanted), true) => errors.push(error(
                line,
                "parent",
                ProblemCode::Required,
                format!("Le parent ({}) est obligatoire.", wanted.named()),
            )),
            (Some(wanted), false) => match codes.get(parent) {
                None => errors.push(error(
                    line,
                    "parent",
                    ProblemCode::UnknownParent,
                    format!("Le parent « {parent} » n’existe pas dans le fichier."),
                )),
                Some((_, kind)) if *kind != wanted => errors.push(error(
                    line,
                    "parent",
                    ProblemCode::WrongParent,
                    format!(
                        "Le parent « {parent} » doit être {}{}.",
                        wanted.named(),
                        if *kind == Level::SubAction {
                            " : une sous-action n’a pas de sous-actions"
                        } else {
                            ""
                        }
                    ),
                )),
                Some(_) => {}
            },
            (None, true) => {}
        }
        let volet_or_default = volet.unwrap_or(Volet::Externe);
        match level {
            Level::Strategic | Level::Operational => {
                // The columns an objective has too: its mandataire, responsible and dates.
                let Some(read) = parse_row(line, row, &positions, code, title, level, &mut errors)
                else {
                    continue;
                };
                let made = objective(code, title, volet_or_default, read);
                if level == Level::Strategic {
                    strategic_index.insert(code.to_owned(), draft.strategic.len());
                    draft.strategic.push(made);
                } else {
                    pending_oo.push((parent.to_owned(), made));
                }
            }
            Level::Action | Level::SubAction => {
                if let Some(mut action) =
                    parse_row(line, row, &positions, code, title, level, &mut errors)
                {
                    let pending = if level == Level::Action {
                        &mut pending_actions
                    } else {
                        // What only an action has.
                        action.progress_by_hand = false;
                        &mut pending_steps
                    };
                    pending.push((parent.to_owned(), action));
                }
            }
        }
    }
    for (parent, oo) in pending_oo {
        if let Some(&s) = strategic_index.get(&parent) {
            places.insert(oo.code.clone(), (s, draft.strategic[s].operational.len()));
            draft.strategic[s].operational.push(oo);
        }
    }
    // Where actions sit: (strategic, operational, action) indices.
    let mut action_places: HashMap<String, (usize, usize, usize)> = HashMap::new();
    for (parent, action) in pending_actions {
        if let Some(&(s, o)) = places.get(&parent) {
            let actions = &mut draft.strategic[s].operational[o].actions;
            action_places.insert(action.code.clone(), (s, o, actions.len()));
            actions.push(action);
        }
    }
    for (parent, step) in pending_steps {
        if let Some(&(s, o, a)) = action_places.get(&parent) {
            draft.strategic[s].operational[o].actions[a]
                .sub_actions
                .push(step);
        }
    }
    if errors.is_empty() {
        Ok(draft)
    } else {
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

fn objective(code: &str, title: &str, volet: Volet, read: DraftAction) -> DraftObjective {
    DraftObjective {
        code: code.to_owned(),
        title: title.to_owned(),
        volet,
        own: read.own,
        planned_start: read.planned_start,
        planned_end: read.planned_end,
        operational: Vec::new(),
        actions: Vec::new(),
    }
}

/// The trimmed text of `column` in `row` (empty when the row is short or the column absent).
fn cell_of<'a>(row: &'a [String], positions: &HashMap<String, usize>, column: &str) -> &'a str {
    positions
        .get(column)
        .and_then(|&i| row.get(i))
        .map_or("", |s| s.trim())
}

/// A row, read column by column ([`columns::COLUMNS`]): every column an action's or a
/// sub-action's; those objectives have too ([`columns::Column::objectives`]) an
/// objective's.
fn parse_row(
    line: usize,
    row: &[String],
    positions: &HashMap<String, usize>,
    code: &str,
    title: &str,
    level: Level,
    errors: &mut Vec<RowError>,
) -> Option<DraftAction> {
    let before = errors.len();
    let mut action = DraftAction::new(code, title);
    let objective = matches!(level, Level::Strategic | Level::Operational);
    for column in columns::COLUMNS {
        let Some(read) = column.read else {
            continue;
        };
        if objective && !column.objectives {
            continue;
        }
        if let Err((code, message)) = read(cell_of(row, positions, column.key), &mut action) {
            errors.push(error(line, column.key, code, message));
        }
    }
    if let (Some(start), Some(end)) = (action.planned_start, action.planned_end)
        && end < start
    {
        errors.push(error(
            line,
            "echeance",
            ProblemCode::BeforeStart,
            "L’échéance précède le début.",
        ));
    }
    if let Some((at, _)) = &mut action.own.responsible {
        *at = line;
    }
    (errors.len() == before).then_some(action)
}

/// A status as written in the file: the eComptes value or its label in any language.
fn parse_status(text: &str) -> Option<ActionStatus> {
    let folded = fold(text.trim()).replace(['_', '-'], " ");
    if folded.is_empty() {
        return Some(ActionStatus::NonCommence);
    }
    ActionStatus::ALL
        .iter()
        .copied()
        .find(|status| status.as_str().replace('_', " ") == folded)
        .or_else(|| named(&folded, |t| t.status, ActionStatus::ALL))
}

/// The value among `all` whose label, in some language, `folded` names.
fn named<T: Copy>(
    folded: &str,
    label: impl Fn(&DocumentTexts) -> fn(T) -> &'static str,
    all: &[T],
) -> Option<T> {
    Language::ALL.iter().find_map(|language| {
        let label = label(DocumentTexts::of(*language));
        all.iter()
            .copied()
            .find(|value| names(folded, label(*value)))
    })
}

/// The rows of a plan, in plan order: each objective, each action under its operational
/// objective, and each sub-action right after its action.
pub fn lines(tree: &PlanTree) -> Vec<Line<'_>> {
    let names = |ids| tree.sectoral_plan_names(ids);
    let mut lines = Vec::new();
    for os in &tree.objectives {
        lines.push(Line {
            level: Level::Strategic,
            code: &os.code,
            parent: "",
            title: &os.title,
            volet: os.volet,
            action: None,
            political_lead: os.political_lead.as_deref(),
            political_function: os.political_function.as_deref(),
            responsible: os.responsible.as_ref().map(|r| r.display_name.as_str()),
            dates: (os.dates.planned_start, os.dates.planned_end),
            sectoral_plans: names(&os.sectoral_plans),
        });
        for oo in &os.operational_objectives {
            lines.push(Line {
                level: Level::Operational,
                code: &oo.code,
                parent: &os.code,
                title: &oo.title,
                volet: oo.volet,
                action: None,
                political_lead: oo.political_lead.as_deref(),
                political_function: oo.political_function.as_deref(),
                responsible: oo.responsible.as_ref().map(|r| r.display_name.as_str()),
                dates: (oo.dates.planned_start, oo.dates.planned_end),
                sectoral_plans: names(&oo.sectoral_plans),
            });
            for a in &oo.actions {
                let line = action_line(Level::Action, &oo.code, oo.volet, a);
                lines.push(Line {
                    sectoral_plans: names(&a.sectoral_plans),
                    ..line
                });
                for step in &a.sub_actions {
                    let line = action_line(Level::SubAction, &a.code, oo.volet, step);
                    lines.push(Line {
                        sectoral_plans: names(&step.sectoral_plans),
                        ..line
                    });
                }
            }
        }
    }
    lines
}

/// The row of an action or a sub-action under `parent`.
fn action_line<'a>(
    level: Level,
    parent: &'a str,
    volet: Volet,
    a: &'a api_types::Action,
) -> Line<'a> {
    Line {
        level,
        code: &a.code,
        parent,
        title: &a.title,
        volet,
        action: Some(a),
        political_lead: a.political_lead.as_deref(),
        political_function: a.political_function.as_deref(),
        responsible: a.responsible.as_ref().map(|r| r.display_name.as_str()),
        dates: (a.planned_start, a.planned_end),
        // Named by `lines`, which has the tree's list.
        sectoral_plans: Vec::new(),
    }
}

/// The rows of a plan as the CSV writes them; statuses, kinds and volets named in the
/// texts' language.
pub fn rows(tree: &PlanTree, t: &DocumentTexts) -> Vec<Vec<String>> {
    lines(tree)
        .iter()
        .map(|line| {
            columns::COLUMNS
                .iter()
                .map(|column| (column.write)(line, t).text(t))
                .collect()
        })
        .collect()
}

/// First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
/// injection"): `=`, `+`, `-`, `@`, tab, carriage return.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text`, once its leading apostrophes are set aside, starts like a formula.
fn formula_like_after_apostrophes(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(|c| FORMULA_STARTS.contains(&c))
}

/// A cell as the CSV export writes it: one leading apostrophe when it would start like a
/// formula, so that a spreadsheet shows it as text instead of running it. Text already
/// starting with apostrophes before such a character gets one more, so that
/// [`restore_formula`] gives every text back exactly.
pub fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if formula_like_after_apostrophes(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A cell as the CSV import reads it: the apostrophe [`neutralise_formula`] added is
/// removed (only one, and only before what starts like a formula); any other text is
/// unchanged.
pub fn restore_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if formula_like_after_apostrophes(rest) => rest,
        _ => text,
    }
}

/// The plan as CSV in `language`: UTF-8 with a BOM (so Excel reads the accents),
/// `;`-separated (what a French-language Excel expects), CRLF line ends.
pub fn to_csv(tree: &PlanTree, language: Language) -> Result<Vec<u8>, csv::Error> {
    let t = DocumentTexts::of(language);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(
        columns::COLUMNS
            .iter()
            .map(|column| column_name(column.header(language))),
    )?;
    for row in rows(tree, t) {
        writer.write_record(row.iter().map(|cell| neutralise_formula(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// The reconciliation as a spreadsheet: a row per element and year, amounts in euros
/// written as numbers of the language (`1234,50`), the difference eComptes less planned.
pub fn reconciliation_csv(
    rows: &[api_types::ReconciliationRow],
    language: Language,
) -> Result<Vec<u8>, csv::Error> {
    let t = DocumentTexts::of(language);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(t.reconciliation_header)?;
    let amount = |cents: i64| t.number(ecomptes::euros(cents));
    for row in rows {
        writer.write_record([
            neutralise_formula(&row.code).into_owned(),
            neutralise_formula(&row.title).into_owned(),
            row.year.to_string(),
            match row.direction {
                api_types::BudgetDirection::Depense => t.directions[0],
                api_types::BudgetDirection::Recette => t.directions[1],
            }
            .to_owned(),
            amount(row.planned_cents),
            amount(row.ecomptes_cents),
            amount(row.difference_cents()),
            amount(row.spent_cents),
            if row.differs() { t.differs } else { "" }.to_owned(),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// Every problem of a file, as the fields of one 422 answer.
pub fn report(errors: Vec<RowError>) -> crate::error::ApiError {
    crate::error::ApiError::Validation(
        errors
            .into_iter()
            .map(|e| api_types::FieldError {
                field: if e.column.is_empty() {
                    format!("rows/{}", e.row)
                } else {
                    format!("rows/{}/{}", e.row, e.column)
                },
                code: e.code,
                message: format!("Ligne {} : {}", e.row, e.message),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        read_csv(csv.as_bytes()).expect("readable")
    }

    const HEADER: &str = "niveau;code;parent;intitule;type;volet;porteur;collaborations;reserve;statut;avancement;debut;echeance";

    #[test]
    fn a_small_plan_reads_with_a_bom_and_commas() {
        let csv = format!(
            "\u{feff}{}\nOS,OSe1,,Aider,,externe,,,,,,,\nOO,OOe1,OSe1,Accueillir,,externe,,,,,,,\naction,Pe1,OOe1,Permanence,projet,,CPAS,PCS|DéFITS,Sous réserve,en cours,40 %,01/02/2025,2025-12-31\n",
            HEADER.replace(';', ",")
        );
        let draft = parse(&table(&csv)).expect("valid");
        let action = &draft.strategic[0].operational[0].actions[0];
        assert_eq!(action.kind, Some(ActionKind::Projet));
        assert_eq!(action.progress, 40);
        assert_eq!(action.status, ActionStatus::EnCours);
        assert_eq!(action.collaborators, ["PCS", "DéFITS"]);
        assert_eq!(action.planned_start, NaiveDate::from_ymd_opt(2025, 2, 1));
        assert_eq!(draft.organisations(), ["CPAS", "PCS", "DéFITS"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_row_and_column() {
        let csv = format!(
            "{HEADER}\nOS;OSe1;;Aider;;externe;;;;;;;\nOO;OOe1;OSe1;Accueillir;;externe;;;;;;;\naction;Pe1;OOe9;Permanence;projet;;;;;;;;\naction;Pe2;OOe1;Guichet;projet;;;;;;abc;;\naction;Pe2;OOe1;Encore;projet;;;;;;;;\n"
        );
        let errors = parse(&table(&csv)).expect_err("three problems");
        let found: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (4, "parent", "unknown_parent"),
                (5, "avancement", "invalid_progress"),
                (6, "code", "duplicate_code")
            ]
        );
        assert!(errors[2].message.contains("ligne 5"));
    }

    #[test]
    fn the_sample_file_of_the_documentation_reads() {
        let table = read_csv(include_bytes!("../../../docs/modele-import.csv")).expect("readable");
        let draft = parse(&table).expect("valid");
        assert_eq!(draft.strategic.len(), 2);
        assert_eq!(draft.action_count(), 3);
        let steps = &draft.strategic[0].operational[0].actions[1].sub_actions;
        let codes: Vec<(&str, i16)> = steps.iter().map(|s| (s.code.as_str(), s.weight)).collect();
        assert_eq!(codes, [("Pe2.1", 1), ("Pe2.2", 2)]);
        assert_eq!(steps[1].collaborators, ["DéFITS"]);
        let pe2 = &draft.strategic[0].operational[0].actions[1];
        assert_eq!(pe2.collaborators, ["Commune (PCS)", "DéFITS"]);
        assert!(
            pe2.description
                .as_deref()
                .is_some_and(|d| d.contains("MyMinfin"))
        );
    }

    /// Texts, and the cell the export writes for each (which the import reads back).
    const FORMULA_CELLS: [(&str, &str); 14] = [
        (
            "=HYPERLINK(\"http://evil\",\"x\")",
            "'=HYPERLINK(\"http://evil\",\"x\")",
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-2+3", "'-2+3"),
        ("\tcaché", "'\tcaché"),
        ("\rretour", "'\rretour"),
        ("'=déjà protégé", "''=déjà protégé"),
        ("''-deux", "'''-deux"),
        ("Aider les familles", "Aider les familles"),
        ("l'accueil = priorité", "l'accueil = priorité"),
        ("'citation'", "'citation'"),
        ("'", "'"),
        ("", ""),
        ("2 - 1", "2 - 1"),
    ];

    #[test]
    fn cells_that_start_like_formulas_are_written_with_an_apostrophe() {
        for (text, written) in FORMULA_CELLS {
            assert_eq!(neutralise_formula(text), written, "{text:?}");
        }
    }

    #[test]
    fn the_import_removes_exactly_the_apostrophe_the_export_added() {
        for (text, written) in FORMULA_CELLS {
            assert_eq!(restore_formula(written), text, "{written:?}");
            assert_eq!(restore_formula(&neutralise_formula(text)), text, "{text:?}");
        }
        // An apostrophe the export would not have written stays.
        assert_eq!(restore_formula("'1"), "'1");
    }

    #[test]
    fn csv_cells_lose_the_export_s_apostrophe_when_read() {
        let csv = format!(
            "{HEADER}\nOS;OSe1;;'=1+1;;externe;;;;;;;\nOO;OOe1;OSe1;'@SUM(1);;externe;;;;;;;\n\
             action;Pe1;OOe1;'-2+3;projet;;'+cmd;;;;;;\n"
        );
        let draft = parse(&table(&csv)).expect("valid");
        assert_eq!(draft.strategic[0].title, "=1+1");
        assert_eq!(draft.strategic[0].operational[0].title, "@SUM(1)");
        let action = &draft.strategic[0].operational[0].actions[0];
        assert_eq!(action.title, "-2+3");
        assert_eq!(action.lead.as_deref(), Some("+cmd"));
    }

    #[test]
    fn the_french_headers_are_the_columns_keys() {
        for column in columns::COLUMNS {
            assert_eq!(column_name(column.fr), column.key);
        }
    }

    #[test]
    fn no_header_names_two_columns_in_two_languages() {
        for language in Language::ALL {
            for column in columns::COLUMNS {
                let header = column.header(*language);
                assert_eq!(
                    columns::of_header(header).map(|c| c.key),
                    Some(column.key),
                    "{language} {header}"
                );
            }
        }
    }

    #[test]
    fn a_file_in_english_or_dutch_reads_like_a_french_one() {
        let french = format!(
            "{HEADER}\nOS;OSe1;;Aider;;externe;;;;;;;\nOO;OOe1;OSe1;Accueillir;;interne;;;;;;;\n\
             action;Pe1;OOe1;Permanence;projet;;CPAS;;;annulé/abandonné;40;;\n"
        );
        let english = "level;code;parent;title;type;part;lead;collaborations;reservation;status;progress;start;deadline\n\
             OS;OSe1;;Aider;;external;;;;;;;\nOO;OOe1;OSe1;Accueillir;;internal;;;;;;;\n\
             action;Pe1;OOe1;Permanence;project;;CPAS;;;cancelled/abandoned;40;;\n";
        let dutch = "Niveau;Code;Bovenliggend;Titel;Type;Luik;Trekker;Samenwerkingen;Voorbehoud;Status;Voortgang;Begin;Einddatum\n\
             OS;OSe1;;Aider;;extern;;;;;;;\nOO;OOe1;OSe1;Accueillir;;intern;;;;;;;\n\
             action;Pe1;OOe1;Permanence;project;;CPAS;;;stopgezet;40;;\n";
        let expected = parse(&table(&french)).expect("valid");
        assert_eq!(
            expected.strategic[0].operational[0].actions[0].status,
            ActionStatus::AnnuleAbandonne
        );
        assert_eq!(parse(&table(english)).expect("valid"), expected);
        assert_eq!(parse(&table(dutch)).expect("valid"), expected);
    }

    #[test]
    fn every_label_of_every_language_reads_back() {
        for language in Language::ALL {
            let t = DocumentTexts::of(*language);
            for status in ActionStatus::ALL {
                assert_eq!(
                    parse_status((t.status)(*status)),
                    Some(*status),
                    "{language}"
                );
            }
            for volet in Volet::ALL {
                assert_eq!(
                    named(&fold((t.volet)(*volet)), |t| t.volet, Volet::ALL),
                    Some(*volet)
                );
            }
            for kind in ActionKind::ALL {
                assert_eq!(
                    named(&fold((t.kind)(*kind)), |t| t.kind, ActionKind::ALL),
                    Some(*kind)
                );
            }
        }
    }

    #[test]
    fn a_status_is_read_from_its_ecomptes_value_or_a_half_of_its_label() {
        for (text, status) in [
            ("", ActionStatus::NonCommence),
            ("non_commence", ActionStatus::NonCommence),
            ("EN-COURS", ActionStatus::EnCours),
            ("en_attente", ActionStatus::EnAttente),
            ("Problème", ActionStatus::Probleme),
            (" terminé ", ActionStatus::Termine),
            ("annule_abandonne", ActionStatus::AnnuleAbandonne),
            ("annulé/abandonné", ActionStatus::AnnuleAbandonne),
            ("annule", ActionStatus::AnnuleAbandonne),
            ("Abandonné", ActionStatus::AnnuleAbandonne),
        ] {
            assert_eq!(parse_status(text), Some(status), "{text:?}");
        }
        assert_eq!(parse_status("fini"), None);
    }

    #[test]
    fn sub_actions_sit_under_their_action_even_before_it_and_never_under_a_step() {
        let header = format!("{HEADER};poids;avancement_manuel");
        let csv = format!(
            "{header}\nsous-action;Pe1.1;Pe1;Recenser;;;;;;terminé;100;;;3;\nOS;OSe1;;Aider;;externe;;;;;;;;;\n\
             OO;OOe1;OSe1;Accueillir;;externe;;;;;;;;;\naction;Pe1;OOe1;Permanence;projet;;;;;;;;;;oui\n\
             Sub-action;Pe1.2;Pe1;Former;;;;;;;;;;;\n"
        );
        let draft = parse(&table(&csv)).expect("valid");
        let action = &draft.strategic[0].operational[0].actions[0];
        assert!(action.progress_by_hand);
        let steps: Vec<(&str, i16, i16)> = action
            .sub_actions
            .iter()
            .map(|s| (s.code.as_str(), s.progress, s.weight))
            .collect();
        assert_eq!(steps, [("Pe1.1", 100, 3), ("Pe1.2", 0, 1)]);

        let csv = format!(
            "{header}\nOS;OSe1;;Aider;;externe;;;;;;;;;\nOO;OOe1;OSe1;Accueillir;;externe;;;;;;;;;\n\
             action;Pe1;OOe1;Permanence;;;;;;;;;;;\nsous-action;Pe1.1;Pe1;Recenser;;;;;;;;;;;\n\
             sous-action;Pe1.1.1;Pe1.1;Plus bas;;;;;;;;;;;\nsous-action;Pe9.1;Pe9;Orpheline;;;;;;;;;;;\n\
             sous-action;Pe1.2;OOe1;Sous un OO;;;;;;;;;;0;peut-être\n"
        );
        let errors = parse(&table(&csv)).expect_err("four problems");
        let found: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (6, "parent", "wrong_parent"),
                (7, "parent", "unknown_parent"),
                (8, "parent", "wrong_parent"),
                (8, "poids", "out_of_range"),
                (8, "avancement_manuel", "invalid_value"),
            ]
        );
        assert!(
            errors[0]
                .message
                .contains("une sous-action n’a pas de sous-actions")
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = parse(&table("niveau;code\nOS;OSe1\n")).expect_err("columns missing");
        assert!(errors.iter().any(|e| e.column == "intitule" && e.row == 1));
    }
}
