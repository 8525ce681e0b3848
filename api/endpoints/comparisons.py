"""Comparison runs: the latest run of a wave and its rows — the same rows, and the same hidden
figures, as the comparison CSV (`reports.exporters.csv.comparison_record`) — for those who read
reports (`Right.VIEW_REPORTS`); starting a run for evaluators (`Right.EVALUATE`)."""

from __future__ import annotations

import datetime
import math

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from api.endpoints.common import READ_ERRORS, WRITE_ERRORS, Mapped, Refused
from api.endpoints.jobs import JobOut, job_out
from poet.models import Wave
from poet.permissions import Right, partnership_access, wave_of
from reports.exporters.csv import comparison_record, comparison_values
from reports.models import ComparisonRun
from reports.selectors.runs import latest_job, latest_run
from reports.services.comparison import start_comparison

router = Router(tags=["comparisons"])

NO_RUN = (
    "No comparison has been run for this wave yet: start one (POST to comparison/run/) and "
    "poll its job."
)


class ComparisonRunOut(Schema):
    """The run the comparison page shows and the CSV exports."""

    id: int
    wave: str
    minimum_group_size: int  # k: groups smaller than this are hidden
    resamples: int
    seed: int
    staff: int  # people counted
    users_and_carers: int
    rows: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    used_at: datetime.datetime | None
    latest_job: JobOut | None  # the wave's latest comparison job (a newer run may be on its way)


class ComparisonRowOut(Schema):
    """One row of the comparison CSV: a suppressed row keeps outcome, measure, breakdown and
    group; its figures and flag are null, and `suppression` says why."""

    outcome: str
    measure: str
    breakdown: str
    group: str
    n_staff: int | None
    mean_staff: float | None
    sd_staff: float | None
    median_staff: float | None
    pct_positive_staff: float | None
    n_users: int | None
    mean_users: float | None
    sd_users: float | None
    median_users: float | None
    pct_positive_users: float | None
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
    u_statistic: float | None
    p_value: float | None
    q_value: float | None
    cliffs_delta: float | None
    flag: str | None
    suppressed: bool
    suppression: str | None


def _json_row(values: tuple) -> dict:
    """A CSV row as JSON: the same record; a figure the CSV leaves empty (NaN) is null."""
    return {
        column: None if isinstance(value, float) and math.isnan(value) else value
        for column, value in comparison_record(values).items()
    }


def _run_of(request: HttpRequest, partnership: str, wave: str) -> tuple[Wave, ComparisonRun]:
    access = partnership_access(request.user, partnership, Right.VIEW_REPORTS)
    found = wave_of(access, wave)
    run = latest_run(found)
    if run is None:
        raise Refused(404, NO_RUN)
    return found, run


@router.get(
    "/partnerships/{partnership}/waves/{wave}/comparison/",
    response={200: ComparisonRunOut, **READ_ERRORS},
    summary="The latest comparison run of a wave (404 before the first)",
)
def get_comparison(request: HttpRequest, partnership: str, wave: str):
    found, run = _run_of(request, partnership, wave)
    job = latest_job(found)
    return {
        "id": run.pk,
        "wave": found.slug,
        "minimum_group_size": run.k,
        "resamples": run.resamples,
        "seed": run.seed,
        "staff": run.n_staff,
        "users_and_carers": run.n_users,
        "rows": run.rows.count(),
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "used_at": run.used_at,
        "latest_job": job_out(job) if job else None,
    }


@router.get(
    "/partnerships/{partnership}/waves/{wave}/comparison/rows/",
    response={200: list[ComparisonRowOut], **READ_ERRORS},
    summary="The rows of the latest comparison run: the comparison CSV as JSON",
)
@paginate(LimitOffsetPagination)
def list_comparison_rows(request: HttpRequest, partnership: str, wave: str):
    _, run = _run_of(request, partnership, wave)
    return Mapped(comparison_values(run), _json_row)


@router.post(
    "/partnerships/{partnership}/waves/{wave}/comparison/run/",
    response={202: JobOut, **WRITE_ERRORS},
    summary="Start a comparison run of the wave; poll the job it returns",
)
def run_comparison(request: HttpRequest, partnership: str, wave: str):
    access = partnership_access(request.user, partnership, Right.EVALUATE)
    return Status(202, job_out(start_comparison(wave_of(access, wave), request.user)))
