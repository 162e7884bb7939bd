//! The plan as an Excel workbook, and the interchange columns read from one.

use std::collections::HashMap;
use std::io::Cursor;

use api_types::{ActionStatus, PlanTree};
use calamine::{Data, DataType, Reader, Xlsx};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use uuid::Uuid;

use super::{RowError, Table, error, status_label};

/// What the workbook shows of an action beyond the interchange columns.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// e.g. "Bénéficiaires accompagnés : 35 / 50 personnes".
    pub indicators: String,
    /// e.g. "2026 : 12 000,00 € prévus, 4 500,00 € dépensés".
    pub budget: String,
    pub latest_note: String,
}

const HEADERS: [&str; 17] = [
    "Niveau",
    "Code",
    "Parent",
    "Intitulé",
    "Type",
    "Volet",
    "Porteur",
    "Collaborations",
    "Réserve",
    "Statut",
    "Avancement",
    "Début",
    "Échéance",
    "Description",
    "Indicateurs",
    "Budget",
    "Dernière note",
];
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

/// The workbook: the plan (grouped OS → OO → actions with outline levels, frozen header,
/// filters, coloured statuses) and a per-objective summary.
pub fn to_xlsx(tree: &PlanTree, extras: &HashMap<Uuid, Extras>) -> Result<Vec<u8>, XlsxError> {
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
        .set_num_format("0\" %\"")
        .set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&tree.title))?;
    for (column, (title, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, column, *title, &header)?;
        sheet.set_column_width(column, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row: u32 = 1;
    for os in &tree.objectives {
        let cells = ["OS", &os.code, "", &os.title, "", os.volet.as_str()];
        for (column, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, column as u16, *text, &strategic)?;
        }
        row += 1;
        let os_first = row;
        for oo in &os.operational_objectives {
            let cells = ["OO", &oo.code, &os.code, &oo.title, "", oo.volet.as_str()];
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
                            .map(|k| k.as_str().to_owned())
                            .unwrap_or_default(),
                    ),
                    (5, oo.volet.as_str().to_owned()),
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
                sheet.write_string_with_format(row, 9, status_label(action.status), &status)?;
                sheet.write_number_with_format(row, 10, f64::from(action.progress), &percent)?;
                if let Some(start) = action.planned_start {
                    sheet.write_date_with_format(row, 11, start, &date)?;
                }
                if let Some(end) = action.planned_end {
                    sheet.write_date_with_format(row, 12, end, &date)?;
                }
                sheet.write_string_with_format(row, 14, &extra.indicators, &wrap)?;
                sheet.write_string_with_format(row, 15, &extra.budget, &wrap)?;
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
        (HEADERS.len() - 1) as u16,
    )?;

    // The summary: per objective, how many actions, how far, how many late.
    let summary = workbook.add_worksheet();
    summary.set_name("Synthèse")?;
    let titles = [
        "Code",
        "Intitulé",
        "Actions",
        "Avancement moyen",
        "Terminées",
        "En cours",
        "Non commencées",
        "En retard",
    ];
    for (column, title) in titles.iter().enumerate() {
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
    let mean = if actions.is_empty() {
        0.0
    } else {
        actions.iter().map(|a| f64::from(a.progress)).sum::<f64>() / actions.len() as f64
    };
    sheet.write_string_with_format(row, 0, code, format)?;
    sheet.write_string_with_format(row, 1, title, format)?;
    sheet.write_number(row, 2, actions.len() as f64)?;
    sheet.write_number_with_format(row, 3, (mean * 10.0).round() / 10.0, percent)?;
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

/// The first sheet of a workbook as text cells (dates as `YYYY-MM-DD`).
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, Vec<RowError>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        vec![error(
            1,
            "",
            "unreadable",
            format!("Classeur illisible : {e}."),
        )]
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let Some(range) = workbook.worksheet_range_at(0) else {
        return Err(vec![error(
            1,
            "",
            "empty",
            "Le classeur n’a pas de feuille.",
        )]);
    };
    let range = range.map_err(|e| unreadable(&e))?;
    let mut rows = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect::<Vec<String>>());
    let header = rows
        .next()
        .ok_or_else(|| vec![error(1, "", "empty", "La feuille est vide.")])?;
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
