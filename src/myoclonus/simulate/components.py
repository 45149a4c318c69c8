"""Signal components of the simulator: pure functions of arrays, a sampling rate and a generator.

Every function is vectorised (no per-sample Python loop) and draws randomness only from the
``numpy.random.Generator`` it is given, so that a seed reproduces a recording bit for bit.
Amplitudes are in microvolts (EMG, EEG, ECG) or m/s^2 (accelerometers); times in seconds.
"""
from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from .._validate import _check_range

__all__ = [
    "semg_psd",
    "spectral_noise",
    "emg_carrier",
    "eeg_aperiodic",
    "band_noise",
    "burst_envelope",
    "raised_cosine_ramp",
    "lognormal_durations",
    "ecg_template",
    "beat_times",
    "place_templates",
    "mains_hum",
    "baseline_wander",
    "motion_artifact",
    "electrode_pop",
    "damped_oscillation",
    "minimum_jerk_acceleration",
    "gaussian_wave",
]


# --------------------------------------------------------------------------- spectra and noise
def semg_psd(freqs, *, f_low=70.0, f_high=150.0, band=(20.0, 450.0)):
    """Power spectral shape of surface EMG (arbitrary scale).

    A rational band-pass model of the interference pattern of motor-unit action potentials
    (Shwedyk-type spectrum), ``P(f) = f_h^4 f^2 / ((f^2 + f_l^2)(f^2 + f_h^2)^2)``, multiplied by the
    amplifier band (2nd-order high-pass at ``band[0]``, 4th-order low-pass at ``band[1]``). With the
    defaults the spectrum peaks at ~80 Hz with a median frequency of ~115 Hz and keeps 99 % of its
    power within 20-450 Hz, as in real sEMG (De Luca 1997, doi:10.1123/jab.13.2.135; Merletti &
    Parker 2004, doi:10.1002/0471678384).

    Parameters
    ----------
    freqs : array of float
        Frequencies in Hz.
    f_low, f_high : float
        Corner frequencies of the motor-unit spectrum in Hz.
    band : tuple of float
        Amplifier pass band in Hz.

    Returns
    -------
    psd : array of float
        Unnormalised power at ``freqs``.
    """
    f = np.abs(np.asarray(freqs, float))
    p = f_high**4 * f**2 / ((f**2 + f_low**2) * (f**2 + f_high**2) ** 2)
    hp = (f / band[0]) ** 4 / (1.0 + (f / band[0]) ** 4)
    lp = 1.0 / (1.0 + (f / band[1]) ** 8)
    return p * hp * lp


def spectral_noise(rng, n_times, sfreq, psd, *, norm_band=None):
    """Gaussian noise with a given power spectral shape, scaled to unit RMS.

    Built in the frequency domain (complex Gaussian coefficients times ``sqrt(psd)``, then an
    inverse real FFT), which is exact for stationary Gaussian processes and O(n log n).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_times : int
        Number of samples.
    sfreq : float
        Sampling rate in Hz.
    psd : callable | array
        ``psd(freqs)`` or values at the ``n_times // 2 + 1`` rfft frequencies.
    norm_band : tuple of float | None
        If given, the expected RMS *within this band* is 1 (else over all frequencies).

    Returns
    -------
    x : array, shape (n_times,)
    """
    n = int(n_times)
    amp = _amplitude_spectrum(psd, n, float(sfreq), norm_band)
    # only bins with non-negligible power get random coefficients (exact: the others are zero)
    nz = np.flatnonzero(amp > 1e-7 * amp.max()) if amp.size and amp.max() > 0 else np.zeros(0, int)
    spec = np.zeros(amp.size, np.complex64)
    if nz.size:
        a, b = int(nz[0]), int(nz[-1]) + 1
        # complex Gaussian coefficients (real and imaginary parts interleaved, viewed as complex);
        # single precision halves the FFT time and is far below any physiological resolution
        z = rng.standard_normal((b - a, 2), dtype=np.float32).view(np.complex64)[:, 0]
        spec[a:b] = z * amp[a:b].astype(np.float32)
    return sfft.irfft(spec, n).astype(np.float64)


def _amplitude_spectrum(psd, n, sfreq, norm_band):
    """sqrt(psd) at the rfft frequencies, scaled so that the expected (band) RMS is 1."""
    if callable(psd):
        key = getattr(psd, "cache_key", None)
        if key is not None:
            return _cached_amplitude(key, psd, n, sfreq, None if norm_band is None else tuple(norm_band))
        freqs = sfft.rfftfreq(n, 1.0 / sfreq)
        p = np.asarray(psd(freqs), float)
    else:
        freqs = sfft.rfftfreq(n, 1.0 / sfreq)
        p = np.asarray(psd, float)
    return _scale_amplitude(p, freqs, n, norm_band)


