"""Accelerometer jerks: brief high-jerk transients (pure functions).

A myoclonic jerk moves the limb abruptly: the time derivative of acceleration (jerk, m/s^3) shows a
brief transient tens of milliseconds after the EMG burst (electromechanical delay), whereas voluntary
movements are smooth (minimum-jerk; Flash T, Hogan N 1985, J Neurosci 5:1688-1703,
doi:10.1523/JNEUROSCI.05-07-01688.1985).
"""
from __future__ import annotations

import re

import numpy as np

from ..preprocess import jerk_signal
from .bursts import hysteresis, merge_close, noise_floor, segment_max
from .stream import CHUNK, plan_chunks, stats_segments

__all__ = ["ACC_DEFAULTS", "group_acc_channels", "detect_acc_jerks", "detect_acc_streamed", "link_to_emg"]

#: Defaults for accelerometer jerks with the reason for each value.
ACC_DEFAULTS = {
    "acc_k_on": (25.0, "x quiet jerk-magnitude RMS; a myoclonic jerk is an abrupt transient far above sensor noise, tremor and smooth (minimum-jerk) voluntary movement, which reach 10-17x on simulated wrist sensors while myoclonic jerks reach 50-300x."),
    "acc_k_off": (3.0, "x quiet RMS; hysteresis end of the transient."),
    "acc_max_duration": (0.3, "s; longer high-jerk episodes are voluntary movements, not a jerk."),
    "acc_merge_gap": (0.1, "s; oscillations of one mechanical response are merged."),
    "acc_max_delay": (0.15, "s; an EMG jerk up to this long before an accelerometer jerk is its cause (electromechanical delay is 10-100 ms)."),
}

_AXIS = re.compile(r"[\s_\-\.]?[xyz]$", re.IGNORECASE)


def group_acc_channels(names):
    """Group accelerometer axis channels into sensors by their name without the axis suffix.

    Returns
    -------
    groups : dict
        ``{sensor_name: [indices into names]}``, in order of appearance.
    """
    groups = {}
    for i, n in enumerate(names):
        key = _AXIS.sub("", n) or n
        groups.setdefault(key, []).append(i)
    return groups


def _jerk(acc, sfreq, log=None):
    """Jerk magnitude (m/s^3) of a ``(n_axes, n_times)`` acceleration, 0.5-30 Hz."""
    return jerk_signal(acc, sfreq, l_freq=0.5, h_freq=min(30.0, 0.4 * sfreq), log=log)


def _runs(j, floor, sfreq, k_on, k_off, merge_gap):
    s, e = hysteresis(j, k_on * floor, k_off * floor)
    return merge_close(s, e, int(merge_gap * sfreq))


def _kept(s, e, n, sfreq, max_duration):
    """Transients short enough, and away from the record's ends (filter edge transients)."""
    edge = int(0.1 * sfreq)
    return ((e - s) <= max_duration * sfreq) & (s >= edge) & (s < n - edge)


def detect_acc_jerks(
    acc,
    sfreq,
    *,
    k_on=ACC_DEFAULTS["acc_k_on"][0],
    k_off=ACC_DEFAULTS["acc_k_off"][0],
    max_duration=ACC_DEFAULTS["acc_max_duration"][0],
    merge_gap=ACC_DEFAULTS["acc_merge_gap"][0],
    log=None,
):
    """Detect accelerometer jerks on one sensor.

    Parameters
    ----------
    acc : ndarray, shape (n_axes, n_times)
        Acceleration (m/s^2).
    sfreq : float
        Hz.

    Returns
    -------
    starts, stops : ndarray of int
    peak_jerk : ndarray
        Peak jerk magnitude (m/s^3).
    floor : float
        Quiet RMS of the jerk magnitude (m/s^3).
    """
    j = _jerk(acc, sfreq, log=log)
    floor = noise_floor(j, sfreq)
    if floor <= 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0), 0.0
    s, e = _runs(j, floor, sfreq, k_on, k_off, merge_gap)
    keep = _kept(s, e, j.size, sfreq, max_duration)
    s, e = s[keep], e[keep]
    return s, e, segment_max(j, s, e), floor


