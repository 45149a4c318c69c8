"""Recordings built from real material, with known truth: the real-material set of the accuracy benchmark.

Issue 18, point 5. Every recording here is made of real, unmodified public recordings of
``../shared/data/real`` (relative to the project root; see its README for what each file is),
cut, resampled, rescaled and summed. Nothing is synthesised except the electrode steps
(:func:`electrode_step`, a model: no real step without EMG is in the material) and the
cross-fades and raised-cosine edges that join pieces. The construction never looks at how the
detector works; amplitudes, durations and placements are drawn from the ranges of the issue.

What is built (:func:`build_set`), each case a :class:`Case` (a :class:`myoclonus.Recording`,
a truth :class:`myoclonus.events.Events` and the ``source`` it came from):

``rest``
    Real resting EMG only (the quiet stretches of each background, joined), to count false
    jerks per 10 minutes.
``jerks``
    Real activation material (plateaus of real bursts, or tonic needle EMG) inserted as jerks
    into real resting EMG, some followed by a real movement wave, some with an electrode step
    inside, and free electrode steps (artefact truth) between them.
``ecg``
    The same on real resting EMG carrying real ECG beats (BioSPPy) at 2-20x the EMG
    background; about a third of the jerks placed on a QRS; free QRS complexes are artefact truth.
``tonic``
    Real tonic EMG material over real resting EMG, with silent periods (the tonic gated to 0),
    half of them right after a brief real burst; the last third of each recording has no
    silence (false silent periods per minute of real tonic EMG).

Conventions (one definition each, used by the construction, the truth and the tests):

* **EMG band**: :func:`emg_band`, a zero-phase 4th-order Butterworth band-pass 20-450 Hz (the upper
  edge clamped to 0.45 x the sampling rate), the usual surface-EMG band (De Luca et al. 2010,
  doi:10.1016/j.jbiomech.2010.01.027). Every RMS below is taken on that band.
* **Resting background RMS of a channel** (``rest_rms_uv``): RMS of the band-passed resting
  component over the whole recording.
* **Local background** of a jerk: RMS of the band-passed EMG background (resting component plus
  tonic component before any silence gating; never the ECG, movement waves or steps, which are
  artefacts) from 250 ms before the jerk's onset to 250 ms after its offset
  (:data:`LOCAL_WINDOW`).
* **Jerk amplitude**: RMS of the band-passed inserted stretch over its own span; it is
  ``A`` x the local background, ``A`` log-uniform over 2-100 (:data:`AMPLITUDE_X`). Truth
  measures: ``rms_uv``, ``snr_db`` (against ``rest_rms_uv``), ``local_snr_db`` (against the local
  background, = 20 log10 A), ``amplitude_x`` (A as drawn), ``background_uv`` (the local background),
  ``category``, ``material``, ``peak_uv``.
* **QRS amplitude** (:func:`qrs_amplitude`): peak-to-peak of the band-passed beat within
  +/- 50 ms of its R peak. A channel's QRS ratio is the median QRS amplitude of its beats over its
  ``rest_rms_uv``; ECG-heavy channels have a ratio >= 10 (:data:`ECG_HEAVY_X`).
* **Truth onset** of a jerk = first sample of the inserted stretch, offset = its end (the 1-2 ms
  raised-cosine edges are inside it). A silent period runs between the half-gain points of its
  raised-cosine edges.

Units: microvolts. The BioSPPy text files are raw 12-bit ADC counts (centre about 2048) that the
reader labels uV: they are taken as 1 count = 1 uV. That is harmless here: every inserted
component is scaled relative to the background it is added to, and the absolute level of a
background only matters to a detector with absolute thresholds.

Resampling: :func:`resample` (``scipy.signal.resample_poly``) only ever goes down: a source is
never used above its native rate (BioSPPy 1000 Hz, myonset 2048 Hz, PhysioNet needle 4000 Hz,
veta_drt 5000 Hz), so a case's rate is at most the lowest native rate of its material.

Determinism: every case draws from ``numpy.random.default_rng([seed, crc32(case name)])``.

Material and licences (see ``../shared/data/README.md``): BioSPPy examples (BSD-3-Clause);
PhysioNet emgdb (ODC-By 1.0; Goldberger et al. 2000, doi:10.1161/01.CIR.101.23.e215);
greenhouselab/Veta example data (Jackson & Greenhouse 2019, doi:10.3389/fnins.2019.00975; testing
only); lspieser/myonset tutorials (GPL-3.0). Nothing of them is copied into the repository.
"""
from __future__ import annotations

import functools
import sys
import warnings
import zlib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy import signal as sps

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from myoclonus.events import Events  # noqa: E402
from myoclonus.io import read_recording  # noqa: E402
from myoclonus.io.recording import Recording  # noqa: E402

__all__ = [
    "REAL", "RATES", "NATIVE_HZ", "EMG_BAND", "AMPLITUDE_X", "DURATION_BINS", "LARGE_X", "ECG_HEAVY_X",
    "LOCAL_WINDOW", "QRS_HALF_WIDTH", "Case", "missing", "emg_band", "band_rms", "resample", "rest_stretches",
    "rest_background", "activation_plateaus", "activation_pool", "cut_burst", "tonic_pieces", "tonic_component",
    "ecg_beats", "qrs_amplitude", "rr_times", "movement_waves", "electrode_step", "jerk_case", "ecg_case",
    "tonic_case", "rest_case", "RECIPES", "build_set",
]

#: The real recordings (never copied into the repository).
REAL = ROOT.parent / "shared" / "data" / "real"
#: Sampling rates of the set (Hz).
RATES = (250.0, 500.0, 1000.0, 2048.0, 5000.0)
#: Native rate of each material family (Hz): nothing is resampled above it.
NATIVE_HZ = {"biosppy": 1000.0, "myonset": 2048.0, "physionet_emgdb": 4000.0, "veta_drt": 5000.0}
#: The EMG band of every RMS (Hz); upper edge clamped to 0.45 x sfreq.
EMG_BAND = (20.0, 450.0)
#: Jerk RMS over the local background: log-uniform over this range (x).
AMPLITUDE_X = (2.0, 100.0)
#: Jerk durations (s): a bin is drawn with these weights, then a log-uniform duration in it
#: (the 10-50 ms bin weighted most: the jerks that matter most clinically).
DURATION_BINS = (((0.010, 0.050), 0.4), ((0.050, 0.100), 0.2), ((0.100, 0.200), 0.2), ((0.200, 0.500), 0.2))
#: Large jerks: RMS at least this multiple of the local background (a category of their own).
LARGE_X = 20.0
#: ECG-heavy channel: median QRS amplitude at least this multiple of the resting background RMS.
ECG_HEAVY_X = 10.0
#: Local background window around a jerk: this long before the onset and after the offset (s).
LOCAL_WINDOW = 0.25
#: Half-width of the QRS around the R peak (s): QRS amplitude window and QRS artefact truth.
QRS_HALF_WIDTH = 0.050
#: Raised-cosine edges of an inserted burst (s, uniform): a physiological rise.
BURST_EDGE = (0.001, 0.002)
#: Cross-fade (s) where pieces of material are joined (equal-power, so the RMS does not dip).
JOIN_FADE = 0.020
#: Joins: below this (Hz) the slow part of a piece is offset to continue the previous piece and relaxes
#: to its own level over JOIN_LF_RELAX s (no step at a join).
JOIN_LF_HZ = 5.0
JOIN_LF_RELAX = 0.5
#: Plateau of a real burst: 20 ms band RMS within this range x the burst's median, for at least PLATEAU_MIN s.
PLATEAU_RANGE = (0.5, 3.0)
PLATEAU_MIN = 0.030
#: Cross-fade (s) between burst plateaus in an activation pool.
POOL_FADE = 0.005
#: Quiet pieces louder than this x the median piece of their channel are not rest (dropped).
REST_MAX_LEVEL = 1.5
#: High-pass (Hz) of background material: removes the ADC offset and slow drift so joins make no step.
BACKGROUND_HP = 0.5
#: High-pass (Hz) of activation and tonic material: the only low-frequency content near a jerk is
#: the movement wave added on purpose.
MATERIAL_HP = 10.0
#: Movement waves: low-pass (Hz) of the real material, delay after the jerk onset (s), peak
#: amplitude over the jerk's peak (x, log-uniform).
WAVE_LP = 15.0
WAVE_DELAY = (0.020, 0.080)
WAVE_X = (1.0, 10.0)
#: Electrode steps (model): amplitude over the resting RMS (x, log-uniform) and recovery time
#: constant (s, log-uniform).
STEP_X = (10.0, 200.0)
STEP_TAU = (0.05, 1.0)
#: Silent periods: duration (s, log-uniform), edge length (s, uniform), tonic level over the
#: resting RMS (x, log-uniform), brief burst before half of them (duration s, RMS x tonic level).
SILENCE_DURATION = (0.050, 0.300)
SILENCE_EDGE = (0.002, 0.005)
TONIC_X = (3.0, 10.0)
PRE_BURST_DURATION = (0.010, 0.040)
PRE_BURST_X = (3.0, 10.0)
#: Heart rate (beats/min, uniform per recording) and QRS ratio ranges (x, log-uniform).
HEART_RATE = (60.0, 100.0)
QRS_X_LIGHT = (2.0, ECG_HEAVY_X)
QRS_X_HEAVY = (ECG_HEAVY_X, 20.0)

