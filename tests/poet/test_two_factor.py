"""Two-factor authentication: optional for anyone, required by a partnership for some roles."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from poet.models import AuditEvent, Role
from tests.factories import PartnershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset in time steps)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def page_of(partnership) -> str:
    return reverse("partnership", kwargs={"partnership": partnership.slug})


def test_anyone_can_set_up_an_authenticator_app(client):
    user = UserFactory()
    client.force_login(user)
    account = client.get(reverse("two_factor"))
    assert "does not use two-factor authentication" in account.content.decode()

    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    text = page.content.decode()
    secret = page.context["secret"]
    assert secret in text and len(secret.replace(" ", "")) == 32
    assert "otpauth://totp/" in text and "issuer=POET" in text
    assert client.get(SETUP).context["secret"] == secret  # a reload keeps the same secret

    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert "uses two-factor authentication" in client.get(reverse("two_factor")).content.decode()
    assert AuditEvent.objects.filter(action="account.two_factor_added", actor=user).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab56", "Enter the 6-digit code, numbers only"),
        ("000000", "That code is not right"),
    ],
)
def test_a_wrong_code_is_explained_and_nothing_is_turned_on(client, code, message):
    user = UserFactory()
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    if code == "000000" and code_for(device) == code:
        code = "000001"
    response = client.post(SETUP, {"code": code})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: " in text and message in text
    assert 'href="#id_code"' in text
    device.refresh_from_db()
    assert not device.confirmed


def test_someone_with_an_app_enters_a_code_before_partnership_pages(client):
    partnership = PartnershipFactory()
    user = member(partnership, Role.MANAGER)  # even where 2FA is optional
    device = confirmed_device(user)
    client.force_login(user)

    response = client.get(page_of(partnership))
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fp%2F{partnership.slug}%2F"
    wrong = "111111" if code_for(device) != "111111" else "222222"
    response = client.post(response["Location"], {"code": wrong})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    # Straight after a wrong code, even the right one must wait (django-otp's throttling).
    response = client.post(VERIFY, {"code": code_for(device)})
    assert "Too many wrong codes: wait a few seconds" in response.content.decode()
    assert client.get(page_of(partnership)).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(f"{VERIFY}?next={page_of(partnership)}", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == page_of(partnership)
    assert client.get(page_of(partnership)).status_code == 200


def test_a_code_cannot_be_used_twice(client):
    partnership = PartnershipFactory()
    user = member(partnership, Role.EVALUATOR)
    device = confirmed_device(user)
    code = code_for(device)
    client.force_login(user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    client.force_login(user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert client.get(page_of(partnership)).status_code == 302


def test_verify_goes_nowhere_outside_the_site(client):
    user = UserFactory()
    device = confirmed_device(user)
    client.force_login(user)
    response = client.post(f"{VERIFY}?next=https://evil.example/", {"code": code_for(device)})
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.ADMINISTRATOR])
def test_a_partnership_that_requires_it_sends_evaluators_and_administrators_to_set_it_up(
    client, role
):
    partnership = PartnershipFactory(require_two_factor=True)
    user = member(partnership, role)
    client.force_login(user)
    for url in (page_of(partnership), reverse("members", kwargs={"partnership": partnership.slug})):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{SETUP}?next=")
    response = client.get(response["Location"])
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(f"{SETUP}?next={page_of(partnership)}", {"code": code_for(device)})
    assert response["Location"] == page_of(partnership)
    assert client.get(page_of(partnership)).status_code == 200


def test_managers_and_other_partnerships_are_not_asked(client):
    strict = PartnershipFactory(require_two_factor=True)
    relaxed = PartnershipFactory()
    manager = member(strict, Role.MANAGER)
    evaluator = member(relaxed, Role.EVALUATOR)
    client.force_login(manager)
    assert client.get(page_of(strict)).status_code == 200
    client.force_login(evaluator)
    assert client.get(page_of(relaxed)).status_code == 200
    # Someone outside the strict partnership learns nothing about it: still 404.
    assert client.get(page_of(strict)).status_code == 404


def test_administrators_turn_the_requirement_on_and_off_with_an_audit_entry(client):
    partnership = PartnershipFactory()
    admin = member(partnership, Role.ADMINISTRATOR)
    url = reverse("partnership_two_factor", kwargs={"partnership": partnership.slug})
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "It is now <strong>optional</strong>" in page.content.decode()

    response = client.post(url, {"required": "yes"})
    assert response.status_code == 200
    assert "Enter why the rule is changing" in response.content.decode()
    partnership.refresh_from_db()
    assert not partnership.require_two_factor

    response = client.post(url, {"required": "yes", "reason": "Results include service users."})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.require_two_factor
    event = AuditEvent.objects.get(action="partnership.two_factor_required")
    assert event.actor == admin and event.partnership == partnership
    assert event.reason == "Results include service users."
    # The administrator now needs it too.
    assert client.get(url)["Location"].startswith(SETUP)

    device = confirmed_device(admin)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(url, {"required": "no", "reason": "Trial over."})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert not partnership.require_two_factor
    assert AuditEvent.objects.filter(action="partnership.two_factor_optional").count() == 1


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MANAGER])
def test_only_administrators_change_the_requirement(client, role):
    partnership = PartnershipFactory()
    client.force_login(member(partnership, role))
    url = reverse("partnership_two_factor", kwargs={"partnership": partnership.slug})
    assert client.post(url, {"required": "yes", "reason": "x"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_replacing_an_app_needs_a_code_from_the_old_one(client):
    user = UserFactory()
    old = confirmed_device(user)
    client.force_login(user)
    response = client.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(old)})
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user)) == [new]


def test_two_factor_pages_need_a_sign_in(client):
    for url in (reverse("two_factor"), SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- the admin site needs the second factor too ------------------------------------------------

ADMIN = "/admin/"


def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_a_superuser_without_an_app_is_sent_to_set_one_up_before_the_admin(client):
    root = superuser()
    client.force_login(root)
    for url in (ADMIN, "/admin/poet/partnership/", "/admin/auth/user/add/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        final = response.redirect_chain[-1][0]
        assert final.startswith(f"{SETUP}?next="), (url, response.redirect_chain)
        assert "Django administration" not in response.content.decode()
    assert client.post("/admin/poet/partnership/add/", {"name": "X"}).status_code == 302
    from poet.models import Partnership

    assert not Partnership.objects.filter(name="X").exists()

    response = client.get(ADMIN, follow=True)
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    response = client.post(response.redirect_chain[-1][0], {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_superuser_with_an_app_enters_a_code_before_the_admin(client):
    root = superuser()
    device = confirmed_device(root)
    client.force_login(root)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fadmin%2F"
    assert "Django administration" not in response.content.decode()
    response = client.post(f"{VERIFY}?next={ADMIN}", {"code": code_for(device)})
    assert response["Location"] == ADMIN
    page = client.get(ADMIN)
    assert page.status_code == 200 and "Site administration" in page.content.decode()


def test_signing_in_on_the_admin_page_still_asks_for_the_code(client):
    root = superuser()
    root.set_password("pw-123456789")
    root.save()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": "pw-123456789", "next": "/admin/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(f"{SETUP}?next=")
    assert "Site administration" not in response.content.decode()


def test_staff_who_are_not_superusers_are_still_asked_for_the_code(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(f"{SETUP}?next=")
    assert "Site administration" not in response.content.decode()
