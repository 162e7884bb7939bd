//! The plan as an Excel workbook, and the interchange columns read from one.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use api_types::{ActionStatus, BudgetLine, Indicator, Language, PlanTree, ProblemCode};
use calamine::{Data, DataType, Reader, Xlsx};
use quick_xml::events::Event;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use uuid::Uuid;

use super::{Refusal, Table, error, limits, over_limit};
use crate::texts::DocumentTexts;

/// What the workbook shows of an action beyond the interchange columns.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Shown as "Bénéficiaires accompagnés : 35 / 50 personnes", one a line.
    pub indicators: Vec<Indicator>,
    /// Shown as "2026 : 12000,00 € prévus, 4500,00 € dépensés", one a line.
    pub budget: Vec<BudgetLine>,
    pub latest_note: String,
}

/// The budget lines as the workbook shows them, one a line.
fn budget_text(t: &DocumentTexts, budget: &[BudgetLine]) -> String {
    budget
        .iter()
        .map(|b| (t.budget_line)(b.year, &t.money(b.planned_cents), &t.money(b.spent_cents)))
        .collect::<Vec<_>>()
        .join("\n")
}

const WIDTHS: [f64; 17] = [
    8.0, 9.0, 8.0, 60.0, 9.0, 9.0, 22.0, 28.0, 30.0, 16.0, 11.0, 11.0, 11.0, 40.0, 40.0, 36.0, 50.0,
];

fn status_colour(status: ActionStatus) -> Color {
    match status {
        ActionStatus::NonCommence => Color::RGB(0xE5E7EB),
        ActionStatus::EnCours => Color::RGB(0xDBEAFE),
        ActionStatus::EnAttente => Color::RGB(0xFEF3C7),
        ActionStatus::Probleme => Color::RGB(0xFEE2E2),
        ActionStatus::Termine => Color::RGB(0xDCFCE7),
        ActionStatus::AnnuleAbandonne => Color::RGB(0xF3F4F6),
    }
}

