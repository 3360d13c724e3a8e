"""Settings for the test suite: the real settings, less what only slows tests down.

Kept apart from `settings.py` so that nothing here can reach production.
"""

import os

from project import settings as base
from project.settings import *

# PBKDF2 is slow on purpose; tests create users in almost every case and never face an attacker.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each of the suite's parallel processes has a test database of its own (pytest-django names it
# after the process); it gets a broker queue and cache keys of its own too, so that a real worker
# started by one process never takes another's tasks, whose rows are not in its database. The
# worker inherits the variable, so it reads the same queue and cache as the process that started it.
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER")
if TEST_PROCESS:
    CACHES = {**base.CACHES, "default": {**base.CACHES["default"], "KEY_PREFIX": TEST_PROCESS}}
    if base.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = base.BROKER_FOLDER / TEST_PROCESS
        CELERY_BROKER_TRANSPORT_OPTIONS = {
            **base.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        }
    elif base.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        CELERY_BROKER_TRANSPORT_OPTIONS = {
            **base.CELERY_BROKER_TRANSPORT_OPTIONS,
            "global_keyprefix": f"{TEST_PROCESS}:",
        }

# The test client speaks plain http; the production redirect is tested with the setting turned on.
SECURE_SSL_REDIRECT = False

# Tests sign in with `force_login` and `Client.login`, which bring no request for the throttling to
# count; its own tests turn it on. The same for the second factor: the tests that need it turn it on.
AXES_ENABLED = False
TRACKER_REQUIRE_2FA = False
