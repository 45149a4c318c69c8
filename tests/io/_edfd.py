"""Write small EDF+D (discontinuous) files for tests: EDF+C from write_edf, then re-timed records."""
from __future__ import annotations

import numpy as np

from myoclonus.io.edf import EdfReader, write_edf


def write_edfd(path, signals, sfreq, labels, record_onsets, *, annotations=(), dims=None):
    """Write ``signals`` (1-s data records at integer ``sfreq``) as EDF+D whose record ``k`` starts at
    ``record_onsets[k]`` s. ``annotations``: ``(onset_s, text)`` on the real time axis, each put in
    the first record. Returns ``path``."""
    n_rec = len(record_onsets)
    signals = [np.asarray(s, float) for s in signals]
    assert all(s.size == n_rec * int(sfreq) for s in signals)
    # a long annotation in record 0 widens every record's annotation area for the new TALs
    write_edf(path, signals, [sfreq] * len(signals), labels, physical_dims=dims or ["uV"] * len(signals),
              annotations=[(0.0, 0.0, "x" * 60)])
    with EdfReader(path) as edf:
        hb, rb = edf._header_bytes, edf._record_bytes
        a0 = 2 * int(edf._offsets[edf._annot_idx[0]])
        assert edf.n_records == n_rec and edf.record_duration == 1.0
    blob = bytearray(path.read_bytes())
    blob[192:197] = b"EDF+D"
    width = rb - a0
    for k, t in enumerate(record_onsets):
        tal = f"{t:+.6f}".rstrip("0").rstrip(".").encode() + b"\x14\x14\x00"
        if k == 0:
            tal += b"".join(f"{o:+.6f}".encode() + b"\x14" + d.encode() + b"\x14\x00" for o, d in annotations)
        assert len(tal) <= width
        off = hb + k * rb + a0
        blob[off: off + width] = tal.ljust(width, b"\x00")
    path.write_bytes(bytes(blob))
    return path
