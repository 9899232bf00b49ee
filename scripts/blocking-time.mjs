// The page's blocking time at load on a slowed CPU, measured in the browser (issue #14): fresh loads in headless
// Chromium at Lighthouse's phone size (412x823), the CPU slowed 4x as Lighthouse's mobile profile assumes
// (`Emulation.setCPUThrottlingRate`), the main thread's long tasks observed for 5 s; prints each load's total
// blocking time (every long task's time past 50 ms, from the first contentful paint on) and its long tasks, then
// the median per page. Lighthouse simulates the same slowdown from one trace, so its score moves with this
// machine's speed from run to run; with two or more pages the loads alternate, A B A B ..., so a slow minute
// weighs on each page alike.
//   node scripts/blocking-time.mjs PUPPETEER_DIR LOADS URL [URL...]
// PUPPETEER_DIR: an npm prefix holding puppeteer-core (scripts/lighthouse.sh passes lighthouse's own).
import { launchChromium } from "./chromium.mjs";

const [dir, loads = "8", ...urls] = process.argv.slice(2);
const results = new Map(urls.map((url) => [url, []]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (let i = 0; i < Number(loads); i++) {
  for (const url of urls) {
    const browser = await launchChromium(dir);
    const page = await browser.newPage();
    await page.setViewport({ width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true });
    const cdp = await page.createCDPSession();
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.evaluateOnNewDocument(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(url);
    await new Promise((done) => setTimeout(done, 5000));
    const load = await page.evaluate(() => {
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      const tasks = window.__longTasks.filter(([start]) => start >= (paint ? paint.startTime : 0));
      return { blocking: tasks.reduce((sum, [, ms]) => sum + Math.max(0, ms - 50), 0), tasks };
    });
    await browser.close();
    results.get(url).push(load.blocking);
    console.log(`${url}: blocking ${load.blocking} ms; long tasks (ms@start) ${load.tasks.map(([s, d]) => `${d}@${s}`).join(" ")}`);
  }
}
for (const [url, blocking] of results) {
  console.log(`${url}: median blocking time ${median(blocking)} ms over ${blocking.length} loads (${blocking.join(", ")})`);
}
