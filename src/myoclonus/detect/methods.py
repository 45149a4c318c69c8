"""The methods paragraph of a detection, written from the parameter values that ran."""
from __future__ import annotations

from .params import DELUCA2010, LI2007, MAK2010, PARAMS, PT1985, SH2005, STAUDE2001, UGAWA1989, WIDMANN2015
from .silent import AFTER, ENVELOPE, JERK_GAP, LEVEL

__all__ = ["methods_text"]


def _ms(v):
    return f"{v * 1000:g} ms"


def methods_text(p, version):
    """A methods paragraph for the parameter values ``p`` (a mapping, e.g. ``DetectionResult.params``).

    Every threshold and window that shapes the result is named with its value and unit, and each
    criterion with its reference; parameters switched off are said to be off.
    """
    p = {**{k: v.default for k, v in PARAMS.items()}, **dict(p)}
    notch = ("a mains notch at the detected 50/60 Hz line and those of its harmonics standing >= 10 dB above the "
             "neighbouring spectrum" if p["notch"] == "auto" else
             "no mains notch" if p["notch"] is None else f"a notch at {p['notch']:g} Hz and its harmonics")
    env = (f"a centred {_ms(p['envelope_window'])} moving RMS" if p["method"] == "rms" else
           f"the square root of the Teager-Kaiser energy averaged over {_ms(p['envelope_window'])} ({LI2007})")
    floor = (f"the 20th percentile of 100 ms window RMS over a centred {p['floor_span']:g} s span, never below the "
             "channel's resting level (median RMS of its quietest 20% of 100 ms windows)" if p["floor_span"] else
             "the channel's resting level (median RMS of its quietest 20% of 100 ms windows)")
    tail = (" The thresholds were raised by the ratio (1-2) of the observed to the Gaussian 99.9th envelope "
            "percentile in the quiet windows (heavy-tailed background)." if p["tail_adapt"] else "")
    ecg = {"auto": "when an ECG channel was present or the EMG showed regular, reproducible QRS complexes",
           True: "on every channel", False: None}[p["ecg"]]
    ecg_s = (f"ECG contamination was removed {ecg} by subtracting the median QRS template, aligned to a fraction of a "
             f"sample and scaled per beat ({PT1985}; {MAK2010}). " if ecg else "No ECG removal was applied. ")
    kept = (f"A burst was kept when its RMS over at least {_ms(p['burst_window'])} reached {p['k_burst']:g}x the "
            "background" + (f" and {p['k_flank']:g}x the EMG on its quieter side (median RMS of 10 ms windows up to "
                            f"{_ms(p['flank_window'])} outside it)" if p["k_flank"] else "") + ". ")
    sup = (f"Inside sustained activations, bursts were also sought against the activation's own level (median over "
           f"{p['superimposed_span']:g} s) and kept when they reached {p['k_superimposed']:g}x the EMG on both sides. "
           if p["k_superimposed"] else "")
    edges = (f"Onsets and offsets were refined by a likelihood-ratio variance change point searched "
             f"{_ms(p['refine_search'])} outside the threshold crossings ({STAUDE2001})"
             + (", then, on the EMG high-passed causally for onsets and anti-causally for offsets (no filter "
                f"ringing before an onset or after an offset; {WIDMANN2015}), by a change point into a raised-cosine "
                f"rise or decay of fitted length on the AR(3)-whitened EMG, moved inwards by at most "
                f"{_ms(p['ramp_search'])}" if p["ramp_fit"] else "") + ". ")
    slow = (f", as were bursts of at least {_ms(p['slow_rise_min_duration'])} whose rise was better explained by a "
            f"gradual (24-128 ms) than an abrupt (<= 8 ms) recruitment (log-likelihood ratio > {p['slow_rise_llr']:g})"
            if p["slow_rise_llr"] is not None else "")
    rise_ev = (f" A jerk of at least {_ms(p['slow_rise_min_duration'])} received a confidence of 0.5 or more only when "
               "an abrupt (<= 8 ms) rise of its amplitude, on the AR(3)-whitened EMG, was more likely than a gradual "
               f"(24-128 ms) one by a log-likelihood ratio over {p['rise_evidence']:g} (a jerk and a voluntary burst "
               "of that length differ only by their rise on one channel)." if p.get("rise_evidence") is not None else "")
    rise = (f", and bursts of at least {_ms(p['slow_rise_min_duration'])} taking over {_ms(p['max_rise'])} to reach "
            "half their plateau" if p["max_rise"] is not None else "")
    sp = (f"Silent periods were {_ms(p['sp_min_duration'])}-{_ms(p['sp_max_duration'])} drops of the {_ms(ENVELOPE)} "
          f"envelope below {p['sp_ratio']:g}x the {LEVEL:g} s RMS of the EMG outside the jerks, edges refined by "
          f"variance change points, opening at the offset of a jerk ending up to {_ms(JERK_GAP)} before when the EMG "
          "in between was not above the tonic level; a drop was kept when no stretch of the same length in the "
          f"{p['sp_reference']:g} s of EMG on either side (jerks, other silences and rest over "
          f"{_ms(p['sp_max_duration'])} left out; at least {_ms(p['sp_tonic_window'])} of tonic EMG before) nor the "
          f"{_ms(AFTER)} after had an RMS below {p['sp_min_contrast']:g}x the silent RMS, and it outlasted "
          f"{p['sp_gap_ratio']:g}x the longest gap of that EMG as quiet as it ({_ms(ENVELOPE)} windows; the pauses "
          f"between discharges of sparse tonic EMG) ({UGAWA1989}; {SH2005}; {PARAMS['sp_min_contrast'].ref}). "
          if p["silent_periods"] else "Silent periods were not sought. ")
    acc = (f"Accelerometer jerks were transients of the jerk magnitude (0.5-30 Hz) above {p['acc_k_on']:g}x its quiet "
           f"RMS (ending below {p['acc_k_off']:g}x, merged across gaps under {_ms(p['acc_merge_gap'])}) lasting at "
           f"most {_ms(p['acc_max_duration'])}, linked to an EMG jerk up to "
           f"{_ms(p['acc_max_delay'])} before them. " if p["acc"] else "")
    sens = p.get("sensitivity", "normal")
    sens_s = f" Sensitivity preset: {sens}." if sens and sens != "normal" else ""
    return (
        f"EMG was band-pass filtered {p['l_freq']:g}-{p['h_freq']:g} Hz (zero-phase Butterworth, clamped below 0.45x "
        f"the sampling rate; {DELUCA2010}) after {notch}. " + ecg_s
        + f"The envelope was {env}; the background was {floor}.{tail} Bursts were detected with hysteresis (on at "
        f"{p['k_on']:g}x, off at {p['k_off']:g}x the background), merged across gaps under {_ms(p['merge_gap'])} and "
        f"within a {_ms(p['refractory'])} refractory period, and bursts starting within {_ms(p['edge'])} of a record "
        "edge were dropped. " + edges + kept + sup
        + f"Bursts of {_ms(p['min_duration'])}-{_ms(p['jerk_max'])} were classed as jerks; longer ones, or those inside "
        f"an activation above {p['k_sustained']:g}x the background on a {_ms(p['sustained_window'])} envelope lasting "
        f"over {_ms(p['jerk_max'])}, as sustained activity{slow}{rise} ({SH2005}); sustained activations less "
        f"than {p['sustained_gap']:g} s apart with active EMG between them were joined.{rise_ev} "
        + f"Electrode steps (two-sample jumps over {p['step_k']:g}x the local sample-to-sample variability whose new "
        "level persisted) were subtracted, with their recovery, before filtering. Artefact evidence flagged a burst "
        f"without removing it: a movement wave (1-15 Hz excursion over {p['lf_ratio_max']:g}x its EMG-band peak; "
        f"{DELUCA2010}), an electrode step, saturation, or overlap with a QRS complex; each flag lowered its confidence "
        f"by {p['flag_penalty']:g} log-odds. A burst was an artifact only when the artefact alone explained it: a "
        f"flagged burst whose RMS above {p['evidence_hz']:g} Hz stayed below {p['k_evidence']:g}x the background in "
        "that band, or a QRS-locked burst whose RMS after subtraction stayed below "
        f"{p['k_burst']:g}x the background augmented by the expected residual of a subtracted QRS. "
        + sp + acc + f"myoclonus {version}.{sens_s}"
    )
