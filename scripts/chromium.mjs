// Headless Chromium for the measuring scripts (first-batch.mjs, blocking-time.mjs): Debian's chromium driven by
// the puppeteer-core of an npm prefix (scripts/lighthouse.sh passes lighthouse's own), with the flags of the
// project's browser tests (tests/e2e/support.rs).
import { createRequire } from "node:module";
import { resolve } from "node:path";

/** Starts headless Chromium through the puppeteer-core installed under the npm prefix `dir`. */
export function launchChromium(dir) {
  const puppeteer = createRequire(`${resolve(dir)}/node_modules/`)("puppeteer-core");
  return puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}
