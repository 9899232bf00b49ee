#!/usr/bin/env bash
# Command 2 of the quick start: installs what is missing, then runs every check
# and test: fmt, clippy (native and wasm32: the app, so the engine and notebook as it
# builds them), workspace tests, the app's release build, the app's wasm tests in headless Chromium, the
# accessibility and classroom checks and the e2e test. Every test's output is also kept in target/test-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - started))" "$*"; }

# The tools install beside the native checks and the wasm build, which need none of them (only the wasm32 target,
# added first); the page and the browser suites wait for them.
bash scripts/setup.sh target
bash scripts/setup.sh test &
setup=$!

step "cargo fmt --check"
cargo fmt --all -- --check

step "every integration test file is in its crate's suite (crates/*/tests/suite.rs; autotests are off there)"
for suite in crates/*/tests/suite.rs; do
  for f in "$(dirname "$suite")"/*.rs; do
    [ "$f" = "$suite" ] || grep -q "\"$(basename "$f")\"" "$suite" || { echo "$f is not in $suite: add it there"; exit 1; }
  done
done

# Clippy lints while the test builds compile (clippy-driver as rustc's wrapper for the workspace's own crates, the
# way `cargo clippy` runs it, with its `-D warnings`): one compile of every crate instead of a `check` pass and then a
# build. Every cargo command below shares these settings, so each finds the others' artifacts fresh. The tool
# install above started without them (clippy is for this project's code, not for the tools').
export RUSTC_WORKSPACE_WRAPPER
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# A run from nothing would write incremental caches it never reads: without them the workspace's crates take about
# a fifth less CPU (README, "How long the two commands take"). Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "clippy (native) while building the workspace's tests (all targets)"
mkdir -p target/test-logs
cargo test --workspace --all-targets --no-run 2>&1 | tee target/test-logs/build.log

# What only waits (sockets, timers, a browser's batches) runs beside what computes: the workspace tests beside
# the wasm builds, the browser suites beside the wasm tests' build and each other. Each writes a log of its own,
# shown when it ends.
logs=target/test-logs
mkdir -p "$logs"
declare -A running
# A step that fails ends the script: the suites still running in the background end with it.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
background() {
  local name="$1"
  shift
  "$@" >"$logs/$name.log" 2>&1 &
  running[$name]=$!
}
failed=()
finish() {
  local name="$1"
  if wait "${running[$name]}"; then
    step "$name: passed ($(grep -c '^test .* ok$' "$logs/$name.log") tests; log: $logs/$name.log)"
    grep -E '^test result:' "$logs/$name.log" | sed 's/^/    /' || true
  else
    step "$name: FAILED (log: $logs/$name.log)"
    cat "$logs/$name.log"
    failed+=("$name")
  fi
}

step "workspace tests: run, beside the wasm steps below"
background "workspace tests" cargo test --workspace

# The app for wasm32, once, in the dev profile: its lint (clippy-driver, as above), the page's wasm and the wasm
# tests' binaries in one build. The lib's own unit tests are not built for wasm32: they are plain Rust, run and
# linted natively above (wasm-bindgen-test runs none of them), and would compile the whole app a second time. The
# release profile (the demo's page) would compile every dependency again, with LTO: about a fifth of the run's CPU.
step "clippy (wasm32, the app) while building the page and the app's wasm tests (dev profile)"
cargo test -p dstream-lab --target wasm32-unknown-unknown --test '*' --no-run

step "waiting for the tool install"
wait "$setup"

# Under the target dir, not dist-web/, which stays the demo's release page.
target_dir="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
export E2E_DIST="$target_dir/page-dev"
step "the page for the browser suites (scripts/build-web.sh $E2E_DIST, with the wasm just built)"
PAGE_WASM="$target_dir/wasm32-unknown-unknown/debug/dstream-lab.wasm" bash scripts/build-web.sh "$E2E_DIST" >/dev/null

step "browser suites, side by side: the app's wasm tests, accessibility + classroom (axe-core, the compare view at 1280x720), end to end (send-messages -> relay -> browser)"
# Their test binaries (built above) run directly, each with its own browser and ports; the e2e test takes the
# relay, send-messages and replay built above (E2E_BIN_DIR). The workspace build named them (`cargo test -p
# dstream-lab` alone would build the app's crates again, with the features of that package only).
test_binary() {
  sed -n "s|.*Executable tests/$1.rs (\(.*\))\$|\1|p" target/test-logs/build.log
}
accessibility=$(test_binary accessibility)
classroom=$(test_binary classroom)
e2e=$(test_binary e2e)
# A test may take longer than the runner's default 20 s on a loaded machine: 120 s each.
background "wasm tests in headless Chromium" env CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p dstream-lab --target wasm32-unknown-unknown --test '*'
background "accessibility and classroom" \
  bash -c '"$1" --ignored --nocapture && "$2" --ignored --nocapture' _ "$accessibility" "$classroom"
background "end to end" env E2E_BIN_DIR="$target_dir/debug" "$e2e" --ignored --nocapture

for name in "workspace tests" "wasm tests in headless Chromium" "accessibility and classroom" "end to end"; do
  finish "$name"
done
if [ "${#failed[@]}" -gt 0 ]; then
  step "FAILED: ${failed[*]}"
  exit 1
fi
step "all checks passed"
