"""ECG contamination of EMG: QRS detection and template subtraction (pure functions).

References
----------
- Pan J, Tompkins WJ (1985). A real-time QRS detection algorithm. IEEE Trans Biomed Eng 32:230-236.
  doi:10.1109/TBME.1985.325532
- Mak JN, Hu Y, Luk KD (2010). An automated ECG-artifact removal method for trunk muscle surface EMG
  recordings. Med Eng Phys 32:840-848. doi:10.1016/j.medengphy.2010.05.007 (template subtraction).
- Niazy RK, Beckmann CF, Iannetti GD, Brady JM, Smith SM (2005). Removal of FMRI environment
  artifacts from EEG data using optimal basis sets. NeuroImage 28:720-737.
  doi:10.1016/j.neuroimage.2005.06.067 (principal components of the artefact's variation).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from ..preprocess import bandpass
from ._scan import gradient_energy

__all__ = ["QRS_BAND", "qrs_energy", "qrs_reference", "detect_qrs", "is_ecg_like", "qrs_in_emg", "QRSModel", "qrs_model", "subtract_qrs"]

#: QRS band (Hz) for R-peak detection; most QRS energy lies at 5-30 Hz (Pan & Tompkins 1985).
QRS_BAND = (5.0, 30.0)


def qrs_energy(x, sfreq, *, band=QRS_BAND):
    """Band-passed signal and Pan-Tompkins energy (squared derivative, 120 ms moving mean).

    Returns
    -------
    y : ndarray
        ``x`` band-passed in ``band`` (order 2, zero-phase).
    e : ndarray
        Energy (signal units squared per s squared).
    """
    x = np.asarray(x, dtype=np.float64)
    h = min(band[1], 0.4 * sfreq)
    y = bandpass(x, sfreq, band[0], h, order=2)
    return y, gradient_energy(y, sfreq**2, max(1, int(0.12 * sfreq)))


def qrs_reference(x, sfreq, *, band=QRS_BAND):
    """The 99th percentile of the QRS energy of ``x`` (:func:`qrs_energy`), the level
    :func:`detect_qrs` scales its threshold by; 0.0 for signals under 2 s."""
    x = np.asarray(x, dtype=np.float64)
    if x.size < int(2 * sfreq):
        return 0.0
    return float(np.percentile(qrs_energy(x, sfreq, band=band)[1], 99))


def detect_qrs(x, sfreq, *, band=QRS_BAND, min_rr=0.33, k=0.35, ref=None, return_ref=False):
    """R-peak samples of an ECG (or of ECG contaminating an EMG).

    Pan-Tompkins-like: band-pass ``band``, derivative, square, 120 ms moving mean, peaks at least
    ``min_rr`` s apart (180 bpm) above ``k`` x the 99th percentile of that energy, each R peak placed
    at the largest absolute band-passed sample within 60 ms. ``ref`` (energy units) replaces that
    99th percentile, e.g. with :func:`qrs_reference` of a longer stretch when detecting in chunks.

    Returns
    -------
    peaks : ndarray of int
    ref : float
        With ``return_ref=True``: the reference used, i.e. :func:`qrs_reference` of ``x`` when
        ``ref`` is None (computed from the same energy, not twice).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size < int(2 * sfreq):
        return (np.zeros(0, int), 0.0 if ref is None else ref) if return_ref else np.zeros(0, int)
    y, e = qrs_energy(x, sfreq, band=band)
    if ref is None:
        ref = float(np.percentile(e, 99))
    peaks = np.zeros(0, int)
    if ref > 0:
        pk, _ = signal.find_peaks(e, height=k * ref, distance=max(1, int(min_rr * sfreq)))
        w = int(0.06 * sfreq)
        ay = np.abs(y)
        out = np.empty(len(pk), int)
        for i, p in enumerate(pk):
            lo, hi = max(0, p - w), min(x.size, p + w)
            out[i] = lo + int(np.argmax(ay[lo:hi]))
        peaks = np.unique(out)
    return (peaks, ref) if return_ref else peaks


#: QRS waveform compared between candidates (s before and after the R peak), in the QRS band.
QRS_SHAPE = (0.05, 0.08)
#: Candidates whose QRS-band waveform correlates at least this much with the template are beats.
QRS_MIN_CORR = 0.7


