"""Stimulus sensitivity: jerk probability and latency after each stimulus type."""
from __future__ import annotations

import re

import numpy as np

from ..events import Events

__all__ = ["stimuli_from_recording", "stimulus_analysis", "REFLEX_SD_MS", "REFLEX_MAX_LATENCY_MS",
           "STARTLE_MAX_LATENCY_MS", "RESPONSE_WINDOW"]

#: Latency window (s) after a stimulus in which the first jerk counts as a response. The upper
#: bound admits the long, variable latencies of functional jerks (Thompson et al. 1992,
#: doi:10.1002/mds.870070312).
RESPONSE_WINDOW = (0.010, 1.0)
#: Reflex jerks have a fixed latency: standard deviation below this (ms) (Shibasaki & Hallett
#: 2005, doi:10.1002/mus.20234; Thompson et al. 1992 found functional latencies varying by tens
#: to hundreds of ms). Package convention.
REFLEX_SD_MS = 10.0
#: Reflex (C-reflex, reticular reflex, startle) latencies are below this (ms); voluntary reaction
#: times are longer than ~100 ms (Thompson et al. 1992, doi:10.1002/mds.870070312).
REFLEX_MAX_LATENCY_MS = 100.0
#: Startle: blink (orbicularis oculi) first, generalised response, latencies below this (ms)
#: (Brown et al. 1991, doi:10.1093/brain/114.4.1891).
STARTLE_MAX_LATENCY_MS = 120.0

#: Seconds of a stimulus channel read at once.
_STIM_CHUNK = 300.0

_STIM_RX = re.compile(r"stim|trigger|trig\b|click|tap|sound|audit|somat|median|electric|photic|flash|startle|tone|noise",
                      re.I)


def stimuli_from_recording(recording, *, threshold=0.5, min_interval=0.2):
    """Stimulus onsets from the 'stim' channels (threshold crossings) or from annotations.

    Parameters
    ----------
    recording : Recording
    threshold : float
        Fraction of the channel's peak-to-peak range above its minimum at which a rising edge
        counts as a stimulus.
    min_interval : float
        Seconds; crossings closer than this to the previous one are ignored.

    Returns
    -------
    Events
        Kind ``'stimulus'``; ``channel`` is the stim channel name or the annotation description.
    """
    on, ch = [], []
    for i, c in enumerate(recording.channels):
        if c.type != "stim":
            continue
        # read in pieces (a day-long trigger channel is not held whole): range, then rising edges
        step = max(2, int(_STIM_CHUNK * c.sfreq))
        pieces = range(0, c.n_times, step)
        x_min, x_max = np.inf, -np.inf
        for a in pieces:
            x = recording._read_channel(i, a, a + step)
            x_min, x_max = min(x_min, x.min()), max(x_max, x.max())
        if not len(pieces) or x_max - x_min <= 0:
            continue
        lvl = x_min + threshold * (x_max - x_min)
        up = []
        for a in pieces:  # each piece with the sample before it, so no edge is lost at a border
            x = recording._read_channel(i, max(a - 1, 0), a + step)
            up.append(np.flatnonzero((x[1:] >= lvl) & (x[:-1] < lvl)) + 1 + max(a - 1, 0))
        up = np.concatenate(up)
        last = -np.inf
        for k in up:
            t = k / c.sfreq
            if t - last >= min_interval:
                on.append(t)
                ch.append(c.name)
                last = t
    if not on:
        ann = recording.annotations
        for o, d in zip(ann.onset, ann.description):
            d = str(d)
            if _STIM_RX.search(d) and not d.lower().startswith("sleep stage"):
                on.append(float(o))
                ch.append(d.strip())
    return Events(on, np.zeros(len(on)), "stimulus", ch)


