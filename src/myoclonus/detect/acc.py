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

__all__ = ["ACC_DEFAULTS", "group_acc_channels", "detect_acc_jerks", "link_to_emg"]

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
    h = min(30.0, 0.4 * sfreq)
    j = jerk_signal(acc, sfreq, l_freq=0.5, h_freq=h, log=log)
    floor = noise_floor(j, sfreq)
    if floor <= 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0), 0.0
    s, e = hysteresis(j, k_on * floor, k_off * floor)
    s, e = merge_close(s, e, int(merge_gap * sfreq))
    edge = int(0.1 * sfreq)  # filter edge transients
    keep = ((e - s) <= max_duration * sfreq) & (s >= edge) & (s < j.size - edge)
    s, e = s[keep], e[keep]
    return s, e, segment_max(j, s, e), floor


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
