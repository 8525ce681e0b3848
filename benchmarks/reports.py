"""Benchmark: report downloads, the shortlist page and the raw answers as a wave grows.

    python -m benchmarks.reports [--staff 200 2000 20000] [--users 500] [--repeat 3]
                                 [--only-reports]

Without DATABASE_URL it re-runs itself under ``benchmarks/run_reports``, which starts a throwaway
PostgreSQL cluster (scripts/services.sh) and stops it afterwards.

First the showcase wave of the report tests (tests/reports/showcase.py), then for each staff count
the same wave as ``benchmarks/comparison.py`` (40 outcomes x 2 measures, 32 process items, a
top-three pick; ``--users`` service users and carers), each with one stored comparison run (200
resamples: the run is not what is measured here). Then, each in a fresh forked process so that
time and peak memory are its own:

* PDFs, summative and formative, each three ways: the baseline (what the PDF exporter did before
  issue 19: every chart drawn as SVG for every PDF, tables in WeasyPrint's automatic layout); the
  first PDF of the run (charts drawn and kept); and a later PDF (the run's charts read from
  where they are kept). Build + export into a file, as the download task does. The chart server
  (kaleido) is started and warmed before the clock starts, as in a worker process that has drawn
  a chart before. Reports read the stored comparison rows, not raw answers, so none of this
  should grow with the staff count (target: every PDF ≤ 3 s at any size). "cpu s" is this
  process's CPU time (not kaleido's Chromium): on a shared machine, the part that is the PDF's own.
* shortlist: the follow-up shortlist page as an evaluator gets it (the Django test client, one
  warm-up request; target ≤ 0.3 s at 20,000 staff).
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


def _builder(kind: str):
    from reports.content.formative import build_formative
    from reports.content.summative import build_summative

    return build_summative if kind == "summative" else build_formative


def _forget_charts(wave_id: int) -> None:
    """The run's kept chart images gone: the next PDF is the first of its run."""
    import shutil

    from reports.exporters.chart_images import wave_folder

    shutil.rmtree(wave_folder(wave_id), ignore_errors=True)


def pdf(wave_id: int, kind: str) -> dict:
    """A report and its PDF into a file, as the download task does, with whatever chart images
    the run has kept (the first PDF of a run draws them, later ones read them)."""
    import logging

    from poet.models import Wave
    from reports.exporters import get_exporter
    from reports.exporters import pdf as pdf_module
    from reports.exporters.pdf import chart_image, preload_renderer, start_chart_server

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    preload_renderer()  # as a worker does before forking (reports.tasks)
    _builder(kind)
    start_chart_server()
    chart_image({"data": [{"type": "bar", "x": ["a"], "y": [1]}]})  # warm, as a busy worker is
    chart_seconds = []

    def timed_chart(figure):
        began = time.perf_counter()
        try:
            return chart_image(figure)
        finally:
            chart_seconds.append(time.perf_counter() - began)

    pdf_module.chart_image = timed_chart
    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        cpu = time.process_time()
        started = time.perf_counter()
        report = _builder(kind)(wave)
        built = time.perf_counter() - started
        with open(path, "wb") as out:
            get_exporter("pdf").render(report, out)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
        pages = _pages(path)
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "build": built,
        "bytes": size,
        "pages": pages,
        "charts": sum(1 for _ in report.charts()),
        "drawn": len(chart_seconds),
        "chart_seconds": sum(chart_seconds),
    }


def charts_ahead(wave_id: int) -> dict:
    """The work of the job that draws a new run's charts ahead of its first PDF
    (`reports.services.charts`, English only): both reports built, their charts drawn and kept,
    from a warm chart server as in a busy worker."""
    from poet.models import Wave
    from reports.exporters.pdf import chart_image, keep_report_charts, start_chart_server

    start_chart_server()
    chart_image({"data": [{"type": "bar", "x": ["a"], "y": [1]}]})
    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    _forget_charts(wave_id)
    started = time.perf_counter()
    drawn = sum(keep_report_charts(_builder(kind)(wave))[0] for kind in ("summative", "formative"))
    return {"seconds": time.perf_counter() - started, "drawn": drawn}


