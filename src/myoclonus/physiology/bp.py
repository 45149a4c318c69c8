"""Bereitschaftspotential (BP): the slow negativity preceding self-paced (voluntary) movement.

References
----------
.. [vdS12] van der Salm SM, Tijssen MA, Koelman JH, van Rootselaar AF (2012). The
   Bereitschaftspotential in jerky movement disorders. J Neurol Neurosurg Psychiatry
   83:1162-1167. doi:10.1136/jnnp-2012-302532
.. [SH06] Shibasaki H, Hallett M (2006). What is the Bereitschaftspotential? Clin Neurophysiol
   117:2341-2356. doi:10.1016/j.clinph.2006.04.025
"""
from __future__ import annotations

import re
import warnings

import numpy as np
from scipy import stats

from .._validate import _check_range, _validate_type
from ._common import _check_window, _epoch, _fig_or_save, _filter, _filtered, _jsonable, _resolve_onsets, _settle, _shifted_onsets

__all__ = ["bereitschaft", "BPResult", "recording_highpass", "MIN_BP_SWEEPS", "MAX_HIGHPASS_HZ"]

#: Fewer sweeps than this: no test (BP studies average tens of self-paced movements [vdS12]).
MIN_BP_SWEEPS = 15

#: A recording high-pass at or above this (Hz) attenuates the 1-2 s slow negativity: the BP
#: needs DC or a very low high-pass (0.05 Hz or less, [SH06]).
MAX_HIGHPASS_HZ = 0.1

SOURCE = "van der Salm et al. 2012, J Neurol Neurosurg Psychiatry, doi:10.1136/jnnp-2012-302532"

#: Region of interest around the vertex, where the BP is maximal and broad [SH06].
_CENTRAL = ("CZ", "FCZ", "FZ", "CPZ", "C1", "C2", "C3", "C4", "FC1", "FC2")


def recording_highpass(recording, channel=None):
    """Return the recording's own high-pass in Hz (None when unknown).

    Read from an EDF ``prefiltering`` string (``'HP:0.1Hz LP:70Hz'``) stored per channel in
    ``recording.source['prefiltering']`` (dict name -> str, or one str) or in
    ``recording.source['highpass']`` (Hz).
    """
    src = recording.source or {}
    hp = src.get("highpass")
    if isinstance(hp, dict):
        hp = hp.get(channel)
    if hp is not None:
        try:
            return float(hp)
        except (TypeError, ValueError):
            pass
    pre = src.get("prefiltering") or src.get("prefilter")
    if isinstance(pre, dict):
        pre = pre.get(channel, "")
    if isinstance(pre, (list, tuple)):
        names = recording.ch_names
        pre = pre[names.index(channel)] if channel in names and len(pre) == len(names) else ""
    if not pre or not isinstance(pre, str):
        return None
    m = re.search(r"HP\s*[:=]?\s*([0-9.]+)\s*(m?Hz|s)?", pre, re.I)
    if not m:
        if re.search(r"HP\s*[:=]?\s*DC", pre, re.I):
            return 0.0
        return None
    val = float(m.group(1))
    unit = (m.group(2) or "Hz").lower()
    if unit == "mhz":
        val /= 1000.0
    elif unit == "s":  # time constant
        val = 1.0 / (2 * np.pi * val) if val > 0 else None
    return val


