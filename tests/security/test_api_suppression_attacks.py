"""The suppression attacks of the test suite, run through the API (issue 18, acceptance): what a
script with a token can read must give away no group below k, exactly as the pages must not.

- The table attacks of `test_suppression_attacks` (a figure of a small group shown, differencing:
  total minus the visible siblings, bounds: hidden counts pinned by their invited numbers) on the
  seeded wave with its 2-staff organisation and 3-staff group, over every API source of figures.
- The linear-programming attacker of `test_disclosure_attacks` on random partnerships, with every
  figure the API gives as an equation over the cells.

API sources are plugged in by the path of their operation in the OpenAPI document (`SOURCES`):
each turns the JSON it answers into the tables (and equations) the attacks read. Every operation
that reads (GET) must be a source or say why it shows no figure about a group of people
(`NO_GROUP_FIGURES`): a new endpoint without either fails `test_every_read_is_attacked_or_says_why`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings

from api.services.tokens import create_token
from poet.models import Role
from tests.factories import member
from tests.security import test_suppression_attacks as page_attacks
from tests.security.test_disclosure_attacks import (
    Figure,
    Plan,
    _member,
    _true_people,
    build,
    compute,
    plans,
)
from tests.security.test_suppression_attacks import (
    K,
    bounds_leaks,
    csv_tables,
    differencing_leaks,
    families,
    small_group_columns,
    small_group_shown,
)

pytestmark = pytest.mark.django_db
seeded = page_attacks.seeded  # the fixture: the very wave the pages are attacked on

API = "/api/v1"
WAVE = f"{API}/partnerships/{{partnership}}/waves/{{wave}}"
EXAMPLES = int(os.environ.get("API_DISCLOSURE_EXAMPLES", "10"))

Table = list[list[str]]


# --- reading the API ---------------------------------------------------------------------------


def fetch_all(client: Client, url: str) -> dict | list:
    """The JSON of an operation; for a paged list, every item of every page."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    body = response.json()
    if not (isinstance(body, dict) and set(body) == {"items", "count"}):
        return body
    items = list(body["items"])
    while len(items) < body["count"]:
        page = client.get(url, {"offset": len(items), "limit": 100}).json()
        assert page["items"], "a page came back empty before the count was reached"
        items += page["items"]
    return items


def _cell(row: dict, key: str) -> str:
    """A figure as the page writes it: the number, or the reason it is hidden."""
    value = row.get(key)
    if value is None:
        return row.get(f"{key}_hidden") or "hidden"
    return str(value)


# --- the sources of figures: JSON as tables and as equations -------------------------------------


@dataclass
class Source:
    """An operation that shows figures about groups of people: its answer as the attacks'
    tables (first column the group, a "Total" row) and as equations over the cells (organisation
    x staff group) for the linear-programming attacker."""

    tables: Callable[[dict | list], list[Table]]
    equations: Callable[[dict | list, Plan], dict[str, list[tuple[list[int], int]]]]


def response_count_tables(body) -> list[Table]:
    """As the Responses page: the column of other ways in (open link, imports) only when
    there are any (`show_open`)."""
    more = ["Open"] if body["show_open"] else []
    header = ["group", "Invited", "Completed", *more, "Rate"]
    overall = body["overall"]

    def row(name: str, r: dict) -> list[str]:
        rate = "hidden" if r["rate"] is None else f"{r['rate']}%"
        other = [_cell(r, "open")] if more else []
        return [name, str(r["invited"]), _cell(r, "completed"), *other, rate]

    total = row("Total", overall)
    tables = [
        [header, *(row(r["name"], r) for r in body[breakdown]), total]
        for breakdown in ("by_organisation", "by_staff_group")
    ]
    if body["by_language"]:  # as the page's "By language" table: responses in each language
        tables.append(
            [
                ["language", "Responses"],
                *([r["name"], _cell(r, "responses")] for r in body["by_language"]),
                ["Total", _cell(overall, "responses")],
            ]
        )
    return tables


def response_count_equations(body, plan: Plan) -> dict[str, list[tuple[list[int], int]]]:
    cells = sorted(plan.invited)
    shown: list[tuple[list[int], int]] = []
    if body["overall"]["completed"] is not None:
        shown.append(([1] * len(cells), body["overall"]["completed"]))
    for breakdown, key in (("organisation", "by_organisation"), ("staff_group", "by_staff_group")):
        for r in body[key]:
            if r["completed"] is not None:
                shown.append(([_member(c, breakdown, r["name"]) for c in cells], r["completed"]))
    return {"responses": shown}


