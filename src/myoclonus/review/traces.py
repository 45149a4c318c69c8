"""Fast trace windows: samples when zoomed in, min/max envelopes when zoomed out, display-filtered.

The file is never loaded whole. Each window applies the display filter of the channel's type
(:mod:`myoclonus.display`: high-pass, low-pass, notch), read with enough margin for the filter to
settle. For wide windows each channel has a min/max pyramid (blocks of 64, 512, 4096 and 32768
samples) per display filter, built once, lazily, by streaming the file in chunks; a window request
then touches at most a few thousand pyramid values per channel. Narrow windows (fewer than
``128 * n_columns`` samples) are read straight from the file. Pyramids of long channels (more than
``SYNC_SAMPLES``) are built in a background thread; until one is ready its channel is served from
the unfiltered pyramid and marked ``filtered: false`` in the window's metadata.
"""
from __future__ import annotations

import threading

import numpy as np

from ..display import channel_filter, filtered_segment

BLOCK = 64
FACTOR = 8
N_LEVELS = 4
CHUNK_S = 120.0
#: Channels up to this many samples get their filtered pyramid built during the request.
SYNC_SAMPLES = 2_000_000
#: Pyramids kept in memory (least recently used dropped first).
MAX_PYRAMIDS = 96


class TraceSource:
    """Window reader with envelope pyramids for one recording."""

    def __init__(self, recording):
        self.rec = recording
        self._lock = threading.Lock()
        self._pyrs = {}  # (channel index, applied filter) -> list per level of (mins, maxs); LRU order
        self._building = set()

    # ------------------------------------------------------------------ pyramid
    def _build_channel(self, i, sos):
        ch = self.rec.channels[i]
        step = int(max(BLOCK, round(CHUNK_S * ch.sfreq / BLOCK) * BLOCK))
        mins, maxs = [], []
        for start in range(0, ch.n_times, step):
            x = filtered_segment(lambda a, b: self.rec._read_channel(i, a, b), start, start + step, ch.n_times, sos)
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
        return lv

    def pyramid(self, i, sos=None, applied=(None, None, None), *, wait=True):
        """Pyramid of channel ``i`` under a display filter (None: not ready and ``wait`` is False)."""
        key = (i, applied)
        with self._lock:
            if key in self._pyrs:
                self._pyrs[key] = self._pyrs.pop(key)
                return self._pyrs[key]
            if not wait:
                if key not in self._building:
                    self._building.add(key)
                    threading.Thread(target=self._build_later, args=(key, sos), daemon=True).start()
                return None
        lv = self._build_channel(i, sos)
        self._keep(key, lv)
        return lv

    def _build_later(self, key, sos):
        try:
            self._keep(key, self._build_channel(key[0], sos))
        finally:
            with self._lock:
                self._building.discard(key)

    def _keep(self, key, lv):
        with self._lock:
            self._pyrs[key] = lv
            while len(self._pyrs) > MAX_PYRAMIDS:
                self._pyrs.pop(next(iter(self._pyrs)))

    def build(self):
        """Build the unfiltered pyramids of every channel (thread safe)."""
        for i in range(self.rec.n_channels):
            self.pyramid(i)

    @property
    def ready(self):
        return all((i, (None, None, None)) in self._pyrs for i in range(self.rec.n_channels))

    # ------------------------------------------------------------------ windows
    def window(self, t0, t1, n_cols, picks=None, filters=None):
        """Return ``(meta, payload)`` for channels ``picks`` between ``t0`` and ``t1`` seconds.

        ``filters`` is ``{type: (hp, lp, notch)}`` (Hz, None: off; see
        :func:`myoclonus.display.parse_filter_query`). ``payload`` is float32 little-endian: per
        channel either ``n`` samples (``mode='raw'``) or ``n`` (min, max) pairs
        (``mode='envelope'``). ``meta`` gives per channel ``mode``, ``n``, ``t0`` (time of the first
        value), ``dt`` (seconds per value), ``filter`` (the ``[hp, lp, notch]`` applied: a low-pass
        at or above 0.45 x the rate is left out) and ``filtered`` (False while a long channel's
        filtered envelope is still being built: the unfiltered one is sent meanwhile).
        """
        n_cols = int(min(max(n_cols, 16), 8000))
        t0, t1 = float(t0), float(t1)
        if not t1 > t0:
            t1 = t0 + 1.0
        picks = list(range(self.rec.n_channels)) if picks is None else list(picks)
        chans, parts = [], []
        for i in picks:
            ch = self.rec.channels[i]
            spec = (filters or {}).get(ch.type)
            sos, applied = channel_filter(*spec, ch.sfreq) if spec else (None, (None, None, None))
            s0 = max(0, int(np.floor(t0 * ch.sfreq)))
            s1 = min(ch.n_times, int(np.ceil(t1 * ch.sfreq)))
            n = max(0, s1 - s0)
            info = {"name": ch.name, "filter": list(applied), "filtered": True}
            per = n / n_cols  # samples per column
            if n <= 2 * n_cols or per < BLOCK * 2:
                x = filtered_segment(lambda a, b: self.rec._read_channel(i, a, b), s0, s1, ch.n_times, sos)
                if n <= 2 * n_cols:
                    chans.append({**info, "mode": "raw", "n": len(x), "t0": s0 / ch.sfreq, "dt": 1 / ch.sfreq})
                    parts.append(x.astype(np.float32))
                    continue
                mn, mx = _reduce(x, x, n_cols)
                chans.append({**info, **_env_meta(ch, s0, n, len(mn))})
                parts.append(np.column_stack([mn, mx]).astype(np.float32).ravel())
                continue
            pyr = self.pyramid(i, sos, applied, wait=sos is None or ch.n_times <= SYNC_SAMPLES)
            if pyr is None:  # filtered envelope of a long channel being built: unfiltered meanwhile
                pyr = self.pyramid(i)
                info["filtered"] = False
            level, bsz = 0, BLOCK
            while level + 1 < len(pyr) and bsz * FACTOR * 2 <= per:
                level += 1
                bsz *= FACTOR
            mn_all, mx_all = pyr[level]
            b0, b1 = s0 // bsz, min(len(mn_all), -(-s1 // bsz))
            mn, mx = _reduce(mn_all[b0:b1], mx_all[b0:b1], n_cols)
            chans.append({**info, **_env_meta(ch, b0 * bsz, (b1 - b0) * bsz, len(mn))})
            parts.append(np.column_stack([mn, mx]).astype(np.float32).ravel())
        payload = np.concatenate(parts).astype("<f4").tobytes() if parts else b""
        return {"t0": t0, "t1": t1, "channels": chans}, payload


def _env_meta(ch, s0, n_samples, n):
    return {"mode": "envelope", "n": n, "t0": s0 / ch.sfreq, "dt": n_samples / ch.sfreq / max(n, 1)}


def _reduce(mins, maxs, n_cols):
    """Min/max of ``n_cols`` (or fewer) nearly equal consecutive groups."""
    n = len(mins)
    if n <= n_cols:
        return np.asarray(mins), np.asarray(maxs)
    edges = np.linspace(0, n, n_cols + 1).astype(np.int64)
    return np.minimum.reduceat(mins, edges[:-1]), np.maximum.reduceat(maxs, edges[:-1])
