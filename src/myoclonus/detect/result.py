"""The result of a detection: events, parameters, thresholds, provenance, methods text and a plot."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._version import __version__
from .._validate import MyoclonusUsageError, _check_option
from ..events import Events
from ..preprocess import preprocess_emg
from .bursts import envelope
from .methods import methods_text

__all__ = ["DetectionResult"]


@dataclass
class DetectionResult:
    """Result of :func:`detect_jerks`.

    Attributes
    ----------
    events : Events
        Detected events (``jerk``, ``sustained``, ``artifact`` with a ``reason``,
        ``silent_period``, ``acc_jerk``), sorted by onset.
    params : dict
        Parameters used.
    thresholds : dict
        Per channel: ``sfreq``, ``noise_floor_uv``, ``threshold_on_uv``, ``threshold_off_uv``,
        ``mains_hz``, ``mains_harmonics_hz`` (the harmonics notched), ``ecg``, ``clip_level_uv``,
        ``tail_factor`` and ``local_floor_uv_max``.
    preprocessing : list of str
        Filters applied, in order.
    version : str
        Package version.
    warnings : list of str
        Warnings raised during detection (coarse sampling, clipping, flat channels...).
    recording : Recording | None
        The recording detected (for :meth:`plot`).
    acc_thresholds : dict
        Per accelerometer sensor: ``sfreq``, ``noise_floor`` and ``threshold_on`` (m/s^3), ``channels``.
    """

    events: Events
    params: dict
    thresholds: dict = field(default_factory=dict)
    preprocessing: list = field(default_factory=list)
    version: str = __version__
    warnings: list = field(default_factory=list)
    recording: object = field(default=None, repr=False)
    acc_thresholds: dict = field(default_factory=dict)

    def summary(self):
        """Counts per channel and kind, with the thresholds used (a dict)."""
        return {
            "n_events": len(self.events),
            "counts": self.events.counts(),
            "per_channel": self.events.counts(by="channel"),
            "thresholds": self.thresholds,
            "acc_thresholds": self.acc_thresholds,
            "params": self.params,
            "warnings": list(self.warnings),
            "version": self.version,
        }

    def methods(self):
        """A methods paragraph describing the detection as it ran (its parameter values), with references."""
        return methods_text(self.params, self.version)

    def plot(self, channel=None, *, tmin=None, tmax=None, fname=None):
        """Plot raw trace, envelope, thresholds and detections of one channel.

        Parameters
        ----------
        channel : str | None
            Channel name (default: the channel with the most jerks).
        tmin, tmax : float | None
            Window in seconds (default: 10 s from 1 s before the first event).
        fname : path-like | None
            Save the figure there.

        Returns
        -------
        fig : matplotlib Figure
        """
        from matplotlib.figure import Figure

        rec = self.recording
        if rec is None:
            raise MyoclonusUsageError("This result has no recording attached to plot from.")
        emg = [c for c, th in self.thresholds.items() if "threshold_on_uv" in th]
        if channel is None:
            counts = self.events.select("jerk").counts(by="channel")
            channel = max(counts, key=lambda c: counts[c].get("jerk", 0)) if counts else (emg or list(self.thresholds))[0]
        _check_option("channel", channel, list(self.thresholds))
        th = self.thresholds[channel]
        ev = self.events.select(channel=channel)
        if tmin is None:
            tmin = max(0.0, (ev.onset[0] - 1.0) if len(ev) else 0.0)
        if tmax is None:
            tmax = min(rec.duration, tmin + 10.0)
        sf = th["sfreq"]
        raw = rec.get_data([channel], tmin=tmin, tmax=tmax)[0]
        t = tmin + np.arange(raw.size) / sf
        fig = Figure(figsize=(11, 5))
        axes = fig.subplots(2, 1, sharex=True)
        axes[0].plot(t, raw, lw=0.5, color="0.3")
        axes[0].set_ylabel(f"{channel}\nraw")
        if "threshold_on_uv" in th and raw.size > 16:
            filt = preprocess_emg(raw, sf, l_freq=self.params["l_freq"], h_freq=self.params["h_freq"], notch_freq=th.get("mains_hz"),
                                  notch_harmonics=th.get("mains_harmonics_hz"))
            w = max(self.params["envelope_window"], 3.0 / sf)
            env = envelope(filt, sf, method=self.params["method"], window=w)
            axes[1].plot(t, env, lw=0.7, color="k", label=f"{self.params['method'].upper()} envelope")
            axes[1].axhline(th["threshold_on_uv"], color="tab:red", ls="--", lw=0.8, label="on threshold")
            axes[1].axhline(th["threshold_off_uv"], color="tab:orange", ls=":", lw=0.8, label="off threshold")
            axes[1].axhline(th["noise_floor_uv"], color="tab:green", ls="-", lw=0.6, label="background RMS")
            axes[1].set_ylabel("envelope (uV)")
            axes[1].legend(loc="upper right", fontsize=8)
        colors = {"jerk": "tab:red", "sustained": "tab:blue", "silent_period": "tab:green", "artifact": "0.6", "acc_jerk": "tab:purple"}
        for o, d, k in zip(ev.onset, ev.duration, ev.kind):
            if o + d < tmin or o > tmax:
                continue
            for ax in axes:
                ax.axvspan(o, o + d, color=colors.get(k, "tab:purple"), alpha=0.25, lw=0)
        axes[1].set_xlabel("time (s)")
        fig.tight_layout()
        if fname is not None:
            fig.savefig(fname, dpi=110)
        return fig

