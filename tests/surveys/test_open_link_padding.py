"""The open link's guard against padding: recorded headcounts, responses beyond them awaiting an
evaluator's confirmation (counted nowhere until then), and confirming or discarding them.

Driven as people would: respondents through /s/ pages, administrators and evaluators through
theirs, with Django's test client.
"""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from outcomes.selectors.responses import counted_responses
from poet.models import AuditEvent, Role
from reports.selectors.frames import load_wave
from surveys.models import Draft, Invitation, Response, StaffHeadcount
from surveys.selectors.headcounts import awaiting_total, staff_headcounts
from surveys.selectors.response_rates import submitted_response_counts
from tests.factories import OrganisationFactory, StaffGroupFactory, member
from tests.surveys.test_answering_support import (
    SECTION_1,
    SECTION_2,
    SECTION_3,
    build_survey,
    link_for,
    open_link,
)

pytestmark = pytest.mark.django_db


def section(n: int) -> str:
    return reverse("respond:section", kwargs={"number": n})


def page_url(wave, name: str) -> str:
    return f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/{name}"


def text(response) -> str:
    return unescape(response.content.decode())


def answer_and_send(client: Client, importance: str):
    """Answer the three sections (importance of the outcome as given) and send."""
    answers = [SECTION_1, {**SECTION_2, "O-HOME.importance": importance}, SECTION_3]
    for n, data in enumerate(answers, start=1):
        assert client.post(section(n), data).status_code == 302
    return client.post(reverse("respond:review"))


def by_invitation(token: str, importance: str = "5"):
    client = Client()
    assert client.get(f"/s/{token}/").status_code == 302
    return answer_and_send(client, importance)


def start_open(token: str, organisation, group, ip: str = "198.51.100.7") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(
        f"/s/open/{token}/", {"organisation": organisation.pk, "staff_group": group.pk}
    )
    assert response.status_code == 302, text(response)[:500]
    return client


def by_open_link(token: str, organisation, group, importance: str = "1", ip: str = "198.51.100.7"):
    return answer_and_send(start_open(token, organisation, group, ip), importance)


@pytest.fixture
def survey():
    """Two people invited to one cell (City Council × Social worker), and the open link."""
    invitation, token = build_survey()
    wave = invitation.wave
    second = Invitation.objects.create(
        wave=wave,
        organisation=invitation.organisation,
        staff_group=invitation.staff_group,
        email="alex@example.org",
    )
    return {
        "wave": wave,
        "organisation": invitation.organisation,
        "group": invitation.staff_group,
        "tokens": [token, link_for(second)],
        "open": open_link(wave),
    }


def signed_in(wave, role: str) -> Client:
    client = Client()
    client.force_login(member(wave.partnership, role))
    return client


def staff_importance(wave) -> list[float]:
    frame = load_wave(wave).outcome_answers
    staff = frame[(frame["audience"] == "staff") & (frame["measure"] == "importance")]
    return sorted(staff["value"].tolist())


# --- the padding attack ----------------------------------------------------------------------


def test_eight_padding_responses_into_a_two_person_group_are_held_back_until_confirmed(survey):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    for token in survey["tokens"]:
        assert by_invitation(token, importance="5")["Location"] == reverse("respond:thanks")

    # Eight made-up responses of known value through the open link: each sees the usual thanks.
    for n in range(8):
        response = by_open_link(survey["open"], organisation, group, importance="1")
        assert response["Location"] == reverse("respond:thanks"), n
    thanks = Client().get(reverse("respond:thanks"))
    assert "Your answers have been sent" in text(thanks)

    # Stored (nothing lost), flagged, without a day, and counted nowhere.
    padding = Response.objects.filter(wave=wave, via_open_link=True)
    assert padding.count() == 8
    assert all(r.awaiting_confirmation and r.submitted_on is None for r in padding)
    assert all(r.answers.exists() for r in padding)
    assert counted_responses(wave).count() == 2
    frames = load_wave(wave)
    assert frames.n_staff == 2
    assert staff_importance(wave) == [5.0, 5.0]
    counted = set(counted_responses(wave).values_list("pk", flat=True))
    assert set(frames.top_picks["respondent"]) == counted
    assert submitted_response_counts(wave) == {"City Council": 2}
    assert staff_headcounts(wave) == {("City Council", "Social worker"): 2}

    # The evaluator sees how many wait in the cell, never their answers.
    evaluator = signed_in(wave, Role.EVALUATOR)
    page = evaluator.get(page_url(wave, "headcounts/awaiting/"))
    assert page.status_code == 200
    body = text(page)
    assert "City Council" in body and "Social worker" in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-waiting>8</td>' in body
    for leak in ["O-HOME", "P-TRUST", "People should get help sooner"]:
        assert leak not in body
    notice = "8 responses through the open link are waiting for confirmation"
    assert notice in text(evaluator.get(wave.get_absolute_url()))
    assert notice in text(evaluator.get(page_url(wave, "responses/")))

    # Confirmed as genuine: they count, and the cell's headcount rises to match.
    response = evaluator.post(
        page_url(wave, "headcounts/awaiting/"),
        {
            "organisation": organisation.pk,
            "staff_group": group.pk,
            "expected": 8,
            "action": "confirm",
        },
        follow=True,
    )
    assert "8 responses of Social worker at City Council confirmed" in text(response)
    assert "No responses are waiting for confirmation" in text(response)
    assert counted_responses(wave).count() == 10
    assert load_wave(wave).n_staff == 10
    assert staff_importance(wave) == [1.0] * 8 + [5.0, 5.0]
    assert not Response.objects.filter(submitted_on__isnull=True).exists()
    assert StaffHeadcount.objects.get(wave=wave).count == 8
    assert staff_headcounts(wave) == {("City Council", "Social worker"): 10}
    event = AuditEvent.objects.get(action="open_link.confirmed")
    assert event.detail["count"] == 8 and event.detail["headcount_new"] == 8
    assert event.actor is not None
    assert notice not in text(evaluator.get(wave.get_absolute_url()))


