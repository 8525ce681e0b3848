"""Comparison runs: start one, compute it (or reuse an identical finished one), store it.

The wave page, the follow-up closing and the `run_comparison` command all start a run through
`start_comparison` (so each start is in the audit log), and the Celery task and the command both
compute it through `compute_comparison`: a run from the command line is the code a worker runs.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, cast

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outcomes.models import FollowUpSchedule
from outcomes.selectors.schedule import schedule_of
from poet.analysis import (
    COMPARISON_COLUMNS,
    NOTE_COLUMNS,
    STAFF_SIDE,
    USERS_SIDE,
    EarlierRelease,
    Release,
    compare_outcome_counts,
    domain_scores_from_sums,
    organisation_spread,
    priority_agreement,
    staff_consensus_from_counts,
    staff_outcome_summary_from_counts,
    summarise_domains,
    top_pick_counts_from,
)
from poet.models import Job, Wave
from poet.services import create_job, enqueue, record_audit, run_job
from reports.models import (
    COMPARISON_JOB,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    KEY_COLUMNS,
    ComparisonRow,
    ComparisonRun,
)
from reports.selectors.frames import (
    CountedWave,
    Structure,
    cell_key,
    changed_since,
    fingerprint,
    load_counted_wave,
    load_structure,
    repeated_outcome_items,
)
from reports.services.charts import draw_charts_ahead

JOB_KIND = COMPARISON_JOB
LANGUAGE = "language"  # in a comparison job's parameters: the language its messages are in
Progress = Callable[..., None]


class ComparisonError(Exception):
    """A comparison cannot run; the message says why, in words an evaluator can act on."""


def follow_up_is_collecting(wave: Wave) -> bool:
    """Whether service users' and carers' answers are still coming in (an open follow-up)."""
    schedule = schedule_of(wave)
    return schedule is not None and schedule.status == FollowUpSchedule.Status.OPEN


def comparison_parameters(
    wave: Wave, *, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> dict[str, int]:
    """The parameters a run of this wave uses now: k and thresholds come from the partnership."""
    partnership = wave.partnership
    return {
        "k": partnership.minimum_group_size,
        "resamples": int(resamples),
        "seed": int(seed),
        "celebrate_threshold": partnership.celebrate_threshold,
        "develop_threshold": partnership.develop_threshold,
    }


def start_comparison(
    wave: Wave,
    user=None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    in_process: bool = False,
    language: str | None = None,
) -> Job:
    """Start a comparison of the wave and return the job to follow: queued on a background
    worker, or with ``in_process`` (the `run_comparison` command) computed here and now by the
    workers' own code. Either way the start is in the audit log. ``language`` (of the person
    starting it) words the job's messages, English when not given."""
    parameters = comparison_parameters(wave, resamples=resamples, seed=seed)
    worded = {LANGUAGE: language} if language in dict(settings.LANGUAGES) else {}
    job = create_job(
        JOB_KIND, partnership=wave.partnership, wave=wave, created_by=user, **parameters, **worded
    )
    record_audit(
        "comparison.started",
        actor=user,
        partnership=wave.partnership,
        target=str(wave),
        wave=wave.slug,
        job=job.pk,
        **cast(dict[str, Any], parameters),  # the run's parameters, never named like the fields
    )
    if in_process:
        run_job(job.pk)  # in this process: the workers' own code, not the queue
        job.refresh_from_db()
    else:
        enqueue(job)
    return job


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-safe records: NaN/NA become null, NumPy scalars plain numbers."""
    return json.loads(frame.to_json(orient="records", double_precision=15))


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


COUNT_FIGURES = frozenset({"n_staff", "n_users"})


def _rows(run: ComparisonRun, comparison: pd.DataFrame) -> list[ComparisonRow]:
    table = comparison[list(COMPARISON_COLUMNS)].astype(object)
    table = table.where(comparison.notna(), None)
    rows = []
    for position, values in enumerate(table.itertuples(index=False, name=None)):
        record = {c: _clean(v) for c, v in zip(COMPARISON_COLUMNS, values, strict=True)}
        for column, value in record.items():
            if value is None or column in KEY_COLUMNS:
                continue
            record[column] = int(value) if column in COUNT_FIGURES else float(value)
        record["flag"] = record["flag"] or ""
        record["suppressed"] = bool(record["suppressed"])
        record["suppression"] = record["suppression"] or ""
        record["group"] = str(record["group"])
        rows.append(ComparisonRow(run=run, position=position, **record))
    return rows


def _release(wave: Wave, k: int, structure: Structure, *, exclude: int | None = None) -> Release:
    """The release this run will be: the structure an attacker knows, checked against every
    earlier release of the wave (each stored run, whatever its k: an attacker may have kept it).

    The cells come from the staff list and the register, but answers are bounded only below:
    that everyone in a small cell answered a question reveals none of their answers, so a
    count pinned at the cell's headcount is not a disclosure here (response rates, where the
    count is the figure, do use the headcounts as bounds)."""
    earlier = []
    runs = ComparisonRun.objects.filter(wave=wave).only("disclosure_note", "members")
    if exclude is not None:
        runs = runs.exclude(pk=exclude)
    for run in runs:
        if run.disclosure_note:
            note = pd.DataFrame.from_records(run.disclosure_note, columns=list(NOTE_COLUMNS))
            earlier.append(EarlierRelease(note, changed_since(structure, run.members or {})))
    return Release(
        k,
        staff_cells=structure.cells(STAFF_SIDE),
        user_cells=structure.cells(USERS_SIDE),
        earlier=earlier,
    )


def _respondents(structure: Structure) -> dict[str, int]:
    """Everyone who answered, per audience: the base of the top-three shares."""
    counts: dict[str, int] = {}
    for side, cells in structure.members.items():
        for cell, ids in cells.items():
            audience = "staff" if side == STAFF_SIDE else str(cell[0])
            counts[audience] = counts.get(audience, 0) + len(ids)
    return counts


def _analyse(
    frames: CountedWave,
    parameters: dict[str, int],
    release: Release,
    progress: Progress,
    respondents: dict[str, int] | None = None,
) -> dict[str, Any]:
    k = parameters["k"]
    comparison = compare_outcome_counts(
        frames.outcome_counts,
        k=k,
        resamples=parameters["resamples"],
        seed=parameters["seed"],
        user_proposed=frames.user_proposed,
        progress=lambda f: progress(0.15 + 0.65 * f, _("Comparing staff with users and carers")),
        release=release,
    )
    progress(0.82, _("Staff consensus and top picks"))
    consensus = staff_consensus_from_counts(frames.outcome_counts, k=k, release=release)
    summary_of_staff = staff_outcome_summary_from_counts(
        frames.outcome_counts, k=k, release=release
    )
    picked = frames.picks_per_outcome
    asked = set(picked.loc[picked["n_picking"] > 0, "audience"].astype(str))
    picks = top_pick_counts_from(
        picked,
        k=k,
        respondents={a: n for a, n in (respondents or {}).items() if a in asked},
    )
    progress(0.86, _("Working together: domain scores"))
    scores = domain_scores_from_sums(
        frames.process_sums, items_per_domain=frames.items_per_domain or None
    )
    summary = summarise_domains(
        scores,
        k=k,
        celebrate=parameters["celebrate_threshold"] / 100,
        develop=parameters["develop_threshold"] / 100,
        release=release,
    )
    return {
        "comparison": comparison,
        "priority_agreement": priority_agreement(comparison),
        "staff_consensus": consensus,
        "staff_summary": summary_of_staff,
        "top_picks": picks,
        "domain_summary": summary,
        "organisation_spread": organisation_spread(summary),
        "disclosure_note": release.note(),
    }


def _reuse(run: ComparisonRun) -> dict[str, Any]:
    ComparisonRun.objects.filter(pk=run.pk).update(used_at=timezone.now())
    return {"run": run.pk, "reused": True, "rows": run.rows.count()}


def compute_comparison(job: Job, progress: Progress) -> dict[str, Any]:
    """The work of one comparison job, its messages in the language of the person who started
    it (see `_compute_comparison`)."""
    language = (job.parameters or {}).get(LANGUAGE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        return _compute_comparison(job, progress)


def _compute_comparison(job: Job, progress: Progress) -> dict[str, Any]:
    """Load, fingerprint, reuse or compute, store.

    Safe to run twice: the fingerprint covers the input answers and the parameters, so a second
    run over the same data finds the finished run (even one stored by an attempt that died before
    it could mark its job finished) and returns it without computing.
    """
    wave = job.wave
    if wave is None:
        raise ComparisonError(_("This job is not about a wave."))
    if wave.status == Wave.Status.OPEN:
        raise ComparisonError(
            _(
                "The staff survey is still open. Figures are computed from closed collections "
                "only, so that two results a few answers apart cannot be subtracted to give those "
                "answers back: close the staff survey first."
            )
        )
    # The language of the person who started it words the job's messages; it is no parameter of
    # the figures (the fingerprint), so a run in one language is reused in the other.
    given = {k: v for k, v in (job.parameters or {}).items() if k != LANGUAGE}
    parameters = {**comparison_parameters(wave), **given}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    progress(0.02, _("Loading answers"))
    repeated = repeated_outcome_items(wave)
    if repeated:
        raise ComparisonError(
            _(
                "A questionnaire of this wave asks about the same outcome measure twice "
                "(%(items)s), so one person's answers would count twice: remove the repeated "
                "question first."
            )
            % {"items": ", ".join(repeated)}
        )
    users_left_out = follow_up_is_collecting(wave)
    frames = load_counted_wave(wave)  # counts, not every outcome answer (issue 19)
    if users_left_out:
        frames = frames.staff_only()
    structure = load_structure(wave, users=not users_left_out)
    timings["load"] = round(time.perf_counter() - started, 3)
    audiences = frames.audiences
    if not audiences:
        raise ComparisonError(
            _(
                "This wave has no submitted answers to outcome questions yet: collect or import "
                "answers from staff and from service users or carers first."
            )
        )
    if "staff" not in audiences:
        raise ComparisonError(
            _("This wave has no answers from staff yet, so there is nothing to compare.")
        )
    mark = time.perf_counter()
    digest = fingerprint(frames, parameters, structure)
    timings["fingerprint"] = round(time.perf_counter() - mark, 3)
    existing = ComparisonRun.objects.filter(wave=wave, fingerprint=digest).first()
    if existing is not None:
        progress(1.0, _("The answers have not changed since the last run: reused its results"))
        return _reuse(existing)

    progress(0.15, _("Comparing staff with users and carers"))
    mark = time.perf_counter()
    release = _release(wave, parameters["k"], structure)
    results = _analyse(frames, parameters, release, progress, _respondents(structure))
    timings["analysis"] = round(time.perf_counter() - mark, 3)

    progress(0.9, _("Saving the results"))
    mark = time.perf_counter()
    now = timezone.now()
    try:
        with transaction.atomic():
            run = ComparisonRun.objects.create(
                wave=wave,
                job=job if job.pk else None,
                k=parameters["k"],
                resamples=parameters["resamples"],
                seed=parameters["seed"],
                celebrate_threshold=parameters["celebrate_threshold"],
                develop_threshold=parameters["develop_threshold"],
                fingerprint=digest,
                n_outcome_answers=frames.n_outcome_answers,
                n_process_answers=frames.n_process_answers,
                n_staff=frames.n_staff,
                n_users=frames.n_users,
                priority_agreement={
                    key: _clean(value) for key, value in results["priority_agreement"].items()
                },
                staff_consensus=_records(results["staff_consensus"]),
                top_picks=_records(results["top_picks"]),
                domain_summary=_records(results["domain_summary"]),
                organisation_spread=_records(results["organisation_spread"]),
                staff_summary=_records(results["staff_summary"]),
                disclosure_note=_records(results["disclosure_note"]),
                members={
                    side: {cell_key(cell): ids for cell, ids in cells.items()}
                    for side, cells in structure.members.items()
                },
                users_left_out=users_left_out,
                created_by=job.created_by,
                finished_at=now,
                used_at=now,
            )
            ComparisonRow.objects.bulk_create(_rows(run, results["comparison"]), batch_size=1000)
            timings["store"] = round(time.perf_counter() - mark, 3)
            timings["total"] = round(time.perf_counter() - started, 3)
            ComparisonRun.objects.filter(pk=run.pk).update(timings=timings)
    except IntegrityError:
        # Another attempt stored the same answers and parameters first: use its run.
        existing = ComparisonRun.objects.filter(wave=wave, fingerprint=digest).first()
        if existing is None:
            raise
        return _reuse(existing)
    draw_charts_ahead(run, (job.parameters or {}).get(LANGUAGE))
    progress(
        1.0,
        _(
            "Results saved; service users' and carers' answers are left out until the follow-up "
            "closes"
        )
        if users_left_out
        else _("Results saved"),
    )
    return {
        "run": run.pk,
        "reused": False,
        "rows": len(results["comparison"]),
        "timings": timings,
    }
