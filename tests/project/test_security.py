"""What a council's security review checks on every answer: headers, transport, sessions, static files."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.factories import client_for

BASE = Path(__file__).resolve().parents[2]
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    re.compile(r"\sstyle=", re.IGNORECASE),
    re.compile(r"\son[a-z]+=", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
]


def test_every_answer_carries_a_content_security_policy_without_inline_code(client):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_every_answer_turns_off_the_browser_features_the_tracker_does_not_use(client):
    policy = client.get(reverse("login")).headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_no_template_holds_an_inline_script_style_attribute_or_event_handler():
    found = [
        f"{path.relative_to(BASE)}: {match.group(0).strip()}"
        for path in (BASE / "templates").rglob("*.html")
        for pattern in INLINE
        for match in pattern.finditer(path.read_text())
    ]
    assert not found


def test_the_printable_report_page_links_its_style_sheet_and_script(coordinator_client, area):
    page = coordinator_client.get(reverse("reports:report")).content.decode()
    assert "<style" not in page
    assert "css/report.css" in page and "js/print.js" in page


def test_signed_in_pages_are_never_stored_by_a_browser_or_proxy(coordinator_client):
    for path in (reverse("home"), reverse("requests:list"), reverse("sharing:audit")):
        assert "no-store" in coordinator_client.get(path).headers["Cache-Control"], path


def test_an_agency_contacts_pages_are_never_stored_either(contact_a):
    assert "no-store" in client_for(contact_a).get(reverse("requests:list")).headers["Cache-Control"]


def test_a_session_ends_after_thirty_minutes_without_a_request(coordinator_client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    response = coordinator_client.get(reverse("home"))
    # Each request saves the session again, so its thirty minutes start anew.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_with_debug_off_plain_http_is_redirected_to_https_except_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response.headers["Location"].startswith("https://")
    assert client.get(reverse("health")).status_code == 200


def test_https_answers_tell_the_browser_to_use_https_only(client):
    assert settings.SECURE_HSTS_SECONDS == 31_536_000
    hsts = client.get(reverse("login"), secure=True).headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def test_with_debug_off_static_files_are_served_without_collectstatic(client):
    assert not settings.DEBUG
    response = client.get("/static/css/tracker.css")
    assert response.status_code == 200 and b".masthead" in b"".join(response.streaming_content)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The real settings, not the tests', with only what the README's production section exports.
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="project.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_readmes_production_settings():
    readme = (BASE / "README.md").read_text()
    assert "export SECRET_KEY=... ALLOWED_HOSTS=tracker.example.gov.uk" in readme
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 50 + "-production",
        ALLOWED_HOSTS="tracker.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_a_proxy_that_terminates_tls_the_forwarded_scheme_is_trusted_only_when_asked():
    shown = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    assert run_manage("shell", "-v", "0", "-c", shown).stdout.strip() == "None"
    trusted = run_manage("shell", "-v", "0", "-c", shown, TRUST_X_FORWARDED_PROTO="true").stdout.strip()
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https')"
