"""Settings for the test suite: the real settings, less what only slows tests down.

Kept apart from `settings.py` so that nothing here can reach production.
"""

from project.settings import *

# PBKDF2 is slow on purpose; tests create users in almost every case and never face an attacker.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
