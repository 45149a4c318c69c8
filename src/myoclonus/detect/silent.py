"""Silent periods (negative myoclonus) inside tonic EMG (pure functions).

Negative myoclonus is a brief (50-500 ms) interruption of tonic muscle activity, the EMG dropping to
baseline (Shibasaki H, Hallett M 2005, Muscle Nerve 31:157-174, doi:10.1002/mus.20234; Ugawa Y et al.
1989, Brain 112:175-191, doi:10.1093/brain/112.1.175). It is only defined where there is tonic
activity to interrupt.
"""
from __future__ import annotations

import numpy as np

from ._kernels import silent_candidates
from ._scan import energy_cumsum, silence_runs

__all__ = ["SILENT_DEFAULTS", "detect_silent_periods"]

#: Defaults of :func:`detect_silent_periods` with the reason for each value.
SILENT_DEFAULTS = {
    "sp_min_duration": (0.050, "s; negative myoclonus lasts 50-500 ms (Shibasaki & Hallett 2005, doi:10.1002/mus.20234); shorter dips are envelope fluctuations of tonic EMG."),
    "sp_max_duration": (0.500, "s; longer pauses are relaxation, not a myoclonic lapse."),
    "sp_ratio": (0.45, "x local (1 s) RMS; the 10 ms envelope must drop below this to start a candidate silence (7 dB below the local level; tuned on the simulator)."),
    "sp_tonic_window": (0.40, "s; tonic activity measured in this window before the silence; it must be active throughout (every 50 ms sub-window)."),
    "sp_min_contrast": (2.0, "x silent RMS; the tonic level before (every 50 ms sub-window) and the activity after must exceed the silence by this factor (6 dB)."),
}


def detect_silent_periods(
    x,
    sfreq,
    *,
    min_duration=SILENT_DEFAULTS["sp_min_duration"][0],
    max_duration=SILENT_DEFAULTS["sp_max_duration"][0],
    ratio=SILENT_DEFAULTS["sp_ratio"][0],
    tonic_window=SILENT_DEFAULTS["sp_tonic_window"][0],
    min_contrast=SILENT_DEFAULTS["sp_min_contrast"][0],
    bursts=None,
    cs2=None,
):
    """Find silent periods in a band-passed EMG.

    A 10 ms RMS envelope below ``ratio`` x the 1 s local RMS marks candidate silences; their
    onset and offset are refined by a variance change point (tonic -> silence, silence -> activity).
    A silence is kept when it lasts ``min_duration``-``max_duration`` s, every 50 ms sub-window of
    the ``tonic_window`` before it is active (RMS >= ``min_contrast`` x the silent RMS), and activity
    resumes within 100 ms after it (RMS of the next 100 ms >= ``min_contrast`` x the silent RMS).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.

    bursts : tuple of (starts, stops) | None
        Positive bursts (jerks) already detected: they do not count as tonic activity, so that the
        quiet gap after an isolated jerk is not a silent period.
    cs2 : ndarray | None
        Cumulative sum of squares of ``x`` with a leading zero, if already computed.

    Returns
    -------
    onsets, offsets : ndarray of int
        Samples (offset exclusive).
    tonic : ndarray
        Preceding tonic RMS (uV).
    silent : ndarray
        RMS inside the silence (uV).
    """
    empty = (np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros(0))
    n = x.size
    if n < int(2 * tonic_window * sfreq):
        return empty
    # the 10 ms RMS below ratio x the 1 s RMS (one compiled pass, see _scan.silence_runs)
    s, e = silence_runs(x, int(0.01 * sfreq), int(1.0 * sfreq), ratio)
    if len(s) == 0:
        return empty
    gap = int(0.03 * sfreq)  # brief noise peaks inside a silence do not split it
    if len(s) > 1:
        join = (s[1:] - e[:-1]) < gap
        s = s[np.concatenate([[True], ~join])]
        e = e[np.concatenate([~join, [True]])]
    keep = ((e - s) >= 0.5 * min_duration * sfreq) & ((e - s) <= 1.5 * max_duration * sfreq)
    s, e = s[keep], e[keep]
    x2 = np.square(x)
    cs2 = energy_cumsum(x) if cs2 is None else cs2
    tw = int(tonic_window * sfreq)
    sub = max(1, int(0.05 * sfreq))
    after_w = int(0.1 * sfreq)
    search = int(0.03 * sfreq)
    return silent_candidates(x2, cs2, s, e, tw, sub, after_w, search, min_duration * sfreq * 0.9,
                             max_duration * sfreq * 1.1, min_contrast, bursts)
