import re

import pytest


def directives(policy: str) -> dict[str, str]:
    """A Content-Security-Policy header by directive: their order in the header means nothing."""
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())


def scripts_and_styles(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_from_the_trackers_own_files_under_its_policy(page, coordinator_client):
    response = coordinator_client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert directives(response["Content-Security-Policy"])["script-src"] == "'self'"
    # No inline script or style, which the policy would block, and nothing from another site.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert "http" not in html
    for url in scripts_and_styles(html):
        assert coordinator_client.get(url).status_code == 200, url


def test_swagger_ui_gets_its_settings_from_a_script_file(coordinator_client):
    response = coordinator_client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in_for_the_docs(client, db):
    assert client.get("/api/docs/").status_code == 302


def test_only_redoc_lets_in_inline_styles_and_no_page_inline_scripts(coordinator_client):
    swagger = coordinator_client.get("/api/docs/")["Content-Security-Policy"]
    redoc = directives(coordinator_client.get("/api/redoc/")["Content-Security-Policy"])
    assert "unsafe-inline" not in swagger
    assert redoc["style-src"] == "'self' 'unsafe-inline'" and redoc["script-src"] == "'self'"
