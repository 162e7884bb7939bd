//! The council's evaluation report of a plan at a date, as a print-ready HTML page (A4) and
//! as a DOCX the council secretary can edit; and the public transparency page.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Cursor;

use api_types::{Action, ActionStatus, BudgetLine, Indicator, PlanTree, PublicPlan};
use chrono::NaiveDate;
use docx_rs::{Docx, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow, WidthType};
use uuid::Uuid;

use crate::db::council::Decision;
use crate::interchange::status_label;

/// Everything the report shows.
pub struct Report {
    pub tree: PlanTree,
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub measures: HashMap<Uuid, (Vec<Indicator>, Vec<BudgetLine>)>,
    pub decisions: Vec<Decision>,
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

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn optional_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_else(|| "—".to_owned())
}

fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| v.to_string().replace('.', ","))
}

fn mean(items: &[&Action]) -> String {
    let sum: i64 = items.iter().map(|a| i64::from(a.progress)).sum();
    api_types::whole_mean_progress(sum, items.len() as i64)
        .map_or_else(|| "—".to_owned(), |mean| format!("{mean} %"))
}

/// Indicators as "name : measured / target unit", joined by `separator`; the workbook and
/// the report show them the same way.
pub fn indicators_text(indicators: &[Indicator], separator: &str) -> String {
    indicators
        .iter()
        .map(|i| {
            format!(
                "{} : {} / {} {}",
                i.name,
                figure(i.current_value),
                figure(i.target),
                i.unit.clone().unwrap_or_default()
            )
            .trim_end()
            .to_owned()
        })
        .collect::<Vec<_>>()
        .join(separator)
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
.meta { color: #444; }
section.strategic { break-before: auto; }
@media screen { body { padding: 1rem; } }
"#;

/// The report as one HTML page, ready to print on A4 (rows never cut across pages).
pub fn html(report: &Report) -> String {
    let tree = &report.tree;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Rapport d’évaluation — {title}</title><style>{PRINT_CSS}</style></head><body><main>\
         <h1>Rapport d’évaluation du {title}</h1>\
         <p class=\"meta\">{cpas} · période du {since} au {until} · plan {status}{adopted}</p>",
        title = escape(&tree.title),
        cpas = escape(&tree.tenant.name),
        since = date(report.since),
        until = date(report.until),
        status = match tree.status {
            api_types::PlanStatus::Draft => "en projet",
            api_types::PlanStatus::Adopted => "adopté",
            api_types::PlanStatus::Closed => "clôturé",
        },
        adopted = tree
            .adopted_on
            .map(|d| format!(" le {}", date(d)))
            .unwrap_or_default(),
    );
    let all: Vec<&Action> = tree.actions().collect();
    let done = all
        .iter()
        .filter(|a| a.status == ActionStatus::Termine)
        .count();
    let late: Vec<&&Action> = all.iter().filter(|a| a.late).collect();
    let _ = write!(
        out,
        "<h2>Synthèse</h2><p>{n} actions, avancement moyen {mean}, {done} terminées, {late} en retard.</p>",
        n = all.len(),
        mean = mean(&all),
        late = late.len()
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
            mean(&os_actions)
        );
        for oo in &os.operational_objectives {
            let oo_actions: Vec<&Action> = oo.actions.iter().collect();
            let _ = write!(
                out,
                "<h3>{} — {} <small>({})</small></h3><table><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Statut</th>\
                 <th scope=\"col\">Avancement</th><th scope=\"col\">Échéance</th><th scope=\"col\">Indicateurs (réalisé / cible)</th></tr></thead><tbody>",
                escape(&oo.code),
                escape(&oo.title),
                mean(&oo_actions)
            );
            for a in &oo.actions {
                let indicators = report
                    .measures
                    .get(&a.id)
                    .map(|(i, _)| indicators_text(i, " ; "))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "<tr{late}><td><strong>{code}</strong> {title}</td><td>{status}{late_mark}</td><td>{progress} %</td><td>{end}</td><td>{indicators}</td></tr>",
                    late = if a.late { " class=\"late\"" } else { "" },
                    code = escape(&a.code),
                    title = escape(&a.title),
                    status = status_label(a.status),
                    late_mark = if a.late { " — en retard" } else { "" },
                    progress = a.progress,
                    end = optional_date(a.planned_end),
                    indicators = escape(&indicators),
                );
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
    out.push_str("<h2>Actions en retard</h2>");
    if late.is_empty() {
        out.push_str("<p>Aucune.</p>");
    } else {
        out.push_str("<ul>");
        for a in &late {
            let _ = write!(
                out,
                "<li><strong>{}</strong> {} (échéance {})</li>",
                escape(&a.code),
                escape(&a.title),
                optional_date(a.planned_end)
            );
        }
        out.push_str("</ul>");
    }
    let _ = write!(out, "<h2>Décisions de la période</h2>");
    if report.decisions.is_empty() {
        out.push_str("<p>Aucune proposition approuvée sur la période.</p>");
    } else {
        out.push_str("<table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Action</th><th scope=\"col\">Proposé par</th><th scope=\"col\">Approuvé par</th><th scope=\"col\">Note</th></tr></thead><tbody>");
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
            escape(
                tree.opinion_title
                    .as_deref()
                    .unwrap_or("Avis du Directeur général")
            )
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
pub fn docx(report: &Report) -> Result<Vec<u8>, docx_rs::DocxError> {
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
                .add_run(Run::new().add_text(format!("Rapport d’évaluation du {}", tree.title))),
        )
        .add_paragraph(text(format!(
            "{} — période du {} au {}",
            tree.tenant.name,
            date(report.since),
            date(report.until)
        )));
    let all: Vec<&Action> = tree.actions().collect();
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .style("Heading2")
                .add_run(Run::new().add_text("Synthèse")),
        )
        .add_paragraph(text(format!(
            "{} actions, avancement moyen {}, {} terminées, {} en retard.",
            all.len(),
            mean(&all),
            all.iter()
                .filter(|a| a.status == ActionStatus::Termine)
                .count(),
            all.iter().filter(|a| a.late).count()
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
                    header_cell("Action"),
                    header_cell("Statut"),
                    header_cell("Avancement"),
                    header_cell("Échéance"),
                    header_cell("Indicateurs"),
                ])
                .cant_split(),
            ];
            for a in &oo.actions {
                let indicators = report
                    .measures
                    .get(&a.id)
                    .map(|(i, _)| indicators_text(i, " ; "))
                    .unwrap_or_default();
                rows.push(
                    TableRow::new(vec![
                        cell(format!("{} {}", a.code, a.title)),
                        cell(format!(
                            "{}{}",
                            status_label(a.status),
                            if a.late { " — en retard" } else { "" }
                        )),
                        cell(format!("{} %", a.progress)),
                        cell(optional_date(a.planned_end)),
                        cell(indicators),
                    ])
                    .cant_split(),
                );
            }
            doc = doc.add_table(Table::new(rows).width(5000, WidthType::Pct));
        }
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .style("Heading2")
            .add_run(Run::new().add_text("Décisions de la période")),
    );
    if report.decisions.is_empty() {
        doc = doc.add_paragraph(text("Aucune proposition approuvée sur la période."));
    }
    for d in &report.decisions {
        doc = doc.add_paragraph(text(format!(
            "{} — {} : proposé par {}, approuvé par {}{}",
            date(d.decided_on),
            d.action_code,
            d.author,
            d.decided_by,
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
                        .unwrap_or_else(|| "Avis du Directeur général".to_owned()),
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
pub fn public_html(plan: &PublicPlan, json_url: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — {cpas}</title><link rel=\"alternate\" type=\"application/json\" href=\"{json}\">\
         <style>{css}</style></head><body><header><p class=\"cpas\">{cpas}</p><h1>{title}</h1>\
         <p class=\"meta\">{period}{adopted} · avancement moyen {progress} % · mis à jour le {updated}</p></header><main>",
        title = escape(&plan.title),
        cpas = escape(&plan.cpas),
        json = escape(json_url),
        css = PUBLIC_CSS,
        period = match (plan.start_year, plan.end_year) {
            (Some(s), Some(e)) => format!("{s}–{e}"),
            _ => "Plan stratégique transversal".to_owned(),
        },
        adopted = plan
            .adopted_on
            .map(|d| format!(" · adopté par le Conseil le {}", date(d)))
            .unwrap_or_default(),
        progress = plan.progress.round(),
        updated = date(plan.updated_at.date_naive()),
    );
    for os in &plan.objectives {
        let _ = write!(
            out,
            "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{code} — {title}</h2><p class=\"meta\">Avancement moyen : {progress} %</p>",
            id = escape(&os.code),
            code = escape(&os.code),
            title = escape(&os.title),
            progress = os.progress.round()
        );
        for oo in &os.objectives {
            let _ = write!(
                out,
                "<h3>{} — {}</h3><table><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Porteur</th><th scope=\"col\">Statut</th><th scope=\"col\">Avancement</th></tr></thead><tbody>",
                escape(&oo.code),
                escape(&oo.title)
            );
            for a in &oo.actions {
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\"><span class=\"code\">{code}</span> {title}</th><td data-label=\"Porteur\">{lead}</td><td data-label=\"Statut\">{status}{late}</td>\
                     <td data-label=\"Avancement\"><span class=\"bar\" aria-hidden=\"true\"><span style=\"width:{progress}%\"></span></span> {progress} %</td></tr>",
                    code = escape(&a.code),
                    title = escape(&a.title),
                    lead = escape(a.lead.as_deref().unwrap_or("—")),
                    status = status_label(a.status),
                    late = if a.late {
                        " <strong>(en retard)</strong>"
                    } else {
                        ""
                    },
                    progress = a.progress,
                );
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "</main><footer><p>Données ouvertes : <a href=\"{}\">ce plan au format JSON</a>.</p></footer></body></html>",
        escape(json_url)
    );
    out
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
  td[data-label]::before { content: attr(data-label) " : "; color: #4a5361; }
}
"#;
