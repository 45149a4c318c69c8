"""Streaming detection: chunk plans, the statistics sample and the stitching of chunk results.

A long recording is detected chunk by chunk so that memory does not grow with its length. Each
chunk is read with ``PAD`` seconds of overlap on both sides: the zero-phase filters (the mains
notch rings longest, about 5 s to 1e-12), the 5 s local background, the envelopes and every event
shorter than the overlap are then computed exactly as on the whole array, and each event belongs
to the chunk that holds its onset. Events longer than the overlap (long sustained activity,
long saturated or flat stretches) are joined across chunk borders with their measures summed over
the parts (exact); their artifact ``reason`` is that of their first part.

Channel-wide quantities (noise floor, tail factor, clipping rails, mains frequency, ECG decision,
QRS template and detection level, electrode-pop scale) come from a *statistics sample*: the whole
channel when it lasts at most ``STATS_SECONDS`` (it is then detected in one piece), else
``STATS_SECONDS / STATS_SEGMENT`` evenly spaced segments of ``STATS_SEGMENT`` seconds (the first at
the start, the last at the end). The whole-array path (``chunk_duration=None``) uses the same sample,
so chunked and whole-array detection agree to the sample.
"""
from __future__ import annotations

import numpy as np

from .measures import CONF_SCALE_DB

__all__ = ["STATS_SECONDS", "STATS_SEGMENT", "PAD", "CHUNK", "stats_segments", "plan_chunks", "stitch"]

#: Length (s) of the statistics sample of a channel. A channel no longer than this is its own sample
#: and is detected in one piece (its memory is bounded by this length anyway).
STATS_SECONDS = 300.0
#: Length (s) of each segment of the statistics sample of longer channels (the mains detector
#: looks at the first 60 s of its input).
STATS_SEGMENT = 30.0
#: Overlap (s) read on each side of a chunk.
PAD = 10.0
#: Default chunk length (s), without the overlap.
CHUNK = 300.0


def stats_segments(n, sfreq, *, seconds=None, segment=None):
    """Sample ranges ``[(start, stop), ...]`` of the statistics sample of an ``n``-sample channel.

    ``seconds`` and ``segment`` default to :data:`STATS_SECONDS` and :data:`STATS_SEGMENT`.
    """
    seconds = STATS_SECONDS if seconds is None else seconds
    segment = STATS_SEGMENT if segment is None else segment
    total = int(round(seconds * sfreq))
    if n <= total:
        return [(0, n)]
    seg = int(round(segment * sfreq))
    k = max(1, total // seg)
    starts = np.round(np.linspace(0, n - seg, k)).astype(int)
    return [(int(s), int(s) + seg) for s in starts]


def plan_chunks(n, sfreq, chunk, *, pad=None, align=1):
    """Chunks ``(lo, c0, c1, hi)`` covering ``n`` samples: core ``[c0, c1)`` read as ``[lo, hi)``.

    Core length and overlap are multiples of ``align`` samples (so that windowed statistics of every
    chunk line up with those of the whole array). ``chunk=None`` or a chunk at least as long as the
    channel gives one chunk ``(0, 0, n, n)``.
    """
    pad = PAD if pad is None else pad
    align = max(1, int(align))
    if chunk is None or chunk * sfreq >= n:
        return [(0, 0, n, n)]
    core = max(align, int(round(chunk * sfreq / align)) * align)
    p = int(np.ceil(pad * sfreq / align)) * align
    out = []
    for c0 in range(0, n, core):
        c1 = min(n, c0 + core)
        out.append((max(0, c0 - p), c0, c1, min(n, c1 + p)))
    return out


_SUMS = ("core_ss", "core_area", "core_peak", "core_n")


def stitch(parts, keys):
    """Join per-chunk event arrays into one set, in record samples.

    Parameters
    ----------
    parts : list of dict
        One per chunk, in order: arrays ``onset``, ``offset`` (record samples), the measure
        ``keys``, booleans ``owned`` (onset in the chunk core), ``head`` (starts before the core,
        ends inside it: the part of an event of the previous chunk that lies in this core) and
        ``trunc`` (ends after the core: continues in the next chunk), and the sums over the core
        ``core_ss``, ``core_area``, ``core_peak``, ``core_n``.
    keys : list of str
        Per-event arrays to carry (``kind``, ``reason``, measures...).

    Returns
    -------
    out : dict of ndarray
        The owned events with ``onset``, ``offset`` and ``keys``; an event that extends past its
        chunk's core is joined with the overlapping head event of the next chunk of the same kind
        and reason (same event, seen with the next chunk's context), its offset the later one and its ``rms_uv``,
        ``area_uvs``, ``peak_amplitude_uv``, ``snr_db`` and ``confidence`` recomputed from the sums.
    """
    rows = []
    open_rows = []  # rows of events that extend past the previous chunk's core
    for p in parts:
        order = np.argsort(p["onset"], kind="stable")
        still_open = []
        for j in order:
            if p["head"][j]:
                # the part of an event of the previous chunk that lies in this core
                for r in open_rows:
                    if (r["kind"] == p["kind"][j] and r["reason"] == p["reason"][j]
                            and p["onset"][j] < r["offset"] + 1 and p["offset"][j] > r["onset"]):
                        r["offset"] = max(r["offset"], int(p["offset"][j]))
                        for s in _SUMS:
                            r[s] = max(r[s], p[s][j]) if s == "core_peak" else r[s] + p[s][j]
                        r["_joined"] = True
                        if p["trunc"][j]:
                            still_open.append(r)
                        break
                continue
            if not p["owned"][j]:
                continue
            row = {"onset": int(p["onset"][j]), "offset": int(p["offset"][j]), "_joined": False}
            for k in keys:
                row[k] = p[k][j]
            for s in _SUMS:
                row[s] = p[s][j]
            rows.append(row)
            if p["trunc"][j]:
                still_open.append(row)
        open_rows = still_open
    out = {"onset": np.array([r["onset"] for r in rows], int), "offset": np.array([r["offset"] for r in rows], int)}
    for k in keys:
        vals = [r[k] for r in rows]
        out[k] = np.array(vals, dtype=object if vals and isinstance(vals[0], str) else float) if vals else np.zeros(0)
    for i, r in enumerate(rows):
        if not r["_joined"]:
            continue
        rms = float(np.sqrt(r["core_ss"] / max(r["core_n"], 1)))
        floor = out["rms_uv"][i] / 10 ** (out["snr_db"][i] / 20) if np.isfinite(out["snr_db"][i]) else np.nan
        out["rms_uv"][i] = rms
        out["area_uvs"][i] = r["core_area"]
        out["peak_amplitude_uv"][i] = r["core_peak"]
        if np.isfinite(floor) and floor > 0:
            old = out["snr_db"][i]
            out["snr_db"][i] = 20 * np.log10(max(rms, 1e-12) / floor)
            # confidence is a logistic of the SNR: shift it by the SNR change
            c = out["confidence"][i]
            if 0 < c < 1:
                z = np.log(c / (1 - c)) + (out["snr_db"][i] - old) / CONF_SCALE_DB
                out["confidence"][i] = 1.0 / (1.0 + np.exp(-z))
    return out
