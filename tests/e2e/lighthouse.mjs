// Lighthouse's accessibility and best-practices scores of a few pages, in one Chrome for all of them.
// Usage: node lighthouse.mjs plan.json; the plan names {chrome, headers, pages: [{name, url, cookies}]}
// (cookies: a login's, as the browser holds them). Prints {name: {category: [score, [failing audits]]}}
// as JSON. Run by tests/e2e/test_every_page.py (desktop preset).
import { readFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import puppeteer from "puppeteer-core";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const chrome = await chromeLauncher.launch({
  chromePath: plan.chrome,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update"],
  logLevel: "silent",
});
const scores = {};
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
  for (const target of plan.pages) {
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders(plan.headers);
    if (target.cookies.length) await page.setCookie(...target.cookies);
    // The login lives in the cookies just set: Lighthouse must not clear them before it loads the page.
    const flags = { output: "json", logLevel: "error", onlyCategories: ["accessibility", "best-practices"],
      disableStorageReset: true, extraHeaders: plan.headers,
      // Neither category uses the page's full screenshot or timings: skip the work.
      disableFullPageScreenshot: true, throttlingMethod: "provided",
      // Server-rendered pages, complete at load: no waiting for late network or script.
      pauseAfterFcpMs: 0, pauseAfterLoadMs: 0, networkQuietThresholdMs: 0, cpuQuietThresholdMs: 0 };
    const { lhr } = await lighthouse(target.url, flags, desktopConfig, page);
    if (lhr.runtimeError) throw new Error(`${target.url}: ${lhr.runtimeError.message}`);
    if (lhr.finalDisplayedUrl !== target.url) throw new Error(`${target.url} led to ${lhr.finalDisplayedUrl}`);
    scores[target.name] = {};
    for (const [id, category] of Object.entries(lhr.categories)) {
      const failing = category.auditRefs
        .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
        .map((ref) => ref.id);
      scores[target.name][id] = [category.score, failing];
    }
    await page.close();
  }
  await browser.disconnect();
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(scores));
