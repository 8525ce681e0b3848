"""Benchmark: a comparison run through the real task code against the floor of the same work.

    python -m benchmarks.comparison [--staff 2000 20000] [--users 5000] [--resamples 2000]

Without DATABASE_URL it re-runs itself under ``benchmarks/run``, which starts a throwaway
PostgreSQL cluster (scripts/services.sh) and stops it afterwards. With DATABASE_URL set it writes
into that database (use a scratch one): the generated partnership is deleted at the end.

For each staff count it generates, with COPY, a partnership of N staff (6 organisations, 5 staff
groups) answering 40 outcomes x 2 measures plus 32 process items (8 domains) and a top-three pick,
and ``--users`` service users and carers (4:1) answering the 40 x 2 outcome measures. Then, each in
a fresh forked process so that time and peak memory are its own:

* run: ``poet.tasks.run_job(job_id)`` called in-process, i.e. the loaders (COPY into
  pandas), the fingerprint, every analysis of DESIGN section 4 (2,000 bootstrap resamples) and the
  transaction that stores the rows;
* floor: one COPY of the same outcome and process answers into pandas, one groupby, and one
  ``scipy.stats.mannwhitneyu`` call per outcome and measure.

Each is measured ``--repeat`` times (default 3, interleaved) and the fastest kept, since a shared
machine adds noise. It prints both times, their ratio and the peak resident memory of each.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OUTCOMES = 40
MEASURES = ("importance", "achievement")
DOMAINS = 8
ITEMS_PER_DOMAIN = 4
ORGANISATIONS = 6
STAFF_GROUPS = 5
DONT_KNOW = 0.05


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poet.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-never-used-elsewhere")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _copy_in(table: str, columns: list[str], frame) -> None:
    """COPY a DataFrame into a table (CSV; missing values as \\N, so '' stays a string)."""
    from django.db import connection

    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="\\N")
    buffer.seek(0)
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        with cursor.cursor.copy(statement) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)


def _skip_foreign_key_triggers() -> None:
    """Generated rows are consistent by construction: skip per-row FK triggers while loading
    (superuser only, as on the throwaway cluster; elsewhere the load is just slower)."""
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        pass


def _restore_triggers() -> None:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    except DatabaseError:
        pass


def generate(staff: int, users: int, seed: int = 2026):
    """A partnership and wave with the answers described in the module docstring."""
    import numpy as np
    import pandas as pd
    from django.db import transaction

    from poet.models import (
        Organisation,
        OutcomeStatement,
        Partnership,
        StaffGroup,
        UserGroup,
        Wave,
    )
    from surveys.models import Answer, Item, Questionnaire, Response, Section

    rng = np.random.default_rng(seed)
    _skip_foreign_key_triggers()
    stamp = f"{staff}-{int(time.time() * 1000)}"
    with transaction.atomic():
        p = Partnership.objects.create(name=f"Benchmark {stamp}", slug=f"benchmark-{stamp}")
        orgs = [
            Organisation.objects.create(partnership=p, name=f"Organisation {i}")
            for i in range(ORGANISATIONS)
        ]
        groups = [
            StaffGroup.objects.create(partnership=p, name=f"Staff group {i}")
            for i in range(STAFF_GROUPS)
        ]
        user_groups = [
            UserGroup.objects.create(partnership=p, name=f"User group {i}") for i in range(2)
        ]
        wave = Wave.objects.create(partnership=p, name="Benchmark wave", slug="benchmark")
        statements = [
            OutcomeStatement.objects.create(
                partnership=p, code=f"O-{i:02d}", text=f"Outcome {i}", source="evaluator"
            )
            for i in range(OUTCOMES)
        ]
        staff_q = Questionnaire.objects.create(wave=wave, title="Staff")
        users_q = Questionnaire.objects.create(wave=wave, title="Follow-up", audience="follow_up")
        outcome_items = {}
        for questionnaire in (staff_q, users_q):
            section = Section.objects.create(questionnaire=questionnaire, title="Outcomes")
            outcome_items[questionnaire.audience] = Item.objects.bulk_create(
                [
                    Item(
                        section=section,
                        code=f"{s.code}.{m}",
                        kind="likert",
                        text=m,
                        outcome=s,
                        measure=m,
                    )
                    for s in statements
                    for m in MEASURES
                ]
            )
        process = Section.objects.create(questionnaire=staff_q, title="Working together")
        process_items = Item.objects.bulk_create(
            [
                Item(
                    section=process, code=f"D{d}-{j}", kind="likert", text="Agree?", domain=f"d{d}"
                )
                for d in range(DOMAINS)
                for j in range(ITEMS_PER_DOMAIN)
            ]
        )
        top3 = Item.objects.create(section=process, code="TOP3", kind="multiple", text="Top 3")

        day = "2026-11-02"
        n_carers = users // 5
        responses = pd.DataFrame(
            {
                "wave_id": wave.pk,
                "questionnaire_id": [staff_q.pk] * staff + [users_q.pk] * users,
                "audience": ["staff"] * staff
                + ["service_user"] * (users - n_carers)
                + ["carer"] * n_carers,
                "organisation_id": pd.array(
                    [orgs[i % ORGANISATIONS].pk for i in range(staff)] + [None] * users,
                    dtype="Int64",
                ),
                "staff_group_id": pd.array(
                    [groups[(i // 3) % STAFF_GROUPS].pk for i in range(staff)] + [None] * users,
                    dtype="Int64",
                ),
                "user_group_id": pd.array(
                    [None] * staff + [user_groups[i % 2].pk for i in range(users)], dtype="Int64"
                ),
                "submitted_on": day,
                "via_open_link": False,
                "awaiting_confirmation": False,
            }
        )
        columns = list(responses.columns)
        _copy_in(Response._meta.db_table, columns, responses)
        ids = np.array(
            Response.objects.filter(wave=wave).order_by("pk").values_list("pk", flat=True)
        )
        staff_ids, user_ids = ids[:staff], ids[staff:]

        def likert(respondents, items, shift):
            n = len(respondents) * len(items)
            centre = np.tile(shift, len(respondents))
            values = np.clip(np.rint(rng.normal(centre, 1.1, n)), 1, 5)
            dont_know = rng.random(n) < DONT_KNOW
            return pd.DataFrame(
                {
                    "response_id": np.repeat(respondents, len(items)),
                    "item_id": np.tile([item.pk for item in items], len(respondents)),
                    "number": pd.array(np.where(dont_know, np.nan, values), dtype="Float64"),
                    "text": "",
                    "dont_know": np.where(dont_know, "t", "f"),
                }
            )

        staff_shift = rng.uniform(2.8, 4.2, OUTCOMES * 2)
        user_shift = staff_shift + rng.choice([0.0, 0.0, -0.4, 0.3], OUTCOMES * 2)
        answer_columns = ["response_id", "item_id", "number", "text", "dont_know"]
        for frame in (
            likert(staff_ids, outcome_items["staff"], staff_shift),
            likert(staff_ids, process_items, rng.uniform(2.5, 4.2, len(process_items))),
            likert(user_ids, outcome_items["follow_up"], user_shift),
        ):
            _copy_in(Answer._meta.db_table, answer_columns, frame)
        picks = rng.integers(0, OUTCOMES, size=(staff, 3))
        top = pd.DataFrame(
            {
                "response_id": staff_ids,
                "item_id": top3.pk,
                "text": "",
                "choices": [
                    "[" + ",".join(f'"O-{c:02d}"' for c in sorted(set(row))) + "]" for row in picks
                ],
                "dont_know": "f",
            }
        )
        _copy_in(Answer._meta.db_table, list(top.columns), top)
    _restore_triggers()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_answer; ANALYZE surveys_response")
    return wave


def floor_sql(wave) -> tuple[str, list]:
    """The same outcome and process answers the run loads, as one plain SQL query."""
    from surveys.models import Item

    item_ids = list(
        Item.objects.filter(section__questionnaire__wave=wave)
        .exclude(outcome__isnull=True, domain="")
        .values_list("pk", flat=True)
    )
    sql = (
        "SELECT a.response_id, r.audience, r.organisation_id, r.staff_group_id, a.item_id, "
        "CASE WHEN a.dont_know THEN NULL ELSE a.number END "
        "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        "WHERE r.wave_id = %s AND r.submitted_on IS NOT NULL AND a.item_id = ANY(%s)"
    )
    return sql, [wave.pk, item_ids]


def floor(wave_id: int) -> dict:
    """COPY into pandas, one groupby, one mannwhitneyu per outcome and measure."""
    import numpy as np
    import pandas as pd
    from django.db import connection
    from scipy import stats

    from poet.models import Wave
    from surveys.models import Item

    wave = Wave.objects.get(pk=wave_id)
    keys = dict(
        Item.objects.filter(section__questionnaire__wave=wave, outcome__isnull=False).values_list(
            "pk", "code"
        )
    )
    sql, params = floor_sql(wave)
    started = time.perf_counter()
    buffer = io.BytesIO()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    columns = ["respondent", "audience", "organisation", "staff_group", "item", "value"]
    answers = pd.read_csv(buffer, header=None, names=columns)
    copied = time.perf_counter()
    outcome = answers[answers["item"].isin(keys)].dropna(subset=["value"])
    outcome = outcome.assign(key=outcome["item"].map(keys), staff=outcome["audience"] == "staff")
    groups = outcome.groupby(["key", "staff"])["value"]
    samples = {name: values.to_numpy() for name, values in groups}
    grouped = time.perf_counter()
    p_values = []
    for key in sorted({key for key, _ in samples}):
        staff_values = samples.get((key, True), np.array([]))
        user_values = samples.get((key, False), np.array([]))
        p_values.append(stats.mannwhitneyu(user_values, staff_values, method="asymptotic").pvalue)
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "copy": copied - started,
        "groupby": grouped - copied,
        "mannwhitneyu": finished - grouped,
        "rows": len(answers),
        "tests": len(p_values),
    }


def run(wave_id: int, resamples: int) -> dict:
    """The real task code, in this process."""
    from poet.models import Job, Wave
    from poet.services import create_job
    from poet.tasks import run_job
    from reports.services.comparison import JOB_KIND, comparison_parameters

    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    job = create_job(
        JOB_KIND,
        partnership=wave.partnership,
        wave=wave,
        **comparison_parameters(wave, resamples=resamples),
    )
    started = time.perf_counter()
    run_job(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"the comparison failed: {job.error}")
    return {"seconds": seconds, **job.result}


def _child(target, args, queue) -> None:
    try:
        result = target(*args)
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put(result)
    except Exception as exc:  # report, don't hang the parent
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def measure(target, *args) -> dict:
    """Run target(*args) in a forked process: its own time and its own peak memory."""
    from django.db import connections

    connections.close_all()  # a forked child must open its own connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    process.start()
    result = queue.get()
    process.join()
    if "error" in result:
        raise SystemExit(f"{target.__name__} failed: {result['error']}")
    return result


def _forget_runs(wave) -> None:
    """Drop the stored runs so the next measurement computes again instead of reusing."""
    from reports.models import ComparisonRun

    ComparisonRun.objects.filter(wave=wave).delete()


def delete(wave) -> None:
    """Remove a generated partnership (answers first, in SQL: the ORM would load them all)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM surveys_answer a USING surveys_response r "
            "WHERE a.response_id = r.id AND r.wave_id = %s",
            [wave.pk],
        )
        cursor.execute("DELETE FROM surveys_response WHERE wave_id = %s", [wave.pk])
    partnership = wave.partnership
    wave.delete()  # questionnaires and items first: items protect their outcome statements
    partnership.delete()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="measure each this many times and keep the fastest"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated partnerships")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        wrapper = ROOT / "benchmarks" / "run"
        os.execvp("bash", ["bash", str(wrapper), *(argv if argv is not None else sys.argv[1:])])
    _setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL or unset it.")
    print(
        f"{'staff':>7} {'answers':>9} {'run s':>7} {'floor s':>8} {'ratio':>6} "
        f"{'run MiB':>8} {'floor MiB':>9}  run stages (s)"
    )
    results = []
    for staff in options.staff:
        started = time.perf_counter()
        wave = generate(staff, options.users)
        generated = time.perf_counter() - started
        measure(floor, wave.pk)  # warm PostgreSQL's cache the same way for both
        lows, highs = [], []
        for _ in range(max(1, options.repeat)):  # interleaved, so both see the same machine
            lows.append(measure(floor, wave.pk))
            highs.append(measure(run, wave.pk, options.resamples))
            _forget_runs(wave)
        low = min(lows, key=lambda result: result["seconds"])
        high = min(highs, key=lambda result: result["seconds"])
        ratio = high["seconds"] / low["seconds"]
        stages = ", ".join(f"{k} {v}" for k, v in high.get("timings", {}).items())
        print(
            f"{staff:>7} {low['rows']:>9} {high['seconds']:>7.2f} {low['seconds']:>8.2f} "
            f"{ratio:>6.2f} {high['peak_rss_mib']:>8.0f} {low['peak_rss_mib']:>9.0f}  {stages}",
            flush=True,
        )
        print(
            f"        floor stages (s): copy {low['copy']:.2f}, groupby {low['groupby']:.2f}, "
            f"mannwhitneyu x{low['tests']} {low['mannwhitneyu']:.2f}; generated in "
            f"{generated:.1f} s",
            flush=True,
        )
        results.append((staff, high["seconds"], low["seconds"], ratio))
        if not options.keep:
            delete(wave)
    if len(results) >= 2:
        (s0, t0, _, _), (s1, t1, _, _) = results[0], results[-1]
        growth = (t1 / t0) / (s1 / s0)
        print(
            f"time grew {t1 / t0:.2f}x for {s1 / s0:.0f}x the staff (≤ 1.0 is at most linear:"
            f" {growth:.2f})"
        )
    worst = max(ratio for *_, ratio in results)
    print(f"worst ratio {worst:.2f} (target ≤ 2.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