def _scale_amplitude(p, freqs, n, norm_band):
    p = np.maximum(p, 0.0)
    p[0] = 0.0
    # expected variance of irfft(X) with E|X_k|^2 = p_k: (1/n^2) * 2 * sum_k p_k (DC removed)
    sel = np.ones_like(p, bool) if norm_band is None else (freqs >= norm_band[0]) & (freqs <= norm_band[1])
    var = 2.0 * p[sel].sum() / n**2
    scale = 1.0 / np.sqrt(var) if var > 0 else 0.0
    return np.sqrt(p) * (scale / np.sqrt(2.0))


_AMP_CACHE = {}


def _cached_amplitude(key, psd, n, sfreq, norm_band):
    full = (key, n, sfreq, norm_band)
    if full not in _AMP_CACHE:
        if len(_AMP_CACHE) > 16:
            _AMP_CACHE.clear()
        freqs = sfft.rfftfreq(n, 1.0 / sfreq)
        amp = _scale_amplitude(np.asarray(psd(freqs), float), freqs, n, norm_band)
        amp.flags.writeable = False
        _AMP_CACHE[full] = amp
    return _AMP_CACHE[full]


def _keyed(key, func):
    """Attach a cache key (the PSD's parameters) to a PSD callable."""
    func.cache_key = key
    return func


def emg_carrier(rng, n_times, sfreq, *, f_low=70.0, f_high=150.0, band=(20.0, 450.0)):
    """Stochastic sEMG carrier with unit RMS in the 20-450 Hz band (see :func:`semg_psd`).

    Multiplying it by an amplitude envelope (microvolts RMS) gives amplitude-modulated surface
    EMG: the interference pattern of many asynchronously firing motor units is a band-limited
    Gaussian process whose variance follows the number of active units (De Luca 1997,
    doi:10.1123/jab.13.2.135).
    """
    psd = _keyed(("semg", f_low, f_high, tuple(band)), lambda f: semg_psd(f, f_low=f_low, f_high=f_high, band=band))
    return spectral_noise(rng, n_times, sfreq, psd, norm_band=band)


def eeg_aperiodic(rng, n_times, sfreq, *, exponent=1.8, knee=1.0, fmax=100.0):
    """Unit-RMS aperiodic ("1/f") EEG background.

    ``P(f) = 1 / (knee^exponent + f^exponent)``, low-passed at ``fmax``; scalp EEG exponents are
    about 1-2 (Donoghue et al. 2020, doi:10.1038/s41593-020-00744-x).
    """
    def psd(f):
        return 1.0 / (knee**exponent + f**exponent) / (1.0 + (f / fmax) ** 8)

    return spectral_noise(rng, n_times, sfreq, _keyed(("eeg", exponent, knee, fmax), psd))


def band_noise(rng, n_times, sfreq, *, center, width):
    """Unit-RMS narrow-band Gaussian noise (Gaussian spectral peak at ``center`` Hz, SD ``width`` Hz).

    Used for the alpha rhythm (8-12 Hz), the 15-30 Hz cortical beta drive, theta, spindles.
    """
    psd = _keyed(("band", center, width), lambda f: np.exp(-0.5 * ((f - center) / width) ** 2))
    return spectral_noise(rng, n_times, sfreq, psd)


# --------------------------------------------------------------------------- envelopes
def raised_cosine_ramp(n):
    """Rising raised-cosine ramp of ``n`` samples, strictly between 0 and 1 (excluded ends)."""
    n = int(n)
    if n <= 0:
        return np.zeros(0)
    k = np.arange(1, n + 1)
    return 0.5 - 0.5 * np.cos(np.pi * k / (n + 1))


def burst_envelope(n_samples, sfreq, *, rise, decay):
    """Amplitude envelope of one EMG burst: raised-cosine rise, plateau, raised-cosine decay.

    The first and last samples are > 0 and the envelope is 0 just outside, so the burst's true
    onset is its first sample and its true offset the end of its last sample. Myoclonic bursts
    rise within a few milliseconds (Shibasaki & Hallett 2005, doi:10.1002/mus.20234); voluntary
    bursts rise over tens of milliseconds.

    Parameters
    ----------
    n_samples : int
        Burst length in samples (>= 1).
    sfreq : float
        Sampling rate in Hz.
    rise, decay : float
        Rise and decay times in seconds (shortened proportionally if longer than the burst).

    Returns
    -------
    env : array, shape (n_samples,)
        Peak 1.
    """
    n = max(int(n_samples), 1)
    nr = int(round(rise * sfreq))
    nd = int(round(decay * sfreq))
    if nr + nd > n:
        tot = max(nr + nd, 1)
        nr = int(np.floor(n * nr / tot))
        nd = int(np.floor(n * nd / tot))
    env = np.ones(n)
    if nr:
        env[:nr] = raised_cosine_ramp(nr)
    if nd:
        env[n - nd :] = raised_cosine_ramp(nd)[::-1]
    return env


