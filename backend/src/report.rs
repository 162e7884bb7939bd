//! The council's evaluation report of a plan at a date, as a print-ready HTML page (A4) and
//! as a DOCX the council secretary can edit; and the public transparency page. Each is
//! written in the [`Language`] asked, with the texts of [`DocumentTexts`].

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Cursor;

use api_types::{
    Action, ActionStatus, BudgetLine, BudgetRollup, Indicator, Language, PlanTree, PublicAction,
    PublicPlan,
};
use chrono::NaiveDate;
use docx_rs::{Docx, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow, WidthType};
use uuid::Uuid;

use crate::domain::budget::PlanBudget;
use crate::domain::council::Decision;
use crate::texts::DocumentTexts;

/// Everything the report shows.
pub struct Report {
    pub tree: PlanTree,
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub measures: HashMap<Uuid, (Vec<Indicator>, Vec<BudgetLine>)>,
    pub decisions: Vec<Decision>,
    /// The budget by year, of the plan and of each objective.
    pub budget: PlanBudget,
}

/// Text made safe for HTML: everything users typed goes through here.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A date as every document writes it, in every language: dd/mm/yyyy.
fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn optional_date(t: &DocumentTexts, d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_else(|| t.none.to_owned())
}

fn figure(t: &DocumentTexts, value: Option<f64>) -> String {
    value.map_or_else(|| t.none.to_owned(), |v| t.number(v))
}

fn mean(t: &DocumentTexts, items: &[&Action]) -> String {
    let sum: i64 = items.iter().map(|a| i64::from(a.progress)).sum();
    api_types::whole_mean_progress(sum, items.len() as i64)
        .map_or_else(|| t.none.to_owned(), |mean| t.percent(mean))
}

