"""The plan sits above the catalogue and below reports: it imports downwards only, and nothing below imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_the_plan_imports_neither_requests_nor_sharing_nor_reports():
    assert not imported_apps("planning") & {"requests_app", "sharing", "reports"}


def test_the_apps_below_the_plan_do_not_import_it():
    for app in ("catalogue", "sharing", "requests_app", "notifications"):
        assert "planning" not in imported_apps(app), app
