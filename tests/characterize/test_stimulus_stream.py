"""Stimulus channels are read in pieces: the same onsets as from the whole channel."""
import numpy as np
from _reads import spy_reads

from myoclonus.characterize import stimulus
from myoclonus.io import Recording


def test_stim_channel_read_in_pieces(monkeypatch):
    sf = 100.0
    x = np.zeros(int(60 * sf))
    edges = [50, 699, 700, 701, 1400, 2101, 5999]  # samples; 700 = a 7 s piece border
    for k in edges:
        x[k : k + 1] = 5.0
    rec = Recording.from_array(np.vstack([x, np.zeros_like(x)]), sf, ["STI 014", "EMG R FDI"], ["stim", "emg"])
    whole = stimulus.stimuli_from_recording(rec, min_interval=0.0)
    monkeypatch.setattr(stimulus, "_STIM_CHUNK", 7.0)
    reads = spy_reads(monkeypatch, rec)
    pieces = stimulus.stimuli_from_recording(rec, min_interval=0.0)
    # every rising edge once (701 follows 700 without a fall, so it is not an edge)
    np.testing.assert_array_equal(np.round(whole.onset * sf), [50, 699, 1400, 2101, 5999])
    np.testing.assert_array_equal(pieces.onset, whole.onset)
    assert max(reads) <= 7 * sf + 1
