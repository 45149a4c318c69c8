"""Review logic on top of the tables: registration, edits with optimistic concurrency, audit trail,
signing, export and agreement. Used by the web app and the tests; no web code here.

Edits are checked by :mod:`myoclonus.review.rules` on the event they would produce; signing needs
every detection decided, or the count of undecided ones acknowledged with a reason. The audit
trail holds every state of every event: revision 1 of a detection is authored by ``detector``
(with the detector's version and parameters on the recording), later ones by the reviewer who
made the change.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import json
import math
import os
import secrets
from pathlib import Path

import numpy as np

from .._version import __version__
from .._logging import logger
from .._validate import MyoclonusFieldError, MyoclonusInputError, MyoclonusUsageError
from ..events import Events
from . import db as _db
from . import rules
from .rules import STATUSES  # noqa: F401 - re-exported (store.STATUSES)

sa = _db.sa

DETECTOR = "detector"
_MEASURE_SKIP = {"onset", "duration", "trial_type", "channel", "confidence", "offset", "review_status", "source"}
_STATE = ("onset", "duration", "kind", "channel", "status")


class ConflictError(Exception):
    """The event changed since the client read it (optimistic concurrency)."""

    def __init__(self, message, current=None):
        super().__init__(message)
        self.current = current


class FrozenError(Exception):
    """The review is signed: it cannot change any more."""


class NotFound(Exception):
    pass


class UndecidedError(Exception):
    """Signing refused: detections are undecided and their count was not acknowledged with a reason."""

    def __init__(self, message, undecided):
        super().__init__(message)
        self.undecided = undecided


def now():
    return _dt.datetime.now(_dt.timezone.utc)


def _iso(t):
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return t.isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------------------- recordings
class _Hashes:
    """Content hashes computed once per path during one registration run."""

    def __init__(self):
        self._done = {}

    def __call__(self, path):
        from ..pipeline import file_sha256

        key = str(path)
        if key not in self._done:
            self._done[key] = file_sha256(path)
        return self._done[key]


def _read_summary(folder):
    sj = folder / "summary.json"
    if not sj.is_file():
        return None
    try:
        return json.loads(sj.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise MyoclonusInputError(f"'{sj}' is not readable JSON ({err}); re-run myoclonus analyze into "
                                  f"'{folder}' or pass the recording file itself.") from err


def locate_recording(path, *, candidates=(), sha256=None):
    """Resolve a recording file or an analysis folder.

    For an analysis folder the recording is searched where ``summary.json`` says it was (absolute
    path, then relative to the folder, then by name beside the folder), then among
    ``candidates`` (files given with ``myoclonus review --recording``); when the summary records
    a content hash, a file is taken only if its hash matches, so a moved or renamed recording is
    recognised and a different file at the old place is not mistaken for it.

    Returns
    -------
    recording : Path
    events_tsv : Path | None
    summary : dict | None
        The analysis folder's ``summary.json``.
    sha256 : str | None
        The recording's content hash when it was computed.
    """
    sha256 = sha256 or _Hashes()
    path = Path(path).expanduser().resolve()
    if path.is_file():
        return path, None, None, None
    if not path.is_dir():
        raise MyoclonusInputError(f"'{path}' is neither a recording file nor an analysis folder; check the path.")
    ev = path / "events.tsv"
    ev = ev if ev.is_file() else None
    summary = _read_summary(path)
    if summary is None and ev is None:
        raise MyoclonusInputError(f"'{path}' holds neither summary.json nor events.tsv: give a recording file or "
                                  "the output folder of myoclonus analyze.")
    rec = (summary or {}).get("recording") or {}
    loc = rec.get("location") or {}
    name = (rec.get("source") or {}).get("file")
    want = loc.get("sha256")
    places = []
    if loc.get("path"):
        places.append(Path(loc["path"]))
    if loc.get("relative_path"):
        places.append(path / loc["relative_path"])
    if name:
        places += [path / name, path.parent / name]
    tried, differs = [], []
    for p in dict.fromkeys(p.resolve() for p in places):
        if not p.is_file():
            tried.append(str(p))
            continue
        if want and sha256(p) != want:
            differs.append(str(p))
            continue
        return p, ev, summary, (want or None)
    cands = [Path(c).expanduser().resolve() for c in candidates]
    for c in cands:
        if c.is_file() and ((want and sha256(c) == want) or (not want and name and c.name == name)):
            return c, ev, summary, (want or None)
    if not want and not name:
        exts = _recording_exts()
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in exts)
        if found:
            return found[0].resolve(), ev, summary, None
    was = loc.get("path") or name or "an unnamed recording"
    what = f"summary.json says the recording was '{was}'"
    if want:
        what += f" (sha256 {want[:12]}..., {loc.get('size_bytes', '?')} bytes)"
    why = []
    if tried:
        why.append("not found at " + ", ".join(f"'{t}'" for t in tried))
    if differs:
        why.append("the file at " + ", ".join(f"'{d}'" for d in differs) + " has other content")
    if cands:
        why.append("no --recording file matches it" + (" (content hash)" if want else " (file name)"))
    raise MyoclonusInputError(
        f"No recording found for the analysis folder '{path}': {what}; {'; '.join(why) or 'not found'}. "
        f"Pass the analysed recording with --recording, e.g. myoclonus review '{path}' --recording /new/place/"
        f"{name or 'recording.edf'}"
    )


def _recording_exts():
    from ..io.read import SUPPORTED_EXTENSIONS

    return {e.lower() for e in SUPPORTED_EXTENSIONS} - {".tsv", ".json", ".csv", ".txt"}


def _detector_info(summary, ev_path, result=None):
    """(name, version, parameters) of the detector whose events are registered."""
    if result is not None:
        return "myoclonus.detect_jerks", __version__, result.params
    if summary is not None:
        return (f"myoclonus.detect_jerks (events.tsv of {ev_path.parent.name})", summary.get("version"),
                summary.get("parameters"))
    return f"events.tsv of {ev_path.parent.name}", None, None


def register(engine, path, *, detect=True, candidates=()):
    """Register a recording (file or analysis folder) with its detector events; return its id.

    Already registered files are returned as they are (the detector is not re-run). A file
    registered before under another path with the same content (moved or renamed) keeps its
    reviews: its stored path is updated when the old one no longer exists.
    """
    from ..io import read_recording

    hashes = _Hashes()
    rec_path, ev_path, summary, sha = locate_recording(path, candidates=candidates, sha256=hashes)
    sha = sha or hashes(rec_path)
    R = _db.recordings
    with engine.begin() as conn:
        row = conn.execute(sa.select(R.c.id, R.c.sha256).where(R.c.path == str(rec_path))).first()
        if row and row[1] and row[1] != sha:
            raise MyoclonusInputError(
                f"'{rec_path}' changed since it was registered (content hash {row[1][:12]}... then, {sha[:12]}... "
                "now): its reviews belong to the old content. Use another database (--db) for the new file.")
        if row:
            if not row[1]:
                conn.execute(R.update().where(R.c.id == row[0]).values(sha256=sha))
            return row[0]
        same = conn.execute(sa.select(R.c.id, R.c.path).where(R.c.sha256 == sha).order_by(R.c.id)).first()
        if same:
            if not Path(same[1]).exists():
                conn.execute(R.update().where(R.c.id == same[0]).values(path=str(rec_path), name=rec_path.name))
                logger.info("Recording %s moved to %s (same content); its reviews are kept.", same[1], rec_path)
            return same[0]
    rec = read_recording(rec_path, check=False)
    result = None
    if ev_path is not None:
        events = Events.from_tsv(ev_path)
    elif detect:
        from ..detect import detect_jerks

        result = detect_jerks(rec, progress=False)
        events = result.events
    else:
        events = Events()
    name, version, params = _detector_info(summary, ev_path, result) if (ev_path or result) else (None, None, None)
    with engine.begin() as conn:
        row = conn.execute(sa.select(R.c.id).where(R.c.path == str(rec_path))).first()
        if row:
            return row[0]
        rid = conn.execute(
            R.insert().values(
                path=str(rec_path), name=rec_path.name, analysis_dir=str(ev_path.parent) if ev_path else None,
                duration_s=float(rec.duration), n_channels=rec.n_channels, detector=name, created_at=now(),
                sha256=sha, detector_version=version,
                detector_params=json.dumps(params, default=str) if params is not None else None,
            )
        ).inserted_primary_key[0]
        _store_detector_events(conn, rid, events)
    return rid


def _store_detector_events(conn, rid, events):
    """The detector's events become the immutable ``detector`` review (revision 1 each)."""
    t = now()
    rv = conn.execute(
        _db.reviews.insert().values(recording_id=rid, name=DETECTOR, created_by=DETECTOR, created_at=t,
                                    signed_by=DETECTOR, signed_at=t, version=0)
    ).inserted_primary_key[0]
    rows = _events_rows(events)
    for r in rows:
        r.update(review_id=rv, version=1, status="unreviewed", origin=DETECTOR, updated_by=DETECTOR, updated_at=t,
                 detector_onset=r["onset"], detector_duration=r["duration"], detector_kind=r["kind"])
    if rows:
        conn.execute(_db.events.insert(), rows)
        _copy_revisions(conn, rv, t)


