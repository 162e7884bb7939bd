//! The web app's files (`PST_STATIC_DIR`), served from memory.
//!
//! `cargo xtask build-web` writes, beside each file, a `.br` (brotli 11) and a `.gz`
//! (gzip 9) made once at build time; this module answers with the one the client accepts
//! (`Content-Encoding`, `Vary: Accept-Encoding`), so no byte is compressed per request and
//! the `Compress` middleware, which skips any response that already has a
//! `Content-Encoding`, leaves them alone. The folder is read once at start: a few MB, and
//! a deployment replaces the folder and restarts the server anyway.
//!
//! Files whose path carries a content hash (`-` and 16 hex digits: the xtask puts the
//! build in `app-<hash>/`) never change under their name: they are cached for a year, `immutable`.
//! Everything else, `index.html` first, is revalidated on each use (`no-cache`, with an
//! `ETag`), so a new version reaches browsers on their next load.

use std::collections::HashMap;
use std::path::Path;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

/// `Cache-Control` of a file whose name holds its content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of the other files: stored, but revalidated before each use.
pub const REVALIDATE: &str = "no-cache";

/// The files of the built web app, by URL path (`/index.html`, `/pst-…_bg.wasm`).
pub struct WebApp {
    files: HashMap<String, Asset>,
    index: String,
}

struct Asset {
    content_type: HeaderValue,
    cache_control: &'static str,
    /// Strong validator of the uncompressed content; each encoding gets its own suffix,
    /// as different bytes must not share an `ETag`.
    tag: String,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

/// A representation the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl WebApp {
    /// Reads the folder: every file and the `.br`/`.gz` made beside it. `None` when the
    /// folder holds no `index.html` (the web app is not built).
    pub fn load(dir: &Path) -> std::io::Result<Option<Self>> {
        if !dir.join("index.html").is_file() {
            return Ok(None);
        }
        let mut files = HashMap::new();
        read_folder(dir, "", &mut files)?;
        Ok(Some(Self {
            files,
            index: "/index.html".to_owned(),
        }))
    }

    /// The file at `path`, or `index.html` (client-side routes deep-link).
    fn find(&self, path: &str) -> &Asset {
        let path = if path == "/" { &self.index } else { path };
        self.files
            .get(path)
            .or_else(|| self.files.get(&self.index))
            .expect("load() saw index.html")
    }
}

fn read_folder(
    dir: &Path,
    prefix: &str,
    files: &mut HashMap<String, Asset>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            read_folder(&path, &format!("{prefix}/{name}"), files)?;
            continue;
        }
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let identity = Bytes::from(std::fs::read(&path)?);
        let sibling = |suffix: &str| {
            std::fs::read(dir.join(format!("{name}{suffix}")))
                .ok()
                .map(Bytes::from)
        };
        let digest = Sha256::digest(&identity);
        let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let url = format!("{prefix}/{name}");
        files.insert(
            url.clone(),
            Asset {
                content_type: HeaderValue::from_static(content_type(&name)),
                cache_control: if is_hashed(&url) {
                    IMMUTABLE
                } else {
                    REVALIDATE
                },
                tag,
                gzip: sibling(".gz"),
                brotli: sibling(".br"),
                identity,
            },
        );
    }
    Ok(())
}

/// Whether a file's path carries a content hash: `-` then 16 lowercase hex digits, then
/// `.`, `_`, `/` or the end (`/app-0123456789abcdef/pst_bg.wasm`,
/// `/style-0123456789abcdef.css`).
pub fn is_hashed(path: &str) -> bool {
    path.match_indices('-').any(|(at, _)| {
        let rest = &path.as_bytes()[at + 1..];
        rest.len() >= 16
            && rest[..16]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && matches!(rest.get(16), None | Some(b'.' | b'_' | b'/'))
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The best coding the `Accept-Encoding` header allows among those at hand: the highest
/// `q`, brotli before gzip when equal (smaller); identity when neither is acceptable.
pub fn negotiate(accept_encoding: Option<&str>, gzip: bool, brotli: bool) -> Coding {
    let Some(accept) = accept_encoding else {
        return Coding::Identity;
    };
    let (mut q_br, mut q_gzip, mut q_any) = (None, None, None);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match coding.as_str() {
            "br" => q_br = Some(q),
            "gzip" | "x-gzip" => q_gzip = Some(q),
            "*" => q_any = Some(q),
            _ => {}
        }
    }
    let q_br = if brotli { q_br.or(q_any) } else { None }.unwrap_or(0.0);
    let q_gzip = if gzip { q_gzip.or(q_any) } else { None }.unwrap_or(0.0);
    if q_br > 0.0 && q_br >= q_gzip {
        Coding::Brotli
    } else if q_gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Answers a GET or HEAD with the file (or `index.html`), in the best coding at hand.
pub async fn serve(req: HttpRequest, app: web::Data<WebApp>) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let asset = app.find(req.path());
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let coding = negotiate(accept, asset.gzip.is_some(), asset.brotli.is_some());
    let (body, encoding, suffix) = match coding {
        Coding::Brotli => (asset.brotli.clone(), Some("br"), "-br"),
        Coding::Gzip => (asset.gzip.clone(), Some("gzip"), "-gz"),
        Coding::Identity => (None, None, ""),
    };
    let body = body.unwrap_or_else(|| asset.identity.clone());
    let etag = format!("\"{}{suffix}\"", asset.tag);
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|list| {
            list.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut response = HttpResponse::build(if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    });
    response
        .insert_header((header::CACHE_CONTROL, asset.cache_control))
        .insert_header((header::ETAG, etag));
    if asset.gzip.is_some() || asset.brotli.is_some() {
        response.insert_header((header::VARY, "Accept-Encoding"));
    }
    if not_modified {
        return response.finish();
    }
    if let Some(encoding) = encoding {
        response.insert_header((header::CONTENT_ENCODING, encoding));
    }
    response
        .insert_header((header::CONTENT_TYPE, asset.content_type.clone()))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_is_preferred_gzip_is_second_and_identity_is_the_rest() {
        assert_eq!(
            negotiate(Some("gzip, deflate, br"), true, true),
            Coding::Brotli
        );
        assert_eq!(
            negotiate(Some("gzip, deflate, br"), true, false),
            Coding::Gzip
        );
        assert_eq!(negotiate(Some("gzip"), true, true), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0.5, gzip"), true, true), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, *"), true, true), Coding::Gzip);
        assert_eq!(negotiate(Some("identity"), true, true), Coding::Identity);
        assert_eq!(negotiate(Some("deflate"), true, true), Coding::Identity);
        assert_eq!(negotiate(None, true, true), Coding::Identity);
    }

    #[test]
    fn a_content_hash_in_the_name_makes_a_file_immutable() {
        assert!(is_hashed("pst-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(is_hashed("/app-0123456789abcdef/__wasm_split.js"));
        assert!(!is_hashed("/app-0123456789abcdefa/pst.js"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("style.css"));
        assert!(!is_hashed("pst-0123456789abcdeg.js"));
        assert!(!is_hashed("pst-0123456789abcde.js"));
    }
}
