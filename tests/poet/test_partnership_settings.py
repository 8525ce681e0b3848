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


# --- areas for celebration and development (issue 15, item 15) -------------------------------

THRESHOLDS = "/p/alpha/settings/thresholds/"


def thresholds(celebrate, develop, reason="Our board asked for a higher bar"):
    return {
        "thresholds-celebrate_threshold": celebrate,
        "thresholds-develop_threshold": develop,
        "thresholds-reason": reason,
    }


def test_the_settings_page_holds_the_thresholds(admin_client):
    page = admin_client.get("/p/alpha/settings/").content.decode()
    assert "Areas for celebration and for development" in page
    assert 'name="thresholds-celebrate_threshold"' in page and 'value="70"' in page
    assert 'name="thresholds-develop_threshold"' in page and 'value="50"' in page


def test_changing_the_thresholds_is_audited_with_old_and_new_values(admin_client):
    response = admin_client.post(THRESHOLDS, thresholds(75, 45), follow=True)
    assert "Areas for celebration are now at least 75% positive" in response.content.decode()
    p = admin_client.partnership
    p.refresh_from_db()
    assert (p.celebrate_threshold, p.develop_threshold) == (75, 45)
    event = AuditEvent.objects.get(action="partnership.thresholds_changed")
    assert (event.actor.username, event.reason) == ("ada", "Our board asked for a higher bar")
    assert event.detail == {
        "old": {"celebrate": 70, "develop": 50},
        "new": {"celebrate": 75, "develop": 45},
    }
    page = admin_client.get("/p/alpha/settings/").content.decode()
    assert "celebration 70% → 75%, development 50% → 45%" in page
    admin_client.post(THRESHOLDS, thresholds(75, 45))  # the same again: nothing to record
    assert AuditEvent.objects.filter(action="partnership.thresholds_changed").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (thresholds(50, 50), "The level for development must be below the level for celebration."),
        (thresholds(40, 60), "The level for development must be below the level for celebration."),
        (thresholds(101, 50), "less than or equal to 100"),
        (thresholds("most", 50), "Enter a whole number"),
        (thresholds(70, 50, reason=""), "This field is required"),
    ],
)
def test_bad_thresholds_are_refused_in_the_error_summary(admin_client, data, message):
    response = admin_client.post(THRESHOLDS, data)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert message in summary
    admin_client.partnership.refresh_from_db()
    assert admin_client.partnership.celebrate_threshold == 70
    assert not AuditEvent.objects.exists()


def test_only_administrators_change_the_thresholds(admin_client, client):
    client.force_login(member(admin_client.partnership, Role.EVALUATOR))
    assert client.post(THRESHOLDS, thresholds(80, 40)).status_code == 403
    admin_client.partnership.refresh_from_db()
    assert admin_client.partnership.celebrate_threshold == 70


def test_the_next_comparison_uses_the_partnerships_thresholds(admin_client):
    from reports.services.comparison import comparison_parameters
    from tests.factories import WaveFactory

    wave = WaveFactory(partnership=admin_client.partnership)
    admin_client.post(THRESHOLDS, thresholds(80, 40))
    wave.partnership.refresh_from_db()
    parameters = comparison_parameters(wave)
    assert (parameters["celebrate_threshold"], parameters["develop_threshold"]) == (80, 40)
