import pytest


@pytest.fixture
def throttled(settings):
    """Sign-in throttling as in production (the suite's settings turn it off)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
