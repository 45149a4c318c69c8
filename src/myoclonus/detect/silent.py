"""Silent periods (negative myoclonus) inside tonic EMG (pure functions).

Negative myoclonus is a brief (50-500 ms, often 50-200 ms) interruption of tonic muscle activity,
the EMG dropping to baseline (Shibasaki H, Hallett M 2005, Muscle Nerve 31:157-174,
doi:10.1002/mus.20234; Ugawa Y et al. 1989, Brain 112:175-191, doi:10.1093/brain/112.1.175;
Tassinari CA et al. 1998, Electroencephalogr Clin Neurophysiol 107:181-195,
doi:10.1016/S0013-4694(98)00058-3). It is only defined where there is tonic activity to interrupt,
and a positive jerk is often followed by one (the post-jerk silence of cortical myoclonus, the
cortical silent period after a motor evoked potential).

A silence is judged against the tonic EMG around it, as the cortical silent period is judged
against the variability of the pre-stimulus EMG (Garvey MA et al. 2001, Clin Neurophysiol,
doi:10.1016/S1388-2457(00)00526-4): a quiet stretch is a silent period only when no stretch of the
same length of the surrounding tonic EMG comes near it and it outlasts the gaps that EMG shows
anyway (:func:`detect_silent_periods`). Sparse tonic EMG (a few motor units firing at 5-15 Hz)
pauses 50-100 ms between discharges, at the baseline level: a silence there must be longer.
"""
from __future__ import annotations

import numpy as np

from ._silent_kernels import quiet_runs, silent_candidates
from ._scan import energy_cumsum
from .params import PARAMS

__all__ = ["detect_silent_periods"]

#: Envelope of the candidate silences (s): the moving RMS compared with the local tonic level.
ENVELOPE = 0.010
#: Local tonic level (s): centred moving RMS of the EMG outside the jerks.
LEVEL = 1.0
#: Quiet runs separated by an envelope excursion shorter than this (s) are one candidate: with the
#: 10 ms envelope, a transient under ~5 ms (a noise spike, shorter than a motor unit potential).
JOIN = 0.015
#: Change-point search (s) around the candidate edges.
SEARCH = 0.030
#: Window after a silence (s) in which tonic activity must resume.
AFTER = 0.100
#: A jerk ending at most this long (s) before a candidate can open it: the jerk's decay and the
#: ringing of the 20 Hz high-pass (one period, 50 ms) lie in between.
JERK_GAP = 0.050
#: The reference is stretched up to this factor to hold ``reference`` seconds of usable EMG.
EXTEND = 2.0
#: Tolerance on the measured duration (fraction) against ``min_duration``/``max_duration``.
DURATION_TOL = 0.1


def _default(name):
    return PARAMS[name].default


