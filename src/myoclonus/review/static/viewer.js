// Review page: multichannel trace viewer (canvas) with keyboard-driven review of detections.
"use strict";
(() => {
  const { api, el, fmt } = MYO;
  const KINDS = ["jerk", "sustained", "silent_period", "acc_jerk", "artifact"];
  const COLORS = { jerk: "#d62728", sustained: "#ff7f0e", silent_period: "#9467bd", acc_jerk: "#2ca02c", artifact: "#7f7f7f" };
  const reviewId = Number(location.pathname.split("/").pop());
  const canvas = document.getElementById("traces");
  const ctx = canvas.getContext("2d");
  const S = {
    review: null, rec: null, events: new Map(), lastRev: 0, selected: null,
    view: { t0: 0, span: 10 }, gain: 1, data: null, lanes: [], frozen: false,
    filter: { channel: "", kind: "", status: "", conf: 0 }, pending: 0, fetchCtl: null,
    display: null, opts: null, drawn: {}, cal: {},
  };
  window.myoReview = S;

  function msg(text, cls) {
    const m = document.getElementById("msg");
    m.textContent = text || "";
    m.className = "msg " + (cls || "");
  }

  // ---------------------------------------------------------------- geometry
  const LEFT = 110;
  function W() { return canvas.width - LEFT; }
  function xOf(t) { return LEFT + ((t - S.view.t0) / S.view.span) * W(); }
  function tOf(x) { return S.view.t0 + ((x - LEFT) / W()) * S.view.span; }
  function laneH() { return canvas.height / Math.max(1, S.lanes.length); }
  function laneOf(y) { return Math.min(S.lanes.length - 1, Math.max(0, Math.floor(y / laneH()))); }
  // lanes of an event's channel: the channel itself, else the channels it groups (e.g. 'ACC L wrist'
  // for its X/Y/Z axes), else all lanes (events not tied to one channel)
  function laneIdx(name) {
    const i = S.lanes.findIndex((c) => c.name === name);
    if (i >= 0) return [i];
    const g = [];
    S.lanes.forEach((c, k) => { if (name && c.name.startsWith(name + " ")) g.push(k); });
    if (g.length) return g;
    return name && S.rec.channels.some((c) => c.name === name || c.name.startsWith(name + " ")) ? [] : S.lanes.map((_, k) => k);
  }
  function laneY(name) {
    const l = laneIdx(name);
    return l.length ? (l[0] + 0.5) * laneH() : null;
  }
  S.xOf = xOf; S.laneY = laneY; S.tOf = tOf;

  function resize() {
    const r = canvas.getBoundingClientRect();
    canvas.width = Math.max(400, Math.floor(r.width));
    canvas.height = Math.max(300, Math.floor(window.innerHeight - r.top - 90));
    draw();
  }

  // ---------------------------------------------------------------- data
  function chooseLanes() {
    const order = S.display.channels;
    const byName = new Map(S.rec.channels.map((c) => [c.name, c]));
    S.lanes = order ? order.map((n) => byName.get(n)).filter(Boolean) : S.rec.channels.slice();
  }

  // ---------------------------------------------------------------- display settings (saved with the review)
  const HP = [null, 0.1, 0.3, 0.5, 1, 2, 5, 10, 20, 30, 50];
  const LP = [null, 15, 20, 30, 35, 40, 50, 70, 100, 150, 200, 300, 450, 1000];
  const GAINS = [];
  for (let e = -3; e <= 4; e++) for (const m of [1, 2, 5]) GAINS.push(Number((m * 10 ** e).toPrecision(3)));
  const UNIT_LABEL = { uV: "µV", "m/s^2": "m/s²" };
  function unitOf(type) { return S.opts.gain_units[type] || null; }
  function filterQuery() {
    const f = (v) => (v == null ? "" : String(v));
    return Object.entries(S.display.types).map(([t, v]) => `${t}:${f(v.hp)}:${f(v.lp)}:${f(v.notch)}`).join(";");
  }
  function options(sel, values, current, label) {
    const vals = values.includes(current) ? values : [...values, current].sort((a, b) => (a ?? -1) - (b ?? -1));
    sel.textContent = "";
    for (const v of vals) sel.append(el("option", { value: v == null ? "" : String(v) }, label(v)));
    sel.value = current == null ? "" : String(current);
  }
  let saveTimer = null;
  function displayChanged(refetch) {
    chooseLanes(); draw();
    if (refetch) requestWindow();
    const note = document.getElementById("d-note");
    if (S.frozen) { note.textContent = "(display changes are not saved: the review is signed)"; return; }
    note.textContent = "saving the display…";
    clearTimeout(saveTimer);
    saveTimer = setTimeout(async () => {
      S.pending++;
      const res = await api("PUT", `/api/reviews/${reviewId}/display`, S.display);
      S.pending--;
      if (res.ok) { S.display = res.data; note.textContent = "display saved with the review"; }
      else msg(refusal(res), "error");
    }, 250);
  }
  function buildDisplayControls() {
    const tb = document.getElementById("d-timebase");
    options(tb, S.opts.time_bases, S.display.time_base, (v) => String(v));
    tb.addEventListener("change", () => { S.display.time_base = Number(tb.value); setView(S.view.t0, S.display.time_base); displayChanged(false); });
    const box = document.getElementById("d-types");
    box.textContent = "";
    const types = [...new Set(S.rec.channels.map((c) => c.type))];
    for (const t of types) {
      const v = S.display.types[t];
      if (!v) continue;
      const hp = el("select", { id: `d-${t}-hp`, "aria-label": `${t} high-pass` });
      const lp = el("select", { id: `d-${t}-lp`, "aria-label": `${t} low-pass` });
      const notch = el("select", { id: `d-${t}-notch`, "aria-label": `${t} notch` });
      options(hp, HP, v.hp, (x) => (x == null ? "off" : `${x} Hz`));
      options(lp, LP, v.lp, (x) => (x == null ? "off" : `${x} Hz`));
      options(notch, [null, ...S.opts.notch_freqs], v.notch, (x) => (x == null ? "off" : `${x} Hz`));
      const parts = [el("b", {}, t), " HP ", hp, " LP ", lp, " notch ", notch];
      const u = unitOf(t);
      if (u) {
        const g = el("select", { id: `d-${t}-gain`, "aria-label": `${t} gain` });
        options(g, GAINS, v.gain, (x) => String(x));
        g.addEventListener("change", () => { S.display.types[t].gain = Number(g.value); displayChanged(false); });
        parts.push(" ", g, ` ${UNIT_LABEL[u] || u}/div`);
      }
      const num = (s) => (s.value === "" ? null : Number(s.value));
      for (const [s, k] of [[hp, "hp"], [lp, "lp"], [notch, "notch"]]) {
        s.addEventListener("change", () => { S.display.types[t][k] = num(s); displayChanged(true); });
      }
      box.append(el("span", { class: "dtype", "data-type": t }, ...parts));
    }
    document.getElementById("d-channels-btn").addEventListener("click", () => {
      const p = document.getElementById("d-channels"); p.hidden = !p.hidden; if (!p.hidden) channelList();
    });
    document.getElementById("d-channels-close").addEventListener("click", () => { document.getElementById("d-channels").hidden = true; });
    for (const b of document.querySelectorAll("#d-channels [data-preset]")) {
      b.addEventListener("click", () => {
        const want = { emg: ["emg"], "emg+acc": ["emg", "acc"] }[b.dataset.preset];
        S.display.channels = S.rec.channels.filter((c) => !want || want.includes(c.type)).map((c) => c.name);
        channelList(); displayChanged(true);
      });
    }
  }
  function channelList() {
    const ol = document.getElementById("d-channel-list");
    ol.textContent = "";
    const shown = S.display.channels || S.rec.channels.map((c) => c.name);
    const hidden = S.rec.channels.map((c) => c.name).filter((n) => !shown.includes(n));
    const set = (list) => { if (list.length) { S.display.channels = list; channelList(); displayChanged(true); } else msg("Show at least one channel.", "error"); };
    for (const n of [...shown, ...hidden]) {
      const on = shown.includes(n);
      const cb = el("input", { type: "checkbox", "data-channel": n });
      cb.checked = on;
      cb.addEventListener("change", () => set(cb.checked ? [...shown, n] : shown.filter((x) => x !== n)));
      const move = (d) => {
        const i = shown.indexOf(n), j = i + d;
        if (i < 0 || j < 0 || j >= shown.length) return;
        const l = shown.slice(); [l[i], l[j]] = [l[j], l[i]]; set(l);
      };
      ol.append(el("li", {}, cb, " ", n, " ", el("button", { type: "button", onclick: () => move(-1), title: "up" }, "↑"),
        el("button", { type: "button", onclick: () => move(1), title: "down" }, "↓")));
    }
  }
  // every type one step of the 1-2-5 gain series (calibrated types, saved) or x1.25 (the others)
  function stepGains(dir) {
    for (const [t, v] of Object.entries(S.display.types)) {
      if (!unitOf(t) || v.gain == null) continue;
      const i = GAINS.findIndex((g) => g >= v.gain - 1e-12);
      v.gain = GAINS[Math.min(GAINS.length - 1, Math.max(0, (i < 0 ? GAINS.length - 1 : i) + dir))];
      const sel = document.getElementById(`d-${t}-gain`);
      if (sel) options(sel, GAINS, v.gain, (x) => String(x));
    }
    S.gain *= dir < 0 ? 1.25 : 0.8;
    displayChanged(false);
  }
  function refusal(res) {
    if (!res.data) return `Error ${res.status}`;
    return (res.status === 422 && res.data.field ? `Refused (${res.data.field}): ` : "") + res.data.detail;
  }

  let fetchTimer = null;
  function requestWindow() {
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(fetchWindow, 15);
  }
  async function fetchWindow() {
    if (S.fetchCtl) S.fetchCtl.abort();
    const ctl = new AbortController();
    S.fetchCtl = ctl;
    const t0 = S.view.t0, t1 = S.view.t0 + S.view.span;
    const q = new URLSearchParams({ t0, t1, px: Math.max(100, W()), ch: S.lanes.map((c) => c.index).join(","), f: filterQuery() });
    try {
      const res = await fetch(`/api/recordings/${S.rec.id}/window?${q}`, { signal: ctl.signal, credentials: "same-origin" });
      if (!res.ok) return;
      const meta = JSON.parse(res.headers.get("X-Window"));
      const buf = new Float32Array(await res.arrayBuffer());
      let off = 0;
      const chans = {};
      for (const c of meta.channels) {
        const len = c.mode === "raw" ? c.n : 2 * c.n;
        chans[c.name] = Object.assign({ v: buf.subarray(off, off + len) }, c);
        off += len;
      }
      S.data = chans;
      S.unfiltered = meta.channels.filter((c) => !c.filtered).map((c) => c.name);
      if (S.unfiltered.length) setTimeout(requestWindow, 1000);  // filtered envelope still being built
      draw();
    } catch (e) { if (e.name !== "AbortError") msg("Could not load the traces: " + e, "error"); }
  }

  // ---------------------------------------------------------------- filtering, counts
  function visible(e) {
    const f = S.filter;
    return (!f.channel || e.channel === f.channel) && (!f.kind || e.kind === f.kind) &&
      (!f.status || e.status === f.status) && (f.conf <= 0 || e.confidence == null || e.confidence >= f.conf);
  }
  function sorted() {
    return [...S.events.values()].filter(visible).sort((a, b) => a.onset - b.onset || a.id - b.id);
  }
  function updateCounts() {
    const c = { total: 0, unreviewed: 0, accepted: 0, rejected: 0, added: 0 };
    const kinds = {};
    let shown = 0;
    for (const e of S.events.values()) {
      c.total++; c[e.status]++;
      if (e.origin !== "detector") c.added++;
      if (e.status !== "rejected") kinds[e.kind] = (kinds[e.kind] || 0) + 1;
      if (visible(e)) shown++;
    }
    const ks = KINDS.filter((k) => kinds[k]).map((k) => `${k} ${kinds[k]}`).join(", ");
    document.getElementById("counts").textContent =
      `${c.total} events (${shown} shown): ${c.unreviewed} to review, ${c.accepted} accepted, ${c.rejected} rejected, ` +
      `${c.added} added · kept: ${ks}`;
    S.counts = c;
  }

  // ---------------------------------------------------------------- drawing
  function draw() {
    if (!S.rec) return;
    const w = canvas.width, h = canvas.height, lh = laneH();
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, h);
    // time grid
    const step = niceStep(S.view.span / 10);
    ctx.strokeStyle = "#eee"; ctx.fillStyle = "#888"; ctx.font = "10px sans-serif";
    for (let t = Math.ceil(S.view.t0 / step) * step; t < S.view.t0 + S.view.span; t += step) {
      const x = xOf(t); ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, h); ctx.stroke();
      ctx.fillText(fmtTime(t, step), x + 2, h - 2);
    }
    // events (under the traces)
    const t1 = S.view.t0 + S.view.span;
    for (const e of S.events.values()) {
      if (e.onset + e.duration < S.view.t0 || e.onset > t1 || !visible(e)) continue;
      for (const li of laneIdx(e.channel)) {
        if (li < 0) continue;
        const x0 = xOf(e.onset), x1 = Math.max(x0 + 2, xOf(e.onset + e.duration));
        const col = COLORS[e.kind] || "#1f77b4";
        ctx.globalAlpha = e.status === "rejected" ? 0.12 : 0.28;
        ctx.fillStyle = col; ctx.fillRect(x0, li * lh + 1, x1 - x0, lh - 2);
        ctx.globalAlpha = 1;
        ctx.strokeStyle = e.status === "accepted" ? "#107010" : e.status === "rejected" ? "#aaa" : col;
        ctx.lineWidth = e.status === "unreviewed" ? 1 : 2;
        ctx.setLineDash(e.status === "rejected" ? [3, 3] : []);
        ctx.strokeRect(x0, li * lh + 1, x1 - x0, lh - 2);
        ctx.setLineDash([]);
        if (e.id === S.selected) {
          ctx.strokeStyle = "#e6b800"; ctx.lineWidth = 3; ctx.strokeRect(x0 - 2, li * lh, x1 - x0 + 4, lh);
        }
        ctx.fillStyle = col; ctx.font = "10px sans-serif";
        const tag = (e.origin !== "detector" ? "+" : "") + e.kind + (e.status === "accepted" ? " ✓" : e.status === "rejected" ? " ✗" : "");
        ctx.fillText(tag, x0 + 2, li * lh + 10);
      }
    }
    // traces: a calibrated type at its gain (unit per division of DIV_PX pixels), centred on 0 when
    // high-passed and on its median in the window otherwise; other types scaled to their own range
    ctx.lineWidth = 1;
    S.drawn = {}; S.cal = {};
    S.lanes.forEach((c, li) => {
      const y0 = (li + 0.5) * lh;
      ctx.fillStyle = "#333"; ctx.font = "11px sans-serif";
      ctx.fillText(c.name, 4, y0 + 4);
      ctx.strokeStyle = "#ddd"; ctx.beginPath(); ctx.moveTo(LEFT, (li + 1) * lh); ctx.lineTo(w, (li + 1) * lh); ctx.stroke();
      const set = S.display.types[c.type] || {};
      const unit = unitOf(c.type);
      const d = S.data && S.data[c.name];
      if (unit && set.gain) {  // calibration bar: one division
        const div = S.opts.div_px, xb = LEFT - 6;
        ctx.strokeStyle = "#b00"; ctx.lineWidth = 2; ctx.beginPath();
        ctx.moveTo(xb, y0 - div / 2); ctx.lineTo(xb, y0 + div / 2); ctx.stroke(); ctx.lineWidth = 1;
        ctx.fillStyle = "#b00"; ctx.font = "9px sans-serif";
        const label = `${set.gain} ${UNIT_LABEL[unit] || unit}`;
        ctx.fillText(label, xb - 4 - ctx.measureText(label).width, y0 + 14);
        S.cal[c.name] = { px: div, value: set.gain, unit };
      }
      if (!d || !d.n) return;
      const v = d.v, n = d.n;
      const sample = [];
      const stride = Math.max(1, Math.floor(v.length / 400));
      for (let i = 0; i < v.length; i += stride) sample.push(v[i]);
      sample.sort((a, b) => a - b);
      const med = sample[Math.floor(sample.length / 2)];
      let k, centre;
      if (unit && set.gain) {
        k = S.opts.div_px / set.gain;
        centre = d.filter && d.filter[0] != null && d.filtered ? 0 : med;
      } else {
        const dev = sample.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
        const half = Math.max(1e-6, dev[Math.floor(dev.length * 0.98)] || 1);
        k = (lh * 0.45 * S.gain) / half;
        centre = med;
      }
      const ys = new Float32Array(d.mode === "raw" ? n : 2 * n);
      ctx.strokeStyle = "#1b3a6b"; ctx.beginPath();
      const clamp = (y) => Math.max(li * lh, Math.min((li + 1) * lh, y));
      if (d.mode === "raw") {
        for (let i = 0; i < n; i++) {
          const x = xOf(d.t0 + i * d.dt);
          ys[i] = y0 - (v[i] - centre) * k;
          if (i === 0) ctx.moveTo(x, clamp(ys[i])); else ctx.lineTo(x, clamp(ys[i]));
        }
      } else {
        for (let i = 0; i < n; i++) {
          const x = xOf(d.t0 + (i + 0.5) * d.dt);
          ys[2 * i] = y0 - (v[2 * i] - centre) * k; ys[2 * i + 1] = y0 - (v[2 * i + 1] - centre) * k;
          ctx.moveTo(x, clamp(ys[2 * i]));
          ctx.lineTo(x, clamp(ys[2 * i + 1]) + 0.5);
        }
      }
      ctx.stroke();
      S.drawn[c.name] = { y: ys, top: li * lh, bottom: (li + 1) * lh, centre, pxPerUnit: k, filter: d.filter };
    });
    // time calibration: one grid step
    ctx.strokeStyle = "#b00"; ctx.lineWidth = 2; ctx.beginPath();
    ctx.moveTo(w - 10 - (xOf(step) - xOf(0)), h - 14); ctx.lineTo(w - 10, h - 14); ctx.stroke(); ctx.lineWidth = 1;
    ctx.fillStyle = "#b00"; ctx.font = "10px sans-serif"; ctx.fillText(`${step} s`, w - 40, h - 18);
    if (S.dragNew) {
      const { t0, t1: tb, lane } = S.dragNew;
      ctx.strokeStyle = "#1f77b4"; ctx.lineWidth = 2;
      ctx.strokeRect(xOf(Math.min(t0, tb)), lane * lh, Math.abs(xOf(tb) - xOf(t0)), lh);
    }
    document.getElementById("view").textContent =
      `${fmtTime(S.view.t0, 0.001)} – ${fmtTime(t1, 0.001)} (${fmt(S.view.span, 3)} s shown, ` +
      `${S.data && Object.values(S.data)[0] ? Object.values(S.data)[0].mode : "…"})` +
      (S.unfiltered && S.unfiltered.length ? ` · display filters being applied to ${S.unfiltered.length} channel(s)…` : "");
  }
  function niceStep(x) {
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }
  function fmtTime(t, step) {
    const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    const sd = step < 1 ? Math.min(3, Math.ceil(-Math.log10(step))) : 0;
    return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + s.toFixed(sd).padStart(sd ? 3 + sd : 2, "0");
  }

  // ---------------------------------------------------------------- navigation
  function setView(t0, span) {
    const dur = S.rec.duration_s;
    span = Math.min(Math.max(span, 0.05), Math.max(dur, 0.05));
    t0 = Math.min(Math.max(0, t0), Math.max(0, dur - span));
    S.view = { t0, span };
    draw();
    requestWindow();
  }
  function zoom(dir, tCentre) {
    const tbs = S.opts.time_bases;
    const i = tbs.findIndex((x) => x >= S.view.span - 1e-9);
    const j = Math.min(tbs.length - 1, Math.max(0, (i < 0 ? tbs.length - 1 : i) + dir));
    const span = tbs[j];
    const c = tCentre == null ? S.view.t0 + S.view.span / 2 : tCentre;
    const frac = tCentre == null ? 0.5 : (tCentre - S.view.t0) / S.view.span;
    S.display.time_base = span;
    document.getElementById("d-timebase").value = String(span);
    setView(c - frac * span, span);
    displayChanged(false);
  }
  function select(id, center) {
    S.selected = id;
    const e = S.events.get(id);
    if (e && center !== false) {
      const t1 = S.view.t0 + S.view.span;
      if (e.onset < S.view.t0 + 0.1 * S.view.span || e.onset + e.duration > t1 - 0.1 * S.view.span)
        setView(e.onset - S.view.span / 2, S.view.span);
    }
    showSelected();
    draw();
  }
  function step(dir) {
    const list = sorted();
    if (!list.length) return;
    const cur = S.events.get(S.selected);
    let next;
    if (!cur) next = dir > 0 ? list[0] : list[list.length - 1];
    else {
      const key = (e) => [e.onset, e.id];
      const after = (a, b) => a.onset > b.onset || (a.onset === b.onset && a.id > b.id);
      next = dir > 0 ? list.find((e) => after(e, cur)) : [...list].reverse().find((e) => after(cur, e));
      void key;
    }
    if (next) select(next.id);
  }
  async function showSelected() {
    const e = S.events.get(S.selected);
    const box = document.getElementById("selected");
    const auditList = document.getElementById("audit");
    if (!e) { box.textContent = ""; auditList.textContent = ""; return; }
    box.textContent = `Selected: ${e.kind} on ${e.channel || "all channels"} at ${fmt(e.onset, 3)} s, ` +
      `${fmt(e.duration * 1000, 1)} ms, ${e.status}` + (e.confidence != null ? `, confidence ${fmt(e.confidence, 2)}` : "") +
      ` (v${e.version}, last change by ${e.updated_by})`;
    const res = await api("GET", `/api/reviews/${reviewId}/audit?event_id=${e.id}`);
    if (!res.ok || S.selected !== e.id) return;
    auditList.textContent = "";
    for (const r of res.data.entries) {
      const who = r.author === "detector" ? `detector (${res.data.detector.name || "?"} ${r.detector_version || ""})` : r.author;
      const ch = Object.entries(r.changes).map(([k, [a, b]]) => `${k} ${typeof a === "number" ? fmt(a, 3) : a} → ${typeof b === "number" ? fmt(b, 3) : b}`);
      auditList.append(el("li", { "data-author": r.author }, `${r.created_at} ${who}: ${r.action}` + (ch.length ? ` (${ch.join(", ")})` :
        ` → ${r.kind}, ${fmt(r.onset, 3)} s + ${fmt(r.duration * 1000, 1)} ms, ${r.status}`)));
    }
  }

  // ---------------------------------------------------------------- edits
  function applyEvent(e) {
    S.events.set(e.id, e);
    updateCounts();
    if (e.id === S.selected) showSelected();
    draw();
  }
  async function edit(fields) {
    const e = S.events.get(S.selected);
    if (!e) { msg("Select a detection first (n / p or click)."); return; }
    if (S.frozen) { msg("This review is signed: it cannot change.", "error"); return; }
    S.pending++;
    const res = await api("PATCH", `/api/reviews/${reviewId}/events/${e.id}`, Object.assign({ version: e.version }, fields));
    S.pending--;
    if (res.ok) { applyEvent(res.data); msg(""); }
    else if (res.status === 409) { applyEvent(res.data.current); msg(res.data.detail, "conflict"); }
    else { if (S.events.get(e.id) !== e) { S.events.set(e.id, e); draw(); } msg(refusal(res), "error"); }
    return res;
  }
  async function addEvent(channel, t0, t1) {
    if (S.frozen) { msg("This review is signed: it cannot change.", "error"); return; }
    S.pending++;
    const res = await api("POST", `/api/reviews/${reviewId}/events`,
      { onset: Math.max(0, Math.min(t0, t1)), duration: Math.abs(t1 - t0), kind: "jerk", channel });
    S.pending--;
    if (res.ok) { applyEvent(res.data); select(res.data.id, false); msg(`Added a jerk on ${channel}.`); }
    else msg(refusal(res), "error");
  }
  S.edit = edit; S.addEvent = addEvent; S.select = select; S.setView = setView;

  async function poll() {
    if (S.livePaused) return;
    const res = await api("GET", `/api/reviews/${reviewId}/events?since=${S.lastRev}`);
    if (res.ok) {
      let changed = false;
      for (const e of res.data.events) {
        const old = S.events.get(e.id);
        if (!old || old.version < e.version) {
          S.events.set(e.id, e); changed = true;
          if (old && e.updated_by !== MYO.reviewer() && e.id === S.selected) msg(`${e.updated_by} changed the selected event.`, "conflict");
        }
      }
      S.lastRev = Math.max(S.lastRev, res.data.last_revision);
      setFrozen(res.data.review);
      if (changed) { updateCounts(); showSelected(); draw(); }
    }
  }
  function setFrozen(rv) {
    S.review = rv;
    S.frozen = rv.status === "signed" || rv.name === "detector";
    document.getElementById("state").textContent = rv.name === "detector" ? "detector (read only)" :
      rv.status + (rv.signed_by ? ` by ${rv.signed_by} ${rv.signed_at}` : "") +
      (rv.n_undecided_at_signing ? ` with ${rv.n_undecided_at_signing} undecided: “${rv.undecided_reason}”` : "");
    document.getElementById("sign").disabled = S.frozen;
  }

  // ---------------------------------------------------------------- input
  document.addEventListener("keydown", (ev) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName)) return;
    const e = S.events.get(S.selected);
    const k = ev.key;
    let handled = true;
    if (k === "n") step(1);
    else if (k === "p") step(-1);
    else if (k === "a") edit({ status: "accepted" });
    else if (k === "r") edit({ status: "rejected" });
    else if (k === "u") edit({ status: "unreviewed" });
    else if (k >= "1" && k <= "5") edit({ kind: KINDS[Number(k) - 1] });
    else if ((k === "[" || k === "]") && e) {
      const d = k === "[" ? -0.005 : 0.005;
      const on = Math.max(0, e.onset + d);
      edit({ onset: on, duration: Math.max(0.001, e.onset + e.duration - on) });
    } else if ((k === "{" || k === "}") && e) edit({ duration: Math.max(0.001, e.duration + (k === "{" ? -0.005 : 0.005)) });
    else if (k === "ArrowLeft") setView(S.view.t0 - S.view.span / 4, S.view.span);
    else if (k === "ArrowRight") setView(S.view.t0 + S.view.span / 4, S.view.span);
    else if (k === "PageUp") setView(S.view.t0 - S.view.span, S.view.span);
    else if (k === "PageDown") setView(S.view.t0 + S.view.span, S.view.span);
    else if (k === "+" || k === "=") zoom(-1);
    else if (k === "-") zoom(1);
    else if (k === "ArrowUp") stepGains(-1);
    else if (k === "ArrowDown") stepGains(1);
    else handled = false;
    if (handled) ev.preventDefault();
  });

  function hit(x, y) {
    const lane = S.lanes[laneOf(y)];
    const t = tOf(x), tol = (4 / W()) * S.view.span;
    let best = null;
    for (const e of S.events.values()) {
      if (!visible(e) || !laneIdx(e.channel).includes(laneOf(y))) continue;
      if (t >= e.onset - tol && t <= e.onset + e.duration + tol) {
        if (!best || e.id === S.selected) best = e;
      }
    }
    return best;
  }
  function pos(ev) {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }
  canvas.addEventListener("mousedown", (ev) => {
    canvas.focus();
    const [x, y] = pos(ev);
    if (x < LEFT) return;
    const sel = S.events.get(S.selected);
    const onSel = (edgeT) => sel && !S.frozen && Math.abs(x - xOf(edgeT)) <= 5 && laneIdx(sel.channel).includes(laneOf(y));
    if (ev.shiftKey || ev.button === 1) {
      S.dragPan = { x, t0: S.view.t0 };
    } else if (onSel(sel && sel.onset)) {
      S.dragEdge = { edge: "onset", e: sel };
    } else if (onSel(sel && sel.onset + sel.duration)) {
      S.dragEdge = { edge: "offset", e: sel };
    } else {
      const e = hit(x, y);
      if (e) { select(e.id, false); return; }
      S.dragNew = { t0: tOf(x), t1: tOf(x), lane: laneOf(y) };  // click-drag on empty trace: add a missed jerk
    }
  });
  window.addEventListener("mousemove", (ev) => {
    const [x] = pos(ev);
    if (S.dragNew) { S.dragNew.t1 = tOf(x); draw(); }
    else if (S.dragEdge) {
      const { edge, e } = S.dragEdge;
      const t = tOf(x);
      const ghost = Object.assign({}, e);
      if (edge === "onset") { const off = e.onset + e.duration; ghost.onset = Math.min(t, off - 0.001); ghost.duration = off - ghost.onset; }
      else ghost.duration = Math.max(0.001, t - e.onset);
      S.events.set(e.id, ghost); draw();
    } else if (S.dragPan) {
      setView(S.dragPan.t0 - ((x - S.dragPan.x) / W()) * S.view.span, S.view.span);
    }
  });
  window.addEventListener("mouseup", () => {
    if (S.dragNew) {
      const d = S.dragNew; S.dragNew = null;
      if (Math.abs(xOf(d.t1) - xOf(d.t0)) >= 3) addEvent(S.lanes[d.lane].name, d.t0, d.t1);
      draw();
    } else if (S.dragEdge) {
      const { e } = S.dragEdge; const g = S.events.get(e.id); S.dragEdge = null;
      S.events.set(e.id, e);
      if (g.onset !== e.onset || g.duration !== e.duration) edit({ onset: g.onset, duration: g.duration });
    }
    S.dragPan = null;
  });
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [x] = pos(ev);
    zoom(ev.deltaY > 0 ? 1 : -1, tOf(x));
  }, { passive: false });

  for (const id of ["f-channel", "f-kind", "f-status", "f-conf"]) {
    document.getElementById(id).addEventListener("change", () => {
      S.filter = { channel: document.getElementById("f-channel").value, kind: document.getElementById("f-kind").value,
        status: document.getElementById("f-status").value, conf: Number(document.getElementById("f-conf").value) || 0 };
      updateCounts(); draw();
    });
  }

  // signing: every detection decided, or "sign with N undecided" with a reason
  const dlg = document.getElementById("sign-dialog");
  document.getElementById("sign").addEventListener("click", () => {
    const n = (S.counts || {}).unreviewed || 0;
    document.getElementById("sign-text").textContent = n
      ? `${n} event(s) are undecided. Decide them (n/p to step, a accept, r reject), or sign with ${n} undecided: ` +
        "the reason is stored with the signature and cited by the export and the re-run report. A signed review is frozen."
      : "Every detection is decided. Sign this review? A signed review is frozen.";
    document.getElementById("sign-reason-label").hidden = !n;
    document.getElementById("sign-confirm").textContent = n ? `Sign with ${n} undecided` : "Sign";
    document.getElementById("sign-confirm").dataset.undecided = n;
    document.getElementById("sign-error").textContent = "";
    dlg.showModal();
  });
  document.getElementById("sign-confirm").addEventListener("click", async (ev) => {
    ev.preventDefault();
    const n = Number(ev.target.dataset.undecided);
    const body = n ? { undecided: n, reason: document.getElementById("sign-reason").value } : {};
    const res = await api("POST", `/api/reviews/${reviewId}/sign`, body);
    if (res.ok) {
      dlg.close(); setFrozen(res.data);
      msg(`Signed by ${res.data.signed_by} at ${res.data.signed_at}` +
        (res.data.n_undecided_at_signing ? ` with ${res.data.n_undecided_at_signing} undecided.` : "."), "ok");
    } else document.getElementById("sign-error").textContent = refusal(res);
  });
  document.getElementById("sign-cancel").addEventListener("click", (ev) => { ev.preventDefault(); dlg.close(); });
  document.getElementById("rerun").addEventListener("click", async () => {
    msg("Re-running the summary and report from the reviewed events…");
    const res = await api("POST", `/api/reviews/${reviewId}/rerun`);
    if (res.ok) { const a = document.getElementById("report"); a.href = res.data.report; a.hidden = false; msg(`Written to ${res.data.out}.`, "ok"); }
    else msg(refusal(res), "error");
  });

  // ---------------------------------------------------------------- start
  (async () => {
    await MYO.setupReviewer(document.getElementById("reviewer"));
    const res = await api("GET", `/api/reviews/${reviewId}`);
    if (!res.ok) { msg(res.data ? res.data.detail : "Review not found.", "error"); return; }
    S.rec = res.data.recording;
    S.display = res.data.display;
    S.opts = res.data.display_options;
    setFrozen(res.data);
    document.getElementById("title").textContent = `${S.rec.name} – review “${res.data.name}”`;
    document.title = `review ${res.data.name} – ${S.rec.name}`;
    document.getElementById("exp-tsv").href = `/api/reviews/${reviewId}/export.tsv`;
    document.getElementById("exp-json").href = `/api/reviews/${reviewId}/export.json`;
    document.getElementById("audit-all").href = `/api/reviews/${reviewId}/audit`;
    document.getElementById("exp-edf").href = `/api/reviews/${reviewId}/export.edf`;
    document.getElementById("agree").href = `/agreement/${S.rec.id}`;
    const fc = document.getElementById("f-channel");
    const evs = await api("GET", `/api/reviews/${reviewId}/events`);
    for (const e of evs.data.events) S.events.set(e.id, e);
    const names = [...new Set([...S.rec.channels.map((c) => c.name), ...evs.data.events.map((e) => e.channel)])];
    for (const n of names) if (n) fc.append(el("option", { value: n }, n));
    S.lastRev = evs.data.last_revision;
    chooseLanes();
    buildDisplayControls();
    resize();
    setView(0, S.display.time_base);
    updateCounts();
    window.addEventListener("resize", () => { resize(); requestWindow(); });
    setInterval(poll, 1500);
    canvas.focus();
    S.ready = true;
  })();
})();
