//! What an uploaded file is: its type read from its content (magic bytes, the `infer`
//! crate), checked against the allowlist and against its name's extension; and the name it
//! is kept under, made safe.

use api_types::{ATTACHMENT_NAME_MAX_CHARS, EvidenceKind, ProblemCode};

use crate::error::ApiError;

/// A file the server keeps: its safe name, and its type as its content says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub name: String,
    pub media_type: &'static str,
    pub kind: EvidenceKind,
}

/// The allowlist: each media type, its family, and the extensions its name may have (the
/// first one is given to a name without any). Formats of a family that `infer` tells apart
/// less surely (a legacy `.xls` is a compound file like a `.doc`) accept each other's
/// extensions; the type kept is the extension's.
const ALLOWED: &[(&str, EvidenceKind, &[&str])] = &[
    ("application/pdf", EvidenceKind::Pdf, &["pdf"]),
    ("image/png", EvidenceKind::Image, &["png"]),
    ("image/jpeg", EvidenceKind::Image, &["jpg", "jpeg"]),
    ("image/gif", EvidenceKind::Image, &["gif"]),
    ("image/webp", EvidenceKind::Image, &["webp"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        EvidenceKind::Office,
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        EvidenceKind::Office,
        &["xlsx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        EvidenceKind::Office,
        &["pptx"],
    ),
    (
        "application/vnd.oasis.opendocument.text",
        EvidenceKind::Office,
        &["odt"],
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        EvidenceKind::Office,
        &["ods"],
    ),
    (
        "application/vnd.oasis.opendocument.presentation",
        EvidenceKind::Office,
        &["odp"],
    ),
    ("application/msword", EvidenceKind::Office, &["doc"]),
    ("application/vnd.ms-excel", EvidenceKind::Office, &["xls"]),
    (
        "application/vnd.ms-powerpoint",
        EvidenceKind::Office,
        &["ppt"],
    ),
    ("text/csv", EvidenceKind::Text, &["csv"]),
    ("text/plain", EvidenceKind::Text, &["txt"]),
];

/// Formats `infer` may confuse within a group: one detection stands for the group.
const SIBLINGS: &[&[&str]] = &[
    &[
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
    &[
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
    ],
    &["text/csv", "text/plain"],
];

/// The family of a media type the allowlist holds (a stored one); `Office` for any other.
pub fn kind_of(media_type: &str) -> EvidenceKind {
    ALLOWED
        .iter()
        .find(|(allowed, ..)| *allowed == media_type)
        .map_or(EvidenceKind::Office, |(_, kind, _)| *kind)
}

fn unsupported(detail: impl Into<String>) -> ApiError {
    ApiError::UnsupportedFileType {
        detail: detail.into(),
    }
}

/// The media type the content shows: a known signature, or text (UTF-8 without control
/// characters other than tabs and line ends); `None` for anything else.
fn sniff(content: &[u8]) -> Option<&'static str> {
    if let Some(found) = infer::get(content) {
        return ALLOWED
            .iter()
            .map(|(media_type, ..)| *media_type)
            .find(|media_type| *media_type == found.mime_type());
    }
    let text = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let plain = std::str::from_utf8(text).is_ok_and(|text| {
        text.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    });
    plain.then_some("text/plain")
}

/// Characters that never enter a kept name: controls, and the marks that reorder text on
/// screen (`facture\u{202E}fdp.exe` reads as `facture` + `exe.pdf`).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The name a file is kept under: its last path segment, without invisible characters,
/// with `_` for the characters file systems refuse, without leading dots or surrounding
/// spaces, at most 255 characters (the extension kept). `None` when nothing is left.
pub fn safe_name(raw: &str) -> Option<String> {
    let segment = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = segment
        .chars()
        .filter(|c| !invisible(*c))
        .map(|c| {
            if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.chars().count() <= ATTACHMENT_NAME_MAX_CHARS {
        return Some(trimmed.to_owned());
    }
    let (stem, extension) = match trimmed.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, Some(ext)),
        _ => (trimmed, None),
    };
    let room = ATTACHMENT_NAME_MAX_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    Some(match extension {
        Some(extension) => format!("{}.{extension}", stem.trim_end()),
        None => stem,
    })
}

/// Reads what an uploaded file is: 422 when its name is empty once made safe, 415 when its
/// content is not on the allowlist or its name's extension says another type.
pub fn classify(raw_name: &str, content: &[u8]) -> Result<Evidence, ApiError> {
    let name = safe_name(raw_name).ok_or_else(|| {
        ApiError::invalid_field("name", ProblemCode::Required, "the file needs a name")
    })?;
    let sniffed = sniff(content).ok_or_else(|| {
        unsupported(
            "the file's content is not one the server keeps: PDF, PNG, JPEG, GIF, WebP, Word, \
             Excel, PowerPoint, OpenDocument, CSV or plain text",
        )
    })?;
    let family: &[&str] = SIBLINGS
        .iter()
        .find(|group| group.contains(&sniffed))
        .copied()
        .unwrap_or(std::slice::from_ref(&sniffed));
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_lowercase())
        .filter(|ext| !ext.is_empty());
    let Some(extension) = extension else {
        // No extension: the content's own.
        let (media_type, kind, extensions) = ALLOWED
            .iter()
            .find(|(media_type, ..)| *media_type == sniffed)
            .copied()
            .unwrap_or(("text/plain", EvidenceKind::Text, &["txt"]));
        return Ok(Evidence {
            name: safe_name(&format!("{name}.{}", extensions[0])).unwrap_or(name),
            media_type,
            kind,
        });
    };
    ALLOWED
        .iter()
        .find(|(media_type, _, extensions)| {
            family.contains(media_type) && extensions.contains(&extension.as_str())
        })
        .map(|(media_type, kind, _)| Evidence {
            name: name.clone(),
            media_type,
            kind: *kind,
        })
        .ok_or_else(|| {
            unsupported(format!(
                "the name says .{extension} but the content is {sniffed}: rename the file, or \
                 send the right one"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0";

    fn code(result: Result<Evidence, ApiError>) -> u16 {
        use actix_web::ResponseError;
        result.expect_err("refused").status_code().as_u16()
    }

    #[test]
    fn the_type_comes_from_the_content_and_the_name_must_agree() {
        let pdf = classify("compte-rendu.PDF", PDF).expect("a PDF");
        assert_eq!(
            (pdf.media_type, pdf.kind),
            ("application/pdf", EvidenceKind::Pdf)
        );
        assert_eq!(code(classify("rapport.pdf", ELF)), 415);
        assert_eq!(code(classify("photo.pdf", PNG)), 415);
        assert_eq!(code(classify("programme.exe", ELF)), 415);
        let png = classify("photo.png", PNG).expect("a PNG");
        assert_eq!(png.kind, EvidenceKind::Image);
    }

    #[test]
    fn text_is_utf8_without_controls_and_csv_or_txt_by_name() {
        let csv = classify("présences.csv", "nom;présent\nDupont;oui\n".as_bytes()).expect("csv");
        assert_eq!(csv.media_type, "text/csv");
        let txt = classify("notes.txt", b"\xEF\xBB\xBFbonjour\r\n").expect("txt");
        assert_eq!(txt.media_type, "text/plain");
        assert_eq!(code(classify("notes.txt", b"a\0b")), 415);
        assert_eq!(code(classify("notes.txt", b"\xff\xfe\xfa")), 415);
        assert_eq!(
            code(classify("page.html", b"<html><body>hi</body></html>")),
            415
        );
    }

    #[test]
    fn a_name_without_extension_takes_the_contents() {
        assert_eq!(classify("scan", PDF).expect("a PDF").name, "scan.pdf");
    }

    #[test]
    fn names_are_one_safe_segment() {
        assert_eq!(safe_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            safe_name("C:\\Users\\x\\rapport.pdf").as_deref(),
            Some("rapport.pdf")
        );
        assert_eq!(safe_name("..\\..\\x.pdf").as_deref(), Some("x.pdf"));
        assert_eq!(
            safe_name("a<b>c:d\"e|f?g*.pdf").as_deref(),
            Some("a_b_c_d_e_f_g_.pdf")
        );
        assert_eq!(
            safe_name("facture\u{202E}fdp.exe").as_deref(),
            Some("facturefdp.exe")
        );
        assert_eq!(safe_name(" .cache ").as_deref(), Some("cache"));
        assert_eq!(safe_name("..").as_deref(), None);
        assert_eq!(safe_name("dir/").as_deref(), None);
        assert_eq!(safe_name("a\u{0}b\nc.txt").as_deref(), Some("abc.txt"));
        let long = format!("{}.pdf", "é".repeat(400));
        let kept = safe_name(&long).expect("a name");
        assert_eq!(kept.chars().count(), ATTACHMENT_NAME_MAX_CHARS);
        assert!(kept.ends_with(".pdf"));
    }
}
