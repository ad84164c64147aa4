// Charts of the analytics pages. Each chart's Vega-Lite specification sits in a
// <script type="application/json"> block next to its container (data-chart names the block);
// vega-embed draws it with the expression interpreter, so nothing is compiled with eval and
// the strict Content-Security-Policy holds. Without JavaScript the figures stay in the tables.
(function () {
  "use strict";

  function draw(container) {
    const block = document.getElementById(container.dataset.chart);
    if (!block || typeof window.vegaEmbed !== "function") { return; }
    let payload;
    try {
      payload = JSON.parse(block.textContent);
    } catch (error) {
      return;
    }
    const options = {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vegaInterpreterBundle.expressionInterpreter,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true, theme: "custom" },
      formatLocale: payload.formatLocale,
      timeFormatLocale: payload.timeFormatLocale
    };
    window.vegaEmbed(container, payload.spec, options).then(function () {
      container.classList.add("chart-ready");
    }).catch(function (error) {
      container.classList.add("chart-failed");
      if (window.console) { window.console.warn("Chart not drawn:", error); }
    });
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  // Custom period: the date fields matter only with "Custom period"; typing a date picks it.
  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "date") { return; }
    const choice = input.form && input.form.querySelector("[data-period-choice]");
    if (choice && input.value) { choice.value = "custom"; }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.detail.target); });
})();
