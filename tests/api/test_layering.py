"""The API sits at the top of the import graph: it may use every app, and no app imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "catalogue", "notifications", "sharing", "requests_app", "releases", "planning", "reports"]


def imports_api(app: str) -> bool:
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "api":
                return True
            if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "api" for alias in node.names):
                return True
    return False


def test_no_app_imports_the_api():
    assert [app for app in APPS if imports_api(app)] == []
