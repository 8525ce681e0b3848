"""The insider attack on a whole release (issue 13): random partnerships, the real pipeline, and
the linear-programming attacker of tests/security/attacker.py on everything a role can get.

Hypothesis draws partnerships with random organisation x staff group structures and small cells
(a staff list with invitations, who completed, don't-know answers, service users and carers), the
comparison runs through the same service the worker runs, and every table of the run is read as
it is stored and shown: comparison rows (the comparison page and CSV), the staff summary and
consensus (the shortlist), the process domains (the formative report), and the live response
rates. Every shown figure is an equation over the cells; the attacker knows which cells have
people and, from the staff list, how many were invited. No cell and no union of cells holding
1 to k-1 people may be pinned. The named attacks of the issue run through the same pipeline.

``DISCLOSURE_EXAMPLES`` sets how many partnerships are drawn (docs/reliability.md reports a run).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave
from reports.exporters.csv import write_comparison_csv
from reports.models import ComparisonRun
from surveys.models import Answer, Invitation, Item, Questionnaire, Response, Section
from surveys.selectors import response_rates
from tests.conftest import ROOT
from tests.factories import WaveFactory
from tests.security.attacker import STATS, pinned_groups

pytestmark = pytest.mark.django_db
DAY = "2026-11-02"
OUTCOMES = ("O-A", "O-B")
MEASURES = ("importance", "achievement")
DOMAINS = {"trust": ("trust-1", "trust-2"), "vision": ("vision-1", "vision-2")}
EXAMPLES = int(os.environ.get("DISCLOSURE_EXAMPLES", "25"))


# --- building a wave -------------------------------------------------------------------------


@dataclass
class Person:
    organisation: str
    group: str
    answers: dict[str, float | None]  # item code -> value, None = don't know


@dataclass
class Plan:
    k: int
    invited: dict[tuple[str, str], int]
    staff: list[Person]
    users: list[tuple[str, dict[str, float | None]]]  # (audience, answers)
    wave: Wave | None = None
    cells: list[tuple[str, str]] = field(default_factory=list)


def _answers(rng: random.Random, codes) -> dict[str, float | None]:
    return {c: (None if rng.random() < 0.15 else float(rng.randint(1, 5))) for c in codes}


def build(plan: Plan) -> Wave:
    """The wave of a plan, closed, with its staff list, responses and answers."""
    wave = WaveFactory(status=Wave.Status.CLOSED)
    p = wave.partnership
    p.minimum_group_size = plan.k
    p.save(update_fields=["minimum_group_size"])
    organisations = {
        o: Organisation.objects.create(partnership=p, name=o) for o in {o for o, _ in plan.invited}
    }
    groups = {
        g: StaffGroup.objects.create(partnership=p, name=g) for g in {g for _, g in plan.invited}
    }
    older = UserGroup.objects.create(partnership=p, name="Older people")
    staff_q = Questionnaire.objects.create(wave=wave, title="Staff")
    users_q = Questionnaire.objects.create(
        wave=wave, title="Follow-up", audience=Questionnaire.For.FOLLOW_UP
    )
    items: dict[tuple[int, str], Item] = {}
    for questionnaire in (staff_q, users_q):
        section = Section.objects.create(questionnaire=questionnaire, title="Outcomes")
        for code in OUTCOMES:
            statement, _ = OutcomeStatement.objects.get_or_create(
                partnership=p, code=code, defaults={"text": f"I can {code}"}
            )
            for measure in MEASURES:
                items[(questionnaire.pk, f"{code}.{measure}")] = Item.objects.create(
                    section=section,
                    code=f"{code}.{measure}",
                    kind=Item.Kind.LIKERT,
                    outcome=statement,
                    measure=measure,
                    text="?",
                )
    process = Section.objects.create(questionnaire=staff_q, title="Working together")
    for domain, codes in DOMAINS.items():
        for code in codes:
            items[(staff_q.pk, code)] = Item.objects.create(
                section=process, code=code, kind=Item.Kind.LIKERT, domain=domain, text="?"
            )
    completed: dict[tuple[str, str], int] = defaultdict(int)
    answers = []
    for person in plan.staff:
        completed[(person.organisation, person.group)] += 1
        response = Response.objects.create(
            wave=wave,
            questionnaire=staff_q,
            audience=Audience.STAFF,
            organisation=organisations[person.organisation],
            staff_group=groups[person.group],
            submitted_on=DAY,
        )
        answers += _stored(response, items, staff_q, person.answers)
    for (o, g), n in plan.invited.items():
        Invitation.objects.bulk_create(
            Invitation(
                wave=wave,
                organisation=organisations[o],
                staff_group=groups[g],
                email=f"{o}.{g}.{i}@example.org",
                completed_on=DAY if i < completed[(o, g)] else None,
            )
            for i in range(n)
        )
    for audience, values in plan.users:
        response = Response.objects.create(
            wave=wave,
            questionnaire=users_q,
            audience=audience,
            user_group=older,
            submitted_on=DAY,
        )
        answers += _stored(response, items, users_q, values)
    Answer.objects.bulk_create(answers)
    plan.wave = wave
    return wave


def _stored(response, items, questionnaire, values) -> list[Answer]:
    return [
        Answer(response=response, item=items[(questionnaire.pk, code)], dont_know=True)
        if value is None
        else Answer(response=response, item=items[(questionnaire.pk, code)], number=value)
        for code, value in values.items()
    ]


def compute(wave: Wave) -> ComparisonRun:
    call_command(
        "run_comparison",
        wave.partnership.slug,
        wave.slug,
        "--resamples",
        "5",
        stdout=io.StringIO(),
    )
    return ComparisonRun.objects.filter(wave=wave).latest("pk")


# --- what the attacker reads ---------------------------------------------------------------------


@dataclass
class Figure:
    """One figure's shown margins (rows over cells) and the true people of each cell."""

    cells: list
    people: dict
    ceilings: dict = field(default_factory=dict)
    shown: list[tuple[list[int], int]] = field(default_factory=list)

    def add(self, members: list[int], value: int) -> None:
        self.shown.append((members, value))

    def pinned(self, k: int):
        cells = self.cells
        people = np.array([self.people.get(c, 0) for c in cells])
        ceilings = np.array([self.ceilings.get(c, np.inf) for c in cells], dtype=float)
        rows = np.array([m for m, _ in self.shown], dtype=float).reshape(-1, len(cells))
        # what is shown is what the data says: the attack works on true equations
        for members, value in self.shown:
            assert sum(people[i] for i, on in enumerate(members) if on) == value
        return pinned_groups(rows, people, k, ceilings=ceilings)


