import re
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

HERE = Path(__file__).parent


@pytest.fixture
def schema(coordinator_client):
    response = coordinator_client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema) -> list[tuple[str, str]]:
    return [(method, path) for path, item in schema["paths"].items() for method in item if method != "parameters"]


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_a_token_fetches_the_schema_too(token_client, contact_a):
    assert token_client(contact_a).get("/api/schema/").status_code == 200


def test_every_operation_documents_its_problem_responses(schema):
    for method, path in operations(schema):
        responses = schema["paths"][path][method]["responses"]
        assert {"401", "403", "404", "429"} <= set(responses), (method, path)
        assert "application/problem+json" in responses["404"]["content"]


def test_every_operation_in_the_schema_is_called_by_a_test(schema):
    """Each path with each of its methods appears in some test of this folder, so an endpoint added
    to the API without a test fails here."""
    calls = "\n".join(p.read_text() for p in HERE.glob("test_*.py") if p.name != "test_schema.py")
    missing = []
    for method, path in operations(schema):
        template = re.escape(path).replace(r"\{", "{").replace(r"\}", "}")
        pattern = re.sub(r"{[^}]+}", r"[^/\"]+", template)
        if not re.search(rf"\.{method}\(\s*f?\"{pattern}[?\"]", calls):
            missing.append((method, path))
    assert missing == []
