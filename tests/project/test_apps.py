import subprocess
import sys

from celery import current_app

from requests_app.tasks import process_return

PURE = ["requests_app.ingest.validate", "requests_app.deadlines", "project.lib.periods", "project.lib.text"]


def test_the_pure_modules_load_neither_django_nor_celery():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; import {', '.join(PURE)}; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'celery', 'kombu'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": ""},
    )
    assert loaded.stdout.strip() == "[]"


def test_django_start_up_loads_the_trackers_celery_app():
    assert current_app.main == process_return.app.main == "tracker"
