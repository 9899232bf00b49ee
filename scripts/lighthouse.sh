#!/usr/bin/env bash
# First load as Lighthouse sees it: the release page served the way the demo and the classroom serve it
# (`relay --demo --serve`, gzip and long cache headers for hashed assets), audited by npm's lighthouse 12.2.3
# with Debian's Chromium on Lighthouse's default mobile profile. Prints the scores and the figures the
# performance issue names (LCP, total blocking time, bytes transferred, console errors); the full report is
# written to target/lighthouse/ (under CARGO_TARGET_DIR when set). Then times the first batch on screen on a desktop (scripts/first-batch.mjs),
# and measures the blocking time at load on a 4x slowed CPU in the browser (scripts/blocking-time.mjs), of this
# page and of each OTHER_DIST given, their loads alternating: the way to compare two builds on a noisy machine.
#   bash scripts/lighthouse.sh [DIST_DIR [OTHER_DIST...]]     (default: dist-web, built first when missing)
# Run it on an idle machine: Lighthouse's simulated throttling scales what it measures on this CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
LIGHTHOUSE_VERSION=12.2.3
dist="${1:-dist-web}"
others=("${@:2}")
target_dir="${CARGO_TARGET_DIR:-target}"
tools="$target_dir/tools/lighthouse"
out="$target_dir/lighthouse"
say() { printf '==> %s\n' "$*"; }

if ! command -v chromium >/dev/null; then
  say "installing Debian's chromium (about 2 minutes)"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
if [ "$(node -p "require(require('path').resolve('$tools/node_modules/lighthouse/package.json')).version" 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]; then
  say "installing lighthouse $LIGHTHOUSE_VERSION with npm under $tools (about 15 seconds)"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION"
fi
if [ ! -f "$dist/index.html" ]; then
  say "building the release page into $dist (about 2 minutes)"
  bash scripts/build-web.sh "$dist" >/dev/null
fi
say "building the relay"
cargo build -q --release -p dstream-relay --bin relay
bin="$target_dir/release"

mkdir -p "$out"
relays=()
trap 'kill "${relays[@]}" 2>/dev/null || true' EXIT
# Serves DIST on a free port with the demo relay and waits until it answers; its port is then in $port.
serve() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin/relay" --demo --serve "$1" --listen "127.0.0.1:$port" >>"$out/relay.log" 2>&1 &
  relays+=($!)
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
}
: >"$out/relay.log"
serve "$dist"
url="http://127.0.0.1:$port/"

say "auditing http://127.0.0.1:$port/ (Lighthouse's default mobile profile)"
CHROME_PATH=/usr/bin/chromium "$tools/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/" \
  --quiet --output=json --output=html --output-path="$out/report" \
  --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$(mktemp -d)"

node -e '
const r = require(process.argv[1]);
const a = r.audits, c = r.categories;
const score = k => c[k] ? c[k].score : null;
const console_errors = (a["errors-in-console"].details || {}).items || [];
console.log(`performance ${score("performance")}, accessibility ${score("accessibility")}, ` +
  `best practices ${score("best-practices")}, SEO ${score("seo")}`);
console.log(`FCP ${a["first-contentful-paint"].displayValue}, LCP ${a["largest-contentful-paint"].displayValue}, ` +
  `total blocking time ${a["total-blocking-time"].displayValue}, speed index ${a["speed-index"].displayValue}`);
console.log(`transferred ${(a["total-byte-weight"].numericValue / 1024).toFixed(1)} KiB; ` +
  `console errors ${console_errors.length}`);
for (const e of console_errors) console.log(`  console: ${e.description}`);
console.log(`Lighthouse ${r.lighthouseVersion}, ${r.environment.hostUserAgent}; benchmark index ${r.environment.benchmarkIndex}`);
' "$(cd "$out" && pwd)/report.report.json"
say "full report: $out/report.report.html"

say "time to the first batch on screen, desktop (1280x720, no throttling, ?interval=1, six fresh loads)"
node scripts/first-batch.mjs "$tools" "http://127.0.0.1:$port/?interval=1" 6

say "blocking time at load, 4x slowed CPU, 412x823 (eight loads each, alternating)"
echo "$dist: $url"
urls=("$url")
for other in "${others[@]}"; do
  serve "$other"
  urls+=("http://127.0.0.1:$port/")
  echo "$other: ${urls[-1]}"
done
node scripts/blocking-time.mjs "$tools" 8 "${urls[@]}" | grep median
