"""The load benchmark, small (issue 7, item 6): nothing lost through gunicorn + PostgreSQL, and
a constant number of queries per respondent page whatever the number of items or respondents.

The full run (10,000 submissions at 50 clients) is `benchmarks/run_load`, not part of the suite.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.load import build_wave, problems, run
from surveys.models import Response
from surveys.services.answering import _FROZEN_SECTIONS

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def add_responses(wave, count: int) -> None:
    questionnaire = wave.questionnaires.get()
    invitation = wave.invitations.first()
    Response.objects.bulk_create(
        Response(
            wave=wave,
            questionnaire=questionnaire,
            organisation_id=invitation.organisation_id,
            staff_group_id=invitation.staff_group_id,
            submitted_on=timezone.localdate(),
        )
        for _ in range(count)
    )


def queries_of_one_respondent(client, items: int, responses: int) -> dict[str, int]:
    """Queries per page for one respondent answering two sections of `items` items each."""
    wave, tokens = build_wave(2, 2, items=items)
    add_responses(wave, responses)
    _FROZEN_SECTIONS.clear()  # the first page of a process loads the sections: count it too
    counts = {}

    def count(name, call):
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = len(queries)
        return response

    def answers(section: int) -> dict:
        return {f"P-{section}-{n}": "4" for n in range(1, items + 1)} | {"action": "continue"}

    count("exchange the token", lambda: client.get(f"/s/{tokens[0]}/"))
    count("first section, first page of the process", lambda: client.get("/s/section/1/"))
    count("render a section", lambda: client.get("/s/section/2/"))
    count("submit a section", lambda: client.post("/s/section/1/", answers(1)))
    count("submit the last section", lambda: client.post("/s/section/2/", answers(2)))
    count("review", lambda: client.get("/s/review/"))
    count("submit the survey", lambda: client.post("/s/review/"))
    assert Response.objects.filter(wave=wave).count() == responses + 1
    return counts


@pytest.mark.django_db
def test_queries_per_page_do_not_grow_with_items_or_respondents(client):
    few = queries_of_one_respondent(client, items=10, responses=10)
    client.logout()
    more_items = queries_of_one_respondent(client, items=40, responses=10)
    client.logout()
    more_people = queries_of_one_respondent(client, items=10, responses=1000)
    assert few == more_items == more_people, (few, more_items, more_people)
    assert few["render a section"] <= 3 and few["submit a section"] <= 4, few
    print("queries per page:", few)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_hundred_submissions_at_ten_clients_are_all_stored_once(postgres):
    from tests.conftest import _database_url

    result = run(submissions=300, clients=10, sections=20, floor=200, database_url=_database_url())
    assert problems(result) == []
    assert result["acknowledged_sections"] == 300
    assert result["acknowledged_submits"] == result["stored"]["responses"] == 15
    assert result["replays"] == 30
