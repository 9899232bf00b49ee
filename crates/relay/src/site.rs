//! `--serve DIR`: the built app's files, served by the relay on its WebSocket port.
//!
//! Each file is read, and gzip-compressed once, when it is first asked for, then kept in memory until it changes
//! on disk (a new `trunk build` while the relay runs): a class of a hundred opening the page costs one compression.
//! Hashed asset names (trunk's `dstream-lab-1a2b3c4d_bg.wasm`) are cached by browsers for a year; everything else,
//! `index.html` first, must be revalidated (`no-cache`, with an `ETag`).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::http::StatusCode;

use crate::error::Error;
use crate::http::{RequestHead, Response};

/// The page a directory request gets.
pub const INDEX: &str = "index.html";
/// What the relay says when `--serve DIR` holds no built app.
const BUILD_HINT: &str = "build the app first: trunk build --release, or scripts/demo.sh";
/// The largest file the relay serves: it holds each served file in memory (the built app's wasm is about 1 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// `Cache-Control` of a file whose name carries a content hash: a new build gives it a new name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of every other file: the browser asks again each time (and gets 304 while it is unchanged).
pub const REVALIDATE: &str = "no-cache";

/// The directory served by `--serve`, with its cache of read (and compressed) files.
#[derive(Debug)]
pub struct Site {
    root: PathBuf,
    cache: Mutex<HashMap<PathBuf, Arc<Asset>>>,
}

/// One file as served: its bytes, gzip-compressed bytes when they are smaller, and its headers.
#[derive(Debug)]
pub struct Asset {
    stamp: (Option<SystemTime>, u64),
    body: Bytes,
    gzip: Option<Bytes>,
    content_type: &'static str,
    cache_control: &'static str,
    etag: String,
}

/// Why a request path cannot name a file under the served directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// A `..` segment (also percent-encoded): the path would leave the directory.
    Traversal,
    /// Not valid UTF-8 after percent-decoding, or a NUL or backslash in it.
    Unreadable,
}

impl Site {
    /// Opens `dir` for serving; refuses a directory that does not exist or has no `index.html`, saying how to
    /// build the app.
    pub fn open(dir: &Path) -> Result<Site, Error> {
        let root = std::fs::canonicalize(dir).map_err(|e| {
            Error::msg(format!(
                "--serve {}: cannot open it ({e}); {BUILD_HINT}",
                dir.display()
            ))
        })?;
        if !root.join(INDEX).is_file() {
            return Err(Error::msg(format!(
                "--serve {}: there is no {INDEX} in it; {BUILD_HINT}",
                dir.display()
            )));
        }
        Ok(Site {
            root,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The answer to a `GET` or `HEAD` request for `head`'s path.
    pub async fn respond(&self, head: &RequestHead) -> Response {
        let relative = match relative_path(head.path()) {
            Ok(relative) => relative,
            Err(BadPath::Traversal) => {
                return Response::text(
                    StatusCode::BAD_REQUEST,
                    "this path leaves the served directory (..)",
                )
            }
            Err(BadPath::Unreadable) => {
                return Response::text(StatusCode::BAD_REQUEST, "this path cannot name a file")
            }
        };
        let asset = match self.asset(&relative).await {
            Ok(Some(asset)) => asset,
            Ok(None) => {
                return Response::text(
                    StatusCode::NOT_FOUND,
                    format!("no file {} in the served app", head.path()),
                )
            }
            Err(e) => {
                tracing::warn!("--serve: cannot serve {}: {e}", relative.display());
                return Response::text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the relay cannot serve {}: {e}", head.path()),
                );
            }
        };
        asset.response(head)
    }

    /// The file at `relative` (a directory means its `index.html`), read and compressed once per version on disk;
    /// `None` when there is no such file inside the served directory.
    pub async fn asset(&self, relative: &Path) -> Result<Option<Arc<Asset>>, Error> {
        let mut path = self.root.join(relative);
        if path.is_dir() {
            path.push(INDEX);
        }
        // A symbolic link may point anywhere: only what really lies under the directory is served.
        let Ok(path) = tokio::fs::canonicalize(&path).await else {
            return Ok(None);
        };
        if !path.starts_with(&self.root) {
            return Ok(None);
        }
        let Ok(meta) = tokio::fs::metadata(&path).await else {
            return Ok(None);
        };
        if !meta.is_file() {
            return Ok(None);
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::msg(format!(
                "the file is larger than the relay serves ({} MiB)",
                MAX_FILE_BYTES >> 20
            )));
        }
        let stamp = (meta.modified().ok(), meta.len());
        // One lock for lookup and load: when a class asks for a file at once, one request reads and compresses it
        // and the others wait for that result instead of doing the same work.
        let mut cache = self.cache.lock().await;
        if let Some(asset) = cache.get(&path).filter(|a| a.stamp == stamp) {
            return Ok(Some(asset.clone()));
        }
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| Error::msg(format!("cannot read it: {e}")))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let asset = tokio::task::spawn_blocking(move || Asset::new(&name, bytes, stamp))
            .await
            .map_err(|e| Error::msg(format!("compressing it failed: {e}")))?;
        let asset = Arc::new(asset);
        cache.insert(path, asset.clone());
        Ok(Some(asset))
    }
}

