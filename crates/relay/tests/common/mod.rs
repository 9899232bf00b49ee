//! Helpers shared by the relay's integration tests: time limits, an in-process relay and source, a WebSocket client
//! that checks every message against the protocol, the binaries as child processes, and a raw HTTP client.

// Each test file uses a part of these helpers; the rest would be reported as dead code in that file.
#![allow(dead_code)]

use std::future::Future;
use std::io::{BufRead, BufReader as StdBufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use dstream_notebook::generator::LogGenerator;
use dstream_protocol::{ClientMessage, FrameEncoding, Status, StatusEvent, TextMessage};
use dstream_relay::relay::{Relay, RelayConfig};
use dstream_relay::serve::{self, ServeConfig};
use dstream_relay::shutdown::{self, ShutdownTrigger};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const TEST_TIMEOUT: Duration = Duration::from_secs(60);
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs a test body with an overall time limit.
pub async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(TEST_TIMEOUT, body)
        .await
        .expect("test took longer than its time limit");
}

/// Awaits `f` with the step time limit, naming what was awaited when it times out.
pub async fn step<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(STEP_TIMEOUT, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out waiting for: {what}"),
    }
}

/// A port that was free a moment ago.
pub async fn free_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

pub fn relay_config(source: SocketAddr) -> RelayConfig {
    RelayConfig {
        source: source.to_string(),
        listen: "127.0.0.1:0".into(),
        retry_delay: Duration::from_millis(100),
        status_interval: Duration::from_millis(100),
        ..RelayConfig::default()
    }
}

pub async fn start_relay(config: RelayConfig) -> (Relay, ShutdownTrigger) {
    let (trigger, shutdown) = shutdown::channel();
    let relay = Relay::start(config, shutdown).await.expect("relay starts");
    (relay, trigger)
}

/// Starts an in-process send-messages server on `addr`; returns its task and trigger.
pub async fn start_generator(
    addr: SocketAddr,
    config: ServeConfig,
) -> (tokio::task::JoinHandle<()>, ShutdownTrigger) {
    let listener = serve::bind(&addr.to_string())
        .await
        .expect("bind generator");
    let (trigger, shutdown) = shutdown::channel();
    let task = tokio::spawn(serve::run(listener, Arc::new(config), shutdown));
    (task, trigger)
}

pub fn generated(seed: u64, n: usize) -> Vec<String> {
    let mut g = LogGenerator::new(seed);
    (0..n).map(|_| g.next_line()).collect()
}

/// What a WebSocket client saw.
#[derive(Debug)]
pub enum Event {
    Lines(Vec<String>),
    Status(Status),
    /// An `inject_refused` message, with its reason.
    InjectRefused(String),
    Closed(Option<CloseFrame>),
}