FILES = {
    "emg_1": "biosppy/emg_1.txt",
    "emg": "biosppy/emg.txt",
    "ecg": "biosppy/ecg.txt",
    "veta": "veta_drt/veta_drt.edf",
    "veta_events": "veta_drt/veta_drt_events.tsv",
    "myonset": "myonset/example_data.bdf",
    "myonset_events": "myonset/example_events.csv",
    "emg_healthy": "physionet_emgdb/emg_healthy.hea",
    "emg_myopathy": "physionet_emgdb/emg_myopathy.hea",
    "emg_neuropathy": "physionet_emgdb/emg_neuropathy.hea",
}


def missing(real=REAL):
    """None when every file of the set is present under ``real``, else a message saying what is absent."""
    real = Path(real)
    if not real.is_dir():
        return f"real recordings folder {real} is absent: real-material set skipped"
    gone = [f for f in FILES.values() if not (real / f).is_file()]
    if gone:
        return f"real recordings missing under {real}: {', '.join(gone)}: real-material set skipped"
    return None


# ------------------------------------------------------------------------------------------ conventions
def emg_band(x, sfreq):
    """``x`` band-passed to the EMG band (:data:`EMG_BAND`; zero-phase 4th-order Butterworth).

    Arrays shorter than 1 s are filtered between 0.25 s of zeros (a piece on its own).
    """
    hi = min(EMG_BAND[1], 0.45 * sfreq)
    sos = sps.butter(4, [EMG_BAND[0], hi], "bandpass", fs=sfreq, output="sos")
    x = np.asarray(x, float)
    if len(x) < sfreq:
        pad = np.zeros(int(0.25 * sfreq))
        return sps.sosfiltfilt(sos, np.concatenate([pad, x, pad]))[len(pad) : len(pad) + len(x)]
    return sps.sosfiltfilt(sos, x)


def band_rms(x, sfreq, start=0, stop=None):
    """RMS of the band-passed ``x`` over samples ``[start, stop)``."""
    y = emg_band(x, sfreq)[start:stop]
    return float(np.sqrt(np.mean(y**2)))


def _local_band_rms(component, sfreq, i0, i1, pad=None):
    """Band RMS of ``component[i0:i1]`` alone (zero elsewhere), filtered on a padded local window."""
    pad = int(round((0.5 if pad is None else pad) * sfreq))
    seg = np.zeros(i1 - i0 + 2 * pad)
    seg[pad : pad + i1 - i0] = component[i0:i1]
    y = emg_band(seg, sfreq)[pad : pad + i1 - i0]
    return float(np.sqrt(np.mean(y**2)))


def _hp(x, sfreq, f):
    sos = sps.butter(2, f, "highpass", fs=sfreq, output="sos")
    return sps.sosfiltfilt(sos, np.asarray(x, float))


def _lp(x, sfreq, f, order=4):
    sos = sps.butter(order, f, "lowpass", fs=sfreq, output="sos")
    return sps.sosfiltfilt(sos, np.asarray(x, float))


def resample(x, from_hz, to_hz):
    """``x`` resampled from ``from_hz`` to ``to_hz`` with ``scipy.signal.resample_poly``; never upsamples."""
    if to_hz > from_hz + 1e-9:
        raise ValueError(f"material at {from_hz:g} Hz cannot be used at {to_hz:g} Hz: it would be upsampled")
    if abs(to_hz - from_hz) < 1e-9:
        return np.asarray(x, float).copy()
    r = Fraction(to_hz / from_hz).limit_denominator(10000)
    return sps.resample_poly(np.asarray(x, float), r.numerator, r.denominator)


def _rc(n):
    """Raised-cosine rise of ``n`` samples, 0 -> 1 (exclusive ends)."""
    return 0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / max(n, 1))


