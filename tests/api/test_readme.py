"""The README's API examples cannot drift: every address they use resolves to an API view, and the
fields they read are ones the API gives."""

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from api import serializers
from api.reports import IndicatorsSerializer

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README.split("## The REST API", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```(?:sh|python)\n(.*?)```", SECTION, flags=re.S)
ADDRESS = re.compile(r"(?:\$API|https://tracker\.example/api/v1)(/[^\"'\s?]*)")


def paths() -> list[str]:
    found = []
    for block in BLOCKS:
        base = "/api/v1/requests/{request_id}" if "base = " in block else None
        # The script's `base` is a prefix, not an address: its uses below are.
        for line in (line for line in block.splitlines() if not line.startswith("base = ")):
            found += ["/api/v1" + match.group(1) for match in ADDRESS.finditer(_placeheld(line))]
        if base:
            found += [base + tail for tail in re.findall(r'f"\{base\}(/[^"]*)"', block)]
    return [_placeheld(p) for p in found]


def _placeheld(text: str) -> str:
    """Placeholders ($REQUEST, {request_id}, {stored['id']}...) as an identifier of the right shape;
    $API is the base address."""
    return re.sub(r"\$(?!API\b)[A-Z]+|\{[^}]+\}", "00000000-0000-0000-0000-000000000000", text)


def test_the_readme_has_examples_to_check():
    assert len(BLOCKS) >= 4 and len(paths()) >= 8


@pytest.mark.parametrize("path", paths())
def test_every_address_in_the_readme_is_an_api_view(path):
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"{path} is in the README but not in the API")
    assert match.namespace == "api" or match.url_name.startswith(("api", "catalogue-jsonld")), path


def fields_of(serializer) -> set[str]:
    return set(serializer().fields)


def test_the_fields_the_examples_read_are_the_apis():
    python = "\n".join(b for b in BLOCKS if "import requests" in b)
    read = set(re.findall(r"\[\"(\w+)\"\]|\['(\w+)'\]", python))
    read = {a or b for a, b in read} - {"Authorization"}  # the session's header, not a field
    known = (
        fields_of(serializers.ReturnReportSerializer)
        | fields_of(serializers.RequestDetailSerializer)
        | fields_of(serializers.DeadlineSerializer)
        | fields_of(IndicatorsSerializer)
        # Pages, the validation report, and the indicator tables as the exports write them.
        | {"results", "next", "valid", "errors", "message"}
        | {"rows", "columns", "values", "label", "title", "suppressed_cells"}
    )
    assert read and read <= known, read - known
