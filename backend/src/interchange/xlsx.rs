//! The plan as an Excel workbook, and the interchange columns read from one.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use api_types::{
    ActionStatus, BudgetLine, BudgetRollup, Indicator, Language, PlanTree, ProblemCode,
};
use calamine::{Data, DataType, Reader, Xlsx};
use quick_xml::events::Event;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use uuid::Uuid;

use super::columns::{COLUMNS, Cell, Level};
use super::{Refusal, Table, error, limits, lines, over_limit};
use crate::domain::budget::PlanBudget;
use crate::texts::DocumentTexts;

/// What the workbook shows of an action beyond the interchange columns.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Shown as "Bénéficiaires accompagnés : 35 / 50 personnes", one a line.
    pub indicators: Vec<Indicator>,
    /// Shown as "Formation — 2026 : 12000,00 € prévus, 6000,00 € engagés, 4500,00 €
    /// dépensés", one a line (the label first when the line has one).
    pub budget: Vec<BudgetLine>,
    pub latest_note: String,
}

/// The budget lines as the workbook shows them, one a line.
fn budget_text(t: &DocumentTexts, budget: &[BudgetLine]) -> String {
    budget
        .iter()
        .map(|b| {
            let figures = (t.budget_line)(
                b.year,
                &t.money(b.planned_cents),
                &t.money(b.engaged_cents),
                &t.money(b.spent_cents),
            );
            match &b.label {
                Some(label) => format!("{label} — {figures}"),
                None => figures,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

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

/// The workbook in `language`: the plan (grouped OS → OO → actions → sub-actions with
/// outline levels, frozen header, filters, coloured statuses), a per-objective summary,
/// and the budget by year of the plan and of each objective.
pub fn to_xlsx(
    tree: &PlanTree,
    extras: &HashMap<Uuid, Extras>,
    budget: &PlanBudget,
    language: Language,
) -> Result<Vec<u8>, XlsxError> {
    let t = DocumentTexts::of(language);
    let headers: Vec<&str> = COLUMNS
        .iter()
        .map(|c| c.header(language))
        .chain(t.extra_columns)
        .collect();
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
    let extra_widths = [40.0, 36.0, 50.0];
    let widths = COLUMNS.iter().map(|c| c.width).chain(extra_widths);
    for (column, (title, width)) in headers.iter().zip(widths).enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, column, *title, &header)?;
        sheet.set_column_width(column, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let extra_column = u16::try_from(COLUMNS.len()).unwrap_or(u16::MAX);
    let mut row: u32 = 1;
    // The first row under the current OS, OO and action: where each group starts.
    let (mut os_first, mut oo_first, mut action_first) = (None, None, None);
    // Closes the groups a row of `level` ends: outline level 1 under an OS, 2 under an
    // OO, 3 for the sub-actions under their action.
    let close = |sheet: &mut rust_xlsxwriter::Worksheet,
                 first: &mut Option<u32>,
                 row: u32|
     -> Result<(), XlsxError> {
        if let Some(first) = first.take()
            && row > first
        {
            sheet.group_rows(first, row - 1)?;
        }
        Ok(())
    };
    for line in lines(tree) {
        match line.level {
            Level::Strategic => {
                close(sheet, &mut action_first, row)?;
                close(sheet, &mut oo_first, row)?;
                close(sheet, &mut os_first, row)?;
            }
            Level::Operational => {
                close(sheet, &mut action_first, row)?;
                close(sheet, &mut oo_first, row)?;
            }
            Level::Action => close(sheet, &mut action_first, row)?,
            Level::SubAction => {}
        }
        let row_format = match line.level {
            Level::Strategic => Some(&strategic),
            Level::Operational => Some(&operational),
            Level::Action | Level::SubAction => None,
        };
        for (index, column) in COLUMNS.iter().enumerate() {
            let index = u16::try_from(index).unwrap_or(u16::MAX);
            match (column.write)(&line, t) {
                Cell::Empty => {
                    if let Some(format) = row_format {
                        sheet.write_blank(row, index, format)?;
                    }
                }
                Cell::Text(text) => {
                    sheet.write_string_with_format(
                        row,
                        index,
                        text,
                        row_format.unwrap_or(&wrap),
                    )?;
                }
                Cell::Status(status) => {
                    let coloured = Format::new()
                        .set_background_color(status_colour(status))
                        .set_align(FormatAlign::Top);
                    sheet.write_string_with_format(row, index, (t.status)(status), &coloured)?;
                }
                Cell::Percent(value) => {
                    sheet.write_number_with_format(row, index, f64::from(value), &percent)?;
                }
                Cell::Number(value) => {
                    sheet.write_number_with_format(row, index, f64::from(value), &wrap)?;
                }
                Cell::Date(value) => {
                    sheet.write_date_with_format(row, index, value, &date)?;
                }
            }
        }
        if let Some(action) = line.action {
            let extra = extras.get(&action.id).cloned().unwrap_or_default();
            let indicators = crate::report::indicators_text(t, &extra.indicators, "\n");
            let budget = budget_text(t, &extra.budget);
            for (offset, text) in [indicators, budget, extra.latest_note]
                .into_iter()
                .enumerate()
            {
                let column = extra_column + u16::try_from(offset).unwrap_or(0);
                sheet.write_string_with_format(row, column, text, &wrap)?;
            }
        }
        row += 1;
        match line.level {
            Level::Strategic => os_first = Some(row),
            Level::Operational => oo_first = Some(row),
            Level::Action => action_first = Some(row),
            Level::SubAction => {}
        }
    }
    close(sheet, &mut action_first, row)?;
    close(sheet, &mut oo_first, row)?;
    close(sheet, &mut os_first, row)?;
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

    // The budget by year: a row per element and year, then the element's total, amounts
    // as numbers (in euros) for the CPAS's own pivot tables.
    let sheet = workbook.add_worksheet();
    sheet.set_name(t.budget_title)?;
    for (column, title) in t.budget_columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &header)?;
    }
    sheet.set_column_width(1, 60.0)?;
    sheet.set_column_width(2, 16.0)?;
    for column in 3..7 {
        sheet.set_column_width(column, 16.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let euros = Format::new().set_num_format(t.euro_format);
    let bold_euros = euros.clone().set_bold();
    let mut row: u32 = 1;
    let mut write_budget = |code: &str, title: &str, figures: &BudgetRollup| {
        for (year, amounts) in crate::domain::budget::year_rows(figures) {
            sheet.write_string(row, 0, code)?;
            sheet.write_string(row, 1, title)?;
            match year {
                Some(year) => sheet.write_number(row, 2, year)?,
                None => sheet.write_string_with_format(row, 2, t.all_years, &strategic)?,
            };
            for (offset, cents) in amounts.into_iter().enumerate() {
                let format = if year.is_some() { &euros } else { &bold_euros };
                sheet.write_number_with_format(
                    row,
                    3 + offset as u16,
                    cents as f64 / 100.0,
                    format,
                )?;
            }
            row += 1;
        }
        Ok::<(), XlsxError>(())
    };
    write_budget("", t.whole_plan, &budget.plan)?;
    for os in &tree.objectives {
        write_budget(&os.code, &os.title, &budget.of(os.id))?;
        for oo in &os.operational_objectives {
            write_budget(&oo.code, &oo.title, &budget.of(oo.id))?;
        }
    }
    sheet.autofilter(0, 0, row - 1, 5)?;
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
