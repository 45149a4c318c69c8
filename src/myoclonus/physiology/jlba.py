"""Jerk-locked back-averaging (JLBA) of the EEG.

References
----------
.. [SH05] Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle Nerve
   31:157-174. doi:10.1002/mus.20234
.. [CB04] Caviness JN, Brown P (2004). Myoclonus: current concepts and recent advances. Lancet
   Neurol 3:598-607. doi:10.1016/S1474-4422(04)00875-8
"""
from __future__ import annotations

import numpy as np

from .._validate import MyoclonusUsageError, _check_range, _validate_type
from ._common import (
    _check_window,
    _decimation,
    _fig_or_save,
    _filter,
    _jsonable,
    _pick_group,
    _random_onsets,
    _resolve_onsets,
    _settle,
    _stream_epochs,
)

__all__ = ["back_average", "JLBAResult", "MIN_SWEEPS"]

#: Fewer sweeps than this: no test is made (a back-average of a few sweeps is noise).
MIN_SWEEPS = 10

SOURCE = "Shibasaki & Hallett 2005, Muscle Nerve, doi:10.1002/mus.20234"


class JLBAResult:
    """Result of :func:`back_average`.

    Attributes
    ----------
    times : ndarray, shape (n_times,)
        Seconds relative to the jerk onset.
    average : ndarray, shape (n_channels, n_times)
        Baseline-corrected average in microvolts.
    ci_low, ci_high : ndarray, shape (n_channels, n_times)
        Bootstrap 95 % confidence band of the average (microvolts).
    ch_names : list of str
    n_sweeps, n_rejected : int
        Sweeps averaged and sweeps rejected as artefacts (or too close to the recording's edges).
    significant : bool
        True when the largest pre-jerk deflection exceeds the random-trigger null at ``alpha``.
    latency_ms : float | None
        Milliseconds *before* the jerk onset (positive number) of the largest deflection; None
        unless significant (the largest deflection is then only in ``peaks['largest']``).
    amplitude_uv : float | None
        Signed amplitude of that deflection (microvolts).
    polarity : str | None
        ``'positive'`` or ``'negative'`` (scalp-positive values are positive numbers here).
    electrode : str | None
        Electrode with the largest deflection.
    contralateral : bool | None
        Whether that electrode lies over the hemisphere opposite to the jerking limb (None when
        either side is unknown or midline).
    topography : dict
        Electrode -> signed amplitude (uV) at the peak latency.
    p_value : float | None
        Random-trigger permutation p-value of the max-statistic (corrected over electrodes and
        latencies of the search window).
    min_detectable_uv : float | None
        The (1 - alpha) quantile of the null: the smallest deflection these sweeps can show.
    n_sweeps_needed : int | None
        Sweeps needed to detect a ``target_uv`` transient at the recording's noise level.
    single_trial_ratio : float | None
        Peak amplitude over the SD of the single-sweep baseline EEG: above ~2 the correlate is
        visible without averaging (cortical-subcortical spike-waves).
    reason : str
        Why nothing was tested, or ``''``.
    """

    def __init__(self, **kw):
        self.times = kw.get("times", np.zeros(0))
        self.average = kw.get("average", np.zeros((0, 0)))
        self.ci_low = kw.get("ci_low", np.zeros((0, 0)))
        self.ci_high = kw.get("ci_high", np.zeros((0, 0)))
        self.ch_names = list(kw.get("ch_names", []))
        self.n_sweeps = int(kw.get("n_sweeps", 0))
        self.n_rejected = int(kw.get("n_rejected", 0))
        self.significant = bool(kw.get("significant", False))
        self.latency_ms = kw.get("latency_ms")
        self.amplitude_uv = kw.get("amplitude_uv")
        self.polarity = kw.get("polarity")
        self.electrode = kw.get("electrode")
        self.contralateral = kw.get("contralateral")
        self.jerk_side = kw.get("jerk_side")
        self.trigger_channel = kw.get("trigger_channel", "")
        self.topography = dict(kw.get("topography", {}))
        self.p_value = kw.get("p_value")
        self.alpha = kw.get("alpha")
        self.min_detectable_uv = kw.get("min_detectable_uv")
        self.n_sweeps_needed = kw.get("n_sweeps_needed")
        self.target_uv = kw.get("target_uv")
        self.single_trial_ratio = kw.get("single_trial_ratio")
        self.lateralization = kw.get("lateralization")
        self.peaks = kw.get("peaks", {})
        self.window_ms = kw.get("window_ms")
        self.n_null = kw.get("n_null")
        self.reason = kw.get("reason", "")

    def __repr__(self):
        if self.significant:
            return (f"<JLBAResult | significant {self.polarity} transient {self.amplitude_uv:.1f} uV at "
                    f"{self.electrode}, {self.latency_ms:.1f} ms before onset, {self.n_sweeps} sweeps, "
                    f"p={self.p_value:.3g}>")
        why = f", {self.reason}" if self.reason else ""
        return f"<JLBAResult | no significant transient, {self.n_sweeps} sweeps{why}>"

    def to_dict(self):
        """JSON-ready summary (no time series)."""
        return _jsonable({
            "significant": self.significant,
            "latency_ms": self.latency_ms,
            "amplitude_uv": self.amplitude_uv,
            "polarity": self.polarity,
            "electrode": self.electrode,
            "contralateral": self.contralateral,
            "jerk_side": self.jerk_side,
            "trigger_channel": self.trigger_channel,
            "topography": self.topography,
            "peaks": self.peaks,
            "p_value": self.p_value,
            "alpha": self.alpha,
            "n_sweeps": self.n_sweeps,
            "n_rejected": self.n_rejected,
            "min_detectable_uv": self.min_detectable_uv,
            "n_sweeps_needed": self.n_sweeps_needed,
            "target_uv": self.target_uv,
            "single_trial_ratio": self.single_trial_ratio,
            "lateralization": self.lateralization,
            "window_ms": self.window_ms,
            "n_null": self.n_null,
            "reason": self.reason,
            "source": SOURCE,
        })

    def plot(self, fname=None):
        """Plot the averages (all electrodes, best one with its 95 % band); returns the Figure."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        if self.average.size:
            t = self.times * 1000.0
            for k, name in enumerate(self.ch_names):
                best = name == self.electrode
                ax.plot(t, self.average[k], lw=1.8 if best else 0.7, alpha=1.0 if best else 0.5,
                        label=name if best else None)
                if best and self.ci_low.size:
                    ax.fill_between(t, self.ci_low[k], self.ci_high[k], alpha=0.2)
            if self.significant and self.latency_ms is not None:
                ax.axvline(-self.latency_ms, ls=":", color="k")
        ax.axvline(0, color="r", lw=1)
        ax.set_xlabel("Time from jerk onset (ms)")
        ax.set_ylabel("EEG (uV)")
        title = "Jerk-locked back-average"
        title += (f": {self.n_sweeps} sweeps, p={self.p_value:.3g}" if self.p_value is not None
                  else f": {self.reason or 'not tested'}")
        ax.set_title(title)
        if self.electrode:
            ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        return _fig_or_save(fig, fname)


def _side_of(sides):
    s = [x for x in sides if x in ("left", "right")]
    if not s:
        return None
    vals, cnt = np.unique(s, return_counts=True)
    return str(vals[int(np.argmax(cnt))])


def back_average(
    recording,
    onsets,
    *,
    picks="eeg",
    tmin=-0.3,
    tmax=0.2,
    baseline=(-0.3, -0.2),
    window=(-0.06, -0.005),
    l_freq=3.0,
    h_freq=100.0,
    notch=(50.0, 60.0),
    reject_uv=250.0,
    n_null=200,
    n_boot=200,
    alpha=0.01,
    target_uv=5.0,
    seed=0,
    jerk_sides=None,
    trigger_channel=None,
):
    """Jerk-locked back-average of the EEG with a random-trigger significance test.

    Parameters
    ----------
    recording : Recording
    onsets : array-like of float | Events
        Jerk onsets in seconds. With an :class:`~myoclonus.Events`, the ``'jerk'`` events of one
        EMG channel are used (``trigger_channel``, default the channel with the most jerks):
        averaging is done per muscle because the premyoclonic lead is the cortico-muscular
        conduction time of that muscle ([SH05]_).
    picks : str | list
        EEG channels (default all EEG).
    tmin, tmax : float
        Epoch limits in seconds around each onset (default -300 to +200 ms, [SH05]_).
    baseline : (float, float)
        Baseline window in seconds (default -300 to -200 ms), subtracted per sweep.
    window : (float, float)
        Search window of the premyoclonic transient (default 60 to 5 ms before onset: the
        cortical spike precedes the jerk by the cortico-muscular conduction time, about 10-40 ms
        for cranial and arm muscles and longer for legs, [SH05]_, [CB04]_).
    l_freq, h_freq : float | None
        Zero-phase band-pass of the EEG in Hz (default 3-100 Hz: the premyoclonic spike lasts
        10-30 ms, so its energy lies above 10 Hz, while the slow background and baseline drift
        that dominate the EEG variance lie below 3 Hz).
    notch : tuple of float
        Mains frequencies to notch (Hz).
    reject_uv : float | None
        Sweeps whose peak-to-peak amplitude on any electrode exceeds this (uV) are rejected
        (package default, not from the literature: high enough to keep generalised spike-waves of
        tens of microvolts, low enough to drop movement and electrode artefacts).
    n_null : int
        Number of random-trigger sets (as many random onsets as sweeps, uniformly in the
        recording) for the null distribution of the max-statistic (largest absolute deflection over
        electrodes and window latencies). ``p = (1 + #{null >= observed}) / (1 + n_null)``.
    n_boot : int
        Bootstrap resamples of the sweeps for the 95 % confidence band.
    alpha : float
        Significance level (default 0.01, a statistical choice so that the false-positive rate
        stays below 5 %).
    target_uv : float
        Transient amplitude (uV) for which the number of sweeps needed is reported; the noise of
        an average falls as 1/sqrt(n_sweeps).
    seed : int
        Seed of the random triggers and the bootstrap.
    jerk_sides : None | str | array-like of str
        Side (``'left'``/``'right'``) of the jerking limb, one for all or one per onset; taken
        from the trigger channel's body site when ``onsets`` is an Events.
    trigger_channel : str | None
        EMG channel whose jerks are used when ``onsets`` is an Events.

    Returns
    -------
    result : JLBAResult
        Always a result; with fewer than :data:`MIN_SWEEPS` usable sweeps or no EEG,
        ``significant=False`` and ``reason`` says why.

    References
    ----------
    .. [SH05] Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle
       Nerve 31:157-174. doi:10.1002/mus.20234
    .. [CB04] Caviness JN, Brown P (2004). Myoclonus: current concepts and recent advances.
       Lancet Neurol 3:598-607. doi:10.1016/S1474-4422(04)00875-8
    """
    _check_range("tmin", tmin, None, 0)
    _check_range("tmax", tmax, 0, None)
    b0, b1 = _check_window("baseline", baseline)
    w0, w1 = _check_window("window", window)
    _check_range("alpha", alpha, 0, 1, inclusive=False)
    _validate_type(n_null, "int", "n_null")
    _check_range("n_null", n_null, 19, None)
    _validate_type(n_boot, "int", "n_boot")
    _validate_type(seed, "int", "seed")
    if not (tmin <= b0 and b1 <= tmax and tmin <= w0 and w1 <= tmax):
        raise MyoclonusUsageError(
            f"baseline {baseline} and window {window} must lie within [tmin, tmax] = [{tmin}, {tmax}] s."
        )
    on, sides, trig = _resolve_onsets(recording, onsets, jerk_sides, channel=trigger_channel)
    common = dict(alpha=alpha, target_uv=target_uv, trigger_channel=trig, jerk_side=_side_of(sides),
                  window_ms=[-w0 * 1000.0, -w1 * 1000.0], n_null=n_null)
    idx, names, sf = _pick_group(recording, picks)
    if not idx:
        return JLBAResult(reason="no EEG channel", **common)
    if on.size < MIN_SWEEPS:
        return JLBAResult(ch_names=names, n_sweeps=0, n_rejected=int(on.size),
                          reason=f"fewer than {MIN_SWEEPS} jerks ({on.size})", **common)
    q = _decimation(sf, max(500.0, 4 * (h_freq or 125.0)))
    sfd = sf / q

    def filt(y):
        return _filter(y, sf, l_freq=l_freq, h_freq=h_freq, notch=notch)

    # the EEG is filtered and decimated chunk by chunk and only the epochs are kept (as _epoch
    # would cut them from the whole filtered, decimated record): memory does not grow with its length
    n_dec = -(-min(recording.channels[i].n_times for i in idx) // q)
    i0, i1 = int(np.round(tmin * sfd)), int(np.round(tmax * sfd))
    times = np.arange(i0, i1 + 1) / sfd
    centre = np.round(on * sfd).astype(int)
    ok = (centre + i0 >= 0) & (centre + i1 < n_dec)
    pad = _settle(sf, l_freq=l_freq, h_freq=h_freq, notch=notch)
    ep = _stream_epochs(recording, idx, sf, q, filt, centre[ok], np.arange(i0, i1 + 1), pad=pad)
    bmask = (times >= b0) & (times <= b1)
    wmask = (times >= w0) & (times <= w1)
    ep = ep - ep[:, :, bmask].mean(axis=2, keepdims=True)
    keep = np.ones(len(ep), bool)
    if reject_uv is not None and len(ep):
        keep = np.ptp(ep, axis=2).max(axis=1) <= reject_uv
    ep = ep[keep]
    n_rej = int((~ok).sum() + (~keep).sum())
    n = len(ep)
    if n < MIN_SWEEPS:
        return JLBAResult(ch_names=names, n_sweeps=n, n_rejected=n_rej, times=times,
                          reason=f"fewer than {MIN_SWEEPS} usable sweeps ({n})", **common)
    avg = ep.mean(axis=0)
    rng = np.random.default_rng(seed)
    # bootstrap band
    flat = ep.reshape(n, -1)
    boots = np.empty((n_boot, flat.shape[1]))
    for k in range(0, n_boot, 50):
        m = min(50, n_boot - k)
        w = rng.multinomial(n, np.full(n, 1.0 / n), size=m) / n
        boots[k : k + m] = w @ flat
    ci_low = np.percentile(boots, 2.5, axis=0).reshape(avg.shape)
    ci_high = np.percentile(boots, 97.5, axis=0).reshape(avg.shape)
    # observed statistic
    seg = np.abs(avg[:, wmask])
    stat = float(seg.max())
    ch_best, t_rel = np.unravel_index(int(np.argmax(seg)), seg.shape)
    t_idx = np.flatnonzero(wmask)[t_rel]
    # random-trigger null (only the baseline and window samples are gathered)
    cols = np.flatnonzero(bmask | wmask)
    off = np.round(times[cols] * sfd).astype(int)
    bsel = bmask[cols]
    wsel = wmask[cols]
    lo_s = -times[0] + 0.01
    hi_s = n_dec / sfd - times[-1] - 0.01
    if hi_s - lo_s < 1.0:
        return JLBAResult(ch_names=names, n_sweeps=n, n_rejected=n_rej, times=times, average=avg,
                          reason="recording too short for a random-trigger null", **common)
    # n_null sets of n random triggers; each set's baseline-corrected window average is summed chunk
    # by chunk (a second pass over the EEG) instead of gathered from the whole record
    rand = np.stack([np.round(_random_onsets(rng, n, lo_s, hi_s) * sfd).astype(int) for _ in range(n_null)])
    which = np.repeat(np.arange(n_null), n)
    sums = np.zeros((n_null, len(idx), int(wsel.sum())))

    def accumulate(k, g):  # g: (m, ch, cols) epochs of the triggers at positions k of rand.ravel()
        v = g[:, :, wsel] - g[:, :, bsel].mean(axis=2, keepdims=True)
        w = which[k]
        order = np.argsort(w, kind="stable")
        sets, first = np.unique(w[order], return_index=True)
        sums[sets] += np.add.reduceat(v[order], first, axis=0)

    _stream_epochs(recording, idx, sf, q, filt, rand.ravel(), off, reduce=accumulate, pad=pad)
    null = np.abs(sums / n).max(axis=(1, 2))
    p = float((1 + np.sum(null >= stat)) / (1 + n_null))
    mdu = float(np.quantile(null, 1 - alpha))
    needed = int(np.ceil(n * (mdu / target_uv) ** 2)) if target_uv else None
    amp = float(avg[ch_best, t_idx])
    electrode = names[ch_best]
    topo = {nm: float(avg[k, t_idx]) for k, nm in enumerate(names)}
    # peaks of both polarities at the best electrode
    wt = times[wmask]
    wb = avg[ch_best, wmask]
    peaks = {
        "positive": {"latency_ms": float(-wt[np.argmax(wb)] * 1000), "amplitude_uv": float(wb.max())},
        "negative": {"latency_ms": float(-wt[np.argmin(wb)] * 1000), "amplitude_uv": float(wb.min())},
    }
    site = recording.channels[idx[ch_best]].site
    jside = _side_of(sides)
    contra = None
    if jside in ("left", "right") and site.side in ("left", "right"):
        contra = site.side != jside
    sd_single = float(np.median(ep[:, :, bmask].std(axis=2)))
    lat_sides = {"left": [], "right": []}
    for k, i in enumerate(idx):
        s = recording.channels[i].site.side
        if s in lat_sides:
            lat_sides[s].append(abs(avg[k, t_idx]))
    lateral = None
    if lat_sides["left"] and lat_sides["right"]:
        L, R = max(lat_sides["left"]), max(lat_sides["right"])
        lateral = float((L - R) / (L + R)) if L + R > 0 else 0.0
    sig = p <= alpha
    largest = {"latency_ms": float(-times[t_idx] * 1000.0), "amplitude_uv": amp, "electrode": electrode}
    if not sig:  # report the largest deflection descriptively, but no transient is claimed
        peaks = dict(peaks, largest=largest)
        return JLBAResult(
            times=times, average=avg, ci_low=ci_low, ci_high=ci_high, ch_names=names, n_sweeps=n,
            n_rejected=n_rej, significant=False, topography=topo, p_value=p, min_detectable_uv=mdu,
            n_sweeps_needed=needed, peaks=peaks, **common,
        )
    return JLBAResult(
        times=times, average=avg, ci_low=ci_low, ci_high=ci_high, ch_names=names, n_sweeps=n,
        n_rejected=n_rej, significant=True, latency_ms=largest["latency_ms"],
        amplitude_uv=amp, polarity="positive" if amp > 0 else "negative", electrode=electrode,
        contralateral=contra, topography=topo, p_value=p, min_detectable_uv=mdu,
        n_sweeps_needed=needed, single_trial_ratio=float(abs(amp) / sd_single) if sd_single > 0 else None,
        lateralization=lateral, peaks=peaks, **common,
    )
