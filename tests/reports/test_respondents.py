"""Issue 15, item 1: a response without answers is nobody. It changes no figure of people:
response rates and their open-link column, the shortlist's "N staff responded" and top-three
shares, the comparison's inputs, the reports' comments and the raw answers file."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from outcomes.selectors.shortlist import shortlist
from poet.models import Audience, Role, Wave
from reports.content.common import staff_comments
from reports.selectors.frames import load_structure
from reports.selectors.runs import latest_run
from surveys.models import Invitation, Response
from surveys.selectors.respondents import respondents
from surveys.selectors.response_rates import response_rates, submitted_response_counts
from tests.factories import ResponseFactory, WaveFactory, member
from tests.reports.builders import build_wave

pytestmark = pytest.mark.django_db


def empty_responses(wave: Wave, n: int, **cell) -> list[Response]:
    """Submitted responses holding no answer (as the old demo made, or a blank entry)."""
    return [
        Response.objects.create(
            wave=wave, audience=Audience.STAFF, submitted_on=datetime.date(2026, 11, 2), **cell
        )
        for _ in range(n)
    ]


def test_response_rates_and_counts_leave_out_responses_without_answers():
    wave = WaveFactory(partnership__minimum_group_size=3)
    answered = ResponseFactory.create_batch(6, wave=wave, answered=True)
    organisation, group = answered[0].organisation, answered[0].staff_group
    for n in range(8):
        Invitation.objects.create(
            wave=wave,
            organisation=organisation,
            staff_group=group,
            email=f"person{n}@example.org",
            completed_on=datetime.date(2026, 11, 2) if n < 6 else None,
        )
    ResponseFactory.create_batch(6, wave=wave, organisation=organisation, staff_group=group)
    for each in Response.objects.filter(wave=wave):
        each.organisation, each.staff_group = organisation, group
        each.save()
    before_rates, before_counts = response_rates(wave), submitted_response_counts(wave)
    assert before_rates["show_open"] is False and before_rates["overall"]["completed"] == 6

    empty_responses(wave, 14, organisation=organisation, staff_group=group)

    assert response_rates(wave) == before_rates, "no open-link column, no new respondent"
    assert submitted_response_counts(wave) == before_counts == {organisation.name: 6}
    assert respondents(wave).count() == 6


def compute(wave: Wave) -> None:
    call_command(
        "run_comparison",
        wave.partnership.slug,
        wave.slug,
        "--resamples",
        "10",
        stdout=io.StringIO(),
    )


def test_the_comparison_and_the_shortlist_count_only_staff_who_answered(client):
    built = build_wave(staff=12, users=10, k=5)
    wave = built.wave
    wave.status = Wave.Status.CLOSED
    wave.save(update_fields=["status"])
    empty_responses(
        wave, 30, organisation=built.organisations[0], staff_group=built.staff_groups[0]
    )

    structure = load_structure(wave)
    assert sum(len(ids) for ids in structure.members["staff"].values()) == 12
    assert staff_comments(wave, 5).total == 0

    compute(wave)
    run = latest_run(wave)
    assert run is not None and run.n_staff == 12
    staff_picks = [r for r in run.top_picks if r["audience"] == Audience.STAFF]
    assert staff_picks and {r["n_respondents"] for r in staff_picks if not r["suppressed"]} == {12}
    data = shortlist(wave)
    assert data.n_responded == 12

    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.get(
        reverse(
            "outcomes:shortlist", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
        )
    ).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "12 staff responded." in text
    shares = re.findall(r"(\d+) staff (\d+)% of the (\d+) staff who responded", text)
    assert shares, "the top-three column shows shares"
    for picking, share, base in shares:
        assert base == "12" and int(share) == round(100 * int(picking) / 12)


def test_sending_a_questionnaire_with_no_answer_is_refused_and_stores_nothing(client):
    from tests.surveys.easy_read_support import open_follow_up

    follow_up = open_follow_up()
    client.get(f"/s/p/{follow_up.token}/")
    page = client.post("/s/review/")
    assert page.status_code == 200
    assert "Answer at least one question before you send your answers" in page.content.decode()
    assert not Response.objects.filter(wave=follow_up.wave).exists()