def _copy_revisions(conn, review_id, t):
    """Revision 1 of every event of ``review_id``: the detector's event, authored by the detector at ``t``."""
    ev = _db.events
    sel = sa.select(ev.c.id, ev.c.review_id, sa.literal(1), sa.literal("detect"), ev.c.onset, ev.c.duration, ev.c.kind,
                    ev.c.channel, ev.c.status, sa.literal(DETECTOR), sa.literal(t, type_=sa.DateTime(timezone=True))
                    ).where(ev.c.review_id == review_id)
    r = _db.event_revisions.c
    conn.execute(_db.event_revisions.insert().from_select(
        [r.event_id, r.review_id, r.rev, r.action, r.onset, r.duration, r.kind, r.channel, r.status, r.author,
         r.created_at], sel))


def _events_rows(events):
    rows = []
    conf = events.measures.get("confidence")
    for i in range(len(events)):
        meas = {}
        for k, v in events.measures.items():
            if k in _MEASURE_SKIP:
                continue
            val = v[i]
            if isinstance(val, (float, np.floating)):
                val = None if not math.isfinite(float(val)) else float(val)
            elif isinstance(val, np.integer):
                val = int(val)
            else:
                val = str(val)
            meas[k] = val
        c = None
        if conf is not None and conf.dtype.kind == "f" and math.isfinite(float(conf[i])):
            c = float(conf[i])
        rows.append(dict(onset=float(events.onset[i]), duration=float(events.duration[i]), kind=str(events.kind[i]),
                         channel=str(events.channel[i]), confidence=c, measures=json.dumps(meas)))
    return rows


