// Lighthouse's accessibility and best-practices scores of a few pages, in one Chrome for all of them.
// Usage: node lighthouse.mjs plan.json, where the plan names {chrome, headers, pages: [{name, url, cookie}]};
// prints {name: {category: [score, [failing audit ids]]}} as JSON. Run by tests/e2e/test_every_page.py.
import { readFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const chrome = await chromeLauncher.launch({
  chromePath: plan.chrome,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update"],
  logLevel: "silent",
});
const scores = {};
try {
  for (const page of plan.pages) {
    const headers = { ...plan.headers, ...(page.cookie ? { Cookie: page.cookie } : {}) };
    const result = await lighthouse(
      page.url,
      { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["accessibility", "best-practices"],
        extraHeaders: headers },
      desktopConfig,
    );
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`${page.url}: ${lhr.runtimeError.message}`);
    if (lhr.finalDisplayedUrl !== page.url) throw new Error(`${page.url} led to ${lhr.finalDisplayedUrl}`);
    scores[page.name] = {};
    for (const [id, category] of Object.entries(lhr.categories)) {
      const failing = category.auditRefs
        .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
        .map((ref) => ref.id);
      scores[page.name][id] = [category.score, failing];
    }
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(scores));