/// The workbook in `language`: the plan (grouped OS → OO → actions with outline levels,
/// frozen header, filters, coloured statuses) and a per-objective summary.
pub fn to_xlsx(
    tree: &PlanTree,
    extras: &HashMap<Uuid, Extras>,
    language: Language,
) -> Result<Vec<u8>, XlsxError> {
    let t = DocumentTexts::of(language);
    let headers: Vec<&str> = t.columns.iter().chain(&t.extra_columns).copied().collect();
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x0B4F8A))
        .set_font_color(Color::White)
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let strategic = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E2EC));
    let operational = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xEEF2F6));
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("dd/mm/yyyy")
        .set_align(FormatAlign::Top);
    let percent = Format::new()
        .set_num_format(format!("0\"{}\"", t.percent_sign))
        .set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&tree.title))?;
    for (column, (title, width)) in headers.iter().zip(WIDTHS).enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, column, *title, &header)?;
        sheet.set_column_width(column, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row: u32 = 1;
    for os in &tree.objectives {
        let cells = ["OS", &os.code, "", &os.title, "", (t.volet)(os.volet)];
        for (column, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, column as u16, *text, &strategic)?;
        }
        row += 1;
        let os_first = row;
        for oo in &os.operational_objectives {
            let cells = ["OO", &oo.code, &os.code, &oo.title, "", (t.volet)(oo.volet)];
            for (column, text) in cells.iter().enumerate() {
                sheet.write_string_with_format(row, column as u16, *text, &operational)?;
            }
            row += 1;
            let oo_first = row;
            for action in &oo.actions {
                let extra = extras.get(&action.id).cloned().unwrap_or_default();
                let status = Format::new()
                    .set_background_color(status_colour(action.status))
                    .set_align(FormatAlign::Top);
                let texts: [(u16, String); 10] = [
                    (0, "action".to_owned()),
                    (1, action.code.clone()),
                    (2, oo.code.clone()),
                    (3, action.title.clone()),
                    (
                        4,
                        action
                            .kind
                            .map(|k| (t.kind)(k).to_owned())
                            .unwrap_or_default(),
                    ),
                    (5, (t.volet)(oo.volet).to_owned()),
                    (
                        6,
                        action
                            .lead
                            .as_ref()
                            .map(|o| o.name.clone())
                            .unwrap_or_default(),
                    ),
                    (
                        7,
                        action
                            .collaborators
                            .iter()
                            .map(|o| o.name.as_str())
                            .collect::<Vec<_>>()
                            .join("|"),
                    ),
                    (8, action.reservation.clone().unwrap_or_default()),
                    (13, action.description.clone().unwrap_or_default()),
                ];
                for (column, text) in texts {
                    sheet.write_string_with_format(row, column, text, &wrap)?;
                }
                sheet.write_string_with_format(row, 9, (t.status)(action.status), &status)?;
                sheet.write_number_with_format(row, 10, f64::from(action.progress), &percent)?;
                if let Some(start) = action.planned_start {
                    sheet.write_date_with_format(row, 11, start, &date)?;
                }
                if let Some(end) = action.planned_end {
                    sheet.write_date_with_format(row, 12, end, &date)?;
                }
                let indicators = crate::report::indicators_text(t, &extra.indicators, "\n");
                sheet.write_string_with_format(row, 14, &indicators, &wrap)?;
                let budget = budget_text(t, &extra.budget);
                sheet.write_string_with_format(row, 15, &budget, &wrap)?;
                sheet.write_string_with_format(row, 16, &extra.latest_note, &wrap)?;
                row += 1;
            }
            // Outline level 2: the actions under their operational objective.
            if row > oo_first {
                sheet.group_rows(oo_first, row - 1)?;
            }
        }
        // Outline level 1: everything under the strategic objective.
        if row > os_first {
            sheet.group_rows(os_first, row - 1)?;
        }
    }
    sheet.autofilter(
        0,
        0,
        row.saturating_sub(1).max(1),
        (headers.len() - 1) as u16,
    )?;

    // The summary: per objective, how many actions, how far, how many late.
    let summary = workbook.add_worksheet();
    summary.set_name(t.summary)?;
    for (column, title) in t.summary_columns.iter().enumerate() {
        summary.write_string_with_format(0, column as u16, *title, &header)?;
    }
    summary.set_column_width(1, 60.0)?;
    summary.set_freeze_panes(1, 0)?;
    let mut row: u32 = 1;
    for os in &tree.objectives {
        let all: Vec<&api_types::Action> = os
            .operational_objectives
            .iter()
            .flat_map(|o| &o.actions)
            .collect();
        write_summary(
            summary, row, &os.code, &os.title, &all, &strategic, &percent,
        )?;
        row += 1;
        let first = row;
        for oo in &os.operational_objectives {
            let actions: Vec<&api_types::Action> = oo.actions.iter().collect();
            write_summary(summary, row, &oo.code, &oo.title, &actions, &wrap, &percent)?;
            row += 1;
        }
        if row > first {
            summary.group_rows(first, row - 1)?;
        }
    }
    workbook.save_to_buffer()
}

fn write_summary(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    code: &str,
    title: &str,
    actions: &[&api_types::Action],
    format: &Format,
    percent: &Format,
) -> Result<(), XlsxError> {
    let count = |status: ActionStatus| actions.iter().filter(|a| a.status == status).count() as f64;
    let mean = api_types::mean_progress(
        actions.iter().map(|a| i64::from(a.progress)).sum(),
        actions.len() as i64,
    );
    sheet.write_string_with_format(row, 0, code, format)?;
    sheet.write_string_with_format(row, 1, title, format)?;
    sheet.write_number(row, 2, actions.len() as f64)?;
    sheet.write_number_with_format(row, 3, mean, percent)?;
    sheet.write_number(row, 4, count(ActionStatus::Termine))?;
    sheet.write_number(row, 5, count(ActionStatus::EnCours))?;
    sheet.write_number(row, 6, count(ActionStatus::NonCommence))?;
    sheet.write_number(row, 7, actions.iter().filter(|a| a.late).count() as f64)?;
    Ok(())
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Plan".to_owned()
    } else {
        cleaned
    }
}

