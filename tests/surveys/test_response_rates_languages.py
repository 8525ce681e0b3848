"""Response counts by the language people answered in: protected with the other counts of the
response rates as one release, so no language count can be worked out by subtraction."""

import pytest
from django.urls import reverse

from poet.models import Wave
from surveys.models import Invitation, Response, WaveLanguage
from surveys.selectors.response_rates import response_rates
from tests.factories import (
    OrganisationFactory,
    ResponseFactory,
    StaffGroupFactory,
    WaveFactory,
    member,
)
from tests.surveys.test_response_rates import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    wave = WaveFactory(partnership__minimum_group_size=5, status=Wave.Status.CLOSED)
    WaveLanguage.objects.create(wave=wave, code="cy")
    WaveLanguage.objects.create(wave=wave, code="ur")
    return wave


def answered(wave, organisation, group, invited, languages: dict[str, int]):
    """`invited` invitations, and one completed invitation and response per language count."""
    completed = sum(languages.values())
    for n in range(invited):
        Invitation.objects.create(
            wave=wave,
            organisation=organisation,
            staff_group=group,
            email=f"{organisation.pk}.{group.pk}.{n}@example.org",
            completed_on=DAY if n < completed else None,
        )
    for code, count in languages.items():
        ResponseFactory.create_batch(
            count,
            wave=wave,
            organisation=organisation,
            staff_group=group,
            language=code,
            answered=True,
        )


def by_language(rates):
    return {row["code"]: row for row in rates["by_language"]}


def test_counts_by_language_are_shown_and_small_ones_hidden(wave, client):
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    trust = OrganisationFactory(partnership=wave.partnership, name="Trust")
    council = OrganisationFactory(partnership=wave.partnership, name="Council")
    answered(wave, trust, nurse, 20, {"en-gb": 10, "cy": 6, "ur": 2})
    answered(wave, council, nurse, 20, {"en-gb": 9, "cy": 1, "ur": 3})
    rates = response_rates(wave)
    languages = by_language(rates)
    assert list(languages) == ["en-gb", "cy", "ur"]  # English, then the others answered in
    assert languages["cy"]["responses"] == 7
    assert languages["ur"]["responses"] == 5
    assert languages["en-gb"]["responses"] == 19
    assert rates["overall"]["completed"] == 31  # the same people, however they answered
    # The page shows them, each language named in its own words too.
    client.force_login(member(wave.partnership))
    page = client.get(
        reverse(
            "surveys:responses",
            kwargs={"partnership": wave.partnership.slug, "wave": wave.slug},
        )
    ).content.decode()
    assert "By language" in page
    assert 'Urdu (<span lang="ur" dir="rtl">اردو</span>)' in page
    assert 'data-language="ur">5<' in page


def test_a_language_count_below_k_cannot_be_subtracted_from_the_total(wave):
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    trust = OrganisationFactory(partnership=wave.partnership, name="Trust")
    answered(wave, trust, nurse, 30, {"en-gb": 15, "cy": 5, "ur": 1})
    rates = response_rates(wave)
    languages = by_language(rates)
    assert languages["ur"]["responses"] is None
    assert languages["ur"]["responses_hidden"] == "hidden: fewer than 5 people"
    # Total − English − Welsh would give the one Urdu answer back: one more must be hidden.
    shown = [
        rates["overall"]["completed"],
        languages["en-gb"]["responses"],
        languages["cy"]["responses"],
    ]
    assert None in shown
    hidden = [
        row for row in languages.values() if row["responses"] is None and row is not languages["ur"]
    ]
    assert rates["overall"]["completed"] is None or hidden
    if hidden:
        assert hidden[0]["responses_hidden"] == "hidden so a smaller group cannot be worked out"


def test_without_languages_the_rates_are_as_before():
    wave = WaveFactory(partnership__minimum_group_size=5)
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    trust = OrganisationFactory(partnership=wave.partnership, name="Trust")
    answered(wave, trust, nurse, 30, {"en-gb": 12})
    rates = response_rates(wave)
    assert rates["by_language"] == []
    assert rates["overall"]["completed"] == 12
    assert Response.objects.filter(language="en-gb").count() == 12


