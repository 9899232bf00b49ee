#!/usr/bin/env bash
# Command 2 of the quick start: installs what is missing, then runs every check
# and test: fmt, clippy (native and wasm32: the app, so the engine and notebook as it
# builds them), workspace tests, the app's release build, the app's wasm tests in headless Chromium, the
# accessibility check and the e2e test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - started))" "$*"; }

# The tools install beside the native checks, which need none of them; the wasm steps wait for them.
bash scripts/setup.sh test &
setup=$!

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

step "workspace tests"
cargo test --workspace

step "waiting for the tool install"
wait "$setup"

step "clippy (wasm32, the app)"
cargo clippy -p dstream-lab --target wasm32-unknown-unknown --all-targets -- -D warnings

# The release page as the demo and the classroom get it (cargo + wasm-bindgen, no trunk: trunk is the
# developer's tool, `trunk serve`); the e2e test serves it.
step "app release build (scripts/build-web.sh dist-web)"
bash scripts/build-web.sh dist-web >/dev/null

step "app wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test -p dstream-lab --target wasm32-unknown-unknown

step "accessibility and classroom checks (axe-core, the compare view at 1280x720, in headless Chromium)"
cargo test -p dstream-lab --test accessibility --test classroom -- --ignored --nocapture

if [ -f tests/e2e.rs ]; then
  step "end-to-end test (send-messages -> relay -> browser)"
  cargo test -p dstream-lab --test e2e -- --ignored --nocapture
fi
step "all checks passed"