def _shapes(y, peaks, sfreq):
    """Unit-norm, mean-removed QRS-band waveforms around ``peaks`` (rows) and the peaks kept."""
    pre, post = int(QRS_SHAPE[0] * sfreq), int(QRS_SHAPE[1] * sfreq)
    idx, seg = _segments(y, np.asarray(peaks, int), pre, post)
    if not len(idx):
        return idx, seg
    step = max(1, int(sfreq // 500))  # the QRS band ends at 30 Hz: 500 Hz is plenty to compare shapes
    seg = seg[:, ::step]
    seg = seg - seg.mean(axis=1, keepdims=True)
    return idx, seg / (np.linalg.norm(seg, axis=1, keepdims=True) + 1e-12)


def qrs_in_emg(x, sfreq, *, template=None, threshold=None, min_rr=0.33, k_median=4.0):
    """R peaks of ECG contaminating an EMG, told apart from EMG bursts by their reproducible shape.

    Large or frequent jerks can dominate the QRS energy of an EMG, so the energy alone does not
    find the heartbeats there (:func:`detect_qrs`). Here every local maximum of the Pan-Tompkins
    energy above ``k_median`` x its median, at least ``min_rr`` s apart, is a candidate; their
    QRS-band waveforms (:data:`QRS_SHAPE`) are compared: heartbeats repeat one shape (correlation
    > 0.9 between beats) while EMG bursts, interference patterns, do not. The candidate with the
    most others correlating >= 0.8 with it seeds the template (median of those), and the beats are
    the candidates correlating >= :data:`QRS_MIN_CORR` with it. ``template`` and ``threshold``
    (energy units) from an earlier call (the channel's statistics sample) are reused for a chunk.

    Returns
    -------
    peaks : ndarray of int
        R peaks (the largest absolute QRS-band sample within 60 ms of each beat's energy peak).
    template : ndarray | None
        Unit-norm QRS-band waveform of the beats (None when no candidate).
    threshold : float
        Candidate energy threshold used.
    """
    x = np.asarray(x, dtype=np.float64)
    empty = np.zeros(0, int)
    if x.size < int(2 * sfreq):
        return empty, template, 0.0 if threshold is None else threshold
    y, e = qrs_energy(x, sfreq)
    if threshold is None:
        threshold = k_median * float(np.median(e))
    pk, _ = signal.find_peaks(e, height=threshold, distance=max(1, int(min_rr * sfreq)))
    if not len(pk):
        return empty, template, threshold
    w = int(0.06 * sfreq)
    ay = np.abs(y)
    r = np.array([max(0, p - w) + int(np.argmax(ay[max(0, p - w):p + w])) for p in pk], int)
    idx, shapes = _shapes(y, r, sfreq)
    if not len(idx):
        return empty, template, threshold
    if template is None:
        c = shapes @ shapes.T
        seed = int(np.argmax((c >= 0.8).sum(axis=1)))
        template = np.median(shapes[c[seed] >= 0.8], axis=0)
        template = template / (np.linalg.norm(template) + 1e-12)
    keep = shapes @ template >= QRS_MIN_CORR
    return np.unique(idx[keep]), template, threshold


def _segments(x, peaks, pre, post):
    idx = peaks[(peaks - pre >= 0) & (peaks + post < x.size)]
    if len(idx) == 0:
        return idx, np.zeros((0, pre + post))
    seg = x[idx[:, None] + np.arange(-pre, post)[None, :]]
    return idx, seg


def is_ecg_like(filt, sfreq, peaks, *, min_beats=8, max_rr_cv=0.2, min_corr=0.6, window=(0.05, 0.08)):
    """Whether detected peaks of an EMG channel are heartbeats.

    Heartbeats are regular (RR coefficient of variation under ``max_rr_cv``, rate 35-180 bpm) and
    have a reproducible waveform (median correlation of each beat with the median beat at least
    ``min_corr``); myoclonic EMG bursts are stochastic interference patterns whose waveforms do not
    correlate from one burst to the next, even when the bursts are rhythmic.

    Returns
    -------
    ecg : bool
    stats : dict
        ``n_beats``, ``rate_bpm``, ``rr_cv``, ``corr``.
    """
    stats = {"n_beats": int(len(peaks)), "rate_bpm": None, "rr_cv": None, "corr": None}
    if len(peaks) < min_beats:
        return False, stats
    rr = np.diff(peaks) / sfreq
    med = float(np.median(rr))
    stats["rate_bpm"] = 60.0 / med
    # robust CV of RR intervals (missed or extra beats are tolerated)
    stats["rr_cv"] = float(1.4826 * np.median(np.abs(rr - med)) / med)
    pre, post = int(window[0] * sfreq), int(window[1] * sfreq)
    _, seg = _segments(filt, peaks, pre, post)
    if len(seg) < min_beats:
        return False, stats
    tmpl = np.median(seg, axis=0)
    segc = seg - seg.mean(axis=1, keepdims=True)
    tc = tmpl - tmpl.mean()
    corr = segc @ tc / (np.linalg.norm(segc, axis=1) * np.linalg.norm(tc) + 1e-12)
    stats["corr"] = float(np.median(corr))
    ok = 35 <= stats["rate_bpm"] <= 180 and stats["rr_cv"] <= max_rr_cv and stats["corr"] >= min_corr
    return bool(ok), stats


#: Largest shift (s) of a beat against the template when aligning them (the R peak is placed at the
#: largest band-passed sample, which jitters by a sample or two between beats).
ALIGN = 0.002


def _fractional(tt, delta):
    """``tt`` delayed by ``delta`` samples (linear interpolation; zero outside)."""
    k = np.arange(tt.size, dtype=float)
    return np.interp(k - delta, k, tt, left=0.0, right=0.0)


@dataclass(frozen=True)
class QRSModel:
    """What a channel's QRS complexes look like, learned from its beats (:func:`qrs_model`).

    Attributes
    ----------
    template : ndarray
        Median beat of the band-passed EMG, from R - ``window[0]`` to R + ``window[1]`` (uV).
    basis : ndarray, shape (n_basis, n_samples)
        Orthonormal principal components of the beats' residuals about the aligned, scaled template
        (the optimal basis set of Niazy et al. 2005): how the beats differ from one another.
    coef_sd : ndarray, shape (n_basis,)
        Robust SD of each component's coefficient over the clean beats: a beat's fitted coefficient
        is clipped to :data:`COEF_CLIP` x it, so a jerk in a beat cannot be fitted away.
    notched : ndarray | None
        Median beat of the EMG before the band-pass, each beat's linear trend removed (uV).
    resid_var : ndarray
        Robust per-sample variance of what a subtracted clean beat leaves, beyond the EMG around
        the beats (uV^2): the QRS part of the local background (:func:`~.classify.ecg_explains`).
    window : tuple of float
        Seconds before and after the R peak.
    """

    template: np.ndarray
    basis: np.ndarray
    coef_sd: np.ndarray
    notched: np.ndarray | None
    resid_var: np.ndarray
    window: tuple = (0.06, 0.10)


#: Principal components of the beat-to-beat variation fitted to each beat after the template
#: (Niazy et al. 2005, doi:10.1016/j.neuroimage.2005.06.067, used 3-4 for the ballistocardiogram).
N_BASIS = 3
#: A beat's coefficient on a component is clipped to this many robust SDs of the clean beats'
#: coefficients (the role the gain's clipping plays for the template).
COEF_CLIP = 2.0


def _taper(n, sfreq):
    taper = np.ones(n)
    nt = max(1, int(0.01 * sfreq))
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, nt))
    taper[:nt], taper[-nt:] = ramp, ramp[::-1]
    return taper