def _member(cell: tuple[str, str], breakdown: str, group: str) -> int:
    if breakdown == "organisation":
        return int(cell[0] == group)
    if breakdown == "staff_group":
        return int(cell[1] == group)
    return 1


def _true_people(plan: Plan) -> dict[str, dict]:
    """People behind each figure and cell, from the plan (not from the product)."""
    people: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for person in plan.staff:
        cell = (person.organisation, person.group)
        for code, value in person.answers.items():
            if value is not None and "." in code:
                people[f"staff:{code}"][cell] += 1
        for domain, codes in DOMAINS.items():
            answered = sum(person.answers[c] is not None for c in codes)
            if answered * 2 >= len(codes):
                people[f"domain:{domain}"][cell] += 1
        people["responses"][cell] += 1
    for audience, values in plan.users:
        for code, value in values.items():
            if value is not None:
                people[f"users:{code}"][audience] += 1
    return people


def figures_of_the_release(plan: Plan, run: ComparisonRun) -> dict[str, Figure]:
    """Every table a manager or evaluator can get for the run, as equations."""
    cells = sorted(plan.invited)
    audiences = ["carer", "service_user"]
    truth = _true_people(plan)
    out: dict[str, Figure] = {}

    def staff_figure(name: str) -> Figure:
        # Response counts are bounded by the staff list; answers only below (that everyone in
        # a cell answered says nothing of their answers).
        ceilings = dict(plan.invited) if name == "responses" else {}
        return out.setdefault(name, Figure(cells, dict(truth[name]), ceilings=ceilings))

    text = io.StringIO()
    write_comparison_csv(run, text)  # what the comparison page and its CSV show
    for row in csv.DictReader(io.StringIO(text.getvalue())):
        if row["suppressed"] == "true":
            continue
        code = f"{row['outcome']}.{row['measure']}"
        if row["n_staff"] not in ("", "0"):
            members = [_member(c, row["breakdown"], row["group"]) for c in cells]
            staff_figure(f"staff:{code}").add(members, int(row["n_staff"]))
        if row["n_users"] not in ("", "0"):
            users = out.setdefault(f"users:{code}", Figure(audiences, dict(truth[f"users:{code}"])))
            on = [int(row["breakdown"] != "audience" or a == row["group"]) for a in audiences]
            users.add(on, int(row["n_users"]))
    for record in [*run.staff_summary, *run.staff_consensus]:  # the shortlist
        if not record["suppressed"]:
            code = f"{record['outcome']}.{record['measure']}"
            staff_figure(f"staff:{code}").add([1] * len(cells), int(record["n"]))
    for record in run.domain_summary:  # the formative report
        if not record["suppressed"] and record["n"]:
            members = [_member(c, record["breakdown"], record["group"]) for c in cells]
            staff_figure(f"domain:{record['domain']}").add(members, int(record["n"]))
    rates = response_rates(plan.wave)  # the response-rate page and the formative report
    responses = staff_figure("responses")
    if rates["overall"]["completed"] is not None:
        responses.add([1] * len(cells), rates["overall"]["completed"])
    for breakdown, rows in (
        ("organisation", rates["by_organisation"]),
        ("staff_group", rates["by_staff_group"]),
    ):
        for row in rows:
            if row["completed"] is not None:
                responses.add([_member(c, breakdown, row["name"]) for c in cells], row["completed"])
    return out


