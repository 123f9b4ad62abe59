"""Accounts: log in and out, lockout after repeated failures, passwords, tokens on the profile."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from comunitas.core.models import ApiToken
from tests.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/account/login/", {"username": username, "password": password})


def test_log_in_and_out(client, people):
    assert login(client, "member1", PASSWORD).status_code == 302
    assert client.get("/account/profile/").status_code == 200
    assert client.post("/account/logout/").status_code == 302
    assert client.get("/account/profile/").status_code == 302


def test_wrong_password_shows_an_error(client, people):
    response = login(client, "member1", "wrong-password-123")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_five_failures_lock_the_account_even_for_the_right_password(client, people):
    for _ in range(5):
        login(client, "member1", "wrong-password-123")
    locked = login(client, "member1", PASSWORD)
    assert locked.status_code == 429
    assert b"Too many" in locked.content or b"Troppi" in locked.content
    assert client.get("/account/profile/").status_code == 302


def test_passwords_shorter_than_twelve_characters_are_refused(client, people):
    client.force_login(people["member"])
    response = client.post(
        "/account/password_change/",
        {"old_password": PASSWORD, "new_password1": "Short-pw-11", "new_password2": "Short-pw-11"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    ok = client.post(
        "/account/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Una-frase-lunga-2026",
            "new_password2": "Una-frase-lunga-2026",
        },
    )
    assert ok.status_code == 302
    assert get_user_model().objects.get(username="member1").check_password("Una-frase-lunga-2026")


def test_password_reset_sends_a_link(client, people):
    response = client.post("/account/password_reset/", {"email": "member1@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["member1@example.org"]


def test_tokens_from_the_profile_page(client, people):
    client.force_login(people["member"])
    created = client.post("/account/profile/", {"name": "bank import"})
    assert created.status_code == 200
    clear = created.context["new_token"]
    assert clear.startswith("cmt_") and clear.encode() in created.content
    again = client.get("/account/profile/")
    assert clear.encode() not in again.content  # shown once
    token = ApiToken.objects.get()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert not token.is_active


def test_nobody_revokes_another_persons_token(client, people):
    client.force_login(people["member"])
    client.post("/account/profile/", {"name": "mine"})
    token = ApiToken.objects.get()
    client.force_login(make_user("intruder"))
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/account/password_change/", "Password change"),
        ("/account/password_reset/", "Password reset"),
    ],
)
def test_account_pages_use_the_sites_layout_not_the_admins(client, people, url, heading):
    client.cookies["django_language"] = "en"
    client.force_login(people["member"])
    page = client.get(url)
    assert page.status_code == 200
    assert b'class="site-header"' in page.content
    assert f"<h1>{heading}</h1>" in page.content.decode()
