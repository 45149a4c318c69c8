"""``myoclonus review`` and ``myoclonus review-user`` subcommands (argparse)."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from .._validate import MyoclonusError, MyoclonusInputError, MyoclonusUsageError

__all__ = ["add_cli", "main"]


def _default_db(paths):
    if paths:
        p = Path(paths[0]).expanduser().resolve()
        base = p if p.is_dir() else p.parent
    else:
        base = Path.cwd()
    return str(base / "myoclonus.db")


def add_cli(subparsers):
    """Add the ``review`` and ``review-user`` subcommands to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "review",
        help="review detections in the browser (web app)",
        description="Start the review web app. Binds to 127.0.0.1 unless --host is given; any other "
        "address needs --token or user accounts (myoclonus review-user).",
    )
    p.add_argument("paths", nargs="*", metavar="RECORDING_OR_ANALYSIS_DIR",
                   help="recording files or analysis folders (with events.tsv) to register")
    p.add_argument("--recording", action="append", default=[], metavar="FILE",
                   help="the analysed recording of an analysis folder whose recording is no longer where its "
                        "summary.json says (matched by content hash; repeat for several folders)")
    p.add_argument("--db", default=None, help="database URL or SQLite file (default: myoclonus.db beside the first input)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--token", default=os.environ.get("MYOCLONUS_REVIEW_TOKEN"),
                   help="shared access token (default: $MYOCLONUS_REVIEW_TOKEN); needed to bind a non-loopback address "
                        "unless the database has user accounts")
    p.add_argument("--require-login", action="store_true", help="require a login even on 127.0.0.1")
    p.add_argument("--keep-identity", action="store_true", help="show patient-identifying header fields")
    p.add_argument("--out", default=None, help="folder for re-runs of the analysis (default: beside the database)")
    p.add_argument("--no-detect", action="store_true", help="register recordings without running the detector")
    p.set_defaults(handler=_cmd_review)

    u = subparsers.add_parser("review-user", help="create review-app users and access tokens")
    u.add_argument("action", choices=["add", "token", "list"], help="add a user (password prompt), create a "
                                                                    "token, or list users and tokens")
    u.add_argument("name", nargs="?", help="user or token name")
    u.add_argument("--db", required=True, help="database URL or SQLite file of the review app")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u.set_defaults(handler=_cmd_user)
    return p, u


def _cmd_review(args):
    from . import db as _db
    from . import store
    from .app import create_app, is_loopback, serve

    url = _db.normalize_url(args.db or _default_db(args.paths))
    require = bool(args.require_login)
    if not is_loopback(args.host):
        engine = _db.make_engine(url)
        _db.migrate(engine)
        if not args.token and not store.has_accounts(engine):
            raise MyoclonusUsageError(
                f"Binding to {args.host} exposes the app to the network: pass --token or create accounts first "
                f"(myoclonus review-user add NAME --db {args.db or url}).")
        require = True
    allowed = None if not is_loopback(args.host) else ["127.0.0.1", "localhost", "::1"]
    if args.paths:
        print(f"Registering {len(args.paths)} recording(s) (running the detector where needed)...", flush=True)
    app = create_app(db_url=url, recordings=args.paths, keep_identity=args.keep_identity, token=args.token,
                     require_auth=require, out_dir=args.out, allowed_hosts=allowed, detect=not args.no_detect,
                     candidates=args.recording)
    problems = app.state.problems
    for pr in problems:
        print(f"Error: {pr['error']}", file=sys.stderr, flush=True)
    if problems:
        if len(problems) == len(args.paths) and not store.list_recordings(app.state.engine):
            raise MyoclonusInputError(f"None of the {len(problems)} input(s) could be registered (see above).")
        print(f"{len(problems)} of {len(args.paths)} input(s) could not be registered (see above); serving the others.",
              file=sys.stderr, flush=True)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"myoclonus review: http://{shown}:{args.port}/  (database: {_db.sa.engine.make_url(url).render_as_string(hide_password=True)}; Ctrl+C to stop)", flush=True)
    serve(app, args.host, args.port)
    return 0


def _cmd_user(args):
    from . import db as _db
    from . import store

    engine = _db.make_engine(args.db)
    _db.migrate(engine)
    if args.action == "list":
        with engine.connect() as conn:
            for (n,) in conn.execute(_db.sa.select(_db.users.c.username)):
                print(f"user\t{n}")
            for (n,) in conn.execute(_db.sa.select(_db.tokens.c.name)):
                print(f"token\t{n}")
        return 0
    if not args.name:
        raise MyoclonusUsageError(f"'review-user {args.action}' needs a NAME.")
    if args.action == "token":
        tok = store.add_token(engine, args.name)
        print(tok)
        print(f"Token for '{args.name}' created; it is shown only once.", file=sys.stderr)
        return 0
    if args.password_stdin:
        pw = sys.stdin.readline().rstrip("\n")
    else:
        pw = getpass.getpass(f"Password for {args.name}: ")
        if pw != getpass.getpass("Repeat: "):
            raise MyoclonusUsageError("The passwords differ.")
    store.add_user(engine, args.name, pw)
    print(f"User '{args.name}' saved (PBKDF2-SHA256 hash).", file=sys.stderr)
    return 0


def main(argv=None):
    """Stand-alone entry point (``python -m myoclonus.review review ...``)."""
    parser = argparse.ArgumentParser(prog="python -m myoclonus.review")
    sub = parser.add_subparsers(dest="command", required=True)
    add_cli(sub)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except MyoclonusError as e:
        print(f"Error: {e}", file=sys.stderr)
        return getattr(e, "exit_code", 1)
    except KeyboardInterrupt:
        return 0
