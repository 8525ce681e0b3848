"""The collector relaxed while long work runs, and put back afterwards (issue 19)."""

from __future__ import annotations

import gc

import pytest

from poet.collector import COLLECT_EVERY, collector_relaxed
from poet.services import create_job, jobs, run_job
from tests.factories import WaveFactory


def test_overlapping_work_puts_back_the_threshold_once_the_last_is_done():
    """Work in two threads at once (two PDFs, say): the first to start raises the threshold,
    the last to finish puts back the one from before either, even when that work fails."""
    import threading

    before = gc.get_threshold()
    raised = max(COLLECT_EVERY, before[0])
    second_started, first_done = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def second() -> None:
        try:
            with collector_relaxed():
                second_started.set()
                first_done.wait(5)
                seen["while the second lays out"] = gc.get_threshold()[0]
                raise RuntimeError("layout failed")
        except RuntimeError as exc:
            seen["error"] = str(exc)

    with collector_relaxed():
        thread = threading.Thread(target=second)
        thread.start()
        assert second_started.wait(5)
    first_done.set()
    thread.join(5)
    assert seen == {"while the second lays out": raised, "error": "layout failed"}
    assert gc.get_threshold() == before


def test_nested_use_is_one_and_an_already_higher_threshold_is_kept():
    before = gc.get_threshold()
    try:
        gc.set_threshold(COLLECT_EVERY * 3, before[1], before[2])
        with collector_relaxed():
            with collector_relaxed():
                assert gc.get_threshold()[0] == COLLECT_EVERY * 3
            assert gc.get_threshold()[0] == COLLECT_EVERY * 3
        assert gc.get_threshold()[0] == COLLECT_EVERY * 3
    finally:
        gc.set_threshold(*before)


@pytest.mark.django_db
def test_a_job_runs_with_the_collector_relaxed_and_leaves_it_as_it_was():
    """A comparison's analysis, a PDF, an import: every job's work builds what lives until it
    ends, so it runs with the collector relaxed; after it, success or failure, as before."""
    seen: list[int] = []

    def work(job, progress):
        seen.append(gc.get_threshold()[0])
        if job.parameters.get("fail"):
            raise RuntimeError("the work failed")
        return {"ok": True}

    jobs.register_job_kind("test.collector", work)
    try:
        before = gc.get_threshold()
        partnership = WaveFactory().partnership
        done = run_job(create_job("test.collector", partnership=partnership).pk)
        failed = run_job(create_job("test.collector", partnership=partnership, fail=True).pk)
    finally:
        jobs._kinds.pop("test.collector")
    assert (done.status, failed.status) == ("succeeded", "failed")
    assert seen == [max(COLLECT_EVERY, before[0])] * 2
    assert gc.get_threshold() == before