def test_discarded_responses_are_deleted_with_their_answers(survey):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    for _ in range(3):
        by_open_link(survey["open"], organisation, group)
    evaluator = signed_in(wave, Role.EVALUATOR)
    data = {"organisation": organisation.pk, "staff_group": group.pk, "expected": 3}
    response = evaluator.post(
        page_url(wave, "headcounts/awaiting/"), {**data, "action": "discard"}, follow=True
    )
    assert "3 responses of Social worker at City Council discarded" in text(response)
    assert not Response.objects.filter(wave=wave).exists()
    assert AuditEvent.objects.get(action="open_link.discarded").detail["count"] == 3
    assert not StaffHeadcount.objects.exists()


def test_a_batch_that_grew_since_the_page_was_shown_is_left_alone(survey):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    for _ in range(2):
        by_open_link(survey["open"], organisation, group)
    evaluator = signed_in(wave, Role.EVALUATOR)
    data = {"organisation": organisation.pk, "staff_group": group.pk, "expected": 1}
    for action in ("confirm", "discard"):
        response = evaluator.post(
            page_url(wave, "headcounts/awaiting/"), {**data, "action": action}, follow=True
        )
        assert "More responses of this group arrived while you were looking" in text(response)
    assert awaiting_total(wave) == 2
    assert not AuditEvent.objects.filter(action__startswith="open_link.").exists()


def test_another_partnerships_group_cannot_be_confirmed(survey):
    wave = survey["wave"]
    by_open_link(survey["open"], survey["organisation"], survey["group"])
    foreign = OrganisationFactory(name="Elsewhere")
    evaluator = signed_in(wave, Role.EVALUATOR)
    response = evaluator.post(
        page_url(wave, "headcounts/awaiting/"),
        {
            "organisation": foreign.pk,
            "staff_group": survey["group"].pk,
            "expected": 1,
            "action": "confirm",
        },
    )
    assert response.status_code == 404
    assert awaiting_total(wave) == 1


def test_managers_see_no_notice_and_may_not_confirm(survey):
    wave = survey["wave"]
    by_open_link(survey["open"], survey["organisation"], survey["group"])
    manager = signed_in(wave, Role.MANAGER)
    assert "waiting for confirmation" not in text(manager.get(wave.get_absolute_url()))
    assert "waiting for confirmation" not in text(manager.get(page_url(wave, "responses/")))
    assert manager.get(page_url(wave, "headcounts/awaiting/")).status_code == 403
    assert manager.get(page_url(wave, "headcounts/")).status_code == 403


# --- recorded headcounts ---------------------------------------------------------------------


def test_responses_within_the_recorded_headcount_count_and_the_rest_wait(survey):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    administrator = signed_in(wave, Role.ADMINISTRATOR)
    field = f"h-{organisation.pk}-{group.pk}"
    response = administrator.post(page_url(wave, "headcounts/"), {field: "3"}, follow=True)
    assert "Headcounts saved (1 group)" in text(response)
    assert staff_headcounts(wave) == {("City Council", "Social worker"): 5}

    for _ in range(5):
        by_open_link(survey["open"], organisation, group)
    counted = Response.objects.filter(wave=wave, awaiting_confirmation=False)
    assert counted.count() == 3 and all(r.submitted_on for r in counted)
    assert awaiting_total(wave) == 2
    # Invitations keep their own places: the invited two still count when they answer.
    for token in survey["tokens"]:
        by_invitation(token)
    assert counted_responses(wave).count() == 5
    assert awaiting_total(wave) == 2


