"""Corticomuscular and intermuscular coherence, and pre-jerk beta desynchronisation (ERD).

References
----------
.. [Ha95] Halliday DM, Rosenberg JR, Amjad AM, Breeze P, Conway BA, Farmer SF (1995). A framework
   for the analysis of mixed time series/point process data--theory and application to the study
   of physiological tremor, single motor unit discharges and electromyograms. Prog Biophys Mol
   Biol 64:237-278. doi:10.1016/S0079-6107(96)00009-0
.. [Gr03] Grosse P, Guerrini R, Parmeggiani L, Bonanni P, Pogosyan A, Brown P (2003). Abnormal
   corticomuscular and intermuscular coupling in high-frequency rhythmic myoclonus. Brain
   126:326-342. doi:10.1093/brain/awg038
.. [Br99] Brown P, Farmer SF, Halliday DM, Marsden J, Rothwell JC (1999). Coherent cortical and
   muscle discharge in cortical myoclonus. Brain 122:461-472. doi:10.1093/brain/122.3.461
.. [Be18] Beudel M, Zutt R, Meppelink AM, Little S, Elting JW, Stelten BML, Kuiper A, van der
   Veen S, Tijssen MAJ (2018). Improving neurophysiological biomarkers for functional myoclonic
   movements. Parkinsonism Relat Disord 51:3-8. doi:10.1016/j.parkreldis.2018.03.030
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from .._validate import _check_range, _validate_type
from ._common import (
    _check_window,
    _epoch,
    _fig_or_save,
    _filter,
    _filtered,
    _first_onsets,
    _jsonable,
    _pick_group,
    _resolve_onsets,
    _settle,
    _stream,
)

__all__ = ["coherence", "CoherenceResult", "beta_erd", "ERDResult", "halliday_cl", "BETA_BAND", "EXAGGERATED_COH"]

#: Band of the exaggerated corticomuscular coherence of cortical myoclonus (Hz) [Br99, Gr03].
BETA_BAND = (12.0, 30.0)

#: Peak corticomuscular coherence (tonic segments, 1-s segments) above which the coupling is
#: called exaggerated. No published normative cut-off exists (Brown et al. 1999 and Grosse et
#: al. 2003 compare patients with controls); this is a package heuristic set between the
#: physiological coupling (healthy, functional, essential) and cortical myoclonus in the
#: simulator, and it is reported as such.
EXAGGERATED_COH = 0.5

SOURCE_CL = "Halliday et al. 1995, Prog Biophys Mol Biol, doi:10.1016/S0079-6107(96)00009-0"
SOURCE_BAND = "Grosse et al. 2003, Brain, doi:10.1093/brain/awg038; Brown et al. 1999, Brain, doi:10.1093/brain/122.3.461"
SOURCE_ERD = "Beudel et al. 2018, Parkinsonism Relat Disord, doi:10.1016/j.parkreldis.2018.03.030"


def halliday_cl(n_segments, alpha=0.05):
    """Upper confidence limit of coherence under independence: ``1 - alpha**(1/(L-1))``.

    Parameters
    ----------
    n_segments : int
        Number of disjoint segments ``L`` averaged.
    alpha : float
        Significance level (0.05 gives the 95 % limit of Halliday et al. 1995,
        doi:10.1016/S0079-6107(96)00009-0).
    """
    if n_segments < 2:
        return 1.0
    return float(1.0 - alpha ** (1.0 / (n_segments - 1)))


class CoherenceResult:
    """Result of :func:`coherence`.

    Attributes
    ----------
    freqs : ndarray
        Frequencies in Hz.
    coh : dict
        ``'EEG|EMG'`` (corticomuscular) and ``'EMG|EMG'`` (intermuscular) -> coherence array.
    n_segments : int
        Disjoint segments ``L``.
    cl : float
        Pointwise 95 % confidence limit ``1 - 0.05**(1/(L-1))`` (Halliday et al. 1995).
    cl_corrected : float
        The same limit Bonferroni-corrected over the pairs and frequency bins of ``band``
        (used for ``significant``).
    significant : bool
        A corticomuscular pair exceeds ``cl_corrected`` within ``band``.
    peak_hz, peak_coh, pair : float, float, str
        Largest corticomuscular coherence within ``band`` (whether significant or not).
    bands : list of [float, float]
        Contiguous frequency ranges where the peak pair exceeds the pointwise limit.
    intermuscular : dict
        Same summary for EMG-EMG pairs.
    """

    def __init__(self, **kw):
        self.freqs = kw.get("freqs", np.zeros(0))
        self.coh = dict(kw.get("coh", {}))
        self.n_segments = int(kw.get("n_segments", 0))
        self.cl = kw.get("cl")
        self.cl_corrected = kw.get("cl_corrected")
        self.significant = bool(kw.get("significant", False))
        self.exaggerated = bool(kw.get("exaggerated", False))
        self.exaggerated_coh = kw.get("exaggerated_coh")
        self.peak_hz = kw.get("peak_hz")
        self.peak_coh = kw.get("peak_coh")
        self.pair = kw.get("pair")
        self.bands = kw.get("bands", [])
        self.band = kw.get("band")
        self.intermuscular = kw.get("intermuscular", {})
        self.pairs = kw.get("pairs", {})
        self.reason = kw.get("reason", "")
        self.seglen = kw.get("seglen")

    def __repr__(self):
        if self.peak_hz is None:
            return f"<CoherenceResult | not computed: {self.reason}>"
        sig = "significant" if self.significant else "not significant"
        return (f"<CoherenceResult | peak {self.peak_coh:.3f} at {self.peak_hz:.1f} Hz ({self.pair}), {sig}, "
                f"L={self.n_segments}, CL={self.cl:.4f}>")

    def to_dict(self):
        """JSON-ready summary (no spectra)."""
        return _jsonable({
            "significant": self.significant, "exaggerated": self.exaggerated,
            "exaggerated_coh": self.exaggerated_coh, "peak_hz": self.peak_hz, "peak_coh": self.peak_coh,
            "pair": self.pair, "bands": self.bands, "band_hz": self.band, "n_segments": self.n_segments,
            "seglen_s": self.seglen, "cl": self.cl, "cl_corrected": self.cl_corrected,
            "pairs": self.pairs, "intermuscular": self.intermuscular, "reason": self.reason,
            "source": SOURCE_CL, "band_source": SOURCE_BAND,
        })

    def plot(self, fname=None):
        """Plot the coherence spectrum of the peak pair (and the others faintly); returns the Figure."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        for name, c in self.coh.items():
            if name == self.pair:
                continue
            if name in self.pairs:
                ax.plot(self.freqs, c, color="0.7", lw=0.5)
        if self.pair in self.coh:
            ax.plot(self.freqs, self.coh[self.pair], color="k", lw=1.5, label=self.pair)
            ax.legend(loc="upper right", fontsize=8)
        if self.cl is not None:
            ax.axhline(self.cl, color="r", ls="--", lw=1, label="95% CL")
        if self.cl_corrected is not None:
            ax.axhline(self.cl_corrected, color="r", ls=":", lw=1)
        if self.band:
            ax.axvspan(*self.band, color="b", alpha=0.07)
        ax.set_xlabel("Frequency (Hz)")
        ax.set_ylabel("Coherence")
        ax.set_title("Corticomuscular coherence" + (f" (L={self.n_segments})" if self.n_segments else ""))
        fig.tight_layout()
        return _fig_or_save(fig, fname)


