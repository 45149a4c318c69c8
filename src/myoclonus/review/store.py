"""Review logic on top of the tables: registration, edits with optimistic concurrency, audit trail,
signing, export and agreement. Used by the web app and the tests; no web code here."""
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

from .._validate import MyoclonusInputError, MyoclonusUsageError
from ..events import EVENT_KINDS, Events
from . import db as _db

sa = _db.sa

STATUSES = ("unreviewed", "accepted", "rejected")
DETECTOR = "detector"
_MEASURE_SKIP = {"onset", "duration", "trial_type", "channel", "confidence", "offset", "review_status", "source"}


class ConflictError(Exception):
    """The event changed since the client read it (optimistic concurrency)."""

    def __init__(self, message, current=None):
        super().__init__(message)
        self.current = current


class FrozenError(Exception):
    """The review is signed: it cannot change any more."""


class NotFound(Exception):
    pass


def now():
    return _dt.datetime.now(_dt.timezone.utc)


def _iso(t):
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return t.isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------------------- recordings
def find_recording_file(path):
    """Resolve a recording file or an analysis folder to ``(recording_file, events_tsv|None)``."""
    from ..io.read import SUPPORTED_EXTENSIONS

    path = Path(path).expanduser().resolve()
    if path.is_file():
        return path, None
    if not path.is_dir():
        raise MyoclonusInputError(f"'{path}' is neither a recording file nor an analysis folder.")
    ev = path / "events.tsv"
    ev = ev if ev.is_file() else None
    name = None
    sj = path / "summary.json"
    if sj.is_file():
        try:
            name = json.loads(sj.read_text(encoding="utf-8"))["recording"]["source"]["file"]
        except (KeyError, TypeError, ValueError):
            name = None
    if name:
        for d in (path, path.parent):
            if (d / name).is_file():
                return (d / name).resolve(), ev
    exts = tuple(e.lower() for e in SUPPORTED_EXTENSIONS)
    cands = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in exts and p.name != "events.tsv")
    cands = [p for p in cands if p.suffix.lower() not in (".tsv", ".json", ".csv", ".txt")] or cands
    if not cands:
        raise MyoclonusInputError(
            f"No recording found for the analysis folder '{path}' (summary.json names {name!r}); "
            "pass the recording file itself."
        )
    return cands[0].resolve(), ev


