#![cfg(not(target_arch = "wasm32"))]
//! End-to-end test: real `send-messages` and `relay` processes, the release page (`scripts/build-web.sh`) served
//! over HTTP, and the page driven in headless Chromium through chromedriver, with a 1 s batch interval.
//!
//! ```text
//! bash scripts/build-web.sh        # dist-web/ (or E2E_DIST=/some/dist, e.g. trunk's dist/)
//! cargo test -p dstream-lab --test e2e -- --ignored --nocapture
//! ```
//!
//! ```text
//! send-messages --seed S --count N --rate R ──TCP──▶ tap (in the test) ──TCP──▶ relay ──WS──▶ page
//! ```
//!
//! The tap records every line `send-messages` sends and forwards them up to a limit the test sets: so the
//! test kills the relay at a known point of the stream (with nothing in flight), and the relay's reconnects
//! to its source never start a second `--count` stream. Checks:
//! 1. the page (`?source=relay&interval=1&relay=ws://…`) connects to the relay: `source-status` says so;
//! 2. the relay is killed half-way (nothing in flight): the page shows the outage, reconnects to the restarted
//!    relay, and keeps counting until all N lines are in;
//! 3. the lines `send-messages --seed S --count N` sent are exactly `LogGenerator::new(S)`'s first N;
//! 4. after the stream ends and a few batches pass, the cumulative console's running totals equal the
//!    per-type counts of the N lines, and sum to N;
//! 5. the stateless blocks (every batch, merged across polls since a console keeps only its last blocks) add
//!    up to the same counts, and to N;
//! 6. the page's batches are recorded (batch k = the next n_k lines of the stream, n_k and its per-type
//!    counts checked against its stateless block) and replayed with `replay`: the windowed console equals
//!    replay's output exactly (then the stateless and cumulative consoles too);
//! 7. a reload restores the running totals from the checkpoint (notice + totals);
//! 8. with no relay at all (source auto, relay URL on a dead port, 1 s picked in the batch interval form), the
//!    built-in source drives all three modes; they agree with each other and with `replay` (records compared
//!    as sets there: the built-in lines are not known to the test, only their per-batch counts);
//! 9. the header's fields keep what is typed while the page runs: a built-in rate (Enter applies it) and a
//!    relay URL (Enter submits it, the page then names that relay).
//!
//! A failed check is reported and the checks that do not depend on it still run; the test fails at the end
//! with the list of failed checks. Everything has a time limit; child processes (relay, send-messages,
//! chromedriver and its browser) are killed on drop, also on panic or timeout.
//!
//! A screenshot of each step goes to `target/e2e-screenshots/`, process logs to `target/e2e-logs/`.
//! Environment: `E2E_DIST`, `E2E_BIN_DIR` (prebuilt `send-messages`, `relay`, `replay`), `CHROMIUM`,
//! `CHROMEDRIVER`, `E2E_SEED`, `E2E_COUNT`, `E2E_RATE`.

#[path = "e2e/pprint.rs"]
mod pprint;
#[path = "e2e/support.rs"]
mod support;

use fantoccini::{Client, Locator};
use pprint::{blocks, count_types, generated_lines, lines_for, sum_counts, Block, Counts};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{free_port, wait_listening, webdriver_session, workspace, Proc, StaticServer, Tap};

/// The whole test, however it goes.
const TOTAL_TIMEOUT: Duration = Duration::from_secs(420);
/// Any single WebDriver command.
const CMD_TIMEOUT: Duration = Duration::from_secs(30);
/// Building the relay and replay binaries when they are not there yet.
const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

type Res<T> = Result<T, String>;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "end-to-end: needs `scripts/build-web.sh` (dist-web/), Debian chromium + chromedriver; run by scripts/test.sh"]
fn relay_and_builtin_source_in_headless_chromium() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    // Building the helper binaries (usually already built by the workspace tests) has its own time limit.
    let bins = rt
        .block_on(locate_bins())
        .unwrap_or_else(|e| panic!("end-to-end setup failed: {e}"));
    let outcome = rt.block_on(async { tokio::time::timeout(TOTAL_TIMEOUT, run(&bins)).await });
    eprintln!("[e2e] finished in {:.1} s", started.elapsed().as_secs_f64());
    match outcome {
        Err(_) => panic!("the end-to-end test did not finish within {TOTAL_TIMEOUT:?} (every process was stopped)"),
        Ok(Err(setup)) => panic!("end-to-end setup failed: {setup}"),
        Ok(Ok(report)) => {
            eprintln!("\n[e2e] results:");
            for (name, r) in &report {
                match r {
                    Ok(()) => eprintln!("  ok    {name}"),
                    Err(e) => eprintln!("  FAIL  {name}: {e}"),
                }
            }
            let failed: Vec<_> = report.iter().filter(|(_, r)| r.is_err()).collect();
            assert!(
                failed.is_empty(),
                "{} of {} end-to-end checks failed (screenshots in target/e2e-screenshots/): {}",
                failed.len(),
                report.len(),
                failed
                    .iter()
                    .map(|(n, r)| format!("{n}: {}", r.as_ref().err().map(String::as_str).unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
    }
}

/// Named check results, in the order they ran.
type Report = Vec<(String, Res<()>)>;

async fn run(bins: &Bins) -> Res<Report> {
    let root = workspace();
    let dist = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("dist-web"));
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: run `bash scripts/build-web.sh` first (or set E2E_DIST)",
            dist.display()
        ));
    }
    let shots = root.join("target/e2e-screenshots");
    let logs = root.join("target/e2e-logs");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).map_err(|e| format!("{}: {e}", shots.display()))?;

    let server = StaticServer::start(dist.clone()).await?;
    eprintln!("[e2e] serving {} on {}", dist.display(), server.origin);
    let browser = Browser::start(&logs).await?;
    let mut page = Page {
        client: browser.client.clone(),
        shots,
        shot_no: 0,
        recorder: Recorder::default(),
        origin: server.origin.clone(),
    };

    let mut report = Report::new();
    let cfg = StreamCfg {
        seed: env_or("E2E_SEED", 20_261_124),
        count: env_or("E2E_COUNT", 400),
        rate: env_or("E2E_RATE", 20.0),
    };
    relay_phase(&mut page, bins, &logs, &cfg, &mut report).await;
    builtin_phase(&mut page, bins, &mut report).await;
    browser.close().await;
    drop(server);
    Ok(report)
}