def _counts_query():
    E = _db.events
    return sa.select(E.c.review_id, E.c.status, E.c.origin, sa.func.count()).group_by(E.c.review_id, E.c.status,
                                                                                         E.c.origin)


def _empty_counts():
    return {"detections": 0, "accepted": 0, "rejected": 0, "undecided": 0, "added": 0, "total": 0, "unreviewed": 0}


def _add_count(c, status, origin, n):
    """Counts of a review: ``detections`` (from the detector), ``accepted`` / ``rejected`` (of them),
    ``undecided`` (events still unreviewed), ``added`` (by reviewers, kept), ``total`` rows;
    ``unreviewed`` is ``undecided`` under its former name."""
    c["total"] += n
    if status == "unreviewed":
        c["undecided"] += n
        c["unreviewed"] += n
    if origin == DETECTOR:
        c["detections"] += n
        if status in ("accepted", "rejected"):
            c[status] += n
    elif status == "accepted":
        c["added"] += n


def review_counts(engine, review_id):
    """Counts of one review (see :func:`_add_count` for their meaning)."""
    c = _empty_counts()
    with engine.connect() as conn:
        for _, st, orig, n in conn.execute(_counts_query().where(_db.events.c.review_id == int(review_id))):
            _add_count(c, st, orig, n)
    return c


def list_recordings(engine):
    """Recordings with their reviews, review status and counts."""
    R, V = _db.recordings, _db.reviews
    out = []
    with engine.connect() as conn:
        recs = conn.execute(sa.select(R).order_by(R.c.id)).mappings().all()
        counts = {}
        for rv, st, orig, n in conn.execute(_counts_query()):
            _add_count(counts.setdefault(rv, _empty_counts()), st, orig, n)
        edits = dict(conn.execute(
            sa.select(_db.event_revisions.c.review_id, sa.func.count()).where(_db.event_revisions.c.rev > 1)
            .group_by(_db.event_revisions.c.review_id)).all())
        revs = conn.execute(sa.select(V).order_by(V.c.id)).mappings().all()
    for r in recs:
        rvs = [review_dict(v, counts.get(v["id"]), edits.get(v["id"], 0)) for v in revs if v["recording_id"] == r["id"]]
        human = [v for v in rvs if v["name"] != DETECTOR]
        if any(v["status"] == "signed" for v in human):
            status = "signed"
        elif any(v["status"] == "in progress" for v in human):
            status = "in progress"
        else:
            status = "not started"
        det = next((v for v in rvs if v["name"] == DETECTOR), None)
        out.append({
            "id": r["id"], "name": r["name"], "duration_s": r["duration_s"], "n_channels": r["n_channels"],
            "detector": r["detector"], "detector_version": r["detector_version"], "status": status,
            "n_detections": det["counts"]["total"] if det else 0, "reviews": rvs,
        })
    return out


