"""Theme counts by audience and session type (issue 16, item 5): who is a person, suppression
below k, no subtraction across the breakdowns, and which sources may be quoted."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poet.analysis.disclosure import PRIMARY, SECONDARY, TOTAL
from poet.analysis.themes import AUDIENCE, GROUP, SESSION_TYPE, ThemeRow, theme_counts
from tests.security.attacker import pinned_groups

ALL = (TOTAL, TOTAL)


def answers(audience, session_type, people, theme="T", first=0):
    """Free-text answers of `people` respondents, each coded to `theme`."""
    return [
        ThemeRow(
            source=f"{audience}-{session_type}-{first + i}",
            audience=audience,
            session_type=session_type,
            theme=theme,
            person=f"{audience}-{session_type}-{first + i}",
        )
        for i in range(people)
    ]


def test_nothing_gives_no_themes_and_no_quotes():
    result = theme_counts([], 5)
    assert result.figures == {}
    assert result.quotable == frozenset()
    assert result.margins == (ALL,)


def test_k_must_be_a_whole_number():
    with pytest.raises(ValueError):
        theme_counts([], 0)


def test_one_source_below_k_is_hidden_and_not_quotable():
    result = theme_counts(answers("staff", "survey", 1), 5)
    for figure in result.figures["T"].values():
        assert figure.hidden and figure.people is None and figure.sources is None
        assert figure.reason == PRIMARY
    assert result.quotable == frozenset()


def test_a_group_of_exactly_k_is_shown_and_quotable():
    rows = answers("service_user", "interview", 5)
    result = theme_counts(rows, 5)
    figure = result.figures["T"][(GROUP, ("service_user", "interview"))]
    assert (figure.sources, figure.people, figure.reason) == (5, 5, "")
    assert result.figures["T"][ALL].people == 5
    assert result.quotable == {r.source for r in rows}


def test_a_group_of_k_minus_one_is_hidden_and_not_quotable():
    result = theme_counts(answers("carer", "interview", 4), 5)
    assert all(f.hidden for f in result.figures["T"].values())
    assert result.quotable == frozenset()


def test_a_zero_count_from_a_group_below_k_is_hidden_too():
    """Four carers, none of whom mentioned T: the group is too small to show anything of."""
    rows = answers("carer", "interview", 4, theme=None) + answers("staff", "survey", 6)
    result = theme_counts(rows, 5)
    assert result.figures["T"][(GROUP, ("carer", "interview"))].hidden
    assert result.figures["T"][(AUDIENCE, "staff")].people == 6


def test_a_theme_nobody_mentions_is_not_listed_but_its_sources_count_in_the_groups():
    rows = answers("staff", "survey", 6, theme=None)
    result = theme_counts(rows, 5)
    assert result.figures == {}
    assert result.headcount[(AUDIENCE, "staff")] == 6
    assert len(result.quotable) == 6


def test_the_hidden_group_is_not_given_back_by_subtracting_from_the_audience_total():
    """Users: 8 in focus groups mention T, 2 in interviews; the users' total would give the 2."""
    rows = answers("service_user", "focus_group", 8) + answers("service_user", "interview", 2)
    rows += answers("service_user", "interview", 6, theme=None, first=10)
    result = theme_counts(rows, 5)
    t = result.figures["T"]
    assert t[(GROUP, ("service_user", "interview"))].reason == PRIMARY
    shown = [m for m, f in t.items() if not f.hidden]
    assert not (
        (AUDIENCE, "service_user") in shown and (GROUP, ("service_user", "focus_group")) in shown
    )
    assert SECONDARY in {f.reason for f in t.values()}


def test_a_transcript_counts_once_and_as_one_person_when_no_speaker_is_named():
    among = frozenset({"p1", "p2", "p3", "p4", "p5", "p6"})
    rows = [
        ThemeRow("tr", "mixed", "focus_group", "T", session="S", among=among),
        ThemeRow("tr", "mixed", "focus_group", "T", session="S", among=among),  # 2nd passage
        ThemeRow("notes", "mixed", "focus_group", "T", session="S", among=among),
    ]
    result = theme_counts(rows, 1)
    figure = result.figures["T"][ALL]
    assert (figure.sources, figure.people) == (2, 1)
    assert result.headcount[ALL] == 6


def test_a_session_adds_nobody_when_one_of_its_participants_is_already_counted():
    among = frozenset({"p1", "p2"})
    rows = [
        ThemeRow("answer", "service_user", "focus_group", "T", person="p1"),
        ThemeRow("tr", "mixed", "focus_group", "T", session="S", among=among),
        ThemeRow("tr2", "mixed", "interview", "T", session="S2", among=frozenset({"p9"})),
    ]
    result = theme_counts(rows, 1)
    assert result.figures["T"][ALL].people == 2  # p1 and someone of S2, never 3


