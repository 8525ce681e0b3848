"""Benchmark: report and raw-answer downloads as a wave grows, against the floor of the same work.

    python -m benchmarks.reports [--staff 200 2000 20000] [--users 500] [--repeat 3]

Without DATABASE_URL it re-runs itself under ``benchmarks/run_reports``, which starts a throwaway
PostgreSQL cluster (scripts/services.sh) and stops it afterwards.

For each staff count it generates the same wave as ``benchmarks/comparison.py`` (40 outcomes x 2
measures, 32 process items, a top-three pick; ``--users`` service users and carers) and stores one
comparison run of it (200 resamples: the run is not what is measured here). Then, each in a fresh
forked process so that time and peak memory are its own:

* pdf: ``build_summative`` + the PDF exporter into a file, as the download task does. The chart
  server (kaleido) is started and warmed before the clock starts, as in a worker process that has
  made one chart before. Reports read the stored comparison rows, not raw answers, so this should
  not grow with the staff count (target: 20,000 staff ≤ 1.5x the time for 200).
* answers: the tidy answers CSV (``answers_csv``: COPY … TO STDOUT streamed into a file), against
* copy: one plain ``COPY (SELECT …) TO STDOUT`` of the same answer rows into a file (target:
  answers ≤ 2x copy); the answers' peak memory should be flat in the number of rows.

Each is measured ``--repeat`` times (interleaved) and the fastest kept.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.comparison import ROOT, _setup_django, delete, generate, measure
from benchmarks.comparison import run as run_comparison


def pdf(wave_id: int) -> dict:
    import logging

    from poet.models import Wave
    from reports.content.summative import build_summative
    from reports.exporters import get_exporter
    from reports.exporters import pdf as pdf_module
    from reports.exporters.pdf import chart_svg, start_chart_server

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    start_chart_server()
    chart_svg({"data": [{"type": "bar", "x": ["a"], "y": [1]}]})  # warm, as a busy worker is
    chart_seconds = []

    def timed_chart(figure):
        began = time.perf_counter()
        try:
            return chart_svg(figure)
        finally:
            chart_seconds.append(time.perf_counter() - began)

    pdf_module.chart_svg = timed_chart
    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        started = time.perf_counter()
        report = build_summative(wave)
        built = time.perf_counter() - started
        with open(path, "wb") as out:
            get_exporter("pdf").render(report, out)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    return {
        "seconds": seconds,
        "build": built,
        "bytes": size,
        "charts": sum(1 for _ in report.charts()),
        "chart_seconds": sum(chart_seconds),
        "pages_bytes": size,
    }


def answers(wave_id: int) -> dict:
    from poet.models import Wave
    from reports.exporters import get_answers_exporter

    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.csv"
        started = time.perf_counter()
        with open(path, "wb") as out:
            get_answers_exporter("answers_csv").render(wave, out)
        seconds = time.perf_counter() - started
        with open(path, "rb") as f:
            rows = sum(1 for _ in f) - 1
        size = path.stat().st_size
    return {"seconds": seconds, "rows": rows, "bytes": size}


def copy(wave_id: int) -> dict:
    """The floor: the same answer rows straight out of PostgreSQL, no names, no neutralising."""
    from django.db import connection

    from surveys.models import Answer, Response

    sql = (
        f"COPY (SELECT a.response_id, r.audience, r.organisation_id, r.staff_group_id, "
        f"r.user_group_id, a.item_id, a.number, a.text, a.choices, a.dont_know "
        f"FROM {Answer._meta.db_table} a JOIN {Response._meta.db_table} r "
        f"ON r.id = a.response_id WHERE r.wave_id = {int(wave_id)}) TO STDOUT WITH (FORMAT csv)"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.csv"
        started = time.perf_counter()
        with open(path, "wb") as out, connection.cursor() as cursor, cursor.cursor.copy(sql) as s:
            for chunk in s:
                out.write(chunk)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    return {"seconds": seconds, "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated partnerships")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        wrapper = ROOT / "benchmarks" / "run_reports"
        os.execvp("bash", ["bash", str(wrapper), *(argv if argv is not None else sys.argv[1:])])
    _setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL or unset it.")
    print(
        f"{'staff':>7} {'respondents':>11} {'pdf s':>6} {'build s':>7} {'charts s':>8} "
        f"{'pdf MiB':>7} "
        f"{'rows':>9} {'answers s':>9} {'copy s':>6} {'ratio':>5} {'answers MiB':>11} "
        f"{'copy MiB':>8}",
        flush=True,
    )
    results = {}
    for staff in options.staff:
        wave = generate(staff, options.users)
        measure(run_comparison, wave.pk, 200)
        measure(copy, wave.pk)  # warm PostgreSQL's cache the same way for both
        pdfs, answer_runs, copies = [], [], []
        for _ in range(max(1, options.repeat)):
            copies.append(measure(copy, wave.pk))
            answer_runs.append(measure(answers, wave.pk))
            pdfs.append(measure(pdf, wave.pk))
        best = {
            name: min(found, key=lambda r: r["seconds"])
            for name, found in [("pdf", pdfs), ("answers", answer_runs), ("copy", copies)]
        }
        ratio = best["answers"]["seconds"] / best["copy"]["seconds"]
        results[staff] = best
        print(
            f"{staff:>7} {staff + options.users:>11} {best['pdf']['seconds']:>6.2f} "
            f"{best['pdf']['build']:>7.2f} {best['pdf']['chart_seconds']:>8.2f} "
            f"{best['pdf']['peak_rss_mib']:>7.0f} "
            f"{best['answers']['rows']:>9} {best['answers']['seconds']:>9.2f} "
            f"{best['copy']['seconds']:>6.2f} {ratio:>5.2f} "
            f"{best['answers']['peak_rss_mib']:>11.0f} {best['copy']['peak_rss_mib']:>8.0f}",
            flush=True,
        )
        if not options.keep:
            delete(wave)
    small, large = min(results), max(results)
    if small != large:
        growth = results[large]["pdf"]["seconds"] / results[small]["pdf"]["seconds"]
        print(f"summative PDF: {large} staff took {growth:.2f}x the time of {small} (target ≤ 1.5)")
        memory = [results[s]["answers"]["peak_rss_mib"] for s in sorted(results)]
        print(
            "answers CSV peak MiB by size: "
            + ", ".join(f"{s}: {m:.0f}" for s, m in zip(sorted(results), memory, strict=True))
        )
    worst = max(r["answers"]["seconds"] / r["copy"]["seconds"] for r in results.values())
    print(f"answers CSV: worst ratio to one COPY {worst:.2f} (target ≤ 2.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
