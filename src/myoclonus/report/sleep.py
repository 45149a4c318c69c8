"""The report's sleep section: a hypnogram strip with the leg movements and jerks on it, the leg-movement
indices and PLM series of the standard used, the hypnic jerks of each wake-to-sleep transition, and
the inter-movement interval histogram on a log scale.

Self-contained: :func:`sleep_section` gives the section's data and figures; the builder only places
them (HTML section, PDF pages).
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..i18n import N_  # noqa: E402

__all__ = ["sleep_section", "fig_sleep_strip", "fig_imi_histogram"]

_LEVELS = {"W": 4, "R": 3, "N1": 2, "N2": 1, "N3": 0}


def _time_axis(duration):
    """(divisor, unit) for a time axis of ``duration`` seconds."""
    if duration >= 2 * 3600:
        return 3600.0, "h"
    if duration >= 600:
        return 60.0, "min"
    return 1.0, "s"


def fig_sleep_strip(hypnogram, plm, jerks, duration):
    """Hypnogram with the leg movements (per leg; PLM dark, other LMs light, bilateral outlined) and
    the jerks below it; wake-to-sleep transitions with concentrated jerks marked.

    Parameters
    ----------
    hypnogram : DataFrame
        ``onset``, ``duration`` (s), ``stage``.
    plm : dict | None
        The leg-movement scoring (``summary['sleep']['plm']``).
    jerks : Events
        The detector's jerks.
    duration : float
        Seconds.

    Returns
    -------
    Figure | None
    """
    if hypnogram is None or not len(hypnogram):
        return None
    div, unit = _time_axis(duration)
    movs = (plm or {}).get("movements") or []
    legs = sorted({lg for m in movs for lg in m["legs"]})
    n_rows = len(legs)
    fig, (ax, axl) = plt.subplots(2, 1, figsize=(10, 2.6 + 0.35 * max(n_rows, 1)), sharex=True,
                                  gridspec_kw={"height_ratios": [2.2, 0.5 + 0.35 * max(n_rows, 1)]})
    on = np.asarray(hypnogram["onset"], float)
    du = np.asarray(hypnogram["duration"], float)
    st = np.array([_LEVELS.get(str(s).upper(), np.nan) for s in hypnogram["stage"]], float)
    x = np.append(on, on[-1] + du[-1]) / div
    ax.step(x, np.append(st, st[-1]), where="post", color="k", lw=1.0)
    ax.set_yticks([0, 1, 2, 3, 4], ["N3", "N2", "N1", "REM", "W"])
    ax.set_ylim(-0.6, 5.4)
    j = jerks.select("jerk") if jerks is not None and len(jerks) else None
    if j is not None and len(j):
        ax.scatter(np.asarray(j.onset) / div, np.full(len(j), 4.9), marker="|", color="tab:red", s=40, lw=0.8,
                   label="jerks")
    ax.set_title("Hypnogram, leg movements and jerks")
    for k, lg in enumerate(legs):
        for m in movs:
            if lg not in m["legs"]:
                continue
            color = "tab:blue" if m["series"] else "0.6"
            axl.broken_barh([(m["onset"] / div, max(m["duration"], 0.5) / div)], (k - 0.35, 0.7), color=color,
                            edgecolor="k" if m["bilateral"] else color, lw=0.6)
    axl.set_yticks(range(n_rows), legs if legs else [])
    axl.set_ylim(-0.7, max(n_rows, 1) - 0.3)
    axl.set_xlim(0, duration / div)
    axl.set_xlabel(f"time ({unit}); leg movements: blue in a PLM series, grey other, outlined bilateral")
    if not movs:
        axl.text(0.5, 0.5, "no leg movement scored", transform=axl.transAxes, ha="center", va="center", fontsize=8)
    if j is not None and len(j):
        ax.legend(loc="upper right", fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


def fig_imi_histogram(plm):
    """Inter-movement intervals in sleep on a log scale, with the standard's PLM interval bounds.

    Returns
    -------
    Figure | None
    """
    h = (plm or {}).get("imi_histogram")
    if not h or not sum(h["counts"]):
        return None
    e = np.asarray(h["edges_s"], float)
    c = np.asarray(h["counts"], float)
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    ax.bar(e[:-1], c, width=np.diff(e), align="edge", color="tab:blue", alpha=0.8, edgecolor="w", lw=0.4)
    ax.set_xscale("log")
    p = plm.get("parameters") or {}
    for v in (p.get("min_imi"), p.get("max_imi")):
        if v:
            ax.axvline(v, color="k", ls="--", lw=0.8)
            ax.text(v, ax.get_ylim()[1] * 0.95, f"{v:g} s", fontsize=7, ha="left", va="top")
    ax.set_xlabel("inter-movement interval, onset to onset (s, log scale)")
    ax.set_ylabel("intervals in sleep")
    ax.set_title("Inter-movement intervals (leg movements in sleep)")
    fig.tight_layout()
    return fig


def sleep_section(result):
    """Data and figures of the sleep section of an analysis, or None without a sleep context.

    Parameters
    ----------
    result : AnalysisResult

    Returns
    -------
    dict | None
        ``sleep`` (``summary['sleep']``), ``plm`` (the leg-movement scoring, or None), ``channels``
        (rows: leg, resting level and thresholds in uV), ``series``, ``transitions`` (hypnic jerks per
        transition) and ``figures`` (list of (title, Figure), English titles: the builder translates).
    """
    s = (result.summary or {}).get("sleep")
    if not isinstance(s, dict) or not s.get("available"):
        return None
    char = getattr(result, "characterization", None)
    hyp = getattr(char, "hypnogram", None)
    p = s.get("plm") if isinstance(s.get("plm"), dict) else None
    figures = []
    fig = fig_sleep_strip(hyp, p if p and p.get("available") else None, result.events, result.recording.duration)
    if fig is not None:
        figures.append((N_("Hypnogram with leg movements and jerks"), fig))
    if p and p.get("available"):
        fig = fig_imi_histogram(p)
        if fig is not None:
            figures.append((N_("Inter-movement intervals of the leg movements (log scale)"), fig))
    channels = []
    if p and p.get("available"):
        for name, c in (p.get("channels") or {}).items():
            channels.append({"channel": name, **c})
    return {
        "sleep": s,
        "plm": p,
        "channels": channels,
        "series": (p or {}).get("series") or [],
        "transitions": (s.get("hypnic_jerks") or {}).get("per_transition") or [],
        "figures": figures,
    }
