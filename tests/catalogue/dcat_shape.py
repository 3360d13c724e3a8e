"""The check every DCAT 3 output of the tracker must pass: the JSON Schema written from the CDDO
model (schemas/dcat3_cddo.schema.json, offline), and the links between nodes that a schema cannot
see: each dcat:inSeries names a series of the same catalogue."""

import json
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "dcat3_cddo.schema.json").read_text())


def assert_valid_dcat3(catalogue: dict) -> None:
    Draft202012Validator.check_schema(SCHEMA)
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(catalogue), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    series = {n["@id"] for n in catalogue["dcat:dataset"] if n["@type"] == "dcat:DatasetSeries"}
    members = [n["dcat:inSeries"]["@id"] for n in catalogue["dcat:dataset"] if "dcat:inSeries" in n]
    assert set(members) == series, "every series has its release, and every release a series"
    ids = [n["@id"] for n in catalogue["dcat:dataset"]]
    assert len(ids) == len(set(ids))
