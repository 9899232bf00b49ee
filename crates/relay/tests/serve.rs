//! `relay --serve DIR` and plain HTTP on the relay's port, with real sockets on 127.0.0.1 (ephemeral ports) and a
//! real directory of files; every test is bounded in time.

use crate::common;

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use common::{
    addr_in, bounded, handshake_status, http, http_raw, relay_config, start_relay, step, Client,
    Program, Source,
};
use dstream_notebook::generator::LogGenerator;
use dstream_protocol::{SourceState, StatusEvent};
use dstream_relay::relay::{Relay, RelayConfig};
use dstream_relay::shutdown::ShutdownTrigger;
use tokio::io::AsyncWriteExt;

const WASM: &str = "dstream-lab-0123456789abcdef_bg.wasm";
const INDEX_HTML: &str = "<!doctype html><title>DStream Lab</title><p>the app</p>\n";

/// A directory like trunk's `dist/`: an index, a hashed wasm (compressible, like real wasm), and a secret file next
/// to the directory that no request may reach. Removed when dropped.
struct Dist {
    root: PathBuf,
    dir: PathBuf,
    wasm: Vec<u8>,
}

impl Dist {
    fn new(test: &str) -> Dist {
        let root =
            std::env::temp_dir().join(format!("dstream-relay-serve-{}-{test}", std::process::id()));
        let dir = root.join("dist");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), INDEX_HTML).unwrap();
        // Log lines as bytes: repetitive enough to compress, varied enough that a wrong byte would show.
        let mut generator = LogGenerator::new(7);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        while wasm.len() < 200_000 {
            wasm.extend_from_slice(generator.next_line().as_bytes());
        }
        std::fs::write(dir.join(WASM), &wasm).unwrap();
        std::fs::write(root.join("secret.txt"), "not for students").unwrap();
        Dist { root, dir, wasm }
    }
}

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A relay serving a fresh [`Dist`], reading from a source the test controls.
struct Served {
    dist: Dist,
    source: Source,
    relay: Relay,
    _stop: ShutdownTrigger,
}