def test_the_headcount_grid_shows_every_cell_saves_changes_and_audits_them(survey):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    trust = OrganisationFactory(partnership=wave.partnership, name="NHS Trust")
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    evaluator = signed_in(wave, Role.EVALUATOR)
    page = text(evaluator.get(page_url(wave, "headcounts/")))
    assert '<h1 class="govuk-heading-l">Staff headcounts</h1>' in page
    for o in (organisation, trust):
        for g in (group, nurse):
            assert f'name="h-{o.pk}-{g.pk}"' in page
    assert "and 2 on the staff list" in page  # City Council × Social worker

    posted = {f"h-{trust.pk}-{nurse.pk}": "12", f"h-{organisation.pk}-{group.pk}": ""}
    evaluator.post(page_url(wave, "headcounts/"), posted)
    assert staff_headcounts(wave) == {
        ("City Council", "Social worker"): 2,
        ("NHS Trust", "Nurse"): 12,
    }
    assert 'value="12"' in text(evaluator.get(page_url(wave, "headcounts/")))
    posted[f"h-{trust.pk}-{nurse.pk}"] = "0"
    evaluator.post(page_url(wave, "headcounts/"), posted)
    assert not StaffHeadcount.objects.exists()
    changes = [
        e.detail["changes"]
        for e in AuditEvent.objects.filter(action="headcounts.changed").order_by("pk")
    ]
    assert changes == [
        [{"cell": "Nurse at NHS Trust", "old": 0, "new": 12}],
        [{"cell": "Nurse at NHS Trust", "old": 12, "new": 0}],
    ]
    unchanged = evaluator.post(page_url(wave, "headcounts/"), posted, follow=True)
    assert "No headcount changed." in text(unchanged)
    assert AuditEvent.objects.filter(action="headcounts.changed").count() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("twelve", "Enter the headcount of Social worker at City Council as a whole number"),
        ("-1", "The headcount of Social worker at City Council must be 0 or more"),
        ("2.5", "Enter the headcount of Social worker at City Council as a whole number"),
        ("1000001", "The headcount of Social worker at City Council must be 100,000 or fewer"),
    ],
)
def test_a_bad_headcount_is_named_and_nothing_is_saved(survey, value, message):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    trust = OrganisationFactory(partnership=wave.partnership, name="NHS Trust")
    field = f"h-{organisation.pk}-{group.pk}"
    evaluator = signed_in(wave, Role.EVALUATOR)
    response = evaluator.post(
        page_url(wave, "headcounts/"), {field: value, f"h-{trust.pk}-{group.pk}": "4"}
    )
    assert response.status_code == 200
    body = text(response)
    assert body.count(message) == 2  # in the error summary and beside the field
    assert "<title>Error: Staff headcounts" in body
    assert f'href="#id_{field}"' in body
    assert f'aria-describedby="id_{field}-hint id_{field}-error"' in body
    assert f'value="{value}"' in body and 'value="4"' in body  # what they typed stays
    assert not StaffHeadcount.objects.exists()


def test_confirming_raises_only_a_headcount_that_is_too_low(survey):
    wave, organisation, group = survey["wave"], survey["organisation"], survey["group"]
    StaffHeadcount.objects.create(wave=wave, organisation=organisation, staff_group=group, count=1)
    for _ in range(3):
        by_open_link(survey["open"], organisation, group)
    assert awaiting_total(wave) == 2
    evaluator = signed_in(wave, Role.EVALUATOR)
    evaluator.post(
        page_url(wave, "headcounts/awaiting/"),
        {
            "organisation": organisation.pk,
            "staff_group": group.pk,
            "expected": 2,
            "action": "confirm",
        },
    )
    assert StaffHeadcount.objects.get().count == 3
    assert staff_headcounts(wave) == {("City Council", "Social worker"): 5}


def test_open_link_drafts_say_so_and_invitation_drafts_do_not(survey):
    start_open(survey["open"], survey["organisation"], survey["group"])
    client = Client()
    client.get(f"/s/{survey['tokens'][0]}/")
    client.get("/s/")
    assert list(Draft.objects.order_by("pk").values_list("via_open_link", flat=True)) == [
        True,
        False,
    ]
