// Conversations: drafts kept in the browser, @mention suggestions, poll choices, attachments
// uploaded as soon as chosen, refused forms swapped in place, event times in the reader's
// time zone. Every form works without it; this only spares effort and keeps text safe.
(function () {
  "use strict";
  if (window.rucherContent) { return; } // loaded again by a swapped feed
  window.rucherContent = true;

  // ------------------------------------------------------------ refused forms
  // htmx swaps nothing on a 4xx by default; forms marked data-swap-errors show the page's
  // answer (the form with its messages and everything typed).
  document.addEventListener("htmx:beforeSwap", function (event) {
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    const status = event.detail.xhr.status;
    const form = elt && elt.closest ? elt.closest("[data-swap-errors]") : null;
    if (form && status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    // A sent form forgets its draft.
    if (form && form.dataset.draftKey && status < 300 && elt === form) {
      forget(form.dataset.draftKey);
    }
  });

  // ------------------------------------------------------------ drafts
  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }
  function forget(key) {
    const store = storage();
    if (store) { store.removeItem(key); }
  }
  function fieldsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-draft-field], textarea[name=body]"));
  }
  function save(form) {
    const store = storage();
    if (!store) { return; }
    const values = {};
    let any = false;
    fieldsOf(form).forEach(function (field) {
      values[field.name] = field.value;
      if (field.value.trim()) { any = true; }
    });
    if (any) {
      store.setItem(form.dataset.draftKey, JSON.stringify(values));
      const status = form.querySelector("[data-draft-status]");
      if (status) { status.textContent = status.dataset.saved || ""; }
    } else {
      store.removeItem(form.dataset.draftKey);
    }
  }
  function restore(root) {
    const store = storage();
    if (!store) { return; }
    root.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      const raw = store.getItem(form.dataset.draftKey);
      if (!raw) { return; }
      let values;
      try { values = JSON.parse(raw); } catch (error) { return; }
      let restored = false;
      fieldsOf(form).forEach(function (field) {
        // What the server sent back (a refused submit) wins over the stored draft.
        if (!field.value && values[field.name]) {
          field.value = values[field.name];
          restored = true;
        }
      });
      if (restored) {
        const details = form.closest("details");
        if (details) { details.open = true; }
      }
    });
  }
  let saveTimer = null;
  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("form[data-draft-key]");
    if (!form) { return; }
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(function () { save(form); }, 400);
  });
  // A plain (non-htmx) submit: the draft goes once the page it leads to has loaded, unless
  // that page shows the same form again with an error (then the text is in it anyway).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.draftKey && !form.hasAttribute("hx-post")) {
      try { window.sessionStorage.setItem("rucher-sent-draft", form.dataset.draftKey); } catch (error) { /* private mode */ }
    }
  });
  function clearSentDraft() {
    let key = null;
    try { key = window.sessionStorage.getItem("rucher-sent-draft"); } catch (error) { return; }
    if (!key) { return; }
    window.sessionStorage.removeItem("rucher-sent-draft");
    if (!document.querySelector(".is-invalid, .alert-danger")) { forget(key); }
  }

  // ------------------------------------------------------------ poll choices
  document.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add-option]");
    if (add) {
      const list = add.closest("fieldset").querySelector("[data-poll-options]");
      const rows = list.querySelectorAll("li");
      if (rows.length >= 20) { return; }
      const copy = rows[rows.length - 1].cloneNode(true);
      const input = copy.querySelector("input");
      const number = rows.length + 1;
      input.value = "";
      input.id = "option-" + number + "-" + Date.now();
      input.placeholder = (add.dataset.label || "") + " " + number;
      const label = copy.querySelector("label");
      if (label) { label.htmlFor = input.id; label.textContent = input.placeholder; }
      list.appendChild(copy);
      input.focus();
      return;
    }
    const remove = event.target.closest("[data-remove-option]");
    if (remove) {
      const list = remove.closest("[data-poll-options]");
      if (list.querySelectorAll("li").length > 2) {
        remove.closest("li").remove();
      } else {
        remove.closest("li").querySelector("input").value = "";
      }
      return;
    }
    const removeAttachment = event.target.closest("[data-remove-attachment]");
    if (removeAttachment) {
      removeAttachment.closest("[data-attachment]").remove();
    }
  });

  // ------------------------------------------------------------ attachments
  // Once uploaded, the file leaves the file input so the post does not send it again.
  document.addEventListener("htmx:afterRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("input[type=file]")) { elt.value = ""; }
  });

  // ------------------------------------------------------------ @mentions
  const MENTION = /(^|[\s(])@([^\s@#[\]()]{2,}(?: [^\s@#[\]()]+)?)$/u;
  let mentionTimer = null;
  let mentionRequest = 0;

  function menuOf(textarea) {
    return textarea.closest(".mention-host").querySelector("[data-mention-menu]");
  }
  function closeMenu(menu) {
    menu.hidden = true;
    menu.innerHTML = "";
  }
  function pendingMention(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = MENTION.exec(before);
    return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
  }
  function suggest(textarea) {
    const menu = menuOf(textarea);
    const found = pendingMention(textarea);
    if (!found) { closeMenu(menu); return; }
    const number = ++mentionRequest;
    const url = textarea.dataset.mentionUrl + "?q=" + encodeURIComponent(found.query) +
      "&community=" + encodeURIComponent(textarea.dataset.community || "");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (number !== mentionRequest) { return; }
        menu.innerHTML = html;
        menu.hidden = !menu.querySelector("[data-mention-id]");
        const first = menu.querySelector("[data-mention-id]");
        if (first) { first.setAttribute("aria-selected", "true"); }
      })
      .catch(function () { closeMenu(menu); });
  }
  function insertMention(textarea, option) {
    const found = pendingMention(textarea);
    if (!found) { return; }
    const name = option.dataset.mentionName.replace(/[[\]()\n]/g, " ").replace(/\s+/g, " ").trim();
    const text = "@[" + name + "](person:" + option.dataset.mentionId + ") ";
    const after = textarea.value.slice(textarea.selectionStart);
    textarea.value = textarea.value.slice(0, found.start) + text + after;
    const caret = found.start + text.length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    closeMenu(menuOf(textarea));
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    const form = textarea.closest("form");
    if (form && window.htmx) { window.htmx.trigger(form, "mention-inserted"); }
  }
  document.addEventListener("input", function (event) {
    const textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[data-mention-url]")) { return; }
    window.clearTimeout(mentionTimer);
    mentionTimer = window.setTimeout(function () { suggest(textarea); }, 200);
  });
  document.addEventListener("keydown", function (event) {
    const textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[data-mention-url]")) { return; }
    const menu = menuOf(textarea);
    if (menu.hidden) { return; }
    const options = Array.prototype.slice.call(menu.querySelectorAll("[data-mention-id]"));
    let index = options.findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      index = (index + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    } else if ((event.key === "Enter" || event.key === "Tab") && index >= 0) {
      event.preventDefault();
      insertMention(textarea, options[index]);
    } else if (event.key === "Escape") {
      closeMenu(menu);
    }
  });
  document.addEventListener("mousedown", function (event) {
    const option = event.target.closest("[data-mention-id]");
    if (!option) { return; }
    event.preventDefault(); // keep the caret in the textarea
    const textarea = option.closest(".mention-host").querySelector("textarea");
    insertMention(textarea, option);
  });

  // ------------------------------------------------------------ times
  function localTimes(root) {
    root.querySelectorAll("[data-local-time]").forEach(function (element) {
      if (element.dataset.done) { return; }
      element.dataset.done = "1";
      const moment = new Date(element.dataset.localTime);
      const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (isNaN(moment) || !mine || mine === element.dataset.zone) { return; }
      const shown = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "full", timeStyle: "short",
      }).format(moment);
      element.textContent = (element.dataset.label || "") + " " + shown + " (" + mine + ")";
    });
  }

  function ready(root) {
    restore(root);
    localTimes(root);
  }
  clearSentDraft();
  document.addEventListener("htmx:load", function (event) { ready(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { ready(document); });
  } else {
    ready(document);
  }
})();