/// The first sheet of a workbook as text cells (dates as `YYYY-MM-DD`), read within
/// [`limits`]: the package is measured before calamine opens it, and the sheet is read
/// cell by cell, so that neither a padded part nor a far-away cell costs memory.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, Refusal> {
    if bytes.len() > limits::MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(super::file_too_large()));
    }
    check_package(bytes)?;
    // calamine asserts on some malformed sheets (a dimension such as `B2:A1`): a file that
    // makes a library panic is an unreadable file, not a server error.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_first_sheet(bytes)))
        .unwrap_or_else(|_| Err(unreadable(&"structure invalide")))
}

fn unreadable(e: &dyn std::fmt::Display) -> Refusal {
    Refusal::Problems(vec![error(
        1,
        "",
        ProblemCode::Unreadable,
        format!("Classeur illisible : {e}."),
    )])
}

/// Every part of the package within [`limits::MAX_PART_BYTES`] once inflated (measured by
/// inflating it, as declared sizes can lie), all of them within
/// [`limits::MAX_PACKAGE_BYTES`], and the shared strings within [`limits::MAX_CELLS`]
/// (calamine reserves room for as many as the file announces).
fn check_package(bytes: &[u8]) -> Result<(), Refusal> {
    let mut package = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if package.len() > limits::MAX_PARTS {
        return Err(Refusal::TooLarge(format!(
            "Le classeur a plus de {} parties.",
            limits::MAX_PARTS
        )));
    }
    let mut total = 0;
    for index in 0..package.len() {
        let part = package.by_index(index).map_err(|e| unreadable(&e))?;
        let name = part.name().map_err(|e| unreadable(&e))?.into_owned();
        let too_large = || {
            Refusal::TooLarge(format!(
                "La partie « {name} » du classeur dépasse {} Mo une fois décompressée.",
                limits::MAX_PART_BYTES >> 20
            ))
        };
        if part.size() > limits::MAX_PART_BYTES {
            return Err(too_large());
        }
        let mut inflated = part.take(limits::MAX_PART_BYTES + 1);
        let size = if name.ends_with("sharedStrings.xml") {
            count_shared_strings(&mut inflated)?
        } else {
            std::io::copy(&mut inflated, &mut std::io::sink()).map_err(|e| unreadable(&e))?
        };
        if size > limits::MAX_PART_BYTES {
            return Err(too_large());
        }
        total += size;
        if total > limits::MAX_PACKAGE_BYTES {
            return Err(Refusal::TooLarge(format!(
                "Le classeur dépasse {} Mo une fois décompressé.",
                limits::MAX_PACKAGE_BYTES >> 20
            )));
        }
    }
    Ok(())
}

