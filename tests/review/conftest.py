"""Fixtures of the review-app tests: a short simulated recording with its analysis folder, the
database back-ends (SQLite always; PostgreSQL when a throwaway server starts on loopback), and a
live uvicorn server for browser and kill tests."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the review app needs 'myoclonus[review]'")
pytest.importorskip("sqlalchemy", reason="the review app needs 'myoclonus[review]'")
pytest.importorskip("alembic", reason="the review app needs 'myoclonus[review]'")

SRC = Path(__file__).resolve().parents[2] / "src"
PG_BINDIRS = [os.environ.get("MYOCLONUS_PG_BINDIR", ""), *sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")),
                                                                    reverse=True)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """A 30-s simulated polygraphy written to EDF plus an analysis folder with the detector's events."""
    import myoclonus
    from myoclonus.detect import detect_jerks
    from myoclonus.io import read_recording, write_recording
    from myoclonus.simulate import demo_recording

    d = tmp_path_factory.mktemp("demo")
    sim = demo_recording(seed=0, duration=30)
    p = write_recording(sim.recording, d / "demo.edf")
    rec = read_recording(p, check=False)
    det = detect_jerks(rec, progress=False)
    a = d / "analysis"
    a.mkdir()
    det.events.to_tsv(a / "events.tsv")
    # as analyze writes it, without the recording's location (tests copy the folder and change the file)
    summary = {"version": myoclonus.__version__, "parameters": det.params, "recording": {"source": {"file": "demo.edf"}}}
    (a / "summary.json").write_text(json.dumps(summary, default=str) + "\n")
    return d


@pytest.fixture
def analysis_dir(demo_dir, tmp_path):
    """A private copy (the recording file and its analysis folder) for one test."""
    d = tmp_path / "study"
    shutil.copytree(demo_dir, d)
    return d / "analysis"


@pytest.fixture
def client(db_url, analysis_dir):
    """A TestClient of the app with the analysis folder registered (recording id 1): CSRF header
    set, reviewer 'alice' (override with an X-Reviewer header); ``client.app_`` is the app."""
    from fastapi.testclient import TestClient

    from myoclonus.review import create_app

    app = create_app(db_url=db_url, recordings=[analysis_dir])
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.get("/")  # CSRF cookie
        c.headers.update({"X-CSRF-Token": c.cookies["myo_csrf"], "X-Reviewer": "alice"})
        c.app_ = app
        yield c


# ------------------------------------------------------------------------------ PostgreSQL
class _PG:
    def __init__(self):
        self.dir = None
        self.url = None
        self.error = None
        self.bindir = None
        self.user = None

    def _run(self, cmd, **kw):
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)

    def start(self):
        self.bindir = next((b for b in PG_BINDIRS if b and (Path(b) / "initdb").exists()), None)
        if self.bindir is None and shutil.which("initdb"):
            self.bindir = str(Path(shutil.which("initdb")).parent)
        if self.bindir is None:
            self.error = "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's 'postgresql'"
            return False
        if os.geteuid() == 0:
            import pwd

            for name in ("postgres", "nobody"):  # initdb refuses to run as root
                try:
                    pwd.getpwnam(name)
                    self.user = name
                    break
                except KeyError:
                    continue
            else:
                self.error = "running as root and no 'postgres' (or 'nobody') user to run the server as"
                return False
        self.dir = Path(tempfile.mkdtemp(prefix="myo_pg_"))
        sock = Path(tempfile.mkdtemp(prefix="myo_pgsock_"))
        if self.user:
            shutil.chown(self.dir, self.user)
            shutil.chown(sock, self.user)
        data = self.dir / "data"
        r = self._run([f"{self.bindir}/initdb", "-D", str(data), "-U", "review", "--auth=trust", "-E", "UTF8",
                       "--no-sync"])
        if r.returncode:
            self.error = f"initdb failed: {r.stderr.strip()[-400:]}"
            return False
        port = free_port()
        r = self._run([f"{self.bindir}/pg_ctl", "-D", str(data), "-w", "-t", "30", "-l", str(self.dir / "log"), "-o",
                       f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=on", "start"])
        if r.returncode:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            self.error = f"pg_ctl start failed: {r.stderr.strip()[-300:]} {log[-300:]}"
            return False
        self.port = port
        r = self._run([f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "review", "template_review"])
        self.url_base = f"postgresql+psycopg://review@127.0.0.1:{port}"
        return True

    def new_db(self):
        name = f"t{time.time_ns()}"
        r = self._run([f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "review", name])
        if r.returncode:
            raise RuntimeError(r.stderr)
        return f"{self.url_base}/{name}"

    def stop(self):
        if self.dir is not None and (self.dir / "data" / "postmaster.pid").exists():
            self._run([f"{self.bindir}/pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop"])
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    pytest.importorskip("psycopg", reason="PostgreSQL variant needs psycopg (pip install 'psycopg[binary]')")
    pg = _PG()
    try:
        ok = pg.start()
    except Exception as e:  # noqa: BLE001
        ok, pg.error = False, f"{type(e).__name__}: {e}"
    if not ok:
        pg.stop()
        pytest.skip(f"PostgreSQL variant skipped: could not start a throwaway server on 127.0.0.1 ({pg.error}).")
    yield pg
    pg.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path):
    """A fresh, empty database: SQLite file, or a new database on the throwaway PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'myoclonus.db'}"
    pg = request.getfixturevalue("pg_server")
    return pg.new_db()


# ------------------------------------------------------------------------------ live server
class LiveServer:
    def __init__(self, db_url, paths, tmp, extra=()):
        self.db_url, self.paths, self.tmp, self.extra = db_url, [str(p) for p in paths], tmp, list(extra)
        self.proc = None

    def start(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.log = open(self.tmp / f"server_{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "myoclonus.review", "review", *self.paths, "--db", self.db_url, "--host",
             "127.0.0.1", "--port", str(self.port), *self.extra],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        import httpx

        t0 = time.time()
        while time.time() - t0 < 60:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {(self.tmp / f'server_{self.port}.log').read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/me", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start within 60 s")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc:
            self.log.close()


@pytest.fixture
def live_server(tmp_path):
    servers = []

    def make(db_url, paths, extra=()):
        s = LiveServer(db_url, paths, tmp_path, extra).start()
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory):
    """Where tests save artifacts (screenshots): $MYOCLONUS_TEST_ARTIFACTS/review, else pytest's temporary folder."""
    env = os.environ.get("MYOCLONUS_TEST_ARTIFACTS")
    d = Path(env) / "review" if env else tmp_path_factory.getbasetemp() / "artifacts" / "review"
    d.mkdir(parents=True, exist_ok=True)
    return d


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright ($MYOCLONUS_CHROMIUM overrides the path)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install playwright)")
    exe = os.environ.get("MYOCLONUS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("browser tests need Chromium (Debian: apt-get install chromium)")
    pw = sync_api.sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
    except Exception as e:  # noqa: BLE001
        pw.stop()
        pytest.skip(f"Chromium at {exe} did not start: {e}")
    yield browser
    browser.close()
    pw.stop()
