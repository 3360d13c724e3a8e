"""The requests app's tasks: adapters that take ids and call the services."""

import logging

import pytest

from requests_app.tasks import process_return

pytestmark = pytest.mark.django_db


def test_a_return_gone_since_it_was_queued_is_logged_and_skipped(caplog):
    caplog.set_level(logging.INFO, logger="requests_app.tasks")

    assert process_return.apply(args=[999999]).successful()

    assert "Return 999999 is gone; nothing to process." in caplog.text