def baseline_pdf(wave_id: int, kind: str) -> dict:
    """The PDF as it was made before issue 19: every chart drawn as SVG for every PDF (WeasyPrint
    parses and paints it), and tables in WeasyPrint's automatic layout (every cell measured)."""
    import logging

    from django.template.loader import render_to_string
    from weasyprint import HTML

    from poet.models import Wave
    from reports.exporters.base import layout
    from reports.exporters.pdf import chart_svg, preload_renderer, start_chart_server, svg_data_uri

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    preload_renderer()
    _builder(kind)
    start_chart_server()
    chart_svg({"data": [{"type": "bar", "x": ["a"], "y": [1]}]})
    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        cpu = time.process_time()
        started = time.perf_counter()
        report = _builder(kind)(wave)
        built = time.perf_counter() - started
        svgs = {}
        for chart in report.charts():
            svg = chart_svg(chart.figure)
            svgs[chart.key] = svg_data_uri(svg) if svg else None
        charted = time.perf_counter() - started - built
        html = render_to_string(
            "reports/downloads/report_pdf.html",
            {"report": report, "sections": layout(report, svgs), "charts_drawn": True},
        )
        HTML(string=html).write_pdf(
            str(path),
            pdf_variant="pdf/ua-1",
            pdf_identifier=f"poet-{report.kind}-{report.run_id}".encode(),
        )
        seconds = time.perf_counter() - started
        pages = _pages(path)
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "build": built,
        "pages": pages,
        "chart_seconds": charted,
    }


def _pages(path: Path) -> int:
    """The PDF's pages (pdfinfo, from poppler-utils; 0 without it)."""
    import re
    import subprocess

    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    except OSError:
        return 0
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(found.group(1)) if found else 0


