/* A graph that does not wait for plotly.js (issue 22): layouts.lazy_graph.LazyGraph.

   Dash's dcc.Graph loads plotly.js (1.5 MB decoded) when it is first drawn, and the renderer
   holds back every callback with a Graph among its outputs until plotly.js has loaded, so a
   page's numbers and cards waited for it, and plotly drew every figure of the page in one
   long main-thread task. A LazyGraph takes the same props as a dcc.Graph, but first draws its
   figure as a light static SVG from the figure dict (lines, bars, heatmaps, the choropleth map;
   see draw() for what is drawn) and becomes the interactive dcc.Graph when the user reaches for
   it (pointer, touch, keyboard focus) or in an idle moment 4 s after its figure arrived (6 s
   off the screen). Graphs upgrade one at a time, each in its own task. The static picture
   carries the same text alternative as the chart (assets/charts.js: role="img", a summary
   and the numbers as a table). Events (clickData, hoverData, relayoutData …) reach Dash as
   from a dcc.Graph: the inner graph's setProps is the LazyGraph's. */
(function () {
  "use strict";
  var NAMESPACE = "sb_components";
  // quiet time after a figure arrives before it becomes interactive by itself (ms): on the
  // screen, then the rest (so that everything is interactive soon, the visible first)
  var UPGRADE_AFTER_MS = 4000;
  var UPGRADE_OFFSCREEN_AFTER_MS = 6000;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var COLORWAY = ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3",
    "#FF6692", "#B6E880", "#FF97FF", "#FECB52"];
  var DATE_RE = /^\d{4}-\d{2}-\d{2}/;

  // ------------------------------------------------------------------ figure data
  var TYPED = {
    f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array,
    u2: Uint16Array, i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray,
  };

  // plotly.py sends numeric arrays as {dtype, bdata: base64}; a list otherwise
  function values(v) {
    if (v === null || v === undefined) { return []; }
    if (Array.isArray(v)) { return v; }
    if (typeof v === "object" && typeof v.bdata === "string") {
      var Type = TYPED[v.dtype];
      if (!Type) { return []; }
      var bin = atob(v.bdata);
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
      return Array.prototype.slice.call(new Type(bytes.buffer));
    }
    if (ArrayBuffer.isView(v)) { return Array.prototype.slice.call(v); }
    return [];
  }

  // a heatmap's z: a list of rows, or {dtype, bdata, shape: "rows, columns"}
  function matrix(v) {
    if (Array.isArray(v)) {
      return v.map(function (row) { return values(row).map(num); });
    }
    var flat = values(v).map(num);
    var shape = v && v.shape ? String(v.shape).split(",").map(function (n) { return +n; }) : [];
    if (shape.length !== 2) { return [flat]; }
    var rows = [];
    for (var r = 0; r < shape[0]; r++) { rows.push(flat.slice(r * shape[1], (r + 1) * shape[1])); }
    return rows;
  }

  // coordinates given as a start and a step (x0/dx, y0/dy): a date start steps in ms
  function steps(trace, count, letter) {
    var start = trace[letter + "0"] !== undefined ? trace[letter + "0"] : 0;
    var step = trace["d" + letter] !== undefined ? +trace["d" + letter] : 1;
    var first = typeof start === "string" && DATE_RE.test(start) ? toTime(start) : +start;
    var isDate = typeof start === "string" && DATE_RE.test(start);
    var out = [];
    for (var i = 0; i < count; i++) {
      out.push(isDate ? new Date(first + i * step).toISOString() : first + i * step);
    }
    return out;
  }

  function get(obj, path, fallback) {
    var cur = obj;
    for (var i = 0; i < path.length; i++) {
      if (cur === null || cur === undefined) { return fallback; }
      cur = cur[path[i]];
    }
    return cur === undefined || cur === null ? fallback : cur;
  }

  // a layout value, else the template's
  function lay(layout, path, fallback) {
    var own = get(layout, path, undefined);
    return own !== undefined ? own : get(layout, ["template", "layout"].concat(path), fallback);
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function plainText(s) {
    return String(s === undefined || s === null ? "" : s).replace(/<br\s*\/?>/gi, " ")
      .replace(/<[^>]*>/g, "");
  }

  function titleText(t) {
    return plainText(t && typeof t === "object" ? t.text : t);
  }

  function lang() {
    return (document.documentElement.lang || "nb").slice(0, 2) === "en" ? "en-GB" : "nb-NO";
  }

  function num(v) {
    if (v === null || v === undefined || v === "") { return NaN; }
    return +v;
  }

  function toTime(v) {
    return typeof v === "string" ? Date.parse(v.length > 10 ? v.replace(" ", "T") : v) : +v;
  }

  // ------------------------------------------------------------------ axes
  function axisKey(ref, letter) {
    var r = ref || letter;
    return letter + "axis" + (r.length > 1 ? r.slice(1) : "");
  }

  function axisType(layoutAxis, vals) {
    if (layoutAxis && layoutAxis.type && layoutAxis.type !== "-") { return layoutAxis.type; }
    for (var i = 0; i < vals.length; i++) {
      var v = vals[i];
      if (v === null || v === undefined) { continue; }
      if (typeof v === "number") { return "linear"; }
      if (typeof v === "string" && DATE_RE.test(v)) { return "date"; }
      if (typeof v === "string" && v !== "" && !isNaN(+v)) { return "linear"; }
      return "category";
    }
    return "linear";
  }

  function niceStep(span, count) {
    var raw = span / Math.max(count, 1);
    var mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    var n = raw / mag;
    return (n >= 5 ? 10 : n >= 2 ? 5 : n >= 1 ? 2 : 1) * mag;
  }

  function formatNumber(v) {
    var digits = Math.abs(v) >= 10 || Number.isInteger(v) ? 0 : 1;
    return new Intl.NumberFormat(lang(), { maximumFractionDigits: digits })
      .format(v).replace("\u2212", "-");
  }

  function Axis(key, letter, layout, vals) {
    var own = layout[key] || {};
    this.letter = letter;
    this.type = axisType(own, vals);
    this.domain = own.domain || [0, 1];
    this.visible = own.visible !== false;
    this.categories = [];
    var cats = own.categoryarray ? values(own.categoryarray) : [];
    for (var i = 0; i < cats.length; i++) { this.categories.push(String(cats[i])); }
    this.range = own.range ? values(own.range).slice(0, 2) : null;
    this.title = titleText(own.title);
    this.reversed = own.autorange === "reversed";
    this.anchor = own.anchor && own.anchor !== "free" ? own.anchor : null;
    this.showLabels = own.showticklabels !== false;
    this.suffix = own.ticksuffix || "";
    this.min = Infinity;
    this.max = -Infinity;
  }

  Axis.prototype.toNumber = function (v) {
    if (v === null || v === undefined || v === "") { return NaN; }
    if (this.type === "date") { return toTime(v); }
    if (this.type === "category") {
      var k = String(v);
      var at = this.categories.indexOf(k);
      if (at < 0) { at = this.categories.push(k) - 1; }
      return at;
    }
    return num(v);
  };

  Axis.prototype.include = function (n) {
    if (!isFinite(n)) { return; }
    if (n < this.min) { this.min = n; }
    if (n > this.max) { this.max = n; }
  };

  Axis.prototype.finish = function (pad) {
    if (this.range && this.range.length === 2) {
      this.lo = this.toNumber(this.range[0]);
      this.hi = this.toNumber(this.range[1]);
    }
    if (!isFinite(this.lo) || !isFinite(this.hi)) {
      var lo = isFinite(this.min) ? this.min : 0;
      var hi = isFinite(this.max) ? this.max : 1;
      if (this.type === "category") { lo = -0.5; hi = Math.max(this.categories.length - 0.5, 0.5); }
      if (hi === lo) { hi = lo + 1; }
      if (this.letter === "y" && this.type === "linear") { hi += (hi - lo) * pad; }
      this.lo = lo;
      this.hi = hi;
    }
  };

  Axis.prototype.place = function (p0, p1) {
    this.p0 = this.reversed ? p1 : p0;
    this.p1 = this.reversed ? p0 : p1;
  };

  Axis.prototype.px = function (n) {
    return this.p0 + (n - this.lo) / (this.hi - this.lo || 1) * (this.p1 - this.p0);
  };

  Axis.prototype.ticks = function (count) {
    var out = [];
    var i;
    if (this.type === "category") {
      var every = Math.max(1, Math.ceil(this.categories.length / count));
      for (i = 0; i < this.categories.length; i += every) {
        out.push([i, plainText(this.categories[i])]);
      }
      return out;
    }
    if (this.type === "date") {
      var span = this.hi - this.lo;
      var options = span < 200 * 864e5 ? { day: "numeric", month: "short" }
        : { month: "short", year: "numeric" };
      var format = new Intl.DateTimeFormat(lang(), options);
      for (i = 0; i <= count; i++) {
        var t = this.lo + span * (i + 0.5) / (count + 1);
        out.push([t, format.format(new Date(t))]);
      }
      return out;
    }
    var step = niceStep(this.hi - this.lo, count);
    for (var v = Math.ceil(this.lo / step) * step; v <= this.hi + step * 1e-9; v += step) {
      out.push([v, formatNumber(Math.abs(v) < step * 1e-9 ? 0 : v)]);
    }
    return out;
  };

  function cellSize(ns) {
    var sorted = ns.filter(isFinite).slice().sort(function (a, b) { return a - b; });
    var gap = Infinity;
    for (var i = 1; i < sorted.length; i++) {
      if (sorted[i] > sorted[i - 1]) { gap = Math.min(gap, sorted[i] - sorted[i - 1]); }
    }
    return isFinite(gap) ? gap : 1;
  }

  // ------------------------------------------------------------------ colours
  function parseColor(c) {
    if (typeof c !== "string") { return [128, 128, 128]; }
    var m = c.match(/^#([0-9a-f]{6})$/i);
    if (m) {
      var n = parseInt(m[1], 16);
      return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    }
    m = c.match(/rgba?\(([^)]+)\)/);
    if (m) { return m[1].split(",").slice(0, 3).map(function (x) { return +x; }); }
    return [128, 128, 128];
  }

  function scaleColor(scale, t) {
    if (!scale || !scale.length) { return "#888"; }
    t = Math.max(0, Math.min(1, t));
    for (var i = 1; i < scale.length; i++) {
      if (t <= scale[i][0] || i === scale.length - 1) {
        var a = scale[i - 1];
        var b = scale[i];
        var f = b[0] > a[0] ? (t - a[0]) / (b[0] - a[0]) : 0;
        var ca = parseColor(a[1]);
        var cb = parseColor(b[1]);
        return "rgb(" + [0, 1, 2].map(function (k) {
          return Math.round(ca[k] + (cb[k] - ca[k]) * Math.max(0, Math.min(1, f)));
        }).join(",") + ")";
      }
    }
    return scale[scale.length - 1][1];
  }

  // ------------------------------------------------------------------ geometry (maps)
  var geoCache = {};

  function loadGeojson(url) {
    if (!geoCache[url]) {
      geoCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("geometry " + r.status); }
        return r.json();
      });
    }
    return geoCache[url];
  }

  // the geometry a figure names by URL, fetched once per page and shared with plotly.js
  function geojsonUrls(figure) {
    return ((figure && figure.data) || []).map(function (t) {
      return typeof t.geojson === "string" ? t.geojson : null;
    }).filter(Boolean);
  }

  function featureKey(feature, path) {
    var parts = (path || "id").split(".");
    var cur = feature;
    for (var i = 0; i < parts.length && cur; i++) { cur = cur[parts[i]]; }
    return cur === undefined || cur === null ? null : String(cur);
  }

  function mercator(lon, lat) {
    var phi = Math.max(-85, Math.min(85, lat)) * Math.PI / 180;
    return [lon * Math.PI / 180, Math.log(Math.tan(Math.PI / 4 + phi / 2))];
  }

  function eachRing(geometry, fn) {
    if (!geometry) { return; }
    if (geometry.type === "Polygon") { geometry.coordinates.forEach(fn); }
    if (geometry.type === "MultiPolygon") {
      geometry.coordinates.forEach(function (poly) { poly.forEach(fn); });
    }
  }

  // ------------------------------------------------------------------ drawing
  function drawMap(fig, box, geo, out) {
    var data = fig.data;
    var bounds = [Infinity, Infinity, -Infinity, -Infinity];
    var layers = [];
    data.forEach(function (trace) {
      if (trace.type !== "choropleth" || trace.visible === false) { return; }
      var collection = typeof trace.geojson === "string" ? geo[trace.geojson] : trace.geojson;
      if (!collection || !collection.features) { return; }
      var index = {};
      collection.features.forEach(function (f) {
        var k = featureKey(f, trace.featureidkey);
        if (k !== null) { index[k] = f; }
      });
      var locations = values(trace.locations);
      var z = values(trace.z).map(num);
      var finite = z.filter(isFinite);
      var zmin = trace.zmin !== undefined ? trace.zmin : Math.min.apply(null, finite);
      var zmax = trace.zmax !== undefined ? trace.zmax : Math.max.apply(null, finite);
      var scale = trace.colorscale;
      if (typeof scale === "string" || !scale) {
        scale = lay(fig.layout, ["colorscale", "sequential"], [[0, "#fde0dd"], [1, "#7a0177"]]);
      }
      var line = get(trace, ["marker", "line"], {});
      var items = [];
      locations.forEach(function (loc, i) {
        var feature = index[String(loc)];
        if (!feature) { return; }
        var color = isFinite(z[i])
          ? scaleColor(scale, (z[i] - zmin) / ((zmax - zmin) || 1)) : "#d9d9d9";
        items.push([feature.geometry, color]);
        eachRing(feature.geometry, function (ring) {
          ring.forEach(function (pt) {
            var p = mercator(pt[0], pt[1]);
            if (p[0] < bounds[0]) { bounds[0] = p[0]; }
            if (p[1] < bounds[1]) { bounds[1] = p[1]; }
            if (p[0] > bounds[2]) { bounds[2] = p[0]; }
            if (p[1] > bounds[3]) { bounds[3] = p[1]; }
          });
        });
      });
      layers.push({ items: items, stroke: line.color || "#ffffff",
        width: line.width !== undefined ? line.width : 0.5 });
    });
    if (!layers.length || !isFinite(bounds[0])) { return; }
    var w = box.x1 - box.x0;
    var h = box.y1 - box.y0;
    var k = Math.min(w / (bounds[2] - bounds[0] || 1), h / (bounds[3] - bounds[1] || 1));
    var ox = box.x0 + (w - (bounds[2] - bounds[0]) * k) / 2;
    var oy = box.y0 + (h - (bounds[3] - bounds[1]) * k) / 2;
    function project(pt) {
      var p = mercator(pt[0], pt[1]);
      return (ox + (p[0] - bounds[0]) * k).toFixed(1) + "," +
        (oy + (bounds[3] - p[1]) * k).toFixed(1);
    }
    layers.forEach(function (layer) {
      out.push('<g stroke="' + esc(layer.stroke) + '" stroke-width="' + layer.width + '">');
      layer.items.forEach(function (item) {
        var d = [];
        eachRing(item[0], function (ring) { d.push("M" + ring.map(project).join("L") + "Z"); });
        out.push('<path fill="' + esc(item[1]) + '" d="' + d.join("") + '"/>');
      });
      out.push("</g>");
    });
  }

  function drawCartesian(fig, size, margin, out) {
    var layout = fig.layout || {};
    var colorway = lay(layout, ["colorway"], COLORWAY);
    var axes = {};
    var traces = [];
    (fig.data || []).forEach(function (trace, n) {
      var type = trace.type || "scatter";
      if (type === "heatmap" && trace.visible !== false) {
        var hx = values(trace.x);
        var hy = values(trace.y);
        var z = matrix(trace.z);
        if (!z.length) { return; }
        if (!hx.length) { hx = z[0].map(function (_v, i) { return i; }); }
        if (!hy.length) { hy = z.map(function (_v, i) { return i; }); }
        var hxk = axisKey(trace.xaxis, "x");
        var hyk = axisKey(trace.yaxis, "y");
        if (!axes[hxk]) { axes[hxk] = new Axis(hxk, "x", layout, hx); }
        if (!axes[hyk]) { axes[hyk] = new Axis(hyk, "y", layout, hy); }
        traces.push({ trace: trace, type: type, xs: hx, ys: hy, z: z, xa: axes[hxk],
          ya: axes[hyk] });
        return;
      }
      if ((type !== "scatter" && type !== "bar") || trace.visible === false ||
          trace.visible === "legendonly") { return; }
      var horizontal = type === "bar" && trace.orientation === "h";
      var xs = values(trace.x);
      var ys = values(trace.y);
      if (horizontal) { var swap = xs; xs = ys; ys = swap; }
      if (!ys.length) { return; }
      if (!xs.length) { xs = steps(trace, ys.length, horizontal ? "y" : "x"); }
      var xk = axisKey(horizontal ? trace.yaxis : trace.xaxis, horizontal ? "y" : "x");
      var yk = axisKey(horizontal ? trace.xaxis : trace.yaxis, horizontal ? "x" : "y");
      if (!axes[xk]) { axes[xk] = new Axis(xk, "x", layout, xs); }
      if (!axes[yk]) { axes[yk] = new Axis(yk, "y", layout, ys); }
      traces.push({ trace: trace, type: type, xs: xs, ys: ys, xa: axes[xk], ya: axes[yk],
        horizontal: horizontal,
        color: get(trace, ["marker", "color"], null) || get(trace, ["line", "color"], null) ||
          colorway[n % colorway.length] });
    });
    if (!traces.length) { return false; }
    // bars: a slot per category or date, shared by the bar traces on the same axes
    var barGroups = {};
    traces.forEach(function (t) {
      t.xn = t.xs.map(function (v) { return t.xa.toNumber(v); });
      t.yn = t.ys.map(function (v) { return t.ya.toNumber(v); });
      if (t.type === "bar") {
        var key = t.xa.letter + t.ya.letter + t.trace.xaxis + t.trace.yaxis;
        (barGroups[key] = barGroups[key] || []).push(t);
      }
    });
    var stacked = lay(layout, ["barmode"], "group") === "stack" ||
      lay(layout, ["barmode"], "group") === "relative";
    Object.keys(barGroups).forEach(function (key) {
      var group = barGroups[key];
      var xa = group[0].xa;
      var sorted = [];
      group.forEach(function (t) { sorted = sorted.concat(t.xn.filter(isFinite)); });
      sorted.sort(function (a, b) { return a - b; });
      var gap = Infinity;
      for (var i = 1; i < sorted.length; i++) {
        if (sorted[i] > sorted[i - 1]) { gap = Math.min(gap, sorted[i] - sorted[i - 1]); }
      }
      if (!isFinite(gap)) { gap = xa.type === "date" ? 864e5 : 1; }
      var slot = gap * 0.8;
      var base = {};
      group.forEach(function (t, g) {
        var width = stacked ? slot : slot / group.length;
        var offset = stacked ? -slot / 2 : -slot / 2 + g * width;
        t.bars = t.xn.map(function (x, i) {
          var y = t.yn[i];
          if (!isFinite(x) || !isFinite(y)) { return null; }
          var y0 = stacked ? (base[x] || 0) : 0;
          if (stacked) { base[x] = y0 + y; }
          return [x + offset, x + offset + width, y0, y0 + y];
        });
        t.bars.forEach(function (b) {
          if (!b) { return; }
          xa.include(b[0]);
          xa.include(b[1]);
          t.ya.include(b[2]);
          t.ya.include(b[3]);
        });
      });
    });
    traces.forEach(function (t) {
      if (t.type === "bar") { return; }
      if (t.type === "heatmap") {
        // cells centred on their x and y, as wide as the closest pair
        t.yn = t.ys.map(function (v) { return t.ya.toNumber(v); });
        t.xw = cellSize(t.xn);
        t.yw = cellSize(t.yn);
        t.xn.forEach(function (x) { t.xa.include(x - t.xw / 2); t.xa.include(x + t.xw / 2); });
        t.yn.forEach(function (y) { t.ya.include(y - t.yw / 2); t.ya.include(y + t.yw / 2); });
        return;
      }
      t.xn.forEach(function (x) { t.xa.include(x); });
      t.yn.forEach(function (y) { t.ya.include(y); });
    });
    var x0 = margin.l;
    var x1 = size.w - margin.r;
    var y0 = margin.t;
    var y1 = size.h - margin.b;
    Object.keys(axes).forEach(function (key) {
      var a = axes[key];
      a.finish(0.05);
      if (a.letter === "x") {
        a.place(x0 + a.domain[0] * (x1 - x0), x0 + a.domain[1] * (x1 - x0));
      } else {
        a.place(y1 - a.domain[0] * (y1 - y0), y1 - a.domain[1] * (y1 - y0));
      }
    });
    // grid and tick labels
    var font = 'font-family="' + esc(lay(layout, ["font", "family"], "sans-serif")) + '"';
    out.push('<g ' + font + ' font-size="11" fill="#444">');
    Object.keys(axes).forEach(function (key) {
      var a = axes[key];
      if (!a.visible) { return; }
      var otherLetter = a.letter === "x" ? "y" : "x";
      var other = a.anchor ? axes[axisKey(a.anchor, otherLetter)] || null : null;
      Object.keys(axes).forEach(function (k2) {
        if (!other && axes[k2].letter !== a.letter) { other = axes[k2]; }
      });
      var span = Math.abs(a.p1 - a.p0);
      var count = a.letter === "x" ? Math.max(2, Math.floor(span / 90)) :
        Math.max(2, Math.floor(span / 50));
      a.ticks(count).forEach(function (tick) {
        var p = a.px(tick[0]);
        if (!isFinite(p)) { return; }
        tick = [tick[0], a.showLabels ? tick[1] + (a.type === "category" ? "" : a.suffix) : ""];
        if (a.letter === "y") {
          var gx0 = x0;
          var gx1 = x1;
          if (other) { gx0 = Math.min(other.p0, other.p1); gx1 = Math.max(other.p0, other.p1); }
          out.push('<line x1="' + gx0.toFixed(1) + '" x2="' + gx1.toFixed(1) + '" y1="' +
            p.toFixed(1) + '" y2="' + p.toFixed(1) + '" stroke="#e5e5e5"/>');
          out.push('<text x="' + (gx0 - 4).toFixed(1) + '" y="' + (p + 4).toFixed(1) +
            '" text-anchor="end">' + esc(tick[1]) + "</text>");
        } else {
          var base = other ? Math.max(other.p0, other.p1) : y1;
          out.push('<text x="' + p.toFixed(1) + '" y="' + (base + 15).toFixed(1) +
            '" text-anchor="middle">' + esc(tick[1]) + "</text>");
        }
      });
    });
    out.push("</g>");
    traces.forEach(function (t) {
      var xa = t.xa;
      var ya = t.ya;
      function X(n) { return t.horizontal ? ya.px(n) : xa.px(n); }
      function Y(n) { return t.horizontal ? xa.px(n) : ya.px(n); }
      if (t.type === "heatmap") {
        var flat = [].concat.apply([], t.z).filter(isFinite);
        var zmin = t.trace.zmin !== undefined ? t.trace.zmin : Math.min.apply(null, flat);
        var zmax = t.trace.zmax !== undefined ? t.trace.zmax : Math.max.apply(null, flat);
        var scale = Array.isArray(t.trace.colorscale) ? t.trace.colorscale
          : lay(layout, ["colorscale", "sequential"], [[0, "#fde0dd"], [1, "#7a0177"]]);
        t.z.forEach(function (row, j) {
          row.forEach(function (value, i) {
            if (!isFinite(value) || !isFinite(t.xn[i]) || !isFinite(t.yn[j])) { return; }
            var cx0 = xa.px(t.xn[i] - t.xw / 2);
            var cx1 = xa.px(t.xn[i] + t.xw / 2);
            var cy0 = ya.px(t.yn[j] - t.yw / 2);
            var cy1 = ya.px(t.yn[j] + t.yw / 2);
            out.push('<rect x="' + Math.min(cx0, cx1).toFixed(1) + '" y="' +
              Math.min(cy0, cy1).toFixed(1) + '" width="' + Math.abs(cx1 - cx0).toFixed(1) +
              '" height="' + Math.abs(cy1 - cy0).toFixed(1) + '" fill="' +
              esc(scaleColor(scale, (value - zmin) / ((zmax - zmin) || 1))) + '"/>');
          });
        });
        return;
      }
      if (t.type === "bar") {
        var colors = Array.isArray(t.color) ? t.color : null;
        out.push('<g fill="' + esc(colors ? COLORWAY[0] : t.color) + '">');
        t.bars.forEach(function (b, i) {
          if (!b) { return; }
          var bx0 = xa.px(b[0]);
          var bx1 = xa.px(b[1]);
          var by0 = ya.px(b[2]);
          var by1 = ya.px(b[3]);
          var rx = Math.min(bx0, bx1);
          var ry = Math.min(by0, by1);
          var rw = Math.abs(bx1 - bx0);
          var rh = Math.abs(by1 - by0);
          if (t.horizontal) {
            var tmp = rx; rx = ry; ry = tmp; tmp = rw; rw = rh; rh = tmp;
            rx = Math.min(ya.px(b[2]), ya.px(b[3]));
            ry = Math.min(xa.px(b[0]), xa.px(b[1]));
          }
          out.push('<rect x="' + rx.toFixed(1) + '" y="' + ry.toFixed(1) + '" width="' +
            Math.max(rw, 0.5).toFixed(1) + '" height="' + rh.toFixed(1) + '"' +
            (colors ? ' fill="' + esc(colors[i] || COLORWAY[0]) + '"' : "") + "/>");
        });
        out.push("</g>");
        return;
      }
      var mode = t.trace.mode || (t.xn.length <= 20 ? "lines+markers" : "lines");
      var lineColor = get(t.trace, ["line", "color"], null) ||
        (typeof t.color === "string" ? t.color : COLORWAY[0]);
      if (mode.indexOf("lines") >= 0) {
        var d = "";
        var pen = false;
        t.xn.forEach(function (x, i) {
          var y = t.yn[i];
          if (!isFinite(x) || !isFinite(y)) { pen = false; return; }
          d += (pen ? "L" : "M") + X(x).toFixed(1) + "," + Y(y).toFixed(1);
          pen = true;
        });
        var dash = get(t.trace, ["line", "dash"], "solid");
        out.push('<path fill="none" stroke="' + esc(lineColor) + '" stroke-width="' +
          get(t.trace, ["line", "width"], 2) + '"' +
          (dash !== "solid" ? ' stroke-dasharray="4,3"' : "") + ' d="' + d + '"/>');
      }
      if (mode.indexOf("markers") >= 0 && t.xn.length <= 400) {
        out.push('<g fill="' + esc(typeof t.color === "string" ? t.color : lineColor) + '">');
        t.xn.forEach(function (x, i) {
          var y = t.yn[i];
          if (!isFinite(x) || !isFinite(y)) { return; }
          out.push('<circle cx="' + X(x).toFixed(1) + '" cy="' + Y(y).toFixed(1) +
            '" r="3"/>');
        });
        out.push("</g>");
      }
    });
    return true;
  }

  function drawLegend(fig, size, out) {
    var layout = fig.layout || {};
    if (lay(layout, ["showlegend"], true) === false) { return; }
    var colorway = lay(layout, ["colorway"], COLORWAY);
    var named = (fig.data || []).map(function (t, n) {
      var color = get(t, ["line", "color"], null) || get(t, ["marker", "color"], null);
      return { name: plainText(t.name), show: t.showlegend !== false && t.name &&
        (t.type || "scatter") !== "choropleth",
        color: typeof color === "string" ? color : colorway[n % colorway.length] };
    }).filter(function (t) { return t.show; });
    if (named.length < 2) { return; }
    var x = 8;
    var y = size.h - 8;
    out.push('<g font-size="11" fill="#444">');
    named.forEach(function (t) {
      out.push('<rect x="' + x + '" y="' + (y - 9) + '" width="10" height="10" fill="' +
        esc(t.color) + '"/><text x="' + (x + 14) + '" y="' + y + '">' + esc(t.name) +
        "</text>");
      x += 24 + t.name.length * 6;
    });
    out.push("</g>");
  }

  function drawAnnotations(fig, size, margin, out) {
    var notes = (get(fig, ["layout", "annotations"], []) || []).filter(function (a) {
      return a.xref === "paper" && a.yref === "paper" && a.text;
    });
    notes.forEach(function (a) {
      var px = margin.l + (a.x === undefined ? 0.5 : a.x) * (size.w - margin.l - margin.r);
      var py = size.h - margin.b -
        (a.y === undefined ? 0.5 : a.y) * (size.h - margin.t - margin.b);
      out.push('<text x="' + px.toFixed(1) + '" y="' + py.toFixed(1) +
        '" text-anchor="middle" font-size="13" fill="#444">' + esc(plainText(a.text)) +
        "</text>");
    });
  }

  // The figure as SVG markup: title, axes with grid and tick labels, scatter lines and
  // markers, bars (grouped or stacked, vertical or horizontal), heatmap cells, choropleth areas
  // in their colours, paper annotations and a legend. Other trace types (funnel) wait for
  // the interactive graph: the picture then holds the title only.
  function draw(fig, width, height, geo) {
    var layout = fig.layout || {};
    var size = { w: width, h: height };
    var m = layout.margin || {};
    var tm = lay(layout, ["margin"], {});
    var margin = {
      l: m.l !== undefined ? m.l : (tm.l !== undefined ? tm.l : 80),
      r: m.r !== undefined ? m.r : (tm.r !== undefined ? tm.r : 80),
      t: m.t !== undefined ? m.t : (tm.t !== undefined ? tm.t : 100),
      b: m.b !== undefined ? m.b : (tm.b !== undefined ? tm.b : 80),
    };
    var out = [];
    var title = titleText(layout.title);
    if (title) {
      out.push('<text x="' + margin.l + '" y="' + Math.max(16, margin.t / 2).toFixed(0) +
        '" font-size="15" fill="#222">' + esc(title) + "</text>");
    }
    var isMap = (fig.data || []).some(function (t) { return t.type === "choropleth"; });
    if (isMap) {
      drawMap(fig, { x0: margin.l, y0: margin.t, x1: width - margin.r, y1: height - margin.b },
        geo, out);
    } else {
      drawCartesian(fig, size, margin, out);
      drawLegend(fig, size, out);
    }
    drawAnnotations(fig, size, margin, out);
    return out.join("");
  }

  // ------------------------------------------------------------------ the text alternative
  // assets/charts.js reads a plotly graph div; the static picture gives it the same view of
  // the figure (every trace decoded, visible unless hidden), so both say the same.
  function describe(el, fig) {
    if (!window.sbChartTable || !el) { return; }
    var data = (fig && fig.data) || [];
    el.data = data;
    el.layout = (fig && fig.layout) || {};
    el._fullLayout = el.layout;
    el._fullData = data.map(function (t, i) {
      var copy = Object.assign({}, t, {
        index: i,
        type: t.type || "scatter",
        visible: t.visible === undefined ? true : t.visible,
      });
      ["x", "y", "z", "locations", "text", "hovertext", "labels", "values"].forEach(function (k) {
        if (t[k] !== undefined) { copy[k] = values(t[k]); }
      });
      return copy;
    });
    try { window.sbChartTable(el); } catch (e) { /* never break the page */ }
  }

  // ------------------------------------------------------------------ upgrading
  // One graph becomes interactive at a time, each in its own task after the browser is idle.
  var queue = [];
  var running = false;

  function idle(fn) {
    if (window.requestIdleCallback) { window.requestIdleCallback(fn, { timeout: 2000 }); }
    else { setTimeout(fn, 50); }
  }

  function pump() {
    if (running || !queue.length) { return; }
    running = true;
    idle(function () {
      var next = queue.shift();
      running = false;
      if (next) { next(); }
      pump();
    });
  }

  function enqueue(fn) {
    queue.push(fn);
    pump();
  }

  // the graphs still pictures, each with its upgrade (window.sbLazyGraph.upgradeAll)
  var pictures = new Set();

  // ------------------------------------------------------------------ the component
  function LazyGraph(props) {
    var React = window.React;
    var h = React.createElement;
    // once plotly.js is on the page (a later page of the visit), a graph is interactive at once
    var state = React.useState(!!window.Plotly);
    var interactive = state[0];
    var setInteractive = state[1];
    var geoState = React.useState({});
    var geo = geoState[0];
    var setGeo = geoState[1];
    var boxRef = React.useRef(null);
    var staticRef = React.useRef(null);
    var widthState = React.useState(0);
    var width = widthState[0];
    var setWidth = widthState[1];
    var figure = props.figure || { data: [], layout: {} };
    var ctx = window.dash_component_api && window.dash_component_api.useDashContext
      ? window.dash_component_api.useDashContext() : null;
    var loading = ctx && ctx.useLoading ? ctx.useLoading() : false;

    var upgrade = React.useCallback(function () { setInteractive(true); }, []);

    // the width the picture is drawn for
    React.useLayoutEffect(function () {
      if (interactive || !boxRef.current) { return undefined; }
      var measure = function () {
        var w = boxRef.current ? boxRef.current.clientWidth : 0;
        if (w && Math.abs(w - width) > 2) { setWidth(w); }
      };
      measure();
      if (!window.ResizeObserver) { return undefined; }
      var observer = new ResizeObserver(measure);
      observer.observe(boxRef.current);
      return function () { observer.disconnect(); };
    }, [interactive, width]);

    // a map's geometry, fetched once per page (the interactive map gets the same object)
    var urls = geojsonUrls(figure);
    var urlKey = urls.join(" ");
    React.useEffect(function () {
      var alive = true;
      urls.forEach(function (url) {
        if (geo[url]) { return; }
        loadGeojson(url).then(function (collection) {
          if (!alive) { return; }
          setGeo(function (prev) {
            var next = Object.assign({}, prev);
            next[url] = collection;
            return next;
          });
        }).catch(function () { /* the interactive map fetches it itself */ });
      });
      return function () { alive = false; };
    }, [urlKey]);

    // becomes interactive once on the screen and the page has been quiet for a while (off the
    // screen a little later)
    var hasData = (figure.data || []).length > 0;
    React.useEffect(function () {
      if (interactive || !hasData || !boxRef.current) { return undefined; }
      var timer = null;
      var done = false;
      var start = function () {
        if (done) { return; }
        done = true;
        enqueue(upgrade);
      };
      var observer = null;
      if (window.IntersectionObserver) {
        observer = new IntersectionObserver(function (entries) {
          var seen = entries.some(function (e) { return e.isIntersecting; });
          if (seen && timer === null) {
            timer = setTimeout(start, window.Plotly ? 0 : UPGRADE_AFTER_MS);
          }
        }, { rootMargin: "200px" });
        observer.observe(boxRef.current);
      } else {
        timer = setTimeout(start, UPGRADE_AFTER_MS);
      }
      var offscreen = setTimeout(start, UPGRADE_OFFSCREEN_AFTER_MS);
      return function () {
        done = true;
        clearTimeout(offscreen);
        if (timer !== null) { clearTimeout(timer); }
        if (observer) { observer.disconnect(); }
      };
    }, [interactive, hasData]);

    React.useEffect(function () {
      if (interactive) { return undefined; }
      pictures.add(upgrade);
      return function () { pictures.delete(upgrade); };
    }, [interactive]);

    // the static picture's text alternative
    React.useEffect(function () {
      if (!interactive) { describe(staticRef.current, figure); }
    });

    var height = figure.layout && figure.layout.height;
    var style = Object.assign({}, props.style || {});
    var className = "lazy-graph" + (props.className ? " " + props.className : "");

    if (interactive) {
      var Graph = window.dash_core_components.Graph;
      var shown = figure;
      // the geometry fetched for the picture goes to plotly.js as an object: one download
      if (urls.length && (figure.data || []).some(function (t) { return geo[t.geojson]; })) {
        shown = Object.assign({}, figure, {
          data: figure.data.map(function (t) {
            return typeof t.geojson === "string" && geo[t.geojson]
              ? Object.assign({}, t, { geojson: geo[t.geojson] }) : t;
          }),
        });
      }
      return h("div", { id: props.id, className: className, ref: boxRef },
        h(Graph, Object.assign({}, props, {
          id: undefined, figure: shown, className: props.className, style: props.style,
          setProps: props.setProps,
        })));
    }

    var boxHeight = style.height || (height ? height + "px" : "450px");
    var markup = width ? draw(figure, width, parseFloat(boxHeight) || 450, geo) : "";
    // the same nesting as the interactive graph (box > picture), so the chart's table
    // (assets/charts.js, after the picture's box) stays in one place when the graph upgrades
    return h("div", {
      id: props.id, className: className, ref: boxRef,
      onPointerEnter: upgrade, onTouchStart: upgrade, onFocus: upgrade,
    }, h("div", {
      className: "dash-graph dash-graph--static",
      "data-dash-is-loading": loading || undefined,
    }, h("div", {
      ref: staticRef,
      className: "sb-static-graph",
      style: Object.assign({}, style, { height: boxHeight, width: "100%" }),
      dangerouslySetInnerHTML: {
        __html: '<svg class="sb-static-svg" xmlns="' + SVG_NS + '" width="100%" height="' +
          esc(boxHeight) + '" viewBox="0 0 ' + (width || 1) + " " + (parseFloat(boxHeight) || 450) +
          '" focusable="false">' + markup + "</svg>",
      },
    })));
  }

  window[NAMESPACE] = Object.assign(window[NAMESPACE] || {}, { LazyGraph: LazyGraph });
  window.sbStaticFigureSvg = draw; // for tests and debugging
  // every chart on the page interactive now (tests of plotly's own controls)
  window.sbLazyGraph = {
    upgradeAll: function () { pictures.forEach(function (fn) { fn(); }); },
  };
})();
