#!/usr/bin/env bash
# Command 1 of the quick start: installs what is missing, builds the page and the relay, and serves both on one
# port with the relay's built-in log generator: http://127.0.0.1:8080/ (printed once it answers).
#   bash scripts/demo.sh                      # this machine only
#   LISTEN=0.0.0.0:8080 bash scripts/demo.sh  # a class on the room's network: the relay prints the URLs to open
# Ctrl-C stops it. No trunk is needed here; `trunk serve` is the way to develop (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
listen="${LISTEN:-127.0.0.1:8080}"
port="${listen##*:}"
host="${listen%:*}"
[ "$host" = 0.0.0.0 ] && host=127.0.0.1
started=$SECONDS
say() { printf '==> [%3ds] %s\n' "$((SECONDS - started))" "$*"; }

bash scripts/setup.sh target
# The tool install and the project build share the two cores; side by side they finish sooner than in turn.
bash scripts/setup.sh demo &
setup=$!
say "building the relay (about 4 minutes the first time, beside the tool install)"
cargo build --release -q -p dstream-relay --bin relay
say "building the page for WebAssembly (about 3 minutes the first time)"
cargo build --release -q --target wasm32-unknown-unknown -p dstream-lab --bin dstream-lab
wait "$setup"
bash scripts/build-web.sh dist-web >/dev/null
say "page built into dist-web/"

# --allow-inject: the page opened on this machine may type a line into everyone's stream; pages elsewhere may not.
./target/release/relay --demo --allow-inject --serve dist-web --listen "$listen" &
relay=$!
trap 'kill "$relay" 2>/dev/null || true; wait "$relay" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://$host:$port/"; then
    say "DStream Lab is up: open http://$host:$port/ (Ctrl-C stops it)"
    wait "$relay"
    exit
  fi
  kill -0 "$relay" 2>/dev/null || { say "the relay stopped before the page answered (see its message above)"; exit 1; }
  sleep 0.1
done
say "the page did not answer on port $port within 10 s"
exit 1
