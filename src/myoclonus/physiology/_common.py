"""Shared helpers of the physiology step: triggers, filters, epochs, JSON conversion."""
from __future__ import annotations

import numpy as np
import scipy.signal as sps

from .._validate import MyoclonusUsageError, _validate_type
from ..events import Events

from .._json import jsonable  # noqa: E402

__all__ = []

#: Jerk onsets on different channels closer than this (s) belong to one jerk.
_CLUSTER_S = 0.1


def _jsonable(obj):
    """Convert numpy scalars/arrays (recursively) to plain Python for JSON."""
    return jsonable(obj)


def _jerk_events(events):
    """Return the 'jerk' events of an :class:`Events` (all events when no kind is 'jerk')."""
    if len(events) == 0:
        return events
    kinds = events.kind.astype(str)
    return events[kinds == "jerk"]


def _trigger_channel(events):
    """Name of the EMG channel with the most jerks ('' when events have no channel)."""
    ev = _jerk_events(events)
    if len(ev) == 0:
        return ""
    names, counts = np.unique(ev.channel.astype(str), return_counts=True)
    return str(names[int(np.argmax(counts))])


def _resolve_onsets(recording, onsets, jerk_sides=None, *, channel=None):
    """Return ``(onsets_s, sides, trigger_channel)`` from an array of seconds or an Events.

    With an :class:`Events`, the jerks of one EMG channel are used as triggers (``channel``, or
    the channel with the most jerks): back-averaging is done per muscle because the premyoclonic
    lead depends on the cortico-muscular conduction time of that muscle (Shibasaki & Hallett 2005,
    doi:10.1002/mus.20234). The side of the jerking limb comes from that channel's body site.
    """
    trig = ""
    if isinstance(onsets, Events):
        ev = _jerk_events(onsets)
        trig = channel if channel is not None else _trigger_channel(ev)
        if trig:
            ev = ev[ev.channel.astype(str) == trig]
        on = np.asarray(ev.onset, float)
        if jerk_sides is None and trig and trig in recording.ch_names:
            side = recording.channels[recording.ch_names.index(trig)].site.side
            jerk_sides = side
    elif onsets is None:
        on = np.zeros(0)
    else:
        on = np.asarray(onsets, dtype=float).ravel()
        if on.size and not np.all(np.isfinite(on)):
            raise MyoclonusUsageError("Jerk onsets must be finite numbers of seconds.")
    on = np.sort(on)
    if jerk_sides is None or isinstance(jerk_sides, str):
        sides = np.full(on.size, jerk_sides if jerk_sides else "", dtype=object)
    else:
        sides = np.asarray(list(jerk_sides), dtype=object).ravel()
        if sides.size != on.size:
            raise MyoclonusUsageError(f"Got {sides.size} jerk sides for {on.size} onsets.")
        sides = np.array(["" if s is None else str(s) for s in sides], dtype=object)
    return on, sides, trig


def _first_onsets(events):
    """Earliest onset of each jerk (onsets on any channel within 100 ms are one jerk)."""
    ev = _jerk_events(events)
    on = np.sort(np.asarray(ev.onset, float))
    if on.size == 0:
        return on
    keep = np.concatenate([[True], np.diff(on) > _CLUSTER_S])
    # a cluster starts where the gap to the previous onset exceeds the window
    starts = on[keep]
    return starts


def _pick_group(recording, picks):
    """Indices, names and sampling rate of picked channels sharing the most common rate."""
    idx = recording.pick_indices(picks, allow_empty=True)
    if not idx:
        return [], [], None
    rates = {}
    for i in idx:
        rates.setdefault(recording.channels[i].sfreq, []).append(i)
    sf = max(rates, key=lambda r: len(rates[r]))
    idx = rates[sf]
    return idx, [recording.channels[i].name for i in idx], float(sf)


def _filter(data, sfreq, *, l_freq=None, h_freq=None, notch=None, order=4):
    """Zero-phase Butterworth band-pass/high-pass/low-pass (+ optional notch) along the last axis."""
    x = np.asarray(data, float)
    nyq = sfreq / 2.0
    if x.shape[-1] < 16:
        return x.copy()
    if l_freq is not None and h_freq is not None and h_freq < nyq:
        sos = sps.butter(order, [l_freq, h_freq], "bandpass", fs=sfreq, output="sos")
    elif l_freq is not None:
        sos = sps.butter(order if l_freq >= 0.5 else 1, l_freq, "highpass", fs=sfreq, output="sos")
    elif h_freq is not None and h_freq < nyq:
        sos = sps.butter(order, h_freq, "lowpass", fs=sfreq, output="sos")
    else:
        sos = None
    y = x - np.mean(x, axis=-1, keepdims=True)
    if sos is not None:
        y = sps.sosfiltfilt(sos, y, axis=-1)
    for f0 in notch or ():
        if f0 < nyq:
            b, a = sps.iirnotch(f0, 30.0, fs=sfreq)
            y = sps.filtfilt(b, a, y, axis=-1)
    return y


def _decimation(sfreq, target):
    """Integer decimation factor bringing ``sfreq`` close to (not below) ``target`` Hz."""
    return max(1, int(sfreq // target))


def _epoch(data, sfreq, onsets, tmin, tmax):
    """Cut epochs ``(n_ok, n_ch, n_t)``; returns epochs, kept mask and the time axis (s)."""
    i0 = int(np.round(tmin * sfreq))
    i1 = int(np.round(tmax * sfreq))
    times = np.arange(i0, i1 + 1) / sfreq
    n = data.shape[-1]
    centre = np.round(np.asarray(onsets, float) * sfreq).astype(int)
    ok = (centre + i0 >= 0) & (centre + i1 < n)
    idx = centre[ok][:, None] + np.arange(i0, i1 + 1)[None, :]
    ep = data[:, idx].transpose(1, 0, 2) if idx.size else np.zeros((0, data.shape[0], times.size))
    return ep, ok, times


def _random_onsets(rng, n, lo, hi):
    return np.sort(rng.uniform(lo, hi, n)) if hi > lo else np.zeros(0)


def _fig_or_save(fig, fname):
    if fname is not None:
        fig.savefig(fname, dpi=100, bbox_inches="tight")
    return fig


def _check_window(name, win, lo=None, hi=None):
    _validate_type(win, (tuple, list), name)
    if len(win) != 2 or not win[0] < win[1]:
        raise MyoclonusUsageError(f"'{name}' must be (start, stop) with start < stop in seconds, but got {win!r}.")
    return float(win[0]), float(win[1])


def _shifted_onsets(rng, onsets, t_lo, t_hi):
    """Onsets circularly shifted by one random offset within [t_lo, t_hi) (timing structure kept).

    The shift null keeps the intervals between triggers (trains, refractoriness, slow
    non-stationarity) while breaking their relation to the EEG.
    """
    span = t_hi - t_lo
    if span <= 0:
        return np.asarray(onsets, float)
    off = rng.uniform(0.1 * span, 0.9 * span)
    return np.sort(t_lo + np.mod(np.asarray(onsets, float) - t_lo + off, span))
