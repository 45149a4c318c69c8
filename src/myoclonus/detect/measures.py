"""Measures of detected events (amplitude, area, SNR, confidence) and the chunk bookkeeping.

Pure functions on the band-passed EMG of a channel (or chunk), in microvolts and seconds.
"""
from __future__ import annotations

import numpy as np

from ._scan import LevelCurve, energy_cumsum
from .bursts import segment_rms

__all__ = ["CONF_SCALE_DB", "confidence", "pack_events", "finish_chunk"]


#: Width (dB) of the logistic that maps a burst's SNR above the on threshold to its confidence.
CONF_SCALE_DB = 3.0


def confidence(snr_db, k_on, penalty=0.0, cap=np.inf):
    """Detection confidence (0-1): a logistic of the SNR above ``k_on`` (dB scale
    :data:`CONF_SCALE_DB`), lowered by ``penalty`` log-odds (artefact flags), its logit at most
    ``cap`` (the rise evidence of long bursts)."""
    z = (np.asarray(snr_db, float) - 20 * np.log10(k_on)) / CONF_SCALE_DB - np.asarray(penalty, float)
    z = np.minimum(z, np.asarray(cap, float))
    return 1.0 / (1.0 + np.exp(-z))


def pack_events(rows, filt, cs2, sfreq, level, k_on, info, sp):
    """Arrays of events and measures from rows and silent periods.

    Parameters
    ----------
    rows : list of tuple
        ``(onset, offset, kind, reason, flags, penalty, cap)`` per event (samples; penalty and cap of
        the confidence logit, :func:`confidence`).
    filt : ndarray
        Band-passed EMG (uV).
    cs2 : ndarray
        Its cumulative energy (or ``filt`` itself to compute it here).
    sfreq : float
        Hz.
    level : LevelCurve | float
        Background RMS (uV).
    k_on : float
        On threshold (x background), the zero of the confidence scale.
    info : dict
        Channel information, returned under ``'info'``.
    sp : tuple | None
        Silent periods ``(onsets, offsets, tonic_rms, silent_rms)``.

    Returns
    -------
    out : dict of ndarray
    """
    if rows:
        on = np.array([r[0] for r in rows], int)
        off = np.array([r[1] for r in rows], int)
        kind = np.array([r[2] for r in rows], dtype=object)
        reason = np.array([r[3] for r in rows], dtype=object)
        flags = np.array([r[4] for r in rows], dtype=object)
        penalty = np.array([r[5] for r in rows], float)
        cap = np.array([r[6] for r in rows], float)
    else:
        on = off = np.zeros(0, int)
        kind = reason = flags = np.zeros(0, dtype=object)
        penalty = cap = np.zeros(0)
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
        conf = confidence(snr, k_on, penalty, cap)
    else:
        rms = peak = area = snr = conf = np.full(len(on), np.nan)
    tonic = np.full(len(on), np.nan)
    out = {
        "onset": on,
        "offset": off,
        "kind": kind,
        "reason": reason,
        "flags": flags,
        "onset_uncertainty_ms": np.full(len(on), 1000.0 / sfreq),
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
        out["flags"] = np.concatenate([out["flags"], np.full(len(a), "", dtype=object)])
        out["onset_uncertainty_ms"] = np.full(len(out["onset"]), 1000.0 / sfreq)
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

