"""A spy on a recording's channel reads: the streaming tests check that no read spans the whole record."""


def spy_reads(monkeypatch, rec, types=None):
    """Record the length (samples) of every ``rec._read_channel`` call (of channels of ``types`` only,
    when given); returns the list that fills as the code under test reads."""
    spans = []
    read = rec._read_channel

    def spy(i, start, stop):
        if types is None or rec.channels[i].type in types:
            spans.append((rec.channels[i].n_times if stop is None else min(stop, rec.channels[i].n_times)) - start)
        return read(i, start, stop)

    monkeypatch.setattr(rec, "_read_channel", spy)
    return spans