def _fit_beats(filt, sfreq, peaks, tt, pre, post, scale_range):
    """Beats at ``peaks``, aligned with the tapered template ``tt`` to a fraction of a sample and
    scaled: ``idx, core, delta, gain, shifted``."""
    L = max(1, int(round(ALIGN * sfreq)))
    idx, seg = _segments(filt, peaks, pre + L, post + L)
    if not len(idx):
        return idx, None, None, None, None
    core = seg[:, L:L + pre + post]
    lags = np.arange(-L, L + 1)
    xc = np.stack([seg[:, L + k:L + k + pre + post] @ tt for k in lags], axis=1)
    j = np.clip(np.argmax(xc, axis=1), 1, 2 * L - 1)
    r = np.arange(len(idx))
    y0, y1, y2 = xc[r, j - 1], xc[r, j], xc[r, j + 1]
    den = y0 - 2 * y1 + y2
    frac = np.where(den < 0, 0.5 * (y0 - y2) / np.where(den < 0, den, -1.0), 0.0)
    delta = lags[j] + np.clip(frac, -1.0, 1.0)
    shifted = np.stack([_fractional(tt, d) for d in delta])
    gain = np.clip(np.einsum("ij,ij->i", core, shifted) / (np.einsum("ij,ij->i", shifted, shifted) + 1e-12),
                   *scale_range)
    return idx, core, delta, gain, shifted


