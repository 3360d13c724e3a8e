"""Swagger UI and ReDoc in a real browser (Debian's Chromium) under the site's Content Security Policy."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from project import roles
from tests.browser.pages import log_in
from tests.factories import make_user
from tests.workers import load_catalogue

pytestmark = [pytest.mark.browser]

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# ReDoc's footer shows its maker's logo from their CDN; the policy keeps that one image out, which is
# what serving the docs offline means, so that refusal alone is expected.
REDOC_LOGO = "Loading the image 'https://cdn.redoc.ly/"


@pytest.fixture
def page(live_server, transactional_db):
    load_catalogue()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            yield browser.new_context(base_url=live_server.url).new_page()
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_render_with_nothing_refused_by_the_policy(page, path):
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    log_in(page, make_user("coordinator", roles.COORDINATOR))
    page.goto(path)
    expect(page.get_by_text("/api/v1/requests/").first).to_be_visible(timeout=15_000)
    assert [text for text in refused if not text.startswith(REDOC_LOGO)] == []