struct StreamCfg {
    seed: u64,
    count: usize,
    rate: f64,
}

/// Where `send-messages`, `relay` and `replay` are: `E2E_BIN_DIR`, or built now into the test's own target
/// directory (`cargo build -p dstream-relay -p dstream-notebook --bins`).
struct Bins {
    send_messages: PathBuf,
    relay: PathBuf,
    replay: PathBuf,
}

async fn locate_bins() -> Res<Bins> {
    let dir = match std::env::var_os("E2E_BIN_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            // This test runs as <target>/<profile>/deps/e2e-HASH: build the binaries next to it.
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .ok_or("cannot tell the target directory from the test's path")?
                .to_path_buf();
            let target = profile_dir
                .parent()
                .ok_or("no target directory")?
                .to_path_buf();
            let profile = profile_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("debug");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let mut cmd = tokio::process::Command::new(cargo);
            cmd.current_dir(workspace())
                .args([
                    "build",
                    "-p",
                    "dstream-relay",
                    "-p",
                    "dstream-notebook",
                    "--bins",
                ])
                .env("CARGO_TARGET_DIR", &target)
                .kill_on_drop(true);
            if profile == "release" {
                cmd.arg("--release");
            }
            eprintln!(
                "[e2e] building send-messages, relay and replay into {}",
                profile_dir.display()
            );
            let status = tokio::time::timeout(BUILD_TIMEOUT, cmd.status())
                .await
                .map_err(|_| format!("building the relay binaries took over {BUILD_TIMEOUT:?}"))?
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "cargo build -p dstream-relay -p dstream-notebook --bins failed: {status}"
                ));
            }
            profile_dir
        }
    };
    let bins = Bins {
        send_messages: dir.join("send-messages"),
        relay: dir.join("relay"),
        replay: dir.join("replay"),
    };
    for b in [&bins.send_messages, &bins.relay, &bins.replay] {
        if !b.is_file() {
            return Err(format!("{} is missing", b.display()));
        }
    }
    Ok(bins)
}

/// chromedriver (in its own process group, killed on drop with the browser) and one WebDriver session.
struct Browser {
    client: Client,
    _driver: Proc,
    profile: PathBuf,
}

impl Browser {
    async fn start(logs: &Path) -> Res<Browser> {
        let profile = std::env::temp_dir().join(format!(
            "dstream-e2e-profile-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0)
        ));
        let _ = std::fs::remove_dir_all(&profile);
        let (client, driver) =
            webdriver_session(logs, &profile, &["--window-size=1400,3000"]).await?;
        Ok(Browser {
            client,
            _driver: driver,
            profile,
        })
    }

    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(15), self.client.clone().close()).await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// What the page shows, read in one script run (so the three consoles are consistent with each other).
#[derive(Debug, Clone, Default, Deserialize)]
struct PageState {
    status: Option<String>,
    source: Option<String>,
    link: Option<String>,
    run: Option<String>,
    notices: Option<String>,
    stateless: Option<String>,
    cumulative: Option<String>,
    window: Option<String>,
    dropped: Vec<String>,
    panic: Option<String>,
}

