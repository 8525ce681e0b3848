"""Benchmark: the API's streamed tidy answers against the downloads page's file, in memory.

    python -m benchmarks.api_answers [--staff 200 2000 20000] [--users 500]

Without DATABASE_URL it re-runs itself under ``benchmarks/run_api_answers`` (a throwaway
PostgreSQL cluster). For each staff count it generates the wave of ``benchmarks/comparison.py``,
then, each in a fresh forked process so that peak memory is its own:

* file: the answers exporter writing the file, as the download job does (``benchmarks.reports``);
* api: ``GET /api/v1/…/answers.csv`` with an evaluator's token through Django's request handler,
  the StreamingHttpResponse read chunk by chunk and thrown away, as a server writes it to a socket.

Target: the API's peak memory stays within the file download's (both flat in the row count).
Not a timed test: the seconds are printed for the record.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from benchmarks.comparison import ROOT, _setup_django, delete, generate, measure
from benchmarks.reports import answers as file_download


def api(wave_id: int, token: str) -> dict:
    from django.test import Client

    from poet.models import Wave

    wave = Wave.objects.select_related("partnership").get(pk=wave_id)
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/answers.csv"
    client = Client(headers={"Authorization": f"Bearer {token}"}, SERVER_NAME="localhost")
    started = time.perf_counter()
    response = client.get(url, secure=True)  # production redirects plain HTTP
    if response.status_code != 200 or not response.streaming:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    size = rows = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
        chunks += 1
    response.close()
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows - 1,
        "bytes": size,
        "chunks": chunks,
    }


def _evaluator_token(wave) -> str:
    from django.contrib.auth import get_user_model

    from api.services.tokens import create_token
    from poet.models import Membership, Role

    user, _ = get_user_model().objects.get_or_create(username=f"bench-{wave.partnership.slug}")
    Membership.objects.get_or_create(
        user=user, partnership=wave.partnership, defaults={"role": Role.EVALUATOR}
    )
    return create_token(user, name="benchmark")[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--users", type=int, default=500)
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        wrapper = ROOT / "benchmarks" / "run_api_answers"
        os.execvp("bash", ["bash", str(wrapper), *(argv if argv is not None else sys.argv[1:])])
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    _setup_django()
    from django.urls import get_resolver

    import reports.exporters  # noqa: F401 - both children start from the same loaded modules

    assert get_resolver().url_patterns  # every view's modules, loaded before the children fork
    print(
        f"{'staff':>7} {'respondents':>11} {'rows':>9} {'file s':>6} {'api s':>6} "
        f"{'file MiB':>8} {'api MiB':>7} {'chunks':>8}",
        flush=True,
    )
    worst = 0.0
    for staff in options.staff:
        wave = generate(staff, options.users)
        token = _evaluator_token(wave)
        measure(file_download, wave.pk)  # warm PostgreSQL's cache the same way for both
        made = measure(file_download, wave.pk)
        streamed = measure(api, wave.pk, token)
        # Respondent numbers are drawn afresh for every file, so sizes differ by a few bytes.
        if streamed["rows"] != made["rows"]:
            raise SystemExit(f"the API sent {streamed} but the file is {made}")
        worst = max(worst, streamed["peak_rss_mib"] / made["peak_rss_mib"])
        print(
            f"{staff:>7} {staff + options.users:>11} {made['rows']:>9} "
            f"{made['seconds']:>6.2f} {streamed['seconds']:>6.2f} "
            f"{made['peak_rss_mib']:>8.0f} {streamed['peak_rss_mib']:>7.0f} "
            f"{streamed['chunks']:>8}",
            flush=True,
        )
        delete(wave)
    print(f"API stream peak memory: at most {worst:.2f}x the file download's (target ≤ 1.1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
