//! What `cargo xtask build-web` does to the WASM build: the split at lazy routes, a folder
//! named after the content, precompressed `.br` and `.gz` beside each file, their sizes.
//!
//! The server (`backend::web_app`) caches a file for a year when its path carries a
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

/// Splits the release WASM at its lazy functions (`#[lazy]`, `#[lazy_route]`): the chunks
/// and their loader (`__wasm_split.js`) go to `dist`, the main module to `main_out`, for
/// wasm-bindgen. Returns the chunks' paths.
pub fn split(input: &Path, dist: &Path, main_out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let wasm = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    if let Some(folder) = main_out.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&wasm);
        options.output_dir = dist;
        options.main_out_path = main_out;
        options.main_module = "./pst.js";
        options.link_name = "./__wasm_split.js";
        options
    })
    .map_err(|e| anyhow::anyhow!("cannot split the WASM: {e:?}"))?;
    Ok(split.split_modules)
}

/// Moves every file of `dist` but `index.html` into `app-<hash>/`, the hash taken over
/// all their names and contents, and points `index.html` and `boot.js` (which load by
/// absolute path) there. The others load each other by relative paths, unchanged. Fails
/// when `index.html` does not load one of `index_refs`.
pub fn into_versioned_folder(dist: &Path, index_refs: &[&str]) -> anyhow::Result<String> {
    let mut names: Vec<String> = std::fs::read_dir(dist)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.retain(|n| n != "index.html");
    names.sort();
    let mut hasher = Sha256::new();
    for name in &names {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(dist.join(name))?);
    }
    let digest = hasher.finalize();
    let folder = format!(
        "app-{}",
        digest[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    std::fs::create_dir_all(dist.join(&folder))?;
    let renames: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.clone(), format!("{folder}/{n}")))
        .collect();
    for name in &names {
        std::fs::rename(dist.join(name), dist.join(&folder).join(name))?;
    }
    let index = dist.join("index.html");
    let html = std::fs::read(&index)?;
    for needed in index_refs {
        if !String::from_utf8_lossy(&html).contains(&format!("/{needed}")) {
            bail!("index.html does not load /{needed}");
        }
    }
    std::fs::write(&index, rewrite(&html, &renames))?;
    let boot = dist.join(&folder).join("boot.js");
    let script = std::fs::read(&boot)?;
    for needed in ["pst.js", "pst_bg.wasm"] {
        if !String::from_utf8_lossy(&script).contains(&format!("/{needed}")) {
            bail!("boot.js does not load /{needed}");
        }
    }
    std::fs::write(&boot, rewrite(&script, &renames))?;
    Ok(folder)
}

/// The text with every `/old`, `'old` or `"old` replaced by the new name (the paths in
/// `index.html` and `boot.js`).
fn rewrite(bytes: &[u8], renames: &[(String, String)]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    for (old, new) in renames {
        for quote in ["/", "'", "\""] {
            text = text.replace(&format!("{quote}{old}"), &format!("{quote}{new}"));
        }
    }
    text
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
