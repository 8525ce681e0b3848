"""Benchmark: a comparison run through the real task code against the floors of the same work.

    python -m benchmarks.comparison [--staff 2000 20000 1000000] [--users N] [--resamples 2000]

Without DATABASE_URL it re-runs itself under ``benchmarks/run``, which starts a throwaway
PostgreSQL cluster (scripts/services.sh) and stops it afterwards. With DATABASE_URL set it writes
into that database (use a scratch one): the generated partnership is deleted at the end (unless
``--keep``; ``--generate-only`` keeps it, ``--wave ID`` measures a kept one).

For each staff count it generates, inside PostgreSQL (``INSERT ... SELECT`` over
``generate_series``, seeded ``random()``), a partnership of N staff (6 organisations, 5 staff
groups) answering 40 outcomes x 2 measures plus 32 process items (8 domains) and a top-three pick,
and ``--users`` service users and carers (4:1; default 5% of the staff, at least 5,000)
answering the 40 x 2 outcome measures. Then, each in a fresh forked process so that time and peak
memory are its own:

* run: ``poet.tasks.run_job(job_id)`` called in-process, i.e. the loaders (answer counts from one
  GROUP BY), the fingerprint, every analysis of DESIGN section 4 (2,000 bootstrap resamples) and
  the transaction that stores the rows; its peak resident memory is the worker's;
* floor (up to ``--pandas-up-to`` staff): one COPY of the same outcome and process answers into
  pandas, one groupby, and one ``scipy.stats.mannwhitneyu`` call per outcome and measure;
* copy to file: one plain COPY of the same answers into a file (the floor at national scale);
* database: the comparison's counting queries under ``EXPLAIN (ANALYZE, BUFFERS)``: the
  database's own time, with the plan (parallel workers planned and launched).

Each is measured ``--repeat`` times (default 3, interleaved) and the fastest kept, since a shared
machine adds noise; the load average is printed beside the figures.
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


# A Likert answer drawn inside PostgreSQL: normal around the item's centre (Box-Muller on
# random()), rounded and clipped to 1-5; "don't know" (no number) with probability DONT_KNOW.
_ANSWERS_SQL = """
INSERT INTO surveys_answer (response_id, item_id, number, text, dont_know)
SELECT response_id, item_id, CASE WHEN dont_know THEN NULL ELSE value END, '', dont_know
FROM (
    SELECT r AS response_id, i.id AS item_id, random() < %(dont_know)s AS dont_know,
           greatest(1, least(5, round(i.centre + 1.1 * sqrt(-2 * ln(1 - random()))
                                      * cos(2 * pi() * random()))))::float8 AS value
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS r
    CROSS JOIN unnest(%(items)s::int[], %(centres)s::float8[]) AS i(id, centre)
) AS drawn
"""

_TOP_PICKS_SQL = """
INSERT INTO surveys_answer (response_id, item_id, text, choices, dont_know)
SELECT r, %(item)s, '', jsonb_build_array(
    'O-' || lpad(floor(random() * %(outcomes)s)::int::text, 2, '0'),
    'O-' || lpad(floor(random() * %(outcomes)s)::int::text, 2, '0'),
    'O-' || lpad(floor(random() * %(outcomes)s)::int::text, 2, '0')), false
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS r
"""

_RESPONSES_SQL = """
INSERT INTO surveys_response (wave_id, questionnaire_id, audience, organisation_id,
    staff_group_id, user_group_id, submitted_on, via_open_link, awaiting_confirmation, language)
SELECT %(wave)s, %(questionnaire)s,
       CASE WHEN %(staff)s THEN 'staff' WHEN g < %(service_users)s THEN 'service_user'
            ELSE 'carer' END,
       CASE WHEN %(staff)s THEN (%(organisations)s::int[])[1 + g %% %(n_organisations)s] END,
       CASE WHEN %(staff)s THEN (%(staff_groups)s::int[])[1 + (g / 3) %% %(n_staff_groups)s] END,
       CASE WHEN NOT %(staff)s THEN (%(user_groups)s::int[])[1 + g %% 2] END,
       %(day)s, false, false, %(language)s