def detect_acc_streamed(
    read,
    n,
    sfreq,
    *,
    chunk_duration=CHUNK,
    k_on=ACC_DEFAULTS["acc_k_on"][0],
    k_off=ACC_DEFAULTS["acc_k_off"][0],
    max_duration=ACC_DEFAULTS["acc_max_duration"][0],
    merge_gap=ACC_DEFAULTS["acc_merge_gap"][0],
    log=None,
):
    """:func:`detect_acc_jerks` on a sensor read chunk by chunk, so memory does not grow with its length.

    A sensor no longer than the statistics sample (:data:`~.stream.STATS_SECONDS`) is detected in one
    piece, exactly as :func:`detect_acc_jerks`. A longer one takes its quiet jerk RMS from its
    statistics sample (:func:`~.stream.stats_segments`, as the EMG noise floor) and is detected in
    chunks with :data:`~.stream.PAD` s of overlap (:func:`~.stream.plan_chunks`); each transient
    belongs to the chunk holding its onset. Transients are at most ``max_duration`` s and their
    merges span ``merge_gap`` s, so a chunk sees each of its own whole; the 0.5 Hz high-pass settles
    to about 3e-10 of its edge transient over the overlap, so chunked (``chunk_duration`` in s) and
    whole (``chunk_duration=None``) detection agree.

    Parameters
    ----------
    read : callable
        ``read(start, stop)`` returns the sensor's axes over samples ``[start, stop)``, shape
        ``(n_axes, stop - start)``, m/s^2.
    n : int
        Samples of the sensor.
    sfreq : float
        Hz.

    Returns
    -------
    starts, stops, peak_jerk, floor
        As :func:`detect_acc_jerks`, in samples of the sensor.
    """
    segs = stats_segments(n, sfreq)
    if len(segs) == 1:
        return detect_acc_jerks(read(0, n), sfreq, k_on=k_on, k_off=k_off, max_duration=max_duration,
                                merge_gap=merge_gap, log=log)
    floor = noise_floor(np.concatenate([_jerk(read(a, b), sfreq) for a, b in segs]), sfreq)
    if floor <= 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0), 0.0
    starts, stops, peaks = [], [], []
    for k, (lo, c0, c1, hi) in enumerate(plan_chunks(n, sfreq, chunk_duration)):
        j = _jerk(read(lo, hi), sfreq, log=log if k == 0 else None)
        s, e = _runs(j, floor, sfreq, k_on, k_off, merge_gap)
        keep = (s + lo >= c0) & (s + lo < c1) & _kept(s + lo, e + lo, n, sfreq, max_duration)
        s, e = s[keep], e[keep]
        starts.append(s + lo)
        stops.append(e + lo)
        peaks.append(segment_max(j, s, e))
    return np.concatenate(starts), np.concatenate(stops), np.concatenate(peaks), floor


def link_to_emg(acc_onsets, emg_onsets, emg_channels, *, max_delay=ACC_DEFAULTS["acc_max_delay"][0], lead=0.04):
    """Link each accelerometer jerk to the latest EMG jerk starting up to ``max_delay`` s before it.

    EMG onsets up to ``lead`` s after the accelerometer onset are accepted too (filter spread of the
    jerk signal); the delay is then negative and means the mechanical delay is under the resolution.

    Returns
    -------
    delay_ms : ndarray
        Mechanical delay (accelerometer onset - EMG onset, ms), NaN when unlinked.
    channel : ndarray of str
        EMG channel of the linked jerk ('' when unlinked).
    """
    acc_onsets = np.asarray(acc_onsets, float)
    delay = np.full(acc_onsets.size, np.nan)
    chans = np.array([""] * acc_onsets.size, dtype=object)
    if acc_onsets.size == 0 or len(emg_onsets) == 0:
        return delay, chans.astype(str)
    order = np.argsort(emg_onsets)
    eo = np.asarray(emg_onsets, float)[order]
    ec = np.asarray(emg_channels, dtype=object)[order]
    # the zero-phase band-pass of the jerk signal spreads a transient up to ~1/h_freq (30 ms) before
    # it, so an EMG onset up to `lead` after the accelerometer onset is still its cause
    idx = np.searchsorted(eo, acc_onsets + lead, side="right") - 1
    ok = idx >= 0
    d = np.where(ok, acc_onsets - eo[np.maximum(idx, 0)], np.inf)
    ok &= (d <= max_delay) & (d >= -lead)
    delay[ok] = d[ok] * 1000
    chans[ok] = ec[idx[ok]]
    return delay, chans.astype(str)
