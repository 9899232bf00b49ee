//! Plain HTTP on the WebSocket port: reading a request head without consuming it, and writing one response.
//!
//! The relay's listener serves both WebSocket and plain HTTP. It peeks at the request head ([`peek_head`]) so a
//! WebSocket upgrade reaches tungstenite's handshake with every byte still in the socket, and anything else gets a
//! real HTTP answer ([`Response::send`]) instead of an empty reply. One request per connection (`Connection: close`).

use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::http::StatusCode;

/// The largest request head the relay reads; a longer one is answered with 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The most headers a request may have; more are answered with 431 too.
const MAX_HEADERS: usize = 64;
/// The first pause before looking again at a head that has not fully arrived; it doubles up to the next constant.
const FIRST_RETRY: Duration = Duration::from_millis(2);
const MAX_RETRY: Duration = Duration::from_millis(100);
/// How long the relay keeps reading (and discarding) what a client still sends after its response, so the close
/// does not become a reset that could destroy the response before the client has read it.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 256 * 1024;

/// A parsed request head. Header names are lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target as sent (path and query, still percent-encoded).
    pub target: String,
    /// The headers, names in lower case, values as text (bytes that are not UTF-8 replaced).
    pub headers: Vec<(String, String)>,
    /// The length of the head in bytes, up to and including the blank line.
    pub len: usize,
}

impl RequestHead {
    /// The value of the first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path of the target, without its query.
    pub fn path(&self) -> &str {
        let end = self.target.find(['?', '#']).unwrap_or(self.target.len());
        &self.target[..end]
    }

    /// Whether this is a WebSocket upgrade request (`Upgrade: websocket`); tungstenite checks the rest.
    pub fn is_websocket_upgrade(&self) -> bool {
        self.header("upgrade").is_some_and(|v| {
            v.split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("websocket"))
        })
    }
}

/// What the start of a connection holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A complete request head (not consumed: its bytes are still in the socket).
    Request(RequestHead),
    /// Bytes that are not an HTTP request; the message says why.
    Malformed(String),
    /// The head is longer than [`MAX_HEAD_BYTES`] or has more than 64 headers.
    TooLarge,
    /// The client closed the connection before sending a whole head.
    Closed,
}

/// Parses `bytes` as the start of a request: `None` while the head is incomplete.
pub fn parse_head(bytes: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => Some(Head::Request(RequestHead {
            method: request.method.unwrap_or_default().to_string(),
            target: request.path.unwrap_or_default().to_string(),
            headers: request
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect(),
            len,
        })),
        Ok(httparse::Status::Partial) if bytes.len() >= MAX_HEAD_BYTES => Some(Head::TooLarge),
        Ok(httparse::Status::Partial) => None,
        Err(httparse::Error::TooManyHeaders) => Some(Head::TooLarge),
        Err(e) => Some(Head::Malformed(e.to_string())),
    }
}

/// Looks at the request head at the start of `stream` without consuming it. Waits, with growing pauses (never
/// spinning), while the head is incomplete; the caller bounds the whole wait with a timeout.
pub async fn peek_head(stream: &TcpStream) -> std::io::Result<Head> {
    let mut buf = vec![0u8; MAX_HEAD_BYTES];
    let mut pause = FIRST_RETRY;
    loop {
        // `peek` waits for data, but returns at once while unread data is there: the pause below is what waits for
        // the rest of a head that arrives in pieces.
        let n = stream.peek(&mut buf).await?;
        if n == 0 {
            return Ok(Head::Closed);
        }
        if let Some(head) = parse_head(&buf[..n]) {
            return Ok(head);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_RETRY);
    }
}

/// One HTTP response; the relay closes the connection after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: StatusCode,
    /// Headers besides `Content-Length` and `Connection: close`, which [`Response::head_bytes`] adds.
    pub headers: Vec<(&'static str, String)>,
    /// The body (what `Content-Length` counts, also for a `HEAD` request, which gets no body).
    pub body: Bytes,
}

impl Response {
    /// A `text/plain` response whose body is `text` and a newline.
    pub fn text(status: StatusCode, text: impl Into<String>) -> Response {
        let mut body = text.into();
        body.push('\n');
        Response {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".to_string())],
            body: Bytes::from(body),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The status line and headers, ending with the blank line.
    pub fn head_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nConnection: close\r\n",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or(""),
        );
        // A 304 has no body, and a Content-Length on it would have to be that of the full answer.
        if self.status != StatusCode::NOT_MODIFIED {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// Consumes the request head (`head_len` bytes, peeked before), writes the response (no body when
    /// `head_only`), and closes the connection politely.
    pub async fn send(
        &self,
        stream: &mut TcpStream,
        head_len: usize,
        head_only: bool,
    ) -> std::io::Result<()> {
        let mut consumed = vec![0u8; head_len];
        stream.read_exact(&mut consumed).await?;
        stream.write_all(&self.head_bytes()).await?;
        if !head_only {
            stream.write_all(&self.body).await?;
        }
        stream.shutdown().await?;
        linger(stream).await;
        Ok(())
    }
}

/// Reads and discards what the client still sends (a request body, a pipelined request) until it closes, for at
/// most [`LINGER`] and [`LINGER_BYTES`]: closing with unread data would send a reset instead of a clean close.
async fn linger(stream: &mut TcpStream) {
    let mut scratch = [0u8; 4096];
    let mut read = 0;
    let _ = tokio::time::timeout(LINGER, async {
        while read < LINGER_BYTES {
            match stream.read(&mut scratch).await {
                Ok(0) | Err(_) => return,
                Ok(n) => read += n,
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(bytes: &[u8]) -> RequestHead {
        match parse_head(bytes) {
            Some(Head::Request(head)) => head,
            other => panic!("expected a request, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_head_is_parsed_with_lower_case_names_and_its_length() {
        let raw =
            b"GET /a/b.wasm?x=1 HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUpgrade: WebSocket\r\n\r\nbody";
        let head = request(raw);
        assert_eq!(head.method, "GET");
        assert_eq!(head.path(), "/a/b.wasm");
        assert_eq!(head.header("host"), Some("10.0.0.2:8080"));
        assert!(head.is_websocket_upgrade());
        assert_eq!(head.len, raw.len() - 4);
    }

    #[test]
    fn an_incomplete_head_waits_and_garbage_or_a_huge_head_is_refused() {
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert!(matches!(
            parse_head(b"\x16\x03\x01 TLS hello"),
            Some(Head::Malformed(_))
        ));
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.resize(MAX_HEAD_BYTES, b'a');
        assert_eq!(parse_head(&huge), Some(Head::TooLarge));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: 1\r\n")).collect();
        let raw = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse_head(raw.as_bytes()), Some(Head::TooLarge));
    }

    #[test]
    fn the_response_head_counts_the_body_and_closes() {
        let response =
            Response::text(StatusCode::NOT_FOUND, "nothing here").with_header("X-Test", "1");
        let head = String::from_utf8(response.head_bytes()).unwrap();
        assert!(head.starts_with("HTTP/1.1 404 Not Found\r\n"), "{head}");
        assert!(head.contains("Content-Length: 13\r\n"), "{head}");
        assert!(head.contains("Connection: close\r\n"), "{head}");
        assert!(head.ends_with("X-Test: 1\r\n\r\n"), "{head}");
    }
}
