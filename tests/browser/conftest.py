"""Journeys in a real browser: Debian's Chromium, driven by Playwright, against a live server.

One browser for the session, a fresh context and page per test. Every page a journey looks at
is checked with axe-core (vendored in assets/, never served by the app): a serious or critical
violation fails the test, lesser ones are listed at the end of the run. The same pages must not
scroll sideways on a 390 px wide phone. Nothing any page of a journey does may break the Content
Security Policy: Chromium reports each refusal on the console, and one fails the test.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import client_for
from tests.workers import load_catalogue, queues_purge, start_worker, stop

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "assets" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = {"serious", "critical"}

# Lesser axe findings of the whole run, printed in the summary: (page, rule, impact, help, nodes).
FINDINGS: list[tuple[str, str, str, str, int]] = []


@pytest.fixture(scope="package")
def playwright():
    """Playwright for these tests only, stopped after the last of them. While it runs, its event
    loop stays set in the main thread: Django would take every ORM call for one from async code,
    and the tests after these would inherit the loop."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as started:
            yield started
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="package")
def browser_type(playwright):
    return playwright.chromium


@pytest.fixture(scope="package")
def browser(browser_type, browser_type_launch_args):
    """Debian's Chromium, launched once: Playwright cannot download its own browsers here."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` (.ci/run does), "
            "or name another build in the CHROMIUM environment variable.",
            pytrace=False,
        )
    launched = browser_type.launch(**browser_type_launch_args, executable_path=str(CHROMIUM))
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server):
    return {"base_url": live_server.url, "viewport": DESKTOP, "accept_downloads": True}


@pytest.fixture(autouse=True)
def catalogue(transactional_db):
    """The live server sees only committed rows, and each test's flush empties the catalogue."""
    load_catalogue()


@pytest.fixture
def worker(tmp_path):
    """A real Celery worker process, as in the worker integration tests, stopped after the test."""
    queues_purge()
    process = start_worker(tmp_path)
    yield process
    stop(process)


@pytest.fixture(autouse=True)
def csp_refusals(page):
    """What Chromium refused under the Content Security Policy, from every page the test opens."""
    refused: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    yield refused
    assert not refused, "Content Security Policy refusals: " + "; ".join(refused)


def axe_violations(page) -> list[dict]:
    # Evaluated from outside the page: the policy forbids adding an inline script, as it should.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")),
        }))"""
    )


def sideways_overflow(page) -> int:
    """How many pixels wider than a phone's screen the page is (0 when it fits)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.set_viewport_size(size)


@pytest.fixture
def check(csp_refusals):
    """Checks the page the browser shows now: no refusal under the Content Security Policy so far,
    accessible, and no sideways scrolling on a phone."""

    def check_page(page) -> None:
        url = urlsplit(page.url)
        path = f"{url.path}?{url.query}" if url.query else url.path
        assert not csp_refusals, f"Content Security Policy refusals by {path}: " + "; ".join(csp_refusals)
        violations = axe_violations(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        FINDINGS.extend(
            (path, v["id"], v["impact"], v["help"], len(v["nodes"])) for v in violations if v not in blocking
        )
        assert not blocking, f"axe on {path}: " + "; ".join(
            f"{v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'][:3])}" for v in blocking
        )
        overflow = sideways_overflow(page)
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {PHONE['width']} px wide"

    return check_page


@pytest.fixture
def outsider(contact_b):
    """Another agency's contact: every page of agency A's work must be "not found" to them."""
    client = client_for(contact_b)

    def assert_not_found(*paths: str) -> None:
        found = {path: client.get(path).status_code for path in paths}
        assert all(code == 404 for code in found.values()), found

    return assert_not_found


def pytest_terminal_summary(terminalreporter):
    if not FINDINGS:
        return
    terminalreporter.section("axe-core: minor and moderate findings (not failing)")
    for path, rule, impact, help_text, nodes in sorted(set(FINDINGS)):
        terminalreporter.write_line(f"{impact:<9} {rule:<28} {nodes:>3} node(s)  {path}  {help_text}")