def _as_csv(rows: list) -> str:
    """The comparison rows back as the comparison CSV (they are its rows, as JSON)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {
                k: "" if v is None else str(v).lower() if v is True or v is False else v
                for k, v in r.items()
            }
        )
    return out.getvalue()


def comparison_row_tables(rows) -> list[Table]:
    return csv_tables(_as_csv(rows)) if rows else []


def comparison_row_equations(rows, plan: Plan) -> dict[str, list[tuple[list[int], int]]]:
    cells = sorted(plan.invited)
    out: dict[str, list[tuple[list[int], int]]] = {}
    for r in rows:
        if r["suppressed"]:
            continue
        code = f"{r['outcome']}.{r['measure']}"
        if r["n_staff"]:
            members = [_member(c, r["breakdown"], r["group"]) for c in cells]
            out.setdefault(f"staff:{code}", []).append((members, int(r["n_staff"])))
    return out


SOURCES: dict[str, Source] = {
    f"{WAVE}/response-counts/": Source(response_count_tables, response_count_equations),
    f"{WAVE}/comparison/rows/": Source(comparison_row_tables, comparison_row_equations),
}

# Reads that show no figure about a group of people, and why (or where they are attacked).
NO_GROUP_FIGURES: dict[str, str] = {
    f"{API}/partnerships/": "names, roles and settings",
    f"{API}/partnerships/{{partnership}}/": "names, roles and settings",
    f"{API}/partnerships/{{partnership}}/waves/": "names, dates and states",
    f"{WAVE}/": "names, dates and states",
    f"{API}/partnerships/{{partnership}}/organisations/": "names",
    f"{API}/partnerships/{{partnership}}/staff-groups/": "names",
    f"{API}/partnerships/{{partnership}}/user-groups/": "names",
    f"{API}/partnerships/{{partnership}}/jobs/{{job_id}}/": "a job's state and progress",
    f"{WAVE}/comparison/": "the run's totals of everyone, as the wave page shows them",
    f"{WAVE}/downloads/{{job_id}}/file/": (
        "the downloads page's file, byte for byte: attacked as such in test_suppression_attacks"
    ),
    f"{WAVE}/answers.csv": "the raw answers file of the downloads page (k-anonymous microdata)",
}


def present_sources(client: Client) -> dict[str, Source]:
    paths = client.get(f"{API}/schema/").json()["paths"]
    return {path: source for path, source in SOURCES.items() if path in paths}


def test_every_read_is_attacked_or_says_why(client):
    paths = client.get(f"{API}/schema/").json()["paths"]
    reads = [path for path, item in paths.items() if "get" in item]
    missing = [p for p in reads if p not in SOURCES and p not in NO_GROUP_FIGURES]
    assert not missing, f"add each to SOURCES (attacked) or NO_GROUP_FIGURES (why not): {missing}"
    assert f"{WAVE}/response-counts/" in reads


# --- the table attacks on the seeded wave ---------------------------------------------------------


@pytest.fixture
def api_tables(client, seeded) -> dict[str, Table]:
    """Every table of figures the API gives a partnership administrator about the seeded wave."""
    built, _ = seeded
    wave = built.wave
    raw = create_token(member(wave.partnership, Role.ADMINISTRATOR), name="attacker")[1]
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    found: dict[str, Table] = {}
    for path, source in present_sources(client).items():
        url = path.format(partnership=wave.partnership.slug, wave=wave.slug)
        for n, table in enumerate(source.tables(fetch_all(api, url))):
            found[f"{path} table {n + 1}"] = table
    return found


def test_the_api_sources_are_attacked(api_tables):
    assert any("response-counts" in where for where in api_tables)
    assert all(len(table) >= 3 for table in api_tables.values())


def test_no_figure_of_a_small_group_comes_through_the_api(api_tables, seeded):
    _, counts = seeded
    problems = []
    for where, table in api_tables.items():
        problems += small_group_shown(where, table, counts)
        problems += small_group_columns(where, table, counts)
    assert not problems, "\n".join(problems)


def test_differencing_through_the_api_recovers_nothing(api_tables):
    checked, leaks = 0, []
    for where, table in api_tables.items():
        for family in families(where, table):
            checked += 1
            leaks += differencing_leaks(family)
    assert checked >= 2, "the attack found too few families to be meaningful"
    assert not leaks, "\n".join(leaks)


def test_invited_numbers_from_the_api_pin_no_hidden_count(api_tables):
    leaks = []
    for where, table in api_tables.items():
        leaks += bounds_leaks(where, table)
    assert not leaks, "\n".join(leaks)


def test_the_small_groups_are_hidden_in_the_response_counts(api_tables, seeded):
    """The attacks above would be empty if nothing small were there: it is, and hidden."""
    rows = {
        row[0]: row
        for where, table in api_tables.items()
        if "response-counts" in where
        for row in table[1:]
    }
    assert K > 2
    for small in ("Tiny Trust", "Porters"):
        assert "fewer than" in rows[small][2], rows[small]


# --- the linear-programming attacker on random partnerships ---------------------------------------


def api_equations(plan: Plan, client: Client) -> dict[str, Figure]:
    """Every figure the API gives about the plan's wave, as equations over its cells."""
    wave = plan.wave
    assert wave is not None
    raw = create_token(member(wave.partnership, Role.ADMINISTRATOR), name="attacker")[1]
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    cells = sorted(plan.invited)
    truth = _true_people(plan)
    figures: dict[str, Figure] = {}
    for path, source in present_sources(client).items():
        url = path.format(partnership=wave.partnership.slug, wave=wave.slug)
        for name, shown in source.equations(fetch_all(api, url), plan).items():
            ceilings = dict(plan.invited) if name == "responses" else {}
            figure = figures.setdefault(name, Figure(cells, dict(truth[name]), ceilings=ceilings))
            for members, value in shown:
                figure.add(members, value)
    return figures


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=plans())
def test_the_attacker_pins_nothing_through_the_api(client, plan):
    with transaction.atomic():
        build(plan)
        if not plan.staff:
            transaction.set_rollback(True)
            return
        compute(plan.wave)
        figures = api_equations(plan, client)
        leaks = [
            f"{name}: cells {[figure.cells[c] for c in pinned.cells]} pinned"
            for name, figure in figures.items()
            for pinned in figure.pinned(plan.k)
        ]
        transaction.set_rollback(True)
    assert "responses" in figures or not plan.staff
    assert not leaks, "\n".join(leaks)
