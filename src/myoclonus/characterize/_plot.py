"""Figures of the characterization: body map and recruitment (matplotlib, Agg-safe)."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_body_map", "plot_recruitment"]

# (segment, proximal) -> (x for the patient's right side, y); the patient's right is drawn on the
# viewer's left (clinical convention, patient facing the viewer).
_POS = {
    ("cranial", "axial"): (-0.35, 9.2),
    ("cranial", None): (-0.35, 9.2),
    ("neck", "axial"): (-0.35, 8.1),
    ("neck", None): (-0.35, 8.1),
    ("upper_limb", "proximal"): (-1.55, 7.3),
    ("upper_limb", "distal"): (-2.3, 4.9),
    ("upper_limb", None): (-1.9, 6.0),
    ("trunk", "axial"): (-0.45, 6.0),
    ("trunk", None): (-0.45, 6.0),
    ("lower_limb", "proximal"): (-0.7, 3.6),
    ("lower_limb", "distal"): (-0.8, 1.3),
    ("lower_limb", None): (-0.75, 2.5),
}


def _figure(ax, size):
    """A new Figure (no pyplot state, rendered with Agg when saved) or the figure of ``ax``."""
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    return fig, ax


def _outline(ax):
    from matplotlib.patches import Circle

    ax.add_patch(Circle((0, 9.3), 0.65, fill=False, lw=1.5, color="0.4"))
    segs = [
        [(0, 8.65), (0, 7.9)],  # neck
        [(-1.2, 7.8), (1.2, 7.8)],  # shoulders
        [(-1.0, 7.8), (-0.8, 4.4), (0.8, 4.4), (1.0, 7.8)],  # trunk
        [(-1.2, 7.8), (-1.8, 6.0), (-2.3, 4.2)],  # right arm (viewer's left)
        [(1.2, 7.8), (1.8, 6.0), (2.3, 4.2)],  # left arm
        [(-0.5, 4.4), (-0.7, 2.4), (-0.8, 0.4)],  # right leg
        [(0.5, 4.4), (0.7, 2.4), (0.8, 0.4)],  # left leg
    ]
    for s in segs:
        x, y = zip(*s)
        ax.plot(x, y, color="0.4", lw=1.5)


def plot_body_map(result, fname=None, *, ax=None):
    """Draw a body outline with one disc per site, area proportional to its jerk rate (/min)."""
    fig, ax = _figure(ax, (5, 7))
    _outline(ax)
    pc = result.data["per_channel"]
    rates = {c: v["rate_per_min"] for c, v in pc.items()}
    vmax = max(rates.values(), default=0.0) or 1.0
    used = {}
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    for c, v in pc.items():
        site = v["site"]
        key = (site.get("segment"), site.get("proximal"))
        if key not in _POS:
            key = (site.get("segment"), None)
        if key not in _POS:
            continue
        x, y = _POS[key]
        side = site.get("side")
        if side == "left":
            x = -x
        elif side in ("midline", None):
            x = 0.0
        k = used.get((x, y), 0)
        used[(x, y)] = k + 1
        y = y - 0.75 * k
        r = rates[c]
        ax.scatter([x], [y], s=30 + 600 * r / vmax, color=cmap(r / vmax), alpha=0.8, edgecolor="k", zorder=3)
        ax.annotate(f"{c}\n{r:.1f}/min", (x, y), xytext=(6 if x >= 0 else -6, 0), textcoords="offset points",
                    ha="left" if x >= 0 else "right", va="center", fontsize=7)
    ax.set_xlim(-4.2, 4.2)
    ax.set_ylim(-1.0, 10.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.text(-4.1, 0.1, "R", fontsize=12, color="0.3")
    ax.text(3.8, 0.1, "L", fontsize=12, color="0.3")
    d = result.data
    ax.set_title(f"{d['distribution']['class']} - {d['rate_per_min']:.1f} jerks/min", fontsize=10)
    if fname is not None:
        fig.savefig(fname, dpi=100, bbox_inches="tight")
    return fig


def plot_recruitment(result, fname=None, *, ax=None):
    """Per-jerk onset latencies (ms, after the first muscle) of each muscle, in dominant order."""
    fig, ax = _figure(ax, (7, 4))
    rc = result.data["recruitment"]
    order = rc["order"]
    if not order:
        ax.text(0.5, 0.5, "No multi-muscle jerks", ha="center", va="center", transform=ax.transAxes)
        ax.axis("off")
    else:
        for i, c in enumerate(order):
            lat = [1000.0 * (g[c] - min(g.values())) for g in result.groups if len(g) >= 2 and c in g]
            y = np.full(len(lat), i) + np.random.default_rng(i).uniform(-0.15, 0.15, len(lat))
            ax.scatter(lat, y, s=8, alpha=0.5, color="C0")
            ax.plot([rc["latency_ms"][c]] * 2, [i - 0.3, i + 0.3], color="C3", lw=2)
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels(order, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("Onset latency after the first muscle (ms)")
        v = rc["velocity_m_s"]
        ax.set_title(f"{rc['pattern'].replace('_', ' ')}; consistency {rc['consistency']:.2f}"
                     + (f"; {v:.1f} m/s" if v is not None else ""), fontsize=10)
    if fname is not None:
        fig.savefig(fname, dpi=100, bbox_inches="tight")
    return fig
