#!/usr/bin/env bash
# Command 1 of the quick start: installs what is missing, starts the generator
# (send-messages on 127.0.0.1:9999) and the relay (ws://127.0.0.1:9998/ws) in the
# background, and serves the app with trunk on http://127.0.0.1:8080.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh demo

echo "==> building send-messages and relay"
cargo build --release -p dstream-relay --bins

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

./target/release/send-messages &
pids+=($!)
./target/release/relay &
pids+=($!)

echo "==> DStream Lab: open http://127.0.0.1:8080 (Ctrl-C stops the demo)"
trunk serve --release --address 127.0.0.1 --port 8080
