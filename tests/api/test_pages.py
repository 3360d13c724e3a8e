from api.models import ApiToken
from api.services import key_hash, token_create


def test_a_person_makes_a_token_and_sees_its_secret_once(contact_a_client, contact_a):
    response = contact_a_client.post("/api/tokens/", {"name": "MIS export", "scope": "submit", "days": 90})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=contact_a)
    assert (token.name, token.scope, token.key_hash) == ("MIS export", "submit", key_hash(secret))
    again = contact_a_client.get("/api/tokens/").content.decode()
    assert secret not in again and token.prefix in again


def test_a_made_up_lifetime_is_refused(contact_a_client):
    response = contact_a_client.post("/api/tokens/", {"name": "Forever", "scope": "read", "days": 9999})
    assert response.context["form"].errors and not ApiToken.objects.exists()


def test_a_person_revokes_their_own_token(contact_a_client, contact_a):
    token, _ = token_create(user=contact_a, name="Old", scope="read", days=30)
    response = contact_a_client.post(f"/api/tokens/{token.public_id}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_sees_or_revokes_another_persons_token(contact_b_client, contact_a):
    token, _ = token_create(user=contact_a, name="Agency A system", scope="read", days=30)
    assert "Agency A system" not in contact_b_client.get("/api/tokens/").content.decode()
    assert contact_b_client.post(f"/api/tokens/{token.public_id}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/api/tokens/").status_code == 302
