// Shared helpers of the review pages (no dependencies, works offline).
"use strict";
const MYO = (() => {
  function cookie(name) {
    const m = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return m ? decodeURIComponent(m.split("=")[1]) : "";
  }
  function reviewer() { return localStorage.getItem("myo_reviewer") || ""; }
  function headers(extra) {
    const h = Object.assign({ "X-CSRF-Token": cookie("myo_csrf") }, extra || {});
    const r = reviewer();
    if (r) h["X-Reviewer"] = r;
    return h;
  }
  async function api(method, url, body) {
    const opt = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}), credentials: "same-origin" };
    if (body) opt.body = JSON.stringify(body);
    const res = await fetch(url, opt);
    let data = null;
    const ct = res.headers.get("content-type") || "";
    if (ct.includes("json")) data = await res.json();
    if (res.status === 401) { location.href = "/login"; }
    return { ok: res.ok, status: res.status, data };
  }
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(k == null ? "" : String(k)));
    return e;
  }
  async function setupReviewer(input) {
    const me = (await api("GET", "/api/me")).data || {};
    if (me.auth) { input.value = me.user; input.disabled = true; localStorage.setItem("myo_reviewer", me.user); }
    else {
      input.value = reviewer();
      input.addEventListener("change", () => localStorage.setItem("myo_reviewer", input.value.trim()));
    }
    return me;
  }
  const fmt = (x, d = 3) => (x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(d));
  return { cookie, api, el, headers, setupReviewer, fmt, reviewer };
})();
