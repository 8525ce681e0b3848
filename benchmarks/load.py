"""Load benchmark: staff answering survey sections through gunicorn + PostgreSQL, nothing lost.

    benchmarks/run_load [--submissions 10000] [--clients 50] [--sections 20] [--floor 5000]

(``python -m benchmarks.load`` re-runs itself under ``benchmarks/run_load`` when DATABASE_URL is
unset; run_load starts a throwaway PostgreSQL cluster with scripts/services.sh.)

A wave is set up with a frozen questionnaire of ``--sections`` sections of ten Likert items and
one invitation (with its link token) per ``--sections`` submissions. gunicorn serves the real
settings (``poet.settings``, DEBUG off) with 2 sync workers on loopback, and the URLconf
``benchmarks.floor_urls`` (the real one plus a hello-world view, the floor). A small asyncio
HTTP/1.1 client (standard library only) runs ``--clients`` clients at once; each takes its share
of invitations and, for each, has its own session, exactly as a browser would:

1. render: exchange the token (``/s/<token>/``), then GET every section page (ten items each),
   taking the CSRF token from the page;
2. submit: POST every section (validate, store in one transaction, redirect), replay the last
   section's POST, then submit the survey on the review page and replay that POST too;
3. floor: ``--floor`` GETs of the hello-world view.

The run goes in rounds, one respondent per client at a time: render, a slice of the floor,
submit, another slice of the floor. Each phase is timed over its rounds (throughput,
p50/p95/p99 latency, and the CPU time of gunicorn's workers from ``/proc/<pid>/stat`` per
request), so the floor is measured in the same moments as the pages it is compared with: on a
shared machine a busy spell slows both sides of the ratio, not just one. Afterwards the database
is checked: every acknowledged section (a 302 to the next page) is in a response exactly once
with the values sent, every acknowledged submit is exactly one response, the replays stored
nothing, and no request failed. Targets (issue 7): submit ≥ 0.2x the floor's throughput,
render ≥ 0.1x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
ITEMS_PER_SECTION = 10
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- data --------------------------------------------------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poet.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-never-used-elsewhere")
    import django

    django.setup()


def build_wave(invitations: int, sections: int, *, items: int = ITEMS_PER_SECTION) -> tuple:
    """An open wave with a frozen questionnaire and `invitations` link tokens: (wave, tokens)."""
    from django.utils import timezone

    from poet.models import Organisation, Partnership, StaffGroup, Wave
    from surveys.models import (
        Invitation,
        InvitationToken,
        Item,
        Questionnaire,
        Section,
        new_token,
    )

    stamp = f"{os.getpid()}-{time.time_ns()}"
    partnership = Partnership.objects.create(name=f"Load {stamp}", slug=f"load-{stamp}")
    organisation = Organisation.objects.create(partnership=partnership, name="Northshire Council")
    group = StaffGroup.objects.create(partnership=partnership, name="Nurse")
    wave = Wave.objects.create(
        partnership=partnership, name="Load wave", slug="load-wave", status=Wave.Status.OPEN
    )
    questionnaire = Questionnaire.objects.create(
        wave=wave,
        title="Working together in our partnership",
        introduction="We want to know how the partnership feels to work in.",
        privacy_notice="Your answers are anonymous.",
        frozen_at=timezone.now(),
    )
    for s in range(sections):
        section = Section.objects.create(
            questionnaire=questionnaire, title=f"Working together {s + 1}", order=s
        )
        Item.objects.bulk_create(
            Item(
                section=section,
                code=f"P-{s + 1}-{i + 1}",
                kind=Item.Kind.LIKERT,
                scale=Item.Scale.AGREEMENT,
                text=f"Statement {i + 1} of section {s + 1} about working together.",
                required=True,
                order=i,
            )
            for i in range(items)
        )
    rows = Invitation.objects.bulk_create(
        Invitation(
            wave=wave,
            email=f"person{n}@example.org",
            organisation=organisation,
            staff_group=group,
        )
        for n in range(invitations)
    )
    tokens, token_rows = [], []
    for invitation in rows:
        token, token_hash = new_token()
        tokens.append(token)
        token_rows.append(InvitationToken(invitation=invitation, token_hash=token_hash))
    InvitationToken.objects.bulk_create(token_rows)
    return wave, tokens


def check_stored(wave, acknowledged_sections: int, submitted: int, value_sum: int) -> dict:
    """What the database holds for the wave, against what the server acknowledged."""
    from django.db.models import Count, Sum

    from surveys.models import Answer, Draft, Invitation, Response

    responses = Response.objects.filter(wave=wave)
    answers = Answer.objects.filter(response__wave=wave)
    duplicates = (
        answers.values("response_id", "item_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    per_response = set(
        responses.annotate(n=Count("answers")).values_list("n", flat=True).distinct()
    )
    return {
        "responses": responses.count(),
        "responses_acknowledged": submitted,
        "answers": answers.count(),
        "answers_acknowledged": acknowledged_sections * ITEMS_PER_SECTION,
        "answer_value_sum": answers.aggregate(s=Sum("number"))["s"] or 0,
        "answer_value_sum_sent": value_sum,
        "duplicate_answers": duplicates,
        "answers_per_response": sorted(per_response),
        "drafts_left": Draft.objects.filter(questionnaire__wave=wave).count(),
        "invitations_completed": Invitation.objects.filter(
            wave=wave, completed_on__isnull=False
        ).count(),
    }


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(database_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "poet.settings",
        "DATABASE_URL": database_url,
        "ROOT_URLCONF": "benchmarks.floor_urls",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Templates name static files; the manifest storage would need collectstatic first.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", ""),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "poet.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--backlog=2048",
            "--timeout=120",
            f"--error-logfile={log}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            if len(worker_pids(process.pid)) >= workers:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"gunicorn did not start:\n{text}")
        time.sleep(0.2)
    return process, port


def stop_gunicorn(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_pids(master: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{master}/task").glob("*/children"):
        children += [int(p) for p in task.read_text().split()]
    return children


def cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers (and the master), from /proc."""
    total = 0
    for pid in [master, *worker_pids(master)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLOCK_TICKS


def postgres_master() -> int | None:
    """The PostgreSQL server's process id when it runs on this machine and we may see it."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
            row = cursor.fetchone()
        pid = int((Path(row[0]) / "postmaster.pid").read_text().split()[0])
    except Exception:  # noqa: BLE001 - a remote server, or not allowed: leave the column out
        return None
    return pid if Path(f"/proc/{pid}").exists() else None


# --- the client --------------------------------------------------------------------------------


class HTTPError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, list[str]]
    body: str

    @property
    def location(self) -> str:
        return (self.headers.get("location") or [""])[0]


@dataclass
class Browser:
    """One respondent's cookies (their own session)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        body = urlencode(form or {}, doseq=True).encode() if method == "POST" else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Connection: close",
            "User-Agent: poet-load",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: http://127.0.0.1:{self.port}",
                f"Referer: http://127.0.0.1:{self.port}{path}",
            ]
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        head, _, content = raw.partition(b"\r\n\r\n")
        if not head:
            raise HTTPError(f"{method} {path}: empty reply")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, list[str]] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        for cookie in headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Reply(int(status_line.split()[1]), headers, content.decode("utf-8", "replace"))


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged_sections: int = 0
    submitted: int = 0
    value_sum: int = 0
    replays: int = 0

    def time(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)


