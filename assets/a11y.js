/* Universal design: fill accessibility gaps in Dash's own components (dcc 4 dropdown and
   date picker, DataTable paging), checked by tests/test_browser_axe.py. In an assets file
   (not inline) so that the Content-Security-Policy, which allows only hashed inline
   scripts, lets it run. React leaves attributes it does not manage alone; new components
   (page changes, callbacks) are patched as they appear. */
(function () {
  // Texts come from the translation layer: the shell renders them, translated, into
  // #sb-i18n (layouts/a11y.py). Bokmål fallbacks only for a page without the shell.
  var FALLBACK = {
    page_first: "Første side",
    page_previous: "Forrige side",
    page_next: "Neste side",
    page_last: "Siste side",
    filter_case: "Skill mellom store og små bokstaver",
    loading: "Laster …",
    dropdown_search: "Søk"
  };
  var strings = null;

  function text(key, values) {
    if (strings === null) {
      var el = document.getElementById("sb-i18n");
      if (!el) { return fill(FALLBACK[key] || key, values); }
      try { strings = JSON.parse(el.getAttribute("data-strings") || "{}"); } catch (e) {
        strings = {};
      }
    }
    return fill(strings[key] || FALLBACK[key] || key, values);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return values && values[name] !== undefined ? String(values[name]) : match;
    });
  }

  window.sbText = text;

  var PAGING = {
    "first-page": "page_first",
    "previous-page": "page_previous",
    "next-page": "page_next",
    "last-page": "page_last"
  };

  function patch(root) {
    // The dropdown's keyboard entry point forwards focus to its button: hidden from screen
    // readers it is a focusable hidden element, so give it the button's name instead.
    root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (el) {
      var trigger = el.nextElementSibling;
      el.removeAttribute("aria-hidden");
      if (trigger && trigger.id) { el.setAttribute("aria-labelledby", trigger.id); }
    });
    // Wide tables scroll inside their own box on narrow screens (app.css): keyboard users
    // must be able to reach the box to scroll it (axe: scrollable-region-focusable).
    root.querySelectorAll("main .dash-table-container:not([tabindex])").forEach(function (el) {
      el.setAttribute("tabindex", "0");
    });
    // The dropdown's search field is labelled in English.
    root.querySelectorAll("input.dash-dropdown-search:not([data-sb-label])").forEach(function (el) {
      el.setAttribute("data-sb-label", "1");
      el.setAttribute("placeholder", text("dropdown_search"));
      el.setAttribute("aria-label", text("dropdown_search"));
    });
    // The date picker's wrapper carries aria-expanded/aria-haspopup, which need a role.
    root.querySelectorAll(".dash-datepicker-input-wrapper:not([role])").forEach(function (el) {
      el.setAttribute("role", "group");
    });
    // DataTable paging buttons show only an icon.
    root.querySelectorAll(".previous-next-container button:not([aria-label])").forEach(
      function (el) {
        Object.keys(PAGING).forEach(function (cls) {
          if (el.classList.contains(cls)) { el.setAttribute("aria-label", text(PAGING[cls])); }
        });
      }
    );
    // The DataTable filter's case toggle is titled in English only.
    root.querySelectorAll("input.dash-filter--case:not([data-sb-title])").forEach(function (el) {
      el.setAttribute("data-sb-title", "1");
      el.setAttribute("title", text("filter_case"));
    });
  }

  // Dash's dropdown opens with focus on the selected option, so typing to find a kommune
  // did nothing: a printable key on an option moves focus to the search field first (the key
  // then lands there, as typed).
  document.addEventListener("keydown", function (event) {
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (!target || !target.closest) { return; }
    var content = target.closest(".dash-dropdown-content");
    if (!content || target.classList.contains("dash-dropdown-search")) { return; }
    var search = content.querySelector("input.dash-dropdown-search");
    if (search) { search.focus(); }
  }, true);

  // The skip link moves focus to <main> without changing the URL: a new "#innhold" in the
  // address makes Dash's page router render the whole page again (data fetched anew, the
  // controls replaced under the keyboard user's focus).
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest &&
      event.target.closest("a.visually-hidden-focusable[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    target.scrollIntoView();
  });

  // A graph being computed: say so (CSS shows data-sb-loading) and mark it busy.
  function loading(root) {
    root.querySelectorAll(".dash-graph").forEach(function (el) {
      if (!el.hasAttribute("data-sb-loading")) {
        el.setAttribute("data-sb-loading", text("loading"));
      }
      var busy = el.getAttribute("data-dash-is-loading") === "true";
      if (busy && el.getAttribute("aria-busy") !== "true") {
        el.setAttribute("aria-busy", "true");
      } else if (!busy && el.hasAttribute("aria-busy")) {
        el.removeAttribute("aria-busy");
      }
    });
  }

  function start() {
    patch(document);
    loading(document);
    new MutationObserver(function (records) {
      var added = records.some(function (r) { return r.type === "childList"; });
      if (added) { patch(document); }
      loading(document);
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["data-dash-is-loading"]
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