def review_dict(v, counts=None, n_edits=0):
    counts = counts or _empty_counts()
    if v["name"] == DETECTOR:
        status = "detector"
    elif v["signed_at"] is not None:
        status = "signed"
    elif n_edits or counts.get("added"):
        status = "in progress"
    else:
        status = "not started"
    return {
        "id": v["id"], "recording_id": v["recording_id"], "name": v["name"], "created_by": v["created_by"],
        "created_at": _iso(v["created_at"]), "signed_by": v["signed_by"], "signed_at": _iso(v["signed_at"]),
        "status": status, "counts": counts, "n_edits": n_edits,
        "n_undecided_at_signing": v["n_undecided"], "undecided_reason": v["undecided_reason"],
    }


def get_recording_row(engine, rid):
    with engine.connect() as conn:
        r = conn.execute(sa.select(_db.recordings).where(_db.recordings.c.id == int(rid))).mappings().first()
    if r is None:
        raise NotFound(f"No recording {rid}.")
    return r


def get_review(engine, review_id):
    with engine.connect() as conn:
        v = conn.execute(sa.select(_db.reviews).where(_db.reviews.c.id == int(review_id))).mappings().first()
        if v is None:
            raise NotFound(f"No review {review_id}.")
        n_edits = conn.execute(sa.select(sa.func.count()).where(
            (_db.event_revisions.c.review_id == v["id"]) & (_db.event_revisions.c.rev > 1))).scalar()
    return review_dict(v, review_counts(engine, v["id"]), n_edits)


def detector_of(row):
    """``{'name', 'version', 'parameters'}`` of the detector whose events recording ``row`` holds."""
    params = json.loads(row["detector_params"]) if row["detector_params"] else None
    return {"name": row["detector"], "version": row["detector_version"], "parameters": params}


def open_review(engine, rid, name, user):
    """Return the id of review ``name`` of recording ``rid``, creating it from the detector's events.

    The copied events keep the detector as their author (revision 1, action ``detect``, at the
    time the detector's events were stored); the review records who opened it.
    """
    rules.check_reviewer(user)
    name = (name or "main").strip()[:100]
    if not name or name == DETECTOR:
        raise MyoclonusFieldError("name", "A review needs a name other than 'detector'.", given=name)
    get_recording_row(engine, rid)
    V, E = _db.reviews, _db.events
    with engine.begin() as conn:
        row = conn.execute(sa.select(V.c.id).where((V.c.recording_id == rid) & (V.c.name == name))).first()
        if row:
            return row[0]
        det, t_det = conn.execute(sa.select(V.c.id, V.c.created_at).where(
            (V.c.recording_id == rid) & (V.c.name == DETECTOR))).first()
        rv = conn.execute(V.insert().values(recording_id=rid, name=name, created_by=user, created_at=now(), version=0)
                          ).inserted_primary_key[0]
        cols = [c for c in E.c if c.name not in ("id", "review_id", "updated_by", "updated_at", "version")]
        sel = sa.select(*cols, sa.literal(rv), sa.literal(1), sa.literal(DETECTOR),
                        sa.literal(t_det, type_=sa.DateTime(timezone=True))).where(
            E.c.review_id == det).order_by(E.c.id)
        conn.execute(E.insert().from_select([c.name for c in cols] + ["review_id", "version", "updated_by", "updated_at"], sel))
        _copy_revisions(conn, rv, t_det)
    return rv


def event_dict(r):
    return {
        "id": r["id"], "version": r["version"], "onset": r["onset"], "duration": r["duration"], "kind": r["kind"],
        "channel": r["channel"], "status": r["status"], "origin": r["origin"], "confidence": r["confidence"],
        "updated_by": r["updated_by"], "updated_at": _iso(r["updated_at"]),
    }


def list_events(engine, review_id, *, since=None):
    """Events of a review (``since``: only those with a revision id greater than ``since``).

    Returns ``(events, last_revision_id)``.
    """
    E, RV = _db.events, _db.event_revisions
    with engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(RV.c.id)).where(RV.c.review_id == review_id)).scalar() or 0
        q = sa.select(E).where(E.c.review_id == review_id)
        if since is not None:
            changed = sa.select(RV.c.event_id).where((RV.c.review_id == review_id) & (RV.c.id > int(since)))
            q = q.where(E.c.id.in_(changed))
        rows = conn.execute(q.order_by(E.c.onset, E.c.channel, E.c.id)).mappings().all()
    return [event_dict(r) for r in rows], last


def _frozen(conn, review_id):
    v = conn.execute(sa.select(_db.reviews.c.signed_at, _db.reviews.c.name).where(_db.reviews.c.id == review_id)).first()
    if v is None:
        raise NotFound(f"No review {review_id}.")
    if v[0] is not None:
        who = "the detector's events" if v[1] == DETECTOR else f"review '{v[1]}'"
        raise FrozenError(f"{who} is signed and frozen; start another review to change it.")