def detect_silent_periods(
    x,
    sfreq,
    *,
    min_duration=_default("sp_min_duration"),
    max_duration=_default("sp_max_duration"),
    ratio=_default("sp_ratio"),
    tonic_window=_default("sp_tonic_window"),
    min_contrast=_default("sp_min_contrast"),
    reference=_default("sp_reference"),
    gap_ratio=_default("sp_gap_ratio"),
    bursts=None,
    cs2=None,
):
    """Find silent periods in a band-passed EMG.

    1. **Candidates**: runs where the 10 ms RMS envelope falls below ``ratio`` x the local tonic
       level (1 s RMS of the EMG outside the jerks ``bursts``, so that a jerk does not raise the
       level around the silence that follows it), joined across excursions under 15 ms. Their
       onset and offset are refined by a variance change point (tonic -> silence -> activity).
    2. **Post-jerk silence**: when a jerk ends within 50 ms before a candidate and the EMG in
       between (the jerk's decay) is not above the tonic level (mean energy of same-length
       stretches of the reference), the silence starts at the jerk's offset, as the cortical
       silent period is measured from the end of the motor evoked potential (one of its usual
       onset markers; van Kuijk AA et al. 2014, J Neuroeng Rehabil 11:1,
       doi:10.1186/1743-0003-11-1). Its level is measured on the quiet run itself, after the
       jerk's decay.
    3. **A silence against its own tonic EMG**: it lasts ``min_duration``-``max_duration``
       (10% tolerance on the measured edges), and in the ``reference`` seconds of EMG before it
       and after it (jerks and the silences already found left out; stretched up to 2x to hold
       that much) no stretch of the same length has an RMS below ``min_contrast`` x the silent
       RMS (Garvey et al. 2001 judge the cortical silent period against the variability of the
       pre-stimulus EMG; here the comparison is with the tonic EMG's own quietest stretches), and
       it outlasts ``gap_ratio`` x the longest gap of the reference as quiet as it (runs of 10 ms
       windows below ``min_contrast`` x the silent RMS): sparse tonic EMG (a few motor units at
       5-15 Hz) pauses 50-100 ms between discharges, at the baseline level, and the longest of those
       pauses in any stretch would otherwise pass. Quiet runs longer than ``max_duration`` (followed
       beyond the reference to their end) are rest, not tonic activity: they do not count, and the
       EMG before must still hold ``tonic_window`` seconds of tonic activity. Tonic activity must
       resume within 100 ms after the silence (RMS >= ``min_contrast`` x the silent RMS).
       Candidates are taken in time order, so a silence found masks itself out of the references
       of the next.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    min_duration, max_duration : float
        Shortest and longest silence (s).
    ratio : float
        Candidate threshold: the 10 ms envelope below this multiple of the local tonic level.
    tonic_window : float
        Tonic EMG (s) required in the reference before a silence.
    min_contrast : float
        Required ratio of the RMS of every same-length stretch of the surrounding tonic EMG (and
        of the 100 ms after) to the silent RMS.
    reference : float
        Seconds of surrounding EMG on each side to compare a silence with.
    gap_ratio : float
        A silence outlasts this multiple of the longest gap of that EMG as quiet as it.
    bursts : tuple of (starts, stops) | None
        Positive bursts (jerks) already detected (samples, sorted, not overlapping): they are left
        out of the tonic level and of the references, and may open a post-jerk silence.
    cs2 : ndarray | None
        Cumulative sum of squares of ``x`` with a leading zero, if already computed.

    Returns
    -------
    onsets, offsets : ndarray of int
        Samples (offset exclusive).
    tonic : ndarray
        Preceding tonic RMS (uV): the EMG of the reference before the silence, jerks and other
        silences left out.
    silent : ndarray
        RMS inside the silence (uV), on its quiet run (after a jerk's decay).
    """
    empty = (np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros(0))
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    tw_min = int(round(tonic_window * sfreq))
    if n < max(2 * tw_min, int(2 * min_duration * sfreq)) or n < 2:
        return empty
    cs2 = energy_cumsum(x) if cs2 is None else cs2
    bs = np.zeros(0, np.int64) if bursts is None else np.asarray(bursts[0], np.int64)
    be = np.zeros(0, np.int64) if bursts is None else np.asarray(bursts[1], np.int64)
    mask = np.ones(n, np.int8)  # 1: EMG that may count as tonic activity
    for a, b in zip(bs, be):
        mask[max(a, 0):max(b, 0)] = 0
    x2 = np.square(x)
    # the 10 ms RMS below ratio x the 1 s RMS outside the jerks
    s, e = quiet_runs(x2, cs2, mask, max(1, int(round(ENVELOPE * sfreq))), max(1, int(round(LEVEL * sfreq)) // 2),
                      ratio)
    s, e = _join(s, e, int(round(JOIN * sfreq)))
    keep = (e - s) >= 0.5 * min_duration * sfreq
    s, e = s[keep], e[keep]
    if len(s) == 0:
        return empty
    return silent_candidates(
        x2, cs2, mask, s, e, bs, be,
        search=int(round(SEARCH * sfreq)), after_w=max(1, int(round(AFTER * sfreq))),
        jerk_gap=int(round(JERK_GAP * sfreq)), reference=max(1, int(round(reference * sfreq))),
        extend=EXTEND, tonic_min=tw_min, dmin=(1 - DURATION_TOL) * min_duration * sfreq,
        dmax=(1 + DURATION_TOL) * max_duration * sfreq, rest=int(round(max_duration * sfreq)),
        min_contrast=float(min_contrast), gap_window=max(1, int(round(ENVELOPE * sfreq))), gap_ratio=float(gap_ratio))


def _join(s, e, gap):
    """Join runs separated by fewer than ``gap`` samples."""
    if len(s) < 2 or gap <= 0:
        return s, e
    join = (s[1:] - e[:-1]) < gap
    return s[np.r_[True, ~join]], e[np.r_[~join, True]]
