//! What `cargo xtask build-web` does to the files after the WASM build: content-hashed
//! names, precompressed `.br` and `.gz` beside each file, and their sizes.
//!
//! The server (`backend::web_app`) caches a file for a year when its name carries a
//! content hash (`-` and 16 hex digits), and answers with the `.br` or `.gz` the client
//! accepts, so compression happens here once, at the highest levels, not per request.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

/// Sizes of one file as served.
#[derive(Debug, Clone)]
pub struct Sizes {
    pub name: String,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// A file to rename after its content: `name` in `dist`, the files that refer to it by
/// that name are rewritten first (`refs` are renames already done).
///
/// `stem` and `tail` make the new name: `{stem}-{hash}{tail}`.
pub struct Rename {
    pub name: &'static str,
    pub stem: &'static str,
    pub tail: &'static str,
}

/// Renames the files in order, each after its content once the earlier renames are
/// written into it; then writes the renames into `index.html` (which keeps its name: it is
/// the page's address). Fails when a file does not mention a name it must load.
pub fn fingerprint(
    dist: &Path,
    files: &[Rename],
    index_refs: &[&str],
) -> anyhow::Result<Vec<(String, String)>> {
    let mut renames: Vec<(String, String)> = Vec::new();
    for file in files {
        let path = dist.join(file.name);
        let mut bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if !file.name.ends_with(".wasm") {
            bytes = rewrite(&bytes, &renames).into_bytes();
        }
        let name = format!("{}-{}{}", file.stem, content_hash(&bytes), file.tail);
        std::fs::write(dist.join(&name), &bytes)?;
        std::fs::remove_file(&path)?;
        renames.push((file.name.to_owned(), name));
    }
    let index = dist.join("index.html");
    let html = std::fs::read(&index)?;
    for needed in index_refs {
        if !String::from_utf8_lossy(&html).contains(&format!("/{needed}")) {
            bail!("index.html does not load /{needed}");
        }
    }
    std::fs::write(&index, rewrite(&html, &renames))?;
    Ok(renames)
}

/// The text with every `/old` or `'old` replaced by the new name (paths in `index.html`
/// and `boot.js`, the default URL in wasm-bindgen's glue).
fn rewrite(bytes: &[u8], renames: &[(String, String)]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    for (old, new) in renames {
        for quote in ["/", "'", "\""] {
            text = text.replace(&format!("{quote}{old}"), &format!("{quote}{new}"));
        }
    }
    text
}

/// 16 hex digits of the SHA-256 of the content.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `x.gz` (gzip 9) and `x.br` (brotli 11) beside every file `x` of `dir` (and of
/// its subfolders) when they are smaller than `x`; returns every file's sizes, by name.
pub fn precompress(dir: &Path) -> anyhow::Result<Vec<Sizes>> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let mut sizes = Vec::new();
    for path in files {
        let raw = std::fs::read(&path)?;
        let gzip = gzip(&raw)?;
        let brotli = brotli(&raw)?;
        let name = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
        let keep = |bytes: &[u8], suffix: &str| -> anyhow::Result<usize> {
            if bytes.len() < raw.len() {
                std::fs::write(PathBuf::from(format!("{}{suffix}", path.display())), bytes)?;
                Ok(bytes.len())
            } else {
                Ok(raw.len())
            }
        };
        sizes.push(Sizes {
            gzip: keep(&gzip, ".gz")?,
            brotli: keep(&brotli, ".br")?,
            raw: raw.len(),
            name,
        });
    }
    Ok(sizes)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("gz" | "br")) {
            files.push(path);
        }
    }
    Ok(())
}

pub fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// The sizes as a table, with a total line.
pub fn table(sizes: &[Sizes]) -> String {
    let kb = |n: usize| n as f64 / 1000.0;
    let mut out = format!(
        "{:<40} {:>10} {:>10} {:>10}\n",
        "file", "raw KB", "gzip KB", "brotli KB"
    );
    for s in sizes {
        let _ = writeln!(
            out,
            "{:<40} {:>10.1} {:>10.1} {:>10.1}",
            s.name,
            kb(s.raw),
            kb(s.gzip),
            kb(s.brotli)
        );
    }
    let total = |f: fn(&Sizes) -> usize| sizes.iter().map(f).sum::<usize>();
    let _ = writeln!(
        out,
        "{:<40} {:>10.1} {:>10.1} {:>10.1}",
        "total",
        kb(total(|s| s.raw)),
        kb(total(|s| s.gzip)),
        kb(total(|s| s.brotli))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_reaches_paths_and_quoted_names_only() {
        let renames = vec![("pst.js".to_owned(), "pst-00ff.js".to_owned())];
        assert_eq!(
            rewrite(
                b"import init from '/pst.js'; x('pst.js'); apst.js",
                &renames
            ),
            "import init from '/pst-00ff.js'; x('pst-00ff.js'); apst.js"
        );
    }
}
