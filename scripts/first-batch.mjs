// Time to the first batch on screen, on a desktop (issue #14): fresh loads of the page in headless Chromium at
// 1280x720, no throttling, each in a new browser context (no checkpoint in its storage). For each load, prints when
// the app had rendered its three consoles and when its run status first counted a batch, in ms since navigation.
// Batches close at the wall clock's multiples of the interval, as Spark's RecurringTimer does, so the first one
// comes up to one interval after the page starts: the page is opened at `?interval=1`.
//   node scripts/first-batch.mjs PUPPETEER_DIR URL [LOADS]
// PUPPETEER_DIR: an npm prefix holding puppeteer-core (scripts/lighthouse.sh passes lighthouse's own).
import { launchChromium } from "./chromium.mjs";

const [dir, url, loads = "6"] = process.argv.slice(2);
const browser = await launchChromium(dir);
const rendered = [];
const first = [];
try {
  for (let i = 0; i < Number(loads); i++) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="pprint"]').length === 3,
      { polling: "raf", timeout: 30_000 });
    rendered.push(Math.round(await page.evaluate(() => performance.now())));
    await page.waitForFunction(
      () => /^[1-9]\d* batches/.test(document.querySelector('[data-testid="run-status"]')?.textContent ?? ""),
      { polling: "raf", timeout: 30_000 });
    first.push(Math.round(await page.evaluate(() => performance.now())));
    await context.close();
  }
} finally {
  await browser.close();
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`app rendered ${rendered.join(", ")} ms (median ${median(rendered)}); ` +
  `first batch on screen ${first.join(", ")} ms (median ${median(first)}, worst ${Math.max(...first)})`);