/// Indicators as "name : measured / target unit", joined by `separator`; the workbook and
/// the report show them the same way.
pub fn indicators_text(t: &DocumentTexts, indicators: &[Indicator], separator: &str) -> String {
    indicators
        .iter()
        .map(|i| {
            format!(
                "{}{}{} / {} {}",
                i.name,
                t.colon,
                figure(t, i.current_value),
                figure(t, i.target),
                i.unit.clone().unwrap_or_default()
            )
            .trim_end()
            .to_owned()
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// The rows of the report's "budget by year" table, as `budget_columns` heads them: the
/// whole plan's years and total, then each strategic objective's that has figures (its
/// operational objectives are in the workbook's sheet of the same name).
fn budget_rows(t: &DocumentTexts, report: &Report) -> Vec<[String; 7]> {
    let mut rows = Vec::new();
    let mut add = |code: &str, title: &str, budget: &BudgetRollup| {
        for (year, amounts) in crate::domain::budget::year_rows(budget) {
            let year = year.map_or_else(|| t.all_years.to_owned(), |y| y.to_string());
            let [planned, engaged, spent, ecomptes] = amounts.map(|cents| t.money(cents));
            rows.push([
                code.to_owned(),
                title.to_owned(),
                year,
                planned,
                engaged,
                spent,
                ecomptes,
            ]);
        }
    };
    add("", t.whole_plan, &report.budget.plan);
    for os in &report.tree.objectives {
        let budget = report.budget.of(os.id);
        if !budget.by_year.is_empty() {
            add(&os.code, &os.title, &budget);
        }
    }
    rows
}

/// The name of the report's DOCX file.
pub fn docx_file_name(report: &Report, language: Language) -> String {
    format!(
        "{}-{}-{}.docx",
        DocumentTexts::of(language).report_file,
        report.tree.tenant.slug,
        report.until
    )
}

const PRINT_CSS: &str = r#"
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 180mm; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 14pt 0 4pt; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; break-after: avoid; page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; }
th, td { border: 0.5pt solid #999; padding: 3pt 4pt; vertical-align: top; text-align: left; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { background: #e8edf3; }
.late { font-weight: bold; }
td.amount { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
tr.step td:first-child { padding-left: 1.5rem; }
.step-of { display: block; font-size: 8.5pt; font-weight: normal; color: #4a5361; }
.meta { color: #444; }
section.strategic { break-before: auto; }
@media screen { body { padding: 1rem; } }
"#;

/// The report as one HTML page, ready to print on A4 (rows never cut across pages).
pub fn html(report: &Report, language: Language) -> String {
    let t = DocumentTexts::of(language);
    let tree = &report.tree;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{report} — {title}</title><style>{PRINT_CSS}</style></head><body><main>\
         <h1>{heading}</h1>\
         <p class=\"meta\">{cpas} · {period} · {state}</p>",
        lang = t.html_lang,
        report = t.report,
        title = escape(&tree.title),
        heading = escape(&(t.report_of)(&tree.title)),
        cpas = escape(&tree.tenant.name),
        period = (t.period)(&date(report.since), &date(report.until)),
        state = (t.plan_state)(tree.status, tree.adopted_on.map(date).as_deref()),
    );
    let all: Vec<&Action> = tree.actions().collect();
    let done = all
        .iter()
        .filter(|a| a.status == ActionStatus::Termine)
        .count();
    let late: Vec<&&Action> = all.iter().filter(|a| a.late).collect();
    let _ = write!(
        out,
        "<h2>{}</h2><p>{}</p>",
        t.summary,
        (t.summary_sentence)(all.len(), &mean(t, &all), done, late.len())
    );
    for os in &tree.objectives {
        let os_actions: Vec<&Action> = os
            .operational_objectives
            .iter()
            .flat_map(|o| &o.actions)
            .collect();
        let _ = write!(
            out,
            "<section class=\"strategic\"><h2>{} — {} <small>({})</small></h2>",
            escape(&os.code),
            escape(&os.title),
            mean(t, &os_actions)
        );
        for oo in &os.operational_objectives {
            let oo_actions: Vec<&Action> = oo.actions.iter().collect();
            let _ = write!(
                out,
                "<h3>{} — {} <small>({})</small></h3><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
                 <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                escape(&oo.code),
                escape(&oo.title),
                mean(t, &oo_actions),
                t.column_action,
                t.column_status,
                t.column_progress,
                t.column_deadline,
                t.column_indicators_measured,
            );
            for a in &oo.actions {
                report_row(&mut out, t, report, a, None);
                for step in &a.sub_actions {
                    report_row(&mut out, t, report, step, Some(&a.code));
                }
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
    let _ = write!(out, "<h2>{}</h2>", t.late_actions);
    if late.is_empty() {
        let _ = write!(out, "<p>{}</p>", t.nothing);
    } else {
        out.push_str("<ul>");
        for a in &late {
            let _ = write!(
                out,
                "<li><strong>{}</strong> {} ({})</li>",
                escape(&a.code),
                escape(&a.title),
                (t.due)(&optional_date(t, a.planned_end))
            );
        }
        out.push_str("</ul>");
    }
    let _ = write!(out, "<h2>{}</h2>", t.budget_title);
    if report.budget.is_empty() {
        let _ = write!(out, "<p>{}</p>", t.no_budget);
    } else {
        out.push_str("<table class=\"budget\"><thead><tr>");
        for column in t.budget_columns {
            let _ = write!(out, "<th scope=\"col\">{column}</th>");
        }
        out.push_str("</tr></thead><tbody>");
        for row in budget_rows(t, report) {
            let total = if row[2] == t.all_years {
                " class=\"total\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr{total}><td>{}</td><td>{}</td><td>{}</td><td class=\"amount\">{}</td><td class=\"amount\">{}</td><td class=\"amount\">{}</td></tr>",
                escape(&row[0]),
                escape(&row[1]),
                escape(&row[2]),
                escape(&row[3]),
                escape(&row[4]),
                escape(&row[5]),
            );
        }
        out.push_str("</tbody></table>");
    }
    let _ = write!(out, "<h2>{}</h2>", t.decisions);
    if report.decisions.is_empty() {
        let _ = write!(out, "<p>{}</p>", t.no_decisions);
    } else {
        let _ = write!(
            out,
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            t.column_date,
            t.column_action,
            t.column_proposed_by,
            t.column_approved_by,
            t.column_note
        );
        for d in &report.decisions {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                date(d.decided_on),
                escape(&d.action_code),
                escape(&d.author),
                escape(&d.decided_by),
                escape(d.note.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</tbody></table>");
    }
    if !tree.opinions.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2>",
            escape(tree.opinion_title.as_deref().unwrap_or(t.opinion_title))
        );
        for opinion in &tree.opinions {
            if let Some(heading) = &opinion.heading {
                let _ = write!(out, "<h3>{}</h3>", escape(heading));
            }
            for paragraph in opinion.body.split("\n\n") {
                let _ = write!(out, "<p>{}</p>", escape(paragraph));
            }
        }
    }
    out.push_str("</main></body></html>");
    out
}

/// An action's row of the report's tables; a sub-action's follows its action's
/// (`step_of`), saying which action it is a step of.
fn report_row(
    out: &mut String,
    t: &DocumentTexts,
    report: &Report,
    a: &Action,
    step_of: Option<&str>,
) {
    let indicators = report
        .measures
        .get(&a.id)
        .map(|(i, _)| indicators_text(t, i, " ; "))
        .unwrap_or_default();
    let class = match (a.late, step_of.is_some()) {
        (true, true) => " class=\"late step\"",
        (true, false) => " class=\"late\"",
        (false, true) => " class=\"step\"",
        (false, false) => "",
    };
    let _ = write!(
        out,
        "<tr{class}><td>{step_of}<strong>{code}</strong> {title}</td><td>{status}</td><td>{progress}</td><td>{end}</td><td>{indicators}</td></tr>",
        step_of = step_of
            .map(|parent| {
                format!(
                    "<span class=\"step-of\">{}</span>",
                    escape(&(t.sub_action_of)(parent))
                )
            })
            .unwrap_or_default(),
        code = escape(&a.code),
        title = escape(&a.title),
        status = escape(&status_text(t, a)),
        progress = t.percent(a.progress),
        end = optional_date(t, a.planned_end),
        indicators = escape(&indicators),
    );
}

/// An action's status cell: its status, "late" when it is, and its health with the reason
/// when one is given ("en cours — en retard · santé : à surveiller (local à trouver)").
fn status_text(t: &DocumentTexts, a: &Action) -> String {
    let mut text = (t.status)(a.status).to_owned();
    if a.late {
        text.push_str(" — ");
        text.push_str(t.late);
    }
    if let Some(health) = a.health {
        let _ = write!(
            text,
            " · {}{}{}",
            t.health_word,
            t.colon,
            (t.health)(health)
        );
        if let Some(comment) = &a.health_comment {
            let _ = write!(text, " ({comment})");
        }
    }
    text
}

fn text(value: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(value))
}

fn cell(value: impl Into<String>) -> TableCell {
    TableCell::new().add_paragraph(text(value))
}

fn header_cell(value: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(value).bold()))
}

/// The report as an editable Word document (A4, styles "Heading1"/"Heading2"/"Heading3").
/// An action's row of the DOCX tables; a sub-action's follows its action's (`step_of`),
/// saying which action it is a step of.
fn docx_row(t: &DocumentTexts, report: &Report, a: &Action, step_of: Option<&str>) -> TableRow {
    let indicators = report
        .measures
        .get(&a.id)
        .map(|(i, _)| indicators_text(t, i, " ; "))
        .unwrap_or_default();
    let name = match step_of {
        Some(parent) => format!("{} {} ({})", a.code, a.title, (t.sub_action_of)(parent)),
        None => format!("{} {}", a.code, a.title),
    };
    TableRow::new(vec![
        cell(name),
        cell(status_text(t, a)),
        cell(t.percent(a.progress)),
        cell(optional_date(t, a.planned_end)),
        cell(indicators),
    ])
    .cant_split()
}

pub fn docx(report: &Report, language: Language) -> Result<Vec<u8>, docx_rs::DocxError> {
    let t = DocumentTexts::of(language);
    let tree = &report.tree;
    let heading = |id: &str, name: &str, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .size(size)
            .bold()
    };
    let mut doc = Docx::new()
        .page_size(11906, 16838) // A4 in twentieths of a point
        .add_style(heading("Heading1", "Heading 1", 36))
        .add_style(heading("Heading2", "Heading 2", 28))
        .add_style(heading("Heading3", "Heading 3", 24))
        .add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .add_run(Run::new().add_text((t.report_of)(&tree.title))),
        )
        .add_paragraph(text(format!(
            "{} — {}",
            tree.tenant.name,
            (t.period)(&date(report.since), &date(report.until))
        )));
    let all: Vec<&Action> = tree.actions().collect();
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .style("Heading2")
                .add_run(Run::new().add_text(t.summary)),
        )
        .add_paragraph(text((t.summary_sentence)(
            all.len(),
            &mean(t, &all),
            all.iter()
                .filter(|a| a.status == ActionStatus::Termine)
                .count(),
            all.iter().filter(|a| a.late).count(),
        )));
    for os in &tree.objectives {
        doc = doc.add_paragraph(
            Paragraph::new()
                .style("Heading2")
                .keep_next(true)
                .add_run(Run::new().add_text(format!("{} — {}", os.code, os.title))),
        );
        for oo in &os.operational_objectives {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .style("Heading3")
                    .keep_next(true)
                    .add_run(Run::new().add_text(format!("{} — {}", oo.code, oo.title))),
            );
            let mut rows = vec![
                TableRow::new(vec![
                    header_cell(t.column_action),
                    header_cell(t.column_status),
                    header_cell(t.column_progress),
                    header_cell(t.column_deadline),
                    header_cell(t.column_indicators),
                ])
                .cant_split(),
            ];
            for a in &oo.actions {
                rows.push(docx_row(t, report, a, None));
                for step in &a.sub_actions {
                    rows.push(docx_row(t, report, step, Some(&a.code)));
                }
            }
            doc = doc.add_table(Table::new(rows).width(5000, WidthType::Pct));
        }
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .style("Heading2")
            .keep_next(true)
            .add_run(Run::new().add_text(t.budget_title)),
    );
    if report.budget.is_empty() {
        doc = doc.add_paragraph(text(t.no_budget));
    } else {
        let header =
            TableRow::new(t.budget_columns.iter().map(|c| header_cell(c)).collect()).cant_split();
        let rows = std::iter::once(header)
            .chain(
                budget_rows(t, report)
                    .into_iter()
                    .map(|row| TableRow::new(row.into_iter().map(cell).collect()).cant_split()),
            )
            .collect();
        doc = doc.add_table(Table::new(rows).width(5000, WidthType::Pct));
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .style("Heading2")
            .add_run(Run::new().add_text(t.decisions)),
    );
    if report.decisions.is_empty() {
        doc = doc.add_paragraph(text(t.no_decisions));
    }
    for d in &report.decisions {
        doc = doc.add_paragraph(text(format!(
            "{}{}",
            (t.decision_line)(
                &date(d.decided_on),
                &d.action_code,
                &d.author,
                &d.decided_by
            ),
            d.note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default()
        )));
    }
    if !tree.opinions.is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new().style("Heading2").add_run(
                Run::new().add_text(
                    tree.opinion_title
                        .clone()
                        .unwrap_or_else(|| t.opinion_title.to_owned()),
                ),
            ),
        );
        for opinion in &tree.opinions {
            if let Some(heading) = &opinion.heading {
                doc = doc.add_paragraph(
                    Paragraph::new()
                        .style("Heading3")
                        .add_run(Run::new().add_text(heading.clone())),
                );
            }
            for paragraph in opinion.body.split("\n\n") {
                doc = doc.add_paragraph(text(paragraph));
            }
        }
    }
    let mut buffer = Cursor::new(Vec::new());
    doc.build().pack(&mut buffer)?;
    Ok(buffer.into_inner())
}