def lognormal_durations(rng, n, *, median, sigma, bounds):
    """Draw ``n`` durations (s) from a log-normal distribution truncated to ``bounds``.

    Truncation is done by redrawing out-of-bound values (then clipping the few left after ten
    rounds), so the distribution keeps its shape inside the bounds.
    """
    lo, hi = float(bounds[0]), float(bounds[1])
    out = median * np.exp(sigma * rng.standard_normal(int(n)))
    for _ in range(10):
        bad = (out < lo) | (out > hi)
        if not bad.any():
            break
        out[bad] = median * np.exp(sigma * rng.standard_normal(int(bad.sum())))
    return np.clip(out, lo, hi)


def gaussian_wave(t, center, width, amplitude):
    """Gaussian deflection ``amplitude * exp(-(t - center)^2 / (2 width^2))`` (vectorised)."""
    return amplitude * np.exp(-0.5 * ((np.asarray(t, float) - center) / width) ** 2)


# --------------------------------------------------------------------------- heart
def ecg_template(sfreq, *, qrs_duration=0.09, r_amplitude=1000.0):
    """One PQRST beat of lead-I-like ECG, in microvolts.

    Waves as in the dynamical ECG model of McSharry et al. (2003, doi:10.1109/TBME.2003.808805):
    P (+15 % of R, 200 ms before R), QRS, T (+30 %, 250 ms after R). The QRS is built from three
    compact raised-cosine lobes (Q, R, S) that fill exactly ``[-qrs/2, +qrs/2]`` around the R peak,
    so its true extent is known; normal QRS duration is 80-120 ms (Surawicz et al. 2009,
    doi:10.1161/CIRCULATIONAHA.108.191095).

    Returns
    -------
    template : array
        Samples from -0.35 s to +0.5 s around the R peak.
    r_index : int
        Index of the R peak in ``template``.
    """
    _check_range("qrs_duration", qrs_duration, 0.04, 0.2, unit="s")
    t = np.arange(int(round(-0.35 * sfreq)), int(round(0.5 * sfreq)) + 1) / sfreq
    q = qrs_duration

    def lobe(center, half, amp):
        x = np.clip((t - center) / half, -1.0, 1.0)
        return amp * 0.5 * (1.0 + np.cos(np.pi * x)) * (np.abs(t - center) < half)

    beat = (
        gaussian_wave(t, -0.2, 0.025, 0.15 * r_amplitude)
        + lobe(-0.3 * q, 0.2 * q, -0.12 * r_amplitude)
        + lobe(0.0, 0.22 * q, r_amplitude)
        + lobe(0.3 * q, 0.2 * q, -0.25 * r_amplitude)
        + gaussian_wave(t, 0.25, 0.05, 0.3 * r_amplitude)
    )
    return beat, int(round(0.35 * sfreq))


def beat_times(rng, duration, *, heart_rate=70.0, hrv=0.03, resp_rate=0.25):
    """R-peak times (s) with respiratory sinus arrhythmia and random heart-rate variability.

    RR = 60/HR * (1 + 0.03 sin(2 pi f_resp t) + hrv * N(0, 1)); a few percent of RR variability
    is physiological at rest (Task Force ESC/NASPE 1996, doi:10.1161/01.CIR.93.5.1043).
    """
    _check_range("heart_rate", heart_rate, 20, 250, unit="bpm")
    rr0 = 60.0 / heart_rate
    n_max = int(duration / (rr0 * 0.7)) + 4
    t0 = rng.uniform(0, rr0)
    noise = hrv * rng.standard_normal(n_max)
    approx = t0 + rr0 * np.arange(n_max)
    rr = rr0 * (1.0 + 0.03 * np.sin(2 * np.pi * resp_rate * approx) + noise)
    times = t0 + np.concatenate([[0.0], np.cumsum(rr[:-1])])
    return times[times < duration]


def place_templates(n_times, sfreq, times, template, ref_index, *, amplitudes=None, out=None):
    """Add ``template`` (aligned on ``ref_index``) at each time in ``times`` into a signal.

    Templates running past either end are cut. Loops over events, never over samples.
    """
    out = np.zeros(n_times) if out is None else out
    m = len(template)
    amps = np.ones(len(times)) if amplitudes is None else np.asarray(amplitudes, float)
    for t, a in zip(np.asarray(times, float), amps):
        s = int(round(t * sfreq)) - ref_index
        a0, a1 = max(0, s), min(n_times, s + m)
        if a1 > a0:
            out[a0:a1] += a * template[a0 - s : a1 - s]
    return out