def qrs_model(filt, sfreq, peaks, *, notched=None, window=(0.06, 0.10), scale_range=(0.7, 1.3), n_basis=N_BASIS):
    """Learn a channel's QRS model from its beats (the statistics sample of the channel).

    The template is the sample-wise median of the beats, so occasional jerks coinciding with a beat
    do not enter it (Mak et al. 2010, doi:10.1016/j.medengphy.2010.05.007). Each beat is aligned with
    it (:data:`ALIGN`) and scaled, and the principal components of what remains, computed on the 80%
    of beats that leave the least (a beat with a jerk in it does not shape them), form the basis of
    beat-to-beat variation (Niazy et al. 2005, doi:10.1016/j.neuroimage.2005.06.067).

    Returns
    -------
    model : QRSModel | None
        None when no beat lies wholly inside ``filt``.
    """
    pre, post = int(window[0] * sfreq), int(window[1] * sfreq)
    L = max(1, int(round(ALIGN * sfreq)))
    idx, seg = _segments(filt, peaks, pre + L, post + L)
    if not len(idx):
        return None
    tmpl = np.median(seg[:, L:L + pre + post], axis=0)
    taper = _taper(pre + post, sfreq)
    idx, core, delta, gain, shifted = _fit_beats(filt, sfreq, idx, tmpl * taper, pre, post, scale_range)
    resid = core - gain[:, None] * shifted
    energy = np.einsum("ij,ij->i", resid, resid)
    clean = resid[energy <= np.percentile(energy, 80)] if len(resid) >= 5 else resid
    k = int(min(n_basis, max(len(clean) - 1, 0)))
    basis = np.linalg.svd(clean, full_matrices=False)[2][:k] * taper if k else np.zeros((0, pre + post))
    if k:
        basis, _ = np.linalg.qr(basis.T)
        basis = basis.T
    coef = clean @ basis.T
    coef_sd = 1.4826 * np.median(np.abs(coef - np.median(coef, axis=0)), axis=0) if k else np.zeros(0)
    left = resid - _clip_coef(resid @ basis.T, coef_sd) @ basis
    var = (1.4826 * np.median(np.abs(left), axis=0)) ** 2
    e = max(1, int(round(0.01 * sfreq)))  # 60 ms before and 100 ms after R: the EMG, no QRS
    var = np.maximum(var - float(np.mean(np.r_[var[:e], var[-e:]])), 0.0)
    nt = None
    if notched is not None:
        cols = idx[:, None] + np.arange(-pre, post)[None, :]
        sn = notched[cols]
        ramp = np.linspace(0.0, 1.0, pre + post)[None, :]
        sn = sn - sn[:, :1] - (sn[:, -1:] - sn[:, :1]) * ramp  # each beat's linear trend removed
        nt = np.median(sn, axis=0)
    return QRSModel(tmpl, basis, coef_sd, nt, var, tuple(window))


def _clip_coef(coef, sd):
    """Coefficients clipped to +/- :data:`COEF_CLIP` x ``sd`` (per component)."""
    lim = COEF_CLIP * np.asarray(sd, float)[None, :]
    return np.clip(coef, -lim, lim)


def subtract_qrs(filt, sfreq, peaks, model, *, notched=None, scale_range=(0.7, 1.3)):
    """Subtract each beat's fit of ``model`` (:func:`qrs_model`) from a band-passed EMG.

    Each beat is aligned with the template to a fraction of a sample and scaled by its least-squares
    gain clipped to ``scale_range`` (a jerk inside a beat cannot inflate the gain much), then the
    basis of beat-to-beat variation is fitted to what remains (least squares: the coefficients are
    projections) and subtracted too; a jerk in a beat loses only its projection on those few
    components. With ``notched`` (the same EMG before the band-pass), the template's notched twin is
    subtracted from it with the same alignment and gain: the onsets refined on that signal
    (:mod:`.edges`) then do not see the QRS either.

    Returns
    -------
    cleaned : ndarray
    notched_cleaned : ndarray | None
    """
    out = np.array(filt, dtype=np.float64, copy=True)
    nout = None if notched is None else np.array(notched, dtype=np.float64, copy=True)
    if model is None:
        return out, nout
    pre, post = int(model.window[0] * sfreq), int(model.window[1] * sfreq)
    if model.template.size != pre + post:
        return out, nout
    taper = _taper(pre + post, sfreq)
    idx, core, delta, gain, shifted = _fit_beats(filt, sfreq, peaks, model.template * taper, pre, post, scale_range)
    if not len(idx):
        return out, nout
    fitted = gain[:, None] * shifted
    if len(model.basis):
        fitted += _clip_coef((core - fitted) @ model.basis.T, model.coef_sd) @ model.basis
    cols = idx[:, None] + np.arange(-pre, post)[None, :]
    np.subtract.at(out, cols.ravel(), fitted.ravel())
    if nout is not None and model.notched is not None:
        tn = model.notched * taper
        np.subtract.at(nout, cols.ravel(), (gain[:, None] * np.stack([_fractional(tn, d) for d in delta])).ravel())
    return out, nout