def shortlist(wave_id: int) -> dict:
    """The follow-up shortlist page as an evaluator sees it (the Django test client: the whole
    middleware stack and template, no network). One request first, untimed, as a running server
    has served pages before (templates compiled, URLs imported)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from poet.models import Membership, Role, Wave

    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    user, _ = get_user_model().objects.get_or_create(username="benchmark-evaluator")
    Membership.objects.get_or_create(
        user=user, partnership=wave.partnership, defaults={"role": Role.EVALUATOR}
    )
    client = Client()
    client.force_login(user)
    address = reverse(
        "outcomes:shortlist", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    client.get(address, HTTP_HOST="localhost", secure=True)
    started = time.perf_counter()
    response = client.get(address, HTTP_HOST="localhost", secure=True)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"the shortlist page answered {response.status_code}")
    return {"seconds": seconds, "bytes": len(response.content)}


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


def showcase() -> int:
    """The showcase wave of the report tests (tests/reports/showcase.py): ten long library
    statements, real process domains, an organisation below k; with its comparison run."""
    from tests.reports.showcase import build_showcase

    return build_showcase().pk


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds"])


def _reports(wave_id: int, repeat: int) -> dict:
    """Both PDFs (baseline, first of the run, charts kept) and the shortlist page, fastest of
    `repeat`, interleaved."""
    found: dict[str, list[dict]] = {}
    for _ in range(max(1, repeat)):
        for kind in ("summative", "formative"):
            found.setdefault(f"{kind} baseline", []).append(measure(baseline_pdf, wave_id, kind))
            _forget_charts(wave_id)
            found.setdefault(f"{kind} first", []).append(measure(pdf, wave_id, kind))
            found.setdefault(f"{kind} kept", []).append(measure(pdf, wave_id, kind))
        found.setdefault("shortlist", []).append(measure(shortlist, wave_id))
        found.setdefault("ahead", []).append(measure(charts_ahead, wave_id))
    return {name: _best(runs) for name, runs in found.items()}


def _print_reports(label: str, best: dict) -> None:
    for kind in ("summative", "formative"):
        base, first, kept = (best[f"{kind} {when}"] for when in ("baseline", "first", "kept"))
        print(
            f"{label:>9} {kind:>9} {base['seconds']:>10.2f} {base['cpu']:>8.2f} "
            f"{first['seconds']:>7.2f} {first['chart_seconds']:>8.2f} "
            f"{kept['seconds']:>7.2f} {kept['cpu']:>7.2f} {kept['build']:>7.2f} "
            f"{kept['pages']:>5} {base['pages']:>5} {kept['peak_rss_mib']:>7.0f}",
            flush=True,
        )
    print(f"{label:>9} shortlist page {best['shortlist']['seconds']:.3f} s", flush=True)
    ahead = best["ahead"]
    print(
        f"{label:>9} charts drawn ahead (the job after a run, both reports): "
        f"{ahead['drawn']} in {ahead['seconds']:.2f} s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated partnerships")
    parser.add_argument(
        "--only-reports", action="store_true", help="PDFs and the shortlist only, no answers CSV"
    )
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        wrapper = ROOT / "benchmarks" / "run_reports"
        os.execvp("bash", ["bash", str(wrapper), *(argv if argv is not None else sys.argv[1:])])
    # Pages are rendered through the test client: plain static file names, no manifest needed.
    os.environ.setdefault(
        "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    _setup_django()
    from django.db import connection

    from poet.models import Wave

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL or unset it.")
    header = (
        f"{'staff':>9} {'report':>9} {'baseline s':>10} {'cpu s':>8} {'first s':>7} "
        f"{'charts s':>8} {'kept s':>7} {'cpu s':>7} {'build s':>7} {'pages':>5} {'was':>5} "
        f"{'MiB':>7}"
    )
    print("PDFs: baseline (SVG charts drawn for every PDF, automatic table layout), the first PDF")
    print("of a run (charts drawn and kept), and every later PDF (charts kept); fastest of each.")
    print("On workers a new run's charts are drawn ahead by a job (POET_CHARTS_AHEAD): its first")
    print("PDF is then 'kept'; 'first' is a PDF asked for before that job ends, or in-process.")
    print(header, flush=True)
    everything: dict[str, dict] = {}
    wave_id = showcase()
    everything["showcase"] = _reports(wave_id, options.repeat)
    _print_reports("showcase", everything["showcase"])
    if not options.keep:
        wave = Wave.objects.select_related("partnership").get(pk=wave_id)
        _forget_charts(wave_id)
        delete(wave)
    answers_lines = []
    for staff in options.staff:
        wave = generate(staff, options.users)
        measure(run_comparison, wave.pk, 200)
        everything[str(staff)] = _reports(wave.pk, options.repeat)
        _print_reports(str(staff), everything[str(staff)])
        if not options.only_reports:
            measure(copy, wave.pk)  # warm PostgreSQL's cache the same way for both
            answer_runs, copies = [], []
            for _ in range(max(1, options.repeat)):
                copies.append(measure(copy, wave.pk))
                answer_runs.append(measure(answers, wave.pk))
            best_answers, best_copy = _best(answer_runs), _best(copies)
            answers_lines.append(
                (staff, best_answers, best_copy, best_answers["seconds"] / best_copy["seconds"])
            )
        if not options.keep:
            _forget_charts(wave.pk)
            delete(wave)
    for when, said in (
        ("kept", "with the run's charts kept (drawn ahead on workers)"),
        ("first", "drawing the run's charts itself (in-process, or before they are drawn)"),
    ):
        slowest = max(
            (best[f"{kind} {when}"]["seconds"], label, kind)
            for label, best in everything.items()
            for kind in ("summative", "formative")
        )
        print(
            f"slowest PDF {said}: {slowest[0]:.2f} s ({slowest[2]}, {slowest[1]}; "
            f"target ≤ 3 s at any size)"
        )
    sizes = [label for label in everything if label != "showcase"]
    if sizes:
        largest = max(sizes, key=int)
        page = everything[largest]["shortlist"]["seconds"]
        print(f"shortlist page at {largest} staff: {page:.3f} s (target ≤ 0.3 s)")
    if answers_lines:
        print(
            f"{'staff':>7} {'rows':>9} {'answers s':>9} {'copy s':>6} {'ratio':>5} "
            f"{'answers MiB':>11} {'copy MiB':>8}"
        )
        for staff, best_answers, best_copy, ratio in answers_lines:
            print(
                f"{staff:>7} {best_answers['rows']:>9} {best_answers['seconds']:>9.2f} "
                f"{best_copy['seconds']:>6.2f} {ratio:>5.2f} "
                f"{best_answers['peak_rss_mib']:>11.0f} {best_copy['peak_rss_mib']:>8.0f}"
            )
        worst = max(line[3] for line in answers_lines)
        print(f"answers CSV: worst ratio to one COPY {worst:.2f} (target ≤ 2.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
