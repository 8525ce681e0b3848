"""Live response rates: by organisation and staff group against the number invited, with every
count below k hidden, plus the sibling that would give it away."""

import datetime
import html
import re

import pytest

from poet.models import Role
from surveys.models import Invitation, OpenLink
from surveys.selectors.response_rates import response_rates
from tests.factories import (
    OrganisationFactory,
    ResponseFactory,
    StaffGroupFactory,
    WaveFactory,
    member,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 20)


def invite(wave, organisation, group, invited, completed, open_link=0):
    """`invited` invitations, `completed` of them finished (each with its response), and
    `open_link` more responses that came without an invitation."""
    for n in range(invited):
        Invitation.objects.create(
            wave=wave,
            organisation=organisation,
            staff_group=group,
            email=f"{organisation.pk}.{group.pk}.{n}@example.org",
            completed_on=DAY if n < completed else None,
        )
    ResponseFactory.create_batch(
        completed + open_link,
        wave=wave,
        organisation=organisation,
        staff_group=group,
        answered=True,
    )


@pytest.fixture
def wave():
    return WaveFactory(partnership__minimum_group_size=10)


def org(wave, name):
    return OrganisationFactory(partnership=wave.partnership, name=name)


def group(wave, name):
    return StaffGroupFactory(partnership=wave.partnership, name=name)


def rows(table):
    return {row["name"]: row for row in table}


def test_rates_by_organisation_hide_small_counts_and_the_next_smallest(wave):
    nurse, social = group(wave, "Nurse"), group(wave, "Social worker")
    invite(wave, org(wave, "Trust"), nurse, 30, 14)
    invite(wave, org(wave, "Council"), social, 20, 12)
    invite(wave, org(wave, "Charity"), social, 10, 4)
    ResponseFactory(wave=wave, submitted_on=None)  # started, not submitted: never counted

    rates = response_rates(wave)
    assert (
        rates["overall"].items()
        >= {
            "invited": 60,
            "completed": 30,
            "rate": 50,
            "open": 0,
            "responses": 30,
        }.items()
    )
    by_org = rows(rates["by_organisation"])
    assert (
        by_org["Trust"].items()
        >= {
            "name": "Trust",
            "invited": 30,
            "completed": 14,
            "rate": 47,
            "open": None,  # no open-link responses at all: a column of nothing, hidden
        }.items()
    )
    assert by_org["Charity"]["completed_hidden"] == "hidden: fewer than 10 people"
    assert by_org["Council"]["completed_hidden"] == "hidden so a smaller group cannot be worked out"
    # Charity (4) is below k; Council (12) is hidden too, or 30 - 14 - 12 would give Charity.
    assert by_org["Charity"]["completed"] is None and by_org["Charity"]["rate"] is None
    assert by_org["Council"]["completed"] is None and by_org["Council"]["rate"] is None
    assert by_org["Council"]["invited"] == 20  # invited counts may be shown
    by_group = rows(rates["by_staff_group"])
    assert (by_group["Nurse"]["completed"], by_group["Social worker"]["completed"]) == (14, 16)
    assert by_group["Social worker"]["rate"] == 53
    assert not rates["show_open"]


def test_one_group_below_k_hides_a_sibling_even_when_it_is_large(wave):
    trust = org(wave, "Trust")
    invite(wave, trust, group(wave, "Nurse"), 100, 80)
    invite(wave, trust, group(wave, "GP"), 50, 40)
    invite(wave, trust, group(wave, "Manager"), 5, 3)
    by_group = rows(response_rates(wave)["by_staff_group"])
    assert by_group["Nurse"]["completed"] == 80
    assert by_group["GP"]["completed"] is None
    assert by_group["Manager"]["completed"] is None
    assert rows(response_rates(wave)["by_organisation"])["Trust"]["completed"] == 123


def test_an_overall_total_below_k_is_hidden(wave):
    invite(wave, org(wave, "Trust"), group(wave, "Nurse"), 12, 6)
    rates = response_rates(wave)
    assert rates["overall"]["completed"] is None and rates["overall"]["rate"] is None
    assert rates["overall"]["responses"] is None
    assert rates["overall"]["invited"] == 12