def test_a_person_is_counted_in_one_group_only():
    rows = [
        ThemeRow("a1", "service_user", "interview", "T", person="p1"),
        ThemeRow("a2", "service_user", "focus_group", "T", person="p1"),
    ]
    result = theme_counts(rows, 1)
    t = result.figures["T"]
    assert t[ALL].people == 1 and t[ALL].sources == 2
    assert t[(SESSION_TYPE, "interview")].people + t[(SESSION_TYPE, "focus_group")].people == 1


@st.composite
def theme_tables(draw):
    audiences = draw(
        st.lists(
            st.sampled_from(["staff", "service_user", "carer"]), min_size=1, max_size=3, unique=True
        )
    )
    types = draw(
        st.lists(
            st.sampled_from(["survey", "interview", "focus_group"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    rows = []
    for audience in audiences:
        for kind in types:
            size = draw(st.sampled_from([0, 1, 2, 3, 5, 8]))
            mention = draw(st.integers(min_value=0, max_value=size))
            rows += answers(audience, kind, mention)
            rows += answers(audience, kind, size - mention, theme=None, first=100)
    for name in draw(st.lists(st.sampled_from(["S1", "S2"]), max_size=2, unique=True)):
        among = frozenset(f"{name}-{i}" for i in range(draw(st.sampled_from([0, 2, 6]))))
        theme = draw(st.sampled_from(["T", None]))
        rows.append(ThemeRow(name, "mixed", "focus_group", theme, session=name, among=among))
    k = draw(st.sampled_from([2, 3, 5]))
    return rows, k


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(theme_tables())
def test_no_group_below_k_can_be_worked_out_from_the_shown_counts(table):
    rows, k = table
    result = theme_counts(rows, k)
    if "T" not in result.figures:
        return
    cells = sorted(
        {(r.audience, r.session_type) for r in rows}, key=lambda c: (str(c[0]), str(c[1]))
    )
    everything = theme_counts(rows, 1).figures["T"]  # k = 1: nothing hidden
    people = np.array([everything[(GROUP, c)].people for c in cells])
    membership = []
    for margin, figure in result.figures["T"].items():
        if figure.hidden:
            continue
        assert figure.people == 0 or figure.people >= k
        breakdown, group = margin
        membership.append(
            [
                breakdown == TOTAL
                or (breakdown == AUDIENCE and c[0] == group)
                or (breakdown == SESSION_TYPE and c[1] == group)
                or (breakdown == GROUP and c == group)
                for c in cells
            ]
        )
    shown = np.array(membership, dtype=bool).reshape(len(membership), len(cells))
    ceilings = np.array([result.headcount[(GROUP, c)] for c in cells], dtype=float)
    assert not pinned_groups(shown, people, k, ceilings=ceilings), (rows, k)
    for source in result.quotable:
        row = next(r for r in rows if r.source == source)
        assert result.headcount[(GROUP, (row.audience, row.session_type))] >= k


@st.composite
def mentions(draw):
    """Free-text answers of persons p0-p5 and transcripts of sessions whose participants are
    drawn from them (each person in one session at most), all coded to T."""
    persons = [f"p{i}" for i in range(6)]
    sessions: dict[str, frozenset] = {}
    free = list(persons)
    for name in ("S1", "S2"):
        size = draw(st.integers(min_value=0, max_value=3))
        sessions[name] = frozenset(free[:size])
        free = free[size:]
    rows = []
    for i, person in enumerate(draw(st.lists(st.sampled_from(persons), max_size=5))):
        rows.append(ThemeRow(f"a{i}", "service_user", "interview", "T", person=person))
    for name in draw(st.lists(st.sampled_from(sorted(sessions)), max_size=3)):
        rows.append(
            ThemeRow(
                f"t{len(rows)}", "mixed", "focus_group", "T", session=name, among=sessions[name]
            )
        )
    return rows


@settings(max_examples=80, deadline=None)
@given(mentions())
def test_the_people_count_is_the_fewest_speakers_consistent_with_the_coding(rows):
    """Brute force: every way of choosing who in each session said it; the count is the least
    number of distinct people of any such choice, so it never over-counts."""
    import itertools

    if not rows:
        return
    known = {r.person for r in rows if r.person is not None}
    sessions = {r.session: r.among for r in rows if r.person is None}
    choices = [sorted(among) or [f"someone of {name}"] for name, among in sessions.items()]
    fewest = min(len(known | set(pick)) for pick in itertools.product(*choices))
    assert theme_counts(rows, 1).figures["T"][ALL].people == fewest