/// Reads the shared strings part to its end (or its limit), refusing more strings than
/// [`limits::MAX_CELLS`], announced or present. Answers the bytes read.
fn count_shared_strings(part: &mut impl Read) -> Result<u64, Refusal> {
    let too_many = || {
        over_limit(
            1,
            ProblemCode::TooManyCells,
            format!("Le classeur partage plus de {} textes.", limits::MAX_CELLS),
        )
    };
    let mut counted = CountingReader {
        inner: part,
        read: 0,
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(&mut counted));
    let mut buffer = Vec::with_capacity(1024);
    let mut strings = 0_usize;
    loop {
        buffer.clear();
        match xml.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                match element.local_name().as_ref() {
                    "sst" => {
                        let announced = element
                            .try_get_attribute("uniqueCount")
                            .ok()
                            .flatten()
                            .and_then(|a| a.value.parse::<u64>().ok());
                        if announced.is_some_and(|n| n > limits::MAX_CELLS as u64) {
                            return Err(too_many());
                        }
                    }
                    "si" => {
                        strings += 1;
                        if strings > limits::MAX_CELLS {
                            return Err(too_many());
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            // Malformed XML: calamine says so in its own words when it reads the part.
            Err(_) => break,
        }
    }
    drop(xml);
    // Whatever the XML reader left unread still counts towards the part's size.
    std::io::copy(&mut counted, &mut std::io::sink()).map_err(|e| unreadable(&e))?;
    Ok(counted.read)
}

/// Counts the bytes read through it.
struct CountingReader<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The first sheet's cells, from the first row and column that hold something.
fn read_first_sheet(bytes: &[u8]) -> Result<Table, Refusal> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let Some(name) = workbook.sheet_names().first().cloned() else {
        return Err(Refusal::from(vec![error(
            1,
            "",
            ProblemCode::Empty,
            "Le classeur n’a pas de feuille.",
        )]));
    };
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(&e))?;
    let declared = reader.dimensions();
    let (last_row, last_column) = (
        declared.start.0.max(declared.end.0),
        declared.start.1.max(declared.end.1),
    );
    if last_row as usize >= limits::MAX_ROWS || last_column as usize >= limits::MAX_COLUMNS {
        return Err(over_limit(
            1,
            ProblemCode::SheetTooLarge,
            format!(
                "La feuille « {name} » s’étend jusqu’à {} : au plus {} lignes et {} colonnes.",
                limits::cell_reference(last_row, last_column),
                limits::MAX_ROWS,
                limits::MAX_COLUMNS
            ),
        ));
    }
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
        let (row, column) = cell.get_position();
        if row as usize >= limits::MAX_ROWS || column as usize >= limits::MAX_COLUMNS {
            return Err(over_limit(
                usize::try_from(row).map_or(usize::MAX, |r| r.saturating_add(1)),
                ProblemCode::SheetTooLarge,
                format!(
                    "La cellule {} est hors de la feuille lue : au plus {} lignes et {} colonnes.",
                    limits::cell_reference(row, column),
                    limits::MAX_ROWS,
                    limits::MAX_COLUMNS
                ),
            ));
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if text.len() > limits::MAX_CELL_CHARS && text.chars().count() > limits::MAX_CELL_CHARS {
            return Err(over_limit(
                row as usize + 1,
                ProblemCode::CellTooLong,
                format!(
                    "La cellule {} dépasse {} caractères.",
                    limits::cell_reference(row, column),
                    limits::MAX_CELL_CHARS
                ),
            ));
        }
        if cells.len() == limits::MAX_CELLS {
            return Err(over_limit(
                row as usize + 1,
                ProblemCode::TooManyCells,
                format!(
                    "La feuille a plus de {} cellules remplies.",
                    limits::MAX_CELLS
                ),
            ));
        }
        cells.push((row, column, text));
    }
    // Within the limits: a dense table of at most MAX_ROWS × MAX_COLUMNS cells.
    let first_row = cells.iter().map(|c| c.0).min();
    let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let Some(first_row) = first_row else {
        return Err(Refusal::from(vec![error(
            1,
            "",
            ProblemCode::Empty,
            "La feuille est vide.",
        )]));
    };
    let height = cells.iter().map(|c| c.0).max().unwrap_or(first_row) - first_row + 1;
    let width = cells.iter().map(|c| c.1).max().unwrap_or(first_column) - first_column + 1;
    let mut grid = vec![vec![String::new(); width as usize]; height as usize];
    for (row, column, text) in cells {
        grid[(row - first_row) as usize][(column - first_column) as usize] = text;
    }
    let mut rows = grid.into_iter();
    let header = rows.next().unwrap_or_default();
    Ok(Table {
        header,
        rows: rows.collect(),
    })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Float(number) if number.fract() == 0.0 => format!("{number:.0}"),
        Data::Float(number) => number.to_string(),
        Data::Int(number) => number.to_string(),
        Data::Bool(flag) => flag.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_date()
            .map(|d| d.to_string())
            .unwrap_or_else(|| cell.to_string()),
        other => other.to_string(),
    }
}