def event_channels(conn, review_id, recording):
    """``{name: type}`` of the channels events of ``review_id`` may sit on (rules, rule 3)."""
    from ..detect.acc import group_acc_channels

    out = {c.name: c.type for c in recording.channels}
    acc = [c.name for c in recording.channels if c.type == "acc"]
    for sensor in group_acc_channels(acc):
        out.setdefault(sensor, "acc")
    V, E = _db.reviews, _db.events
    rid = sa.select(V.c.recording_id).where(V.c.id == review_id).scalar_subquery()
    det = sa.select(V.c.id).where((V.c.recording_id == rid) & (V.c.name == DETECTOR)).scalar_subquery()
    for (ch,) in conn.execute(sa.select(E.c.channel).where(E.c.review_id == det).distinct()):
        out.setdefault(ch, "misc")
    return out


def _checked(conn, review_id, event, changed, recording):
    """The event ``event`` (after an edit) checked by :func:`rules.check_event` for this review's recording."""
    R, V = _db.recordings, _db.reviews
    params = conn.execute(sa.select(R.c.detector_params).join(V, V.c.recording_id == R.c.id)
                          .where(V.c.id == review_id)).scalar()
    return rules.check_event(event, changed, recording_duration=recording.duration,
                             channels=event_channels(conn, review_id, recording),
                             params=json.loads(params) if params else None)


def _action(fields):
    if set(fields) == {"status"}:
        return {"accepted": "accept", "rejected": "reject", "unreviewed": "reset"}[fields["status"]]
    if set(fields) <= {"kind", "status"} and "kind" in fields:
        return "relabel"
    if set(fields) & {"onset", "duration", "offset"}:
        return "move"
    return "edit"


def _conflict(conn, review_id, event_id, expected_version):
    E = _db.events
    cur = conn.execute(sa.select(E).where((E.c.id == event_id) & (E.c.review_id == review_id))).mappings().first()
    if cur is None:
        raise NotFound(f"No event {event_id} in review {review_id}.")
    cur = event_dict(cur)
    return ConflictError(
        f"Conflict: event {event_id} was changed by {cur['updated_by']} at {cur['updated_at']} "
        f"(now version {cur['version']}, you edited version {expected_version}). Your change was not "
        "applied; the current state is shown, redo your change if it still applies.", cur)


def update_event(engine, review_id, event_id, expected_version, fields, user, *, recording):
    """Apply ``fields`` to an event if its version is still ``expected_version``.

    ``fields`` may hold ``onset``, ``duration`` or ``offset`` (s), ``kind``, ``channel`` and
    ``status``; the resulting event is checked by :mod:`myoclonus.review.rules` against
    ``recording`` (a :class:`~myoclonus.io.Recording`). Raises :class:`ConflictError` (with the
    current state) when someone changed it meanwhile, ``MyoclonusFieldError`` naming the field
    that breaks a rule.
    """
    rules.check_reviewer(user)
    fields = rules.check_changes(fields)
    if not fields:
        raise MyoclonusFieldError("body", "Nothing to change: send onset, duration or offset, kind, channel or status.")
    action = _action(fields)
    E, RV = _db.events, _db.event_revisions
    t = now()
    with engine.begin() as conn:
        _frozen(conn, review_id)
        cur = conn.execute(sa.select(E).where((E.c.id == event_id) & (E.c.review_id == review_id))).mappings().first()
        if cur is None or cur["version"] != int(expected_version):
            raise _conflict(conn, review_id, event_id, expected_version)
        values = {"status": fields["status"]} if "status" in fields else {}
        shape = set(fields) - {"status"}
        if shape:
            ev = {k: fields.get(k, cur[k]) for k in ("onset", "kind", "channel")}
            ev["offset" if "offset" in fields else "duration"] = fields.get("offset", fields.get("duration", cur["duration"]))
            values.update(_checked(conn, review_id, ev, set(fields), recording))
            values.setdefault("status", "accepted")  # relabelling or moving a detection is a decision to keep it
        res = conn.execute(
            E.update().where((E.c.id == event_id) & (E.c.review_id == review_id) & (E.c.version == int(expected_version)))
            .values(version=E.c.version + 1, updated_by=user, updated_at=t, **values)
        )
        if res.rowcount != 1:
            raise _conflict(conn, review_id, event_id, expected_version)
        row = conn.execute(sa.select(E).where(E.c.id == event_id)).mappings().one()
        conn.execute(RV.insert().values(event_id=event_id, review_id=review_id, rev=row["version"], action=action,
                                        author=user, created_at=t, **{k: row[k] for k in _STATE}))
    return event_dict(row)