FROM generate_series(0, %(people)s - 1) AS g
"""

BATCH = 25_000  # respondents per INSERT of answers: keeps each statement's index inserts local


def _insert_responses(cursor, people: int, **values) -> tuple[int, int]:
    """Insert ``people`` responses in one statement; their ids (one sequence, one statement,
    nobody else writing) run from first to last without a gap, which is checked."""
    from django.conf import settings

    cursor.execute(
        "SELECT coalesce(max(id), 0) FROM surveys_response WHERE questionnaire_id = %s",
        [values["questionnaire"]],
    )
    cursor.execute(_RESPONSES_SQL, {"people": people, "language": settings.LANGUAGE_CODE, **values})
    cursor.execute(
        "SELECT min(id), max(id), count(*) FROM surveys_response WHERE questionnaire_id = %s",
        [values["questionnaire"]],
    )
    first, last, count = cursor.fetchone()
    if count != people or last - first + 1 != people:
        raise RuntimeError("generated response ids are not one unbroken range")
    return first, last


def _insert_answers(cursor, first: int, last: int, items: list[int], centres) -> None:
    for low in range(first, last + 1, BATCH):
        cursor.execute(
            _ANSWERS_SQL,
            {
                "first": low,
                "last": min(low + BATCH - 1, last),
                "items": items,
                "centres": [float(c) for c in centres],
                "dont_know": DONT_KNOW,
            },
        )


def generate(staff: int, users: int, seed: int = 2026):
    """A partnership and wave with the answers described in the module docstring, the rows
    drawn inside PostgreSQL (``INSERT ... SELECT`` over ``generate_series``, ``random()`` seeded
    with ``setseed``), so no answer passes through Python whatever the size."""
    import numpy as np
    from django.db import connection, transaction

    from poet.models import (
        Organisation,
        OutcomeStatement,
        Partnership,
        StaffGroup,
        UserGroup,
        Wave,
    )
    from surveys.models import Item, Questionnaire, Section

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

        staff_centre = rng.uniform(2.8, 4.2, OUTCOMES * 2)
        user_centre = staff_centre + rng.choice([0.0, 0.0, -0.4, 0.3], OUTCOMES * 2)
        process_centre = rng.uniform(2.5, 4.2, len(process_items))
        common = {
            "wave": wave.pk,
            "organisations": [o.pk for o in orgs],
            "n_organisations": ORGANISATIONS,
            "staff_groups": [g.pk for g in groups],
            "n_staff_groups": STAFF_GROUPS,
            "user_groups": [g.pk for g in user_groups],
            "service_users": users - users // 5,
            "day": "2026-11-02",
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
            staff_first, staff_last = _insert_responses(
                cursor, staff, questionnaire=staff_q.pk, staff=True, **common
            )
            user_first, user_last = _insert_responses(
                cursor, users, questionnaire=users_q.pk, staff=False, **common
            )
            staff_items = [i.pk for i in outcome_items["staff"]] + [i.pk for i in process_items]
            _insert_answers(
                cursor,
                staff_first,
                staff_last,
                staff_items,
                np.concatenate([staff_centre, process_centre]),
            )
            _insert_answers(
                cursor,
                user_first,
                user_last,
                [i.pk for i in outcome_items["follow_up"]],
                user_centre,
            )
            cursor.execute(
                _TOP_PICKS_SQL,
                {"item": top3.pk, "outcomes": OUTCOMES, "first": staff_first, "last": staff_last},
            )
    _restore_triggers()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_answer")
        cursor.execute("VACUUM ANALYZE surveys_response")
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


def copy_to_file(wave_id: int, directory: str) -> dict:
    """The floor at national scale: one plain COPY of the same answers into a file."""
    from django.db import connection

    from poet.models import Wave

    wave = Wave.objects.get(pk=wave_id)
    sql, params = floor_sql(wave)
    path = Path(directory) / f"answers-{wave_id}.csv"
    started = time.perf_counter()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with (
        path.open("wb") as out,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement, params) as copy,
    ):
        for chunk in copy:
            out.write(chunk)
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    path.unlink()
    return {"seconds": seconds, "bytes": size}


PARALLEL_SETTINGS = (
    "max_parallel_workers_per_gather",
    "max_parallel_workers",
    "max_worker_processes",
    "parallel_setup_cost",
    "parallel_tuple_cost",
    "min_parallel_table_scan_size",
    "min_parallel_index_scan_size",
    "work_mem",
    "shared_buffers",
    "jit",
)


def settings() -> dict[str, str]:
    """The PostgreSQL settings that decide whether the counting queries run in parallel."""
    from django.db import connection

    values = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        values["version"] = cursor.fetchone()[0].split(" on ")[0]
        for name in PARALLEL_SETTINGS:
            cursor.execute(f"SHOW {name}")
            values[name] = cursor.fetchone()[0]
    return values


def _plan_nodes(node: dict, depth: int = 0) -> list[str]:
    text = "  " * depth + node["Node Type"]
    if node.get("Relation Name"):
        text += f" on {node['Relation Name']}"
    if node.get("Index Name"):
        text += f" using {node['Index Name']}"
    if "Workers Launched" in node:
        text += f" (workers {node['Workers Launched']} of {node.get('Workers Planned')})"
    if node.get("Strategy"):
        text += f" [{node['Strategy']}]"
    text += f" rows {node.get('Actual Rows', 0):,} x{node.get('Actual Loops', 1)}"
    text += f", {node.get('Actual Total Time', 0) / 1000:.2f} s"
    lines = [text]
    for child in node.get("Plans", []):
        lines += _plan_nodes(child, depth + 1)
    return lines


def database_time(wave_id: int) -> dict:
    """The database's own time for the comparison's counting queries: each run once under
    ``EXPLAIN (ANALYZE, BUFFERS)`` (execution on the server, no transfer), with its plan."""
    import json

    from django.db import connection

    from poet.models import Wave
    from reports.selectors.frames import counting_queries, counting_session

    wave = Wave.objects.get(pk=wave_id)
    result: dict = {"seconds": 0.0, "queries": {}}
    with counting_session(), connection.cursor() as cursor:
        for name, (sql, params) in counting_queries(wave).items():
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            seconds = plan[0]["Execution Time"] / 1000
            result["queries"][name] = {
                "seconds": seconds,
                "plan": _plan_nodes(plan[0]["Plan"]),
            }
            result["seconds"] += seconds
    return result


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
    return {"seconds": seconds, **(job.result or {})}


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


def _load() -> str:
    """The machine's load averages (1, 5, 15 minutes) and CPUs, printed beside the figures."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _cell(row: dict, key: str, width: int) -> str:
    return f"{row[key]:{width}.2f}" if key in row else " " * (width - 1) + "-"


