#!/usr/bin/env bash
# Command 2 of the quick start: installs what is missing, then runs every check
# and test: fmt, clippy (native and wasm32), workspace tests, the engine and the
# app built for wasm32, the app's wasm tests in headless Chromium, and the e2e test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh test

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (wasm32, the app)"
cargo clippy -p dstream-lab --target wasm32-unknown-unknown --all-targets -- -D warnings

step "engine and notebook build for wasm32"
cargo build -p dstream-engine -p dstream-notebook --no-default-features --target wasm32-unknown-unknown

step "workspace tests"
cargo test --workspace

step "app release build (trunk)"
trunk build --release

step "app wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test -p dstream-lab --target wasm32-unknown-unknown

if [ -f tests/e2e.rs ]; then
  step "end-to-end test (send-messages -> relay -> browser)"
  cargo test -p dstream-lab --test e2e -- --ignored --nocapture
fi
step "all checks passed"
