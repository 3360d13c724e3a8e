"""The YAML files in catalogue/data and how their rows are written: created, updated, or kept when
a person has edited them since the last load."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class CatalogueDataError(Exception):
    """The YAML content is wrong; the message says which file and row."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.unchanged) | set(self.kept))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged, {self.kept[name]} kept as edited by users"
            for name in names
        ]


def fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def read_yaml(name: str, data_dir: Path = DATA_DIR) -> list:
    path = data_dir / name
    try:
        # libyaml's C parser reads the same safe subset of YAML many times faster than the pure-Python one.
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueDataError(f"{name}: cannot read: {exc}") from exc


def check_row(obj: models.Model, where: str) -> None:
    try:
        # Uniqueness and constraints are enforced by the database within the same transaction.
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise CatalogueDataError(f"{where}: {exc.message_dict}") from exc


def upsert(model, key: str, rows: list[dict], report: LoadReport) -> dict:
    """Creates or updates rows of a model with no many-to-many content; returns {key: object}."""
    label = model._meta.verbose_name_plural
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        new_fp = fingerprint(row)
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row, seed_fingerprint=new_fp)
            check_row(obj, f"{label} {row[key]}")
            to_create.append(obj)
            report.created[label] += 1
            continue
        current_fp = fingerprint({name: getattr(obj, name) for name in row})
        if current_fp != obj.seed_fingerprint:
            report.kept[label] += 1
        elif new_fp == obj.seed_fingerprint:
            report.unchanged[label] += 1
        else:
            for name, value in row.items():
                setattr(obj, name, value)
            obj.seed_fingerprint = new_fp
            check_row(obj, f"{label} {row[key]}")
            to_update.append(obj)
            changed_fields.update(row)
            report.updated[label] += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields | {"seed_fingerprint"}), batch_size=500)
    return {getattr(obj, key): obj for obj in model.objects.all()}


def pick(row: dict, *names: str, **defaults) -> dict:
    return {name: row.get(name, defaults.get(name, "")) for name in names}