def add_event(engine, review_id, fields, user, *, recording):
    """Add a missed event (accepted, origin ``reviewer``), checked like an edit."""
    rules.check_reviewer(user)
    fields = rules.check_changes(fields)
    for k in ("onset", "channel"):
        if k not in fields:
            raise MyoclonusFieldError(k, f"A new event needs '{k}'.")
    if "duration" not in fields and "offset" not in fields:
        raise MyoclonusFieldError("duration", "A new event needs 'duration' or 'offset'.")
    ev = {"onset": fields["onset"], "channel": fields["channel"], "kind": fields.get("kind", "jerk")}
    ev["offset" if "offset" in fields else "duration"] = fields.get("offset", fields.get("duration"))
    E, RV = _db.events, _db.event_revisions
    t = now()
    with engine.begin() as conn:
        _frozen(conn, review_id)
        vals = dict(_checked(conn, review_id, ev, set(fields) | {"kind"}, recording), status="accepted")
        eid = conn.execute(E.insert().values(review_id=review_id, version=1, origin="reviewer", confidence=None,
                                             measures="{}", updated_by=user, updated_at=t, **vals)).inserted_primary_key[0]
        conn.execute(RV.insert().values(event_id=eid, review_id=review_id, rev=1, action="add", author=user,
                                        created_at=t, **vals))
        row = conn.execute(sa.select(E).where(E.c.id == eid)).mappings().one()
    return event_dict(row)


def sign_review(engine, review_id, user, *, undecided=None, reason=None):
    """Sign (freeze) a review.

    Every event must be decided (accepted or rejected), or the caller acknowledges the number of
    undecided ones (``undecided``, which must equal the current count) and gives a ``reason``;
    both are stored and cited by the export and the re-run report. Raises
    :class:`UndecidedError` otherwise.
    """
    rules.check_reviewer(user)
    V, E = _db.reviews, _db.events
    with engine.begin() as conn:
        _frozen(conn, review_id)
        n = conn.execute(sa.select(sa.func.count()).where(
            (E.c.review_id == review_id) & (E.c.status == "unreviewed"))).scalar()
        if n and (reason is None or undecided is None):
            raise UndecidedError(f"{n} detection(s) are undecided: decide them (accept or reject), or sign with "
                                 f"{n} undecided and give the reason.", n)
        if n and (isinstance(undecided, bool) or undecided != n):
            raise UndecidedError(f"The review now has {n} undecided detection(s), not {undecided!r} as acknowledged "
                                 "(someone changed it meanwhile): check them and sign again.", n)
        note = rules.check_reason(reason, n) if n else None
        res = conn.execute(V.update().where((V.c.id == review_id) & V.c.signed_at.is_(None))
                           .values(signed_by=user, signed_at=now(), version=V.c.version + 1, n_undecided=n,
                                   undecided_reason=note))
        if res.rowcount != 1:
            raise FrozenError("The review was signed meanwhile.")
    return get_review(engine, review_id)


def review_citation(engine, review_id):
    """What an export, a re-run ``summary.json`` and report cite about a review.

    ``{'review', 'review_id', 'status', 'created_by', 'created_at', 'signed_by', 'signed_at',
    'counts': {'detections', 'accepted', 'rejected', 'undecided', 'added', ...}, 'undecided_reason',
    'reviewers' (authors of changes), 'detector': {'name', 'version', 'parameters'},
    'software'}``.
    """
    rv = get_review(engine, review_id)
    row = get_recording_row(engine, rv["recording_id"])
    RV = _db.event_revisions
    with engine.connect() as conn:
        authors = sorted(a for (a,) in conn.execute(
            sa.select(RV.c.author).where((RV.c.review_id == rv["id"]) & (RV.c.author != DETECTOR)).distinct()))
    return {
        "review": rv["name"], "review_id": rv["id"], "status": rv["status"], "created_by": rv["created_by"],
        "created_at": rv["created_at"], "signed_by": rv["signed_by"], "signed_at": rv["signed_at"],
        "counts": {k: rv["counts"][k] for k in ("detections", "accepted", "rejected", "undecided", "added")},
        "undecided_reason": rv["undecided_reason"], "reviewers": authors, "detector": detector_of(row),
        "software": f"myoclonus {__version__}",
    }


