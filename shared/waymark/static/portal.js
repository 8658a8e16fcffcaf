// Progressive enhancement only: every page works without script. Loaded from /static (CSP: script-src 'self').
"use strict";
// The browser's time zone, for pages of someone who has not chosen one (web.app.BROWSER_ZONE_COOKIE):
// without script, or before the first page sets it, times read in UTC.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Zone names ("Europe/Berlin") are valid cookie values as they are; anything else is not sent.
  if (!/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone || "") || document.cookie.split("; ").includes(`__Host-wm_tz=${zone}`)) {
    return;
  }
  document.cookie = `__Host-wm_tz=${zone}; Path=/; Max-Age=31536000; Secure; SameSite=Lax`;
})();
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const box = document.getElementById(button.dataset.copy);
      if (!box) return;
      box.select();
      try {
        await navigator.clipboard.writeText(box.value);
      } catch {
        document.execCommand("copy");
      }
      // The label from before any click: a second click within the pause would otherwise keep
      // "Copied" as the label to go back to, for good.
      button.dataset.label ??= button.textContent;
      button.textContent = "Copied";
      clearTimeout(Number(button.dataset.timer));
      button.dataset.timer = String(setTimeout(() => { button.textContent = button.dataset.label; }, 1500));
    });
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  const problem = document.querySelector("[data-focus]");
  if (problem) problem.focus();
});
