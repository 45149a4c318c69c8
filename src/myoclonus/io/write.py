"""Write a recording (optionally with events as annotations) to EDF+, BDF+ or FIF.

EDF+/BDF+ keep each channel's own sampling rate. Events become EDF+ annotations named
``<trial_type>@@<channel>`` (the convention MNE reads back into ``Annotations.ch_names``), so the
file opens in EDFbrowser with the detections listed and in MNE with per-channel annotations.
Patient identification is written as anonymous (``X X X X``) unless ``keep_identity=True``.
"""
from __future__ import annotations

from pathlib import Path


from .._validate import MyoclonusUsageError, _check_option

__all__ = ["write_recording"]


def _edf_dim(channel):
    return channel.unit if channel.unit != "m/s^2" else "m/s^2"


def write_recording(recording, path, *, events=None, keep_identity=False, overwrite=False):
    """Write ``recording`` to ``path`` (``.edf``, ``.bdf`` or ``.fif``).

    Parameters
    ----------
    recording : Recording
    path : path-like
    events : Events | None
        Written as annotations ``'<trial_type>@@<channel>'`` beside the file's own annotations.
    keep_identity : bool
        Copy the original patient and recording identification fields (EDF/BDF sources only).
        Default False: anonymous fields.
    overwrite : bool
        Replace an existing file (default False: an existing file is an error, never silently lost).

    Returns
    -------
    path : Path
    """
    path = Path(path)
    ext = path.suffix.lower()
    _check_option("recording output extension", ext, (".edf", ".bdf", ".fif"))
    if path.exists() and not overwrite:
        raise MyoclonusUsageError(f"'{path}' exists; pass overwrite=True (--overwrite) to replace it.")
    ann = [
        (float(o), float(d), str(t))
        for o, d, t in zip(
            recording.annotations.onset, recording.annotations.duration, recording.annotations.description
        )
    ]
    if events is not None:
        for o, d, k, c in zip(events.onset, events.duration, events.kind, events.channel):
            ann.append((float(o), float(d), f"{k}@@{c}" if c else str(k)))
    ann.sort(key=lambda a: a[0])
    if ext == ".fif":
        import mne

        rates = recording.groups()
        if len(rates) > 1:
            raise MyoclonusUsageError(
                f"FIF needs one sampling rate, but the channels have {sorted(rates)} Hz. Write EDF/BDF "
                "instead, or pick one group (rec.pick(rec.groups()[RATE]))."
            )
        raw = recording.to_mne()
        if ann:
            raw.set_annotations(
                mne.Annotations(
                    [a[0] for a in ann], [a[1] for a in ann], [a[2] for a in ann], orig_time=raw.info["meas_date"]
                )
            )
        raw.save(path, overwrite=True, verbose="error")
        return path

    from .edf import write_edf

    signals = [recording._read_channel(i, 0, None) for i in range(recording.n_channels)]
    patient = "X X X X"
    rec_field = None
    ident = recording.identity
    if keep_identity and ident.get("patient"):
        patient = ident["patient"]
        rec_field = ident.get("recording")
    return write_edf(
        path,
        signals,
        [c.sfreq for c in recording.channels],
        [c.name[:16] for c in recording.channels],
        physical_dims=[_edf_dim(c)[:8] for c in recording.channels],
        start=recording.meas_date,
        annotations=ann,
        fmt=ext.lstrip("."),
        patient=patient,
        recording=rec_field,
    )