def test_an_attacker_who_knows_the_staff_list_pins_no_small_language_group():
    """Random small waves, attacked by the independent linear-programming attacker
    (tests/security/attacker.py) with all it knows: every shown count, and from the staff list
    that each organisation × staff group's responses in all languages together are at most the
    people invited there (a joint bound the engine's per-cell ceilings do not state)."""
    import itertools
    import random

    import numpy as np

    from tests.security.attacker import count_range

    rng = random.Random(17)
    languages = ["en-gb", "cy", "ur"]
    for scenario in range(6):
        wave = WaveFactory(partnership__minimum_group_size=5, status=Wave.Status.CLOSED)
        orgs = [OrganisationFactory(partnership=wave.partnership, name=f"O{i}") for i in (1, 2)]
        groups = [StaffGroupFactory(partnership=wave.partnership, name=f"G{i}") for i in (1, 2)]
        people, invited = {}, {}
        for o, g in itertools.product(orgs, groups):
            split = {
                lang: rng.choice(choices)
                for lang, choices in zip(
                    languages, ([2, 4, 7], [0, 1, 2, 4], [0, 0, 0, 1]), strict=True
                )
            }
            invited[(o.name, g.name)] = sum(split.values()) + rng.choice([0, 0, 1, 3])
            answered(wave, o, g, invited[(o.name, g.name)], split)
            for lang, n in split.items():
                people[(o.name, g.name, lang)] = n
        rates = response_rates(wave)
        cells = sorted(people)
        shown_rows, totals = [], []

        figures = [(rates["overall"]["completed"], None, None)]
        figures += [(row["completed"], 0, row["name"]) for row in rates["by_organisation"]]
        figures += [(row["completed"], 1, row["name"]) for row in rates["by_staff_group"]]
        figures += [(row["responses"], 2, row["code"]) for row in rates["by_language"]]
        for value, position, name in figures:
            if value is not None:  # a shown figure: one equation over the cells it adds up
                member = [position is None or c[position] == name for c in cells]
                shown_rows.append([float(m) for m in member] + [0.0] * 4)
        # The staff list: each pair's responses plus its non-responders (a slack) = invited.
        pairs = sorted(invited)
        for p, pair in enumerate(pairs):
            row = [1.0 if c[:2] == pair else 0.0 for c in cells] + [0.0] * 4
            row[len(cells) + p] = 1.0
            shown_rows.append(row)
        truth = np.array(
            [people[c] for c in cells]
            + [invited[pair] - sum(people[(*pair, lang)] for lang in languages) for pair in pairs],
            dtype="float64",
        )
        equations = np.array(shown_rows)
        totals = equations @ truth
        ceilings = np.full(len(truth), np.inf)
        small = [i for i, c in enumerate(cells) if people[c] < 5]
        for size in range(1, 5):
            for union in itertools.combinations(small, size):
                count = sum(people[cells[i]] for i in union)
                if not 1 <= count < 5:
                    continue
                low, high = count_range(equations, totals, ceilings, union)
                assert high - low > 1e-6, (scenario, [cells[i] for i in union], count, rates)


def test_the_api_gives_the_counts_by_language_as_the_page_does(wave, client):
    from poet.models import Role
    from tests.api.test_api import bearer, token_for

    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    trust = OrganisationFactory(partnership=wave.partnership, name="Trust")
    council = OrganisationFactory(partnership=wave.partnership, name="Council")
    answered(wave, trust, nurse, 20, {"en-gb": 10, "cy": 6, "ur": 2})
    answered(wave, council, nurse, 20, {"en-gb": 9, "cy": 1})
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/response-counts/"
    raw = token_for(member(wave.partnership, Role.MANAGER))
    body = client.get(url, **bearer(raw)).json()
    page = by_language(response_rates(wave))
    shown = {row["code"]: row for row in body["by_language"]}
    assert list(shown) == list(page)
    for code, row in shown.items():
        assert row["responses"] == page[code]["responses"]
        assert row["responses_hidden"] == page[code]["responses_hidden"]
        assert row["own_name"] == page[code]["own_name"]
    assert shown["ur"]["responses"] is None and shown["ur"]["responses_hidden"]
