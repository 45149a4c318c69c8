"""The characterization step: numbers and plain-language lines about given jerks."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from .._validate import MyoclonusInputError, _check_option, _check_range, _validate_type
from ..events import Events
from ..io.sites import parse_label
from . import body, plm, sleep, stimulus, timing
from ._refs import cite
from .sleep import HYPNIC_WINDOW

HYPNIC_LO = HYPNIC_WINDOW[0]

__all__ = ["characterize", "CharacterizationResult", "compare", "compare_text", "DURATION_BINS_MS",
           "SILENT_PERIOD_WINDOW"]

logger = logging.getLogger("myoclonus")

#: Clinical EMG burst-duration bins (ms): < 50 ms cortical, 50-100 ms cortical-subcortical or
#: brainstem, 100-300 ms subcortical/spinal, > 300 ms propriospinal, functional or voluntary
#: (Shibasaki & Hallett 2005, doi:10.1002/mus.20234; Zutt et al. 2018,
#: doi:10.1212/WNL.0000000000004996).
DURATION_BINS_MS = (50.0, 100.0, 300.0)
#: A jerk is "followed by a silent period" when a silent period on the same channel starts within
#: this many seconds after the jerk's offset (post-myoclonic silent period of cortical myoclonus,
#: Tassinari et al. 1998, doi:10.1016/S0013-4694(98)00058-3). Package convention.
SILENT_PERIOD_WINDOW = 0.3

from .._json import jsonable  # noqa: E402

_BIN_KEYS = ("<50", "50-100", "100-300", ">300")


def _jsonable(obj):
    return jsonable(obj, skip_private=True)


def _dist(values_ms):
    v = np.asarray(values_ms, float)
    v = v[np.isfinite(v)]
    if not len(v):
        return {"median": None, "p25": None, "p75": None, "mean": None, "n": 0}
    return {"median": float(np.median(v)), "p25": float(np.percentile(v, 25)),
            "p75": float(np.percentile(v, 75)), "mean": float(np.mean(v)), "n": int(len(v))}


def _duration_bins(ms):
    ms = np.asarray(ms, float)
    a, b, c = DURATION_BINS_MS
    return {"<50": int(np.sum(ms < a)), "50-100": int(np.sum((ms >= a) & (ms < b))),
            "100-300": int(np.sum((ms >= b) & (ms <= c))), ">300": int(np.sum(ms > c))}


class CharacterizationResult:
    """What :func:`characterize` returns: every measure, as attributes and as a JSON-ready dict.

    Attributes
    ----------
    data : dict
        The full result (see :meth:`to_dict` for the stable keys).
    groups : list of dict
        Each multi-muscle jerk as ``{channel: onset_s}``.
    sites : dict
        BodySite per channel name.
    hypnogram : pandas.DataFrame | None
        The sleep stages used (on the recording's time axis), or None.
    """

    def __init__(self, data, *, groups=None, sites=None, hypnogram=None):
        self.data = data
        self.groups = list(groups or [])
        self.sites = dict(sites or {})
        self.hypnogram = hypnogram

    def __getitem__(self, key):
        return self.data[key]

    def __repr__(self):
        d = self.data
        return (f"<CharacterizationResult | {d['n_jerks']} jerks, {d['rate_per_min']:.1f}/min, "
                f"{d['rhythm']['verdict']}, {d['distribution']['class']}>")

    def to_dict(self):
        """JSON-ready dict with stable top-level keys.

        ``n_jerks``, ``n_bursts``, ``duration_s``, ``rate_per_min``, ``rate_per_hour``,
        ``duration_ms``, ``amplitude_uv``, ``silent_period_fraction``, ``per_channel``, ``series``,
        ``rhythm``, ``distribution``, ``recruitment``, ``stimulus``, ``sleep``, ``severity``,
        ``findings``, ``references``, ``parameters``.
        """
        return _jsonable(self.data)

    def to_json(self, path=None):
        """Return the dict as JSON text (and write it to ``path`` if given)."""
        txt = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            Path(path).write_text(txt + "\n", encoding="utf-8")
        return txt

    def summary_lines(self):
        """Plain-language findings, one per line (list of str)."""
        return list(self.data["findings"])

    def plot_body_map(self, fname=None, *, ax=None):
        """Body outline with the jerk rate of each site (matplotlib Figure; saved if ``fname``)."""
        from ._plot import plot_body_map

        return plot_body_map(self, fname=fname, ax=ax)

    def plot_recruitment(self, fname=None, *, ax=None):
        """Onset latency of each muscle relative to the first, per multi-muscle jerk (Figure)."""
        from ._plot import plot_recruitment

        return plot_recruitment(self, fname=fname, ax=ax)


def _sites_from(recording, names):
    sites = {}
    if recording is not None:
        for c in recording.channels:
            sites[c.name] = c.site
    for n in names:
        if n not in sites:
            sites[n] = parse_label(n)[1]
    return sites


def characterize(
    events,
    recording=None,
    *,
    hypnogram=None,
    stimuli=None,
    coincidence_window=timing.COINCIDENCE_WINDOW,
    series_gap=timing.SERIES_GAP,
    min_series_length=timing.MIN_SERIES_LENGTH,
    leg_channels=None,
    distances=None,
    plm_standard="wasm2016",
    verbose=None,
):
    """Characterize myoclonic jerks: how often, how long, series, rhythm, body distribution,
    recruitment order, stimulus sensitivity, sleep context and severity.

    Parameters
    ----------
    events : Events
        Detected or annotated events; kind ``'jerk'`` is characterized and ``'silent_period'`` gives
        the fraction of jerks followed by a silent period. Leg movements are not taken from the
        events: with a hypnogram they are scored on the leg EMG of ``recording`` by the standard's
        amplitude rules (:func:`~myoclonus.characterize.score_leg_emg`), and the jerks inside them
        stay jerks.
    recording : Recording | None
        For body sites, duration and stimulus markers. None: duration is the last event offset
        (or the hypnogram's end) and sites are parsed from the channel names
        (:func:`myoclonus.io.parse_label`).
    hypnogram : None | DataFrame | path-like | array-like
        See :func:`read_hypnogram`. None: the sleep context is reported as unknown.
    stimuli : Events | None
        Stimulus onsets; the stimulus type is the ``channel`` (else ``kind``). None: from a
        'stim' channel of the recording (threshold crossings) or stimulus-like annotations.
    coincidence_window : float
        Seconds; see :data:`myoclonus.characterize.timing.COINCIDENCE_WINDOW` (default 0.1 s).
    series_gap : float
        Seconds; see :data:`myoclonus.characterize.timing.SERIES_GAP` (default 1 s).
    min_series_length : int
        See :data:`myoclonus.characterize.timing.MIN_SERIES_LENGTH` (default 3).
    leg_channels : list of str | None
        Leg EMG channels of the PLM scoring; None: the EMG channels over the tibialis anterior or
        labelled as a leg (:func:`myoclonus.characterize.plm.leg_channels`).
    distances : dict | None
        Channel -> position in cm along the body axis, for the propagation velocity; None: the
        standard cord-segment table (Ko et al. 2004, doi:10.1038/sj.sc.3101538).
    plm_standard : 'wasm2016' | 'aasm'
        Leg-movement rules: WASM 2016 (Ferri et al. 2016, doi:10.1016/j.sleep.2016.10.010, the
        default) or the AASM manual (see :data:`myoclonus.characterize.plm.PLM_STANDARDS`).
    verbose : bool | str | int | None
        Log level for this call.

    Returns
    -------
    CharacterizationResult
    """
    from .._logging import use_log_level

    with use_log_level(verbose):
        return _characterize(events, recording, hypnogram, stimuli, coincidence_window, series_gap,
                             min_series_length, leg_channels, distances, plm_standard)


def _characterize(events, recording, hypnogram, stimuli, coincidence_window, series_gap, min_series_length,
                  leg_channels, distances, plm_standard):
    _validate_type(events, Events, "events")
    _check_range("coincidence_window", coincidence_window, 0, 1.0, unit="s")
    _check_range("series_gap", series_gap, 0, 60.0, unit="s", inclusive=False)
    _validate_type(min_series_length, "int", "min_series_length")
    _check_range("min_series_length", min_series_length, 2, None)
    _check_option("plm_standard", plm_standard, tuple(plm.PLM_STANDARDS))
    if stimuli is not None:
        _validate_type(stimuli, Events, "stimuli")
    if distances is not None and not isinstance(distances, dict):
        raise TypeError(f"distances must be a dict of channel -> cm, but got {type(distances).__name__}.")
    if leg_channels is not None:
        leg_channels = [leg_channels] if isinstance(leg_channels, str) else [str(c) for c in leg_channels]
    hyp = None
    hyp_source = None
    if hypnogram is not None:
        hyp = sleep.read_hypnogram(hypnogram, recording=recording)
        hyp_source = "given"
    elif recording is not None and any(
        str(d).lower().startswith("sleep stage") for d in recording.annotations.description
    ):
        hyp = sleep.read_hypnogram(recording)
        hyp_source = "recording annotations"
    jerks = events.select("jerk")
    names = [str(c) for c in dict.fromkeys(jerks.channel.astype(str))]
    sites = _sites_from(recording, names)
    # duration
    if recording is not None:
        duration = float(recording.duration)
    else:
        duration = float(events.offset.max()) if len(events) else 0.0
        if hyp is not None and len(hyp):
            duration = max(duration, float((hyp["onset"] + hyp["duration"]).max()))
    per_min = 60.0 / duration if duration > 0 else 0.0
    # multi-muscle jerks
    labels, g_on = timing.group_jerks(jerks.onset, jerks.channel.astype(str), window=coincidence_window)
    groups = [dict() for _ in range(len(g_on))]
    for lab, t, c in zip(labels, jerks.onset, jerks.channel.astype(str)):
        groups[lab][str(c)] = float(t)
    g_first = [min(g, key=g.get) for g in groups]
    n_jerks = len(g_on)
    dur_ms = 1000.0 * jerks.duration
    amp = jerks.measures.get("peak_amplitude_uv")
    amp = np.asarray(amp, float) if amp is not None and amp.dtype != object else np.full(len(jerks), np.nan)
    # silent periods after jerks
    sil = events.select("silent_period")
    followed = np.zeros(len(jerks), bool)
    for i, (off, c) in enumerate(zip(jerks.offset, jerks.channel.astype(str))):
        s = sil.onset[sil.channel.astype(str) == c]
        followed[i] = bool(np.any((s >= off - 0.005) & (s <= off + SILENT_PERIOD_WINDOW)))
    # per channel
    chan_list = list(names)
    if recording is not None:
        chan_list = [c.name for c in recording.channels if c.type == "emg"] + [n for n in names if n not in
                                                                                 [c.name for c in recording.channels]]
    per_channel = {}
    counts = {}
    for c in chan_list:
        m = jerks.channel.astype(str) == c
        n = int(m.sum())
        counts[c] = n
        per_channel[c] = {
            "count": n,
            "rate_per_min": n * per_min,
            "rate_per_hour": n * per_min * 60.0,
            "duration_ms": _dist(dur_ms[m]),
            "amplitude_uv": _dist(amp[m]),
            "duration_ms_median": _dist(dur_ms[m])["median"],
            "amplitude_uv_median": _dist(amp[m])["median"],
            "silent_period_fraction": float(followed[m].mean()) if n else None,
            "site": sites.get(c, parse_label(c)[1]).to_dict(),
        }
    counts = {c: n for c, n in counts.items() if n > 0}
    # timing
    series = timing.series_summary(g_on, gap=series_gap, min_length=min_series_length)
    rhythm = timing.rhythm_analysis(g_on, duration)
    rhythm["per_channel"] = {}
    for c in names:
        t_c = np.sort(jerks.onset[jerks.channel.astype(str) == c])
        if len(t_c) >= 10:
            r_c = timing.rhythm_analysis(t_c, duration)
            rhythm["per_channel"][c] = {k: r_c[k] for k in ("verdict", "frequency_hz", "cv", "p_value")}
    # body
    distribution = body.classify_distribution(counts, sites, [set(g) for g in groups])
    recruitment = body.recruitment_analysis(groups, sites, distances=distances)
    # stimuli
    if stimuli is None and recording is not None:
        stimuli = stimulus.stimuli_from_recording(recording)
    lo, hi = stimulus.RESPONSE_WINDOW
    if stimuli is not None and len(stimuli) and duration > 0:
        resp = np.zeros(len(g_on), bool)
        for s in stimuli.onset:
            resp |= (g_on >= s + lo) & (g_on <= s + hi)
        spont_rate = float((~resp).sum() / duration)
    else:
        spont_rate = n_jerks / duration if duration > 0 else 0.0
    stim = stimulus.stimulus_analysis(stimuli, g_on, g_first, spontaneous_rate=spont_rate, sites=sites)
    # sleep: leg movements scored on the leg EMG by the standard's rules, never from the events
    plm_d = None
    if hyp is not None:
        if recording is None:
            plm_d = {"available": False, "standard": plm_standard,
                     "standard_name": plm.STANDARD_NAMES[plm_standard],
                     "reason": "no recording: leg movements are scored on the leg EMG"}
        else:
            plm_d = plm.score_leg_emg(recording, channels=leg_channels, hypnogram=hyp, standard=plm_standard,
                                      jerks=events)
    sleep_d = sleep.sleep_context(g_on, jerks.onset, jerks.duration, hyp, plm=plm_d, duration=duration)
    if hyp_source is not None:
        sleep_d["hypnogram_source"] = hyp_source
    for site_d in distribution["sites"]:
        site_d["rate_per_min"] = site_d["count"] * per_min
    pf, df_ = distribution["proximal_fraction"], distribution["distal_fraction"]
    distribution["limb_fraction"] = (pf or 0.0) + (df_ or 0.0) if pf is not None else None
    # severity
    affected = distribution["sites"]
    aff_names = [s["channel"] for s in affected]
    hours = duration / 3600.0
    severity = {
        "jerks_per_hour": n_jerks / hours if hours else 0.0,
        "jerks_per_hour_affected": {c: counts[c] / hours for c in aff_names} if hours else {},
        "myoclonus_index": (float(np.mean([counts[c] * per_min for c in aff_names])) if aff_names else 0.0),
        "myoclonus_index_definition": (
            "mean jerk rate per minute over the affected muscles (EMG bursts per minute of each monitored "
            "muscle, averaged), in the sense of the wearable myoclonus index of Rissanen et al. 2021 "
            "(doi:10.1016/j.clinph.2021.06.026); not their exact algorithm"),
    }
    data = {
        "n_jerks": int(n_jerks),
        "n_bursts": int(len(jerks)),
        "duration_s": duration,
        "rate_per_min": n_jerks * per_min,
        "rate_per_hour": n_jerks * per_min * 60.0,
        "duration_ms": {**{k: v for k, v in _dist(dur_ms).items() if k != "n"}, "bins": _duration_bins(dur_ms)},
        "amplitude_uv": _dist(amp),
        "silent_period_fraction": float(followed.mean()) if len(jerks) else None,
        "per_channel": per_channel,
        "series": series,
        "rhythm": rhythm,
        "distribution": distribution,
        "recruitment": recruitment,
        "stimulus": stim,
        "sleep": sleep_d,
        "severity": severity,
        "parameters": {"coincidence_window_s": coincidence_window, "series_gap_s": series_gap,
                       "min_series_length": min_series_length, "plm_standard": plm_standard},
    }
    data["findings"] = _findings(data)
    data["references"] = cite("SH05", "CB04", "Zu18", "JP86", "Ha77", "Br91b", "Br91s", "Th92", "Ko04",
                              "Os59", "AASM", "Fe16", "Ri21", "Br72", "Fa10", "TRS98")
    if plm_d is not None and plm_d.get("available"):
        data["references"] += cite("Zu06", "Sk16", "Fe15", "Fe06")
    logger.info("Characterized %d jerks (%d bursts) over %.0f s", n_jerks, len(jerks), duration)
    return CharacterizationResult(data, groups=groups, sites=sites, hypnogram=hyp)


def _fmt_dur(seconds):
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _findings(d):
    out = []
    n = d["n_jerks"]
    if n == 0:
        out.append(f"No jerks in {_fmt_dur(d['duration_s'])}.")
    else:
        med = d["duration_ms"]["median"]
        out.append(f"{n} jerks in {_fmt_dur(d['duration_s'])} ({d['rate_per_min']:.1f}/min), median burst "
                   f"{med:.0f} ms; {d['distribution']['class']}; {d['rhythm']['verdict'].replace('_', '-')}.")
        s = d["series"]
        if s["count"]:
            f = s["within_series_frequency_hz"]
            out.append(f"{s['count']} series of jerks (mean {s['mean_length']:.1f} jerks"
                       + (f", {f:.1f} Hz within series" if f else "") + f"); {100 * s['isolated_fraction']:.0f}% isolated.")
        else:
            out.append("Jerks occur one at a time (no series).")
        r = d["rhythm"]
        if r["verdict"] in ("rhythmic", "semi_rhythmic"):
            out.append(f"{r['verdict'].replace('_', '-').capitalize()} at {r['frequency_hz']:.2f} Hz "
                       f"(interval CV {r['cv_within_runs']:.2f}, p = {r['p_value']:.2g} against a random process).")
        elif r["verdict"] == "irregular":
            out.append(f"Irregular timing (interval CV {r['cv']:.2f}).")
        rc = d["recruitment"]
        if rc["order"]:
            order = ", ".join(rc["order"][:6]) + (" ..." if len(rc["order"]) > 6 else "")
            line = (f"Recruitment ({rc['n_multi_muscle_jerks']} multi-muscle jerks): {order}; "
                    f"consistency {rc['consistency']:.2f}; pattern {rc['pattern'].replace('_', ' ')}")
            if rc["velocity_m_s"] is not None and rc["pattern"] in ("axial_spreading",):
                line += f"; axial propagation {rc['velocity_m_s']:.1f} m/s"
            out.append(line + ".")
        dist = d["distribution"]
        if dist["sites"]:
            top = sorted(dist["sites"], key=lambda s: -s["count"])
            out.append("Sites (jerks/min): " + ", ".join(f"{s['channel']} {s['rate_per_min']:.1f}" for s in top[:8])
                       + (" ..." if len(top) > 8 else "") + ".")
            parts = [f"{k} {100 * dist[k + '_fraction']:.0f}%" for k in ("axial", "proximal", "distal")
                     if dist.get(k + "_fraction") is not None]
            out.append(f"Distribution {dist['class']} (synchrony {dist['synchrony']:.2f}): " + ", ".join(parts)
                       + f"; left {dist['left']}, right {dist['right']}, midline {dist['midline']} jerks.")
    st = d["stimulus"]
    if st.get("available"):
        for typ, v in st["types"].items():
            lat = v["latency_ms"]
            out.append(f"Stimulus {typ}: {v['n_responses']}/{v['n_stimuli']} followed by a jerk"
                       + (f", latency {lat['median']:.0f} ms (robust SD {lat['robust_sd']:.0f})" if lat else "")
                       + f"; {v['pattern'].replace('_', ' ')}.")
    sl = d["sleep"]
    if not sl.get("available"):
        out.append("Sleep context unknown (no hypnogram).")
    else:
        h = sl["hypnic_jerks"]
        out.append(f"{h['count']} jerks within {-HYPNIC_LO:g} s of {h['transitions']} wake-to-sleep transitions"
                   + (f"; concentrated at {h['transitions_concentrated']} of them (hypnic jerks at sleep onset)."
                      if h["present"] else "."))
        if sl["efm"]["present"]:
            out.append("Excessive fragmentary myoclonus in NREM sleep.")
        p = sl.get("plm") or {}
        if p.get("available") and p.get("plms_index") is not None:
            out.append(f"PLMS index {p['plms_index']:.1f}/h ({p['n_plms']} PLMS in {p['n_series']} series, "
                       f"{p['n_lm']} leg movements; {p['standard_name'].split(' (')[0]}).")
        elif p.get("reason"):
            out.append(f"Periodic leg movements not assessable: {p['reason']}.")
    return out


# ------------------------------------------------------------------------------------ compare
def _load_summary(x):
    if isinstance(x, CharacterizationResult):
        return x.to_dict()
    if isinstance(x, (str, Path)):
        p = Path(x)
        if p.is_dir():
            p = p / "summary.json"
        if not p.exists():
            raise MyoclonusInputError(f"Summary file not found: '{p}'.")
        try:
            x = json.loads(p.read_text(encoding="utf-8"))
        except Exception as err:
            raise MyoclonusInputError(f"Could not read '{p}' as JSON: {err}") from err
    if not isinstance(x, dict):
        raise TypeError(f"compare needs summary dicts, paths or CharacterizationResult, but got {type(x).__name__}.")
    return _find_char(x)


def _find_char(d):
    if "rate_per_min" in d and ("n_jerks" in d or "duration_s" in d):
        return d
    for v in d.values():
        if isinstance(v, dict):
            r = _find_char(v)
            if r is not None:
                return r
    if "rate_per_min" in d:
        return d
    raise MyoclonusInputError(
        "The summary has no characterization (keys 'rate_per_min', 'n_jerks', 'duration_s'); "
        f"top-level keys are {sorted(d)[:12]}."
    )


def compare(a, b, *, level=0.95):
    """Change in jerk rate from recording ``a`` to recording ``b``, with an exact confidence interval.

    The rate ratio ``(n_b / T_b) / (n_a / T_a)`` of two Poisson counts gets the exact conditional
    (Clopper-Pearson on ``n_b | n_a + n_b``) confidence interval (Fay 2010,
    doi:10.32614/RJ-2010-008).

    Parameters
    ----------
    a, b : dict | path-like | CharacterizationResult
        ``CharacterizationResult.to_dict()`` outputs, ``summary.json`` files (or folders holding
        one) of ``analyze``.
    level : float
        Confidence level.

    Returns
    -------
    dict
        ``rate_a_per_min``, ``rate_b_per_min``, ``rate_ratio``, ``ci`` [low, high] (None when not
        estimable), ``change_percent``, ``ci_change_percent``, ``p_value`` (two-sided exact),
        ``n_a``, ``n_b``, ``duration_a_s``, ``duration_b_s``, ``level``, ``method``.
    """
    from scipy.stats import beta, binomtest

    _check_range("level", level, 0, 1, inclusive=False)
    A, B = _load_summary(a), _load_summary(b)

    def nt(d):
        T = d.get("duration_s")
        n = d.get("n_jerks")
        if T is None and n is None:
            raise MyoclonusInputError("A summary needs 'n_jerks' and 'duration_s' for a confidence interval.")
        if n is None:
            n = round(d["rate_per_min"] * T / 60.0)
        if T is None:
            T = 60.0 * n / d["rate_per_min"] if d["rate_per_min"] else 0.0
        return int(n), float(T)

    na, Ta = nt(A)
    nb, Tb = nt(B)
    ra = 60.0 * na / Ta if Ta > 0 else None
    rb = 60.0 * nb / Tb if Tb > 0 else None
    out = {"rate_a_per_min": ra, "rate_b_per_min": rb, "n_a": na, "n_b": nb, "duration_a_s": Ta,
           "duration_b_s": Tb, "level": level, "rate_ratio": None, "ci": None, "change_percent": None,
           "ci_change_percent": None, "p_value": None,
           "method": "exact conditional binomial CI of the Poisson rate ratio (Fay 2010, doi:10.32614/RJ-2010-008)"}
    if Ta <= 0 or Tb <= 0 or na + nb == 0:
        return out
    alpha = 1.0 - level
    n = na + nb
    lo_p = 0.0 if nb == 0 else float(beta.ppf(alpha / 2, nb, na + 1))
    hi_p = 1.0 if na == 0 else float(beta.ppf(1 - alpha / 2, nb + 1, na))
    k = Ta / Tb

    def to_rr(p):
        return None if p >= 1.0 else p / (1.0 - p) * k

    rr = (nb / Tb) / (na / Ta) if na > 0 else None
    ci = [to_rr(lo_p), to_rr(hi_p)]
    p0 = Tb / (Ta + Tb)
    out.update(rate_ratio=rr, ci=ci, p_value=float(binomtest(nb, n, p0).pvalue),
               change_percent=(100.0 * (rr - 1.0) if rr is not None else None),
               ci_change_percent=[None if c is None else 100.0 * (c - 1.0) for c in ci])
    return out


def compare_text(result):
    """Plain-language text of a :func:`compare` result (what ``myoclonus compare A B`` prints)."""
    r = result
    lines = [
        f"Recording A: {r['n_a']} jerks in {_fmt_dur(r['duration_a_s'])}"
        + (f" ({r['rate_a_per_min']:.2f}/min)" if r["rate_a_per_min"] is not None else ""),
        f"Recording B: {r['n_b']} jerks in {_fmt_dur(r['duration_b_s'])}"
        + (f" ({r['rate_b_per_min']:.2f}/min)" if r["rate_b_per_min"] is not None else ""),
    ]
    if r["rate_ratio"] is None:
        lines.append("Rate ratio B/A not estimable (no jerks in A or no duration).")
        if r["ci"] is not None and r["ci"][0] is not None:
            lines.append(f"B/A rate ratio is at least {r['ci'][0]:.2f} ({100 * r['level']:.0f}% CI lower bound).")
    else:
        lo, hi = r["ci"]
        hi_s = "inf" if hi is None else f"{hi:.2f}"
        ch = r["change_percent"]
        word = "increase" if ch > 0 else "decrease" if ch < 0 else "no change"
        lines.append(f"Rate ratio B/A {r['rate_ratio']:.2f} ({100 * r['level']:.0f}% CI {lo:.2f} to {hi_s}); "
                     f"{abs(ch):.0f}% {word}; p = {r['p_value']:.2g}.")
        if hi is not None and hi < 1:
            lines.append("Jerks are significantly less frequent in B than in A.")
        elif lo > 1:
            lines.append("Jerks are significantly more frequent in B than in A.")
        else:
            lines.append("The change is within chance (the interval includes 1).")
    lines.append(f"Method: {r['method']}.")
    return "\n".join(lines)