def test_open_link_responses_are_counted_beside_invitations(wave):
    OpenLink.objects.create(wave=wave, token_hash="x" * 64)
    nurse, social = group(wave, "Nurse"), group(wave, "Social worker")
    invite(wave, org(wave, "Trust"), nurse, 40, 20, open_link=15)
    invite(wave, org(wave, "Council"), social, 0, 0, open_link=12)
    invite(wave, org(wave, "Charity"), social, 0, 0, open_link=3)
    rates = response_rates(wave)
    assert rates["show_open"]
    assert (
        rates["overall"].items()
        >= {
            "invited": 40,
            "completed": 20,
            "rate": 50,
            "open": 30,
            "responses": 50,
        }.items()
    )
    by_org = rows(rates["by_organisation"])
    assert by_org["Trust"]["open"] == 15 and by_org["Trust"]["completed"] == 20
    assert by_org["Council"]["open"] is None and by_org["Charity"]["open"] is None
    assert by_org["Council"]["invited"] == 0 and by_org["Council"]["rate"] is None


def test_the_overall_kinds_of_response_hide_each_other(wave):
    OpenLink.objects.create(wave=wave, token_hash="y" * 64)
    invite(wave, org(wave, "Trust"), group(wave, "Nurse"), 40, 25, open_link=4)
    overall = response_rates(wave)["overall"]
    # 29 - 25 would give the 4 open-link responses: all responses go, completed stays.
    assert overall["open"] is None and overall["responses"] is None
    assert overall["completed"] == 25


def test_rates_are_counted_in_a_few_queries(wave, django_assert_max_num_queries):
    for name in ["Trust", "Council", "Charity", "Practice"]:
        invite(wave, org(wave, name), group(wave, f"{name} group"), 12, 11, open_link=2)
    with django_assert_max_num_queries(4):
        response_rates(wave)


def row_cells(page, name):
    match = re.search(
        rf'<th scope="row" class="govuk-table__header">{name}</th>(.*?)</tr>', page, re.S
    )
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EVALUATOR, Role.ADMINISTRATOR])
def test_the_page_shows_the_rates_to_every_role_with_small_counts_hidden(client, wave, role):
    nurse = group(wave, "Nurse")
    invite(wave, org(wave, "Trust"), nurse, 30, 14)
    invite(wave, org(wave, "Council"), nurse, 20, 12)
    invite(wave, org(wave, "Charity"), nurse, 10, 4)
    client.force_login(member(wave.partnership, role))
    response = client.get(f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/responses/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "<title>Response rates" in page and page.count("<h1") == 1
    assert row_cells(page, "Trust") == ["30", "14", "47%"]
    assert row_cells(page, "Council") == [
        "20",
        "hidden so a smaller group cannot be worked out",
        "hidden",
    ]
    assert row_cells(page, "Charity") == ["10", "hidden: fewer than 10 people", "hidden"]
    assert page.count("Figures about fewer than 10 people are hidden") == 1
    assert row_cells(page, "Nurse") == ["60", "30", "50%"]
    assert "Through the open link" not in page
    assert "@example.org" not in page


def test_while_the_survey_is_open_counts_by_group_are_rounded(client, wave):
    """Two looks a few responses apart must not tell which group answered."""
    wave.status = wave.Status.OPEN
    wave.save()
    nurse = group(wave, "Nurse")
    invite(wave, org(wave, "Trust"), nurse, 30, 14)
    invite(wave, org(wave, "Council"), nurse, 20, 12)
    rates = response_rates(wave)
    assert rates["approximate"]
    assert rows(rates["by_organisation"])["Trust"]["completed"] == 15
    assert rows(rates["by_organisation"])["Council"]["completed"] == 10
    assert rates["overall"]["completed"] == 26  # the overall count stays exact
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = html.unescape(
        client.get(
            f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/responses/"
        ).content.decode()
    )
    assert row_cells(page, "Trust") == ["30", "about 15", "about 50%"]
    assert "rounded to the nearest 5" in page


def test_the_page_says_when_nobody_has_been_invited(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.get(f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/responses/")
    text = html.unescape(page.content.decode())
    assert "Nobody has been invited to this wave yet" in text
    assert "<table" not in text