/// The public transparency page: the plan's tree with statuses and progress, nothing more.
pub fn public_html(plan: &PublicPlan, json_url: &str, language: Language) -> String {
    let t = DocumentTexts::of(language);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — {cpas}</title><link rel=\"alternate\" type=\"application/json\" href=\"{json}\">\
         <style>{css}</style></head><body><header><p class=\"cpas\">{cpas}</p><h1>{title}</h1>\
         <p class=\"meta\">{period}{adopted} · {mean_progress} {progress} · {updated}</p></header><main>",
        lang = t.html_lang,
        mean_progress = t.mean_progress,
        title = escape(&plan.title),
        cpas = escape(&plan.cpas),
        json = escape(json_url),
        css = PUBLIC_CSS,
        period = match (plan.start_year, plan.end_year) {
            (Some(s), Some(e)) => format!("{s}–{e}"),
            _ => t.plan_kind.to_owned(),
        },
        adopted = plan
            .adopted_on
            .map(|d| format!(" · {}", (t.adopted_by_council)(&date(d))))
            .unwrap_or_default(),
        progress = t.percent(plan.progress.round()),
        updated = (t.updated_on)(&date(plan.updated_at.date_naive())),
    );
    for os in &plan.objectives {
        let _ = write!(
            out,
            "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{code} — {title}</h2><p class=\"meta\">{label}{colon}{progress}</p>",
            id = escape(&os.code),
            code = escape(&os.code),
            title = escape(&os.title),
            label = capitalised(t.mean_progress),
            colon = t.colon,
            progress = t.percent(os.progress.round())
        );
        for oo in &os.objectives {
            let _ = write!(
                out,
                "<h3>{} — {}</h3><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                escape(&oo.code),
                escape(&oo.title),
                t.column_action,
                t.column_lead,
                t.column_status,
                t.column_progress
            );
            for a in &oo.actions {
                public_row(&mut out, t, a, None);
                for step in &a.sub_actions {
                    public_row(&mut out, t, step, Some(&a.code));
                }
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "</main><footer><p>{}{}<a href=\"{}\">{}</a>.</p></footer></body></html>",
        t.open_data,
        t.colon,
        escape(json_url),
        t.json_link
    );
    out
}

/// An action's row of the public page's table; a sub-action's follows its action's
/// (`step_of`), indented, its row header saying which action it is a step of.
fn public_row(out: &mut String, t: &DocumentTexts, a: &PublicAction, step_of: Option<&str>) {
    let _ = write!(
        out,
        "<tr{class}><th scope=\"row\">{marker}<span class=\"code\">{code}</span> {title}</th><td data-label=\"{lead_label}{colon}\">{lead}</td><td data-label=\"{status_label}{colon}\">{status}{late}</td>\
         <td data-label=\"{progress_label}{colon}\"><span class=\"bar\" aria-hidden=\"true\"><span style=\"width:{progress}%\"></span></span> {progress_text}</td></tr>",
        class = if step_of.is_some() {
            " class=\"step\""
        } else {
            ""
        },
        marker = step_of
            .map(|parent| {
                format!(
                    "<span class=\"step-of\">{}</span>",
                    escape(&(t.sub_action_of)(parent))
                )
            })
            .unwrap_or_default(),
        code = escape(&a.code),
        title = escape(&a.title),
        lead_label = t.column_lead,
        status_label = t.column_status,
        progress_label = t.column_progress,
        colon = t.colon,
        lead = escape(a.lead.as_deref().unwrap_or(t.none)),
        status = (t.status)(a.status),
        late = if a.late {
            format!(" <strong>({})</strong>", t.late)
        } else {
            String::new()
        },
        progress = a.progress,
        progress_text = t.percent(a.progress),
    );
}

/// A text with its first letter in upper case ("avancement moyen" → "Avancement moyen").
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

const PUBLIC_CSS: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1b1f24; margin: 0 auto; max-width: 70rem; padding: 1rem 1.25rem 3rem; line-height: 1.5; }
header { border-bottom: 3px solid #0b4f8a; margin-bottom: 1rem; }
.cpas { color: #0b4f8a; font-weight: 700; margin: 0; }
h1 { margin: .25rem 0; }
.meta { color: #4a5361; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1.25rem; }
th, td { border-bottom: 1px solid #d5dae1; padding: .4rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f4f6f8; }
.code { font-weight: 700; margin-right: .35rem; }
tr.step th { padding-left: 1.75rem; font-weight: normal; }
.step-of { display: block; font-size: .8rem; color: #4a5361; }
.bar { display: inline-block; width: 5rem; height: .6rem; background: #e5e7eb; border-radius: .3rem; vertical-align: middle; overflow: hidden; }
.bar span { display: block; height: 100%; background: #0b4f8a; }
a { color: #0b4f8a; }
@media print { .bar { display: none; } }
/* Phones: each action becomes a card, its cells labelled (the column headings are hidden). */
@media (max-width: 40rem) {
  body { padding: .75rem .75rem 2rem; }
  table, tbody, tr, th, td { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border-bottom: 1px solid #d5dae1; padding: .35rem 0; }
  th, td { border: 0; padding: .1rem 0; }
  td[data-label]::before { content: attr(data-label); color: #4a5361; white-space: pre; }
}
"#;
