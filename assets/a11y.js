/* Universal design: fill accessibility gaps in Dash's own components (dcc 4 dropdown and
   date picker, DataTable paging), checked by tests/test_browser_axe.py. In an assets file
   (not inline) so that the Content-Security-Policy, which allows only hashed inline
   scripts, lets it run. React leaves attributes it does not manage alone; new components
   (page changes, callbacks) are patched as they appear. */
(function () {
  var PAGING = {
    "first-page": "Første side",
    "previous-page": "Forrige side",
    "next-page": "Neste side",
    "last-page": "Siste side"
  };

  function patch(root) {
    // The dropdown's keyboard entry point forwards focus to its button: hidden from screen
    // readers it is a focusable hidden element, so give it the button's name instead.
    root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (el) {
      var trigger = el.nextElementSibling;
      el.removeAttribute("aria-hidden");
      if (trigger && trigger.id) { el.setAttribute("aria-labelledby", trigger.id); }
    });
    // The date picker's wrapper carries aria-expanded/aria-haspopup, which need a role.
    root.querySelectorAll(".dash-datepicker-input-wrapper:not([role])").forEach(function (el) {
      el.setAttribute("role", "group");
    });
    // DataTable paging buttons show only an icon.
    root.querySelectorAll(".previous-next-container button:not([aria-label])").forEach(
      function (el) {
        Object.keys(PAGING).forEach(function (cls) {
          if (el.classList.contains(cls)) { el.setAttribute("aria-label", PAGING[cls]); }
        });
      }
    );
    // The DataTable filter's case toggle is titled in English.
    root.querySelectorAll("input.dash-filter--case:not([data-nb])").forEach(function (el) {
      el.setAttribute("data-nb", "1");
      el.setAttribute("title", "Skill mellom store og små bokstaver");
    });
  }

  function start() {
    patch(document);
    new MutationObserver(function () { patch(document); }).observe(document.body, {
      childList: true,
      subtree: true
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
