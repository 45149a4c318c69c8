"""The FastAPI application of the review workflow (see :func:`create_app`)."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import tempfile
import threading
import time
from pathlib import Path

from .._json import jsonable
from .._logging import logger
from .._optional import soft_import
from .._validate import MyoclonusError, MyoclonusFieldError
from . import db as _db
from . import store

fastapi = soft_import("fastapi", "the review app (pip install 'myoclonus[review]')")
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402
from starlette.background import BackgroundTask  # noqa: E402

STATIC = Path(__file__).parent / "static"
CSRF_COOKIE = "myo_csrf"
SESSION_COOKIE = "myo_session"
SESSION_HOURS = 12
_NAME_RE = re.compile(r"^[\w .@'-]{1,100}$")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def is_loopback(host):
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Recordings:
    """Lazily opened recordings and their trace sources, by database id."""

    MAX_OPEN = 8

    def __init__(self, engine):
        self.engine = engine
        self._cache = {}  # insertion ordered: least recently used first
        self._lock = threading.Lock()

    def get(self, rid):
        from ..io import read_recording
        from .traces import TraceSource

        with self._lock:
            if rid in self._cache:
                self._cache[rid] = self._cache.pop(rid)
            else:
                row = store.get_recording_row(self.engine, rid)
                rec = read_recording(row["path"], check=False)
                self._cache[rid] = (rec, TraceSource(rec))
                while len(self._cache) > self.MAX_OPEN:
                    self._cache.pop(next(iter(self._cache)))
            return self._cache[rid]


def create_app(*, db_url, recordings=(), keep_identity=False, token=None, require_auth=None, out_dir=None,
               allowed_hosts=None, detect=True, candidates=()):
    """Build the review web app.

    Parameters
    ----------
    db_url : str
        SQLAlchemy URL (``sqlite:///path/myoclonus.db``, ``postgresql://user@host/db``) or a file path.
    recordings : list of path-like
        Recording files or analysis folders to register (the detector runs for files without an
        ``events.tsv``). Samples are read from the files, never stored in the database.
    keep_identity : bool
        Show patient-identifying header fields (default: never shown).
    token : str | None
        Shared access token; when given (or ``require_auth``), every page needs a login with this
        token, an account token or a user name and password (``myoclonus review-user``).
    require_auth : bool | None
        Require a login (default: only when ``token`` is given).
    out_dir : path-like | None
        Where re-runs of the analysis are written (default: beside the SQLite file, else beside
        each recording).
    allowed_hosts : list of str | None
        Accepted ``Host`` header names (protection against DNS rebinding); None accepts any.
    detect : bool
        Run the detector on recording files given without an analysis folder.
    candidates : list of path-like
        Recording files to match analysis folders whose recording is no longer where their
        ``summary.json`` says (``myoclonus review --recording``; matched by content hash).

    Notes
    -----
    An input that cannot be registered does not stop the others: its error is logged and kept in
    ``app.state.problems`` (``[{'input', 'error'}]``), served at ``/api/problems`` and shown on
    the recordings page.
    """
    engine = _db.make_engine(db_url)
    _db.migrate(engine)
    problems = []
    for p in recordings:
        try:
            store.register(engine, p, detect=detect, candidates=candidates)
        except MyoclonusError as e:
            logger.info("Not registered: %s", e)
            problems.append({"input": str(p), "error": str(e)})
    if out_dir is None and engine.dialect.name == "sqlite" and engine.url.database:
        out_dir = Path(engine.url.database).parent
    auth = bool(token) or bool(require_auth)
    key = store._secret_once(engine).encode()
    recs = _Recordings(engine)
    app = FastAPI(title="myoclonus review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.keep_identity = keep_identity
    app.state.problems = problems

    # ------------------------------------------------------------------ auth helpers
    def make_session(user):
        exp = int(time.time()) + SESSION_HOURS * 3600
        payload = f"{user}|{exp}"
        sig = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
        return f"{payload}|{sig}"

    def session_user(request):
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            user, exp, sig = raw.rsplit("|", 2)
        except ValueError:
            return None
        good = hmac.new(key, f"{user}|{exp}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(good, sig) or int(exp) < time.time():
            return None
        return user

    def bearer_user(request):
        h = request.headers.get("authorization", "")
        if not h.lower().startswith("bearer "):
            return None
        tok = h[7:].strip()
        if token and hmac.compare_digest(tok, token):
            return "token"
        return store.check_token(engine, tok)

    def reviewer(request):
        if auth:
            return request.state.user
        name = request.headers.get("x-reviewer", "").strip()
        return name if _NAME_RE.match(name) else store.default_user()

    @app.middleware("http")
    async def security(request: Request, call_next):
        if allowed_hosts is not None:
            host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]")
            if host not in allowed_hosts:
                return JSONResponse({"detail": f"Host '{host}' is not allowed."}, status_code=400)
        path = request.url.path
        request.state.user = None
        bearer = bearer_user(request) if "authorization" in request.headers else None
        if auth:
            request.state.user = bearer or session_user(request)
            if request.state.user is None and not (path.startswith("/static/") or path == "/login"):
                if path.startswith("/api/"):
                    return JSONResponse({"detail": "Log in first (token or user account)."}, status_code=401)
                return RedirectResponse("/login", status_code=303)
        csrf = request.cookies.get(CSRF_COOKIE)
        if request.method in _UNSAFE and bearer is None:
            sent = request.headers.get("x-csrf-token")
            if path == "/login":
                sent = csrf  # checked by the login route against the form field
            if not csrf or not sent or not hmac.compare_digest(csrf, sent):
                return JSONResponse({"detail": "CSRF check failed: reload the page and try again."}, status_code=403)
        response = await call_next(request)
        if not csrf:
            response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), samesite="strict", httponly=False)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
        )
        return response

    def err(status, detail, **extra):
        return JSONResponse(jsonable({"detail": detail, **extra}, stringify=True), status_code=status)

    def guard(fn):
        """Map the store's exceptions to HTTP answers (422 names the field that breaks a rule)."""
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **kw):
            try:
                return fn(*a, **kw)
            except Exception as e:  # noqa: BLE001 - mapped or re-raised by answer()
                return answer(e)

        return wrapper

    def answer(e):
        """The HTTP answer for an exception raised by a route; other exceptions propagate."""
        if isinstance(e, store.ConflictError):
            return err(409, str(e), current=e.current)
        if isinstance(e, store.UndecidedError):
            return err(409, str(e), undecided=e.undecided)
        if isinstance(e, MyoclonusFieldError):
            return err(422, str(e), field=e.field, allowed=e.allowed, given=e.given)
        if isinstance(e, store.FrozenError):
            return err(423, str(e))
        if isinstance(e, store.NotFound):
            return err(404, str(e))
        if isinstance(e, MyoclonusError):
            return err(400, str(e))
        if isinstance(e, (ValueError, TypeError)):
            return err(400, f"Bad request: {e}")
        raise e

    def page(name):
        return FileResponse(STATIC / name, media_type="text/html")

    # ------------------------------------------------------------------ pages
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse)
    def index():
        return page("index.html")

    @app.get("/review/{review_id}", response_class=HTMLResponse)
    def review_page(review_id: int):
        return page("review.html")

    @app.get("/agreement/{rid}", response_class=HTMLResponse)
    def agreement_page(rid: int):
        return page("agreement.html")

    @app.get("/login", response_class=HTMLResponse)
    def login_page():
        return page("login.html")

    @app.post("/login")
    async def login(request: Request):
        body = await request.body()
        if len(body) > 10_000:
            return JSONResponse({"detail": "Log-in form too large."}, status_code=413)
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        user = None
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or not hmac.compare_digest(cookie, str(form.get("csrf") or "")):
            return JSONResponse({"detail": "CSRF check failed: reload the login page."}, status_code=403)
        tok = (form.get("token") or "").strip()
        if tok:
            if token and hmac.compare_digest(tok, token):
                user = (form.get("username") or "").strip() or "token"
                if not _NAME_RE.match(user):
                    user = "token"
            else:
                user = store.check_token(engine, tok)
        else:
            u, pw = (form.get("username") or "").strip(), form.get("password") or ""
            if u and store.check_user(engine, u, pw):
                user = u
        if user is None:
            return RedirectResponse("/login?failed=1", status_code=303)
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(SESSION_COOKIE, make_session(user), httponly=True, samesite="strict",
                        max_age=SESSION_HOURS * 3600)
        return resp

    @app.post("/logout")
    def logout():
        resp = RedirectResponse("/login" if auth else "/", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    # ------------------------------------------------------------------ API
    @app.get("/api/me")
    def me(request: Request):
        return {"user": reviewer(request), "auth": auth, "keep_identity": keep_identity}

    @app.get("/api/recordings")
    def api_recordings():
        return store.list_recordings(engine)

    @app.get("/api/problems")
    def api_problems():
        return problems

    @app.post("/api/recordings/{rid}/reviews")
    @guard
    def api_open_review(rid: int, request: Request, body: dict):
        rv = store.open_review(engine, rid, str(body.get("name") or "main"), reviewer(request))
        return store.get_review(engine, rv)

    def recording_meta(rid):
        row = store.get_recording_row(engine, rid)
        rec, src = recs.get(rid)
        d = rec.describe(keep_identity=keep_identity)
        out = {"id": rid, "name": row["name"], "duration_s": rec.duration, "detector": store.detector_of(row),
               "channels": [{"index": i, "name": c.name, "type": c.type, "sfreq": c.sfreq, "unit": c.unit}
                            for i, c in enumerate(rec.channels)]}
        if keep_identity and "identity" in d:
            out["identity"] = d["identity"]
        if not src.ready and not getattr(src, "_started", False) and rec.duration * max(rec.sfreqs) > 2_000_000:
            src._started = True  # build the envelope pyramid in the background for wide views
            threading.Thread(target=src.build, daemon=True).start()
        return out

    @app.get("/api/recordings/{rid}")
    @guard
    def api_recording(rid: int):
        return recording_meta(rid)

    @app.get("/api/recordings/{rid}/window")
    @guard
    def api_window(rid: int, t0: float, t1: float, px: int = 1200, ch: str = "", f: str = ""):
        from ..display import parse_filter_query

        rec, src = recs.get(rid)
        picks = None
        if ch:
            picks = [int(c) for c in ch.split(",") if c != ""]
            if any(not 0 <= p < rec.n_channels for p in picks):
                return err(400, "Channel index out of range.")
        filters = parse_filter_query(f)
        meta, payload = src.window(max(0.0, t0), min(rec.duration, t1), px, picks, filters=filters)
        return Response(payload, media_type="application/octet-stream",
                        headers={"X-Window": json.dumps(meta), "Cache-Control": "no-store"})

    @app.get("/api/recordings/{rid}/agreement")
    @guard
    def api_agreement(rid: int, kind: str = "jerk", window: float = 1.0, tolerance: float = 0.02):
        if not 0.05 <= window <= 600 or not 0 < tolerance <= 1:
            return err(400, "window must be within 0.05-600 s and tolerance within 0-1 s.")
        return store.agreement(engine, rid, kind=kind or None, window=window, tolerance=tolerance)

    @app.get("/api/reviews/{review_id}")
    @guard
    def api_review(review_id: int):
        from ..display import DIV_PX, GAIN_UNITS, NOTCH_FREQS, TIME_BASES

        rv = store.get_review(engine, review_id)
        rv["recording"] = recording_meta(rv["recording_id"])
        rv["display"] = store.get_display(engine, review_id)
        rv["display_options"] = {"div_px": DIV_PX, "gain_units": GAIN_UNITS, "notch_freqs": NOTCH_FREQS,
                                 "time_bases": TIME_BASES}
        return rv

    @app.put("/api/reviews/{review_id}/display")
    @guard
    def api_display(review_id: int, body: dict):
        return store.save_display(engine, review_id, body, channels=channel_names(review_id))

    @app.get("/api/reviews/{review_id}/events")
    @guard
    def api_events(review_id: int, since: int | None = None):
        store.get_review(engine, review_id)
        evs, last = store.list_events(engine, review_id, since=since)
        return {"events": evs, "last_revision": last, "review": store.get_review(engine, review_id)}

    def recording_of(review_id):
        rv = store.get_review(engine, review_id)
        return recs.get(rv["recording_id"])[0]

    def channel_names(review_id):
        return recording_of(review_id).ch_names

    @app.patch("/api/reviews/{review_id}/events/{event_id}")
    @guard
    def api_update(review_id: int, event_id: int, request: Request, body: dict):
        version = body.get("version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise MyoclonusFieldError("version", f"Send the 'version' (an integer) of the event you edited, but got "
                                      f"{version!r}.", given=version)
        fields = {k: body[k] for k in ("onset", "duration", "offset", "kind", "status", "channel") if k in body}
        return store.update_event(engine, review_id, event_id, version, fields, reviewer(request),
                                  recording=recording_of(review_id))

    @app.post("/api/reviews/{review_id}/events")
    @guard
    def api_add(review_id: int, request: Request, body: dict):
        fields = {k: body[k] for k in ("onset", "duration", "offset", "kind", "channel") if k in body}
        return store.add_event(engine, review_id, fields, reviewer(request), recording=recording_of(review_id))

    @app.post("/api/reviews/{review_id}/sign")
    @guard
    def api_sign(review_id: int, request: Request, body: dict | None = None):
        body = body or {}
        return store.sign_review(engine, review_id, reviewer(request), undecided=body.get("undecided"),
                                 reason=body.get("reason"))

    @app.get("/api/reviews/{review_id}/audit")
    @guard
    def api_audit(review_id: int, event_id: int | None = None):
        return store.audit(engine, review_id, event_id)

    def export_name(review_id, ext):
        rv = store.get_review(engine, review_id)
        row = store.get_recording_row(engine, rv["recording_id"])
        stem = re.sub(r"[^\w.-]", "_", Path(row["name"]).stem)
        return rv, f"{stem}_review{review_id}_events{ext}"

    @app.get("/api/reviews/{review_id}/export.tsv")
    @guard
    def api_export_tsv(review_id: int):
        _, name = export_name(review_id, ".tsv")
        ev = store.reviewed_events(engine, review_id)
        with tempfile.TemporaryDirectory() as d:
            p = ev.to_tsv(Path(d) / "events.tsv", sidecar=False)
            text = p.read_text(encoding="utf-8")
        return Response(text, media_type="text/tab-separated-values",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/api/reviews/{review_id}/export.json")
    @guard
    def api_export_sidecar(review_id: int):
        rv, name = export_name(review_id, ".json")
        side = store.reviewed_events(engine, review_id).sidecar()
        side["review_status"] = {"Description": "Reviewer decision: accepted (kept, possibly relabelled or moved), "
                                 "unreviewed (detection not yet decided, kept). Rejected detections are left out.",
                                 "Levels": {"accepted": "Kept by the reviewer.", "unreviewed": "Not decided; kept."}}
        cite = store.review_citation(engine, review_id)
        side["GeneratedBy"] = [{"Name": "myoclonus review", "Version": cite["software"].split()[-1],
                                "Review": rv["name"], "SignedBy": rv["signed_by"], "SignedAt": rv["signed_at"]},
                               {"Name": cite["detector"]["name"], "Version": cite["detector"]["version"]}]
        side["Review"] = cite
        return JSONResponse(side, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/api/reviews/{review_id}/export.edf")
    @guard
    def api_export_edf(review_id: int):
        from ..events import write_events

        from ..io import Annotations
        from ..report.builder import review_lines

        rv, name = export_name(review_id, ".edf")
        rec, _ = recs.get(rv["recording_id"])
        ev = store.reviewed_events(engine, review_id)
        # the review's citation as one annotation at 0 s, beside the file's own (on a copy)
        out = rec.pick(rec.ch_names)
        a = rec.annotations
        cite = "myoclonus review: " + " ".join(review_lines({"review": store.review_citation(engine, review_id)}))
        out.annotations = Annotations([*a.onset, 0.0], [*a.duration, 0.0], [*a.description, cite])
        d = tempfile.mkdtemp(prefix="myoclonus_review_")
        p = write_events(ev, Path(d) / "events.edf", recording=out, keep_identity=keep_identity)
        import shutil

        return FileResponse(p, filename=name, media_type="application/octet-stream",
                            background=BackgroundTask(shutil.rmtree, d, True))

    def rerun_dir(review_id):
        rv = store.get_review(engine, review_id)
        row = store.get_recording_row(engine, rv["recording_id"])
        base = Path(out_dir) if out_dir is not None else Path(row["path"]).parent
        return base / f"{Path(row['name']).stem}_review{review_id}"

    @app.post("/api/reviews/{review_id}/rerun")
    @guard
    def api_rerun(review_id: int):
        from ..pipeline import analyze

        rv = store.get_review(engine, review_id)
        rec, _ = recs.get(rv["recording_id"])
        row = store.get_recording_row(engine, rv["recording_id"])
        out = rerun_dir(review_id)
        ev = store.reviewed_events(engine, review_id)
        analyze(rec, out=out, events=ev, keep_identity=keep_identity, review=store.review_citation(engine, review_id),
                recording_path=row["path"])
        return {"out": str(out), "report": f"/api/reviews/{review_id}/report.html",
                "summary": f"/api/reviews/{review_id}/summary.json"}

    @app.get("/api/reviews/{review_id}/report.html")
    @guard
    def api_report(review_id: int):
        p = rerun_dir(review_id) / "report.html"
        if not p.is_file():
            return err(404, "No report yet: re-run the analysis from the reviewed events first.")
        resp = FileResponse(p, media_type="text/html")
        resp.headers["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline' data:"
        return resp

    @app.get("/api/reviews/{review_id}/summary.json")
    @guard
    def api_summary(review_id: int):
        p = rerun_dir(review_id) / "summary.json"
        if not p.is_file():
            return err(404, "No summary yet: re-run the analysis from the reviewed events first.")
        return FileResponse(p, media_type="application/json")

    return app


def serve(app, host="127.0.0.1", port=8000, *, log_level="warning"):
    """Run ``app`` with uvicorn (blocking)."""
    uvicorn = soft_import("uvicorn", "serving the review app (pip install 'myoclonus[review]')")
    uvicorn.run(app, host=host, port=port, log_level=log_level)
