"use strict";
(() => {
  const { api, el, fmt } = MYO;
  const rid = location.pathname.split("/").pop();
  async function load() {
    const q = new URLSearchParams({ kind: document.getElementById("kind").value,
      tolerance: document.getElementById("tol").value, window: document.getElementById("win").value });
    const res = await api("GET", `/api/recordings/${rid}/agreement?${q}`);
    const tbody = document.querySelector("#agreement tbody");
    tbody.textContent = "";
    if (!res.ok) { document.getElementById("note").textContent = res.data ? res.data.detail : "error"; return; }
    for (const r of res.data.rows) {
      tbody.append(el("tr", {}, ...[r.reference, r.compared, r.n_reference, r.n_compared, r.n_matched, fmt(r.precision),
        fmt(r.recall), fmt(r.f1), fmt(r.onset_diff_ms_median, 1), fmt(r.onset_diff_ms_p95, 1), fmt(r.onset_bias_ms, 1),
        fmt(r.kappa)].map((v) => el("td", {}, v))));
    }
    document.getElementById("note").textContent = res.data.note;
  }
  document.getElementById("opts").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  load();
})();