impl PageState {
    /// Lines put into the engine, from the run status (`… N lines total`).
    fn lines_total(&self) -> Option<u64> {
        let run = self.run.as_deref()?;
        let head = run.split(" lines total").next()?;
        head.rsplit(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    }

    fn console(&self, mode: &str) -> Res<Vec<Block>> {
        let text = match mode {
            "stateless" => &self.stateless,
            "cumulative" => &self.cumulative,
            _ => &self.window,
        };
        blocks(text.as_deref().ok_or(format!(
            "no {mode} console (data-testid=pprint in mode-{mode})"
        ))?)
    }

    fn last_totals(&self) -> Option<(String, Counts)> {
        let b = self.console("cumulative").ok()?;
        b.last().map(|b| (b.time.clone(), b.counts()))
    }

    fn brief(&self) -> String {
        let last = |mode: &str| {
            self.console(mode)
                .ok()
                .and_then(|b| b.last().map(|b| format!("{} {:?}", b.time, b.records)))
                .unwrap_or_else(|| "-".into())
        };
        format!(
            "source-status={:?} (data-source={:?}, data-link={:?}); run-status={:?}; notices={:?}; last stateless: {}; \
             last cumulative: {}; last window: {}; scrolled out: {:?}",
            self.status,
            self.source,
            self.link,
            self.run,
            self.notices,
            last("stateless"),
            last("cumulative"),
            last("window"),
            self.dropped
        )
    }
}

const SNAPSHOT_JS: &str = r#"
const q = (s) => document.querySelector(s);
const txt = (s) => { const e = q(s); return e ? e.textContent : null; };
const st = q('[data-testid="source-status"]');
return {
  status: st ? st.textContent : null,
  source: st ? st.getAttribute('data-source') : null,
  link: st ? st.getAttribute('data-link') : null,
  run: txt('[data-testid="run-status"]'),
  notices: txt('[data-testid="notices"]'),
  stateless: txt('[data-testid="mode-stateless"] [data-testid="pprint"]'),
  cumulative: txt('[data-testid="mode-cumulative"] [data-testid="pprint"]'),
  window: txt('[data-testid="mode-window"] [data-testid="pprint"]'),
  dropped: Array.from(document.querySelectorAll('.dropped')).map((e) => e.textContent),
  panic: txt('.panic'),
};
"#;

/// Every stateless and window block seen while recording, by batch time: the consoles keep only their last
/// blocks, so polls are merged to cover the whole run.
#[derive(Default)]
struct Recorder {
    on: bool,
    stateless: BTreeMap<String, Block>,
    cumulative: BTreeMap<String, Block>,
    window: BTreeMap<String, Block>,
    conflicts: Vec<String>,
}

impl Recorder {
    fn add(&mut self, s: &PageState) {
        if !self.on {
            return;
        }
        for (mode, map) in [
            ("stateless", &mut self.stateless),
            ("cumulative", &mut self.cumulative),
            ("window", &mut self.window),
        ] {
            if let Ok(bs) = s.console(mode) {
                for b in bs {
                    match map.get(&b.time) {
                        Some(old) if old.raw != b.raw => self.conflicts.push(format!(
                            "{mode} block at {} changed: {:?} then {:?}",
                            b.time, old.raw, b.raw
                        )),
                        Some(_) => {}
                        None => {
                            map.insert(b.time.clone(), b);
                        }
                    }
                }
            }
        }
    }

    fn start(&mut self) {
        *self = Recorder {
            on: true,
            ..Recorder::default()
        };
    }
}

struct Page {
    client: Client,
    shots: PathBuf,
    shot_no: u32,
    recorder: Recorder,
    origin: String,
}

async fn cmd<T, E: std::fmt::Display>(what: &str, f: impl Future<Output = Result<T, E>>) -> Res<T> {
    tokio::time::timeout(CMD_TIMEOUT, f)
        .await
        .map_err(|_| format!("{what}: no answer from the browser within {CMD_TIMEOUT:?}"))?
        .map_err(|e| format!("{what}: {e}"))
}

impl Page {
    async fn goto(&mut self, path_and_query: &str) -> Res<()> {
        let url = format!("{}{path_and_query}", self.origin);
        eprintln!("[e2e] open {url}");
        cmd("goto", self.client.goto(&url)).await
    }

    async fn snapshot(&mut self) -> Res<PageState> {
        let v = cmd("read the page", self.client.execute(SNAPSHOT_JS, vec![])).await?;
        let s: PageState = serde_json::from_value(v).map_err(|e| format!("page snapshot: {e}"))?;
        if let Some(p) = &s.panic {
            return Err(format!("the app shows its panic message: {p}"));
        }
        self.recorder.add(&s);
        Ok(s)
    }

    async fn screenshot(&mut self, name: &str) {
        self.shot_no += 1;
        let path = self.shots.join(format!("{:02}-{name}.png", self.shot_no));
        match cmd("screenshot", self.client.screenshot()).await {
            Ok(png) => match std::fs::write(&path, png) {
                Ok(()) => eprintln!("[e2e] screenshot {}", path.display()),
                Err(e) => eprintln!("[e2e] cannot write {}: {e}", path.display()),
            },
            Err(e) => eprintln!("[e2e] no screenshot {name}: {e}"),
        }
    }