def register(engine, path, *, detect=True):
    """Register a recording (file or analysis folder) with its detector events; return its id.

    Already registered files are returned as they are (the detector is not re-run).
    """
    from ..io import read_recording

    rec_path, ev_path = find_recording_file(path)
    with engine.begin() as conn:
        row = conn.execute(sa.select(_db.recordings.c.id).where(_db.recordings.c.path == str(rec_path))).first()
        if row:
            return row[0]
    rec = read_recording(rec_path, check=False)
    if ev_path is not None:
        events = Events.from_tsv(ev_path)
        detector = f"events.tsv of {ev_path.parent.name}"
    elif detect:
        from ..detect import detect_jerks

        events = detect_jerks(rec, progress=False).events
        detector = "myoclonus.detect_jerks"
    else:
        events = Events()
        detector = None
    with engine.begin() as conn:
        row = conn.execute(sa.select(_db.recordings.c.id).where(_db.recordings.c.path == str(rec_path))).first()
        if row:
            return row[0]
        rid = conn.execute(
            _db.recordings.insert().values(
                path=str(rec_path),
                name=rec_path.name,
                analysis_dir=str(ev_path.parent) if ev_path else None,
                duration_s=float(rec.duration),
                n_channels=rec.n_channels,
                detector=detector,
                created_at=now(),
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
        _copy_revisions(conn, rv, "detect", DETECTOR, t)


def _copy_revisions(conn, review_id, action, author, t):
    ev = _db.events
    sel = sa.select(ev.c.id, ev.c.review_id, sa.literal(1), sa.literal(action), ev.c.onset, ev.c.duration, ev.c.kind,
                    ev.c.channel, ev.c.status, sa.literal(author), sa.literal(t, type_=sa.DateTime(timezone=True))
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


def list_recordings(engine):
    """Recordings with their reviews, review status and counts."""
    R, V, E = _db.recordings, _db.reviews, _db.events
    out = []
    with engine.connect() as conn:
        recs = conn.execute(sa.select(R).order_by(R.c.id)).mappings().all()
        counts = {}
        q = sa.select(E.c.review_id, E.c.status, E.c.origin, sa.func.count()).group_by(E.c.review_id, E.c.status, E.c.origin)
        for rv, st, orig, n in conn.execute(q):
            c = counts.setdefault(rv, {"total": 0, "unreviewed": 0, "accepted": 0, "rejected": 0, "added": 0})
            c["total"] += n
            c[st] = c.get(st, 0) + n
            if orig != DETECTOR:
                c["added"] += n
        edits = dict(conn.execute(
            sa.select(_db.event_revisions.c.review_id, sa.func.count()).where(_db.event_revisions.c.rev > 1)
            .group_by(_db.event_revisions.c.review_id)).all())
        revs = conn.execute(sa.select(V).order_by(V.c.id)).mappings().all()
    for r in recs:
        rvs = []
        for v in revs:
            if v["recording_id"] != r["id"]:
                continue
            d = review_dict(v, counts.get(v["id"]), edits.get(v["id"], 0))
            rvs.append(d)
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
            "detector": r["detector"], "status": status,
            "n_detections": det["counts"]["total"] if det else 0, "reviews": rvs,
        })
    return out


def review_dict(v, counts=None, n_edits=0):
    if v["name"] == DETECTOR:
        status = "detector"
    elif v["signed_at"] is not None:
        status = "signed"
    elif n_edits or (counts and counts.get("added")):
        status = "in progress"
    else:
        status = "not started"
    return {
        "id": v["id"], "recording_id": v["recording_id"], "name": v["name"], "created_by": v["created_by"],
        "created_at": _iso(v["created_at"]), "signed_by": v["signed_by"], "signed_at": _iso(v["signed_at"]),
        "status": status, "counts": counts or {"total": 0, "unreviewed": 0, "accepted": 0, "rejected": 0, "added": 0},
        "n_edits": n_edits,
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
        added = conn.execute(sa.select(sa.func.count()).where(
            (_db.events.c.review_id == v["id"]) & (_db.events.c.origin != DETECTOR))).scalar()
    return review_dict(v, {"added": added}, n_edits)


def open_review(engine, rid, name, user):
    """Return the id of review ``name`` of recording ``rid``, creating it from the detector's events."""
    name = (name or "main").strip()[:100]
    if not name or name == DETECTOR:
        raise MyoclonusUsageError("A review needs a name other than 'detector'.")
    get_recording_row(engine, rid)
    V, E = _db.reviews, _db.events
    with engine.begin() as conn:
        row = conn.execute(sa.select(V.c.id).where((V.c.recording_id == rid) & (V.c.name == name))).first()
        if row:
            return row[0]
        det = conn.execute(sa.select(V.c.id).where((V.c.recording_id == rid) & (V.c.name == DETECTOR))).scalar()
        t = now()
        rv = conn.execute(V.insert().values(recording_id=rid, name=name, created_by=user, created_at=t, version=0)
                          ).inserted_primary_key[0]
        cols = [c for c in E.c if c.name not in ("id", "review_id", "updated_by", "updated_at", "version")]
        sel = sa.select(*cols, sa.literal(rv), sa.literal(1), sa.literal(user),
                        sa.literal(t, type_=sa.DateTime(timezone=True))).where(E.c.review_id == det).order_by(E.c.id)
        conn.execute(E.insert().from_select([c.name for c in cols] + ["review_id", "version", "updated_by", "updated_at"], sel))
        _copy_revisions(conn, rv, "create", user, t)
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


def _check_fields(fields, channels=None):
    out = {}
    if "kind" in fields and fields["kind"] is not None:
        if fields["kind"] not in EVENT_KINDS:
            raise MyoclonusUsageError(f"Unknown kind {fields['kind']!r}; allowed: {', '.join(EVENT_KINDS)}.")
        out["kind"] = fields["kind"]
    if "status" in fields and fields["status"] is not None:
        if fields["status"] not in STATUSES:
            raise MyoclonusUsageError(f"Unknown status {fields['status']!r}; allowed: {', '.join(STATUSES)}.")
        out["status"] = fields["status"]
    for k in ("onset", "duration"):
        if k in fields and fields[k] is not None:
            v = float(fields[k])
            if not math.isfinite(v) or v < 0:
                raise MyoclonusUsageError(f"'{k}' must be a finite number >= 0 s, got {fields[k]!r}.")
            out[k] = v
    if "channel" in fields and fields["channel"] is not None:
        if channels is not None and fields["channel"] not in channels:
            raise MyoclonusUsageError(f"Unknown channel {fields['channel']!r}.")
        out["channel"] = str(fields["channel"])
    return out


def _frozen(conn, review_id):
    v = conn.execute(sa.select(_db.reviews.c.signed_at, _db.reviews.c.name).where(_db.reviews.c.id == review_id)).first()
    if v is None:
        raise NotFound(f"No review {review_id}.")
    if v[0] is not None:
        who = "the detector's events" if v[1] == DETECTOR else f"review '{v[1]}'"
        raise FrozenError(f"{who} is signed and frozen; start another review to change it.")


def _action(fields):
    if set(fields) == {"status"}:
        return {"accepted": "accept", "rejected": "reject", "unreviewed": "reset"}[fields["status"]]
    if set(fields) <= {"kind", "status"} and "kind" in fields:
        return "relabel"
    if set(fields) & {"onset", "duration"}:
        return "move"
    return "edit"


def update_event(engine, review_id, event_id, expected_version, fields, user, channels=None):
    """Apply ``fields`` to an event if its version is still ``expected_version``.

    Raises :class:`ConflictError` (with the current state) when someone changed it meanwhile.
    """
    fields = _check_fields(fields, channels)
    if not fields:
        raise MyoclonusUsageError("Nothing to change.")
    action = _action(fields)
    if "status" not in fields and set(fields) & {"kind", "onset", "duration", "channel"}:
        fields["status"] = "accepted"  # relabelling or moving a detection is a decision to keep it
    E, RV = _db.events, _db.event_revisions
    t = now()
    with engine.begin() as conn:
        _frozen(conn, review_id)
        res = conn.execute(
            E.update().where((E.c.id == event_id) & (E.c.review_id == review_id) & (E.c.version == int(expected_version)))
            .values(version=E.c.version + 1, updated_by=user, updated_at=t, **fields)
        )
        if res.rowcount != 1:
            cur = conn.execute(sa.select(E).where((E.c.id == event_id) & (E.c.review_id == review_id))).mappings().first()
            if cur is None:
                raise NotFound(f"No event {event_id} in review {review_id}.")
            cur = event_dict(cur)
            raise ConflictError(
                f"Conflict: event {event_id} was changed by {cur['updated_by']} at {cur['updated_at']} "
                f"(now version {cur['version']}, you edited version {expected_version}). Your change was not "
                "applied; the current state is shown, redo your change if it still applies.", cur)
        row = conn.execute(sa.select(E).where(E.c.id == event_id)).mappings().one()
        conn.execute(RV.insert().values(event_id=event_id, review_id=review_id, rev=row["version"], action=action,
                                        onset=row["onset"], duration=row["duration"], kind=row["kind"],
                                        channel=row["channel"], status=row["status"], author=user, created_at=t))
    return event_dict(row)


def add_event(engine, review_id, fields, user, channels=None):
    """Add a missed event (accepted, origin ``reviewer``)."""
    fields = _check_fields(fields, channels)
    for k in ("onset", "duration", "channel"):
        if k not in fields:
            raise MyoclonusUsageError(f"A new event needs '{k}'.")
    fields.setdefault("kind", "jerk")
    fields["status"] = "accepted"
    E, RV = _db.events, _db.event_revisions
    t = now()
    with engine.begin() as conn:
        _frozen(conn, review_id)
        eid = conn.execute(E.insert().values(review_id=review_id, version=1, origin="reviewer", confidence=None,
                                             measures="{}", updated_by=user, updated_at=t, **fields)).inserted_primary_key[0]
        conn.execute(RV.insert().values(event_id=eid, review_id=review_id, rev=1, action="add", author=user,
                                        created_at=t, **fields))
        row = conn.execute(sa.select(E).where(E.c.id == eid)).mappings().one()
    return event_dict(row)


def sign_review(engine, review_id, user):
    V = _db.reviews
    with engine.begin() as conn:
        _frozen(conn, review_id)
        res = conn.execute(V.update().where((V.c.id == review_id) & V.c.signed_at.is_(None))
                           .values(signed_by=user, signed_at=now(), version=V.c.version + 1))
        if res.rowcount != 1:
            raise FrozenError("The review was signed meanwhile.")
    return get_review(engine, review_id)


def audit(engine, review_id, event_id=None):
    RV = _db.event_revisions
    q = sa.select(RV).where(RV.c.review_id == review_id)
    if event_id is not None:
        q = q.where(RV.c.event_id == event_id)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(RV.c.id)).mappings().all()
    return [{**{k: r[k] for k in ("id", "event_id", "rev", "action", "onset", "duration", "kind", "channel", "status",
                                  "author")}, "created_at": _iso(r["created_at"])} for r in rows]


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