async def timed(tally: Tally, kind: str, call) -> Reply | None:
    began = time.perf_counter()
    try:
        reply = await call
    except (OSError, HTTPError, asyncio.IncompleteReadError) as exc:
        tally.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
        return None
    tally.time(kind, time.perf_counter() - began)
    return reply


def expect(tally: Tally, reply: Reply | None, what: str, status: int, location: str = "") -> bool:
    if reply is None:
        return False
    if reply.status != status or (location and not reply.location.endswith(location)):
        tally.errors.append(f"{what}: {reply.status} {reply.location} {reply.body[:200]!r}")
        return False
    return True


@dataclass
class Respondent:
    browser: Browser
    token: str
    csrf: str = ""


async def render_phase(respondents: list[Respondent], sections: int, tally: Tally) -> None:
    for r in respondents:
        reply = await timed(tally, "exchange", r.browser.request("GET", f"/s/{r.token}/"))
        if not expect(tally, reply, "exchange", 302, "/s/"):
            continue
        for number in range(1, sections + 1):
            reply = await timed(tally, "render", r.browser.request("GET", f"/s/section/{number}/"))
            if expect(tally, reply, f"render {number}", 200):
                found = CSRF.search(reply.body)
                if found:
                    r.csrf = found.group(1)
                else:
                    tally.errors.append(f"render {number}: no CSRF token")