def audit(engine, review_id, event_id=None):
    """The audit trail of a review: who changed what, when, with the state before and after.

    Returns ``{'review', 'detector': {'name', 'version', 'parameters'}, 'entries': [...]}``; each
    entry has the event's state after the change (``onset``, ``duration``, ``kind``, ``channel``,
    ``status``), ``author`` (``detector`` for revision 1 of a detection), ``action``, ``rev``,
    ``created_at``, ``before`` (the previous state, None for revision 1) and ``changes``
    (``{field: [before, after]}``).
    """
    rv = get_review(engine, review_id)
    RV = _db.event_revisions
    q = sa.select(RV).where(RV.c.review_id == review_id)
    if event_id is not None:
        q = q.where(RV.c.event_id == event_id)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(RV.c.event_id, RV.c.rev)).mappings().all()
    det = detector_of(get_recording_row(engine, rv["recording_id"]))
    entries, last = [], {}
    for r in rows:
        state = {k: r[k] for k in _STATE}
        before = last.get(r["event_id"])
        e = {k: r[k] for k in ("id", "event_id", "rev", "action", "author")}
        e.update(state, created_at=_iso(r["created_at"]), before=before,
                 changes={k: [before[k], state[k]] for k in _STATE if before and before[k] != state[k]})
        if r["author"] == DETECTOR:
            e["detector_version"] = det["version"]
        entries.append(e)
        last[r["event_id"]] = state
    entries.sort(key=lambda e: e["id"])
    return {"review": {k: rv[k] for k in ("id", "name", "created_by", "created_at", "signed_by", "signed_at")},
            "detector": det, "entries": entries}


def get_display(engine, review_id):
    """The review's saved display settings (``myoclonus.display``), defaults when none were saved."""
    from ..display import default_display

    with engine.connect() as conn:
        raw = conn.execute(sa.select(_db.reviews.c.display).where(_db.reviews.c.id == int(review_id))).scalar()
    return json.loads(raw) if raw else default_display()


def save_display(engine, review_id, settings, *, channels):
    """Check (``myoclonus.display.validate_display``) and save a review's display settings."""
    from ..display import validate_display

    settings = validate_display(settings, channels=channels)
    V = _db.reviews
    with engine.begin() as conn:
        _frozen(conn, review_id)
        conn.execute(V.update().where(V.c.id == int(review_id)).values(display=json.dumps(settings)))
    return settings


def reviewed_events(engine, review_id, *, include_rejected=False):
    """The review's events as :class:`Events` (rejected ones dropped unless asked).

    Extra columns: ``review_status`` (unreviewed/accepted/rejected), ``source`` (detector or
    reviewer name), the detector's measures, and ``confidence``.
    """
    E = _db.events
    with engine.connect() as conn:
        rows = conn.execute(sa.select(E).where(E.c.review_id == review_id).order_by(E.c.onset, E.c.channel, E.c.id)
                            ).mappings().all()
    if not include_rejected:
        rows = [r for r in rows if r["status"] != "rejected"]
    meas_keys = []
    parsed = []
    for r in rows:
        m = json.loads(r["measures"] or "{}")
        parsed.append(m)
        for k in m:
            if k not in meas_keys and k not in ("review_status", "source"):
                meas_keys.append(k)
    measures = {}
    for k in meas_keys:
        vals = [p.get(k) for p in parsed]
        if all(v is None or isinstance(v, (int, float)) for v in vals):
            measures[k] = np.array([np.nan if v is None else float(v) for v in vals], float)
        else:
            measures[k] = np.array(["" if v is None else str(v) for v in vals], object)
    measures["confidence"] = np.array([np.nan if r["confidence"] is None else r["confidence"] for r in rows], float)
    measures["review_status"] = np.array([r["status"] for r in rows], object)
    measures["source"] = np.array([DETECTOR if r["origin"] == DETECTOR else f"reviewer:{r['updated_by']}" for r in rows],
                                  object)
    return Events([r["onset"] for r in rows], [r["duration"] for r in rows], [r["kind"] for r in rows],
                  [r["channel"] for r in rows], **measures)


# ---------------------------------------------------------------------------------- agreement
def cohen_kappa(a, b):
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    n = len(a)
    if n == 0:
        return None
    po = np.mean(a == b)
    pa, pb = a.mean(), b.mean()
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1:
        return 1.0 if po == 1 else None
    return float((po - pe) / (1 - pe))