def attack(plan: Plan, run: ComparisonRun) -> list[str]:
    found = []
    for name, figure in figures_of_the_release(plan, run).items():
        for pinned in figure.pinned(plan.k):
            found.append(f"{name}: cells {[figure.cells[c] for c in pinned.cells]} pinned")
    return found


# --- random partnerships -------------------------------------------------------------------------


@st.composite
def plans(draw) -> Plan:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.sampled_from([3, 4, 5]))
    organisations = [f"Org {c}" for c in "ABC"[: draw(st.integers(1, 3))]]
    groups = [f"Group {c}" for c in "XYZ"[: draw(st.integers(1, 3))]]
    invited: dict[tuple[str, str], int] = {}
    staff: list[Person] = []
    codes = [f"{o}.{m}" for o in OUTCOMES for m in MEASURES]
    codes += [c for pair in DOMAINS.values() for c in pair]
    for o in organisations:
        for g in groups:
            if not draw(st.booleans()) and invited:
                continue
            size = draw(st.sampled_from([1, 2, 3, 4, 6, 9, 14]))
            answered = draw(st.sampled_from([size, size, size - 1, size // 2, 0]))
            invited[(o, g)] = size
            staff += [Person(o, g, _answers(rng, codes)) for _ in range(max(answered, 0))]
    users = []
    for audience in ("service_user", "carer"):
        n = draw(st.sampled_from([0, 1, 2, 4, 8]))
        users += [
            (audience, _answers(rng, [f"{o}.{m}" for o in OUTCOMES for m in MEASURES]))
            for _ in range(n)
        ]
    return Plan(k, invited, staff, users)


@pytest.fixture(scope="module", autouse=True)
def _figures_for_the_docs():
    """What the random attack tried, written where docs/reliability.md says."""
    STATS.clear()
    yield
    if STATS["structures"]:
        path = ROOT / "test-artifacts" / "disclosure-attack.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(dict(STATS), indent=2, sort_keys=True))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=plans())
def test_the_attacker_pins_nothing_in_any_release(plan):
    with transaction.atomic():
        build(plan)
        if not plan.staff:
            transaction.set_rollback(True)
            return
        run = compute(plan.wave)
        leaks = attack(plan, run)
        transaction.set_rollback(True)
    STATS["structures"] += 1
    STATS["pinned"] += len(leaks)
    assert not leaks, "\n".join(leaks)


# --- the named attacks of the issue --------------------------------------------------------------


def _people(organisation: str, group: str, n: int, value: float = 5.0) -> list[Person]:
    codes = [f"{o}.{m}" for o in OUTCOMES for m in MEASURES]
    codes += [c for pair in DOMAINS.values() for c in pair]
    return [Person(organisation, group, dict.fromkeys(codes, value)) for _ in range(n)]


def _users(n: int = 12) -> list:
    return [("service_user", {f"{o}.{m}": 3.0 for o in OUTCOMES for m in MEASURES})] * n


def _shown(run: ComparisonRun, breakdown: str, group: str) -> bool:
    row = run.rows.filter(
        outcome="O-A", measure="importance", breakdown=breakdown, group=group
    ).get()
    return not row.suppressed


def test_two_tiny_organisations_are_not_the_total_minus_the_main_one():
    plan = Plan(
        10,
        {("Tiny A", "Staff"): 3, ("Tiny B", "Staff"): 5, ("Main Org", "Staff"): 24},
        _people("Tiny A", "Staff", 3, 1.0)
        + _people("Tiny B", "Staff", 4, 1.0)
        + _people("Main Org", "Staff", 20, 4.0),
        _users(),
    )
    build(plan)
    run = compute(plan.wave)
    assert not attack(plan, run)
    assert not _shown(run, "organisation", "Tiny A") and not _shown(run, "organisation", "Tiny B")
    assert not _shown(run, "organisation", "Main Org")  # total - Main Org would give both
    assert _shown(run, "all", "all") and _shown(run, "staff_group", "Staff")  # what stays


def test_the_lone_gp_is_not_gp_minus_council_plus_social_workers():
    plan = Plan(
        10,
        {("NHS trust", "GP"): 1, ("Council", "GP"): 12, ("Council", "Social worker"): 14},
        _people("NHS trust", "GP", 1, 1.0)
        + _people("Council", "GP", 10, 4.0)
        + _people("Council", "Social worker", 11, 3.0),
        _users(),
    )
    build(plan)
    run = compute(plan.wave)
    assert not attack(plan, run)
    assert not _shown(run, "organisation", "NHS trust")
    assert _shown(run, "all", "all")
    assert _shown(run, "staff_group", "GP") and _shown(run, "staff_group", "Social worker")


def test_two_managers_inside_one_organisation_stay_hidden():
    plan = Plan(
        10,
        {
            ("Trust", "Manager"): 3,
            ("Trust", "Nurse"): 15,
            ("Council", "Nurse"): 13,
            ("Council", "Social worker"): 12,
        },
        _people("Trust", "Manager", 2, 1.0)
        + _people("Trust", "Nurse", 12, 4.0)
        + _people("Council", "Nurse", 11, 4.0)
        + _people("Council", "Social worker", 10, 3.0),
        _users(),
    )
    build(plan)
    run = compute(plan.wave)
    assert not attack(plan, run)
    assert not _shown(run, "staff_group", "Manager")
    assert _shown(run, "all", "all")
    assert _shown(run, "organisation", "Trust") and _shown(run, "organisation", "Council")


def test_two_runs_a_few_answers_apart_do_not_give_the_newcomers_back():
    """The staff survey is reopened, two more nurses answer, it closes again: every margin
    shown in both runs that changed by 1 to k-1 people is hidden in the second, and nothing of
    the two newcomers can be pinned from the margins both runs show."""
    invited = {("Trust", "Nurse"): 16, ("Trust", "GP"): 12, ("Council", "Nurse"): 14}
    staff = (
        _people("Trust", "Nurse", 12, 3.0)
        + _people("Trust", "GP", 10, 4.0)
        + _people("Council", "Nurse", 12, 2.0)
    )
    plan = Plan(5, invited, staff, _users())
    wave = build(plan)
    first = compute(wave)
    staff_q = Questionnaire.objects.get(wave=wave, audience=Questionnaire.For.STAFF)
    items = {i.code: i for i in Item.objects.filter(section__questionnaire=staff_q)}
    trust = Organisation.objects.get(partnership=wave.partnership, name="Trust")
    nurse = StaffGroup.objects.get(partnership=wave.partnership, name="Nurse")
    for _ in range(2):
        response = Response.objects.create(
            wave=wave,
            questionnaire=staff_q,
            audience=Audience.STAFF,
            organisation=trust,
            staff_group=nurse,
            submitted_on=DAY,
        )
        Answer.objects.bulk_create(
            Answer(response=response, item=item, number=5.0) for item in items.values()
        )
    second = compute(wave)
    assert second.pk != first.pk
    before = {(r.outcome, r.measure, r.breakdown, r.group): r for r in first.rows.all()}
    changed_margins = []
    for row in second.rows.all():
        earlier = before.get((row.outcome, row.measure, row.breakdown, row.group))
        if earlier is None or earlier.suppressed or row.suppressed:
            continue
        diff = (row.n_staff or 0) - (earlier.n_staff or 0)
        assert diff == 0 or diff >= 5, (row, diff)  # nothing subtracts to 1..k-1 people
        changed_margins.append(diff)
    # what changed is hidden over time, and says so
    reasons = set(second.rows.exclude(suppression="").values_list("suppression", flat=True))
    assert "over_time" in reasons
    assert not _shown(second, "organisation", "Trust")
    assert _shown(second, "organisation", "Council")  # unchanged: still shown
    # the attacker on the change: margins shown in both runs, the two newcomers as the people
    cells = sorted(invited)
    change = Figure(cells, {("Trust", "Nurse"): 2})
    for row in second.rows.filter(outcome="O-A", measure="importance"):
        earlier = before[(row.outcome, row.measure, row.breakdown, row.group)]
        if not row.suppressed and not earlier.suppressed and row.breakdown != "audience":
            members = [_member(c, row.breakdown, row.group) for c in cells]
            change.add(members, (row.n_staff or 0) - (earlier.n_staff or 0))
    assert not change.pinned(5)
    note = {
        (r["figure"], r["side"], r["breakdown"], r["group"]): r["reason"]
        for r in second.disclosure_note
    }
    assert note[("O-A.importance", "staff", "organisation", "Trust")] == "over_time"