impl Asset {
    fn new(name: &str, bytes: Vec<u8>, stamp: (Option<SystemTime>, u64)) -> Asset {
        let content_type = content_type(name);
        let gzip = if compressible(content_type) {
            gzip(&bytes).filter(|z| z.len() < bytes.len())
        } else {
            None
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        Asset {
            etag: format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len()),
            stamp,
            body: Bytes::from(bytes),
            gzip: gzip.map(Bytes::from),
            content_type,
            cache_control: if is_hashed_name(name) {
                IMMUTABLE
            } else {
                REVALIDATE
            },
        }
    }

    /// The response to `head`: gzip when the client accepts it, 304 when it already has this version.
    pub fn response(&self, head: &RequestHead) -> Response {
        let unchanged = head
            .header("if-none-match")
            .is_some_and(|tags| etag_matches(tags, &self.etag));
        let gzip = self
            .gzip
            .as_ref()
            .filter(|_| head.header("accept-encoding").is_some_and(accepts_gzip));
        let (status, body) = match (unchanged, gzip) {
            (true, _) => (StatusCode::NOT_MODIFIED, Bytes::new()),
            (false, Some(z)) => (StatusCode::OK, z.clone()),
            (false, None) => (StatusCode::OK, self.body.clone()),
        };
        let mut response = Response {
            status,
            headers: vec![
                ("Content-Type", self.content_type.to_string()),
                ("Cache-Control", self.cache_control.to_string()),
                ("ETag", self.etag.clone()),
            ],
            body,
        };
        if self.gzip.is_some() {
            // Caches must keep the compressed and the plain answer apart.
            response = response.with_header("Vary", "Accept-Encoding");
        }
        if gzip.is_some() && !unchanged {
            response = response.with_header("Content-Encoding", "gzip");
        }
        response
    }
}

/// The relative file path a request path names: percent-decoded, `.` and empty segments dropped, `index.html` for a
/// directory; refuses `..` (also encoded) and what cannot be a file name.
pub fn relative_path(path: &str) -> Result<PathBuf, BadPath> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| BadPath::Unreadable)?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(BadPath::Traversal),
            s if s.contains(['\0', '\\']) => return Err(BadPath::Unreadable),
            s => relative.push(s),
        }
    }
    // Segments hold no `/`, so each should be one normal component; checked rather than assumed, since any other
    // component (a root, a prefix) could lead out of the directory.
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(BadPath::Traversal);
    }
    if decoded.ends_with('/') {
        relative.push(INDEX);
    }
    Ok(relative)
}

/// Whether a file name carries a content hash, as trunk writes them: `NAME-HASH.EXT` or `NAME-HASH_bg.wasm`, with
/// at least 8 hexadecimal digits.
pub fn is_hashed_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty() && hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The `Content-Type` of a file, by its extension.
pub fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json" | "map") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Whether gzip makes files of this type smaller (PNG and woff2 are compressed already).
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || matches!(
            content_type,
            "application/wasm" | "application/json" | "image/svg+xml" | "image/x-icon"
        )
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

/// Whether an `Accept-Encoding` value accepts gzip (`gzip`, `x-gzip` or `*`, with a `q` above 0).
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    let mut star = false;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => return q > 0.0,
            "*" => star = q > 0.0,
            _ => {}
        }
    }
    star
}

/// Whether an `If-None-Match` value names `etag` (or is `*`); weak tags compare by their value.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised_and_plain_names_are_not() {
        assert!(is_hashed_name("dstream-lab-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_name("dstream-lab-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_name("style-0123abcd.css"));
        assert!(!is_hashed_name("index.html"));
        assert!(!is_hashed_name("dstream-lab_bg.wasm"));
        assert!(!is_hashed_name("send-messages.js"));
        assert!(!is_hashed_name("-1a2b3c4d.js"));
    }

    #[test]
    fn request_paths_map_into_the_directory_and_never_out_of_it() {
        assert_eq!(relative_path("/"), Ok(PathBuf::from("index.html")));
        assert_eq!(relative_path("/a/./b.js"), Ok(PathBuf::from("a/b.js")));
        assert_eq!(relative_path("/sub/"), Ok(PathBuf::from("sub/index.html")));
        assert_eq!(
            relative_path("/my%20file.css"),
            Ok(PathBuf::from("my file.css"))
        );
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/a%2F..%2F..%2Fx",
            "/.%2E/x",
        ] {
            assert_eq!(relative_path(bad), Err(BadPath::Traversal), "{bad}");
        }
        assert_eq!(relative_path("/%ff.js"), Err(BadPath::Unreadable));
        assert_eq!(relative_path("/a%00.js"), Err(BadPath::Unreadable));
        assert_eq!(relative_path("/..%5Cx"), Err(BadPath::Unreadable));
    }

    #[test]
    fn accept_encoding_is_read_with_its_q_values() {
        assert!(accepts_gzip("gzip, deflate, br, zstd"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br, *;q=0"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("*, gzip;q=0"));
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("x_bg.wasm"), "application/wasm");
        assert_eq!(content_type("INDEX.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("a.svg"), "image/svg+xml");
        assert_eq!(content_type("noextension"), "application/octet-stream");
    }
}
