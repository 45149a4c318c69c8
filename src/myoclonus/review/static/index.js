"use strict";
(async () => {
  const { api, el, fmt } = MYO;
  await MYO.setupReviewer(document.getElementById("reviewer"));
  const tbody = document.querySelector("#recordings tbody");
  const recs = (await api("GET", "/api/recordings")).data || [];
  const problems = (await api("GET", "/api/problems")).data || [];
  const pl = document.getElementById("problems");
  for (const p of problems) pl.append(el("li", {}, `${p.input}: ${p.error}`));
  pl.hidden = !problems.length;
  for (const r of recs) {
    const reviews = el("ul", { class: "reviews" });
    for (const v of r.reviews.filter((v) => v.name !== "detector")) {
      const c = v.counts;
      reviews.append(el("li", {}, el("a", { href: `/review/${v.id}` }, v.name), ` – ${v.status}` +
        (v.signed_by ? ` by ${v.signed_by}` : "") + ` (${c.accepted} accepted, ${c.rejected} rejected, ` +
        `${c.undecided} undecided, ${c.added} added)` +
        (v.n_undecided_at_signing ? `; signed with ${v.n_undecided_at_signing} undecided: “${v.undecided_reason}”` : "")));
    }
    const name = el("input", { value: "main", size: "10", "aria-label": "review name" });
    const open = el("button", { class: "open-review", onclick: async () => {
      const res = await api("POST", `/api/recordings/${r.id}/reviews`, { name: name.value.trim() || "main" });
      if (res.ok) location.href = `/review/${res.data.id}`;
      else document.getElementById("msg").textContent = res.data ? res.data.detail : `Error ${res.status}`;
    } }, "Open");
    tbody.append(el("tr", { "data-recording": r.id }, el("td", {}, r.name), el("td", {}, `${fmt(r.duration_s / 60, 1)} min`),
      el("td", {}, r.n_channels), el("td", {}, r.n_detections), el("td", { class: "status" }, r.status), el("td", {}, reviews),
      el("td", {}, name, " ", open), el("td", {}, el("a", { href: `/agreement/${r.id}` }, "agreement"))));
  }
  if (!recs.length) tbody.append(el("tr", {}, el("td", { colspan: "8" }, "No recording registered: start with myoclonus review FILE_OR_ANALYSIS_DIR.")));
})();
