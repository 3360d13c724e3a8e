"""The test database of each test process, copied from a template: migrated, with the roles' groups
and the catalogue loaded. As in Zulip's test fixtures, the template is built by the first run that
finds none and kept until something it was built from changes (a migration, the catalogue's code or
data, an installed package); `pytest --create-db` builds it afresh. Copying a file or a PostgreSQL
template takes a fraction of a second; migrating and loading the catalogue take many.
"""

import hashlib
import importlib.metadata
import os
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction
from django.test.utils import setup_databases

# What the template's schema and rows are made from.
SOURCES = ("*/migrations/*.py", "catalogue/**/*.py", "catalogue/data/*", "project/roles.py")


def fingerprint() -> str:
    digest = hashlib.sha256(connection.vendor.encode())
    base = Path(settings.BASE_DIR)
    for path in sorted({path for pattern in SOURCES for path in base.glob(pattern) if path.is_file()}):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:16]


def build() -> list:
    """Migrates a new test database and loads what every test reads; returns the set-up's config."""
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    call_command("load_catalogue", stdout=open(os.devnull, "w"))
    return config


def set_up(*, rebuild: bool) -> list:
    """The test database, from the template when there is one; returns the config to tear it down."""
    if connection.vendor == "sqlite":
        config = _sqlite(rebuild)
    elif connection.vendor == "postgresql":
        config = _postgresql(rebuild)
    else:
        config = build()
    CATALOGUE.extend((model, list(model.objects.all())) for model in _catalogue_models())
    return config


# The catalogue's rows as loaded, kept by each test process for the tests that commit: their flush
# empties every table, and writing these rows back is much quicker than loading the catalogue again.
CATALOGUE: list[tuple[type, list]] = []


def _catalogue_models() -> list:
    return list(apps.get_app_config("catalogue").get_models(include_auto_created=True))


def catalogue_restore() -> None:
    """Writes back the catalogue as the test process found it, into the empty tables a flush left."""
    with transaction.atomic():
        for model, rows in CATALOGUE:
            model.objects.bulk_create(rows)


def _sqlite(rebuild: bool) -> list:
    test_file = Path(connection.creation._get_test_db_name())
    if not test_file.is_absolute():  # an in-memory database: nothing to copy
        return build()
    template = test_file.with_name(f"test-template-{fingerprint()}.sqlite3")
    if template.exists() and not rebuild:
        # The WAL of an earlier run's database would be replayed over the copy.
        for stale in (test_file, *_sidecars(test_file)):
            stale.unlink(missing_ok=True)
        shutil.copyfile(template, test_file)
        return setup_databases(verbosity=0, interactive=False, keepdb=True, serialized_aliases=set())
    config = build()
    connection.close()  # the last connection to close folds the WAL into the file
    partial = template.with_suffix(f".{os.getpid()}.partial")
    shutil.copyfile(test_file, partial)
    os.replace(partial, template)  # another test process may publish the same template at once
    for old in template.parent.glob("test-template-*.sqlite3"):
        if old != template:
            old.unlink(missing_ok=True)
    return config


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _postgresql(rebuild: bool) -> list:
    test_name = connection.creation._get_test_db_name()
    template = f"{settings.DATABASES['default']['NAME']}_template_{fingerprint()}"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        found = cursor.fetchone() is not None
        if found and not rebuild:
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
            cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
    if found and not rebuild:
        return setup_databases(verbosity=0, interactive=False, keepdb=True, serialized_aliases=set())
    config = build()
    connection.close()  # a template is copied only while nobody is connected to it
    with connection._nodb_cursor() as cursor:
        if found:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
        try:
            cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{test_name}"')
        except ProgrammingError:  # another test process published the same template first
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                raise
    return config
