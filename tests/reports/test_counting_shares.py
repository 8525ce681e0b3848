"""A large wave's per-person process sums are counted in shares of the people, on connections of
their own at the same time, and add up to exactly what one query counts (issue 19)."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from django.db import connection

from poet.models import Audience
from reports.selectors import frames as frames_module
from reports.selectors.frames import counting_connections, load_counted_wave, load_process_sums
from reports.services.comparison import start_comparison
from surveys.models import Answer, Response
from tests.conftest import require
from tests.reports.builders import build_wave


def sorted_sums(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.astype({"organisation": object, "staff_group": object, "domain": object})
    return table.sort_values(list(table.columns)).reset_index(drop=True)


@pytest.fixture
def shared(settings):
    settings.POET_COUNTING_CONNECTIONS = 3
    settings.POET_COUNTING_SHARED_FROM = 1


def a_wave_with_odd_answers(*, out_of_range: bool = True):
    """Don't knows, a number outside 1-5 and a response not submitted: every rule of the single
    query must hold in each share."""
    built = build_wave(outcomes=2, staff=31, users=6, seed=5)
    staff = [r for r in built.staff if r.audience == Audience.STAFF]
    if out_of_range:  # counted (n_invalid), so that a comparison can refuse it
        answer = Answer.objects.filter(response=staff[0], item__domain="trust").first()
        answer.number, answer.dont_know = 7, False
        answer.save()
    Response.objects.filter(pk=staff[1].pk).update(submitted_on=None)
    return built.wave


@pytest.mark.django_db(transaction=True)
def test_shares_counted_side_by_side_add_up_to_the_single_query(shared, monkeypatch):
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (set DATABASE_URL)")
    wave = a_wave_with_odd_answers()
    threads: list[int] = []
    read = frames_module.read_sql_frame

    def recorded(*args, **kwargs):
        threads.append(threading.get_ident())
        return read(*args, **kwargs)

    monkeypatch.setattr(frames_module, "read_sql_frame", recorded)
    assert counting_connections(wave) == 3
    shared_sums = load_counted_wave(wave).process_sums
    side_by_side = [t for t in threads if t != threading.get_ident()]
    assert len(side_by_side) == 3 and len(set(side_by_side)) == 3

    single, _items = load_process_sums(wave, parts=1)
    assert len(single) > 3 and single["count"].sum() == (31 - 1) * 2  # two domains
    pd.testing.assert_frame_equal(sorted_sums(shared_sums), sorted_sums(single))


@pytest.mark.django_db(transaction=True)
def test_a_comparison_counted_in_shares_is_the_run_counted_in_one_query(settings):
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (set DATABASE_URL)")
    wave = a_wave_with_odd_answers(out_of_range=False)
    settings.POET_COUNTING_CONNECTIONS = 1
    first = start_comparison(wave, resamples=100, in_process=True)
    assert first.result["reused"] is False
    settings.POET_COUNTING_CONNECTIONS = 4
    settings.POET_COUNTING_SHARED_FROM = 1
    assert counting_connections(wave) == 4
    again = start_comparison(wave, resamples=100, in_process=True)
    # The same fingerprint: every input frame, the process sums included, is the same.
    assert again.result == {
        "run": first.result["run"],
        "reused": True,
        "rows": again.result["rows"],
    }


@pytest.mark.django_db
def test_inside_the_callers_transaction_the_sums_are_counted_on_its_connection(shared):
    """Other connections cannot see a transaction's own rows (a test's, a request's)."""
    wave = a_wave_with_odd_answers()
    assert counting_connections(wave) == 1


@pytest.mark.django_db(transaction=True)
def test_a_wave_below_the_threshold_is_counted_in_one_query(settings):
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (set DATABASE_URL)")
    wave = a_wave_with_odd_answers()
    settings.POET_COUNTING_CONNECTIONS = 2
    settings.POET_COUNTING_SHARED_FROM = 31  # 30 staff submitted
    assert counting_connections(wave) == 1
    settings.POET_COUNTING_SHARED_FROM = 30
    assert counting_connections(wave) == 2