# --------------------------------------------------------------------------- contamination
def mains_hum(n_times, sfreq, *, freq=50.0, amplitudes=(1.0, 0.3, 0.1), phases=None, harmonics=(1, 3, 5)):
    """Mains interference: the fundamental and odd harmonics, in microvolts.

    Power-line pick-up is dominated by the fundamental (50 or 60 Hz) and odd harmonics from
    non-linear loads. When the sampling rate is an integer multiple of a common period (2048 Hz
    and 50 Hz repeat every 1024 samples) one period is computed and tiled, which is exact.

    Parameters
    ----------
    amplitudes : sequence of float
        Peak amplitude (uV) of each harmonic in ``harmonics``.
    phases : sequence of float | None
        Phase (rad) of each harmonic; default 0.
    """
    n = int(n_times)
    phases = np.zeros(len(harmonics)) if phases is None else np.asarray(phases, float)
    period = None
    if float(sfreq).is_integer() and float(freq).is_integer():
        from math import gcd

        period = int(sfreq) // gcd(int(sfreq), int(freq))
    m = period if period is not None and period < n else n
    t = np.arange(m) / sfreq
    one = np.zeros(m)
    for h, a, ph in zip(harmonics, amplitudes, phases):
        if h * freq < sfreq / 2:
            one += a * np.sin(2 * np.pi * h * freq * t + ph)
    return np.resize(one, n) if m < n else one


def baseline_wander(rng, n_times, sfreq, *, amplitude=30.0, fmax=0.5):
    """Slow baseline drift (electrode polarisation, sweat, respiration), in microvolts.

    Low-pass Gaussian noise below ``fmax`` Hz, generated on a coarse grid and linearly
    interpolated (De Luca et al. 2010, doi:10.1016/j.jbiomech.2010.01.027).
    """
    step = max(1, int(sfreq / (8 * fmax)))
    n_coarse = n_times // step + 2
    fs_c = sfreq / step
    coarse = amplitude * spectral_noise(rng, n_coarse, fs_c, lambda f: 1.0 / (1.0 + (f / fmax) ** 4))
    # linear interpolation between coarse knots, vectorised as an outer product
    frac = np.arange(step) / step
    fine = coarse[:-1, None] + np.diff(coarse)[:, None] * frac[None, :]
    return fine.ravel()[:n_times]


def motion_artifact(rng, n_samples, sfreq, *, amplitude):
    """Movement artefact: a Hann-windowed low-frequency (1-10 Hz) transient, peak ``amplitude`` uV.

    Cable and electrode-skin movement artefacts lie mostly below 20 Hz (De Luca et al. 2010,
    doi:10.1016/j.jbiomech.2010.01.027).
    """
    n = max(int(n_samples), 4)
    x = spectral_noise(rng, n, sfreq, lambda f: ((f > 1.0) & (f < 10.0)).astype(float))
    x *= np.hanning(n)
    peak = np.max(np.abs(x))
    return x * (amplitude / peak if peak > 0 else 0.0)


def electrode_pop(n_samples, sfreq, *, amplitude, tau):
    """Electrode pop: an abrupt step of ``amplitude`` uV decaying exponentially with ``tau`` s."""
    t = np.arange(int(n_samples)) / sfreq
    return amplitude * np.exp(-t / tau)


# --------------------------------------------------------------------------- mechanics
def damped_oscillation(n_samples, sfreq, *, freq, damping):
    """Damped sinusoid ``exp(-zeta w t) sin(w t)`` normalised to peak 1 (limb jerk acceleration).

    A brief muscle twitch accelerates a limb segment that then oscillates at its resonance
    (~5-12 Hz for the hand and wrist) with strong damping.
    """
    t = np.arange(int(n_samples)) / sfreq
    w = 2 * np.pi * freq
    x = np.exp(-damping * w * t) * np.sin(w * t)
    peak = np.max(np.abs(x)) if x.size else 0.0
    return x / peak if peak > 0 else x


def minimum_jerk_acceleration(n_samples, sfreq, *, distance):
    """Acceleration (m/s^2) of a minimum-jerk point-to-point movement of ``distance`` m.

    ``a(s) = distance / T^2 * (60 s - 180 s^2 + 120 s^3)`` for ``s = t / T`` (Flash & Hogan 1985,
    doi:10.1523/JNEUROSCI.05-07-01688.1985).
    """
    n = max(int(n_samples), 2)
    T = n / sfreq
    s = np.arange(n) / (n - 1)
    return distance / T**2 * (60 * s - 180 * s**2 + 120 * s**3)