impl Served {
    async fn start(test: &str) -> Served {
        let dist = Dist::new(test);
        let source = Source::new().await;
        let (relay, stop) = start_relay(RelayConfig {
            serve: Some(dist.dir.clone()),
            ..relay_config(source.addr())
        })
        .await;
        Served {
            dist,
            source,
            relay,
            _stop: stop,
        }
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a valid gzip body");
    out
}

fn content_length(reply: &common::HttpReply) -> usize {
    reply
        .header("content-length")
        .expect("a Content-Length")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn index_html_is_served_at_the_root_and_must_be_revalidated() {
    bounded(async {
        let s = Served::start("index").await;
        let addr = s.relay.ws_addr;
        for path in ["/", "/index.html", "/?relay=x"] {
            let reply = http(addr, "GET", path, &[]).await;
            assert_eq!(reply.status, 200, "{path}");
            assert_eq!(reply.text(), INDEX_HTML);
            assert_eq!(content_length(&reply), INDEX_HTML.len());
            assert_eq!(
                reply.header("content-type"),
                Some("text/html; charset=utf-8")
            );
            assert_eq!(reply.header("cache-control"), Some("no-cache"));
        }
        // Revalidation: the same version gets 304 without a body, a changed file its new bytes.
        let etag = http(addr, "GET", "/", &[])
            .await
            .header("etag")
            .unwrap()
            .to_string();
        let again = http(addr, "GET", "/", &[&format!("If-None-Match: {etag}")]).await;
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        std::fs::write(
            s.dist.dir.join("index.html"),
            "<p>rebuilt, a longer page</p>\n",
        )
        .unwrap();
        let rebuilt = http(addr, "GET", "/", &[&format!("If-None-Match: {etag}")]).await;
        assert_eq!(rebuilt.status, 200);
        assert_eq!(rebuilt.text(), "<p>rebuilt, a longer page</p>\n");
    })
    .await;
}

#[tokio::test]
async fn a_hashed_wasm_is_served_as_wasm_gzipped_when_asked_and_cached_for_a_year() {
    bounded(async {
        let s = Served::start("wasm").await;
        let path = format!("/{WASM}");
        let gzipped = http(
            s.relay.ws_addr,
            "GET",
            &path,
            &["Accept-Encoding: gzip, deflate, br"],
        )
        .await;
        assert_eq!(gzipped.status, 200);
        assert_eq!(gzipped.header("content-type"), Some("application/wasm"));
        assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
        assert_eq!(gzipped.header("vary"), Some("Accept-Encoding"));
        assert_eq!(
            gzipped.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(content_length(&gzipped), gzipped.body.len());
        assert!(
            gzipped.body.len() < s.dist.wasm.len() / 2,
            "gzip barely compressed"
        );
        assert!(
            gunzip(&gzipped.body) == s.dist.wasm,
            "the gzip body is not the file"
        );

        // A client that does not accept gzip gets the file's bytes as they are.
        let plain = http(
            s.relay.ws_addr,
            "GET",
            &path,
            &["Accept-Encoding: gzip;q=0"],
        )
        .await;
        assert_eq!(plain.status, 200);
        assert_eq!(plain.header("content-encoding"), None);
        assert!(plain.body == s.dist.wasm, "the plain body is not the file");
        assert_eq!(content_length(&plain), s.dist.wasm.len());
    })
    .await;
}

#[tokio::test]
async fn head_gets_the_headers_of_get_without_a_body() {
    bounded(async {
        let s = Served::start("head").await;
        let path = format!("/{WASM}");
        let get = http(s.relay.ws_addr, "GET", &path, &["Accept-Encoding: gzip"]).await;
        let head = http(s.relay.ws_addr, "HEAD", &path, &["Accept-Encoding: gzip"]).await;
        assert_eq!(head.status, 200);
        assert!(
            head.body.is_empty(),
            "HEAD got {} body bytes",
            head.body.len()
        );
        assert_eq!(head.headers, get.headers);
        assert_eq!(content_length(&head), get.body.len());
    })
    .await;
}

#[tokio::test]
async fn unknown_paths_get_404_other_methods_405_and_no_path_leaves_the_directory() {
    bounded(async {
        let s = Served::start("refusals").await;
        let addr = s.relay.ws_addr;
        assert_eq!(http(addr, "GET", "/nothing-here.js", &[]).await.status, 404);
        let post = http(addr, "POST", "/", &["Content-Length: 5"]).await;
        assert_eq!(post.status, 405);
        assert_eq!(post.header("allow"), Some("GET, HEAD"));
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/a/../../secret.txt",
        ] {
            let reply = http(addr, "GET", path, &[]).await;
            assert_eq!(reply.status, 400, "{path}: {}", reply.text());
            assert!(!reply.text().contains("not for students"), "{path}");
        }
        // A symbolic link out of the directory is not followed out of it either.
        std::os::unix::fs::symlink(s.dist.root.join("secret.txt"), s.dist.dir.join("link.txt"))
            .unwrap();
        assert_eq!(http(addr, "GET", "/link.txt", &[]).await.status, 404);
    })
    .await;
}

#[tokio::test]
async fn ws_answers_426_to_plain_http_and_a_websocket_client_on_the_same_port_gets_its_lines() {
    bounded(async {
        let s = Served::start("ws").await;
        let plain = http(s.relay.ws_addr, "GET", "/ws", &[]).await;
        assert_eq!(plain.status, 426);
        assert_eq!(plain.header("upgrade"), Some("websocket"));

        let mut feed = s.source.accept().await;
        let (mut client, hello) = Client::connect_hello(s.relay.ws_addr).await;
        assert_eq!(hello.event, StatusEvent::Hello);
        client
            .until_status(|s| s.source == SourceState::Connected)
            .await;
        feed.write_all(b"first\r\nsecond\n").await.unwrap();
        assert_eq!(client.lines(2).await.0, ["first", "second"]);
    })
    .await;
}

#[tokio::test]
async fn the_pages_own_origin_is_allowed_with_serve_and_a_foreign_one_is_not() {
    bounded(async {
        let served = Served::start("origin").await;
        // The client sends Host: 127.0.0.1:PORT, as a browser on the page served there would.
        let own = format!("http://{}", served.relay.ws_addr);
        assert_eq!(
            handshake_status(served.relay.ws_addr, "/ws", Some(&own)).await,
            101
        );
        assert_eq!(
            handshake_status(served.relay.ws_addr, "/ws", Some("http://evil.example")).await,
            403
        );
        let other_port = format!("http://127.0.0.1:{}", served.relay.ws_addr.port() + 1);
        assert_eq!(
            handshake_status(served.relay.ws_addr, "/ws", Some(&other_port)).await,
            403
        );

        // Without --serve the relay serves no page, so that origin is not special.
        let (plain, _stop_plain) = start_relay(relay_config(served.source.addr())).await;
        let own = format!("http://{}", plain.ws_addr);
        assert_eq!(
            handshake_status(plain.ws_addr, "/ws", Some(&own)).await,
            403
        );
    })
    .await;
}

#[tokio::test]
async fn without_serve_plain_http_gets_a_status_page_404_or_426() {
    bounded(async {
        let source = Source::new().await;
        let (relay, _stop) = start_relay(relay_config(source.addr())).await;
        let addr = relay.ws_addr;
        let page = http(addr, "GET", "/", &[]).await;
        assert_eq!(page.status, 200);
        assert_eq!(
            page.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        let text = page.text();
        assert!(text.contains(&format!("ws://{addr}/ws")), "{text}");
        assert!(text.contains(&source.addr().to_string()), "{text}");
        assert!(text.contains("--serve"), "{text}");
        assert_eq!(http(addr, "GET", "/index.html", &[]).await.status, 404);
        assert_eq!(http(addr, "GET", "/ws", &[]).await.status, 426);
        assert_eq!(http(addr, "DELETE", "/", &[]).await.status, 405);
    })
    .await;
}

#[tokio::test]
async fn a_request_head_that_arrives_in_pieces_or_is_garbage_still_gets_an_answer() {
    bounded(async {
        let s = Served::start("pieces").await;
        let mut conn = tokio::net::TcpStream::connect(s.relay.ws_addr)
            .await
            .unwrap();
        conn.write_all(b"GET /index.html HT").await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
        conn.write_all(b"TP/1.1\r\nHost: x\r\n").await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
        conn.write_all(b"\r\n").await.unwrap();
        let mut bytes = Vec::new();
        step(
            "the response to a head in pieces",
            tokio::io::AsyncReadExt::read_to_end(&mut conn, &mut bytes),
        )
        .await
        .unwrap();
        let reply = common::parse_reply(&bytes);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.text(), INDEX_HTML);

        assert_eq!(
            http_raw(s.relay.ws_addr, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
                .await
                .status,
            400
        );
    })
    .await;
}

#[tokio::test]
async fn serve_refuses_to_start_without_a_built_app() {
    bounded(async {
        let dist = Dist::new("unbuilt");
        let source = Source::new().await;
        for dir in [dist.root.join("missing"), dist.root.clone()] {
            let (_trigger, shutdown) = dstream_relay::shutdown::channel();
            let config = RelayConfig {
                serve: Some(dir.clone()),
                ..relay_config(source.addr())
            };
            let error = Relay::start(config, shutdown)
                .await
                .expect_err("no index.html: the relay must refuse to start");
            let message = error.to_string();
            assert!(message.contains(&dir.display().to_string()), "{message}");
            assert!(message.contains("trunk build --release"), "{message}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_binary_prints_the_url_to_open_and_serves_the_page_there() {
    bounded(async {
        let dist = Dist::new("binary");
        let source = Source::new().await;
        let src = source.addr().to_string();
        let dir = dist.dir.display().to_string();
        let mut program = Program::start(
            env!("CARGO_BIN_EXE_relay"),
            &["--source", &src, "--listen", "127.0.0.1:0", "--serve", &dir],
        );
        let ws_addr: SocketAddr = addr_in(&program.next_line(), "ws://", "/ws");
        let serving = program.next_line();
        assert!(serving.contains(&dir), "{serving}");
        let url = program.next_line();
        assert_eq!(url.trim(), format!("http://{ws_addr}/"));
        let page = http(ws_addr, "GET", "/", &[]).await;
        assert_eq!(page.text(), INDEX_HTML);
        assert!(program.interrupt().await.success());
    })
    .await;
}