def _join(pieces, n_fade, sfreq=None):
    """Concatenate pieces with equal-power cross-fades of ``n_fade`` samples.

    With ``sfreq``, each piece is split at :data:`JOIN_LF_HZ` first: the upper part is cross-faded
    as above; the slow part (drift, baseline) of each next piece is corrected to continue the level
    and slope of the previous one, the correction relaxing to 0 over :data:`JOIN_LF_RELAX` s (raised
    cosine), so a join adds no step, no kink and nothing in the EMG band.
    """
    if sfreq is None:
        out = np.asarray(pieces[0], float).copy()
        for p in pieces[1:]:
            p = np.asarray(p, float)
            f = min(n_fade, len(out) // 2, len(p) // 2)
            if f < 1:
                out = np.concatenate([out, p])
                continue
            w = _rc(f)
            mid = out[-f:] * np.sqrt(1 - w) + p[:f] * np.sqrt(w)
            out = np.concatenate([out[:-f], mid, p[f:]])
        return out
    lows = [_lp(p, sfreq, JOIN_LF_HZ, order=2) if len(p) > 30 else np.zeros(len(p)) for p in pieces]
    highs = [np.asarray(p, float) - lo for p, lo in zip(pieces, lows)]
    out_lo = lows[0].copy()
    relax = int(JOIN_LF_RELAX * sfreq)
    k = max(2, int(0.01 * sfreq))
    for lo in lows[1:]:
        f = min(n_fade, len(out_lo) // 2, len(lo) // 2)
        a = out_lo[: len(out_lo) - f]
        lo = lo.copy()
        m = min(relax, len(lo))
        i = np.arange(m)
        # level and slope of the previous piece continued, relaxing to the new piece's own
        d0 = a[-1] + (a[-1] - a[-k]) / (k - 1) - lo[0]
        d1 = (a[-1] - a[-k]) / (k - 1) - (lo[k - 1] - lo[0]) / (k - 1)
        lo[:m] += (d0 + d1 * i) * (1 - _rc(m))
        out_lo = np.concatenate([a, lo])
    return _join(highs, n_fade) + out_lo


def _loop(pieces, n, rng, n_fade, *, shuffle=True, sfreq=None):
    """``n`` samples made of the pieces (random order, each from a random start in its first half, when
    ``shuffle``), joined."""
    if not shuffle:
        return _join(pieces, n_fade, sfreq)[:n]
    chosen, total = [], 0
    while total < n + n_fade * (len(chosen) + 1):
        p = pieces[int(rng.integers(len(pieces)))]
        p = p[int(rng.integers(max(1, len(p) // 2))):]  # from anywhere in its first half
        chosen.append(p)
        total += len(p) - n_fade
    return _join(chosen, n_fade, sfreq)[:n]


def _loguniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _draw_duration(rng):
    bins = [b for b, _ in DURATION_BINS]
    p = np.array([w for _, w in DURATION_BINS])
    lo, hi = bins[int(rng.choice(len(bins), p=p / p.sum()))]
    return _loguniform(rng, lo, hi)


# ------------------------------------------------------------------------------------------ reading
@functools.lru_cache(maxsize=None)
def _channels(path):
    """{channel name: (float array in uV, sfreq)} of one real file (read with myoclonus.io)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(path)
        return {c.name: (rec._read_channel(i, 0, c.n_times), c.sfreq) for i, c in enumerate(rec.channels)}


@functools.lru_cache(maxsize=None)
def _table(path, sep):
    import pandas as pd

    return pd.read_csv(path, sep=sep)


def _myonset_bipolar(real):
    """Left (EXG1-EXG2) and right (EXG3-EXG4) bipolar thumb EMG of myonset, 2048 Hz."""
    ch = _channels(str(Path(real) / FILES["myonset"]))
    fs = ch["EXG1"][1]
    return {"L": ch["EXG1"][0] - ch["EXG2"][0], "R": ch["EXG3"][0] - ch["EXG4"][0]}, fs


def _myonset_responses(real):
    """Response times (s) and hands ('L' for code 100, 'R' for 200) of myonset."""
    ev = _table(str(Path(real) / FILES["myonset_events"]), ",")
    resp = ev[ev["code"].isin([100, 200])]
    return [(float(t), "L" if c == 100 else "R") for t, c in zip(resp["time"], resp["code"])]


def _veta(real):
    ch = _channels(str(Path(real) / FILES["veta"]))
    fs = ch["EMG L hand"][1]
    return {"L": ch["EMG L hand"][0], "R": ch["EMG R hand"][0]}, fs


def _veta_events(real):
    return _table(str(Path(real) / FILES["veta_events"]), "\t")


def _windows_minus(windows, excluded):
    """Parts of ``windows`` [(a, b)] outside every ``excluded`` interval."""
    out = []
    for a, b in windows:
        segs = [(a, b)]
        for ea, eb in excluded:
            nxt = []
            for sa, sb in segs:
                if eb <= sa or ea >= sb:
                    nxt.append((sa, sb))
                    continue
                if ea > sa:
                    nxt.append((sa, ea))
                if eb < sb:
                    nxt.append((eb, sb))
            segs = nxt
        out.extend(segs)
    return out


def _screen(x, sfreq, windows, *, k_high=3.0, k_low=0.2, pad=0.5, step=0.1):
    """Remove from ``windows`` (s) the stretches of unmarked activity, dropouts and padding.

    The band RMS of consecutive 100 ms windows inside ``windows`` is compared with its median:
    a window above ``k_high`` x the median (an unannotated burst, a motor evoked potential, a partial
    response) or below ``k_low`` x (zero padding, a dropout) is excluded with ``pad`` s either side.
    """
    y = emg_band(x, sfreq)
    n = int(round(step * sfreq))
    starts, rms = [], []
    for a, b in windows:
        for s in range(int(a * sfreq), int(b * sfreq) - n + 1, n):
            starts.append(s / sfreq)
            rms.append(np.sqrt(np.mean(y[s : s + n] ** 2)))
    if not rms:
        return []
    rms = np.asarray(rms)
    med = np.median(rms)
    bad = [(t - pad, t + step + pad) for t, r in zip(starts, rms) if r > k_high * med or r < k_low * med]
    return _windows_minus(windows, bad)


# ------------------------------------------------------------------------------------------ rest
#: Rest background sources: name -> channels. Their quiet stretches come from :func:`rest_stretches`.
REST_SOURCES = {
    "biosppy/emg_1": ("emg_1",),
    "biosppy/emg": ("emg",),
    "veta_drt": ("veta_L", "veta_R"),
    "myonset": ("myonset_L", "myonset_R"),
}


def _rest_windows(key, real):
    """Candidate quiet windows (s) of one background channel, before the activity screen."""
    if key == "emg_1":  # the four quiet stretches of the data README
        return [(3.0, 14.5), (18.5, 23.0), (28.0, 35.0), (47.0, 63.8)]
    if key == "emg":  # everything but the weak tonic activation (35-41 and 50-58 s, raised 34-59 s)
        return [(0.5, 34.0), (59.0, 99.5)]
    if key.startswith("veta"):
        ev = _veta_events(real)
        excl = []
        for t, d, kind in zip(ev["onset"], ev["duration"], ev["trial_type"]):
            if kind == "stimulus":
                excl.append((t - 0.3, t + 2.0))
            elif kind == "tms_pulse":  # motor evoked potential 15-35 ms later, on both hands
                excl.append((t - 0.2, t + 0.6))
            elif kind == "keypress":
                excl.append((t - 0.5, t + 1.0))
            else:  # reviewed burst: generous margins for its build-up and after-activity
                excl.append((t - 0.5, t + d + 1.5))
        return _windows_minus([(0.5, 119.5)], excl)
    if key.startswith("myonset"):  # both hands: partial bursts in the other hand; movement transients
        excl = [(t - 0.6, t + 1.5) for t, _ in _myonset_responses(real)]
        return _windows_minus([(0.5, 57.5)], excl)
    raise KeyError(key)


def _rest_signal(key, real):
    if key in ("emg_1", "emg"):
        x, fs = _channels(str(Path(real) / FILES[key]))["EMG"]
        return x, fs
    if key.startswith("veta"):
        sig, fs = _veta(real)
        return sig[key[-1]], fs
    if key.startswith("myonset"):
        sig, fs = _myonset_bipolar(real)
        return sig[key[-1]], fs
    raise KeyError(key)


@functools.lru_cache(maxsize=None)
def _rest_stretches(key, real):
    x, fs = _rest_signal(key, real)
    windows = _screen(x, fs, _rest_windows(key, real))
    xh = _hp(x, fs, BACKGROUND_HP)
    windows = [(a, b) for a, b in windows if b - a >= 0.5]
    pieces = [xh[int(a * fs) : int(b * fs)] for a, b in windows]
    level = np.array([band_rms(p, fs) for p in pieces])
    med = float(np.median(level))
    keep = level <= REST_MAX_LEVEL * med
    pieces = [p * (med / lv) for p, lv, k in zip(pieces, level, keep) if k]
    return tuple(pieces), fs, tuple(w for w, k in zip(windows, keep) if k), tuple(med / level[keep])


def rest_stretches(key, *, real=REAL):
    """Quiet stretches of one background channel.

    ``key``: ``emg_1``, ``emg`` (BioSPPy), ``veta_L``/``veta_R`` (veta_drt), ``myonset_L``/``myonset_R``
    (myonset bipolar derivations EXG1-EXG2 and EXG3-EXG4). Candidate windows: the quiet stretches of
    ``emg_1`` named in the data README; ``emg`` outside its weak tonic activation (34-59 s); veta_drt
    outside generous windows around every stimulus (-0.3/+2 s), TMS pulse (-0.2/+0.6 s), key press
    (-0.5/+1 s) and reviewed burst (-0.5 s/+1.5 s after its end); myonset outside windows around
    every response on both hands (-0.6/+1.5 s: the response-locked bursts lie in the 400 ms before it, the
    movement transient of the press decays within about 1.5 s after it). Then :func:`_screen` removes
    unmarked activity and dropouts. Each piece is high-passed at :data:`BACKGROUND_HP` Hz (offset and
    drift). Pieces shorter than 0.5 s are dropped, and so are pieces whose band RMS exceeds
    :data:`REST_MAX_LEVEL` x the median piece's (raised activity the screen let through, not rest).
    Each kept piece is then scaled to the median piece's band RMS (gains 0.67-1.5: the level of a
    quiet stretch varies a little between stretches, and a join must not make a level step).

    Returns (pieces, native sfreq, windows in s, gains).
    """
    return _rest_stretches(key, str(real))


def rest_background(key, sfreq, n, rng=None, *, real=REAL):
    """``n`` samples of real resting EMG of one background channel at ``sfreq``.

    With ``rng`` None the quiet stretches are joined in their order (the "unmodified" rest case,
    truncated to ``n``); otherwise pieces are drawn in random order from random start offsets and
    looped when the material is shorter than ``n``. Joins are equal-power cross-fades of
    :data:`JOIN_FADE` s.
    """
    pieces, fs, _, _ = rest_stretches(key, real=real)
    pieces = [resample(p, fs, sfreq) for p in pieces]
    out = _loop(pieces, n, rng, int(JOIN_FADE * sfreq), shuffle=rng is not None, sfreq=sfreq)
    if len(out) < n:
        raise ValueError(f"rest material {key} holds {len(out) / sfreq:.1f} s, {n / sfreq:.1f} s asked")
    return out


# ------------------------------------------------------------------------------------------ activation
ACTIVATION_SOURCES = ("veta_drt", "biosppy/emg_1", "myonset", "physionet_emgdb")


def _threshold_bursts(x, fs, windows, k=5.0, merge=0.05, min_len=0.05):
    """Bursts of ``x`` inside ``windows`` (s): 20 ms band RMS above ``k`` x the median 20 ms RMS of x."""
    env = _envelope(x, fs, 0.02)
    ref = np.median(env)
    out = []
    for a, b in windows:
        i0, i1 = int(a * fs), int(b * fs)
        out += [((i0 + s0) / fs, (i0 + s1) / fs) for s0, s1 in _runs(env[i0:i1] > k * ref, int(merge * fs))
                if s1 - s0 >= min_len * fs]
    return out


@functools.lru_cache(maxsize=None)
def _activation_plateaus(name, real):
    if name == "veta_drt":
        sig, fs = _veta(real)
        ev = _veta_events(real)
        ev = ev[ev["trial_type"] == "emg_burst_reviewed"]
        spans = [("L" if "L" in ch else "R", t, t + d) for t, d, ch in zip(ev["onset"], ev["duration"], ev["channel"])]
    elif name == "biosppy/emg_1":
        x, fs = _channels(str(Path(real) / FILES["emg_1"]))["EMG"]
        sig = {"": x}
        spans = [("", a, b) for a, b in _threshold_bursts(x, fs, [(0.5, 3.0), (15.0, 17.5), (25.0, 27.0)])]
    elif name == "myonset":
        sig, fs = _myonset_bipolar(real)
        spans = []
        for t, hand in _myonset_responses(real):
            spans += [(hand, a, b) for a, b in _threshold_bursts(sig[hand], fs, [(t - 0.5, t + 0.05)])]
    elif name == "physionet_emgdb":
        h, fs = _channels(str(Path(real) / FILES["emg_healthy"]))["EMG"]
        m, _ = _channels(str(Path(real) / FILES["emg_myopathy"]))["EMG"]
        sig = {"h": h, "m": m}
        # the myopathy record drops out at 16.6-17.3 s (a real gap, not tonic EMG)
        spans = [("h", 0.2, 12.5), ("m", 0.2, 16.6), ("m", 17.3, 27.4)]
        return tuple(_hp(sig[c], fs, MATERIAL_HP)[int(a * fs) : int(b * fs)] for c, a, b in spans), fs
    else:
        raise KeyError(name)
    out = []
    filt = {k: _hp(v, fs, MATERIAL_HP) for k, v in sig.items()}
    env = {k: _envelope(v, fs, 0.02) for k, v in filt.items()}
    for c, a, b in spans:
        i0, i1 = int(a * fs), int(b * fs)
        e = env[c][i0:i1]
        h = int(0.01 * fs)  # half the envelope window: the edge samples of a run may be past the burst
        med = np.median(e)
        lo, hi = PLATEAU_RANGE
        for s0, s1 in _runs((e >= lo * med) & (e <= hi * med), int(0.005 * fs)):
            if s1 - s0 - 2 * h >= PLATEAU_MIN * fs:
                out.append(filt[c][i0 + s0 + h : i0 + s1 - h])
    return tuple(out), fs


def _envelope(x, fs, window):
    """Moving RMS (``window`` s, centred) of the band-passed ``x``."""
    w = max(1, int(round(window * fs)))
    return np.sqrt(np.convolve(emg_band(x, fs) ** 2, np.ones(w) / w, "same"))


def _runs(mask, merge):
    """[start, stop) runs of True in ``mask``, gaps shorter than ``merge`` samples bridged."""
    edges = np.flatnonzero(np.diff(np.r_[0, np.asarray(mask, int), 0]))
    out = []
    for s0, s1 in zip(edges[::2], edges[1::2]):
        if out and s0 - out[-1][1] < merge:
            out[-1][1] = s1
        else:
            out.append([s0, s1])
    return [(int(a), int(b)) for a, b in out]


def activation_plateaus(name, *, real=REAL):
    """Plateau stretches of real bursts (native rate, high-passed at :data:`MATERIAL_HP` Hz).

    Bursts: ``veta_drt``: the 30 reviewed bursts (``emg_burst_reviewed``, on its hand).
    ``biosppy/emg_1``: its activations (20 ms band RMS above 5x its median, gaps < 50 ms merged,
    >= 50 ms, near 1.5, 15.5, 25.7 and 26.4 s). ``myonset``: the same rule in the 500 ms before each
    response, on the responding hand. The plateaus of a burst are the stretches where its 20 ms band
    RMS stays within :data:`PLATEAU_RANGE` (0.5-3x) the burst's median 20 ms RMS (dips and spikes
    < 5 ms bridged), minus 10 ms at each end (half the RMS window), at least :data:`PLATEAU_MIN` s
    long: the rise, the decay, the pauses and the isolated large spikes of a burst are left out.
    ``physionet_emgdb``: the tonic needle EMG of ``emg_healthy`` and ``emg_myopathy`` (whole records,
    minus the myopathy record's dropout at 16.6-17.3 s).
    Returns (pieces, native sfreq).
    """
    return _activation_plateaus(name, str(real))


@functools.lru_cache(maxsize=None)
def _activation_pool(name, sfreq, real):
    pieces, fs = _activation_plateaus(name, real)
    parts = []
    for p in pieces:
        q = resample(p, fs, sfreq)
        r = np.median(_envelope(q, sfreq, 0.02))
        if r > 0 and len(q) > 4:
            parts.append(q / r)
    pool = _join(parts, int(POOL_FADE * sfreq))
    w = max(2, int(round(0.01 * sfreq)))
    env = np.sqrt(np.convolve(emg_band(pool, sfreq) ** 2, np.ones(w) / w, "same"))
    return pool, env, float(np.median(env))


def activation_pool(name, sfreq, *, real=REAL):
    """The plateaus of ``name`` at ``sfreq``, each scaled to a unit median 20 ms band RMS, joined with 5 ms
    cross-fades.

    Returns (pool, its 10 ms band-RMS envelope, the envelope's median).
    """
    return _activation_pool(name, float(sfreq), str(real))


def cut_burst(name, sfreq, duration, rng, *, real=REAL, tries=50):
    """A stretch of ``duration`` s of activation material ``name`` with raised-cosine edges.

    The start is drawn at random in the pool; a stretch whose 10 ms band RMS falls below 0.2x the
    pool's median anywhere (a gap between motor-unit discharges, not a plateau) is redrawn (up to
    ``tries`` times). Edges: :data:`BURST_EDGE`. Returns the unscaled stretch (length
    ``max(2, round(duration * sfreq))``).
    """
    pool, env, med = activation_pool(name, sfreq, real=real)
    n = max(2, int(round(duration * sfreq)))
    if n >= len(pool):
        raise ValueError(f"activation material {name} is shorter than {duration * 1000:.0f} ms at {sfreq:g} Hz")
    for _ in range(tries):
        s = int(rng.integers(len(pool) - n))
        if env[s : s + n].min() >= 0.2 * med:
            break
    seg = pool[s : s + n].copy()
    e = max(1, int(round(rng.uniform(*BURST_EDGE) * sfreq)))
    e = min(e, n // 2)
    seg[:e] *= _rc(e)
    seg[n - e :] *= _rc(e)[::-1]
    return seg


# ------------------------------------------------------------------------------------------ tonic
TONIC_SOURCES = {
    "physionet_emgdb/emg_healthy": 4000.0,
    "physionet_emgdb/emg_myopathy": 4000.0,
    "physionet_emgdb/emg_neuropathy": 4000.0,
    "biosppy/emg (weak tonic)": 1000.0,
    "biosppy/emg_1 (contraction)": 1000.0,
    "veta_drt+myonset (burst plateaus)": 2048.0,
}


@functools.lru_cache(maxsize=None)
def _tonic_pieces(name, real):
    if name.startswith("physionet_emgdb/"):
        key = name.split("/")[1]
        x, fs = _channels(str(Path(real) / FILES[key]))["EMG"]
        if key == "emg_healthy":
            spans = [(0.2, 12.5)]
        elif key == "emg_myopathy":
            spans = [(0.2, 16.6), (17.3, 27.4)]
        else:  # neuropathy: the parts that neither clip (+/-3.2767 mV) nor drop out
            clip = np.flatnonzero(np.abs(x) >= 3270.0) / fs
            bad = [(t - 0.05, t + 0.05) for t in clip]
            spans = [(a, b) for a, b in _windows_minus([(0.3, 11.5), (18.8, 30.0)], bad) if b - a >= 0.5]
    elif name == "biosppy/emg (weak tonic)":
        x, fs = _channels(str(Path(real) / FILES["emg"]))["EMG"]
        spans = [(35.5, 41.0), (50.5, 57.5)]
    elif name == "biosppy/emg_1 (contraction)":
        x, fs = _channels(str(Path(real) / FILES["emg_1"]))["EMG"]
        spans = [(15.6, 16.9)]
    elif name == "veta_drt+myonset (burst plateaus)":
        fs = 2048.0
        pieces = [resample(p, f, fs) for nm in ("veta_drt", "myonset") for p, f in [(q, _activation_plateaus(nm, real)[1])
                  for q in _activation_plateaus(nm, real)[0]]]
        return tuple(p / np.median(_envelope(p, fs, 0.02)) for p in pieces if len(p) > 0.03 * fs), fs
    else:
        raise KeyError(name)
    xh = _hp(x, fs, MATERIAL_HP)
    return tuple(xh[int(a * fs) : int(b * fs)] for a, b in spans), fs


def tonic_pieces(name, *, real=REAL):
    """Real tonic EMG material (native rate, high-passed at :data:`MATERIAL_HP` Hz): (pieces, sfreq).

    ``physionet_emgdb/emg_healthy``, ``emg_myopathy`` (minus its dropout at 16.6-17.3 s),
    ``emg_neuropathy`` (its clip-free parts, away from its dropout at 18.4-18.7 s): concentric
    needle EMG of a gentle sustained dorsiflexion. ``biosppy/emg (weak tonic)``: 35.5-41 and 50.5-57.5 s
    of ``emg.txt``. ``biosppy/emg_1 (contraction)``: the strong contraction of ``emg_1.txt``
    (15.6-16.9 s; looped in use). ``veta_drt+myonset (burst plateaus)``: a surface "tonic" made by
    joining the real burst plateaus of both (each scaled to a unit median 20 ms band RMS) with cross-fades; said so
    in every table, since no real sustained surface contraction of that length is in the material.
    """
    return _tonic_pieces(name, str(real))


def tonic_component(name, sfreq, n, rng, *, real=REAL):
    """``n`` samples of tonic material at ``sfreq``: pieces in random order, looped, joined (unit band RMS)."""
    pieces, fs = tonic_pieces(name, real=real)
    pieces = [resample(p, fs, sfreq) for p in pieces]
    out = _loop(pieces, n, rng, int(JOIN_FADE * sfreq))  # high-passed at 10 Hz: no slow part to carry
    return out / band_rms(out, sfreq)


# ------------------------------------------------------------------------------------------ ECG
@functools.lru_cache(maxsize=None)
def _ecg_beats(sfreq, real):
    x, fs = _channels(str(Path(real) / FILES["ecg"]))["ECG"]
    xh = _hp(x, fs, BACKGROUND_HP)
    peaks, _ = sps.find_peaks(xh, height=0.5 * np.max(xh), distance=int(0.4 * fs))
    pre, post, taper = int(0.35 * fs), int(0.65 * fs), int(0.05 * fs)
    beats = []
    for r in peaks:
        if r - pre < 0 or r + post > len(xh):
            continue
        b = xh[r - pre : r + post].copy()
        # remove the beat's own baseline (a line through its first and last 20 ms), taper the ends
        k = int(0.02 * fs)
        b -= np.linspace(b[:k].mean(), b[-k:].mean(), len(b))
        b[:taper] *= _rc(taper)
        b[-taper:] *= _rc(taper)[::-1]
        b = resample(b, fs, sfreq)
        beats.append((b, int(round(pre * sfreq / fs))))
    return tuple(beats)


def ecg_beats(sfreq, *, real=REAL):
    """Real P-QRS-T beats of ``biosppy/ecg.txt`` at ``sfreq`` (<= 1000 Hz): tuple of (beat, R index).

    R peaks: local maxima above half the largest, >= 0.4 s apart, on the 0.5 Hz high-passed ECG.
    Each beat spans R - 350 ms to R + 650 ms, minus the line through its first and last 20 ms,
    with 50 ms raised-cosine tapers (neighbouring beats overlap and add).
    """
    return _ecg_beats(float(sfreq), str(real))


def qrs_amplitude(beat, sfreq, r_index):
    """Peak-to-peak amplitude of the band-passed ``beat`` within +/- :data:`QRS_HALF_WIDTH` of its R peak."""
    y = emg_band(np.r_[np.zeros(int(0.2 * sfreq)), beat, np.zeros(int(0.2 * sfreq))], sfreq)
    r = r_index + int(0.2 * sfreq)
    h = int(round(QRS_HALF_WIDTH * sfreq))
    seg = y[max(0, r - h) : r + h + 1]
    return float(seg.max() - seg.min())


def rr_times(rng, duration, *, start=0.3):
    """R-peak times (s) over ``duration``: a heart rate uniform in :data:`HEART_RATE` per recording,
    beat-to-beat variability from a 0.25 Hz respiratory modulation (3%) and AR(1) noise (3%, phi 0.7)."""
    rr0 = 60.0 / rng.uniform(*HEART_RATE)
    t, z, out = start + rng.uniform(0, rr0), 0.0, []
    phase = rng.uniform(0, 2 * np.pi)
    while t < duration:
        out.append(t)
        z = 0.7 * z + np.sqrt(1 - 0.49) * rng.standard_normal()
        t += rr0 * (1 + 0.03 * np.sin(2 * np.pi * 0.25 * t + phase) + 0.03 * z)
    return np.asarray(out)


# ------------------------------------------------------------------------------------------ movement, steps
@functools.lru_cache(maxsize=None)
def _movement_waves(sfreq, real):
    sig, fs = _myonset_bipolar(real)
    out = []
    for t, hand in _myonset_responses(real):
        lf = _lp(sig[hand], fs, WAVE_LP)
        seg = lf[int((t - 0.3) * fs) : int((t + 1.0) * fs)]
        seg = seg - seg[0]
        start = int(np.flatnonzero(np.abs(seg) > 0.05 * np.abs(seg).max())[0])
        w = seg[max(0, start - int(0.01 * fs)) :]
        w = w[: int(0.9 * fs)] - w[0]
        fade = int(0.4 * fs)
        w[-fade:] *= _rc(fade)[::-1]
        w = resample(w, fs, sfreq)
        out.append(w / np.abs(w).max())
    return tuple(out)


def movement_waves(sfreq, *, real=REAL):
    """Real movement/electrode waves (unit peak) at ``sfreq`` (<= 2048 Hz), one per myonset response.

    The bipolar thumb EMG of the responding hand, low-passed at :data:`WAVE_LP` Hz (zero-phase
    4th-order Butterworth), from 10 ms before it first departs by 5% of its peak, 900 ms long, the
    last 400 ms faded to 0 (raised cosine). These are the real deflections of the thumb press:
    movement and electrode transients recorded with the EMG.
    """
    return _movement_waves(float(sfreq), str(real))


def electrode_step(n, sfreq, amplitude, tau):
    """An electrode step (a model, not real material): ``amplitude`` then exponential recovery.

    ``amplitude * exp(-t / tau)`` for ``n`` samples from the step (a one-sample jump, as when an
    electrode's half-cell potential shifts). No real step without EMG is in the material, so this is
    the one synthetic component of the set.
    """
    return amplitude * np.exp(-np.arange(n) / sfreq / tau)


# ------------------------------------------------------------------------------------------ assembly
@dataclass
class Case:
    """One recording of the set: ``recording``, ``truth`` and where its material came from.

    ``family``: ``rest``, ``jerks``, ``ecg`` or ``tonic``. ``info``: per channel, ``rest_rms_uv``,
    and ``qrs_ratio`` (ECG), ``tonic_x`` and ``control_start`` (tonic: silences end before it).
    ``components``: with ``keep=True``, per channel the arrays the signal is the sum of (``rest``,
    ``tonic`` (before gating), ``gain``, ``bursts``, ``artifacts``: signal = rest + tonic * gain +
    bursts + artifacts), for checking the construction; else empty.
    """

    name: str
    family: str
    source: str
    recording: Recording
    truth: Events
    info: dict = field(default_factory=dict)
    components: dict = field(default_factory=dict)

    @property
    def sfreq(self):
        return self.recording.channels[0].sfreq

    @property
    def emg_channels(self):
        return [c.name for c in self.recording.channels if c.type == "emg"]


class _Builder:
    """Components of one channel and its truth rows; the recording is their sum."""

    def __init__(self, name, sfreq, rest, tonic=None):
        self.name, self.fs = name, sfreq
        self.n = len(rest)
        self.rest = rest
        self.tonic = np.zeros(self.n) if tonic is None else tonic
        self.gain = np.ones(self.n)
        self.bursts = np.zeros(self.n)
        self.artifacts = np.zeros(self.n)
        self.rest_rms = band_rms(rest, sfreq)
        self._bg = emg_band(self.rest + self.tonic, sfreq)
        self.jerks, self.silences, self.arts = [], [], []

    def local_background(self, i0, i1):
        w = int(round(LOCAL_WINDOW * self.fs))
        seg = self._bg[max(0, i0 - w) : min(self.n, i1 + w)]
        return float(np.sqrt(np.mean(seg**2)))

    def add_burst(self, i0, unit, amp_x, category, material, **extra):
        """Scale ``unit`` to ``amp_x`` x the local background, add it at sample ``i0``; returns the scaled burst."""
        i1 = i0 + len(unit)
        bg = self.local_background(i0, i1)
        tmp = np.zeros(self.n)
        tmp[i0:i1] = unit
        scale = amp_x * bg / _local_band_rms(tmp, self.fs, i0, i1)
        burst = unit * scale
        self.bursts[i0:i1] += burst
        tmp[i0:i1] = burst
        rms = _local_band_rms(tmp, self.fs, i0, i1)
        self.jerks.append(dict(onset=i0 / self.fs, duration=len(unit) / self.fs, rms_uv=rms,
                               snr_db=20 * np.log10(rms / self.rest_rms), local_snr_db=20 * np.log10(rms / bg),
                               background_uv=bg, amplitude_x=amp_x, peak_uv=float(np.abs(burst).max()),
                               category=category, material=material, **extra))
        return burst

    def add_artifact(self, i0, wave):
        i1 = min(self.n, i0 + len(wave))
        self.artifacts[i0:i1] += wave[: i1 - i0]

    def signal(self):
        return self.rest + self.tonic * self.gain + self.bursts + self.artifacts

    def truth(self):
        parts = []
        for kind, rows in (("jerk", self.jerks), ("silent_period", self.silences), ("artifact", self.arts)):
            if not rows:
                continue
            keys = list(dict.fromkeys(k for r in rows for k in r))
            meas = {}
            for k in keys:
                if k in ("onset", "duration"):
                    continue
                vals = [r.get(k) for r in rows]
                if any(isinstance(v, str) for v in vals):
                    meas[k] = np.array(["" if v is None else str(v) for v in vals], dtype=object)
                else:
                    meas[k] = np.array([np.nan if v is None else float(v) for v in vals])
            parts.append(Events([r["onset"] for r in rows], [r["duration"] for r in rows], kind, self.name,
                                source="real-material truth", **meas))
        return Events.concatenate(parts) if parts else Events()


def _rng(seed, name):
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def _case(name, family, source, builders, sfreq, info, extra_channels=(), keep=False):
    data = [b.signal() for b in builders] + [x for _, x, _ in extra_channels]
    names = [b.name for b in builders] + [nm for nm, _, _ in extra_channels]
    types = ["emg"] * len(builders) + [t for _, _, t in extra_channels]
    rec = Recording.from_array(data, sfreq, names, types, source={"benchmark": "realmaterial", "case": name})
    truth = Events.concatenate([b.truth() for b in builders])
    comp = {b.name: dict(rest=b.rest, tonic=b.tonic, gain=b.gain, bursts=b.bursts, artifacts=b.artifacts)
            for b in builders} if keep else {}
    return Case(name, family, source, rec, truth, info, comp)


def _ch_names(keys):
    return ["EMG" if len(keys) == 1 else f"EMG {k.split('_')[-1]}" for k in keys]


def rest_case(bg, sfreq, *, duration=None, real=REAL, keep=False):
    """Real rest EMG only: the quiet stretches of ``bg`` joined in order (truncated to ``duration`` s).

    With two channels both are cut to the shorter one's length.
    """
    keys = REST_SOURCES[bg]
    avail = []
    for key in keys:
        pieces, fs, _, _ = rest_stretches(key, real=real)
        avail.append(sum(len(p) for p in pieces) / fs - JOIN_FADE * (len(pieces) - 1))
    total = min(avail) if duration is None else min(min(avail), duration)
    n = int(total * sfreq) - 1
    builders = [_Builder(nm, sfreq, rest_background(k, sfreq, n, None, real=real)) for k, nm in zip(keys, _ch_names(keys))]
    name = f"rest {bg} {sfreq:g} Hz"
    return _case(name, "rest", bg, builders, sfreq, {b.name: {"rest_rms_uv": b.rest_rms} for b in builders}, keep=keep)


def _schedule(t0, t_end, place):
    """Call ``place(t)`` from ``t0`` while ``t < t_end``; ``place`` returns the time the channel is free again."""
    t = t0
    while t < t_end:
        t = place(t)


def jerk_case(bg, material, sfreq, duration, seed, *, real=REAL, waves=True, keep=False):
    """Jerks of real ``material`` in real rest ``bg``: plain, with a movement wave, with an electrode step
    inside, and free electrode steps (artefact truth, ``reason`` ``electrode_step``).

    Per channel, events follow one another from 0.5 s to ``duration`` - 1 s with 0.3-1.2 s of rest
    after each (after a step, 3 time constants more). Per event: plain jerk 45%, jerk + movement wave
    20% (only when movement material exists at ``sfreq``, else plain), jerk + step 20%, free step 15%.
    """
    name = f"jerks {bg} + {material} {sfreq:g} Hz"
    rng = _rng(seed, name)
    keys = REST_SOURCES[bg]
    n = int(duration * sfreq)
    wv = movement_waves(sfreq, real=real) if (waves and sfreq <= NATIVE_HZ["myonset"]) else ()
    builders = [_Builder(nm, sfreq, rest_background(k, sfreq, n, rng, real=real)) for k, nm in zip(keys, _ch_names(keys))]
    for b in builders:
        def place(t, b=b):
            kind = rng.choice(["plain", "movement_wave", "electrode_step", "free_step"], p=[0.45, 0.2, 0.2, 0.15])
            if kind == "movement_wave" and not wv:
                kind = "plain"
            i0 = int(round(t * sfreq))
            if kind == "free_step":
                s_x, tau = _loguniform(rng, *STEP_X), _loguniform(rng, *STEP_TAU)
                step = rng.choice([-1.0, 1.0]) * s_x * b.rest_rms
                b.add_artifact(i0, electrode_step(int(5 * tau * sfreq), sfreq, step, tau))
                b.arts.append(dict(onset=i0 / sfreq, duration=tau * np.log(s_x), reason="electrode_step",
                                   step_x=s_x, tau_s=tau, category="free_step"))
                return t + 3 * tau + rng.uniform(0.3, 1.2)
            d = _draw_duration(rng)
            unit = cut_burst(material, sfreq, d, rng, real=real)
            extra, busy = {}, t + len(unit) / sfreq
            amp = _loguniform(rng, *AMPLITUDE_X)
            if kind == "movement_wave":
                delay, m_x = rng.uniform(*WAVE_DELAY), _loguniform(rng, *WAVE_X)
                extra = dict(wave_delay_s=delay, wave_x=m_x)
            elif kind == "electrode_step":
                s_x, tau = _loguniform(rng, *STEP_X), _loguniform(rng, *STEP_TAU)
                at = rng.uniform(0.1, 0.9) * len(unit) / sfreq
                extra = dict(step_x=s_x, tau_s=tau, step_at_s=at)
            burst = b.add_burst(i0, unit, amp, kind, material, **extra)
            if kind == "movement_wave":
                w = wv[int(rng.integers(len(wv)))] * rng.choice([-1.0, 1.0]) * extra["wave_x"] * np.abs(burst).max()
                b.add_artifact(i0 + int(round(extra["wave_delay_s"] * sfreq)), w)
                busy = t + extra["wave_delay_s"] + len(w) / sfreq
            elif kind == "electrode_step":
                step = rng.choice([-1.0, 1.0]) * extra["step_x"] * b.rest_rms
                b.add_artifact(i0 + int(round(extra["step_at_s"] * sfreq)),
                               electrode_step(int(5 * extra["tau_s"] * sfreq), sfreq, step, extra["tau_s"]))
                busy = max(busy, t + extra["step_at_s"] + 3 * extra["tau_s"])
            return busy + rng.uniform(0.3, 1.2)

        _schedule(0.5, duration - 1.0 - 0.5, place)
    return _case(name, "jerks", f"{bg} + {material}", builders, sfreq,
                 {b.name: {"rest_rms_uv": b.rest_rms} for b in builders}, keep=keep)


def ecg_case(bg, material, sfreq, duration, seed, *, heavy, ecg_channel=False, real=REAL, keep=False):
    """Real ECG beats (:func:`ecg_beats`) added to real rest ``bg``, with jerks of real ``material``.

    ``heavy``: one bool per background channel: QRS ratio log-uniform in :data:`QRS_X_HEAVY` when
    True, :data:`QRS_X_LIGHT` otherwise (one gain per channel: the median QRS amplitude of the
    channel's beats is the drawn ratio x ``rest_rms_uv``; beats vary around it as the real ones do).
    Jerks every 0.8-2 s after the previous one; a third of them are moved onto a QRS (onset from
    ``min(D, 40 ms)`` before to 30 ms after the R peak). A jerk whose span meets a QRS (R +/- 50 ms) is
    ``category`` ``on_qrs``. Every other QRS is artefact truth (``reason`` ``ecg``; onset R - 50 ms,
    100 ms; measures ``r_peak`` and ``qrs_x``). ``ecg_channel``: add an ECG channel with the same beats
    (R about 1 mV).
    """
    tag = "with ECG channel" if ecg_channel else "no ECG channel"
    name = f"ecg {bg} + {material} {sfreq:g} Hz ({tag})"
    rng = _rng(seed, name)
    keys = REST_SOURCES[bg]
    n = int(duration * sfreq)
    beats = ecg_beats(sfreq, real=real)
    r_times = rr_times(rng, duration - 0.7)
    which = rng.integers(len(beats), size=len(r_times))
    unit = np.zeros(n)
    amps = []
    for t, k in zip(r_times, which):
        beat, r = beats[k]
        i0 = int(round(t * sfreq)) - r
        lo, hi = max(0, i0), min(n, i0 + len(beat))
        unit[lo:hi] += beat[lo - i0 : hi - i0]
        amps.append(qrs_amplitude(beat, sfreq, r))
    med_amp = float(np.median(amps))
    builders, info = [], {}
    h = QRS_HALF_WIDTH
    for key, nm, hv in zip(keys, _ch_names(keys), heavy):
        b = _Builder(nm, sfreq, rest_background(key, sfreq, n, rng, real=real))
        ratio = _loguniform(rng, *(QRS_X_HEAVY if hv else QRS_X_LIGHT))
        gain = rng.choice([-1.0, 1.0]) * ratio * b.rest_rms / med_amp
        b.add_artifact(0, gain * unit)
        info[nm] = {"rest_rms_uv": b.rest_rms, "qrs_ratio": ratio, "ecg_heavy": ratio >= ECG_HEAVY_X}

        def place(t, b=b):
            d = _draw_duration(rng)
            if rng.uniform() < 1 / 3:
                nxt = r_times[r_times > t + 0.05]
                if len(nxt):
                    t = float(nxt[0] + rng.uniform(-min(d, 0.040), 0.030))
            seg = cut_burst(material, sfreq, d, rng, real=real)
            i0 = int(round(t * sfreq))
            if i0 + len(seg) >= n - int(0.5 * sfreq):
                return duration
            on, off = i0 / sfreq, (i0 + len(seg)) / sfreq
            on_qrs = bool(np.any((r_times - h < off) & (r_times + h > on)))
            b.add_burst(i0, seg, _loguniform(rng, *AMPLITUDE_X), "on_qrs" if on_qrs else "plain", material)
            return off + rng.uniform(0.8, 2.0)

        _schedule(0.5, duration - 1.0, place)
        spans = [(j["onset"], j["onset"] + j["duration"]) for j in b.jerks]
        for t, k in zip(r_times, which):
            if t - h < 0.05 or any(a < t + h and c > t - h for a, c in spans):
                continue
            beat, r = beats[k]
            b.arts.append(dict(onset=t - h, duration=2 * h, reason="ecg", r_peak=t, category="free_qrs",
                               qrs_x=abs(gain) * qrs_amplitude(beat, sfreq, r) / b.rest_rms))
        builders.append(b)
    extra = ()
    if ecg_channel:
        r_amp = np.median([beat[r] for beat, r in beats])
        extra = (("ECG", unit * (1000.0 / r_amp), "ecg"),)
    return _case(name, "ecg", f"{bg} + {material} + biosppy/ecg", builders, sfreq, info, extra, keep=keep)


def tonic_case(bg, tonic, material, sfreq, duration, seed, *, real=REAL, keep=False):
    """Real tonic EMG (:func:`tonic_component`) over real rest ``bg``, with silent periods.

    Per channel the tonic band RMS is :data:`TONIC_X` (log-uniform) x the resting RMS. From 1 s to
    two thirds of ``duration`` - 1 s, silent periods of :data:`SILENCE_DURATION` follow one another
    1-2.5 s apart: the tonic component times a gain that falls to 0 and comes back with raised-cosine
    edges of :data:`SILENCE_EDGE`, leaving the resting EMG underneath. Half of them come right after
    a brief burst of real ``material`` (:data:`PRE_BURST_DURATION`, RMS :data:`PRE_BURST_X` x the
    local background, whose offset is where the gain starts to fall; jerk truth, ``category``
    ``before_silence``). The last third (``info[ch]['control_start']`` on) has no silence. Truth
    ``silent_period`` measures: ``tonic_level_uv`` (band RMS of rest + tonic over the 500 ms before),
    ``rest_level_uv``, ``after_jerk`` (1/0), ``edge_s``.
    """
    name = f"tonic {tonic} over {bg} {sfreq:g} Hz"
    rng = _rng(seed, name)
    keys = REST_SOURCES[bg]
    n = int(duration * sfreq)
    control = round(2 * duration / 3, 3)
    builders, info = [], {}
    for key, nm in zip(keys, _ch_names(keys)):
        rest = rest_background(key, sfreq, n, rng, real=real)
        rest_rms = band_rms(rest, sfreq)
        t_x = _loguniform(rng, *TONIC_X)
        b = _Builder(nm, sfreq, rest, t_x * rest_rms * tonic_component(tonic, sfreq, n, rng, real=real))
        info[nm] = {"rest_rms_uv": b.rest_rms, "tonic_x": t_x, "control_start": control}

        def place(t, b=b):
            d = _loguniform(rng, *SILENCE_DURATION)
            e = rng.uniform(*SILENCE_EDGE)
            after = rng.uniform() < 0.5
            on = t
            if after:
                seg = cut_burst(material, sfreq, rng.uniform(*PRE_BURST_DURATION), rng, real=real)
                i0 = int(round((t - e / 2) * sfreq)) - len(seg)
                on = (i0 + len(seg)) / sfreq + e / 2
            if on + d + 1.0 > control:
                return duration
            if after:
                b.add_burst(i0, seg, _loguniform(rng, *PRE_BURST_X), "before_silence", material)
            ne = max(1, int(round(e * sfreq)))
            a = int(round((on - e / 2) * sfreq))
            c = int(round((on + d - e / 2) * sfreq))
            b.gain[a : a + ne] = _rc(ne)[::-1]
            b.gain[a + ne : c] = 0.0
            b.gain[c : c + ne] = _rc(ne)
            i_pre = int(round((on - e / 2 - 0.5) * sfreq))
            lvl = float(np.sqrt(np.mean(b._bg[i_pre:a] ** 2)))
            b.silences.append(dict(onset=on, duration=d, tonic_level_uv=lvl, rest_level_uv=b.rest_rms,
                                   after_jerk=float(after), edge_s=e))
            return on + d + rng.uniform(1.0, 2.5)

        _schedule(1.0, control - 1.0, place)
        builders.append(b)
    return _case(name, "tonic", f"{tonic} over {bg}", builders, sfreq, info, keep=keep)


#: The set: (family, arguments). Rates never exceed the lowest native rate of the material used.
RECIPES = (
    ("rest", dict(bg="biosppy/emg_1", sfreq=1000.0)),
    ("rest", dict(bg="biosppy/emg_1", sfreq=250.0)),
    ("rest", dict(bg="biosppy/emg", sfreq=1000.0)),
    ("rest", dict(bg="biosppy/emg", sfreq=500.0)),
    ("rest", dict(bg="veta_drt", sfreq=5000.0)),
    ("rest", dict(bg="veta_drt", sfreq=1000.0)),
    ("rest", dict(bg="myonset", sfreq=2048.0)),
    ("rest", dict(bg="myonset", sfreq=500.0)),
    ("jerks", dict(bg="biosppy/emg_1", material="veta_drt", sfreq=1000.0)),
    ("jerks", dict(bg="biosppy/emg_1", material="physionet_emgdb", sfreq=250.0)),
    ("jerks", dict(bg="biosppy/emg", material="myonset", sfreq=1000.0)),
    ("jerks", dict(bg="biosppy/emg", material="biosppy/emg_1", sfreq=500.0)),
    ("jerks", dict(bg="veta_drt", material="veta_drt", sfreq=5000.0)),
    ("jerks", dict(bg="veta_drt", material="physionet_emgdb", sfreq=2048.0)),
    ("jerks", dict(bg="myonset", material="veta_drt", sfreq=2048.0)),
    ("jerks", dict(bg="myonset", material="biosppy/emg_1", sfreq=500.0)),
    ("ecg", dict(bg="biosppy/emg_1", material="veta_drt", sfreq=1000.0, heavy=(True,), ecg_channel=True)),
    ("ecg", dict(bg="biosppy/emg", material="physionet_emgdb", sfreq=500.0, heavy=(False,))),
    ("ecg", dict(bg="veta_drt", material="myonset", sfreq=1000.0, heavy=(True, False))),
    ("ecg", dict(bg="myonset", material="veta_drt", sfreq=250.0, heavy=(True, False), ecg_channel=True)),
    ("tonic", dict(bg="veta_drt", tonic="physionet_emgdb/emg_healthy", material="veta_drt", sfreq=2048.0)),
    ("tonic", dict(bg="veta_drt", tonic="physionet_emgdb/emg_myopathy", material="myonset", sfreq=2048.0)),
    ("tonic", dict(bg="myonset", tonic="physionet_emgdb/emg_neuropathy", material="veta_drt", sfreq=2048.0)),
    ("tonic", dict(bg="biosppy/emg_1", tonic="biosppy/emg (weak tonic)", material="myonset", sfreq=1000.0)),
    ("tonic", dict(bg="biosppy/emg", tonic="biosppy/emg_1 (contraction)", material="veta_drt", sfreq=1000.0)),
    ("tonic", dict(bg="myonset", tonic="veta_drt+myonset (burst plateaus)", material="physionet_emgdb", sfreq=2048.0)),
)

#: Seconds per recording of each family (``quick``: for development).
DURATIONS = {"jerks": 60.0, "ecg": 60.0, "tonic": 45.0}
QUICK_DURATIONS = {"jerks": 20.0, "ecg": 20.0, "tonic": 15.0, "rest": 20.0}


def build_set(seed=1, *, quick=False, real=REAL, families=None):
    """Build every case of :data:`RECIPES` (a list of :class:`Case`); [] when the material is absent.

    ``quick``: short recordings (:data:`QUICK_DURATIONS`) for development. ``families``: a subset.
    """
    if missing(real):
        return []
    cases = []
    for family, kw in RECIPES:
        if families is not None and family not in families:
            continue
        if family == "rest":
            cases.append(rest_case(kw["bg"], kw["sfreq"], duration=QUICK_DURATIONS["rest"] if quick else None, real=real))
            continue
        dur = (QUICK_DURATIONS if quick else DURATIONS)[family]
        fn = {"jerks": jerk_case, "ecg": ecg_case, "tonic": tonic_case}[family]
        cases.append(fn(duration=dur, seed=seed, real=real, **kw))
    return cases
