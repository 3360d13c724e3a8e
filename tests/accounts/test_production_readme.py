"""The README's production section is a script: its exports, as written, pass `check --deploy`, and
its steps bring in the first coordinator without the admin site."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

BASE = Path(__file__).resolve().parents[2]


def production_script() -> list[str]:
    readme = (BASE / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    return section.split("```", 2)[1].strip().splitlines()


def production_environment() -> dict[str, str]:
    """The variables the script exports; each `...` (a secret the council fills in) gets a random one."""
    found = {}
    for line in production_script():
        if line.startswith("export "):
            for word in shlex.split(line.removeprefix("export ")):
                name, value = word.split("=", 1)
                found[name] = value.replace("...", secrets.token_urlsafe(50))
    return found


def test_the_production_exports_pass_check_deploy_as_written(tmp_path):
    exported = production_environment()
    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "TRACKER_BASE_URL", "EMAIL_BACKEND"} <= exported.keys()
    assert "DEBUG" not in exported, "production runs with DEBUG at its default, off"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}},
        **exported,
        "TRACKER_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_links_in_emails_point_at_the_allowed_host_over_https():
    exported = production_environment()
    link = urlsplit(exported["TRACKER_BASE_URL"])
    assert link.scheme == "https" and link.hostname in exported["ALLOWED_HOSTS"].split(",")


def test_the_script_invites_the_first_coordinator_after_migrating_and_before_serving():
    steps = [line.split("#")[0].strip() for line in production_script()]
    order = {
        name: next(i for i, step in enumerate(steps) if re.search(pattern, step))
        for name, pattern in [
            ("migrate", r"manage\.py migrate"),
            ("invite", r"manage\.py invite_coordinator \S+@\S+"),
            ("serve", r"^gunicorn "),
        ]
    }
    assert order["migrate"] < order["invite"] < order["serve"]
