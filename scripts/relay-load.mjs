// One measured run of scripts/relay-load.sh (which builds, starts the relay and Chromium, and cleans up).
// Opens the page the relay serves, starts `send-messages --rate R` once the page's link is open (so every line
// the generator sends reaches the relay while the page is connected), waits for the first batch, then records
// for SECS seconds: the main thread's busy share (CDP Performance.getMetrics), requestAnimationFrame gaps and the
// page's own counters. Prints one RELAY_LOAD line; exits non-zero only when the harness itself fails.
import { spawn } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values: opt } = parseArgs({
  options: {
    tools: { type: "string" }, // npm prefix holding puppeteer-core
    devtools: { type: "string" }, // Chromium's DevTools HTTP address, host:port
    page: { type: "string" }, // the page's URL (served by the relay)
    "send-messages": { type: "string" },
    "source-port": { type: "string" },
    rate: { type: "string" },
    secs: { type: "string" },
    "relay-log": { type: "string" },
    out: { type: "string" }, // folder for send-messages' log, its pid and the run's JSON
    harness: { type: "string" }, // pid of the bash wrapper: its descendants are this run's processes
    nice: { type: "string", default: "0" }, // the niceness send-messages runs at (the relay's is set by the wrapper)
  },
});
const rate = Number(opt.rate);
const secs = Number(opt.secs);
const puppeteer = createRequire(`${resolve(opt.tools)}/`)("puppeteer-core");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => console.error(`[relay-load] ${msg}`);
async function until(what, timeoutMs, probe) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

// What the page shows, read from its test hooks (README "Test hooks") and the source bar's line counter.
const SNAPSHOT = () => {
  const q = (s) => document.querySelector(s);
  const num = (text, re) => {
    const m = text && text.match(re);
    return m ? Number(m[1]) : null;
  };
  const st = q('[data-testid="source-status"]');
  const run = q('[data-testid="run-status"]')?.textContent ?? "";
  const counts = q(".source-bar .counts")?.textContent ?? "";
  return {
    link: st?.getAttribute("data-link") ?? null,
    source: st?.getAttribute("data-source") ?? null,
    status: st?.textContent ?? "",
    relay_lines: num(counts, /relay (\d+)/), // lines the page decoded from relay frames
    batches: num(run, /^(\d+) batches/),
    lines_in: num(run, /(\d+) lines total/), // lines put into the engine
    behind: num(run, /catching up: (\d+) batches behind/) ?? 0,
    losses: [...document.querySelectorAll('[data-testid="losses"] li')].map((e) => e.textContent),
    notices: q('[data-testid="notices"]')?.textContent ?? "",
    panic: q(".panic")?.textContent ?? null,
  };
};

// Frame gaps as the page's own main thread sees them: a gap is the time between two rAF callbacks.
const RAF_RECORDER = () => {
  window.__relayLoadGaps = [];
  let last = null;
  const frame = (t) => {
    if (last !== null) window.__relayLoadGaps.push(t - last);
    last = t;
    window.__relayLoadRaf = requestAnimationFrame(frame);
  };
  window.__relayLoadRaf = requestAnimationFrame(frame);
};
const RAF_COLLECT = () => {
  cancelAnimationFrame(window.__relayLoadRaf);
  return window.__relayLoadGaps;
};

const metrics = async (cdp) => {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
};
// A process's or thread's `stat` line: its name, its parent's pid, and its CPU ticks (user + system).
function parseStat(stat) {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
    ppid: rest[1],
    ticks: Number(rest[11]) + Number(rest[12]),
  };
}

// CPU ticks used by the whole machine and by the harness's process tree, so a run can say how much CPU
// everything else (another job's compiler) took while it measured: the machine has 2 shared cores.
function cpuTicks() {
  const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const machine = f[0] + f[1] + f[2] + f[5] + f[6] + f[7]; // user nice system irq softirq steal
  const procs = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      procs.set(pid, parseStat(readFileSync(`/proc/${pid}/stat`, "utf8")));
    } catch {} // the process ended meanwhile
  }
  const inHarness = (pid) => {
    for (let p = pid, hops = 0; p && p !== "0" && hops < 64; p = procs.get(p)?.ppid, hops++) {
      if (p === opt.harness) return true;
    }
    return false;
  };
  let harness = 0;
  // Chromium's Web Worker threads, by thread id: the view model's and the relay socket's, the page's two workers.
  const workers = new Map();
  for (const [pid, p] of procs) {
    if (!inHarness(pid)) continue;
    harness += p.ticks;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const thread = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
        if (thread.comm === "DedicatedWorker") workers.set(tid, thread.ticks);
      }
    } catch {} // the process ended meanwhile
  }
  return { machine, harness, workers };
}

