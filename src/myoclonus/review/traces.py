"""Fast trace windows: raw samples when zoomed in, min/max envelopes when zoomed out.

The file is never loaded whole. For wide windows each channel has a min/max pyramid (blocks of
64, 512, 4096 and 32768 samples) built once, lazily, by streaming the file in chunks; a window
request then touches at most a few thousand pyramid values per channel. Narrow windows (fewer than
``64 * n_columns`` samples) are read straight from the file.
"""
from __future__ import annotations

import threading

import numpy as np

BLOCK = 64
FACTOR = 8
N_LEVELS = 4
CHUNK_S = 120.0


class TraceSource:
    """Window reader with an envelope pyramid for one recording."""

    def __init__(self, recording):
        self.rec = recording
        self._lock = threading.Lock()
        self._pyr = None  # list per channel of list per level of (mins, maxs)

    # ------------------------------------------------------------------ pyramid
    def build(self):
        """Build the pyramids (thread safe, once)."""
        with self._lock:
            if self._pyr is not None:
                return self._pyr
            pyr = []
            for i, ch in enumerate(self.rec.channels):
                step = int(max(BLOCK, round(CHUNK_S * ch.sfreq / BLOCK) * BLOCK))
                mins, maxs = [], []
                for start in range(0, ch.n_times, step):
                    x = self.rec._read_channel(i, start, start + step)
                    nb = -(-len(x) // BLOCK)
                    pad = nb * BLOCK - len(x)
                    if pad:
                        x = np.concatenate([x, np.full(pad, x[-1])])
                    xb = x.reshape(nb, BLOCK)
                    mins.append(xb.min(1).astype(np.float32))
                    maxs.append(xb.max(1).astype(np.float32))
                lv = [(np.concatenate(mins), np.concatenate(maxs))]
                for _ in range(N_LEVELS - 1):
                    mn, mx = lv[-1]
                    nb = -(-len(mn) // FACTOR)
                    pad = nb * FACTOR - len(mn)
                    if pad:
                        mn = np.concatenate([mn, np.full(pad, mn[-1], np.float32)])
                        mx = np.concatenate([mx, np.full(pad, mx[-1], np.float32)])
                    lv.append((mn.reshape(nb, FACTOR).min(1), mx.reshape(nb, FACTOR).max(1)))
                pyr.append(lv)
            self._pyr = pyr
            return pyr

    @property
    def ready(self):
        return self._pyr is not None

    # ------------------------------------------------------------------ windows
    def window(self, t0, t1, n_cols, picks=None):
        """Return ``(meta, payload)`` for channels ``picks`` between ``t0`` and ``t1`` seconds.

        ``payload`` is float32 little-endian: per channel either ``n`` raw samples
        (``mode='raw'``) or ``n`` (min, max) pairs (``mode='envelope'``). ``meta`` gives per
        channel ``mode``, ``n``, ``t0`` (time of the first value) and ``dt`` (seconds per value).
        """
        n_cols = int(min(max(n_cols, 16), 8000))
        t0, t1 = float(t0), float(t1)
        if not t1 > t0:
            t1 = t0 + 1.0
        picks = list(range(self.rec.n_channels)) if picks is None else list(picks)
        chans, parts = [], []
        for i in picks:
            ch = self.rec.channels[i]
            s0 = max(0, int(np.floor(t0 * ch.sfreq)))
            s1 = min(ch.n_times, int(np.ceil(t1 * ch.sfreq)))
            n = max(0, s1 - s0)
            if n <= 2 * n_cols:
                x = self.rec._read_channel(i, s0, s1).astype(np.float32)
                chans.append({"name": ch.name, "mode": "raw", "n": len(x), "t0": s0 / ch.sfreq, "dt": 1 / ch.sfreq})
                parts.append(x)
                continue
            per = n / n_cols  # samples per column
            if per < BLOCK * 2:
                x = self.rec._read_channel(i, s0, s1)
                mn, mx = _reduce(x, x, n_cols)
                chans.append(_env_meta(ch, s0, n, len(mn)))
                parts.append(np.column_stack([mn, mx]).astype(np.float32).ravel())
                continue
            self.build()
            pyr = self._pyr[i]
            level, bsz = 0, BLOCK
            while level + 1 < len(pyr) and bsz * FACTOR * 2 <= per:
                level += 1
                bsz *= FACTOR
            mn_all, mx_all = pyr[level]
            b0, b1 = s0 // bsz, min(len(mn_all), -(-s1 // bsz))
            mn, mx = _reduce(mn_all[b0:b1], mx_all[b0:b1], n_cols)
            chans.append(_env_meta(ch, b0 * bsz, (b1 - b0) * bsz, len(mn)))
            parts.append(np.column_stack([mn, mx]).astype(np.float32).ravel())
        payload = np.concatenate(parts).astype("<f4").tobytes() if parts else b""
        return {"t0": t0, "t1": t1, "channels": chans}, payload


def _env_meta(ch, s0, n_samples, n):
    return {"name": ch.name, "mode": "envelope", "n": n, "t0": s0 / ch.sfreq, "dt": n_samples / ch.sfreq / max(n, 1)}


def _reduce(mins, maxs, n_cols):
    """Min/max of ``n_cols`` (or fewer) nearly equal consecutive groups."""
    n = len(mins)
    if n <= n_cols:
        return np.asarray(mins), np.asarray(maxs)
    edges = np.linspace(0, n, n_cols + 1).astype(np.int64)
    return np.minimum.reduceat(mins, edges[:-1]), np.maximum.reduceat(maxs, edges[:-1])
