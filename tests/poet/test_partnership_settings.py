import pytest

from poet.models import AuditEvent, Role
from tests.factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    partnership = PartnershipFactory(slug="alpha")
    client.force_login(member(partnership, Role.ADMINISTRATOR, user__username="ada"))
    client.partnership = partnership
    return client


def test_changing_k_is_audited_with_its_reason(admin_client):
    response = admin_client.post(
        "/p/alpha/settings/", {"minimum_group_size": 5, "reason": "Small rural teams"}, follow=True
    )
    assert "Minimum reporting group size is now 5." in response.content.decode()
    admin_client.partnership.refresh_from_db()
    assert admin_client.partnership.minimum_group_size == 5
    event = AuditEvent.objects.get(action="partnership.k_changed")
    assert (event.actor.username, event.reason, event.detail) == (
        "ada",
        "Small rural teams",
        {"old": 10, "new": 5},
    )
    assert "Small rural teams" in admin_client.get("/p/alpha/settings/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minimum_group_size": 2, "reason": "x"}, "greater than or equal to 3"),
        ({"minimum_group_size": 51, "reason": "x"}, "less than or equal to 50"),
        ({"minimum_group_size": "ten", "reason": "x"}, "Enter a whole number"),
        ({"minimum_group_size": 8, "reason": ""}, "This field is required"),
    ],
)
def test_bad_k_gets_a_clear_message_and_changes_nothing(admin_client, data, message):
    response = admin_client.post("/p/alpha/settings/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "<title>Error:" in page
    admin_client.partnership.refresh_from_db()
    assert admin_client.partnership.minimum_group_size == 10
    assert not AuditEvent.objects.exists()