pub struct Client {
    /// The connection itself, for tests that send or read frames by hand.
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// How the relay agreed to send this client's data frames.
    pub encoding: FrameEncoding,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        Client::connect_as(addr, FrameEncoding::Plain).await
    }

    /// Connects offering `encoding`'s subprotocol (none for plain frames), and checks that the relay's answer
    /// names it.
    pub async fn connect_as(addr: SocketAddr, encoding: FrameEncoding) -> Client {
        let mut request = ws_request(addr, "/ws", None);
        if let Some(name) = encoding.subprotocol() {
            request
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", name.parse().unwrap());
        }
        let (ws, response) = step(
            "WebSocket connect",
            tokio_tungstenite::connect_async(request),
        )
        .await
        .expect("WebSocket handshake");
        let agreed = response
            .headers()
            .get("Sec-WebSocket-Protocol")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(agreed.as_deref(), encoding.subprotocol());
        Client { ws, encoding }
    }

    /// Connects and waits for the hello status.
    pub async fn connect_hello(addr: SocketAddr) -> (Client, Status) {
        Client::connect_hello_as(addr, FrameEncoding::Plain).await
    }

    /// Connects offering `encoding` and waits for the hello status.
    pub async fn connect_hello_as(addr: SocketAddr, encoding: FrameEncoding) -> (Client, Status) {
        let mut c = Client::connect_as(addr, encoding).await;
        match c.next_event().await {
            Event::Status(s) if s.event == StatusEvent::Hello => (c, s),
            other => panic!("expected hello first, got {other:?}"),
        }
    }

    /// The next message, checked against the protocol.
    pub async fn next_event(&mut self) -> Event {
        loop {
            let msg = step("a WebSocket message", self.ws.next()).await;
            match msg {
                None => return Event::Closed(None),
                Some(Err(e)) => panic!("WebSocket error: {e}"),
                Some(Ok(Message::Binary(data))) => {
                    let data = self
                        .encoding
                        .decode(&data)
                        .expect("a data frame in its encoding");
                    assert!(!data.is_empty(), "empty data frame");
                    assert_eq!(data.last(), Some(&b'\n'), "frame does not end with \\n");
                    assert!(!data.contains(&b'\r'), "frame contains \\r");
                    let text = std::str::from_utf8(&data).expect("data frame is UTF-8");
                    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
                    lines.pop();
                    return Event::Lines(lines);
                }
                Some(Ok(Message::Text(json))) => match TextMessage::from_json(json.as_str()) {
                    Ok(TextMessage::Status(status)) => return Event::Status(status),
                    Ok(TextMessage::InjectRefused { reason }) => {
                        return Event::InjectRefused(reason)
                    }
                    other => panic!("expected a status message, got {other:?} from {json}"),
                },
                Some(Ok(Message::Close(frame))) => return Event::Closed(frame),
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Asks the relay to inject `line` into the stream.
    pub async fn inject(&mut self, line: &str) {
        let json = ClientMessage::Inject { line: line.into() }.to_json();
        step(
            "sending an inject message",
            self.ws.send(Message::Text(json.into())),
        )
        .await
        .expect("the relay takes the message");
    }

    /// Reads until `n` lines have arrived; returns them and the statuses seen on the way.
    pub async fn lines(&mut self, n: usize) -> (Vec<String>, Vec<Status>) {
        let mut lines = Vec::new();
        let mut statuses = Vec::new();
        while lines.len() < n {
            match self.next_event().await {
                Event::Lines(l) => lines.extend(l),
                Event::Status(s) => statuses.push(s),
                Event::InjectRefused(why) => panic!("an injection was refused: {why}"),
                Event::Closed(f) => panic!("closed after {} of {n} lines: {f:?}", lines.len()),
            }
        }
        (lines, statuses)
    }

    /// Reads until a status satisfies `pred`; returns it and the lines seen before it.
    pub async fn until_status(&mut self, pred: impl Fn(&Status) -> bool) -> (Status, Vec<String>) {
        let mut lines = Vec::new();
        loop {
            match self.next_event().await {
                Event::Lines(l) => lines.extend(l),
                Event::Status(s) if pred(&s) => return (s, lines),
                Event::Status(_) => {}
                Event::InjectRefused(why) => panic!("an injection was refused: {why}"),
                Event::Closed(f) => panic!("closed while waiting for a status: {f:?}"),
            }
        }
    }
}

/// A TCP source the test controls: accepts the relay's connection.
pub struct Source {
    listener: TcpListener,
}

impl Source {
    pub async fn new() -> Source {
        Source {
            listener: TcpListener::bind("127.0.0.1:0").await.unwrap(),
        }
    }
    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap()
    }
    pub async fn accept(&self) -> TcpStream {
        step("the relay to connect to the source", self.listener.accept())
            .await
            .unwrap()
            .0
    }
}

pub async fn wait_for_clients(relay: &Relay, n: usize) {
    step("clients to register", async {
        while relay.hub().clients() != n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

/// A binary of this package, started with `args`, with its stdout lines readable.
pub struct Program {
    child: Child,
    stdout: StdBufReader<std::process::ChildStdout>,
}

impl Program {
    pub fn start(exe: &str, args: &[&str]) -> Program {
        let mut child = Command::new(exe)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the binary");
        let stdout = StdBufReader::new(child.stdout.take().unwrap());
        Program { child, stdout }
    }

    /// The next stdout line (blocking; the programs print their first lines right after binding).
    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends Ctrl-C (SIGINT) and waits, bounded, for the exit status.
    pub async fn interrupt(mut self) -> std::process::ExitStatus {
        self.stop().await
    }

    /// Sends Ctrl-C, waits (bounded) for the exit, and returns the exit status and the rest of stdout.
    pub async fn interrupt_with_output(mut self) -> (std::process::ExitStatus, String) {
        let status = self.stop().await;
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        (status, rest)
    }

    async fn stop(&mut self) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(ok.success());
        step("the program to exit after Ctrl-C", async {
            loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    return status;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address at the end of a "... on ADDR" or "... ws://ADDR/ws ..." line.
pub fn addr_in(line: &str, prefix: &str, suffix: &str) -> SocketAddr {
    let start = line
        .rfind(prefix)
        .unwrap_or_else(|| panic!("no {prefix:?} in {line:?}"))
        + prefix.len();
    let rest = &line[start..];
    let end = rest.find(suffix).unwrap_or(rest.len());
    rest[..end]
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("bad address in {line:?}: {e}"))
}

/// A WebSocket request for `ws://ADDR/PATH`, with `origin` as its `Origin` header if given (as a browser sends it).
pub fn ws_request(addr: SocketAddr, path: &str, origin: Option<&str>) -> Request {
    let mut request = format!("ws://{addr}{path}").into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
    }
    request
}

/// The HTTP status of a WebSocket handshake on `ws://ADDR/PATH`, sending `origin` as `Origin` if given: 101 when
/// the relay accepted it.
pub async fn handshake_status(addr: SocketAddr, path: &str, origin: Option<&str>) -> u16 {
    let request = ws_request(addr, path, origin);
    match step(
        "a WebSocket handshake",
        tokio_tungstenite::connect_async(request),
    )
    .await
    {
        Ok(_) => 101,
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("unexpected handshake error {e}"),
    }
}

/// An HTTP response as the relay sent it.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` (raw bytes: the test writes exactly what a client would) and reads the response until the relay
/// closes the connection, as its `Connection: close` says it will.
pub async fn http_raw(addr: SocketAddr, request: &[u8]) -> HttpReply {
    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(request).await.unwrap();
    let mut bytes = Vec::new();
    step(
        "an HTTP response and the close",
        conn.read_to_end(&mut bytes),
    )
    .await
    .expect("read the HTTP response");
    parse_reply(&bytes)
}

/// A `METHOD PATH` request with `headers` (each `Name: value`), and its response.
pub async fn http(addr: SocketAddr, method: &str, path: &str, headers: &[&str]) -> HttpReply {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    http_raw(addr, request.as_bytes()).await
}

/// Parses a whole response with httparse; the body is what follows the head, checked against `Content-Length`
/// when the status has a body.
pub fn parse_reply(bytes: &[u8]) -> HttpReply {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        other => panic!(
            "not a complete HTTP response ({other:?}): {:?}",
            String::from_utf8_lossy(bytes)
        ),
    };
    let reply = HttpReply {
        status: response.code.unwrap(),
        headers: response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_ascii_lowercase(),
                    String::from_utf8(h.value.to_vec()).unwrap(),
                )
            })
            .collect(),
        body: bytes[len..].to_vec(),
    };
    assert_eq!(reply.header("connection"), Some("close"));
    reply
}

/// A WebSocket client from `local_ip` (any address of 127.0.0.0/8 reaches the relay on 127.0.0.1, and the relay
/// sees it as another machine) whose socket receives into a buffer of about `recv_buffer` bytes: a client that
/// stops reading then makes the relay's writes block soon. The hello status is left unread.
pub async fn connect_from(
    addr: SocketAddr,
    local_ip: &str,
    recv_buffer: u32,
) -> Result<WebSocketStream<TcpStream>, WsError> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(recv_buffer).unwrap();
    socket
        .bind(SocketAddr::new(local_ip.parse().unwrap(), 0))
        .unwrap();
    let stream = step("a TCP connection", socket.connect(addr))
        .await
        .unwrap();
    step(
        "a WebSocket handshake",
        tokio_tungstenite::client_async(format!("ws://{addr}/ws"), stream),
    )
    .await
    .map(|(ws, _)| ws)
}

