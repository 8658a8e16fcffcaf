// Progressive enhancement only: every page works without script. Loaded from /static (CSP: script-src 'self').
"use strict";
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
