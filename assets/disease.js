/* The disease this browser tab shows (dashboard/disease.py): kept in the address
   (?sykdom=influensa) and in the tab's sessionStorage (never a cookie: two tabs, two wall
   screens, may show two diseases), sent with every request of the Dash renderer (header
   X-Sykdom), so every callback reads for it without naming it. The address wins (a link
   naming a disease); a page reached without one (a menu, a link) gets the tab's choice added
   back; every same-site link (downloads, exports, a new tab) carries it when followed. */
(function () {
  var PARAM = "sykdom";
  var HEADER = "X-Sykdom";
  var KEY = "sb-sykdom";
  var DEFAULT = "covid19";
  var chosen = DEFAULT;

  function fromUrl() {
    return new URLSearchParams(window.location.search).get(PARAM);
  }
  function remember(code) {
    chosen = code || DEFAULT;
    try { window.sessionStorage.setItem(KEY, chosen); } catch (e) { /* private mode */ }
  }
  function stored() {
    try { return window.sessionStorage.getItem(KEY); } catch (e) { return null; }
  }
  function withChoice(href) {
    var url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin) { return null; }
    if (chosen === DEFAULT) {
      if (url.searchParams.get(PARAM) === DEFAULT) { url.searchParams.delete(PARAM); }
    } else if (!url.searchParams.has(PARAM)) {
      url.searchParams.set(PARAM, chosen);
    }
    return url;
  }
  // The address names the tab's disease: take it from there, or put it back there.
  function sync() {
    var named = fromUrl();
    if (named) {
      if (named !== chosen) { remember(named); }
      return chosen;
    }
    if (chosen !== DEFAULT) {
      var url = withChoice(window.location.href);
      window.history.replaceState(window.history.state, "", url.toString());
    }
    return chosen;
  }
  remember(fromUrl() || stored() || DEFAULT);
  sync();

  // Every request of the Dash renderer (layout, callbacks) says which disease.
  var originalFetch = window.fetch;
  window.fetch = function (input, init) {
    var target = typeof input === "string" ? input : (input && input.url) || "";
    var url = new URL(target, window.location.href);
    if (url.origin === window.location.origin && url.pathname.indexOf("/_dash-") !== -1) {
      var options = init ? Object.assign({}, init) : {};
      var headers = new Headers(options.headers || (input && input.headers) || {});
      headers.set(HEADER, sync());
      options.headers = headers;
      return originalFetch.call(this, input, options);
    }
    return originalFetch.apply(this, arguments);
  };

  // Same-site links carry the disease when followed (a download, an export, a new tab); the
  // menus' own navigation (pushState) gets it put back by sync() before the next request.
  function carry(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.getAttribute("href").charAt(0) === "#") { return; }
    var url = withChoice(link.href);
    if (url && url.toString() !== link.href) { link.setAttribute("href", url.pathname + url.search + url.hash); }
  }
  document.addEventListener("click", carry, true);
  document.addEventListener("auxclick", carry, true);
  window.addEventListener("popstate", sync);
  window.addEventListener("_dashprivate_pushstate", sync);

  // The header's choice: a new address, and the whole page read again for it.
  window.situasjonsbilde = window.situasjonsbilde || {};
  window.situasjonsbilde.chooseDisease = function (code) {
    if (!code || code === chosen) { return false; }
    remember(code);
    var url = new URL(window.location.href);
    if (code === DEFAULT) { url.searchParams.delete(PARAM); } else { url.searchParams.set(PARAM, code); }
    window.location.assign(url.toString());
    return true;
  };
})();