def _fastest(results: list[dict]) -> dict:
    return min(results, key=lambda result: result["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--users",
        type=int,
        default=None,
        help="service users and carers (default: 5%% of the staff, at least 5,000)",
    )
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="measure each this many times and keep the fastest"
    )
    parser.add_argument(
        "--pandas-up-to",
        type=int,
        default=100_000,
        help="measure the COPY-into-pandas floor up to this many staff (it needs ~10 GiB at 1M)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated partnerships")
    parser.add_argument(
        "--wave",
        type=int,
        help="measure this wave, generated before with --keep (with DATABASE_URL), not a new one",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="generate (and keep), do not measure"
    )
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        wrapper = ROOT / "benchmarks" / "run"
        os.execvp("bash", ["bash", str(wrapper), *(argv if argv is not None else sys.argv[1:])])
    _setup_django()
    import tempfile

    from django.db import connection

    from poet.models import Wave

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL or unset it.")
    if options.generate_only:
        options.keep = True
    print("PostgreSQL:", ", ".join(f"{k} {v}" for k, v in settings().items()), flush=True)
    scratch = tempfile.mkdtemp(prefix="poet-bench-")
    results = []
    requested: list[int] = [0] if options.wave else options.staff
    for staff in requested:
        if options.wave:
            wave = Wave.objects.get(pk=options.wave)
            staff = wave.responses.filter(audience="staff").count()
            users = wave.responses.exclude(audience="staff").count()
            print(f"\n== wave {wave.pk}: {staff:,} staff, {users:,} users and carers ({_load()})")
        else:
            users = options.users if options.users is not None else max(5000, staff // 20)
            print(f"\n== {staff:,} staff, {users:,} users and carers ({_load()})", flush=True)
            started = time.perf_counter()
            wave = generate(staff, users)
            print(
                f"generated wave {wave.pk} in {time.perf_counter() - started:.1f} s ({_load()})",
                flush=True,
            )
            if options.generate_only:
                continue
        pandas = staff <= options.pandas_up_to
        measure(copy_to_file, wave.pk, scratch)  # warm PostgreSQL's cache the same way for all
        runs, floors, copies, databases = [], [], [], []
        for _ in range(max(1, options.repeat)):  # interleaved, so all see the same machine
            if pandas:
                floors.append(measure(floor, wave.pk))
            copies.append(measure(copy_to_file, wave.pk, scratch))
            databases.append(measure(database_time, wave.pk))
            runs.append(measure(run, wave.pk, options.resamples))
            _forget_runs(wave)
        high, copy, database = _fastest(runs), _fastest(copies), _fastest(databases)
        stages = ", ".join(f"{k} {v}" for k, v in high.get("timings", {}).items())
        print(
            f"run        {high['seconds']:8.2f} s  peak {high['peak_rss_mib']:6.0f} MiB  "
            f"stages (s): {stages}"
        )
        row = {"staff": staff, "run": high["seconds"], "peak": high["peak_rss_mib"]}
        if pandas:
            low = _fastest(floors)
            row["floor"] = low["seconds"]
            row["rows"] = low["rows"]
            print(
                f"floor      {low['seconds']:8.2f} s  peak {low['peak_rss_mib']:6.0f} MiB  "
                f"COPY {low['rows']:,} answers into pandas {low['copy']:.2f}, groupby "
                f"{low['groupby']:.2f}, mannwhitneyu x{low['tests']} {low['mannwhitneyu']:.2f}"
                f"  -> run/floor {high['seconds'] / low['seconds']:.2f}, "
                f"run/COPY-into-pandas {high['seconds'] / low['copy']:.2f}"
            )
            row["copy_pandas"] = low["copy"]
        print(
            f"copy file  {copy['seconds']:8.2f} s  peak {copy['peak_rss_mib']:6.0f} MiB  "
            f"{copy['bytes'] / 2**20:,.0f} MiB of CSV  -> run/COPY-to-file "
            f"{high['seconds'] / copy['seconds']:.2f}"
        )
        row["copy_file"] = copy["seconds"]
        print(
            f"database   {database['seconds']:8.2f} s  (counting queries under EXPLAIN ANALYZE) "
            f" -> share of the run {database['seconds'] / high['seconds']:.2f}"
        )
        row["database"] = database["seconds"]
        for name, query in database["queries"].items():
            print(f"  {name}: {query['seconds']:.2f} s")
            for line in query["plan"]:
                print(f"    {line}")
        print(f"measured at {_load()}", flush=True)
        results.append(row)
        if not (options.keep or options.wave):
            delete(wave)
    Path(scratch).rmdir()
    if not results:
        return 0
    print(
        "\nstaff      run s  floor s  COPY→pandas s  COPY→file s  db s  peak MiB  "
        "run/COPY→pandas  run/COPY→file  run/floor"
    )
    for row in results:
        pandas = "copy_pandas" in row

        print(
            f"{row['staff']:>9,} {row['run']:6.2f} {_cell(row, 'floor', 8)} "
            f"{_cell(row, 'copy_pandas', 14)} "
            f"{row['copy_file']:12.2f} {row['database']:5.2f} {row['peak']:9.0f}  "
            + (f"{row['run'] / row['copy_pandas']:15.2f}" if pandas else " " * 14 + "-")
            + f" {row['run'] / row['copy_file']:14.2f} "
            + (f"{row['run'] / row['floor']:10.2f}" if pandas else " " * 9 + "-")
        )
    print(
        "targets: run/COPY→pandas ≤ 0.25 at 20,000; run/floor ≤ 2 at 2,000; "
        "run/COPY→file ≤ 0.5 and peak < 1024 MiB at 1,000,000"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
