"""Sleep context: hypnogram reading, jerks per stage, hypnic jerks, excessive fragmentary
myoclonus and periodic leg movements (WASM 2016 / AASM scoring)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .._validate import MyoclonusInputError, MyoclonusUsageError, _check_option, _check_range
from ..events import Events

__all__ = [
    "read_hypnogram",
    "stage_of",
    "score_plm",
    "detect_leg_movements",
    "sleep_context",
    "STAGES",
    "SLEEP_STAGES",
    "EFM_MAX_DURATION",
    "EFM_MIN_PER_MIN",
    "EFM_MIN_MINUTES",
    "HYPNIC_WINDOW",
    "PLM_STANDARDS",
]

#: Canonical AASM stage labels (R = REM; '?' unscored or artefact).
STAGES = ("W", "N1", "N2", "N3", "R", "?")
SLEEP_STAGES = ("N1", "N2", "N3", "R")
NREM_STAGES = ("N1", "N2", "N3")
#: Excessive fragmentary myoclonus (AASM manual, Berry et al.): EMG potentials shorter than this
#: (s) ...
EFM_MAX_DURATION = 0.150
#: ... at least this many per minute ...
EFM_MIN_PER_MIN = 5
#: ... during at least this many minutes of NREM sleep.
EFM_MIN_MINUTES = 20
#: Jerks within (start, stop) seconds of a wake-to-N1 transition are sleep starts (hypnic jerks,
#: Oswald 1959, doi:10.1093/brain/82.1.92; AASM manual: at sleep onset). Package convention for
#: the window around the transition epoch boundary.
HYPNIC_WINDOW = (-30.0, 30.0)

#: Leg-movement scoring thresholds per standard. WASM 2016 (Ferri et al. 2016,
#: doi:10.1016/j.sleep.2016.10.010): candidate LM 0.5-10 s monolateral, 0.5-15 s bilateral;
#: monolateral LMs of the two legs overlapping or < 0.5 s apart (offset to onset) form one
#: bilateral LM; PLM series >= 4 consecutive CLM with intermovement intervals (onset to onset)
#: 10-90 s; a CLM preceded by < 10 s, an interval > 90 s or an LM that is not a CLM ends the
#: series. AASM (Berry et al., manual v2.6): LM 0.5-10 s; LMs of the two legs < 5 s apart
#: (onset to onset) count as one; PLM series >= 4 LMs 5-90 s apart.
PLM_STANDARDS = {
    "wasm2016": {"min_duration": 0.5, "max_duration": 10.0, "max_bilateral_duration": 15.0,
                 "min_imi": 10.0, "max_imi": 90.0, "min_series": 4, "bilateral": "gap", "bilateral_s": 0.5},
    "aasm": {"min_duration": 0.5, "max_duration": 10.0, "max_bilateral_duration": 10.0,
             "min_imi": 5.0, "max_imi": 90.0, "min_series": 4, "bilateral": "onset", "bilateral_s": 5.0},
}

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


# ------------------------------------------------------------------------------------ PLM
def detect_leg_movements(emg, sfreq, *, onset_uv=8.0, offset_uv=2.0, offset_hold=0.5, smooth=0.1, baseline=None):
    """Monolateral leg movements from one leg EMG channel (WASM 2016 / AASM amplitude rules).

    Onset where the rectified, ``smooth``-s moving-average EMG rises ``onset_uv`` above the
    resting level; offset at the start of a period of at least ``offset_hold`` s during which it
    stays below ``offset_uv`` above resting (Ferri et al. 2016, doi:10.1016/j.sleep.2016.10.010;
    AASM manual).

    Parameters
    ----------
    emg : array, shape (n_times,)
        Leg EMG in microvolts (high-pass filtered upstream or not; the mean is removed in 1-s
        windows).
    sfreq : float
        Hz.
    baseline : float | None
        Resting EMG level in microvolts (rectified mean); None: the 10th percentile of the
        smoothed envelope.

    Returns
    -------
    onsets, durations : arrays (s)
    """
    x = np.asarray(emg, float).ravel()
    if not len(x):
        return np.zeros(0), np.zeros(0)
    w1 = max(1, int(sfreq))
    k = np.ones(w1) / w1
    hp = x - np.convolve(x, k, mode="same")
    ws = max(1, int(round(smooth * sfreq)))
    env = np.convolve(np.abs(hp), np.ones(ws) / ws, mode="same")
    base = float(np.percentile(env, 10)) if baseline is None else float(baseline)
    above = env > base + onset_uv
    low = env < base + offset_uv
    hold = max(1, int(round(offset_hold * sfreq)))
    on, du = [], []
    i, n = 0, len(env)
    idx_above = np.flatnonzero(above)
    # cumulative count of 'low' to test runs of hold samples quickly
    cl = np.concatenate([[0], np.cumsum(low)])
    while True:
        j = np.searchsorted(idx_above, i)
        if j >= len(idx_above):
            break
        s = int(idx_above[j])
        # offset: first t >= s with low[t:t+hold] all True
        t = s + 1
        cand = np.flatnonzero(low[t:]) + t
        end = n
        for c in cand:
            if c + hold <= n and cl[c + hold] - cl[c] == hold:
                end = int(c)
                break
            if c + hold > n:
                end = n
                break
        on.append(s / sfreq)
        du.append((end - s) / sfreq)
        i = end + hold
    return np.asarray(on), np.asarray(du)


def _combine_bilateral(lms, rule, win):
    """lms: list of (onset, offset, leg). Return list of (onset, offset, n_legs, component_max_dur)."""
    lms = sorted(lms)
    out = []
    for on, off, leg in lms:
        if out:
            o0, f0, legs, dmax = out[-1]
            if rule == "gap":
                join = on - f0 < win and leg not in legs or (on < f0 and leg not in legs)
            else:
                join = on - o0 < win and leg not in legs
            if join:
                out[-1] = (o0, max(f0, off), legs | {leg}, max(dmax, off - on))
                continue
        out.append((on, off, {leg}, off - on))
    return out


def score_plm(
    movements,
    *,
    sfreq=None,
    channel_names=None,
    hypnogram=None,
    total_time=None,
    standard="wasm2016",
    min_duration=None,
    max_duration=None,
    max_bilateral_duration=None,
    min_imi=None,
    max_imi=None,
    min_series=None,
    onset_uv=8.0,
    offset_uv=2.0,
):
    """Score leg movements (LM) and periodic leg movements (PLM) by WASM 2016 or AASM rules.

    Parameters
    ----------
    movements : Events | array, shape (n_legs, n_times)
        Monolateral leg movements as events (one ``channel`` per leg; 'artifact' events are
        ignored), or leg EMG in microvolts (then ``sfreq`` is required and LMs are detected by
        :func:`detect_leg_movements` with ``onset_uv``/``offset_uv``: 8 uV above resting for the
        onset, < 2 uV above resting for >= 0.5 s for the offset).
    sfreq : float | None
        Hz, for EMG input.
    channel_names : list of str | None
        Leg names for EMG input.
    hypnogram : DataFrame | None
        From :func:`read_hypnogram`; PLMS are PLM during sleep (N1, N2, N3, R) and the PLMS index is
        per hour of total sleep time. None: every PLM counts and the index is per hour of
        ``total_time``.
    total_time : float | None
        Seconds of recording (default: the hypnogram's span, else up to the last LM offset).
    standard : 'wasm2016' | 'aasm'
        Rule set (see :data:`PLM_STANDARDS`): WASM 2016 (Ferri et al. 2016,
        doi:10.1016/j.sleep.2016.10.010) or AASM manual (Berry et al.).
    min_duration, max_duration, max_bilateral_duration, min_imi, max_imi, min_series
        Override single thresholds of the standard (s; ``min_series`` is a count).

    Returns
    -------
    dict
        ``n_lm`` (after bilateral combination), ``n_clm``, ``n_plm``, ``n_plms`` (in sleep),
        ``n_series``, ``plms_index`` (per hour of sleep), ``plm_index`` (per hour of recording),
        ``lm_index``, ``tst_h``, ``standard``, ``rule`` and ``plm_onsets`` (s).
    """
    _check_option("standard", standard, tuple(PLM_STANDARDS))
    R = dict(PLM_STANDARDS[standard])
    for k, v in (("min_duration", min_duration), ("max_duration", max_duration),
                 ("max_bilateral_duration", max_bilateral_duration), ("min_imi", min_imi),
                 ("max_imi", max_imi), ("min_series", min_series)):
        if v is not None:
            _check_range(k, v, 0, None)
            R[k] = v
    lms = []
    if isinstance(movements, Events):
        ev = movements[movements.kind.astype(str) != "artifact"] if len(movements) else movements
        for o, d, c in zip(ev.onset, ev.duration, ev.channel.astype(str)):
            lms.append((float(o), float(o + d), c))
    elif movements is not None:
        X = np.atleast_2d(np.asarray(movements, float))
        if sfreq is None:
            raise MyoclonusUsageError("score_plm on leg EMG needs sfreq (Hz).")
        _check_range("sfreq", sfreq, 0, None, unit="Hz", inclusive=False)
        names = list(channel_names) if channel_names is not None else [f"leg{i}" for i in range(len(X))]
        for x, nm in zip(X, names):
            on, du = detect_leg_movements(x, sfreq, onset_uv=onset_uv, offset_uv=offset_uv)
            lms += [(float(o), float(o + d), nm) for o, d in zip(on, du)]
    comb = _combine_bilateral(lms, R["bilateral"], R["bilateral_s"])
    # keep LMs >= min duration (shorter activity is not an LM at all)
    comb = [c for c in comb if c[1] - c[0] >= R["min_duration"]]
    is_clm = [((len(c[2]) == 1 and c[1] - c[0] <= R["max_duration"])
               or (len(c[2]) > 1 and c[1] - c[0] <= R["max_bilateral_duration"] and c[3] <= R["max_duration"]))
              for c in comb]
    # PLM series
    series = []
    run = []
    prev_on = None
    for c, clm in zip(comb, is_clm):
        if not clm:
            if len(run) >= R["min_series"]:
                series.append(run)
            run, prev_on = [], None
            continue
        imi = None if prev_on is None else c[0] - prev_on
        prev_on = c[0]
        if imi is None:
            run = [c]
        elif imi < R["min_imi"]:
            if len(run) >= R["min_series"]:
                series.append(run)
            run = []  # a CLM preceded by a short interval belongs to no series
        elif imi > R["max_imi"]:
            if len(run) >= R["min_series"]:
                series.append(run)
            run = [c]
        else:
            run.append(c)
    if len(run) >= R["min_series"]:
        series.append(run)
    plm_on = np.array(sorted(c[0] for s in series for c in s), float)
    if hypnogram is not None and len(hypnogram):
        hyp = hypnogram
        stg = stage_of(plm_on, hyp)
        in_sleep = np.isin(stg.astype(str), SLEEP_STAGES)
        tst = float(hyp["duration"].to_numpy(float)[np.isin(np.asarray(hyp["stage"]).astype(str), SLEEP_STAGES)].sum())
        span = float((hyp["onset"] + hyp["duration"]).max())
    else:
        in_sleep = np.ones(len(plm_on), bool)
        span = None
        tst = None
    T = float(total_time) if total_time is not None else (span if span is not None else (max((c[1] for c in comb), default=0.0)))
    if tst is None:
        tst = T
    n_plms = int(in_sleep.sum())
    rule = (f"{standard}: LM {R['min_duration']:g}-{R['max_duration']:g} s (bilateral <= {R['max_bilateral_duration']:g} s; "
            + ("legs combined when < %g s apart offset-to-onset" % R["bilateral_s"] if R["bilateral"] == "gap"
               else "legs combined when onsets < %g s apart" % R["bilateral_s"])
            + f"); PLM: >= {R['min_series']} consecutive candidate LMs {R['min_imi']:g}-{R['max_imi']:g} s apart")
    return {
        "standard": standard,
        "rule": rule,
        "n_lm": len(comb),
        "n_clm": int(np.sum(is_clm)),
        "n_series": len(series),
        "n_plm": int(len(plm_on)),
        "n_plms": n_plms,
        "tst_h": tst / 3600.0 if tst else 0.0,
        "plms_index": (n_plms / (tst / 3600.0)) if tst else None,
        "plm_index": (len(plm_on) / (T / 3600.0)) if T else None,
        "lm_index": (len(comb) / (T / 3600.0)) if T else None,
        "plm_onsets": [float(x) for x in plm_on],
    }


# ------------------------------------------------------------------------------------ context
def sleep_context(group_onsets, burst_onsets, burst_durations, hypnogram, *, leg_events=None,
                  hypnic_window=HYPNIC_WINDOW, efm_max_duration=EFM_MAX_DURATION,
                  efm_min_per_min=EFM_MIN_PER_MIN, efm_min_minutes=EFM_MIN_MINUTES, plm_standard="wasm2016"):
    """Jerks per sleep stage, hypnic jerks at wake-to-N1 transitions, EFM and PLM.

    Parameters
    ----------
    group_onsets : array of float
        Onsets (s) of the multi-muscle jerks.
    burst_onsets, burst_durations : arrays of float
        Every per-channel jerk (s), for excessive fragmentary myoclonus.
    hypnogram : DataFrame | None
        From :func:`read_hypnogram`. None: ``{'available': False, 'note': ...}``.
    leg_events : Events | None
        Monolateral leg movements for :func:`score_plm`.
    hypnic_window : (float, float)
        See :data:`HYPNIC_WINDOW`.
    efm_max_duration, efm_min_per_min, efm_min_minutes
        Excessive fragmentary myoclonus (AASM manual): potentials < 150 ms, >= 5 per minute for
        >= 20 minutes of NREM sleep. See :data:`EFM_MAX_DURATION`.
    plm_standard : str
        See :func:`score_plm`.

    Returns
    -------
    dict
    """
    if hypnogram is None:
        return {"available": False, "note": "sleep context unknown: no hypnogram"}
    hyp = hypnogram
    g = np.asarray(group_onsets, float)
    stages = np.asarray(hyp["stage"]).astype(str)
    on = hyp["onset"].to_numpy(float)
    du = hyp["duration"].to_numpy(float)
    gst = stage_of(g, hyp).astype(str)
    per_stage = {}
    for s in STAGES:
        minutes = float(du[stages == s].sum() / 60.0)
        n = int(np.sum(gst == s))
        if minutes == 0 and n == 0:
            continue
        per_stage[s] = {"minutes": minutes, "count": n, "rate_per_hour": (60.0 * n / minutes) if minutes else None}
    # wake -> N1 transitions
    trans = [float(on[i]) for i in range(1, len(stages)) if stages[i - 1] == "W" and stages[i] == "N1"]
    lo, hi = hypnic_window
    at = np.zeros(len(g), bool)
    for t in trans:
        at |= (g >= t + lo) & (g <= t + hi)
    n_at = int(at.sum())
    hyp_d = {
        "transitions": len(trans),
        "transition_onsets": trans,
        "count": n_at,
        "fraction_of_jerks": float(n_at / len(g)) if len(g) else None,
        "transitions_with_jerks": int(sum(np.any((g >= t + lo) & (g <= t + hi)) for t in trans)),
        "present": bool(n_at > 0 and n_at >= 0.5 * len(g)),
        "rule": f"jerks within {lo:g} to +{hi:g} s of a wake-to-N1 epoch boundary (Oswald 1959; AASM)",
    }
    # EFM
    bo = np.asarray(burst_onsets, float)
    bd = np.asarray(burst_durations, float)
    short = bo[bd < efm_max_duration]
    sst = stage_of(short, hyp).astype(str)
    nrem_short = short[np.isin(sst, NREM_STAGES)]
    nrem_minutes = float(du[np.isin(stages, NREM_STAGES)].sum() / 60.0)
    efm_minutes = 0
    for o, d, s in zip(on, du, stages):
        if s not in NREM_STAGES:
            continue
        edges = np.arange(o, o + d + 1e-9, 60.0)
        if len(edges) < 2:
            edges = np.array([o, o + d])
        cnt, _ = np.histogram(nrem_short, bins=edges)
        widths = np.diff(edges) / 60.0
        efm_minutes += float(np.sum(widths[cnt >= efm_min_per_min * widths]))
    efm = {
        "n_short_potentials_nrem": int(len(nrem_short)),
        "rate_per_min_nrem": float(len(nrem_short) / nrem_minutes) if nrem_minutes else None,
        "minutes_meeting_rate": efm_minutes,
        "present": bool(efm_minutes >= efm_min_minutes),
        "rule": (f"potentials < {1000 * efm_max_duration:.0f} ms, >= {efm_min_per_min} per minute during >= "
                 f"{efm_min_minutes} min of NREM sleep (AASM manual)"),
    }
    plm = None
    if leg_events is not None:
        plm = score_plm(leg_events, hypnogram=hyp, standard=plm_standard)
        plm.pop("plm_onsets", None)
    tst = float(du[np.isin(stages, SLEEP_STAGES)].sum())
    return {"available": True, "total_sleep_time_min": tst / 60.0, "per_stage": per_stage,
            "hypnic_jerks": hyp_d, "efm": efm, "plm": plm}
