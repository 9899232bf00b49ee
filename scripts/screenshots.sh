#!/usr/bin/env bash
# Screenshots of the teaching views and the classroom features for the README, from the release build in headless Chromium
# (Debian chromium + chromium-driver): docs/screenshots/*.png. Also checks, on the live page, that the window
# timeline's numbers are what the window's pprint() console prints.
#   bash scripts/screenshots.sh            # builds dist-web/ first (scripts/build-web.sh)
#   NO_BUILD=1 bash scripts/screenshots.sh # reuse dist-web/ (or E2E_DIST=/some/dist)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${NO_BUILD:-}" ] && [ -z "${E2E_DIST:-}" ]; then
  bash scripts/build-web.sh dist-web >/dev/null
fi
cargo test -p dstream-lab --test teach_screenshots -- --ignored --nocapture
ls -l "${SCREENSHOT_DIR:-docs/screenshots}"
