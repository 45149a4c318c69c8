"""Measures of detected events (amplitude, area, SNR, confidence) and the chunk bookkeeping.

Pure functions on the band-passed EMG of a channel (or chunk), in microvolts and seconds.
"""
from __future__ import annotations

import numpy as np

from ._scan import LevelCurve, energy_cumsum
from .bursts import segment_rms

__all__ = ["pack_events", "finish_chunk"]


def pack_events(rows, filt, cs2, sfreq, level, k_on, info, sp):
    """Arrays of events and measures from (onset, offset, kind, reason) rows and silent periods."""
    if rows:
        on = np.array([r[0] for r in rows], int)
        off = np.array([r[1] for r in rows], int)
        kind = np.array([r[2] for r in rows], dtype=object)
        reason = np.array([r[3] for r in rows], dtype=object)
    else:
        on = off = np.zeros(0, int)
        kind = reason = np.zeros(0, dtype=object)
    off = np.maximum(off, on + 1)
    if isinstance(level, (int, float)):
        level = LevelCurve([0.0], [float(level)], max(filt.size, 1))
    floor = level[np.minimum(on, level.size - 1)] if len(on) else np.zeros(0)
    if len(on) and np.all(floor > 0):
        if cs2 is filt:
            cs2 = energy_cumsum(filt)
        rms = segment_rms(cs2, on, np.minimum(off, filt.size))
        peak = np.array([np.abs(filt[a:b]).max() if b > a else 0.0 for a, b in zip(on, off)])
        area = np.array([np.abs(filt[a:b]).sum() / sfreq for a, b in zip(on, off)])
        snr = 20 * np.log10(np.maximum(rms, 1e-12) / floor)
        conf = 1.0 / (1.0 + np.exp(-(snr - 20 * np.log10(k_on)) / 3.0))
    else:
        rms = peak = area = snr = conf = np.full(len(on), np.nan)
    tonic = np.full(len(on), np.nan)
    out = {
        "onset": on,
        "offset": off,
        "kind": kind,
        "reason": reason,
        "peak_amplitude_uv": peak,
        "rms_uv": rms,
        "area_uvs": area,
        "snr_db": snr,
        "confidence": conf,
        "tonic_level_uv": tonic,
    }
    if sp is not None and len(sp[0]):
        a, b, ton, sil = sp
        depth = 20 * np.log10(np.maximum(ton, 1e-12) / np.maximum(sil, 1e-12))
        spc = 1.0 / (1.0 + np.exp(-(depth - 9.0) / 3.0))
        out["onset"] = np.concatenate([out["onset"], a])
        out["offset"] = np.concatenate([out["offset"], b])
        out["kind"] = np.concatenate([out["kind"], np.full(len(a), "silent_period", dtype=object)])
        out["reason"] = np.concatenate([out["reason"], np.full(len(a), "", dtype=object)])
        out["peak_amplitude_uv"] = np.concatenate([peak, [np.abs(filt[x:y]).max() for x, y in zip(a, b)]])
        out["rms_uv"] = np.concatenate([rms, sil])
        out["area_uvs"] = np.concatenate([area, [np.abs(filt[x:y]).sum() / sfreq for x, y in zip(a, b)]])
        out["snr_db"] = np.concatenate([snr, 20 * np.log10(np.maximum(sil, 1e-12) / np.maximum(level[a], 1e-12))])
        out["confidence"] = np.concatenate([conf, spc])
        out["tonic_level_uv"] = np.concatenate([tonic, ton])
    out["info"] = info
    return out



def finish_chunk(out, filt, sfreq, core, edges):
    """For a chunk (``core`` given): ownership flags and sums over the core (see :func:`stream.stitch`)."""
    if core is None:
        return out
    c0, c1 = int(core[0]), int(core[1])
    on, off = out["onset"], out["offset"]
    out["owned"] = (on >= c0) & (on < c1)
    out["head"] = (on < c0) & (off > c0)
    out["trunc"] = off > c1
    a, b = np.clip(on, c0, c1), np.clip(off, c0, c1)
    out["core_ss"] = np.array([float(np.dot(filt[x:y], filt[x:y])) for x, y in zip(a, b)])
    out["core_area"] = np.array([np.abs(filt[x:y]).sum() / sfreq for x, y in zip(a, b)])
    out["core_peak"] = np.array([np.abs(filt[x:y]).max() if y > x else 0.0 for x, y in zip(a, b)])
    out["core_n"] = (b - a).astype(float)
    return out

