#!/usr/bin/env bash
# Builds the page into a folder the relay can serve (`relay --serve DIR`), with cargo and wasm-bindgen only:
# the quick path for the demo and the classroom, which then needs no trunk. `trunk build --release` gives the
# same page from index.html (its wasm with the function names kept) and stays the way to develop (`trunk serve`).
#   bash scripts/build-web.sh [OUT_DIR]     (default: dist-web)
#   PAGE_WASM=FILE bash scripts/build-web.sh OUT_DIR
# PAGE_WASM packages a page wasm cargo already built instead of building the release one (and the worker's wasm
# beside it, dstream-lab-worker.wasm): scripts/test.sh gives the dev-profile wasm its wasm tests' build made, so
# the tests compile the app for wasm32 once.
# The page is two wasm programs: the page itself (the components) and its Web Worker (the view model, the relay
# socket and the batches: src/host/), each with its wasm-bindgen glue.
# Asset names carry a hash of their content, as trunk's do, so a server may let browsers cache them for good.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out="${1:-dist-web}"
target_dir="${CARGO_TARGET_DIR:-target}"

page_wasm="${PAGE_WASM:-}"
# The release page leaves out the function names (the release profile keeps them for wasm-bindgen: Cargo.toml);
# a dev page keeps them, for readable stack traces when a test fails.
slim=()
if [ -z "$page_wasm" ]; then
  cargo build --release --target wasm32-unknown-unknown -p dstream-lab --bin dstream-lab --bin dstream-lab-worker
  page_wasm="$target_dir/wasm32-unknown-unknown/release/dstream-lab.wasm"
  slim=(--remove-name-section --remove-producers-section)
fi
worker_wasm="$(dirname "$page_wasm")/dstream-lab-worker.wasm"
for wasm in "$page_wasm" "$worker_wasm"; do
  [ -f "$wasm" ] || { echo "no wasm at $wasm" >&2; exit 1; }
done
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
for name in dstream-lab dstream-lab-worker; do
  wasm-bindgen --target web --no-typescript "${slim[@]}" --out-dir "$stage" --out-name "$name" \
    "$(dirname "$page_wasm")/$name.wasm"
done

rm -rf "$out"
mkdir -p "$out"
# Copies $1 into $out as NAME-HASH.EXT and prints the new name.
hashed() {
  local file="$1" base ext hash
  base="$(basename "$file")"
  ext="${base#*.}"
  base="${base%%.*}"
  hash="$(sha256sum "$file" | cut -c1-16)"
  cp "$file" "$out/$base-$hash.$ext"
  printf '%s' "$base-$hash.$ext"
}
wasm="$(hashed "$stage/dstream-lab_bg.wasm")"
# The JS glue names the wasm file only as a default; the page passes the hashed name explicitly.
js="$(hashed "$stage/dstream-lab.js")"
# The worker starts from a one-line module that loads its glue and wasm; the page finds it in a <meta>.
worker_wasm="$(hashed "$stage/dstream-lab-worker_bg.wasm")"
worker_js="$(hashed "$stage/dstream-lab-worker.js")"
printf 'import init from "/%s"; init({ module_or_path: "/%s" });\n' "$worker_js" "$worker_wasm" \
  >"$stage/worker.js"
worker="$(hashed "$stage/worker.js")"
# The relay socket's own worker (plain JavaScript): the view model's worker starts it from the page's <meta>.
relay_socket="$(hashed www/relay-socket.js)"
styles="    <link rel=\"icon\" href=\"/$(hashed www/favicon.svg)\" />"$'\n'
for css in www/style.css www/teach.css; do
  styles+="    <link rel=\"stylesheet\" href=\"/$(hashed "$css")\" />"$'\n'
done

# index.html's head, with trunk's asset links replaced by the built files.
{
  sed -n '1,/<title>/p' index.html
  printf '%s' "$styles"
  # The worker's wasm is not preloaded: on a slow link it would share the first seconds with the page's and hold
  # back the header the page shows while the worker loads (Lighthouse's LCP 2.3 → 5.4 s with it, README).
  printf '    <meta name="dstream-lab-worker" content="/%s" data-type="module" />\n' "$worker"
  printf '    <meta name="dstream-lab-relay-socket" content="/%s" />\n' "$relay_socket"
  # The page's wasm and its glue are fetched once the browser has painted what index.html shows on its own (what
  # the lab is): on a slow link they would share the first seconds with the stylesheets and hold that back, and
  # fetched early they would make Lighthouse count the wasm's download before the largest paint (LCP 2.3 s
  # instead of 1.0 s, README). A hidden tab, which paints nothing, or a browser without paint timing starts at
  # once; after 3 s it starts anyway. If the page cannot start (the wasm not fetched, a browser without what it
  # needs), the loading line says so instead of loading for ever.
  printf '    <script type="module">
      new Promise((painted) => {
        setTimeout(painted, 3000);
        if (document.visibilityState === "hidden" || !PerformanceObserver.supportedEntryTypes?.includes("paint")) return painted();
        new PerformanceObserver((list) => list.getEntriesByName("first-contentful-paint").length && painted())
          .observe({ type: "paint", buffered: true });
      }).then(() => {
        const wasm = fetch("/%s").then((r) => (r.ok ? r : Promise.reject(new Error(`its program did not load (HTTP ${r.status})`))));
        return import("/%s").then(({ default: init }) => init({ module_or_path: wasm }));
      }).catch((e) => {
        document.querySelector("#boot [role=status]").textContent = `DStream Lab could not start: ${e.message || e}. ` +
          "Reload the page; if it fails again, try a current Chrome, Edge, Firefox or Safari.";
      });
    </script>\n' "$wasm" "$js"
  sed -n '/<\/head>/,$p' index.html
} >"$out/index.html"
ls -l "$out"
