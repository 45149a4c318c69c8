"""Shared helpers of the physiology step: triggers, filters, epochs, JSON conversion."""
from __future__ import annotations

import numpy as np
import scipy.signal as sps

from .._iir import _slowest_pole, sosfiltfilt
from .._validate import MyoclonusUsageError, _validate_type
from ..detect.stream import plan_chunks
from ..events import Events

from .._json import jsonable  # noqa: E402

__all__ = []

#: Jerk onsets on different channels closer than this (s) belong to one jerk.
_CLUSTER_S = 0.1
#: Core length (s) of the chunks in which the physiology reads and filters EEG and EMG (memory then
#: does not grow with the recording: only decimated results, epochs and sums are kept).
PHYS_CHUNK = 300.0
#: Least overlap (s) read on each side of a chunk; each analysis reads more when its filters need
#: longer to settle (:func:`_settle`: its edge transient decayed to 1e-12), so chunked filtering
#: equals whole-record filtering to that level.
PHYS_PAD = 10.0


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


def _sos(sfreq, l_freq, h_freq, order):
    """The Butterworth cascade of :func:`_filter` (None: no band filter)."""
    nyq = sfreq / 2.0
    if l_freq is not None and h_freq is not None and h_freq < nyq:
        return sps.butter(order, [l_freq, h_freq], "bandpass", fs=sfreq, output="sos")
    if l_freq is not None:
        return sps.butter(order if l_freq >= 0.5 else 1, l_freq, "highpass", fs=sfreq, output="sos")
    if h_freq is not None and h_freq < nyq:
        return sps.butter(order, h_freq, "lowpass", fs=sfreq, output="sos")
    return None


def _settle(sfreq, *, l_freq=None, h_freq=None, notch=None, order=4, tol=1e-12):
    """Seconds for the slowest pole of :func:`_filter`'s filters to decay below ``tol`` (the read
    overlap that makes chunked filtering equal whole-record filtering to ``tol``)."""
    sos = [_sos(sfreq, l_freq, h_freq, order)]
    sos += [sps.tf2sos(*sps.iirnotch(f0, 30.0, fs=sfreq)) for f0 in notch or () if f0 < sfreq / 2.0]
    sos = [s for s in sos if s is not None]
    r = _slowest_pole(np.vstack(sos)) if sos else 0.0
    return 0.0 if r <= 0.0 else float(np.log(tol) / np.log(min(r, 1.0 - 1e-12)) / sfreq)


def _filter(data, sfreq, *, l_freq=None, h_freq=None, notch=None, order=4):
    """Zero-phase Butterworth band-pass/high-pass/low-pass (+ optional notch) along the last axis."""
    x = np.asarray(data, float)
    nyq = sfreq / 2.0
    if x.shape[-1] < 16:
        return x.copy()
    sos = _sos(sfreq, l_freq, h_freq, order)
    y = x - np.mean(x, axis=-1, keepdims=True)
    if sos is not None:
        y = sosfiltfilt(sos, y)
    for f0 in notch or ():
        if f0 < nyq:
            # scipy.signal.filtfilt(b, a, y) as one second-order section (same odd extension of 9
            # samples and steady-state start), compiled (myoclonus._iir)
            y = sosfiltfilt(sps.tf2sos(*sps.iirnotch(f0, 30.0, fs=sfreq)), y, padlen=9)
    return y


def _stream(recording, idx, sfreq, q, filt, *, start=0, stop=None, margin=0, align=1, chunk=None, pad=None):
    """Filter channels ``idx`` chunk by chunk and decimate: yields ``(b0, block, d0, d1)``.

    ``block``, shape ``(len(idx), m)``, holds the decimated samples ``b0, b0 + 1, ...`` (record
    samples ``b0 * q, (b0 + 1) * q, ...``) of ``filt(x)``: the chunk's core ``[d0, d1)`` and up to
    ``margin`` decimated samples on each side (less at the ends of the record), so that an epoch
    centred in the core and reaching at most ``margin`` samples out lies in one block.

    Each channel is read over the chunk and its ``pad`` s overlaps and filtered on its own
    (``filt`` maps a ``(1, n)`` array to its filtered ``(1, n)`` version), so memory holds one
    channel-chunk at the recording's rate; cores start on multiples of ``q`` samples, so the cores
    put end to end are ``filt(whole)[:, ::q]`` (to the filters' settling).
    ``start``, ``stop``: the samples ``[start, stop)`` taken as the whole (decimated indices count
    from ``start``); ``chunk`` (s) defaults to :data:`PHYS_CHUNK`, ``pad`` (s, the filters' settling
    time, :func:`_settle`, at least :data:`PHYS_PAD`) is read beyond the margin; cores start on multiples of ``align``
    decimated samples (whole analysis segments per chunk).
    """
    chunk = PHYS_CHUNK if chunk is None else chunk
    margin = int(margin)
    pad = max(PHYS_PAD, pad or 0.0) + (margin + 1) * q / sfreq  # settled beyond the margin too
    n = min(recording.channels[i].n_times for i in idx)
    stop = n if stop is None else min(int(stop), n)
    start = min(max(0, int(start)), stop)
    for lo, c0, c1, hi in plan_chunks(stop - start, sfreq, chunk, pad=pad, align=q * max(1, int(align))):
        g0 = max(c0 - margin * q, -(-lo // q) * q)  # first decimated sample of the block, >= lo
        g1 = min(c1 + margin * q, hi)
        rows = [filt(recording._read_channel(i, start + lo, start + hi)[np.newaxis])[0, g0 - lo : g1 - lo : q]
                for i in idx]
        yield g0 // q, np.vstack(rows), c0 // q, -(-c1 // q)


def _stream_epochs(recording, idx, sfreq, q, filt, centres, cols, *, reduce=None, pad=None):
    """``filt(data)[:, ::q][:, centres[:, None] + cols]`` without holding the filtered recording.

    ``centres``: decimated sample indices (every ``centres + cols`` inside the decimated record);
    ``cols``: offsets (decimated samples). Returns ``(len(centres), len(idx), len(cols))``; with
    ``reduce``, ``reduce(k, epochs)`` is called per chunk with the positions ``k`` in ``centres``
    of the epochs it holds and nothing is returned (memory: one chunk's epochs).
    """
    centres = np.asarray(centres, np.int64)
    cols = np.asarray(cols, np.int64)
    order = np.argsort(centres, kind="stable")
    sc = centres[order]
    margin = int(max(-cols.min(), cols.max(), 0)) if cols.size else 0
    out = None if reduce is not None else np.empty((centres.size, len(idx), cols.size))
    for b0, block, d0, d1 in _stream(recording, idx, sfreq, q, filt, margin=margin, pad=pad):
        a, b = np.searchsorted(sc, [d0, d1])
        if b <= a:
            continue
        k = order[a:b]
        ep = block[:, (sc[a:b] - b0)[:, None] + cols[None, :]].transpose(1, 0, 2)
        if reduce is not None:
            reduce(k, ep)
        else:
            out[k] = ep
    return out


def _filtered(recording, idx, sfreq, q, filt, *, mean=False, pad=None):
    """All blocks of :func:`_stream` put end to end: ``(len(idx), n_dec)``, or ``(1, n_dec)`` with
    ``mean`` (channels averaged chunk by chunk)."""
    parts = [(b.mean(axis=0, keepdims=True) if mean else b)[:, d0 - b0 : d1 - b0]
             for b0, b, d0, d1 in _stream(recording, idx, sfreq, q, filt, pad=pad)]
    if not parts:
        return np.zeros((1 if mean else len(idx), 0))
    return np.concatenate(parts, axis=1)


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
