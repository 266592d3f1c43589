/* Universal design: a text alternative for every plotly chart, without touching the pages.
   After each plotly render the graph's picture gets role="img" and a summary (title, data series) as its
   accessible name, and a <details class="chart-data"> beside it holds the chart's numbers as a
   real table (for maps: area and value). Texts come from the translation layer through
   window.sbText (assets/a11y.js, reading #sb-i18n); numbers and dates follow <html lang>.
   The table follows every update (a map's metric or date changes by a Patch: it re-renders). */
(function () {
  "use strict";
  var MAX_ROWS = 60;

  function text(key, values) {
    return window.sbText ? window.sbText(key, values) : key;
  }

  function lang() {
    return (document.documentElement.lang || "nb").slice(0, 2) === "en" ? "en-GB" : "nb-NO";
  }

  var numberFormats = {};
  function formatNumber(value) {
    if (value === null || value === undefined || value === "" || Number.isNaN(+value)) {
      return null;
    }
    var v = +value;
    var digits = Math.abs(v) >= 10 || Number.isInteger(v) ? 1 : 2;
    var key = lang() + digits;
    if (!numberFormats[key]) {
      numberFormats[key] = new Intl.NumberFormat(lang(), { maximumFractionDigits: digits });
    }
    // the app's own format (dashboard/formatting.py) writes a plain hyphen for minus
    return numberFormats[key].format(v).replace("\u2212", "-");
  }

  var dateFormats = {};
  function formatX(value) {
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) {
      var hasTime = /\d{2}:\d{2}/.test(value) && !/ 00:00(:00)?$/.test(value);
      var key = lang() + hasTime;
      if (!dateFormats[key]) {
        var options = { day: "2-digit", month: "2-digit", year: "numeric" };
        if (hasTime) { options.hour = "2-digit"; options.minute = "2-digit"; }
        dateFormats[key] = new Intl.DateTimeFormat(lang(), options);
      }
      var date = new Date(value.replace(" ", "T"));
      if (!Number.isNaN(date.getTime())) { return dateFormats[key].format(date); }
    }
    if (typeof value === "number") { return formatNumber(value); }
    return plain(value);
  }

  // Text of an HTML fragment. Most names are plain text already: those skip the parser (a map
  // has 357 of them, and a parse each took a fifth of a second of the page's first load).
  function plain(html) {
    if (html === null || html === undefined) { return ""; }
    var raw = String(html);
    if (!/[<&]/.test(raw)) { return raw.replace(/\s+/g, " ").trim(); }
    var el = document.createElement("div");
    el.innerHTML = String(html).replace(/<br\s*\/?>/gi, " ");
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  // A title as the app gave it (plotly's full layout holds its own placeholder, "Click to
  // enter … title" in the page's plotly locale, where the app gave none).
  function givenTitle(title) {
    var text = title && (title.text !== undefined ? title.text : title);
    return plain(typeof text === "string" ? text : "");
  }

  function colorbarTitle(gd, trace) {
    var given = (gd.data || [])[trace.index] || {};
    var marker = given.marker || {};
    var bar = given.colorbar || marker.colorbar;
    return bar ? givenTitle(bar.title) : "";
  }

  function titleOf(gd) {
    var title = givenTitle((gd.layout || {}).title);
    if (title) { return title; }
    // else the heading of the card or section the chart sits in
    var box = gd.closest(".card, section, .col, [class*='col-']");
    var heading = box && box.querySelector("h1, h2, h3, h4, h5, h6, .card-header");
    return heading ? plain(heading.textContent) : text("chart_untitled");
  }

  function arr(a) {
    if (!a) { return []; }
    return Array.prototype.slice.call(a);
  }

  function visibleTraces(gd) {
    return (gd._fullData || []).filter(function (t) { return t.visible === true; });
  }

  function isMap(trace) {
    return /^choropleth/.test(trace.type);
  }

  // {header: [...], rows: [[...]], total: n, series: [names], map: bool}
  function tableOf(gd, traces) {
    var mapTraces = traces.filter(isMap);
    if (mapTraces.length) {
      var t = mapTraces[0];
      var locations = arr(t.locations);
      var names = arr(t.hovertext && t.hovertext.length ? t.hovertext : t.text);
      var z = arr(t.z);
      var rows = locations.map(function (loc, i) {
        return [plain(names[i]) || String(loc), formatNumber(z[i])];
      });
      rows.sort(function (a, b) { return a[0].localeCompare(b[0], lang()); });
      return {
        header: [text("table_area"), colorbarTitle(gd, t) || text("table_value")],
        rows: rows,
        total: rows.length,
        capped: false,
        map: true,
        series: [],
      };
    }
    var layout = gd._fullLayout || {};
    var keys = [];
    var index = {};
    var columns = [];
    var series = [];
    var categoryTitle = "";
    traces.forEach(function (trace, n) {
      var horizontal = trace.orientation === "h";
      var cats = arr(horizontal ? trace.y : trace.x);
      var vals = arr(horizontal ? trace.x : trace.y);
      if (!cats.length && trace.labels) { cats = arr(trace.labels); vals = arr(trace.values); }
      if (!vals.length) { return; }
      if (!cats.length) { cats = vals.map(function (_v, i) { return i + 1; }); }
      var axis = (gd.layout || {})[
        (horizontal ? trace.yaxis : trace.xaxis || "x").replace(/^([xy])/, "$1axis")];
      if (!categoryTitle && axis && axis.title) { categoryTitle = givenTitle(axis.title); }
      // the name given by the app (plotly's fullData fills in "trace 0" in its own language)
      var given = (gd.data || [])[trace.index];
      var name = plain(given && given.name) || text("table_series", { n: n + 1 });
      series.push(name);
      var column = {};
      cats.forEach(function (c, i) {
        var k = String(c);
        if (!(k in index)) { index[k] = keys.length; keys.push(c); }
        column[k] = vals[i];
      });
      columns.push(column);
    });
    var sortable = keys.every(function (k) { return typeof k === "number"; }) ||
      keys.every(function (k) { return typeof k === "string" && /^\d{4}-\d{2}-\d{2}/.test(k); });
    if (sortable) {
      keys.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    }
    var total = keys.length;
    var shown = total > MAX_ROWS ? keys.slice(total - MAX_ROWS) : keys;
    return {
      header: [categoryTitle || text("table_category")].concat(series),
      rows: shown.map(function (k) {
        return [formatX(k)].concat(columns.map(function (col) {
          return formatNumber(col[String(k)]);
        }));
      }),
      total: total,
      capped: total > MAX_ROWS,
      map: false,
      series: series,
    };
  }

  function buildTable(title, data) {
    var table = document.createElement("table");
    table.className = "table table-sm table-striped small mb-0";
    var caption = document.createElement("caption");
    caption.textContent = title;
    table.appendChild(caption);
    var thead = table.createTHead().insertRow();
    data.header.forEach(function (h) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      thead.appendChild(th);
    });
    var body = table.createTBody();
    data.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (cell, i) {
        var td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) { td.scope = "row"; } else { td.className = "text-end"; }
        if (cell === null) {
          td.textContent = "–";
          td.title = text("table_missing");
        } else {
          td.textContent = cell;
        }
        tr.appendChild(td);
      });
    });
    return table;
  }

  // The table goes right after the graph's box, not into it: the box has the graph's fixed
  // height (style={"height": ...}), so an open or even a closed table inside it would spill
  // over whatever follows the graph (on a phone, the map's definition).
  function existingDetails(gd) {
    var box = gd.parentElement;
    var next = box && box.nextElementSibling;
    return next && next.matches("details.chart-data") ? next : null;
  }

  function detailsFor(gd) {
    var box = gd.parentElement;
    if (!box || !box.parentElement) { return null; }
    // a table whose graph a callback has replaced stays behind: remove it
    box.parentElement.querySelectorAll(":scope > details.chart-data").forEach(function (d) {
      var before = d.previousElementSibling;
      if (!before || !before.querySelector(".js-plotly-plot, .sb-static-graph")) { d.remove(); }
    });
    var details = existingDetails(gd);
    if (!details) {
      details = document.createElement("details");
      details.className = "chart-data small mt-1";
      var summary = document.createElement("summary");
      details.appendChild(summary);
      var wrap = document.createElement("div");
      wrap.className = "chart-data-body table-responsive";
      // a scrolling box must be reachable by keyboard to be scrolled (axe:
      // scrollable-region-focusable); as a named region it is announced with the table's title
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      details.appendChild(wrap);
      box.insertAdjacentElement("afterend", details);
    }
    return details;
  }

  // The picture itself (plotly's first svg layer), not the whole graph: the graph also holds
  // the modebar's buttons, which must stay operable (role="img" hides its children).
  function pictureOf(gd) {
    // (a LazyGraph's static picture: its one svg; assets/lazygraph.js)
    return gd.querySelector("svg.main-svg, svg.sb-static-svg") || gd;
  }

  function update(gd) {
    if (!gd.isConnected || !gd._fullLayout) { return; }
    var traces = visibleTraces(gd);
    var title = titleOf(gd);
    var picture = pictureOf(gd);
    picture.setAttribute("role", "img");
    var data = traces.length ? tableOf(gd, traces) : null;
    var existing = existingDetails(gd);
    if (!data || !data.rows.length) {
      // a chart without data says why in an annotation (figures.message_figure)
      var notes = ((gd._fullLayout || {}).annotations || []).map(function (a) {
        return plain(a.text);
      }).filter(Boolean);
      picture.setAttribute("aria-label", notes.length
        ? text("chart_empty_reason", { tittel: title, grunn: notes.join(" ") })
        : text("chart_empty", { tittel: title }));
      if (existing) { existing.remove(); }
      return;
    }
    var label;
    if (data.map) {
      label = text("map_summary", { tittel: title, n: formatNumber(data.total) });
    } else {
      var names = data.series.join(", ");
      var seriesText = data.series.length === 1
        ? text("chart_series_one", { navn: names })
        : text("chart_series_many", { n: data.series.length, navn: names });
      label = text("chart_summary", { tittel: title, serier: seriesText });
    }
    picture.setAttribute("aria-label", label);
    var details = detailsFor(gd);
    if (!details) { return; }
    details.querySelector("summary").textContent = text("table_toggle");
    var body = details.querySelector(".chart-data-body");
    body.setAttribute("aria-label", title);
    body.textContent = "";
    if (data.capped) {
      var note = document.createElement("p");
      note.className = "text-muted mb-1";
      note.textContent = text("table_capped", {
        n: formatNumber(data.rows.length), total: formatNumber(data.total)
      });
      body.appendChild(note);
    }
    body.appendChild(buildTable(title, data));
  }

  var pending = new Map();
  function schedule(gd) {
    if (pending.has(gd)) { return; }
    pending.set(gd, setTimeout(function () {
      pending.delete(gd);
      try { update(gd); } catch (e) { /* a text alternative must never break the chart */ }
    }, 80));
  }

  function bind(gd) {
    if (gd._sbChartBound || typeof gd.on !== "function") { return; }
    gd._sbChartBound = true;
    gd.on("plotly_afterplot", function () { schedule(gd); });
    schedule(gd);
  }

  function scan() {
    document.querySelectorAll(".js-plotly-plot").forEach(bind);
  }

  function start() {
    scan();
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  }

  window.sbChartTable = update; // for tests and debugging

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
