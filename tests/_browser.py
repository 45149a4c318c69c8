"""Shared headless-Chromium harness for the browser tests (report, French documents)."""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

#: Debian's chromium for browser tests (`.ci/run` installs it); None skips them.

CHROMIUM = os.environ.get("MYOCLONUS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("MYOCLONUS_TEST_ARTIFACTS") or Path(__file__).resolve().parents[1] / "test-artifacts")
_CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium_page(*, width=1200, height=900):
    """Yield ``(page, errors)``: a headless Chromium page and the list of console errors, page errors
    and network requests it made (a self-contained document makes none)."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    pw = pytest.importorskip("playwright.sync_api", reason="playwright (test extra) not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors = []
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=_CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: errors.append(f"network request: {r.url}") if r.url.startswith("http") else None)
        try:
            yield page, errors
        finally:
            browser.close()


def image_sizes(page):
    """``[(complete, naturalWidth, naturalHeight)]`` of every <img> on the page."""
    return page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])")
