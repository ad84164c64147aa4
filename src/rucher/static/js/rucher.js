// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Filters that refresh results with htmx also keep the address bar in step (hx-push-url),
  // so the back button and shared links reproduce what the person saw.
  document.addEventListener("htmx:afterSwap", function (event) {
    const focusTarget = event.detail.target.querySelector("[data-focus-after-swap]");
    if (focusTarget) { focusTarget.focus(); }
  });

  // "Copy" buttons (API token secret).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    const source = document.getElementById(button.dataset.copyTarget);
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.dataset.copiedLabel || button.textContent;
      });
    }
  });

  // People pickers: a hidden input holds the chosen id, a label shows the chosen name.
  document.addEventListener("click", function (event) {
    const option = event.target.closest("[data-pick-id]");
    const clear = event.target.closest("[data-picker-clear]");
    const picker = (option || clear) && (option || clear).closest("[data-picker]");
    if (!picker) { return; }
    const input = picker.querySelector("input[type=hidden]");
    const label = picker.querySelector("[data-picker-label]");
    if (option) {
      input.value = option.dataset.pickId;
      label.textContent = option.dataset.pickLabel;
      label.classList.remove("text-body-secondary");
      const search = picker.querySelector("input[type=search]");
      search.value = "";
      option.closest("[aria-live]").innerHTML = "";
      search.focus();
    } else {
      input.value = "";
      label.textContent = clear.dataset.emptyLabel || "—";
      clear.remove();
    }
  });

  // Confirmation for destructive buttons: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    const submitter = event.submitter;
    if (submitter && submitter.dataset.confirm && !window.confirm(submitter.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
