"""The shortlist page shows the figures of the stored comparison run: on a random wave they equal
what a direct computation from the staff's answers gives (what the page once computed per look)."""

from __future__ import annotations

import datetime
import io
import random
import re
import statistics

import pytest
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.urls import reverse

from outcomes.selectors import shortlist as reads
from poet.models import Audience, Organisation, OutcomeStatement, Role, StaffGroup
from surveys.models import Answer, Item, Questionnaire, Response, Section
from surveys.questionnaire_template import TOP3
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db

K = 5
MEASURES = ("importance", "achievement")


def random_wave(rng: random.Random):
    """A closed staff survey: random staff, organisations, answers, don't-knows and top picks;
    one outcome almost nobody answered, so some figures are hidden."""
    wave = WaveFactory(name="Random wave", slug="random")
    partnership = wave.partnership
    partnership.minimum_group_size = K
    partnership.save(update_fields=["minimum_group_size"])
    organisations = [
        Organisation.objects.create(partnership=partnership, name=f"Org {n}")
        for n in range(rng.randint(1, 3))
    ]
    group = StaffGroup.objects.create(partnership=partnership, name="Nurse")
    questionnaire = Questionnaire.objects.create(wave=wave, title="Staff survey")
    section = Section.objects.create(questionnaire=questionnaire, title="Outcomes", order=0)
    items: dict[tuple[str, str], Item] = {}
    codes = [f"O-{n:02d}" for n in range(rng.randint(4, 8))]
    for i, code in enumerate(codes):
        statement = OutcomeStatement.objects.create(
            partnership=partnership, code=code, text=f"Outcome {code}"
        )
        for j, measure in enumerate(MEASURES):
            items[(code, measure)] = Item.objects.create(
                section=section,
                order=2 * i + j,
                code=f"{code}.{measure}",
                kind=Item.Kind.LIKERT,
                text="How?",
                outcome=statement,
                measure=measure,
            )
    top = Item.objects.create(
        section=section, order=99, code=TOP3, kind=Item.Kind.MULTIPLE, text="Top", max_choices=3
    )
    dont_know = rng.uniform(0, 0.3)
    answers = []
    for n in range(rng.randint(20, 60)):
        response = Response.objects.create(
            wave=wave,
            questionnaire=questionnaire,
            audience=Audience.STAFF,
            organisation=rng.choice(organisations),
            staff_group=group,
            submitted_on=datetime.date(2026, 11, 2),
        )
        for (code, _measure), item in items.items():
            if code == codes[-1] and n >= 3:  # the rare outcome: three answers only
                continue
            unknown = rng.random() < dont_know
            value = None if unknown else float(rng.choice([1, 2, 3, 4, 5, 4, 5, 3]))
            answers.append(Answer(response=response, item=item, number=value, dont_know=unknown))
        picks = rng.sample(codes[:-1], k=rng.randint(0, 3))
        answers.append(Answer(response=response, item=top, choices=picks))
    Answer.objects.bulk_create(answers)
    call_command(
        "run_comparison", partnership.slug, wave.slug, "--resamples", "10", stdout=io.StringIO()
    )
    return wave, codes


def direct(wave) -> dict:
    """The staff figures straight from the answers: n, mean, % positive, agreement, picks."""
    numbers: dict[tuple[str, str], list[float]] = {}
    for code, measure, number in Answer.objects.filter(
        response__wave=wave,
        response__audience=Audience.STAFF,
        response__submitted_on__isnull=False,
        item__kind=Item.Kind.LIKERT,
        dont_know=False,
        number__isnull=False,
    ).values_list("item__outcome__code", "item__measure", "number"):
        numbers.setdefault((code, measure), []).append(number)
    figures = {}
    for key, values in numbers.items():
        middle = statistics.median(values)
        figures[key] = {
            "n": len(values),
            "mean": statistics.fmean(values),
            "pct_positive": 100 * sum(v >= 4 for v in values) / len(values),
            "share_within_one": sum(abs(v - middle) <= 1 for v in values) / len(values),
        }
    picks: dict[str, int] = {}
    responded = 0
    for choices in Answer.objects.filter(response__wave=wave, item__code=TOP3).values_list(
        "choices", flat=True
    ):
        responded += 1
        for code in choices or []:
            picks[code] = picks.get(code, 0) + 1
    return {"figures": figures, "picks": picks, "responded": responded}


def page_row(html: str, code: str) -> str:
    table = html.split('id="staff-figures"', 1)[1].split("</table>", 1)[0]
    rows = [r for r in table.split("<tr") if f"({code})" in r]
    assert len(rows) == 1, code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0]))


@pytest.mark.parametrize("seed", [7, 2026, 424242])  # fixed: the same tests on every worker
def test_the_page_shows_the_figures_a_direct_computation_gives(client, seed):
    rng = random.Random(seed)
    wave, codes = random_wave(rng)
    expected = direct(wave)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    html = client.get(
        reverse(
            "outcomes:shortlist",
            kwargs={"partnership": wave.partnership.slug, "wave": wave.slug},
        )
    ).content.decode()
    data = reads.shortlist(wave)
    rows = {r.outcome.code: r for r in data.rows}
    assert sorted(rows) == sorted(codes), seed
    shown = 0
    for code in codes:
        text = page_row(html, code)
        for measure in MEASURES:
            got = getattr(rows[code], measure)
            want = expected["figures"].get((code, measure))
            if got.suppressed:
                assert want is None or want["n"] < K or "hidden" in got.hidden, (seed, code)
                assert "hidden" in text
                continue
            shown += 1
            assert want is not None, (seed, code, measure)
            assert got.n == want["n"], (seed, code, measure)
            assert got.mean == pytest.approx(want["mean"]), (seed, code, measure)
            assert got.pct_positive == pytest.approx(want["pct_positive"]), (seed, code)
            assert (
                f"{floatformat(want['pct_positive'], 0)}% positive mean "
                f"{floatformat(want['mean'], 1)}, {want['n']} staff"
            ) in text, (seed, code, measure, text)
            if measure == "importance" and got.share_within_one is not None:
                assert got.share_within_one == pytest.approx(want["share_within_one"])
                assert f"{round(100 * want['share_within_one'])}% within one point" in text
        pick = rows[code].top_picks
        if not pick.suppressed:
            assert pick.n_picking == expected["picks"].get(code, 0), (seed, code)
            assert data.n_responded == expected["responded"], seed
            assert f"{pick.n_picking} staff" in text
    assert shown > 0, seed
    # The rare outcome's figures are never shown, on the page or in the data.
    assert rows[codes[-1]].importance.suppressed and rows[codes[-1]].achievement.suppressed


def test_the_page_reads_the_runs_small_tables_only(client):
    """The per-cell members and the disclosure note grow with the staff: the page never reads
    them, so it costs the same at any size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wave, _codes = random_wave(random.Random(1))
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    address = reverse(
        "outcomes:shortlist", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    runs = [q["sql"] for q in queries.captured_queries if "reports_comparisonrun" in q["sql"]]
    assert runs
    for sql in runs:
        assert '"members"' not in sql and '"disclosure_note"' not in sql, sql