/// How a client's stream ended after it had stopped reading: the data lines it got on the way, and the close
/// frame, or the error that ended it.
pub async fn drain<S>(ws: &mut WebSocketStream<S>) -> (usize, Result<Option<CloseFrame>, WsError>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut lines = 0;
    loop {
        match step("the stream to end", ws.next()).await {
            Some(Ok(Message::Binary(data))) => {
                lines += data.iter().filter(|&&b| b == b'\n').count()
            }
            Some(Ok(Message::Close(frame))) => return (lines, Ok(frame)),
            Some(Ok(_)) => {}
            Some(Err(e)) => return (lines, Err(e)),
            None => return (lines, Err(WsError::ConnectionClosed)),
        }
    }
}

/// Waits until `done` holds, looking every 10 ms.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    step(what, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
}

/// Bytes the kernel holds, unsent or unacknowledged, on the TCP socket from `local` to `remote` (the `tx_queue`
/// column of /proc/net/tcp); `None` if there is no such socket.
pub fn tcp_send_queue(local: SocketAddr, remote: SocketAddr) -> Option<u64> {
    let hex = |a: SocketAddr| match a {
        SocketAddr::V4(v4) => format!(
            "{:08X}:{:04X}",
            u32::from_le_bytes(v4.ip().octets()),
            v4.port()
        ),
        SocketAddr::V6(_) => panic!("IPv4 only"),
    };
    let (local, remote) = (hex(local), hex(remote));
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    table.lines().skip(1).find_map(|row| {
        let cols: Vec<&str> = row.split_whitespace().collect();
        if cols.get(1) == Some(&local.as_str()) && cols.get(2) == Some(&remote.as_str()) {
            let tx = cols.get(4)?.split(':').next()?;
            u64::from_str_radix(tx, 16).ok()
        } else {
            None
        }
    })
}

/// The lines `"{seq:09} xxx…"` of `len` bytes with their `\n`, numbered from `first`, `count` of them.
pub fn numbered_lines(first: u64, count: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count as usize * len);
    for seq in first..first + count {
        let start = out.len();
        out.extend_from_slice(format!("{seq:09} ").as_bytes());
        out.resize(start + len - 1, b'x');
        out.push(b'\n');
    }
    out
}