def _spectra(x, nseg, n_per):
    """Hann-tapered FFTs of disjoint segments: (n_ch, L, n_freq)."""
    x = x[:, : nseg * n_per].reshape(x.shape[0], nseg, n_per)
    x = x - x.mean(axis=2, keepdims=True)
    return np.fft.rfft(x * np.hanning(n_per), axis=2)


def _runs(freqs, mask):
    out, start, prev = [], None, None
    for f, m in zip(freqs, mask):
        if m and start is None:
            start = f
        if not m and start is not None:
            out.append([float(start), float(prev)])
            start = None
        prev = f
    if start is not None:
        out.append([float(start), float(prev)])
    return out


def coherence(
    recording,
    *,
    eeg=None,
    emg=None,
    fmin=1.0,
    fmax=100.0,
    seglen=1.0,
    band=BETA_BAND,
    alpha=0.05,
    emg_highpass=20.0,
    tmin=0.0,
    tmax=None,
    tonic_only=True,
    tonic_ratio=2.0,
    exaggerated_coh=EXAGGERATED_COH,
):
    """Corticomuscular (EEG vs rectified EMG) and intermuscular (rectified EMG) coherence.

    Parameters
    ----------
    recording : Recording
    eeg, emg : str | list | None
        Channel picks (default: all EEG, all EMG channels).
    fmin, fmax : float
        Frequency range reported (Hz).
    seglen : float
        Length of the disjoint segments in seconds (frequency resolution ``1/seglen`` Hz).
    band : (float, float)
        Band where the significance and peak are assessed; default 12-30 Hz, the band of the
        exaggerated corticomuscular coupling of cortical myoclonus ([Br99]_, [Gr03]_).
    alpha : float
        Significance level of the confidence limit ``1 - alpha**(1/(L-1))`` ([Ha95]_), with ``L``
        disjoint segments. ``significant`` uses the limit Bonferroni-corrected over the pairs and
        frequency bins in ``band`` (the pointwise limit is also reported).
    emg_highpass : float
        High-pass (Hz) applied to the EMG before full-wave rectification (removes movement and
        ECG low-frequency content; rectification then demodulates the motor-unit drive).
    tmin, tmax : float | None
        Part of the recording analysed (seconds).
    tonic_only : bool
        Use, for each EMG channel, only the segments with tonic activity: segments whose median
        rectified EMG exceeds ``tonic_ratio`` times the channel's resting level (10th percentile
        of the segment medians). Corticomuscular coherence is a property of sustained
        contraction ([Br99]_ recorded it during maintained posture); segments of rest only add
        noise and make the coherence depend on how long the patient held a posture.
    tonic_ratio : float
        See ``tonic_only`` (package default, not from the literature).
    exaggerated_coh : float
        Peak in-band coherence from which a significant coupling is flagged ``exaggerated``
        (package heuristic, see :data:`EXAGGERATED_COH`; physiological 15-30 Hz coherence during
        tonic contraction is normal).

    Returns
    -------
    result : CoherenceResult
        Always a result; without EEG or EMG, or with fewer than 10 segments, nothing is
        significant and ``reason`` says why.

    References
    ----------
    .. [Ha95] Halliday DM et al. (1995). Prog Biophys Mol Biol 64:237-278.
       doi:10.1016/S0079-6107(96)00009-0
    .. [Br99] Brown P, Farmer SF, Halliday DM, Marsden J, Rothwell JC (1999). Coherent cortical
       and muscle discharge in cortical myoclonus. Brain 122:461-472. doi:10.1093/brain/122.3.461
    .. [Gr03] Grosse P, Guerrini R, Parmeggiani L, Bonanni P, Pogosyan A, Brown P (2003). Brain
       126:326-342. doi:10.1093/brain/awg038
    """
    _check_range("fmin", fmin, 0, None)
    _check_range("fmax", fmax, fmin, None, inclusive=False)
    _check_range("seglen", seglen, 0.05, 60, unit="s")
    _check_range("alpha", alpha, 0, 1, inclusive=False)
    b0, b1 = _check_window("band", band)
    common = dict(band=[b0, b1], seglen=seglen, exaggerated_coh=exaggerated_coh)
    ie, ne, sfe = _pick_group(recording, "eeg" if eeg is None else eeg)
    im, nm, sfm = _pick_group(recording, "emg" if emg is None else emg)
    if not im:
        return CoherenceResult(reason="no EMG channel", **common)
    if sfe is not None and sfe != sfm:
        return CoherenceResult(reason="EEG and EMG have different sampling rates", **common)
    sf = sfm
    target = max(2.5 * fmax, 200.0)
    q = max(1, int(sf // target))
    lp = 0.8 * sf / q / 2

    def emg(y):  # rectified EMG, anti-aliased with its mean kept (the tonic test compares levels)
        y = np.abs(_filter(y, sf, l_freq=emg_highpass, notch=(50.0, 60.0)))
        return _filter(y, sf, h_freq=lp) + y.mean(axis=1, keepdims=True) if q > 1 else y

    def eeg(y):
        y = _filter(y, sf, l_freq=max(0.5, fmin / 2), notch=(50.0, 60.0))
        return _filter(y, sf, h_freq=lp) if q > 1 else y

    sfd = sf / q
    n_per = int(round(seglen * sfd))
    freqs = np.fft.rfftfreq(n_per, 1.0 / sfd)
    keep = (freqs >= fmin) & (freqs <= fmax)
    # chunk by chunk (cores of whole segments), in two passes so that memory does not grow with the
    # recording: the median rectified EMG of every segment first (which segments are tonic), then
    # the in-band cross- and auto-spectra summed over the tonic segments of each pair
    a = int(round((tmin or 0.0) * sf))
    b = None if tmax is None else int(round(tmax * sf))
    lp_settle = _settle(sf, h_freq=lp) if q > 1 else 0.0
    kw = dict(start=a, stop=b, align=n_per)
    pad_m = _settle(sf, l_freq=emg_highpass, notch=(50.0, 60.0)) + lp_settle
    pad_e = _settle(sf, l_freq=max(0.5, fmin / 2), notch=(50.0, 60.0)) + lp_settle

    def segments(block, b0_, d0, d1):  # the whole segments of a core (a partial last one is dropped)
        k = (d1 - d0) // n_per
        return block[:, d0 - b0_ : d0 - b0_ + k * n_per], k

    med = []
    for b0_, bm, d0, d1 in _stream(recording, im, sf, q, emg, pad=pad_m, **kw):
        xm_c, k = segments(bm, b0_, d0, d1)
        med.append(np.median(xm_c.reshape(len(nm), k, n_per), axis=2))
    med = np.concatenate(med, axis=1) if med else np.zeros((len(nm), 0))
    nseg = med.shape[1]
    if nseg < 10:
        return CoherenceResult(reason=f"fewer than 10 segments of {seglen:g} s ({nseg})", n_segments=nseg, **common)
    freqs = freqs[keep]
    # segments with tonic activity, per EMG channel
    if tonic_only:
        rest = np.percentile(med, 10, axis=1, keepdims=True)
        active = med > tonic_ratio * np.maximum(rest, 1e-12)
        for b in range(len(nm)):
            if active[b].sum() < 10:
                active[b] = False
    else:
        active = np.ones_like(med, bool)
    n_used = active.sum(axis=1)
    cl = halliday_cl(nseg, alpha)
    inband = (freqs >= b0) & (freqs <= b1)
    cm_list = [(a_, b_) for b_ in range(len(nm)) if n_used[b_] >= 10 for a_ in range(len(ne))]
    im_list = [(a_, b_) for a_ in range(len(nm)) for b_ in range(a_ + 1, len(nm)) if (active[a_] & active[b_]).sum() >= 10]
    nf = int(keep.sum())
    # per pair: sum of Xa conj(Xb), |Xa|^2, |Xb|^2 over its segments (the means of _coh, times L)
    acc = {pair: [np.zeros(nf, complex), np.zeros(nf), np.zeros(nf)] for pair in [("e",) + p for p in cm_list] + [("m",) + p for p in im_list]}
    if acc:
        chunks_e = _stream(recording, ie, sf, q, eeg, pad=pad_e, **kw) if cm_list else None
        g = 0  # first segment of the chunk
        for b0_, bm, d0, d1 in _stream(recording, im, sf, q, emg, pad=pad_m, **kw):
            xm_c, k = segments(bm, b0_, d0, d1)
            Xm = _spectra(xm_c, k, n_per)[:, :, keep]
            Xe = None
            if chunks_e is not None:
                e0, be, _, _ = next(chunks_e)
                Xe = _spectra(segments(be, e0, d0, d1)[0], k, n_per)[:, :, keep]
            for (kind, a_, b_), (sab, saa, sbb) in acc.items():
                use = active[b_, g : g + k] if kind == "e" else active[a_, g : g + k] & active[b_, g : g + k]
                xa = (Xe[a_] if kind == "e" else Xm[a_])[use]
                xb = Xm[b_][use]
                sab += (xa * np.conj(xb)).sum(axis=0)
                saa += (np.abs(xa) ** 2).sum(axis=0)
                sbb += (np.abs(xb) ** 2).sum(axis=0)
            g += k
    coh, cm_pairs, im_pairs, L = {}, [], [], {}
    for (kind, a_, b_), (sab, saa, sbb) in acc.items():
        name = f"{ne[a_]}|{nm[b_]}" if kind == "e" else f"{nm[a_]}|{nm[b_]}"
        with np.errstate(invalid="ignore", divide="ignore"):
            coh[name] = np.nan_to_num(np.abs(sab) ** 2 / (saa * sbb))
        (cm_pairs if kind == "e" else im_pairs).append(name)
        L[name] = int(n_used[b_]) if kind == "e" else int((active[a_] & active[b_]).sum())

    def summarize(names):
        if not names or not inband.any():
            return None
        m = len(names) * int(inband.sum())
        clc = {n: halliday_cl(L[n], alpha / m) for n in names}
        # the pair whose in-band peak stands highest above its own corrected limit
        best = max(names, key=lambda k: coh[k][inband].max() - clc[k])
        c = coh[best]
        k = int(np.argmax(np.where(inband, c, -1)))
        per = {n: {"peak_hz": float(freqs[inband][int(np.argmax(coh[n][inband]))]),
                   "peak_coh": float(coh[n][inband].max()), "n_segments": L[n],
                   "significant": bool(coh[n][inband].max() > clc[n])} for n in names}
        return {"pair": best, "peak_hz": float(freqs[k]), "peak_coh": float(c[k]), "cl_corrected": clc[best],
                "cl": halliday_cl(L[best], alpha), "n_segments": L[best],
                "significant": bool(c[k] > clc[best]), "bands": _runs(freqs, c > halliday_cl(L[best], alpha)),
                "pairs": per}

    if not cm_pairs and not im_pairs:
        return CoherenceResult(n_segments=nseg, reason="fewer than 10 segments with tonic EMG activity", **common)
    inter = summarize(im_pairs) or {}
    inter_out = {k: v for k, v in inter.items() if k != "pairs"}
    if inter:
        inter_out["n_significant_pairs"] = int(sum(v["significant"] for v in inter["pairs"].values()))
        inter_out["n_pairs"] = len(im_pairs)
    cm = summarize(cm_pairs)
    if cm is None:
        return CoherenceResult(freqs=freqs, coh=coh, n_segments=nseg, cl=cl, intermuscular=inter_out,
                               reason="no EEG channel" if not ie else "no EMG channel with tonic activity", **common)
    return CoherenceResult(freqs=freqs, coh=coh, n_segments=cm["n_segments"], cl=cm["cl"], cl_corrected=cm["cl_corrected"],
                           significant=cm["significant"],
                           exaggerated=bool(cm["significant"] and cm["peak_coh"] >= exaggerated_coh), peak_hz=cm["peak_hz"], peak_coh=cm["peak_coh"],
                           pair=cm["pair"], bands=cm["bands"], intermuscular=inter_out, pairs=cm["pairs"],
                           **common)


# --------------------------------------------------------------------------- ERD
class ERDResult:
    """Result of :func:`beta_erd`.

    Attributes
    ----------
    present : bool
        Significant beta power decrease before the jerks.
    erd_percent : float | None
        Beta power change in ``window`` relative to ``baseline`` (percent; negative = ERD).
    p_value : float | None
        One-sided one-sample t-test of the per-sweep log power ratio (< 0).
    n_sweeps : int
    channels : list of str
    times, course : ndarray
        Time axis (s) and the average beta power course in percent of the baseline.
    """

    def __init__(self, **kw):
        self.present = bool(kw.get("present", False))
        self.erd_percent = kw.get("erd_percent")
        self.p_value = kw.get("p_value")
        self.alpha = kw.get("alpha")
        self.n_sweeps = int(kw.get("n_sweeps", 0))
        self.channels = list(kw.get("channels", []))
        self.band = kw.get("band")
        self.window = kw.get("window")
        self.baseline = kw.get("baseline")
        self.times = kw.get("times", np.zeros(0))
        self.course = kw.get("course", np.zeros(0))
        self.reason = kw.get("reason", "")

    def __repr__(self):
        if self.erd_percent is None:
            return f"<ERDResult | not computed: {self.reason}>"
        return (f"<ERDResult | beta change {self.erd_percent:.1f} %, {'present' if self.present else 'absent'}, "
                f"{self.n_sweeps} sweeps, p={self.p_value:.3g}>")

    def to_dict(self):
        """JSON-ready summary."""
        return _jsonable({
            "present": self.present, "erd_percent": self.erd_percent, "p_value": self.p_value,
            "alpha": self.alpha, "n_sweeps": self.n_sweeps, "channels": self.channels, "band_hz": self.band,
            "window_s": self.window, "baseline_s": self.baseline, "reason": self.reason, "source": SOURCE_ERD,
        })

    def plot(self, fname=None):
        """Plot the beta power course (percent of baseline); returns the Figure."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.5))
        if np.size(self.course):
            ax.plot(self.times, self.course, color="k")
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(0, color="r", lw=1)
        ax.set_xlabel("Time from jerk onset (s)")
        ax.set_ylabel("Beta power change (%)")
        ax.set_title("Beta ERD: " + ("present" if self.present else (self.reason or "absent")))
        fig.tight_layout()
        return _fig_or_save(fig, fname)


_ERD_CHANNELS = ("C3", "CZ", "C4", "FCZ", "C1", "C2", "CPZ")


def beta_erd(
    recording,
    onsets,
    *,
    picks=None,
    band=(13.0, 30.0),
    window=(-1.5, -0.1),
    baseline=(-3.5, -2.5),
    isolation=3.5,
    alpha=0.01,
    min_sweeps=15,
):
    """Beta (13-30 Hz) event-related desynchronisation before the jerks.

    Parameters
    ----------
    recording : Recording
    onsets : array-like of float | Events
        Jerk onsets in seconds (with an Events, the earliest onset of each jerk).
    picks : str | list | None
        EEG channels; None: the central channels present (C3, Cz, C4, FCz, C1, C2, CPz),
        averaged.
    band : (float, float)
        Beta band in Hz (default 13-30 Hz, [Be18]_).
    window : (float, float)
        Pre-jerk window (s; default 1.5 s to 0.1 s before onset: premovement ERD starts 1-2 s
        before self-paced movement, [Be18]_; the last 100 ms are left out against artefact).
    baseline : (float, float)
        Reference window (s; default -3.5 to -2.5 s).
    isolation : float
        Only jerks without a jerk in the preceding ``isolation`` seconds are used.
    alpha : float
        Significance level of the one-sided t-test of per-sweep log power ratios.
    min_sweeps : int
        Fewer usable sweeps: not tested.

    Returns
    -------
    result : ERDResult

    References
    ----------
    .. [Be18] Beudel M, Zutt R, Meppelink AM, Little S, Elting JW, Stelten BML, Kuiper A, van der
       Veen S, Tijssen MAJ (2018). Improving neurophysiological biomarkers for functional
       myoclonic movements. Parkinsonism Relat Disord 51:3-8. doi:10.1016/j.parkreldis.2018.03.030
    """
    f0, f1 = _check_window("band", band)
    w0, w1 = _check_window("window", window)
    b0, b1 = _check_window("baseline", baseline)
    _check_range("alpha", alpha, 0, 1, inclusive=False)
    _validate_type(min_sweeps, "int", "min_sweeps")
    from ..events import Events

    on = _first_onsets(onsets) if isinstance(onsets, Events) else _resolve_onsets(recording, onsets)[0]
    common = dict(alpha=alpha, band=[f0, f1], window=[w0, w1], baseline=[b0, b1])
    if picks is None:
        up = {n.upper(): n for n, t in zip(recording.ch_names, recording.ch_types) if t == "eeg"}
        picks = [up[c] for c in _ERD_CHANNELS if c in up]
    idx, names, sf = _pick_group(recording, picks) if picks else ([], [], None)
    if not idx:
        return ERDResult(reason="no central EEG channel", **common)
    on = np.sort(on)
    gap = np.diff(np.concatenate([[-np.inf], on]))
    on = on[gap >= isolation]
    if on.size < min_sweeps:
        return ERDResult(channels=names, n_sweeps=int(on.size),
                         reason=f"fewer than {min_sweeps} isolated jerks ({on.size})", **common)
    from scipy.signal import hilbert

    q = max(1, int(sf // 200))

    def power(y):  # beta-band power envelope, low-passed with its mean kept
        y = np.abs(hilbert(_filter(y, sf, l_freq=f0, h_freq=f1, notch=None), axis=1)) ** 2
        return _filter(y, sf, h_freq=min(10.0, 0.4 * sf / q), order=2) + np.mean(y, axis=1, keepdims=True)

    # chunk by chunk, averaged over the channels and decimated (memory: the ~200 Hz average)
    # the analytic signal's edge error decays too, within the PHYS_PAD floor of the overlap
    p = _filtered(recording, idx, sf, q, power, mean=True,
                  pad=_settle(sf, l_freq=f0, h_freq=f1) + _settle(sf, h_freq=min(10.0, 0.4 * sf / q), order=2))
    sfd = sf / q
    ep, ok, times = _epoch(p, sfd, on, min(b0, w0) - 0.1, max(0.5, w1))
    ep = np.maximum(ep[:, 0, :], 1e-12)
    n = len(ep)
    if n < min_sweeps:
        return ERDResult(channels=names, n_sweeps=n, reason=f"fewer than {min_sweeps} usable sweeps ({n})", **common)
    bm = (times >= b0) & (times <= b1)
    wm = (times >= w0) & (times <= w1)
    base = ep[:, bm].mean(axis=1)
    win = ep[:, wm].mean(axis=1)
    lr = np.log(win / base)
    t = stats.ttest_1samp(lr, 0.0, alternative="less")
    erd = float((win.mean() / base.mean() - 1.0) * 100.0)
    course = (ep.mean(axis=0) / base.mean() - 1.0) * 100.0
    pv = float(t.pvalue)
    return ERDResult(present=bool(pv <= alpha and erd < 0), erd_percent=erd, p_value=pv, n_sweeps=n,
                     channels=names, times=times, course=course, **common)
