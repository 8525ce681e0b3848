"""An administrator sets a partnership up: organisations, groups, members, waves, audit log."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from poet.models import AuditEvent, Membership, Organisation, Role, StaffGroup, UserGroup, Wave
from tests.factories import PartnershipFactory, ResponseFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    partnership = PartnershipFactory(slug="alpha", name="Alpha")
    client.force_login(member(partnership, Role.ADMINISTRATOR, user__username="ada"))
    client.partnership = partnership
    return client


def test_only_people_allowed_to_may_start_a_partnership(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/partnerships/new/").status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="add_partnership"))
    response = client.post("/partnerships/new/", {"name": "Riverside Care", "description": ""})
    assert (
        response.status_code == 302 and response["Location"] == "/p/riverside-care/organisations/"
    )
    membership = Membership.objects.get(partnership__slug="riverside-care")
    assert (membership.user, membership.role) == (user, Role.ADMINISTRATOR)
    assert StaffGroup.objects.filter(partnership__slug="riverside-care").count() == 8


def test_adding_and_removing_organisations_and_groups(admin_client):
    p = admin_client.partnership
    page = admin_client.post(
        "/p/alpha/organisations/",
        {"name": " City Council ", "kind": "local_authority"},
        follow=True,
    ).content.decode()
    assert "Added City Council." in page
    assert Organisation.objects.get(partnership=p).name == "City Council"
    page = admin_client.post(
        "/p/alpha/organisations/", {"name": "city council", "kind": "nhs"}
    ).content.decode()
    assert "“city council” is already on the list." in page and "<title>Error:" in page
    admin_client.post("/p/alpha/staff-groups/", {"name": "Occupational therapist"})
    admin_client.post("/p/alpha/user-groups/", {"name": "Older people"})
    assert list(StaffGroup.objects.values_list("name", flat=True)) == ["Occupational therapist"]
    assert list(UserGroup.objects.values_list("name", flat=True)) == ["Older people"]
    group = UserGroup.objects.get()
    page = admin_client.post(
        "/p/alpha/user-groups/", {"action": "remove", "id": group.pk}, follow=True
    ).content.decode()
    assert "Removed Older people." in page and not UserGroup.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisation.added", "staffgroup.added", "usergroup.removed"} <= actions


def test_an_organisation_with_answers_cannot_be_removed(admin_client):
    response = ResponseFactory(wave__partnership=admin_client.partnership)
    page = admin_client.post(
        "/p/alpha/organisations/",
        {"action": "remove", "id": response.organisation.pk},
        follow=True,
    ).content.decode()
    assert "cannot be removed: invitations or answers refer to it." in page
    assert Organisation.objects.filter(pk=response.organisation.pk).exists()


def test_another_partnerships_organisation_cannot_be_removed(admin_client):
    other = Organisation.objects.create(partnership=PartnershipFactory(), name="Theirs")
    response = admin_client.post("/p/alpha/organisations/", {"action": "remove", "id": other.pk})
    assert response.status_code == 404
    assert Organisation.objects.filter(pk=other.pk).exists()


def test_a_new_member_gets_an_email_to_set_a_password_and_can_sign_in(admin_client, client):
    page = admin_client.post(
        "/p/alpha/members/",
        {"email": "Eve@Example.org", "name": "Eve Evaluator", "role": "evaluator"},
        follow=True,
    ).content.decode()
    assert "Eve Evaluator added. We e-mailed them a link to set a password." in page
    assert Membership.objects.get(user__email="eve@example.org").role == Role.EVALUATOR
    (message,) = mail.outbox
    assert message.to == ["eve@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    admin_client.logout()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "a sturdy passphrase 42", "new_password2": "a sturdy passphrase 42"},
        follow=True,
    )
    assert "Your password is set" in response.content.decode()
    assert client.login(username="eve", password="a sturdy passphrase 42")
    assert "Alpha" in client.get("/").content.decode()


def test_a_new_member_s_role_is_chosen_not_assumed(admin_client):
    form = admin_client.get("/p/alpha/members/").content.decode()
    radios = re.findall(r'<input[^>]*name="role"[^>]*>', form)
    assert len(radios) == 3 and not any("checked" in r for r in radios)
    page = admin_client.post(
        "/p/alpha/members/", {"email": "new@example.org", "name": "New Person"}
    ).content.decode()
    assert "Choose the person&#x27;s role" in page and 'href="#id_role"' in page
    assert not Membership.objects.filter(user__email="new@example.org").exists()


def test_password_forms_link_each_error_from_a_summary_to_its_field(admin_client, client):
    admin_client.post(
        "/p/alpha/members/",
        {"email": "eve@example.org", "name": "Eve Evaluator", "role": "evaluator"},
    )
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    page = client.post(form_url, {"new_password1": "short", "new_password2": "other"})
    html = page.content.decode()
    assert "<title>Error: Set your password" in html
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_new_password2"' in html
    (field,) = re.findall(r'<input[^>]*name="new_password2"[^>]*>', html)
    assert "aria-describedby" in field and "id_new_password2_1_error" in field

    client.post(
        form_url,
        {"new_password1": "a sturdy passphrase 42", "new_password2": "a sturdy passphrase 42"},
    )
    client.login(username="eve", password="a sturdy passphrase 42")
    change = client.get("/accounts/password_change/").content.decode()
    assert '<h1 class="govuk-heading-l">Change your password</h1>' in change
    assert "Django administration" not in change
    wrong = client.post(
        "/accounts/password_change/",
        {
            "old_password": "not it",
            "new_password1": "another passphrase 43",
            "new_password2": "another passphrase 43",
        },
    ).content.decode()
    assert 'href="#id_old_password"' in wrong
    done = client.post(
        "/accounts/password_change/",
        {
            "old_password": "a sturdy passphrase 42",
            "new_password1": "another passphrase 43",
            "new_password2": "another passphrase 43",
        },
        follow=True,
    ).content.decode()
    assert "Your password is changed" in done
    assert "Django administration" not in done

    empty = client.post("/accounts/password_reset/", {"email": ""}).content.decode()
    assert "<title>Error: Reset your password" in empty
    assert 'class="govuk-error-summary"' in empty and 'href="#id_email"' in empty

    expired = client.get("/accounts/reset/MQ/bad-token/").content.decode()
    assert "<title>This link has expired" in expired


def test_members_roles_change_but_the_last_administrator_stays(admin_client):
    mine = Membership.objects.get(user__username="ada")
    page = admin_client.post(
        "/p/alpha/members/", {"action": "role", "id": mine.pk, "role": "manager"}, follow=True
    ).content.decode()
    assert "A partnership needs at least one administrator." in page
    page = admin_client.post(
        "/p/alpha/members/", {"action": "remove", "id": mine.pk}, follow=True
    ).content.decode()
    assert "A partnership needs at least one administrator." in page
    other = member(
        admin_client.partnership, Role.MANAGER, user__first_name="Max", user__email="max@x.org"
    )
    theirs = Membership.objects.get(user=other)
    admin_client.post("/p/alpha/members/", {"action": "role", "id": theirs.pk, "role": "evaluator"})
    theirs.refresh_from_db()
    assert theirs.role == Role.EVALUATOR
    page = admin_client.post(
        "/p/alpha/members/", {"email": "MAX@x.org", "name": "Max", "role": "manager"}
    ).content.decode()
    assert "max@x.org is already a member of this partnership." in page
    assert Membership.objects.filter(user=other).count() == 1


def test_creating_a_wave_with_a_closing_date(admin_client):
    response = admin_client.post(
        "/p/alpha/waves/new/",
        {"name": "Baseline 2026", "closes_on_0": "31", "closes_on_1": "1", "closes_on_2": "2099"},
    )
    wave = Wave.objects.get()
    assert response["Location"] == "/p/alpha/waves/baseline-2026/"
    assert wave.closes_on.isoformat() == "2099-01-31"
    admin_client.post("/p/alpha/waves/new/", {"name": "Baseline 2026"})
    assert sorted(Wave.objects.values_list("slug", flat=True)) == [
        "baseline-2026",
        "baseline-2026-2",
    ]
    page = admin_client.post(
        "/p/alpha/waves/new/",
        {"name": "Old", "closes_on_0": "1", "closes_on_1": "1", "closes_on_2": "2000"},
    ).content.decode()
    assert "The closing date must be today or in the future." in page


def test_audit_log_lists_events_for_administrators_only(admin_client, client):
    admin_client.post("/p/alpha/settings/", {"minimum_group_size": 5, "reason": "Tiny teams"})
    page = admin_client.get("/p/alpha/audit/").content.decode()
    assert "k changed from 10 to 5" in page and "Tiny teams" in page
    client.force_login(member(admin_client.partnership, Role.EVALUATOR))
    assert client.get("/p/alpha/audit/").status_code == 403
