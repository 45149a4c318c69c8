"""Storage of the review app: SQLAlchemy tables, engine set-up and Alembic migrations.

Tables
------
recordings      one row per registered recording file (the samples stay in the file), with its
                content hash and the detector (name, version, parameters) whose events it holds.
reviews         a named review of a recording (shared by the reviewers who open it); signing
                records who, when, and how many detections were left undecided and why; the
                viewer's display settings are saved with it.
events          current state of each event of a review, with a ``version`` counter used for
                optimistic concurrency (``UPDATE ... WHERE version = expected``).
event_revisions append-only audit trail: every state an event ever had, with who and when
                (revision 1 of a detection is authored by ``detector``).
users, tokens   accounts (PBKDF2-hashed passwords) and API tokens (SHA-256) for shared servers.
settings        key/value (the secret that signs session cookies).
"""
from __future__ import annotations

from pathlib import Path

from .._optional import soft_import

sa = soft_import("sqlalchemy", "the review app (pip install 'myoclonus[review]')")

metadata = sa.MetaData()

recordings = sa.Table(
    "recordings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("path", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("analysis_dir", sa.Text),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("n_channels", sa.Integer, nullable=False),
    sa.Column("detector", sa.String(255)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sha256", sa.String(64), index=True),
    sa.Column("detector_version", sa.String(100)),
    sa.Column("detector_params", sa.Text),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("recording_id", sa.Integer, sa.ForeignKey("recordings.id"), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("signed_by", sa.String(100)),
    sa.Column("signed_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("n_undecided", sa.Integer),
    sa.Column("undecided_reason", sa.Text),
    sa.Column("display", sa.Text),
    sa.UniqueConstraint("recording_id", "name", name="uq_review_name"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id"), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("onset", sa.Float, nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("confidence", sa.Float),
    sa.Column("measures", sa.Text),
    sa.Column("detector_onset", sa.Float),
    sa.Column("detector_duration", sa.Float),
    sa.Column("detector_kind", sa.String(40)),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

event_revisions = sa.Table(
    "event_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False, index=True),
    sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id"), nullable=False, index=True),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("onset", sa.Float, nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("event_id", "rev", name="uq_event_rev"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


def normalize_url(db):
    """Accept a SQLAlchemy URL or a plain file path (-> SQLite); PostgreSQL uses psycopg 3."""
    db = str(db)
    if "://" not in db:
        return "sqlite:///" + str(Path(db).expanduser().resolve())
    if db.startswith("postgresql://") or db.startswith("postgres://"):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    return db


def make_engine(url):
    """Create the engine (SQLite: WAL, full sync, ``BEGIN IMMEDIATE`` writes, busy timeout)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def migrate(engine):
    """Bring the schema to the newest Alembic revision (idempotent)."""
    alembic_config = soft_import("alembic.config", "database migrations of the review app")
    alembic_command = soft_import("alembic.command", "database migrations of the review app")
    cfg = alembic_config.Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.upgrade(cfg, "head")


def integrity_check(engine):
    """Return a list of problems (empty when the database is consistent).

    SQLite: ``PRAGMA integrity_check`` and ``foreign_key_check``. All back-ends: every event's
    ``version`` equals its newest revision and the revision numbers are 1..version without gaps,
    and the newest revision matches the event's current state.
    """
    problems = []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            res = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if res != ["ok"]:
                problems.extend(res)
            fk = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
            if fk:
                problems.append(f"foreign key violations: {fk[:5]}")
        q = sa.select(
            events.c.id, events.c.version, sa.func.count(event_revisions.c.id), sa.func.max(event_revisions.c.rev)
        ).select_from(events.outerjoin(event_revisions, event_revisions.c.event_id == events.c.id)).group_by(
            events.c.id, events.c.version
        )
        for eid, version, n, mx in conn.execute(q):
            if n != version or mx != version:
                problems.append(f"event {eid}: version {version} but {n} revisions (max rev {mx})")
        last = (
            sa.select(events, event_revisions.c.onset.label("r_onset"), event_revisions.c.kind.label("r_kind"),
                      event_revisions.c.status.label("r_status"), event_revisions.c.duration.label("r_duration"))
            .join(event_revisions, (event_revisions.c.event_id == events.c.id) & (event_revisions.c.rev == events.c.version))
        )
        for r in conn.execute(last).mappings():
            if (r["r_onset"], r["r_duration"], r["r_kind"], r["r_status"]) != (
                r["onset"], r["duration"], r["kind"], r["status"]
            ):
                problems.append(f"event {r['id']}: current state differs from its newest revision")
    return problems
