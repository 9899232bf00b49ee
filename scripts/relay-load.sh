#!/usr/bin/env bash
# The page under load from the relay (issue #14): `send-messages --rate R` -> `relay --serve DIST` -> the release
# page in headless Chromium, as a user opens it (served by the relay, its lines over /ws). For each rate, after the
# first batch, records for SECS seconds the main thread's busy share (CDP Performance.getMetrics: TaskDuration over
# wall time), requestAnimationFrame gaps, the lines sent against the lines the page shows, and the relay's "too
# slow" closes; prints one RELAY_LOAD line per run (scripts/relay-load.mjs does the measuring). Among its fields:
# other_cpu (CPU that processes outside the run took meanwhile, in % of a core: rerun when it is high),
# worker_cpu (the page's Web Worker threads, in % of a core each, busiest first: the view model's near 100 % means
# it cannot keep up),
# source_rate and relay_forwarded (what reached the relay), lines_seen (the page's counter), connected (% of the
# window the page had its socket open).
#   bash scripts/relay-load.sh [--secs SECS] [--query Q] [--dist DIR] [--ceiling] [--nice N] [RATE...]
#     defaults: 60 s, query `source=relay&interval=1` (no simulated line can mix in), dist-web, rate 100000
#     --ceiling: the same runs against scripts/relay-load-ceiling.html instead of the lab, a page that only counts
#       the lines (in a worker): what the browser itself can take from the relay on this machine
#     --nice N: run the relay and send-messages at niceness N (default 0): on one 2-core machine they compete with
#       the browser for the cores, where in a class the relay runs on the teacher's machine
#   RELAY_FLAGS: more flags for the relay, e.g. RELAY_FLAGS='--frame-bytes 262144'
# A benchmark, not a test: it fails only when the harness does, never on a missed target. Logs and each run's
# JSON go to $CARGO_TARGET_DIR/relay-load/ (target/ by default). Run it on an idle machine; it uses both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
PUPPETEER_VERSION=24.43.1
secs=60
query='source=relay&interval=1'
dist=dist-web
ceiling=0
nice=0
rates=()
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) secs="$2"; shift 2 ;;
    --query) query="$2"; shift 2 ;;
    --dist) dist="$2"; shift 2 ;;
    --ceiling) ceiling=1; shift ;;
    --nice) nice="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) rates+=("$1"); shift ;;
  esac
done
[ ${#rates[@]} -gt 0 ] || rates=(100000)
target_dir="${CARGO_TARGET_DIR:-target}"
tools="$target_dir/tools/puppeteer"
out="$target_dir/relay-load"
say() { printf '==> %s\n' "$*" >&2; }

if [ "$(node -p "require(require('path').resolve('$tools/node_modules/puppeteer-core/package.json')).version" 2>/dev/null)" != "$PUPPETEER_VERSION" ]; then
  say "installing puppeteer-core $PUPPETEER_VERSION with npm under $tools (no browser download: Debian's chromium is used)"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "puppeteer-core@$PUPPETEER_VERSION"
fi
if [ "$ceiling" = 1 ]; then
  dist="$out/ceiling-page"
  mkdir -p "$dist"
  cp scripts/relay-load-ceiling.html "$dist/index.html"
elif [ ! -f "$dist/index.html" ]; then
  say "building the release page into $dist (about 2 minutes)"
  bash scripts/build-web.sh "$dist" >/dev/null
fi
say "building the relay and send-messages (release)"
cargo build -q --release -p dstream-relay
bin="$target_dir/release"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Kills what this run started, by pid (the relay, Chromium, and send-messages, which the Node script starts and
# lists in $run/pids), so an interrupted run leaves nothing behind.
run=""
cleanup() {
  [ -n "$run" ] || return 0
  # shellcheck disable=SC2046 # one pid per line
  kill $(cat "$run/pids" 2>/dev/null) 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$run/profile"
  run=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for rate in "${rates[@]}"; do
  run="$out/rate-$rate"
  rm -rf "$run" && mkdir -p "$run/profile"
  : >"$run/pids"
  port=$(free_port)
  source_port=$(free_port)
  while [ "$source_port" = "$port" ]; do source_port=$(free_port); done
  say "$(date -u '+%F %T') UTC, load$(uptime | sed 's/.*load average//'): rate $rate lines/s for $secs s"
  # The source is not up yet: the relay retries it every 200 ms, and the Node script starts send-messages once
  # the page is connected, so every line sent reaches the relay while the page is there to get it.
  nice -n "$nice" "$bin/relay" --source "127.0.0.1:$source_port" --listen "127.0.0.1:$port" --serve "$dist" --retry-ms 200 ${RELAY_FLAGS:-} \
    >"$run/relay.out" 2>"$run/relay.log" &
  echo $! >>"$run/pids"
  # The flags of the project's browser tests (tests/e2e/support.rs); a fresh profile per run.
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --disable-background-timer-throttling --disable-renderer-backgrounding \
    --disable-backgrounding-occluded-windows --window-size=1280,720 \
    --user-data-dir="$run/profile" --remote-debugging-port=0 about:blank >"$run/chromium.log" 2>&1 &
  echo $! >>"$run/pids"
  for _ in $(seq 100); do
    [ -s "$run/profile/DevToolsActivePort" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
  [ -s "$run/profile/DevToolsActivePort" ] || { say "Chromium did not start: see $run/chromium.log"; exit 1; }
  node scripts/relay-load.mjs --tools "$tools" --devtools "127.0.0.1:$(head -1 "$run/profile/DevToolsActivePort")" \
    --page "http://127.0.0.1:$port/?$query" --send-messages "$bin/send-messages" --source-port "$source_port" \
    --rate "$rate" --secs "$secs" --nice "$nice" --relay-log "$run/relay.log" --out "$run" --harness $$ &
  # In the background so that a signal reaches the trap at once; `wait` passes on the Node script's failure.
  echo $! >>"$run/pids"
  wait $!
  say "load after the run$(uptime | sed 's/.*load average//'); logs in $run"
  cleanup
done
