//! Workbooks written part by part: the files no spreadsheet program writes, to check that
//! the import refuses them.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const PACKAGE_RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// The start of a worksheet, up to its open `<sheetData>`; `dimension` as in `A1:M4`.
pub fn sheet_start(dimension: Option<&str>) -> String {
    let dimension = dimension
        .map(|d| format!(r#"<dimension ref="{d}"/>"#))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>"#
    )
}

/// The end of a worksheet.
pub const SHEET_END: &str = "</sheetData></worksheet>";

/// One row of text cells (inline strings), `row` 1-based.
pub fn row(row: u32, texts: &[&str]) -> String {
    let mut xml = format!(r#"<row r="{row}">"#);
    for (column, text) in texts.iter().enumerate() {
        let column = u8::try_from(column).expect("at most 26 columns");
        let letter = char::from(b'A' + column);
        xml.push_str(&format!(
            r#"<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>"#
        ));
    }
    xml.push_str("</row>");
    xml
}

/// A one-sheet workbook whose sheet `write_sheet` writes (deflated, streamed: it may be far
/// larger than memory should hold), with `shared_strings` as its shared strings part.
pub fn one_sheet(
    write_sheet: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    shared_strings: Option<&str>,
) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let part = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>, name: &str, text: &str| {
        zip.start_file(name, deflated).expect("a part");
        zip.write_all(text.as_bytes()).expect("written");
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES);
    part(&mut zip, "_rels/.rels", PACKAGE_RELATIONSHIPS);
    part(&mut zip, "xl/workbook.xml", WORKBOOK);
    part(
        &mut zip,
        "xl/_rels/workbook.xml.rels",
        WORKBOOK_RELATIONSHIPS,
    );
    if let Some(shared) = shared_strings {
        part(&mut zip, "xl/sharedStrings.xml", shared);
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflated)
        .expect("the sheet");
    write_sheet(&mut zip).expect("the sheet written");
    zip.finish().expect("a package").into_inner()
}

/// A one-sheet workbook of this sheet XML.
pub fn with_sheet(sheet: &str) -> Vec<u8> {
    one_sheet(|out| out.write_all(sheet.as_bytes()), None)
}
