import os
import time

import pytest
from django_celery_results.models import TaskResult

from poet.models import Job, Role
from surveys.selectors.response_rates import response_count_table
from tests.factories import OrganisationFactory, ResponseFactory, WaveFactory, member


def seed(wave, counts):
    for name, n in counts.items():
        organisation = OrganisationFactory(partnership=wave.partnership, name=name)
        ResponseFactory.create_batch(n, wave=wave, organisation=organisation, answered=True)
    ResponseFactory(wave=wave, submitted_on=None)  # started, not submitted: never counted


def recount_through_the_page(client, wave, on_commit=None):
    url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/responses/"
    if on_commit is None:  # a transactional test: callbacks run at once
        response = client.post(url)
    else:
        with on_commit(execute=True):
            response = client.post(url)
    assert response.status_code == 302
    return url


@pytest.mark.django_db
def test_recount_counts_submitted_responses_by_organisation(
    client, django_capture_on_commit_callbacks
):
    wave = WaveFactory(partnership__minimum_group_size=10)
    seed(wave, {"Trust": 14, "Council": 12, "Charity": 4})
    client.force_login(member(wave.partnership, Role.MANAGER))
    recount_through_the_page(client, wave, django_capture_on_commit_callbacks)
    job = Job.objects.get(wave=wave)
    assert job.status == Job.Status.SUCCEEDED
    # The job keeps only what the page may show: Charity (4) and the next smallest hidden.
    rows = {r["organisation"]: r["responses"] for r in job.result["rows"]}
    assert rows == {"Charity": None, "Council": None, "Trust": 14}
    assert job.result["total"] == 30


def test_count_table_hides_small_groups_and_their_next_smallest_sibling():
    table = response_count_table({"Trust": 14, "Council": 12, "Charity": 4}, 10)
    assert table["total"] == 30
    # Charity (4) is below k; Council (12, next smallest) is hidden too, so 30 - 14 gives nothing.
    assert table["rows"] == [
        {"organisation": "Charity", "responses": None, "hidden": "hidden: fewer than 10 people"},
        {
            "organisation": "Council",
            "responses": None,
            "hidden": "hidden so a smaller group cannot be worked out",
        },
        {"organisation": "Trust", "responses": 14, "hidden": ""},
    ]
    assert response_count_table({"Trust": 6}, 10)["total"] is None


@pytest.mark.celery_worker
def test_a_real_worker_recounts_from_redis_into_postgresql(client, celery_worker):
    wave = WaveFactory(partnership__minimum_group_size=3)
    seed(wave, {"Trust": 5, "Council": 3})
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    recount_through_the_page(client, wave)
    job = Job.objects.get(wave=wave)
    for _ in range(150):
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert {r["organisation"]: r["responses"] for r in job.result["rows"]} == {
        "Council": 3,
        "Trust": 5,
    }
    stored = TaskResult.objects.get(task_name="poet.tasks.run_job")
    assert stored.status == "SUCCESS"
    assert stored.worker.startswith("test-worker-")
    assert celery_worker.pid != os.getpid()