async def submit_phase(
    respondents: list[Respondent], sections: int, tally: Tally, rng: random.Random
) -> None:
    for r in respondents:
        if not r.csrf:
            continue
        for number in range(1, sections + 1):
            values = {f"P-{number}-{i + 1}": rng.randint(1, 5) for i in range(ITEMS_PER_SECTION)}
            form = {"csrfmiddlewaretoken": r.csrf, "action": "continue", **values}
            path = f"/s/section/{number}/"
            after = "/s/review/" if number == sections else f"/s/section/{number + 1}/"
            reply = await timed(tally, "submit", r.browser.request("POST", path, form))
            if not expect(tally, reply, f"submit {number}", 302, after):
                break
            tally.acknowledged_sections += 1
            tally.value_sum += sum(values.values())
            if number == sections:  # the same POST again (a double click): nothing new
                reply = await timed(tally, "replay", r.browser.request("POST", path, form))
                if expect(tally, reply, "replayed section", 302, after):
                    tally.replays += 1
        else:
            form = {"csrfmiddlewaretoken": r.csrf}
            reply = await timed(tally, "finish", r.browser.request("POST", "/s/review/", form))
            if expect(tally, reply, "finish", 302, "/s/thank-you/"):
                tally.submitted += 1
                reply = await timed(tally, "replay", r.browser.request("POST", "/s/review/", form))
                if expect(tally, reply, "replayed finish", 302, "/s/thank-you/"):
                    tally.replays += 1


async def floor_phase(browser: Browser, count: int, tally: Tally) -> None:
    for _ in range(count):
        reply = await timed(tally, "floor", browser.request("GET", "/__floor__/"))
        if expect(tally, reply, "floor", 200) and reply.body != "Hello, world":
            tally.errors.append("floor: unexpected body")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0


@dataclass
class Phase:
    """One kind of request, timed over every round it ran in."""

    name: str
    kinds: list[str]
    database: int | None = None
    seconds: float = 0.0
    cpu: float = 0.0
    database_cpu: float = 0.0
    client_cpu: float = 0.0

    async def run(self, master: int, jobs: list) -> None:
        before = (cpu_seconds(master), self._database(), time.process_time())
        began = time.perf_counter()
        await asyncio.gather(*jobs)
        self.seconds += time.perf_counter() - began
        self.cpu += cpu_seconds(master) - before[0]
        self.database_cpu += self._database() - before[1]
        self.client_cpu += time.process_time() - before[2]

    def _database(self) -> float:
        return cpu_seconds(self.database) if self.database else 0.0

    def figures(self, tally: Tally) -> dict:
        requests = sum(len(tally.latencies.get(k, [])) for k in self.kinds)
        measured = tally.latencies.get(self.kinds[0], [])
        return {
            "phase": self.name,
            "requests": requests,
            "measured": len(measured),
            "seconds": round(self.seconds, 2),
            "throughput": round(len(measured) / self.seconds, 1) if self.seconds else 0,
            "cpu_ms_per_request": round(1000 * self.cpu / requests, 2) if requests else 0,
            "database_cpu_ms_per_request": (
                round(1000 * self.database_cpu / requests, 2)
                if requests and self.database
                else None
            ),
            "client_cpu_ms_per_request": (
                round(1000 * self.client_cpu / requests, 2) if requests else 0
            ),
            "p50_ms": round(1000 * percentile(measured, 50), 1),
            "p95_ms": round(1000 * percentile(measured, 95), 1),
            "p99_ms": round(1000 * percentile(measured, 99), 1),
        }


