"""How a recording's channels are detected: one piece, or chunk by chunk with a statistics sample.

The public detection plan (used by :func:`~myoclonus.detect.detect_jerks` and by
:mod:`myoclonus.batch`, which spreads the chunks of long recordings over Dask workers):

1. :func:`qrs_times` -- R peaks of the recording's ECG channel, if any (once per recording);
2. :func:`channel_plan` -- ``None`` (the channel is detected in one piece) or its chunks;
3. :func:`chunk_stats` -- the channel-wide quantities from its statistics sample;
4. :func:`detect_chunk` -- one chunk;
5. :func:`join_chunks` -- the channel's events from its chunks (exact, see :mod:`.stream`);

:func:`detect_channel_streamed` runs 2-5 for one channel.
"""
from __future__ import annotations

import numpy as np

from .._validate import MyoclonusInputError
from .artifacts import lf_decimation
from .channel import detect_channel
from .ecg import detect_qrs, qrs_reference
from .stats import channel_stats, clipping_warning
from .stream import CHUNK, plan_chunks, stats_segments, stitch

__all__ = ["MEASURES", "qrs_times", "channel_plan", "chunk_stats", "detect_chunk", "join_chunks",
           "detect_channel_streamed"]

#: Per-event arrays of a channel's detection carried through the stitching of chunks.
MEASURES = ("kind", "reason", "flags", "onset_uncertainty_ms", "peak_amplitude_uv", "rms_uv", "area_uvs", "snr_db", "confidence", "tonic_level_uv")


def _sample(rec, i, segs):
    """The statistics sample of channel ``i``: its segments ``segs`` read and concatenated."""
    return np.concatenate([rec._read_channel(i, a, b) for a, b in segs])


def _to_sample(samples, segs):
    """Map sample indices of a channel into the concatenated statistics sample (dropping others)."""
    out, off = [], 0
    for a, b in segs:
        out.append(samples[(samples >= a) & (samples < b)] - a + off)
        off += b - a
    return np.concatenate(out) if out else np.zeros(0, int)


def channel_plan(rec, i, chunk_duration=CHUNK):
    """How channel ``i`` of ``rec`` is detected: ``None`` (in one piece: it is its own statistics
    sample) or the list of chunks ``(lo, c0, c1, hi)`` (:func:`~.stream.plan_chunks`)."""
    c = rec.channels[i]
    if len(stats_segments(c.n_times, c.sfreq)) == 1:
        return None
    # chunks start on the 100 ms windows of the local floor and the blocks of the motion test
    align = int(np.lcm(max(1, round(0.1 * c.sfreq)), lf_decimation(c.sfreq)))
    return plan_chunks(c.n_times, c.sfreq, chunk_duration, align=align)


def chunk_stats(rec, i, qrs, params):
    """Channel-wide statistics of channel ``i`` from its statistics sample (:func:`~.stats.channel_stats`).

    ``qrs``: R-peak times (s) from :func:`qrs_times`, or None.
    """
    c = rec.channels[i]
    segs = stats_segments(c.n_times, c.sfreq)
    q = None if qrs is None else _to_sample(np.round(qrs * c.sfreq).astype(int), segs)
    stats = channel_stats(_sample(rec, i, segs), c.sfreq, params=params, qrs=q)
    stats.pop("_arrays")
    return stats


def detect_chunk(rec, i, chunk, stats, qrs, params, log=None):
    """:func:`~.channel.detect_channel` on one chunk ``(lo, c0, c1, hi)`` of channel ``i``; sample
    indices of the record (an input of :func:`join_chunks`)."""
    c = rec.channels[i]
    lo, c0, c1, hi = chunk
    q = None
    if qrs is not None:
        q = np.round(qrs * c.sfreq).astype(int)
        q = q[(q >= lo) & (q < hi)] - lo
    r = detect_channel(rec._read_channel(i, lo, hi), c.sfreq, params=params, qrs=q, log=[] if log is None else log,
                       stats=stats, core=(c0 - lo, c1 - lo), edges=(lo == 0, hi == c.n_times))
    r["onset"] = r["onset"] + lo
    r["offset"] = r["offset"] + lo
    return r


def join_chunks(parts, stats, n):
    """The events of a channel from its chunks (:func:`detect_chunk`, in order); ``n``: its samples."""
    info = None
    for r in parts:
        ri = r.pop("info")
        if info is None:
            info = ri
        else:
            info["local_floor_uv_max"] = max(info.get("local_floor_uv_max", 0.0), ri.get("local_floor_uv_max", 0.0))
    out = stitch(parts, MEASURES)
    if stats["clip"] is not None:
        sat = (out["kind"] == "artifact") & (out["reason"] == "saturation")
        frac = float(np.sum(out["offset"][sat] - out["onset"][sat])) / n
        info["warnings"].append(clipping_warning(stats["clip"]["level"], int(sat.sum()), frac))
    out["info"] = info
    return out


def detect_channel_streamed(rec, i, qrs, params, chunk_duration=CHUNK, log=None):
    """Channel ``i`` of ``rec`` detected in one piece or chunk by chunk (see :mod:`.stream`).

    ``qrs``: R-peak times (s) from :func:`qrs_times`, or None; ``log`` receives the
    preprocessing steps of the first chunk.
    """
    c = rec.channels[i]
    log = [] if log is None else log
    plan = channel_plan(rec, i, chunk_duration)
    if plan is None:  # the channel is its own statistics sample: one piece, sharing the arrays
        q = None if qrs is None else np.round(qrs * c.sfreq).astype(int)
        return detect_channel(rec._read_channel(i, 0, None), c.sfreq, params=params, qrs=q, log=log)
    stats = chunk_stats(rec, i, qrs, params)
    parts = [detect_chunk(rec, i, ch, stats, qrs, params, log=log if k == 0 else None) for k, ch in enumerate(plan)]
    return join_chunks(parts, stats, c.n_times)


def qrs_times(rec, log=None, chunk_duration=CHUNK):
    """R-peak times (s) from the first ECG channel of a recording, or None (read chunk by chunk).

    ``log`` (a list) receives a line saying how many beats were found on which channel.
    """
    try:
        idx = rec.pick_indices("ecg", allow_empty=True)
    except MyoclonusInputError:
        return None
    if not idx:
        return None
    c = rec.channels[idx[0]]
    sf, n = c.sfreq, c.n_times
    segs = stats_segments(n, sf)
    chunks = plan_chunks(n, sf, chunk_duration)
    if len(segs) == 1 and len(chunks) == 1:
        pk = detect_qrs(rec._read_channel(idx[0], 0, None), sf)
    else:
        ref = qrs_reference(_sample(rec, idx[0], segs), sf)
        pk = []
        for lo, c0, c1, hi in chunks:
            p = detect_qrs(rec._read_channel(idx[0], lo, hi), sf, ref=ref) + lo
            pk.append(p[(p >= c0) & (p < c1)])
        pk = np.concatenate(pk)
    if len(pk) < 8:
        return None
    if log is not None:
        log.append(f"QRS complexes detected on ECG channel '{c.name}' ({len(pk)} beats, Pan-Tompkins-like)")
    return pk / c.sfreq
