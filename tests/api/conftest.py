import pytest
from django.test import Client

from api.services import token_create


def bearer_client(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def token_client():
    """A client that sends a fresh token of `user`'s, as another system would."""

    def make(user, scope: str = "read") -> Client:
        _, secret = token_create(user=user, name="Test system", scope=scope, days=30)
        return bearer_client(secret)

    return make