def run_async(coroutine):
    """asyncio.run in a thread of its own: the caller may already have a running event loop
    (pytest with Playwright's sync API does)."""
    import threading

    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run(
    *,
    submissions: int,
    clients: int,
    sections: int,
    floor: int,
    database_url: str,
    workers: int = 2,
    seed: int = 7,
) -> dict:
    """Set up, drive, check; returns the figures (Django must be set up on the same database)."""
    invitations = max(clients, -(-submissions // sections))
    wave, tokens = build_wave(invitations, sections)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"poet-load-gunicorn-{os.getpid()}.log"
    process, port = start_gunicorn(database_url, workers, log)
    tally, rng = Tally(), random.Random(seed)
    try:
        share = [tokens[n::clients] for n in range(clients)]
        people = [[Respondent(Browser(port), t) for t in mine] for mine in share]
        rounds = max(len(mine) for mine in people)
        database = postgres_master()
        render = Phase("render", ["render", "exchange"], database)
        submit = Phase("submit", ["submit", "replay", "finish"], database)
        hello = Phase("floor", ["floor"], database)

        async def drive() -> list[dict]:
            # Round r: every client's r-th respondent renders, a slice of the floor runs, they
            # submit, another slice of the floor: the floor is measured in the same moments as
            # the pages, so a busy spell on a shared machine weighs on both sides of the ratio.
            slice_ = -(-floor // (2 * rounds * clients))
            for r in range(rounds):
                now = [mine[r : r + 1] for mine in people]
                await render.run(process.pid, [render_phase(p, sections, tally) for p in now])
                await hello.run(
                    process.pid,
                    [floor_phase(Browser(port), slice_, tally) for _ in range(clients)],
                )
                await submit.run(process.pid, [submit_phase(p, sections, tally, rng) for p in now])
                await hello.run(
                    process.pid,
                    [floor_phase(Browser(port), slice_, tally) for _ in range(clients)],
                )
            return [phase.figures(tally) for phase in (render, submit, hello)]

        phases = run_async(drive())
    finally:
        stop_gunicorn(process)
    stored = check_stored(wave, tally.acknowledged_sections, tally.submitted, tally.value_sum)
    by_name = {p["phase"]: p for p in phases}
    floor_rate = by_name["floor"]["throughput"] or 1
    return {
        "clients": clients,
        "sections_per_survey": sections,
        "items_per_section": ITEMS_PER_SECTION,
        "invitations": invitations,
        "gunicorn_workers": workers,
        "phases": phases,
        "submit_vs_floor": round(by_name["submit"]["throughput"] / floor_rate, 3),
        "render_vs_floor": round(by_name["render"]["throughput"] / floor_rate, 3),
        "acknowledged_sections": tally.acknowledged_sections,
        "acknowledged_submits": tally.submitted,
        "replays": tally.replays,
        "errors": len(tally.errors),
        "first_errors": tally.errors[:10],
        "stored": stored,
        "gunicorn_log": str(log),
    }


def problems(result: dict) -> list[str]:
    """Why a run fails its promises (empty when nothing was lost and nothing failed)."""
    s = result["stored"]
    found = []
    if result["errors"]:
        found.append(f"{result['errors']} requests failed: {result['first_errors']}")
    if s["answers"] != s["answers_acknowledged"]:
        found.append(f"{s['answers']} answers stored, {s['answers_acknowledged']} acknowledged")
    if s["answer_value_sum"] != s["answer_value_sum_sent"]:
        found.append("the stored answers are not the values sent")
    if s["responses"] != s["responses_acknowledged"]:
        found.append(
            f"{s['responses']} responses stored, {s['responses_acknowledged']} acknowledged"
        )
    if s["duplicate_answers"]:
        found.append(f"{s['duplicate_answers']} answers stored twice")
    if s["invitations_completed"] != s["responses"] or s["drafts_left"]:
        found.append("invitations, drafts and responses disagree")
    return found


def print_result(result: dict) -> None:
    heads = ("requests", "req/s", "CPU ms/req", "DB CPU", "client CPU", "p50", "p95", "p99")
    print(f"{'phase':8}" + "".join(f" {h:>10}" for h in heads))
    for p in result["phases"]:
        print(
            f"{p['phase']:8}"
            + "".join(
                f" {p[k]:>10}"
                for k in ("measured", "throughput", "cpu_ms_per_request")
                + ("database_cpu_ms_per_request", "client_cpu_ms_per_request")
                + ("p50_ms", "p95_ms", "p99_ms")
            )
        )
    s = result["stored"]
    print(
        f"submit/floor throughput {result['submit_vs_floor']} (target ≥ 0.2), "
        f"render/floor {result['render_vs_floor']} (target ≥ 0.1)"
    )
    print(
        f"sections acknowledged {result['acknowledged_sections']}, answers stored {s['answers']} "
        f"of {s['answers_acknowledged']} acknowledged; responses {s['responses']} of "
        f"{s['responses_acknowledged']}; replays {result['replays']}; errors {result['errors']}"
    )
    print(json.dumps(result, indent=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--floor", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return subprocess.call([str(ROOT / "benchmarks" / "run_load"), *sys.argv[1:]])
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = run(
        submissions=args.submissions,
        clients=args.clients,
        sections=args.sections,
        floor=args.floor,
        database_url=os.environ["DATABASE_URL"],
        workers=args.workers,
    )
    print_result(result)
    found = problems(result)
    for problem in found:
        print("FAILED:", problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