def stimulus_analysis(stimuli, group_onsets, group_first, *, spontaneous_rate=0.0, window=RESPONSE_WINDOW,
                      reflex_sd_ms=REFLEX_SD_MS, reflex_max_ms=REFLEX_MAX_LATENCY_MS,
                      startle_max_ms=STARTLE_MAX_LATENCY_MS, sites=None, min_stimuli=3):
    """Probability and latency of a jerk after each stimulus type.

    Parameters
    ----------
    stimuli : Events
        Stimulus onsets; the type is the ``channel`` (or ``kind`` when the channel is empty).
    group_onsets : array of float
        Onsets (s) of the multi-muscle jerks.
    group_first : list of str
        First channel of each multi-muscle jerk.
    spontaneous_rate : float
        Jerks per second outside responses, for the chance probability
        ``1 - exp(-rate * window length)``.
    window, reflex_sd_ms, reflex_max_ms, startle_max_ms
        See :data:`RESPONSE_WINDOW`, :data:`REFLEX_SD_MS`, :data:`REFLEX_MAX_LATENCY_MS` and
        :data:`STARTLE_MAX_LATENCY_MS`. The latency spread is the robust SD (1.4826 x median
        absolute deviation) so that a chance spontaneous jerk does not hide a fixed latency.
        A fixed-latency response is tested within +/- max(3 robust SD, 10 ms) of the median
        latency against the chance of a spontaneous jerk in that window; other responses against
        the chance of one in the whole response window (sensitive when the probability is >= 0.2
        and >= twice the chance).
    sites : dict | None
        BodySite per channel (to recognise a blink-first startle).

    Returns
    -------
    dict
        ``available`` and, per stimulus type under ``types``: ``n_stimuli``, ``n_responses``,
        ``probability``, ``chance_probability``, ``latency_ms`` (``median``, ``sd``,
        ``robust_sd``, ``p25``, ``p75``, ``min``, ``max``), ``reflex_window_ms``,
        ``reflex_probability``, ``first_muscle`` and ``pattern`` (``'reflex'``, ``'startle'``,
        ``'variable'``, ``'not_sensitive'``, ``'insufficient_data'``).
    """
    if stimuli is None or not len(stimuli):
        return {"available": False, "note": "no stimulus markers", "types": {}}
    g = np.asarray(group_onsets, float)
    lo, hi = window
    chance = float(1.0 - np.exp(-max(spontaneous_rate, 0.0) * (hi - lo)))
    types = {}
    labels = np.array([(c or k) for c, k in zip(stimuli.channel.astype(str), stimuli.kind.astype(str))], object)
    rate = max(spontaneous_rate, 0.0)
    for typ in dict.fromkeys(labels):
        st = stimuli.onset[labels == typ]
        lat, first = [], []
        for s in st:
            k = np.searchsorted(g, s + lo)
            if k < len(g) and g[k] <= s + hi:
                lat.append(1000.0 * (g[k] - s))
                first.append(group_first[k])
        lat = np.asarray(lat)
        first = np.asarray(first, dtype=object).astype(str)
        prob = float(len(lat) / len(st))
        d = {"n_stimuli": int(len(st)), "n_responses": int(len(lat)), "probability": prob,
             "chance_probability": chance, "latency_ms": None, "first_muscle": None,
             "reflex_window_ms": None}
        if len(lat):
            med = float(np.median(lat))
            rsd = float(1.4826 * np.median(np.abs(lat - med)))
            d["latency_ms"] = {"median": med, "sd": float(np.std(lat, ddof=1)) if len(lat) > 1 else 0.0,
                               "robust_sd": rsd, "p25": float(np.percentile(lat, 25)),
                               "p75": float(np.percentile(lat, 75)), "min": float(lat.min()), "max": float(lat.max())}
            vals, cnt = np.unique(first, return_counts=True)
            d["first_muscle"] = str(vals[np.argmax(cnt)])
        if len(st) < min_stimuli:
            pattern = "insufficient_data"
        elif len(lat) < min_stimuli:
            pattern = "not_sensitive"
        else:
            med, rsd = d["latency_ms"]["median"], d["latency_ms"]["robust_sd"]
            if rsd <= reflex_sd_ms and med <= reflex_max_ms:
                # fixed-latency responses: count those within the reflex window, against the
                # chance of a spontaneous jerk in that narrow window
                w = max(3.0 * rsd, 10.0)
                inwin = np.abs(lat - med) <= w
                p_ref = float(inwin.sum() / len(st))
                ch_ref = float(1.0 - np.exp(-rate * 2 * w / 1000.0))
                d.update(reflex_window_ms=[med - w, med + w], reflex_probability=p_ref,
                         reflex_chance_probability=ch_ref,
                         latency_ms={**d["latency_ms"], "sd_reflex": float(np.std(lat[inwin], ddof=1)) if inwin.sum() > 1 else 0.0})
                if p_ref >= max(0.2, 2 * ch_ref) and inwin.sum() >= min_stimuli:
                    f_in = first[inwin]
                    vals, cnt = np.unique(f_in, return_counts=True)
                    fm = str(vals[np.argmax(cnt)])
                    d["first_muscle"] = fm
                    site = (sites or {}).get(fm)
                    if site is not None and site.muscle == "orbicularis_oculi" and med <= startle_max_ms:
                        pattern = "startle"
                    else:
                        pattern = "reflex"
                else:
                    pattern = "not_sensitive"
            elif prob >= max(0.2, 2 * chance):
                pattern = "variable"
            else:
                pattern = "not_sensitive"
        d["pattern"] = pattern
        types[str(typ)] = d
    return {"available": True, "types": types,
            "rule": (f"response: first jerk {1000 * lo:.0f}-{1000 * hi:.0f} ms after the stimulus; reflex: "
                     f"latency robust SD <= {reflex_sd_ms:g} ms and median <= {reflex_max_ms:g} ms")}