// Each worker thread's CPU between two readings, in % of one core, busiest first (USER_HZ is 100 on Linux).
function workerCpu(cpu0, cpu1, wall) {
  return [...cpu1.workers]
    .map(([tid, ticks]) => (ticks - (cpu0.workers.get(tid) ?? 0)) / wall)
    .sort((a, b) => b - a);
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

let generator = null;
async function main() {
  const browser = await puppeteer.connect({
    browserURL: `http://${opt.devtools}`,
    defaultViewport: null,
    // DevTools would copy every WebSocket frame the page receives into a CDP event for this script: at 1 M lines/s
    // that cost the machine more CPU than the page's own thread. A user has no DevTools open.
    networkEnabled: false,
  });
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  const cdp = await page.createCDPSession();
  await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(opt.page, { waitUntil: "load", timeout: 60_000 });
  const snap = () => page.evaluate(SNAPSHOT);
  // The relay says hello before the source is up: the link is open, no line has come yet.
  await until("the page's relay link to open", 60_000, async () => (await snap()).link === "open");

  let sent = null;
  let connectedAt = null;
  const generatorArgs = ["--port", opt["source-port"], "--rate", String(rate), "--seed", "1"];
  generator = spawn("nice", ["-n", opt.nice, opt["send-messages"], ...generatorArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  appendFileSync(`${opt.out}/pids`, `${generator.pid}\n`);
  const genExit = new Promise((r) => generator.on("exit", r));
  generator.stderr.on("data", (d) => appendFileSync(`${opt.out}/send-messages.log`, d));
  generator.stdout.on("data", (d) => {
    appendFileSync(`${opt.out}/send-messages.log`, d);
    const text = String(d);
    if (connectedAt === null && / connected: /.test(text)) connectedAt = Date.now();
    const m = text.match(/: (\d+) lines sent/);
    if (m) sent = Number(m[1]);
  });

  // The first batch holding relay lines: the batch count moves on after the first line arrived.
  const first = await until("the first line from the relay", 60_000, async () => {
    const s = await snap();
    return s.relay_lines > 0 && s;
  });
  await until("the first batch", 60_000, async () => (await snap()).batches > first.batches);

  const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0];
  const utc = new Date().toISOString().slice(0, 19) + "Z";
  const loadStart = loadavg();
  const cpu0 = cpuTicks();
  const windowStart = Date.now();
  await page.evaluate(RAF_RECORDER);
  const start = await snap();
  const m0 = await metrics(cdp);
  const linkChanges = [];
  let lastLink = start.link;
  let maxBehind = 0;
  const endAt = Date.now() + secs * 1000;
  while (Date.now() < endAt) {
    await sleep(Math.min(1000, Math.max(0, endAt - Date.now())));
    const s = await snap();
    maxBehind = Math.max(maxBehind, s.behind);
    if (s.link !== lastLink) {
      linkChanges.push(`${((Date.now() - (endAt - secs * 1000)) / 1000).toFixed(1)}s:${s.link}`);
      lastLink = s.link;
    }
  }
  const m1 = await metrics(cdp);
  const loadEnd = loadavg();
  const cpu1 = cpuTicks();
  const windowEnd = Date.now();
  const gaps = (await page.evaluate(RAF_COLLECT)).slice().sort((a, b) => a - b);
  const end = await snap();

  // Stop the generator; it prints how many lines it sent. Then let the page take what is still on its way (until
  // its counter stands still for 3 s: the relay's own count is only asked for afterwards, see below).
  const stoppedAt = Date.now();
  generator.kill("SIGINT");
  await Promise.race([genExit, sleep(10_000)]);
  let drained = await snap();
  for (let stable = 0, t = Date.now(); stable < 3000 && Date.now() - t < 60_000; ) {
    await sleep(500);
    const s = await snap();
    stable = s.relay_lines === drained.relay_lines ? stable + 500 : 0;
    drained = s;
  }

  // Read before the status client below connects, so every WebSocket client in it is the page.
  const relayLog = readFileSync(opt["relay-log"], "utf8");
  // The relay's own count of the lines it read from the source: its hello status to a second, short-lived
  // client (opened from the page, so its origin is allowed), now that the source has closed.
  const hello = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        ws.onmessage = (e) => typeof e.data === "string" && (resolve(JSON.parse(e.data)), ws.close());
        ws.onerror = () => reject(new Error("the relay refused a status client"));
      }),
  );

  const wall = m1.Timestamp - m0.Timestamp;
  const share = (k) => (100 * (m1[k] - m0[k])) / wall;
  const logCount = (re) => (relayLog.match(re) || []).length;
  // Share of the window the page had a WebSocket open on the relay (from the relay's log): between a "too
  // slow" close and the page's reconnect, lines reach nobody and the page's main thread idles.
  let connectedMs = 0;
  const openedAt = new Map(); // peer -> time
  for (const m of relayLog.matchAll(/^(\S+) .*WebSocket client (connected|gone).* peer=(\S+)/gm)) {
    const t = Math.min(Math.max(Date.parse(m[1]), windowStart), windowEnd);
    if (m[2] === "connected") openedAt.set(m[3], t);
    else if (openedAt.has(m[3])) (connectedMs += t - openedAt.get(m[3])), openedAt.delete(m[3]);
  }
  for (const t of openedAt.values()) connectedMs += windowEnd - t;
  const r = {
    utc,
    load_start: loadStart,
    load_end: loadEnd,
    rate,
    secs,
    // lines/s that reached the relay while the generator ran: below `rate` when the generator cannot keep up
    source_rate: connectedAt !== null ? Math.round(hello.lines_forwarded / ((stoppedAt - connectedAt) / 1000)) : null,
    // CPU (in % of one core) that processes outside this run used during the window; USER_HZ is 100 on Linux
    other_cpu: (cpu1.machine - cpu0.machine - (cpu1.harness - cpu0.harness)) / wall,
    harness_cpu: (cpu1.harness - cpu0.harness) / wall,
    // the page's worker threads (the view model's, which runs the batches, first): a worker near 100 % is the limit
    worker_cpu: workerCpu(cpu0, cpu1, wall),
    main_busy: share("TaskDuration"), // every main-thread task, over wall time
    script: share("ScriptDuration"),
    layout_style: share("LayoutDuration") + share("RecalcStyleDuration"),
    frames: gaps.length,
    raf_p50: pct(gaps, 50),
    raf_p99: pct(gaps, 99),
    raf_max: gaps.length ? gaps[gaps.length - 1] : NaN,
    frames_over_50ms: gaps.filter((g) => g > 50).length,
    // what send-messages says it sent: it also counts lines still in its buffer when it is stopped
    lines_sent: sent,
    relay_forwarded: hello.lines_forwarded,
    lines_seen: drained.relay_lines,
    lines_in: drained.lines_in,
    lines_window: end.relay_lines - start.relay_lines, // lines the page took during the SECS window
    batches: end.batches - start.batches,
    max_behind: maxBehind,
    // lines queued for the page and discarded when the relay closed it (lines the relay read while no page was
    // connected reach nobody and are counted nowhere: relay_forwarded - lines_seen - relay_dropped)
    relay_dropped: [...relayLog.matchAll(/closing a client .*?; (\d+) lines dropped/g)].reduce((n, m) => n + Number(m[1]), 0),
    connected: (100 * connectedMs) / (windowEnd - windowStart),
    too_slow: logCount(/closing a client that fell behind/g),
    stalled: logCount(/closing a client that stopped reading/g),
    ws_connects: logCount(/WebSocket client connected/g),
    link_changes: linkChanges,
    losses: drained.losses,
    page_errors: errors.length + (drained.panic ? 1 : 0),
  };
  writeFileSync(`${opt.out}/result.json`, JSON.stringify({ ...r, start, end, drained, errors }, null, 2));
  const f = (x, d = 1) => (x === null || Number.isNaN(x) ? "na" : x.toFixed(d));
  const fields = [
    `utc=${utc}`, `load=${loadStart}..${loadEnd}`, `other_cpu=${f(r.other_cpu, 0)}%`, `harness_cpu=${f(r.harness_cpu, 0)}%`,
    `worker_cpu=${r.worker_cpu.map((c) => f(c, 0) + "%").join(",")}`,
    `rate=${rate}`, `nice=${opt.nice}`, `source_rate=${r.source_rate ?? "na"}`, `secs=${secs}`,
    `main_busy=${f(r.main_busy)}%`, `script=${f(r.script)}%`, `layout_style=${f(r.layout_style)}%`,
    `frames=${r.frames}`, `raf_p50=${f(r.raf_p50)}`, `raf_p99=${f(r.raf_p99)}`, `raf_max=${f(r.raf_max)}`,
    `frames_over_50ms=${r.frames_over_50ms}`,
    `lines_sent=${r.lines_sent ?? "na"}`, `relay_forwarded=${r.relay_forwarded}`, `lines_seen=${r.lines_seen}`,
    `lines_in=${r.lines_in}`, `lines_window=${r.lines_window}`, `relay_dropped=${r.relay_dropped}`,
    `too_slow=${r.too_slow}`, `stalled=${r.stalled}`, `ws_connects=${r.ws_connects}`, `connected=${f(r.connected, 0)}%`,
    `batches=${r.batches}`, `max_behind=${r.max_behind}`, `page_errors=${r.page_errors}`,
  ];
  console.log(`RELAY_LOAD ${fields.join(" ")}`);
  if (linkChanges.length) log(`link changes during the window: ${linkChanges.join(" ")}`);
  for (const l of r.losses) log(`page shows: ${l}`);
  await browser.disconnect();
}

main().then(
  () => process.exit(0),
  (e) => {
    log(`harness failure: ${e.stack || e}`);
    generator?.kill("SIGKILL");
    process.exit(1);
  },
);