    /// Polls until `ok` holds (every 200 ms), or fails after `timeout` with the page's last state and a
    /// screenshot.
    async fn wait(
        &mut self,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&PageState) -> bool,
    ) -> Res<PageState> {
        let deadline = Instant::now() + timeout;
        let mut last = PageState::default();
        loop {
            match self.snapshot().await {
                Ok(s) if ok(&s) => return Ok(s),
                Ok(s) => last = s,
                Err(e) if e.contains("panic") => {
                    self.screenshot(&format!("failed-{}", slug(what))).await;
                    return Err(e);
                }
                Err(_) => {}
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("failed-{}", slug(what))).await;
                return Err(format!(
                    "timed out after {timeout:?} waiting for {what}; page: {}",
                    last.brief()
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Polls for `d` (recording consoles meanwhile).
    async fn pause(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            let _ = self.snapshot().await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// The window settings the page runs with, from its settings form.
    async fn window_spec(&mut self) -> Res<serde_json::Value> {
        let v = cmd(
            "read the settings",
            self.client.execute(
                r#"const v = (id) => { const e = document.querySelector(`[data-testid="${id}"]`); return e ? e : null; };
                   return { interval: v('interval') && v('interval').value, window: v('window') && v('window').value,
                            slide: v('slide') && v('slide').value, inverse: v('inverse') && v('inverse').checked,
                            filter: v('filter-zero') && v('filter-zero').checked,
                            partitions: v('partitions') && v('partitions').value };"#,
                vec![],
            ),
        )
        .await?;
        let num = |k: &str| -> Res<f64> {
            v[k].as_str()
                .and_then(|s| s.trim().parse::<f64>().ok())
                .ok_or(format!("settings field {k} unreadable: {v}"))
        };
        if num("interval")? != 1000.0 {
            return Err(format!(
                "the batch interval select shows {} ms, not 1000 ms",
                v["interval"]
            ));
        }
        Ok(serde_json::json!({
            "window_s": num("window")?,
            "slide_s": num("slide")?,
            "inverse": v["inverse"].as_bool().ok_or("inverse checkbox unreadable")?,
            "filter_zero": v["filter"].as_bool().ok_or("filter-zero checkbox unreadable")?,
            "parallelism": num("partitions")? as usize,
        }))
    }

    /// Types `text` into the field `data-testid=testid`, waits `settle` while the page runs, and returns
    /// what the field holds then (before submitting anything).
    async fn type_into(&mut self, testid: &str, text: &str, settle: Duration) -> Res<String> {
        let css = format!(r#"[data-testid="{testid}"]"#);
        let input = cmd(
            &format!("find {testid}"),
            self.client.find(Locator::Css(&css)),
        )
        .await?;
        cmd(&format!("clear {testid}"), input.clear()).await?;
        cmd(&format!("type into {testid}"), input.send_keys(text)).await?;
        tokio::time::sleep(settle).await;
        let v = cmd(
            &format!("read {testid}"),
            self.client.execute(
                "const e = document.querySelector(arguments[0]); return e ? e.value : null;",
                vec![serde_json::Value::String(css)],
            ),
        )
        .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Presses Enter in the field `data-testid=testid` (submits its form, or commits a number field).
    async fn press_enter(&mut self, testid: &str) -> Res<()> {
        let css = format!(r#"[data-testid="{testid}"]"#);
        let input = cmd(
            &format!("find {testid}"),
            self.client.find(Locator::Css(&css)),
        )
        .await?;
        cmd(
            &format!("press Enter in {testid}"),
            input.send_keys("\u{E007}"),
        )
        .await
    }
}

fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(40);
    out.trim_matches('-').to_string()
}

fn check(report: &mut Report, name: &str, r: Res<()>) -> bool {
    match &r {
        Ok(()) => eprintln!("[e2e] ok: {name}"),
        Err(e) => eprintln!("[e2e] FAIL: {name}: {e}"),
    }
    let ok = r.is_ok();
    report.push((name.to_string(), r));
    ok
}

fn fmt_counts(c: &Counts) -> String {
    let body: Vec<String> = c.iter().map(|(k, n)| format!("{k}={n}")).collect();
    format!("{{{}}} (sum {})", body.join(", "), c.values().sum::<i64>())
}

/// The relay processes, restartable on the same WebSocket port.
struct RelayCtl<'a> {
    bin: &'a Path,
    args: Vec<String>,
    logs: &'a Path,
    port: u16,
    starts: u32,
}

impl RelayCtl<'_> {
    fn start(&mut self) -> Res<Proc> {
        self.starts += 1;
        let p = Proc::spawn(
            &format!("relay-{}", self.starts),
            self.bin,
            &self.args,
            self.logs,
            false,
        )?;
        wait_listening(self.port, Duration::from_secs(20), "relay")?;
        Ok(p)
    }
}

async fn relay_phase(
    page: &mut Page,
    bins: &Bins,
    logs: &Path,
    cfg: &StreamCfg,
    report: &mut Report,
) {
    let expected_lines = generated_lines(cfg.seed, cfg.count);
    let expected = count_types(&expected_lines);
    eprintln!(
        "[e2e] stream: seed {} count {} rate {}; expected counts {}",
        cfg.seed,
        cfg.count,
        cfg.rate,
        fmt_counts(&expected)
    );

    // Processes: the tap listens first, the relay reads it, send-messages starts when the page is connected.
    let mut tap = match Tap::listen() {
        Ok(t) => t,
        Err(e) => {
            check(report, "start the tap", Err(e));
            return;
        }
    };
    let ws_port = free_port();
    let mut relay_ctl = RelayCtl {
        bin: &bins.relay,
        args: vec![
            "--source".into(),
            tap.addr.to_string(),
            "--listen".into(),
            format!("127.0.0.1:{ws_port}"),
            "--allow-origin".into(),
            page.origin.clone(),
            "--retry-ms".into(),
            "500".into(),
        ],
        logs,
        port: ws_port,
        starts: 0,
    };
    let mut relay = match relay_ctl.start() {
        Ok(p) => p,
        Err(e) => {
            check(report, "start the relay", Err(e));
            return;
        }
    };
    let sm_port = free_port();
    let sm_args: Vec<String> = vec![
        "--port".into(),
        sm_port.to_string(),
        "--seed".into(),
        cfg.seed.to_string(),
        "--count".into(),
        cfg.count.to_string(),
        "--rate".into(),
        cfg.rate.to_string(),
    ];
    let _send_messages =
        match Proc::spawn("send-messages", &bins.send_messages, &sm_args, logs, false).and_then(
            |p| wait_listening(sm_port, Duration::from_secs(20), "send-messages").map(|_| p),
        ) {
            Ok(p) => p,
            Err(e) => {
                check(report, "start send-messages", Err(e));
                return;
            }
        };
    let ws_url = format!("ws://127.0.0.1:{ws_port}/ws");

    // 1. The page connects to the relay entered in its Relay URL field (relay only, so an outage never lets
    //    the built-in source mix simulated lines into the counts).
    let r = async {
        page.goto(&format!(
            "/?source=relay&interval=1&window=20&slide=10&relay={ws_url}"
        ))
        .await?;
        page.wait("the app to render", Duration::from_secs(30), |s| {
            s.status.is_some() && s.cumulative.is_some()
        })
        .await?;
        page.screenshot("booted").await;
        let s = page
            .wait(
                "source-status to say the relay feeds the engine",
                Duration::from_secs(20),
                |s| s.source.as_deref() == Some("relay") && s.link.as_deref() == Some("open"),
            )
            .await?;
        let text = s.status.clone().unwrap_or_default();
        if !text.contains("relay") || !text.contains(&ws_url) {
            return Err(format!(
                "source-status text does not name the relay {ws_url}: {text:?}"
            ));
        }
        page.screenshot("connected").await;
        // The page asked for LZ4 frames and the relay agreed (its log names each client's frames).
        let path = logs.join("relay-1.log");
        let lz4 = format!("frames=\"{}\"", dstream_protocol::LZ4_SUBPROTOCOL);
        let until = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let log = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if log.contains(&lz4) {
                break;
            }
            if std::time::Instant::now() > until {
                return Err(format!(
                    "the relay's log does not show the page's connection with LZ4 frames:\n{log}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }
    .await;
    if !check(
        report,
        "page connects to the relay (source-status), with LZ4 frames",
        r,
    ) {
        return;
    }

    // 2-3. First half of the stream, then the relay is killed, restarted, and the page reconnects.
    let half = cfg.count / 2;
    page.recorder.start();
    tap.start_upstream(sm_port);
    tap.set_limit(half);
    let r = async {
        page.wait(
            &format!("{half} lines in the page"),
            Duration::from_secs(60),
            |s| s.lines_total() == Some(half as u64),
        )
        .await
        .map_err(|e| {
            format!(
                "{e} (the tap forwarded {} lines to the relay)",
                tap.forwarded()
            )
        })?;
        page.pause(Duration::from_millis(1500)).await;
        page.screenshot("half-streamed").await;
        relay.kill();
        let s = page
            .wait(
                "the page to show the relay outage",
                Duration::from_secs(20),
                |s| {
                    s.link.as_deref() == Some("retrying") || s.link.as_deref() == Some("connecting")
                },
            )
            .await?;
        eprintln!("[e2e] outage shown: {}", s.brief());
        let s = page
            .wait(
                "the outage in words (source-status or a notice)",
                Duration::from_secs(20),
                |s| {
                    s.link.as_deref() == Some("retrying")
                        && s.source.as_deref() != Some("relay")
                        && (s.status.as_deref().unwrap_or("").contains("unreachable")
                            || s.notices
                                .as_deref()
                                .unwrap_or("")
                                .contains("Lost the relay"))
                },
            )
            .await?;
        page.screenshot("relay-outage").await;
        // Running totals survive the outage: after a batch or two they still hold the first half.
        let before = count_types(&expected_lines[..half]);
        page.wait(
            "running totals of the first half during the outage",
            Duration::from_secs(10),
            |s| s.last_totals().map(|(_, c)| c) == Some(before.clone()),
        )
        .await?;
        let connections = tap.connections();
        relay = relay_ctl.start()?;
        let s2 = page
            .wait(
                "the page to reconnect to the restarted relay",
                Duration::from_secs(40),
                |s| s.source.as_deref() == Some("relay") && s.link.as_deref() == Some("open"),
            )
            .await?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while tap.connections() <= connections {
            if Instant::now() > deadline {
                return Err("the restarted relay did not connect to its source".to_string());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        page.screenshot("reconnected").await;
        eprintln!("[e2e] outage: {}\n[e2e] back: {}", s.brief(), s2.brief());
        Ok(())
    }
    .await;
    if !check(
        report,
        "relay killed mid-run: the page shows the outage and reconnects",
        r,
    ) {
        return;
    }
    tap.set_limit(usize::MAX);
    let r = page
        .wait(
            &format!("all {} lines in the page after the restart", cfg.count),
            Duration::from_secs(60) + Duration::from_secs_f64(cfg.count as f64 / cfg.rate.max(1.0)),
            |s| s.lines_total() == Some(cfg.count as u64),
        )
        .await
        .map(drop);
    let counted = check(
        report,
        "the page keeps counting after the reconnect (all N lines in)",
        r,
    );

    // The stream as sent: exactly the seeded generator's lines.
    let (sent, done, err) = tap.upstream();
    let r = if let Some(e) = err {
        Err(e)
    } else if !done || sent.len() != cfg.count {
        Err(format!(
            "send-messages sent {} lines (closed: {done}), expected --count {}",
            sent.len(),
            cfg.count
        ))
    } else if sent != expected_lines {
        let i = sent
            .iter()
            .zip(&expected_lines)
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        Err(format!(
            "line {i} differs from LogGenerator: {:?} vs {:?}",
            sent[i], expected_lines[i]
        ))
    } else if tap.write_errors() > 0 {
        Err(format!(
            "{} writes to the relay failed (lines in flight at the kill)",
            tap.write_errors()
        ))
    } else {
        Ok(())
    };
    check(
        report,
        "send-messages --seed --count sends the seeded generator's N lines",
        r,
    );
    if !counted {
        return;
    }

    // 4. Running totals after the stream ended and a few batches passed.
    let r = async {
        let s = page
            .wait(
                "running totals equal to the lines sent",
                Duration::from_secs(20),
                |s| s.last_totals().map(|(_, c)| c) == Some(expected.clone()),
            )
            .await?;
        let (t1, _) = s.last_totals().unwrap_or_default();
        page.pause(Duration::from_millis(3500)).await;
        let s = page.snapshot().await?;
        let (t2, totals) = s.last_totals().ok_or("no cumulative block")?;
        page.screenshot("stream-done").await;
        if t2 == t1 {
            return Err(format!(
                "no new batch in 3.5 s (last cumulative block still at {t1})"
            ));
        }
        if totals != expected {
            return Err(format!(
                "running totals {} != sent {}",
                fmt_counts(&totals),
                fmt_counts(&expected)
            ));
        }
        let sum: i64 = totals.values().sum();
        if sum != cfg.count as i64 {
            return Err(format!(
                "running totals sum to {sum}, not N = {}",
                cfg.count
            ));
        }
        Ok(())
    }
    .await;
    check(
        report,
        "running totals (cumulative console) = per-type counts of the N lines, sum N",
        r,
    );

    // 5. Every stateless batch, merged across polls.
    let snap = page.snapshot().await;
    let stateless: Vec<Block> = page.recorder.stateless.values().cloned().collect();
    let r = (|| {
        if !page.recorder.conflicts.is_empty() {
            return Err(format!(
                "consoles rewrote printed blocks: {:?}",
                page.recorder.conflicts
            ));
        }
        contiguous(&stateless)?;
        let sum = sum_counts(&stateless);
        if sum != expected {
            return Err(format!(
                "stateless batches add up to {}, sent {}",
                fmt_counts(&sum),
                fmt_counts(&expected)
            ));
        }
        Ok(())
    })();
    check(report, "sum of all stateless batches = N (per type too)", r);

    // 6. The windowed console against `replay` on the same batches: at least 4 window blocks, the last ones
    //    after the stream ended (the window empties, through the inverse function).
    let r = async {
        snap?;
        let s = page
            .wait("4 window blocks", Duration::from_secs(60), |s| {
                s.console("window").map(|b| b.len()).unwrap_or(0) >= 4
            })
            .await?;
        page.screenshot("windows").await;
        if !page.recorder.conflicts.is_empty() {
            return Err(format!(
                "consoles rewrote printed blocks: {:?}",
                page.recorder.conflicts
            ));
        }
        if page.recorder.window.len() < 4 {
            return Err(format!(
                "only {} window blocks recorded; page: {}",
                page.recorder.window.len(),
                s.brief()
            ));
        }
        page.recorder.on = false;
        compare_with_replay(
            page,
            &bins.replay,
            BatchLines::Stream(&sent),
            &["window"],
            "relay",
        )
        .await
    }
    .await;
    page.recorder.on = false;
    check(
        report,
        "windowed console = `replay` of the batches the page formed",
        r,
    );
    let r = compare_with_replay(
        page,
        &bins.replay,
        BatchLines::Stream(&sent),
        &["stateless", "cumulative"],
        "relay",
    )
    .await;
    check(
        report,
        "stateless and cumulative consoles = `replay` of the same batches",
        r,
    );

    // 7. Reload: the running totals come back from the checkpoint.
    let r = async {
        cmd("reload", page.client.refresh()).await?;
        let s = page
            .wait(
                "the restore notice and the restored totals",
                Duration::from_secs(30),
                |s| {
                    s.notices
                        .as_deref()
                        .unwrap_or("")
                        .contains("Restored from the checkpoint")
                        && s.last_totals().map(|(_, c)| c) == Some(expected.clone())
                },
            )
            .await?;
        page.screenshot("reloaded").await;
        eprintln!("[e2e] after reload: {}", s.brief());
        Ok(())
    }
    .await;
    check(
        report,
        "a page reload restores the running totals from the checkpoint",
        r,
    );
    drop(relay);
}

/// The stateless blocks must be one per second with no gap (else a batch escaped the recording).
fn contiguous(stateless: &[Block]) -> Res<()> {
    use dstream_engine::time::parse_naive_time;
    if stateless.is_empty() {
        return Err("no stateless block recorded".into());
    }
    let times: Vec<i64> = stateless
        .iter()
        .map(|b| parse_naive_time(&b.time).ok_or(format!("bad time {}", b.time)))
        .collect::<Res<_>>()?;
    for w in times.windows(2) {
        if w[1] - w[0] != 1000 {
            return Err(format!(
                "stateless blocks are not one per second: {} then {} (a batch was missed)",
                dstream_engine::time::format_batch_time(w[0]),
                dstream_engine::time::format_batch_time(w[1])
            ));
        }
    }
    Ok(())
}

/// How the test knows the lines of the page's batches.
enum BatchLines<'a> {
    /// The exact stream, in order (relay phase): batch k is the next `n_k` lines, `n_k` from its stateless
    /// block, and replay's output must equal the page's text exactly, record order included.
    Stream(&'a [String]),
    /// Only the per-type counts (built-in source, whose seed the page does not expose): batches are rebuilt
    /// from synthetic lines (`[info] x`...), which fixes the counts but not the order PySpark prints keys in
    /// (that follows the order lines arrive in), so records are compared as sets.
    CountsOnly,
}

/// The page's batches as lines, from its stateless blocks (one per batch, contiguous from batch 1).
fn page_batches(stateless: &[Block], how: &BatchLines) -> Res<Vec<Vec<String>>> {
    contiguous(stateless)?;
    match how {
        BatchLines::CountsOnly => stateless.iter().map(|b| lines_for(&b.counts())).collect(),
        BatchLines::Stream(lines) => {
            let mut at = 0usize;
            let mut out = Vec::new();
            for b in stateless {
                let n = usize::try_from(b.total())
                    .map_err(|_| format!("negative batch at {}", b.time))?;
                let slice = lines.get(at..at + n).ok_or(format!(
                    "the batches hold more lines than were sent ({} > {})",
                    at + n,
                    lines.len()
                ))?;
                if count_types(slice) != b.counts() {
                    return Err(format!(
                        "batch {} counts {} but the next {n} lines of the stream (from line {at}) are {}: \
                         lines were lost, repeated or reordered",
                        b.time,
                        fmt_counts(&b.counts()),
                        fmt_counts(&count_types(slice))
                    ));
                }
                out.push(slice.to_vec());
                at += n;
            }
            if at != lines.len() {
                return Err(format!(
                    "the batches hold {at} lines, {} were sent",
                    lines.len()
                ));
            }
            Ok(out)
        }
    }
}

/// What `replay --format pprint` prints for one pipeline over `batches` (batch 1 at `first_time`).
async fn replay_pipeline(
    replay: &Path,
    first_time: &str,
    batches: &[Vec<String>],
    parallelism: &serde_json::Value,
    pipeline: serde_json::Value,
    tag: &str,
) -> Res<Vec<Block>> {
    use dstream_engine::time::{format_batch_time, parse_naive_time};
    let first = parse_naive_time(first_time).ok_or(format!("bad time {first_time}"))?;
    let scenario = serde_json::json!({
        "batch_interval_s": 1,
        "start": format_batch_time(first - 1000).replace(' ', "T"),
        "parallelism": parallelism,
        "batches": batches,
        "pipelines": [pipeline],
    });
    let dir = workspace().join("target/e2e-logs");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("scenario-{tag}.json"));
    std::fs::write(&file, scenario.to_string()).map_err(|e| e.to_string())?;
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(replay)
            .arg(&file)
            .args(["--format", "pprint"])
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| "replay took over 60 s".to_string())?
    .map_err(|e| format!("cannot run replay: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "replay {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    blocks(&String::from_utf8_lossy(&out.stdout))
        .map_err(|e| format!("replay {}: {e}", file.display()))
}

/// The page's blocks of one console (up to the last recorded batch) against replay's.
fn compare_blocks(
    what: &str,
    page: &[Block],
    expected: &[Block],
    last_time: &str,
    exact: bool,
) -> Res<usize> {
    let page: Vec<&Block> = page
        .iter()
        .filter(|b| b.time.as_str() <= last_time)
        .collect();
    if page.len() != expected.len() {
        return Err(format!(
            "the page printed {} {what} blocks, replay {}; page times {:?}, replay times {:?}",
            page.len(),
            expected.len(),
            page.iter().map(|b| &b.time).collect::<Vec<_>>(),
            expected.iter().map(|b| &b.time).collect::<Vec<_>>()
        ));
    }
    let sorted = |b: &Block| {
        let mut r = b.records.clone();
        r.sort();
        (b.time.clone(), r)
    };
    for (p, e) in page.iter().zip(expected) {
        let same = if exact {
            p.raw == e.raw
        } else {
            sorted(p) == sorted(e)
        };
        if !same {
            return Err(format!(
                "{what} block differs: page {:?} vs replay {:?}",
                p.raw, e.raw
            ));
        }
    }
    Ok(page.len())
}

/// Replays the page's batches (from its stateless blocks) and compares the consoles named in `modes` with
/// what `replay` prints; the window uses the settings the page's form shows.
async fn compare_with_replay(
    page: &mut Page,
    replay: &Path,
    how: BatchLines<'_>,
    modes: &[&str],
    tag: &str,
) -> Res<()> {
    let spec = page.window_spec().await?;
    let stateless: Vec<Block> = page.recorder.stateless.values().cloned().collect();
    let batches = page_batches(&stateless, &how)?;
    let first = stateless[0].time.clone();
    let last = stateless[stateless.len() - 1].time.clone();
    let exact = matches!(how, BatchLines::Stream(_));
    let mut said = Vec::new();
    for &mode in modes {
        let (pipeline, shown) = match mode {
            "stateless" => (
                serde_json::json!({"mode": "stateless"}),
                &page.recorder.stateless,
            ),
            "cumulative" => (
                serde_json::json!({"mode": "cumulative"}),
                &page.recorder.cumulative,
            ),
            _ => (
                serde_json::json!({
                    "mode": "window",
                    "window_s": spec["window_s"],
                    "slide_s": spec["slide_s"],
                    "inverse": spec["inverse"],
                    "filter_zero": spec["filter_zero"],
                }),
                &page.recorder.window,
            ),
        };
        let shown: Vec<Block> = shown.values().cloned().collect();
        let expected = replay_pipeline(
            replay,
            &first,
            &batches,
            &spec["parallelism"],
            pipeline,
            &format!("{tag}-{mode}"),
        )
        .await?;
        if mode == "window" && shown.is_empty() {
            return Err(format!(
                "the windowed console printed nothing in {} batches",
                batches.len()
            ));
        }
        let n = compare_blocks(mode, &shown, &expected, &last, exact)
            .map_err(|e| format!("{e} (scenario target/e2e-logs/scenario-{tag}-{mode}.json)"))?;
        said.push(format!("{n} {mode}"));
    }
    eprintln!(
        "[e2e] {tag}: {} blocks equal replay's{} ({} batches)",
        said.join(", "),
        if exact { "" } else { " (records as sets)" },
        batches.len()
    );
    Ok(())
}

async fn builtin_phase(page: &mut Page, bins: &Bins, report: &mut Report) {
    // A fresh start: forget the relay phase's checkpoint (on a blank page of the same origin, so the app is
    // not running and cannot save a new one in between).
    let dead = free_port();
    let r = async {
        page.goto("/__e2e_blank").await?;
        cmd(
            "clear localStorage",
            page.client
                .execute("localStorage.clear(); return true;", vec![]),
        )
        .await?;
        page.goto(&format!(
            "/?window=20&slide=10&rate=40&relay=ws://127.0.0.1:{dead}/ws"
        ))
        .await?;
        page.wait("the app to render", Duration::from_secs(30), |s| {
            s.status.is_some() && s.cumulative.is_some()
        })
        .await?;
        // The batch interval through the settings form this time: 1 s, then Apply.
        let one_s = cmd(
            "find the 1 s batch interval",
            page.client.find(Locator::Css(
                r#"[data-testid="interval"] option[value="1000"]"#,
            )),
        )
        .await?;
        cmd("pick 1 s", one_s.click()).await?;
        let apply = cmd(
            "find Apply",
            page.client.find(Locator::Css(r#"[data-testid="apply"]"#)),
        )
        .await?;
        cmd("click Apply", apply.click()).await?;
        page.wait(
            "the 1 s StreamingContext to start",
            Duration::from_secs(10),
            |s| {
                s.notices
                    .as_deref()
                    .unwrap_or("")
                    .contains("new StreamingContext")
            },
        )
        .await?;
        page.recorder.start();
        let s = page
            .wait(
                "the built-in source to feed the engine",
                Duration::from_secs(30),
                |s| s.source.as_deref() == Some("sim"),
            )
            .await?;
        let text = s.status.clone().unwrap_or_default();
        if !text.contains("built-in") {
            return Err(format!(
                "source-status does not say the built-in source feeds the engine: {text:?}"
            ));
        }
        let s = page
            .wait(
                "all three consoles to show built-in lines (2 window blocks)",
                Duration::from_secs(45),
                |s| {
                    let some = |m: &str| {
                        s.console(m)
                            .map(|b| b.iter().any(|b| b.total() > 0))
                            .unwrap_or(false)
                    };
                    let windows = s.console("window").map(|b| b.len()).unwrap_or(0);
                    some("stateless") && some("cumulative") && some("window") && windows >= 2
                },
            )
            .await?;
        page.screenshot("builtin-source").await;
        // The three modes agree: running totals = sum of the stateless batches, and all = replay.
        page.recorder.on = false;
        let stateless: Vec<Block> = page.recorder.stateless.values().cloned().collect();
        let (t, totals) = s.last_totals().ok_or("no cumulative block")?;
        let upto: Vec<Block> = stateless.iter().filter(|b| b.time <= t).cloned().collect();
        if sum_counts(&upto) != totals {
            return Err(format!(
                "running totals {} at {t} != sum of the stateless batches {}",
                fmt_counts(&totals),
                fmt_counts(&sum_counts(&upto))
            ));
        }
        compare_with_replay(
            page,
            &bins.replay,
            BatchLines::CountsOnly,
            &["stateless", "cumulative", "window"],
            "builtin",
        )
        .await
    }
    .await;
    check(report, "no relay: the built-in source drives all three modes (consistent with each other and with `replay`)", r);

    // The relay is still down: the header's "retry N in X s" counts down while the page waits.
    let r = async {
        // (attempt, seconds left) from "…; retry 7 in 10 s".
        let parse = |text: &str| -> Option<(u32, f64)> {
            let rest = &text[text.find("; retry ")? + "; retry ".len()..];
            let mut words = rest.split_whitespace();
            let n = words.next()?.parse().ok()?;
            (words.next()? == "in").then_some(())?;
            Some((n, words.next()?.parse().ok()?))
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut first_of_attempt: Option<(u32, f64)> = None;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(s) = page.snapshot().await {
                if let Some((n, x)) = s.status.as_deref().and_then(parse) {
                    seen.push((n, x));
                    match first_of_attempt {
                        Some((n0, x0)) if n0 == n && x < x0 => return Ok(()),
                        Some((n0, _)) if n0 == n => {}
                        _ => first_of_attempt = Some((n, x)),
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Err(format!(
            "the back-off shown in source-status never went down within one attempt; (attempt, seconds) seen: {seen:?}"
        ))
    }
    .await;
    check(report, "the relay back-off in the header counts down", r);

    // The header's fields keep what the user types while the page runs (the built-in source updates the
    // header several times a second): the built-in rate (Enter applies it)...
    let r = async {
        let held = page.type_into("sim-rate", "80", Duration::from_millis(1500)).await?;
        if held != "80" {
            page.screenshot("sim-rate-reset").await;
            return Err(format!(
                "1.5 s after typing \"80\" the built-in rate field holds {held:?}: the field was reset while \
                 the page ran (a controlled input re-rendered with the old rate), so the rate cannot be typed"
            ));
        }
        page.press_enter("sim-rate").await?;
        page.wait("source-status to show the new rate", Duration::from_secs(10), |s| {
            s.status.as_deref().unwrap_or("").contains("80 lines/s")
        })
        .await?;
        Ok(())
    }
    .await;
    check(
        report,
        "a built-in rate typed in its field is kept and applied",
        r,
    );

    // ... and the Relay URL (Enter submits it and points the page at that relay).
    let typed = format!("ws://127.0.0.1:{}/ws", free_port());
    let r = async {
        let held = page.type_into("relay-url", &typed, Duration::from_millis(1500)).await?;
        if held != typed {
            page.screenshot("relay-url-reset").await;
            return Err(format!(
                "1.5 s after typing {typed:?} the Relay URL field holds {held:?}: the field was reset while \
                 the page ran (a controlled input re-rendered with the old URL), so a URL cannot be entered"
            ));
        }
        page.press_enter("relay-url").await?;
        page.wait("source-status to name the typed relay URL", Duration::from_secs(10), |s| {
            s.status.as_deref().unwrap_or("").contains(&typed)
        })
        .await?;
        page.screenshot("relay-url-entered").await;
        Ok(())
    }
    .await;
    check(
        report,
        "a relay URL typed in the Relay URL field is kept and used",
        r,
    );
}