class BPResult:
    """Result of :func:`bereitschaft`.

    Attributes
    ----------
    present : bool
        A significant slow negativity before the jerks.
    onset_s : float | None
        Start of the negativity in seconds relative to the jerk onset (negative).
    slope_uv_per_s : float | None
        Slope of the average from ``onset_s`` to the end of the late window (uV/s; negative for
        a rising negativity).
    amplitude_uv : float | None
        Mean amplitude of the late window minus the baseline (uV).
    p_value : float | None
        Circular-shift permutation p-value of the mean late amplitude (one-sided, negative).
    p_ttest : float | None
        One-sided one-sample t-test over sweeps (assumes independent sweeps; for reference).
    n_sweeps : int
    channel : str | None
    warning : str
        Non-empty when the recording's high-pass may hide a BP, or its high-pass is unknown.
    reason : str
        Why nothing was tested, or ``''``.
    """

    def __init__(self, **kw):
        self.times = kw.get("times", np.zeros(0))
        self.average = kw.get("average", np.zeros(0))
        self.sem = kw.get("sem", np.zeros(0))
        self.present = bool(kw.get("present", False))
        self.onset_s = kw.get("onset_s")
        self.slope_uv_per_s = kw.get("slope_uv_per_s")
        self.amplitude_uv = kw.get("amplitude_uv")
        self.p_value = kw.get("p_value")
        self.p_ttest = kw.get("p_ttest")
        self.alpha = kw.get("alpha")
        self.n_sweeps = int(kw.get("n_sweeps", 0))
        self.n_excluded = int(kw.get("n_excluded", 0))
        self.channel = kw.get("channel")
        self.recording_highpass_hz = kw.get("recording_highpass_hz")
        self.warning = kw.get("warning", "")
        self.reason = kw.get("reason", "")
        self.late_window_s = kw.get("late_window_s")
        self.baseline_s = kw.get("baseline_s")

    def __repr__(self):
        if self.present:
            return (f"<BPResult | present at {self.channel}: onset {self.onset_s:.2f} s, "
                    f"{self.amplitude_uv:.1f} uV, {self.n_sweeps} sweeps, p={self.p_value:.3g}>")
        return f"<BPResult | absent, {self.n_sweeps} sweeps{', ' + self.reason if self.reason else ''}>"

    def to_dict(self):
        """JSON-ready summary."""
        return _jsonable({
            "present": self.present, "onset_s": self.onset_s, "slope_uv_per_s": self.slope_uv_per_s,
            "amplitude_uv": self.amplitude_uv, "p_value": self.p_value, "p_ttest": self.p_ttest, "alpha": self.alpha,
            "n_sweeps": self.n_sweeps, "n_excluded": self.n_excluded, "channel": self.channel,
            "recording_highpass_hz": self.recording_highpass_hz, "warning": self.warning,
            "reason": self.reason, "late_window_s": self.late_window_s, "baseline_s": self.baseline_s,
            "source": SOURCE,
        })

    def plot(self, fname=None):
        """Plot the average with its SEM band; returns the Figure."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        if np.size(self.average):
            ax.plot(self.times, self.average, color="k")
            if np.size(self.sem):
                ax.fill_between(self.times, self.average - 1.96 * self.sem, self.average + 1.96 * self.sem, alpha=0.2)
            if self.present and self.onset_s is not None:
                ax.axvline(self.onset_s, ls=":", color="b")
        ax.axvline(0, color="r", lw=1)
        ax.invert_yaxis()  # negative up, EEG convention
        ax.set_xlabel("Time from jerk onset (s)")
        ax.set_ylabel(f"{self.channel or 'EEG'} (uV, negative up)")
        ax.set_title("Bereitschaftspotential: " + ("present" if self.present else (self.reason or "absent")))
        fig.tight_layout()
        return _fig_or_save(fig, fname)


def _auto_channels(recording):
    """EEG channels of the vertex region of interest present in the recording (Cz first)."""
    up = {}
    for n, t in zip(recording.ch_names, recording.ch_types):
        if t == "eeg":
            key = re.split(r"[-\s/:]", re.sub(r"^(eeg|pol)\s+", "", n.strip(), flags=re.I))[0].upper()
            up.setdefault(key, n)
    return [up[c] for c in _CENTRAL if c in up]


def bereitschaft(
    recording,
    onsets,
    *,
    channel=None,
    tmin=-3.0,
    tmax=1.0,
    highpass=0.05,
    lowpass=5.0,
    baseline=(-3.0, -2.5),
    late=(-0.5, -0.1),
    isolation=3.0,
    reject_uv=200.0,
    alpha=0.01,
    n_null=500,
    seed=0,
    jerk_sides=None,
):
    """Bereitschaftspotential before jerks: slow negativity at Cz/FCz, its onset and slope.

    Parameters
    ----------
    recording : Recording
    onsets : array-like of float | Events
        Jerk onsets in seconds (with an Events, the earliest onset of each jerk across channels).
    channel : str | list of str | None
        EEG channel(s), averaged. None: the vertex region of interest present among Cz, FCz, Fz,
        CPz, C1, C2, C3, C4, FC1, FC2 (the BP is maximal at the vertex and broad, [SH06]_;
        averaging neighbouring electrodes reduces the independent drift of each electrode).
    tmin, tmax : float
        Epoch in seconds (default -3 to +1 s, [vdS12]_).
    highpass : float | None
        High-pass in Hz applied here (default 0.05 Hz; None: DC, only the mean is removed).
    lowpass : float
        Low-pass in Hz (the BP is a slow potential; default 5 Hz).
    baseline : (float, float)
        Baseline window in seconds (default -3.0 to -2.5 s, before the early BP which starts
        about 2 s before movement, [SH06]_).
    late : (float, float)
        Window of the late BP used for the test (default -500 to -100 ms: the late BP is
        steepest in the last 500 ms, [SH06]_; the last 100 ms are left out to avoid movement
        artefact).
    isolation : float
        Only jerks without another jerk in the preceding ``isolation`` seconds are averaged
        (default 3 s, so that no movement-related potential of the previous jerk sits in the
        baseline; self-paced BP paradigms space movements by several seconds, [SH06]_).
    reject_uv : float | None
        Sweeps whose peak-to-peak amplitude exceeds this (uV) are rejected (package default, not
        from the literature).
    alpha : float
        Significance level (default 0.01).
    n_null : int
        Circular shifts of the whole set of onsets by a random offset for the null distribution
        of the mean late amplitude: ``p = (1 + #{null <= observed}) / (1 + n_null)``. The shift
        keeps the timing structure of the jerks, so that slow EEG drift shared by neighbouring
        sweeps does not inflate the significance (a t-test over sweeps assumes independent
        sweeps; its p-value is reported as ``p_ttest``).
    seed : int
        Seed of the shifts.
    jerk_sides : ignored
        Accepted for symmetry with :func:`back_average`.

    Returns
    -------
    result : BPResult
        Always a result: ``present=False`` with ``reason`` when untestable. ``warning`` is set
        when the recording's own high-pass is >= 0.1 Hz (the BP then cannot be seen reliably,
        [SH06]_) or unknown.

    References
    ----------
    .. [vdS12] van der Salm SM, Tijssen MA, Koelman JH, van Rootselaar AF (2012). The
       Bereitschaftspotential in jerky movement disorders. J Neurol Neurosurg Psychiatry
       83:1162-1167. doi:10.1136/jnnp-2012-302532
    .. [SH06] Shibasaki H, Hallett M (2006). What is the Bereitschaftspotential? Clin
       Neurophysiol 117:2341-2356. doi:10.1016/j.clinph.2006.04.025
    """
    _check_range("tmin", tmin, None, 0)
    _check_range("tmax", tmax, 0, None)
    b0, b1 = _check_window("baseline", baseline)
    l0, l1 = _check_window("late", late)
    _check_range("alpha", alpha, 0, 1, inclusive=False)
    _check_range("isolation", isolation, 0, None)
    if highpass is not None:
        _check_range("highpass", highpass, 0, 1, unit="Hz", inclusive=False)
    _check_range("lowpass", lowpass, 0.5, None, unit="Hz")
    from ..events import Events

    if isinstance(onsets, Events):
        from ._common import _first_onsets

        on = _first_onsets(onsets)
    else:
        on, _, _ = _resolve_onsets(recording, onsets)
    common = dict(alpha=alpha, late_window_s=[l0, l1], baseline_s=[b0, b1])
    if channel is None:
        chans = _auto_channels(recording)
    else:
        chans = [channel] if isinstance(channel, str) else list(channel)
        for c in chans:
            _validate_type(c, "str", "channel")
        chans = [recording.ch_names[i] for i in recording.pick_indices(chans)]
    if not chans:
        return BPResult(reason="no central EEG channel (Cz/FCz)", **common)
    channel = "+".join(chans)
    hps = [recording_highpass(recording, c) for c in chans]
    hp = None if any(h is None for h in hps) else max(hps)
    if hp is None:
        warn = "the recording's own high-pass is unknown; a high-pass >= 0.1 Hz hides the BP"
    elif hp >= MAX_HIGHPASS_HZ:
        warn = (f"the recording was high-passed at {hp:g} Hz (>= {MAX_HIGHPASS_HZ} Hz): a BP cannot be "
                "seen reliably; absence of a BP is not evidence against a functional origin")
        warnings.warn(warn, stacklevel=2)
    else:
        warn = ""
    common.update(channel=channel, recording_highpass_hz=hp, warning=warn)
    # isolated jerks
    on = np.sort(on)
    prev_gap = np.diff(np.concatenate([[-np.inf], on]))
    iso = prev_gap >= isolation
    n_excl = int((~iso).sum())
    on = on[iso]
    if on.size < MIN_BP_SWEEPS:
        return BPResult(n_sweeps=int(on.size), n_excluded=n_excl,
                        reason=f"fewer than {MIN_BP_SWEEPS} isolated jerks ({on.size})", **common)
    idx = recording.pick_indices(chans)
    sf = recording.channels[idx[0]].sfreq
    idx = [i for i in idx if recording.channels[i].sfreq == sf]
    q = max(1, int(sf // 50))
    # filtered chunk by chunk, averaged over the channels and decimated (memory: the ~50 Hz average)
    x = _filtered(recording, idx, sf, q, lambda y: _filter(y, sf, l_freq=highpass, h_freq=lowpass, order=2), mean=True,
                  pad=_settle(sf, l_freq=highpass, h_freq=lowpass, order=2))
    sfd = sf / q
    ep, ok, times = _epoch(x, sfd, on, tmin, tmax)
    ep = ep[:, 0, :]
    bm = (times >= b0) & (times <= b1)
    lm = (times >= l0) & (times <= l1)
    ep = ep - ep[:, bm].mean(axis=1, keepdims=True)
    keep = np.ones(len(ep), bool)
    if reject_uv is not None and len(ep):
        keep = np.ptp(ep[:, times <= l1], axis=1) <= reject_uv
    ep = ep[keep]
    n_excl += int((~ok).sum() + (~keep).sum())
    n = len(ep)
    if n < MIN_BP_SWEEPS:
        return BPResult(n_sweeps=n, n_excluded=n_excl, times=times,
                        reason=f"fewer than {MIN_BP_SWEEPS} usable sweeps ({n})", **common)
    avg = ep.mean(axis=0)
    sem = ep.std(axis=0, ddof=1) / np.sqrt(n)
    amp_each = ep[:, lm].mean(axis=1)
    amp = float(amp_each.mean())
    t = stats.ttest_1samp(amp_each, 0.0, alternative="less")
    p_t = float(t.pvalue)
    # circular-shift null of the mean late amplitude
    rng = np.random.default_rng(seed)
    on_used = on[ok][keep]
    t_lo, t_hi = -tmin + 0.01, x.shape[1] / sfd - tmax - 0.01
    null = np.empty(n_null)
    for k in range(n_null):
        e0, _, _ = _epoch(x, sfd, _shifted_onsets(rng, on_used, t_lo, t_hi), tmin, tmax)
        e0 = e0[:, 0, :]
        e0 = e0 - e0[:, bm].mean(axis=1, keepdims=True)
        if reject_uv is not None:
            e0 = e0[np.ptp(e0[:, times <= l1], axis=1) <= reject_uv]
        null[k] = e0[:, lm].mean() if len(e0) else 0.0
    p = float((1 + np.sum(null <= amp)) / (1 + n_null))
    present = bool(p <= alpha and amp < 0)
    onset = slope = None
    if present:
        # onset: start of the last continuous stretch before the late window where the average
        # is below 2 SD of the baseline's sweep-to-sweep noise (SEM)
        thr = -2.0 * float(np.mean(sem[bm])) if np.any(bm) else 0.0
        below = avg < thr
        k = int(np.flatnonzero(times <= l1)[-1])
        if below[k]:
            j = k
            while j > 0 and below[j - 1] and times[j - 1] > b1:
                j -= 1
            onset = float(times[j])
        else:
            onset = float(times[np.flatnonzero(lm)[0]])
        seg = (times >= onset) & (times <= l1)
        if seg.sum() >= 3:
            slope = float(np.polyfit(times[seg], avg[seg], 1)[0])
    return BPResult(times=times, average=avg, sem=sem, present=present, onset_s=onset,
                    slope_uv_per_s=slope, amplitude_uv=amp, p_value=p, p_ttest=p_t, n_sweeps=n,
                    n_excluded=n_excl, **common)