def window_labels(events, channels, duration, window):
    nw = max(1, int(math.ceil(duration / window)))
    lab = np.zeros((len(channels), nw), bool)
    idx = {c: i for i, c in enumerate(channels)}
    for o, c in zip(events.onset, events.channel):
        if c in idx:
            lab[idx[c], min(nw - 1, int(o // window))] = True
    return lab.ravel()


def agreement(engine, rid, *, kind="jerk", tolerance=0.020, window=1.0):
    """Pairwise agreement of the detector and every review of recording ``rid`` on ``kind`` events.

    The first of each pair is the reference. Precision, recall, F1 and onset differences use
    :func:`myoclonus.scoring.score_events` (same channel, onsets within ``tolerance`` s); Cohen's
    kappa compares, per channel and ``window``-second window, whether each side marked an onset.
    """
    from ..scoring import score_events

    rec = get_recording_row(engine, rid)
    V = _db.reviews
    with engine.connect() as conn:
        revs = conn.execute(sa.select(V).where(V.c.recording_id == rid).order_by(V.c.id)).mappings().all()
    sets = []
    for v in revs:
        ev = reviewed_events(engine, v["id"])
        if v["name"] != DETECTOR:
            ev = ev[np.asarray(ev.measures["review_status"] != "unreviewed") | (ev.measures["source"] != DETECTOR)]
            n_dec = len(ev)
        else:
            n_dec = len(ev)
        sets.append((v["name"], ev.select(kind) if kind else ev, n_dec))
    channels = sorted({c for _, e, _ in sets for c in e.channel})
    rows = []
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            (na, ea, _), (nb, eb, _) = sets[i], sets[j]
            s = score_events(ea, eb, tolerance=tolerance)
            k = cohen_kappa(window_labels(ea, channels, rec["duration_s"], window),
                            window_labels(eb, channels, rec["duration_s"], window))
            rows.append({"reference": na, "compared": nb, "n_reference": s["n_truth"], "n_compared": s["n_detected"],
                         "n_matched": s["n_matched"], "precision": s["precision"], "recall": s["recall"], "f1": s["f1"],
                         "onset_diff_ms_median": s["onset_error_ms_median"], "onset_diff_ms_p95": s["onset_error_ms_p95"],
                         "onset_bias_ms": s["onset_bias_ms"], "kappa": k})
    return {"kind": kind, "tolerance_s": tolerance, "window_s": window, "rows": rows,
            "note": "A review counts its accepted, added and (not rejected) events; unreviewed detections are left out "
                    "of human reviews so that agreement reflects decisions."}


# ---------------------------------------------------------------------------------- accounts
_PBKDF2_ITER = 200_000


def hash_password(password):
    salt = secrets.token_bytes(16)
    dk = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _PBKDF2_ITER)
    return f"pbkdf2_sha256${_PBKDF2_ITER}${salt.hex()}${dk.hex()}"


def verify_password(password, stored):
    try:
        algo, it, salt, dk = stored.split("$")
    except ValueError:
        return False
    if algo != "pbkdf2_sha256":
        return False
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(it))
    return hmac.compare_digest(got.hex(), dk)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(engine, username, password):
    import re

    rules.check_reviewer(username)
    if not re.match(r"^[\w.@-]{1,100}$", username or ""):
        raise MyoclonusUsageError("User names are 1-100 letters, digits, '.', '@', '_' or '-'.")
    if len(password) < 8:
        raise MyoclonusUsageError("A user needs a name and a password of at least 8 characters.")
    with engine.begin() as conn:
        U = _db.users
        if conn.execute(sa.select(U.c.id).where(U.c.username == username)).first():
            conn.execute(U.update().where(U.c.username == username).values(password_hash=hash_password(password)))
        else:
            conn.execute(U.insert().values(username=username, password_hash=hash_password(password), created_at=now()))


def check_user(engine, username, password):
    with engine.connect() as conn:
        r = conn.execute(sa.select(_db.users.c.password_hash).where(_db.users.c.username == username)).first()
    if r is None:
        hash_password(password)  # same time whether or not the user exists
        return False
    return verify_password(password, r[0])


def add_token(engine, name):
    rules.check_reviewer(name)
    tok = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(_db.tokens.insert().values(name=name, token_hash=token_hash(tok), created_at=now()))
    return tok


def check_token(engine, token):
    """Name of the token's owner, or None."""
    with engine.connect() as conn:
        r = conn.execute(sa.select(_db.tokens.c.name).where(_db.tokens.c.token_hash == token_hash(token))).first()
    return r[0] if r else None


def has_accounts(engine):
    with engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(_db.users)).scalar()
        n += conn.execute(sa.select(sa.func.count()).select_from(_db.tokens)).scalar()
    return n > 0


def secret(engine):
    S = _db.settings
    with engine.begin() as conn:
        r = conn.execute(sa.select(S.c.value).where(S.c.key == "secret")).first()
        if r:
            return r[0]
        val = secrets.token_hex(32)
        conn.execute(S.insert().values(key="secret", value=val))
    return val


def _secret_once(engine):
    try:
        return secret(engine)
    except sa.exc.IntegrityError:  # another server process created it at the same moment
        return secret(engine)


def default_user():
    try:
        return os.getlogin()
    except OSError:
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # pragma: no cover
            return "reviewer"
