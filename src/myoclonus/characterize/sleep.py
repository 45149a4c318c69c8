"""Sleep context: hypnogram reading, jerks per stage, hypnic jerks at each wake-to-sleep transition and
excessive fragmentary myoclonus. Leg movements and periodic leg movements: :mod:`.plm`."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .._validate import MyoclonusInputError, MyoclonusUsageError, _check_range

__all__ = [
    "read_hypnogram",
    "stage_of",
    "sleep_context",
    "STAGES",
    "SLEEP_STAGES",
    "EFM_MAX_DURATION",
    "EFM_MIN_PER_MIN",
    "EFM_MIN_MINUTES",
    "HYPNIC_WINDOW",
    "HYPNIC_FLANK",
    "hypnic_jerks",
    "excessive_fragmentary_myoclonus",
    "HYPNIC_ALPHA",
]

#: Canonical AASM stage labels (R = REM; '?' unscored or artefact).
STAGES = ("W", "N1", "N2", "N3", "R", "?")
SLEEP_STAGES = ("N1", "N2", "N3", "R")
NREM_STAGES = ("N1", "N2", "N3")
#: Excessive fragmentary myoclonus (AASM manual, Berry et al., movement rules): the usual maximum
#: duration (s) of a fragmentary myoclonus EMG potential ...
EFM_MAX_DURATION = 0.150
#: ... at least this many potentials per minute ...
EFM_MIN_PER_MIN = 5
#: ... over at least this many minutes of NREM sleep.
EFM_MIN_MINUTES = 20
#: Jerks within (start, stop) seconds of a wake-to-sleep transition (the boundary of the last W epoch
#: and the first sleep epoch) are at sleep onset: sleep starts or hypnic jerks occur as sleep begins
#: (Oswald 1959, doi:10.1093/brain/82.1.92; AASM manual; ICSD-3). Package convention for the window.
HYPNIC_WINDOW = (-30.0, 30.0)
#: Seconds on each side of a transition's window over which the local jerk rate is measured (other
#: transitions' windows left out), package convention: each transition is judged against the jerks
#: around it, never against the whole night.
HYPNIC_FLANK = 300.0
#: Jerks are concentrated at a transition when at least one falls in its window and, under a Poisson
#: process at the local rate (:data:`HYPNIC_FLANK`), as many or more would arise with probability
#: below this (one-sided). Package convention.
HYPNIC_ALPHA = 0.05

_STAGE_MAP = {
    "w": "W", "wake": "W", "awake": "W", "0": "W", "sleep stage w": "W", "stage w": "W",
    "n1": "N1", "s1": "N1", "1": "N1", "stage 1": "N1", "sleep stage 1": "N1", "sleep stage n1": "N1",
    "n2": "N2", "s2": "N2", "2": "N2", "stage 2": "N2", "sleep stage 2": "N2", "sleep stage n2": "N2",
    "n3": "N3", "s3": "N3", "s4": "N3", "3": "N3", "stage 3": "N3", "stage 4": "N3", "sleep stage 3": "N3",
    "sleep stage 4": "N3", "sleep stage n3": "N3", "n4": "N3",
    "r": "R", "rem": "R", "4": "R", "sleep stage r": "R", "stage r": "R", "sleep stage rem": "R", "5": "R",
}


def _norm_stage(s):
    if s is None or (isinstance(s, float) and not np.isfinite(s)):
        return "?"
    if isinstance(s, (int, np.integer, float, np.floating)):
        v = int(s)
        return {0: "W", 1: "N1", 2: "N2", 3: "N3", 4: "R"}.get(v, "?")
    k = str(s).strip().lower()
    k = re.sub(r"\s+", " ", k)
    if re.fullmatch(r"-?\d+(\.0+)?", k):
        return {0: "W", 1: "N1", 2: "N2", 3: "N3", 4: "R"}.get(int(float(k)), "?")
    return _STAGE_MAP.get(k, "?")


def read_hypnogram(path_or_df, *, epoch=30.0, recording=None):
    """Read a hypnogram into a DataFrame with columns ``onset``, ``duration`` (s) and ``stage``.

    Parameters
    ----------
    path_or_df : path-like | pandas.DataFrame | array-like | Recording | mne.Annotations
        * a table (TSV/CSV file or DataFrame) with ``onset``, ``duration`` and ``stage`` (or
          ``description``) columns;
        * YASA style: one stage per ``epoch`` seconds, a single column (or 1-D array) of labels
          or integers ``0=W, 1=N1, 2=N2, 3=N3, 4=REM`` (negative: unscored);
        * EDF+ annotations (a Recording, an ``.edf``/``.bdf`` path, e.g. a Sleep-EDF
          ``*-Hypnogram.edf`` file, or ``mne.Annotations``) whose descriptions are
          ``'Sleep stage W/1/2/3/4/R'``.
    epoch : float
        Epoch length in seconds for YASA-style input (AASM: 30 s).
    recording : Recording | None
        The recording the stages are for. An EDF+ hypnogram with a start date of its own is placed
        on the recording's time axis (its onsets shifted by the difference of the two starts), and
        a hypnogram that does not overlap the recording is refused; stages are cut to the recording.

    Returns
    -------
    pandas.DataFrame
        Stages as ``'W', 'N1', 'N2', 'N3', 'R'`` or ``'?'``, sorted by onset.

    Raises
    ------
    MyoclonusInputError
        For a file without stages (an EDF+ without sleep-stage annotations), non-finite onsets or
        negative durations, or stages that do not overlap ``recording``; messages name the file.
    """
    what = f"'{path_or_df}'" if isinstance(path_or_df, (str, Path)) else "The hypnogram"
    hyp = _read_hypnogram(path_or_df, epoch, recording)
    bad = ~(np.isfinite(hyp["onset"].to_numpy(float)) & np.isfinite(hyp["duration"].to_numpy(float))
            & (hyp["duration"].to_numpy(float) >= 0))
    if bad.any():
        row = hyp[bad].iloc[0]
        raise MyoclonusInputError(
            f"Hypnogram {what} has a stage with onset {row['onset']} s and duration {row['duration']} s; onsets "
            "must be finite and durations finite and >= 0. Correct that row."
        )
    if recording is not None and len(hyp) and recording.duration > 0:
        a, b = float(hyp["onset"].min()), float((hyp["onset"] + hyp["duration"]).max())
        if b <= 0 or a >= recording.duration:
            raise MyoclonusInputError(
                f"Hypnogram {what} covers {a:g} to {b:g} s of the recording's time axis, outside the recording "
                f"(0 to {recording.duration:g} s): it is not this recording's. Give the hypnogram of this recording."
            )
        # the stages during the recording only (a whole night's hypnogram for part of the night)
        on = hyp["onset"].to_numpy(float)
        end = np.minimum(on + hyp["duration"].to_numpy(float), recording.duration)
        on = np.maximum(on, 0.0)
        keep = end > on
        hyp = hyp.assign(onset=on, duration=end - on)[keep].reset_index(drop=True)
    return hyp


def _read_hypnogram(path_or_df, epoch, recording):
    import pandas as pd

    _check_range("epoch", epoch, 0, None, unit="s", inclusive=False)
    obj = path_or_df
    if obj is None:
        raise MyoclonusUsageError("read_hypnogram needs a path, a DataFrame or an array, but got None.")
    if isinstance(obj, (str, Path)):
        p = Path(obj)
        if not p.exists():
            raise MyoclonusInputError(f"Hypnogram file not found: '{p}'.")
        if p.suffix.lower() in (".edf", ".bdf", ".fif"):
            from ..io import read_recording

            obj = read_recording(p)
        else:
            try:
                lines = [ln for ln in p.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
            except OSError as err:
                raise MyoclonusInputError(f"Could not read the hypnogram '{p}': {err}") from err
            if not lines:
                raise MyoclonusInputError(f"The hypnogram file '{p}' is empty.")
            first = lines[0]
            sep = "\t" if "\t" in first else "," if "," in first else ";" if ";" in first else None
            if sep is None:
                # YASA-style text: one stage per line, optional header
                vals = [ln.strip() for ln in lines]
                if _norm_stage(vals[0]) == "?" and vals[0].lower() in ("stage", "hypnogram", "sleep_stage"):
                    vals = vals[1:]
                return _from_sequence(vals, epoch)
            try:
                df = pd.read_csv(p, sep=sep)
            except Exception as err:
                raise MyoclonusInputError(f"Could not read the hypnogram '{p}': {err}") from err
            obj = df
    if hasattr(obj, "annotations") and hasattr(obj, "channels"):
        ann = obj.annotations
        shift = 0.0
        if recording is not None and recording is not obj and obj.meas_date and recording.meas_date:
            shift = (obj.meas_date - recording.meas_date).total_seconds()
        if not any(re.match(r"\s*sleep stage", str(d), re.I) or _norm_stage(d) != "?" for d in ann.description):
            name = obj.source.get("file", "the recording")
            raise MyoclonusInputError(
                f"'{name}' has no sleep-stage annotation ('Sleep stage W/1/2/3/4/R', as in Sleep-EDF "
                f"hypnograms) among its {len(ann)} annotations. Give a hypnogram file (EDF+ or TSV/CSV of stages)."
            )
        obj = pd.DataFrame({"onset": ann.onset + shift, "duration": ann.duration, "description": ann.description})
    elif type(obj).__name__ == "Annotations" and hasattr(obj, "description"):
        obj = pd.DataFrame({"onset": np.asarray(obj.onset), "duration": np.asarray(obj.duration),
                            "description": np.asarray(obj.description)})
    if isinstance(obj, pd.Series):
        return _from_sequence(list(obj), epoch)
    if isinstance(obj, pd.DataFrame):
        cols = {c.lower().strip(): c for c in obj.columns}
        stage_col = next((cols[k] for k in ("stage", "sleep_stage", "hypnogram", "description") if k in cols), None)
        if "onset" in cols and stage_col is not None:
            on = obj[cols["onset"]].to_numpy(float)
            du = obj[cols["duration"]].to_numpy(float) if "duration" in cols else np.full(len(on), float(epoch))
            st = [_norm_stage(s) for s in obj[stage_col]]
            if stage_col == cols.get("description"):
                keep = [bool(re.match(r"\s*sleep stage", str(s), re.I)) or _norm_stage(s) != "?" for s in obj[stage_col]]
                on, du, st = on[keep], du[keep], [s for s, k in zip(st, keep) if k]
            df = pd.DataFrame({"onset": on, "duration": du, "stage": st})
            return df.sort_values("onset", kind="stable").reset_index(drop=True)
        if stage_col is not None:
            return _from_sequence(list(obj[stage_col]), epoch)
        if len(obj.columns) == 1:
            return _from_sequence(list(obj.iloc[:, 0]), epoch)
        raise MyoclonusInputError(
            f"The hypnogram table needs onset/duration/stage columns or a single stage column; it has {list(obj.columns)}."
        )
    arr = np.asarray(obj, dtype=object).ravel()
    return _from_sequence(list(arr), epoch)


def _from_sequence(values, epoch):
    import pandas as pd

    st = [_norm_stage(v) for v in values]
    n = len(st)
    return pd.DataFrame({"onset": np.arange(n) * float(epoch), "duration": np.full(n, float(epoch)), "stage": st})


def stage_of(times, hypnogram):
    """Stage label at each time (s) ('?' outside the hypnogram)."""
    t = np.asarray(times, float).ravel()
    on = hypnogram["onset"].to_numpy(float)
    du = hypnogram["duration"].to_numpy(float)
    st = np.asarray(hypnogram["stage"], dtype=object)
    out = np.full(len(t), "?", dtype=object)
    if not len(on):
        return out
    k = np.searchsorted(on, t, side="right") - 1
    ok = (k >= 0) & (t < on[np.clip(k, 0, None)] + du[np.clip(k, 0, None)])
    out[ok] = st[k[ok]]
    return out


# ------------------------------------------------------------------------------------ context
def _covered(a, b, intervals):
    """Seconds of ``[a, b]`` covered by the union of ``intervals`` (pairs of seconds)."""
    total, reach = 0.0, a
    for lo, hi in sorted(intervals):
        lo, hi = max(lo, reach), min(hi, b)
        if hi > lo:
            total += hi - lo
            reach = hi
    return total


def _transitions(hyp):
    """Onsets (s) of the first sleep epoch after a W epoch (wake-to-sleep transitions)."""
    st = np.asarray(hyp["stage"]).astype(str)
    on = hyp["onset"].to_numpy(float)
    return [float(on[i]) for i in range(1, len(st)) if st[i - 1] == "W" and st[i] in SLEEP_STAGES]


def hypnic_jerks(onsets, hypnogram, *, duration=None, window=HYPNIC_WINDOW, flank=HYPNIC_FLANK, alpha=HYPNIC_ALPHA):
    """Jerks at each wake-to-sleep transition, each transition judged on its own.

    For every transition (a W epoch followed by a sleep epoch) the jerks within ``window`` s of the
    boundary are counted and timed; they are *concentrated* at the transition when there is at least
    one and a Poisson process at the jerk rate of the ``flank`` s around the window (other
    transitions' windows left out) would give as many or more with probability < ``alpha``. Jerks
    elsewhere in the night do not change the verdict of a transition.

    Parameters
    ----------
    onsets : array of float
        Jerk onsets (s), one per (multi-muscle) jerk.
    hypnogram : DataFrame
    duration : float | None
        Recording length (s) bounding the flanks (default: the hypnogram's end).
    window : (float, float)
        :data:`HYPNIC_WINDOW`.
    flank : float
        :data:`HYPNIC_FLANK`.
    alpha : float
        :data:`HYPNIC_ALPHA`.

    Returns
    -------
    dict
        ``transitions``, ``transition_onsets``, ``count`` (jerks in any window), ``fraction_of_jerks``,
        ``transitions_with_jerks``, ``transitions_concentrated``, ``present`` (concentrated at one
        transition at least), ``per_transition`` (onset, stage entered, count, latencies_s,
        first_latency_s, window and flank rates per minute, p_value, concentrated) and ``rule``.
    """
    from scipy.stats import poisson

    g = np.sort(np.asarray(onsets, float))
    trans = _transitions(hypnogram)
    st = np.asarray(hypnogram["stage"]).astype(str)
    on = hypnogram["onset"].to_numpy(float)
    end = float(duration) if duration is not None else float((hypnogram["onset"] + hypnogram["duration"]).max())
    lo, hi = window
    in_any = np.zeros(g.size, bool)
    for t in trans:
        in_any |= (g >= t + lo) & (g <= t + hi)
    rows = []
    for t in trans:
        w0, w1 = max(0.0, t + lo), min(end, t + hi)
        m = (g >= t + lo) & (g <= t + hi)
        f0, f1 = max(0.0, w0 - flank), min(end, w1 + flank)
        fl = (g >= f0) & (g <= f1) & ~in_any
        flank_s = (f1 - f0) - _covered(f0, f1, [(u + lo, u + hi) for u in trans])  # without any window
        rate = fl.sum() / flank_s if flank_s > 0 else 0.0
        n = int(m.sum())
        expected = rate * (w1 - w0)
        p = float(poisson.sf(n - 1, expected)) if n and expected > 0 else (0.0 if n else 1.0)
        lat = g[m] - t
        rows.append({
            "onset": t, "stage": str(st[np.searchsorted(on, t)]), "count": n,
            "latencies_s": [round(float(x), 3) for x in lat],
            "first_latency_s": float(lat[0]) if n else None,
            "window_rate_per_min": 60.0 * n / (w1 - w0) if w1 > w0 else None,
            "flank_rate_per_min": 60.0 * rate, "p_value": p, "concentrated": bool(n and p < alpha),
        })
    n_at = int(in_any.sum())
    conc = sum(r["concentrated"] for r in rows)
    return {
        "transitions": len(trans),
        "transition_onsets": trans,
        "count": n_at,
        "fraction_of_jerks": float(n_at / g.size) if g.size else None,
        "transitions_with_jerks": int(sum(r["count"] > 0 for r in rows)),
        "transitions_concentrated": int(conc),
        "present": bool(conc > 0),
        "per_transition": rows,
        "rule": (f"jerks within {lo:g} to +{hi:g} s of each wake-to-sleep epoch boundary, concentrated there when "
                 f"more than the jerk rate of the {flank:g} s around it predicts (Poisson, p < {alpha:g}); each "
                 "transition judged on its own (Oswald 1959; AASM manual; package convention for the window)"),
    }


def excessive_fragmentary_myoclonus(onsets, durations, hypnogram, *, max_duration=EFM_MAX_DURATION,
                                    min_per_min=EFM_MIN_PER_MIN, min_minutes=EFM_MIN_MINUTES):
    """Excessive fragmentary myoclonus by the AASM manual's rule.

    EMG potentials of at most ``max_duration`` s (150 ms), at least ``min_per_min`` (5) per minute,
    over at least ``min_minutes`` (20) minutes of NREM sleep (AASM manual, Berry et al., movement
    rules). The minutes are counted in one-minute bins over each stretch of consecutive NREM epochs
    (a last partial minute counts pro rata).

    Parameters
    ----------
    onsets, durations : arrays of float
        Every per-channel EMG potential (jerk burst), seconds.
    hypnogram : DataFrame

    Returns
    -------
    dict
        ``n_short_potentials_nrem``, ``rate_per_min_nrem``, ``minutes_meeting_rate``, ``nrem_minutes``,
        ``present``, ``rule``.
    """
    bo = np.asarray(onsets, float)
    bd = np.asarray(durations, float)
    short = bo[bd <= max_duration]
    st = np.asarray(hypnogram["stage"]).astype(str)
    on = hypnogram["onset"].to_numpy(float)
    du = hypnogram["duration"].to_numpy(float)
    nrem_short = short[np.isin(stage_of(short, hypnogram).astype(str), NREM_STAGES)]
    nrem_minutes = float(du[np.isin(st, NREM_STAGES)].sum() / 60.0)
    minutes = 0.0
    i = 0
    while i < len(st):  # stretches of consecutive NREM epochs
        if st[i] not in NREM_STAGES:
            i += 1
            continue
        j = i
        while j + 1 < len(st) and st[j + 1] in NREM_STAGES and abs(on[j + 1] - (on[j] + du[j])) < 1e-6:
            j += 1
        a, b = on[i], on[j] + du[j]
        edges = np.append(np.arange(a, b, 60.0), b)
        edges = edges[np.concatenate([[True], np.diff(edges) > 1e-9])]
        if edges.size >= 2:
            cnt, _ = np.histogram(nrem_short, bins=edges)
            widths = np.diff(edges) / 60.0
            minutes += float(np.sum(widths[cnt >= min_per_min * widths]))
        i = j + 1
    return {
        "n_short_potentials_nrem": int(nrem_short.size),
        "rate_per_min_nrem": float(nrem_short.size / nrem_minutes) if nrem_minutes else None,
        "minutes_meeting_rate": minutes,
        "nrem_minutes": nrem_minutes,
        "present": bool(minutes >= min_minutes),
        "rule": (f"EMG potentials <= {1000 * max_duration:.0f} ms, >= {min_per_min} per minute over >= "
                 f"{min_minutes} min of NREM sleep (AASM manual)"),
    }


def sleep_context(group_onsets, burst_onsets, burst_durations, hypnogram, *, plm=None, duration=None,
                  hypnic_window=HYPNIC_WINDOW, efm_max_duration=EFM_MAX_DURATION,
                  efm_min_per_min=EFM_MIN_PER_MIN, efm_min_minutes=EFM_MIN_MINUTES):
    """Jerks per sleep stage, hypnic jerks at each wake-to-sleep transition, EFM, and the PLM scoring.

    Parameters
    ----------
    group_onsets : array of float
        Onsets (s) of the multi-muscle jerks.
    burst_onsets, burst_durations : arrays of float
        Every per-channel jerk (s), for excessive fragmentary myoclonus.
    hypnogram : DataFrame | None
        From :func:`read_hypnogram`. None: ``{'available': False, 'note': ...}``.
    plm : dict | None
        The leg-movement scoring (:func:`myoclonus.characterize.plm.score_leg_emg`), stored as is.
    duration : float | None
        Recording length (s).
    hypnic_window : (float, float)
        See :data:`HYPNIC_WINDOW` and :func:`hypnic_jerks`.
    efm_max_duration, efm_min_per_min, efm_min_minutes
        See :func:`excessive_fragmentary_myoclonus`.

    Returns
    -------
    dict
        ``available``, ``total_sleep_time_min``, ``per_stage``, ``hypnic_jerks``,
        ``jerks_at_sleep_onset`` (jerks concentrated at a wake-to-sleep transition), ``efm``, ``plm``.
    """
    if hypnogram is None:
        return {"available": False, "note": "sleep context unknown: no hypnogram"}
    hyp = hypnogram
    g = np.asarray(group_onsets, float)
    stages = np.asarray(hyp["stage"]).astype(str)
    du = hyp["duration"].to_numpy(float)
    gst = stage_of(g, hyp).astype(str)
    per_stage = {}
    for s in STAGES:
        minutes = float(du[stages == s].sum() / 60.0)
        n = int(np.sum(gst == s))
        if minutes == 0 and n == 0:
            continue
        per_stage[s] = {"minutes": minutes, "count": n, "rate_per_hour": (60.0 * n / minutes) if minutes else None}
    hyp_d = hypnic_jerks(g, hyp, duration=duration, window=hypnic_window)
    efm = excessive_fragmentary_myoclonus(burst_onsets, burst_durations, hyp, max_duration=efm_max_duration,
                                          min_per_min=efm_min_per_min, min_minutes=efm_min_minutes)
    tst = float(du[np.isin(stages, SLEEP_STAGES)].sum())
    return {"available": True, "total_sleep_time_min": tst / 60.0, "per_stage": per_stage,
            "hypnic_jerks": hyp_d, "jerks_at_sleep_onset": hyp_d["present"], "efm": efm, "plm": plm}
