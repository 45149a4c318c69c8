// myoclonus report: in-page trace viewer (plain JavaScript on a canvas; no network, no library).
// Overview: min/max envelope of each EMG channel over the whole recording; click to zoom to 10 s;
// buttons jump between full-resolution windows around the largest jerks. Detections are shaded.
(function () {
  "use strict";
  var el = document.getElementById("viewer-data");
  var canvas = document.getElementById("viewer");
  if (!el || !canvas) { return; }
  var P = JSON.parse(el.textContent);
  var T = {window: "Full-resolution window {i} of {n}: ", overview: "Overview (min/max envelope): ",
           scaled: " s. Each trace is scaled to its own maximum (uV).", decimal: "."};
  var tl = document.getElementById("viewer-i18n");
  if (tl) { var tt = JSON.parse(tl.textContent); for (var k in tt) { T[k] = tt[k]; } }
  function fx(v) { return v.toFixed(2).replace(".", T.decimal); }
  var COLORS = ["rgba(214,39,40,0.30)", "rgba(31,119,180,0.22)", "rgba(44,160,44,0.30)",
                "rgba(148,103,189,0.30)", "rgba(128,128,128,0.30)"];

  function unpack(b64, scale) {
    var bin = atob(b64), n = bin.length / 2, out = new Float32Array(n);
    for (var i = 0; i < n; i++) {
      var v = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
      if (v >= 32768) { v -= 65536; }
      out[i] = v * scale;
    }
    return out;
  }
  P.channels.forEach(function (c) {
    var mm = unpack(c.minmax, c.scale);
    c.min = mm.subarray(0, c.bins); c.max = mm.subarray(c.bins, 2 * c.bins);
  });

  var state = { t0: 0, t1: P.duration, win: -1 };
  var info = document.getElementById("viewer-info");
  var ctx = canvas.getContext("2d");

  function draw() {
    var W = canvas.width, H = canvas.height, left = 110, nC = P.channels.length;
    var rowH = (H - 20) / nC, span = state.t1 - state.t0;
    ctx.clearRect(0, 0, W, H);
    ctx.font = "11px sans-serif";
    function X(t) { return left + (t - state.t0) / span * (W - left - 10); }
    // detections
    P.events.forEach(function (e) {
      if (e[0] + e[1] < state.t0 || e[0] > state.t1) { return; }
      ctx.fillStyle = COLORS[e[2]] || COLORS[4];
      var x0 = X(e[0]), x1 = Math.max(X(e[0] + e[1]), x0 + 1);
      ctx.fillRect(x0, e[3] * rowH + 2, x1 - x0, rowH - 4);
    });
    P.channels.forEach(function (c, k) {
      var mid = k * rowH + rowH / 2, amp = rowH / 2 - 3;
      ctx.fillStyle = "#222"; ctx.fillText(c.name, 4, mid + 4);
      ctx.strokeStyle = "#222"; ctx.lineWidth = 0.7; ctx.beginPath();
      var w = state.win >= 0 ? P.windows[state.win] : null;
      if (w) {
        var d = w.data[k], y = d.arr || (d.arr = unpack(d.b64, d.scale)), sf = d.sfreq, pk = 1e-9;
        for (var i = 0; i < y.length; i++) { pk = Math.max(pk, Math.abs(y[i])); }
        for (i = 0; i < y.length; i++) {
          var xx = X(w.t0 + i / sf), yy = mid - y[i] / pk * amp;
          if (i === 0) { ctx.moveTo(xx, yy); } else { ctx.lineTo(xx, yy); }
        }
      } else {
        var nb = c.bins, b0 = Math.floor(state.t0 / P.duration * nb), b1 = Math.ceil(state.t1 / P.duration * nb);
        for (var b = Math.max(0, b0); b < Math.min(nb, b1); b++) {
          var tx = X(b / nb * P.duration);
          ctx.moveTo(tx, mid - c.max[b] / c.peak * amp); ctx.lineTo(tx, mid - c.min[b] / c.peak * amp);
        }
      }
      ctx.stroke();
    });
    ctx.fillStyle = "#444";
    ctx.fillText(fx(state.t0) + " s", left, H - 4);
    var label = fx(state.t1) + " s";
    ctx.fillText(label, W - 10 - ctx.measureText(label).width, H - 4);
    if (info) {
      info.textContent = (state.win >= 0 ? T.window.replace("{i}", state.win + 1).replace("{n}", P.windows.length)
        : T.overview) + fx(state.t0) + "-" + fx(state.t1) + T.scaled;
    }
  }
  function showWindow(i) {
    if (!P.windows.length) { return; }
    state.win = (i + P.windows.length) % P.windows.length;
    state.t0 = P.windows[state.win].t0;
    var d0 = P.windows[state.win].data[0];
    state.t1 = state.t0 + (d0.b64.length * 3 / 4 / 2) / d0.sfreq;
    draw();
  }
  canvas.addEventListener("click", function (ev) {
    var r = canvas.getBoundingClientRect(), left = 110;
    var frac = ((ev.clientX - r.left) * canvas.width / r.width - left) / (canvas.width - left - 10);
    var t = state.t0 + Math.min(Math.max(frac, 0), 1) * (state.t1 - state.t0);
    state.win = -1; state.t0 = Math.max(0, t - 5); state.t1 = Math.min(P.duration, state.t0 + 10); draw();
  });
  function on(id, f) { var b = document.getElementById(id); if (b) { b.addEventListener("click", f); } }
  on("viewer-all", function () { state.win = -1; state.t0 = 0; state.t1 = P.duration; draw(); });
  on("viewer-prev", function () { showWindow(state.win - 1); });
  on("viewer-next", function () { showWindow(state.win + 1); });
  on("viewer-left", function () { var s = state.t1 - state.t0; state.win = -1; state.t0 = Math.max(0, state.t0 - s / 2); state.t1 = state.t0 + s; draw(); });
  on("viewer-right", function () { var s = state.t1 - state.t0; state.win = -1; state.t1 = Math.min(P.duration, state.t1 + s / 2); state.t0 = state.t1 - s; draw(); });
  draw();
  canvas.setAttribute("data-ready", "1");
})();
