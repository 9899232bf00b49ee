#!/usr/bin/env bash
# Installs what DStream Lab needs, skipping whatever is already there at the right version.
# Usage: scripts/setup.sh [target|demo|dev|test]
#   target: the wasm32 target only (seconds: the scripts add it before the background installs, whose end a wasm
#           build need not wait for)
#   demo: the wasm32 target and wasm-bindgen-cli (scripts/demo.sh builds the page without trunk)
#   dev:  also trunk (`trunk serve`, `trunk build`)
#   test: demo's tools, Debian's headless Chromium and its driver (the tests build the page without trunk), and
#         npm's axe-core for the accessibility check
#
# The installs run side by side (the machine's two cores are shared), and each builds with a quick-to-compile
# profile: the tools only orchestrate builds, so their own speed hardly matters (measured in the README).
set -euo pipefail
what="${1:-test}"
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*"; }

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WB_VERSION=${WB_VERSION:-0.2.130}
logs="${TMPDIR:-/tmp}/dstream-lab-setup"
mkdir -p "$logs"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target (under a minute)"
  rustup target add wasm32-unknown-unknown
fi
[ "$what" = target ] && exit 0

pids=()
names=()
# Each cargo install below keeps its crates in a cargo home of its own, so it never unpacks a crate at the same
# moment as the project's build or the other install; its binary still goes to ~/.cargo/bin.
# Runs one install in the background, its output in a log that is shown only if it fails.
background() {
  local name="$1"
  shift
  ("$@" >"$logs/$name.log" 2>&1) &
  pids+=($!)
  names+=("$name")
}

if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION in the background (about 4 minutes on 2 cores, longer beside a build)"
  # Not --locked: its lock file names a crate version the registry lacks. No LTO and many codegen units: it
  # compiles in half the time and still processes the page's wasm in well under a second.
  background wasm-bindgen-cli env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_HOME="$logs/cargo-home-wasm-bindgen-cli" cargo install wasm-bindgen-cli --version "$WB_VERSION" --force \
    --root "$HOME/.cargo"
fi

if [ "$what" = dev ] && { ! command -v trunk >/dev/null || [ "$(trunk --version | awk '{print $2}')" != "$TRUNK_VERSION" ]; }; then
  say "installing trunk $TRUNK_VERSION in the background (about 4 minutes on 2 cores)"
  # A debug build: trunk only starts cargo and wasm-bindgen and serves files, so its own speed does not show.
  background trunk env CARGO_HOME="$logs/cargo-home-trunk" \
    cargo install trunk --version "$TRUNK_VERSION" --locked --debug --force --root "$HOME/.cargo"
fi

if [ "$what" = test ]; then
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    say "installing Debian chromium and chromium-driver in the background (about 2 minutes)"
    background chromium bash -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium chromium-driver'
  fi
fi

# axe-core, for the accessibility check (tests/accessibility.rs); kept inside the project, under target/.
AXE_VERSION=4.14.1
axe_dir=target/tools/axe
if [ "$what" = test ] && [ "$(node -p "require('./$axe_dir/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_VERSION" ]; then
  say "installing axe-core $AXE_VERSION with npm under $axe_dir in the background (a few seconds)"
  mkdir -p "$axe_dir"
  background axe-core npm install --prefix "$axe_dir" --no-save --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION"
fi

failed=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then
    say "${names[$i]} installed"
  else
    say "installing ${names[$i]} failed; its log:"
    cat "$logs/${names[$i]}.log"
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
say "setup done"
