"""Data for the report's in-page trace viewer: min/max envelopes packed as base64 int16.

The viewer (``templates/viewer.js``, plain JavaScript on a canvas, shipped in the package, no
network) draws an overview of every EMG channel as min/max envelopes and full-resolution windows
around detected jerks, with detections marked. Packing as int16 keeps a 1-hour, 8-channel report
well under 10 MB.
"""
from __future__ import annotations

import base64

import numpy as np

from ..preprocess import bandpass

__all__ = ["viewer_payload"]

#: Seconds of each channel band-passed at once for the overview (memory does not grow with the
#: recording) and overlap (s) read around each piece: the 20-450 Hz Butterworth settles to 1e-12
#: well within it.
CHUNK = 300.0
VIEW_PAD = 2.0


def _pack(x):
    """Quantise to int16 with a per-channel scale; return (base64 string, scale uV per unit)."""
    x = np.asarray(x, float)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    scale = peak / 32000.0 if peak > 0 else 1.0
    q = np.clip(np.round(x / scale), -32767, 32767).astype("<i2")
    return base64.b64encode(q.tobytes()).decode("ascii"), scale


def viewer_payload(result, *, overview_bins=4000, max_channels=16, window=1.0, max_windows=40):
    """Build the JSON payload of the in-page viewer.

    Parameters
    ----------
    result : AnalysisResult
    overview_bins : int
        Number of min/max bins across the whole recording (per channel).
    max_channels : int
        At most this many EMG channels (the analysed ones first).
    window : float
        Seconds of full-resolution trace kept around each selected jerk.
    max_windows : int
        Number of full-resolution windows (largest jerks first).

    Returns
    -------
    payload : dict
        ``{'duration', 'channels': [{'name', 'min', 'max', 'scale'}], 'bins', 'events': [[onset,
        duration, kind_index, channel_index]], 'kinds', 'windows': [{'t0', 'sfreq', 'data':
        [{'b64','scale'}]}]}``.
    """
    rec = result.recording
    names = [c for c in result.detection.thresholds if c in rec.ch_names and rec.channels[rec.ch_names.index(c)].type == "emg"]
    names = names[:max_channels]
    if not names:
        return None
    dur = rec.duration
    params = result.detection.params
    chans = []
    band = (params.get("l_freq", 20.0), params.get("h_freq", 450.0))

    def filtered(i, a, b):
        """Band-passed samples [a, b) of channel i, read with VIEW_PAD s on each side: the same
        values as the whole filtered channel (the filter settles within the overlap)."""
        c = rec.channels[i]
        p = int(VIEW_PAD * c.sfreq)
        lo, hi = max(0, a - p), min(c.n_times, b + p)
        return bandpass(rec._read_channel(i, lo, hi), c.sfreq, *band)[a - lo : b - lo]

    for name in names:
        i = rec.ch_names.index(name)
        sf = rec.channels[i].sfreq
        n = rec.channels[i].n_times
        nb = min(overview_bins, n)
        edges = np.linspace(0, n, nb + 1).astype(int)
        # min/max per bin, chunk by chunk (memory: one chunk, not the channel)
        mins, maxs = np.full(nb, np.inf), np.full(nb, -np.inf)
        step = max(1, int(CHUNK * sf))
        for c0 in range(0, n, step):
            c1 = min(n, c0 + step)
            y = filtered(i, c0, c1)
            k0, k1 = np.searchsorted(edges, [c0, c1 - 1], side="right") - 1
            starts = np.clip(edges[k0 : k1 + 1], c0, c1) - c0
            np.minimum(mins[k0 : k1 + 1], np.minimum.reduceat(y, starts), out=mins[k0 : k1 + 1])
            np.maximum(maxs[k0 : k1 + 1], np.maximum.reduceat(y, starts), out=maxs[k0 : k1 + 1])
        peak = max(float(np.max(np.abs(mins))), float(np.max(np.abs(maxs))), 1e-9)
        b_min, s = _pack(np.concatenate([mins, maxs]))
        chans.append({"name": name, "minmax": b_min, "scale": s, "bins": int(nb), "peak": peak})
    kinds = ["jerk", "sustained", "silent_period", "acc_jerk", "artifact"]
    ev = result.events
    sel = np.isin(ev.channel.astype(str), names)
    events = [
        [round(float(o), 4), round(float(d), 4), kinds.index(k) if k in kinds else 4, names.index(c)]
        for o, d, k, c in zip(ev.onset[sel], ev.duration[sel], ev.kind[sel], ev.channel[sel])
    ]
    jerks = ev.select("jerk", channel=names)
    windows = []
    if len(jerks):
        amp = jerks.measures.get("peak_amplitude_uv", np.zeros(len(jerks)))
        picks = np.argsort(amp)[::-1][:max_windows]
        for t in sorted(float(jerks.onset[p]) for p in picks):
            t0 = max(0.0, t - window / 2)
            data = []
            sf0 = None
            for name in names:
                i = rec.ch_names.index(name)
                sf = rec.channels[i].sfreq
                sf0 = sf if sf0 is None else sf0
                a, b = int(t0 * sf), min(int((t0 + window) * sf), rec.channels[i].n_times)
                b64, s = _pack(filtered(i, a, b) if b > a else np.zeros(0))
                data.append({"b64": b64, "scale": s, "sfreq": sf})
            windows.append({"t0": round(t0, 4), "data": data})
    return {"duration": dur, "channels": chans, "events": events, "kinds": kinds, "windows": windows}
