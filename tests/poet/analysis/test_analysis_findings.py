"""Key findings from a report's shown figures: the ranking rule, the wording, ties, one outcome,
nothing to say, everything hidden (issue 15, item 6)."""

from __future__ import annotations

import random

from poet.analysis.findings import (
    ASSUMED_NOT_VALUED,
    BLIND_SPOT,
    MAX_FINDINGS,
    OVER_ESTIMATED,
    UNDER_ESTIMATED,
    ChangeFigures,
    ConsensusFigures,
    DomainFigures,
    OutcomeFigures,
    SpreadFigures,
    Thresholds,
    formative_findings,
    summative_findings,
)

IMP, ACH = "importance_comparison", "achievement_comparison"


def outcome(code, measure="importance", staff=3.0, users=3.0, flag="", statement=None):
    hidden = staff is None and users is None
    return OutcomeFigures(
        table=IMP if measure == "importance" else ACH,
        outcome=code,
        statement=f"Statement {code}" if statement is None else statement,
        measure=measure,
        staff_mean=staff,
        users_mean=users,
        difference=None if hidden or staff is None or users is None else round(users - staff, 2),
        flag=flag,
    )


def hidden(code, measure="importance"):
    return outcome(code, measure, staff=None, users=None)


def change(subject, earlier, now, low, high):
    return ChangeFigures(
        "change_outcomes", subject, earlier, now, round(now - earlier, 2), low, high
    )


def test_the_largest_gap_comes_first_and_kinds_take_turns():
    outcomes = [
        outcome("O-A", staff=4.5, users=3.9, flag=ASSUMED_NOT_VALUED),
        outcome("O-B", staff=4.8, users=3.0, flag=ASSUMED_NOT_VALUED),
        outcome("O-C", "achievement", staff=4.0, users=2.5, flag=OVER_ESTIMATED),
        outcome("O-D", staff=2.5, users=4.5, flag=BLIND_SPOT),
        outcome("O-E", "achievement", staff=3.0, users=4.4),
        outcome("O-F", "achievement", staff=3.0, users=4.1),
    ]
    changes = [change("importance given by staff to O-A", 3.0, 4.5, 0.8, 2.2)]
    found = summative_findings(outcomes, changes, since="Baseline", k=10)
    kinds = [f.kind for f in found.items]
    assert kinds == ["gap", "blind_spot", "going_well", "change", "gap"]
    assert len(found.items) == MAX_FINDINGS
    assert "O-B" in found.items[0].text and "3.00" in found.items[0].text  # 1.8 apart
    assert "assumed, but not valued" in found.items[0].text
    assert "O-C" in found.items[4].text and "over-estimated" in found.items[4].text
    assert "O-E" in found.items[2].text and "4.40 out of 5" in found.items[2].text
    assert found.items[3].text.startswith("Since Baseline, the mean importance given by staff")
    assert "rose from 3.00 to 4.50" in found.items[3].text
    assert [f.table for f in found.items] == [IMP, IMP, ACH, "change_outcomes", ACH]


def test_hidden_figures_give_no_finding_and_are_never_named():
    # A hidden row keeps its code and statement; every figure of it is None, whatever its flag.
    secret = OutcomeFigures(IMP, "O-SECRET", "Secret", "importance", None, None, None, "")
    achieved_secret = OutcomeFigures(ACH, "O-SECRET", "Secret", "achievement", None, None, None)
    shown = outcome("O-A", staff=4.0, users=3.0, flag=ASSUMED_NOT_VALUED)
    hidden_change = ChangeFigures("change_outcomes", "O-SECRET", None, None, None, None, None)
    found = summative_findings([secret, achieved_secret, shown], [hidden_change], since="X", k=5)
    assert [f.kind for f in found.items] == ["gap"]
    assert all("SECRET" not in f.text and "Secret" not in f.text for f in found.items)


def test_a_flag_without_its_figures_is_no_finding():
    # Only figures the table shows can make a finding: a flag whose means are hidden says nothing.
    half = OutcomeFigures(IMP, "O-H", "H", "importance", 4.0, None, None, ASSUMED_NOT_VALUED)
    found = summative_findings([half], k=5)
    assert found.items == []


def test_everything_hidden_says_so_with_k():
    found = summative_findings([hidden("O-A"), hidden("O-B", "achievement")], k=7)
    assert found.items == []
    assert "hidden" in found.empty and "fewer than 7 people" in found.empty
    found = formative_findings([DomainFigures("domains_overall", "Trust", None)], k=7)
    assert found.items == [] and "fewer than 7 people" in found.empty
    assert summative_findings([], k=7).empty.startswith("There are no key findings")


def test_nothing_stands_out_says_so():
    found = summative_findings(
        [outcome("O-A", staff=3.0, users=3.2), outcome("O-A", "achievement", 3.0, 3.1)],
        [change("x", 3.0, 3.2, -0.1, 0.5)],  # its CI spans zero: no clear change
        since="Baseline",
        k=5,
    )
    assert found.items == []
    assert found.empty.startswith("Nothing stands out enough to be a key finding")
    assert "since Baseline" in found.empty


def test_one_outcome():
    found = summative_findings([outcome("O-1", "achievement", staff=3.0, users=4.0)], k=5)
    [only] = found.items
    assert only.kind == "going_well" and only.text.startswith("“Statement O-1” (O-1) is going")


def test_blind_spots_proposed_by_users_and_better_than_staff_think():
    outcomes = [
        outcome("O-P", staff=None, users=4.2, flag=BLIND_SPOT),
        outcome("O-U", "achievement", staff=2.0, users=3.5, flag=UNDER_ESTIMATED),
    ]
    found = summative_findings(outcomes, k=5)
    texts = {f.kind: f.text for f in found.items}
    assert "proposed “Statement O-P” (O-P) themselves" in texts["blind_spot"]
    assert "going better than staff think" in texts["going_well"]


def test_the_same_figures_give_the_same_findings_in_any_order():
    outcomes = [outcome(f"O-{i}", staff=4.5, users=3.5, flag=ASSUMED_NOT_VALUED) for i in range(4)]
    first = summative_findings(outcomes, k=5)
    shuffled = outcomes[:]
    random.Random(3).shuffle(shuffled)
    assert summative_findings(shuffled, k=5) == first
    assert [f.text.split("(")[1][:3] for f in first.items] == ["O-0", "O-1", "O-2", "O-3"]


def domains(**positive):
    return [DomainFigures("domains_overall", name, p) for name, p in positive.items()]


def test_formative_strongest_weakest_partners_and_consensus():
    found = formative_findings(
        domains(Trust=80.0, Vision=45.0, Roles=60.0),
        [
            SpreadFigures("organisation_spread", "Roles", "Council", 4.1, "Hospital", 3.2, 0.9),
            SpreadFigures("organisation_spread", "Trust", "Council", 4.0, "Hospital", 3.8, 0.2),
        ],
        [
            ConsensusFigures("staff_importance", "O-1", "Home", 55.0, True),
            ConsensusFigures("staff_importance", "O-2", "Story", 40.0, True),
            ConsensusFigures("staff_importance", "O-3", "Carer", 90.0, False),
        ],
        [ChangeFigures("change_domains", "score staff gave Trust", 3.9, 3.4, -0.5, -0.8, -0.2)],
        thresholds=Thresholds(celebrate=70, develop=50),
        since="Baseline",
        k=5,
    )
    texts = [f.text for f in found.items]
    assert texts[0] == "Staff are most positive about Trust: 80% positive, an area for celebration."
    assert (
        texts[1] == "Staff are least positive about Vision: 45% positive, an area for development."
    )
    assert "Partners see Roles most differently" in texts[2] and "Council" in texts[2]
    assert "“Story” (O-2)" in texts[3] and "40%" in texts[3]
    assert texts[4].startswith("Since Baseline, the mean score staff gave Trust fell from 3.90")
    tables = [f.table for f in found.items]
    assert tables == [
        "domains_overall",
        "domains_overall",
        "organisation_spread",
        "staff_importance",
        "change_domains",
    ]


def test_formative_ties_and_a_small_spread():
    found = formative_findings(
        domains(Trust=75.0, Vision=75.0, Roles=30.0),
        [SpreadFigures("organisation_spread", "Roles", "A", 3.5, "B", 3.2, 0.3)],
        k=5,
    )
    texts = [f.text for f in found.items]
    assert texts[0].startswith("Staff are most positive about Trust and Vision: 75% positive each")
    assert len(texts) == 2  # a spread under half a point is no finding
    same = formative_findings(domains(Trust=60.0, Vision=60.0), k=5)
    assert [f.text for f in same.items] == [
        "Staff are equally positive about every aspect of working together shown: 60% positive "
        "about each."
    ]


def test_formative_one_aspect_and_a_low_best():
    [only] = formative_findings(domains(Trust=62.5), k=5).items
    assert only.text.startswith("Only one aspect of working together can be shown: Trust")
    low = formative_findings(domains(Trust=40.0, Vision=20.0), k=5).items
    assert low[0].text.startswith("Even what staff are most positive about, Trust, has only 40%")


def test_formative_hidden_aspects_are_left_out():
    found = formative_findings(
        [*domains(Trust=70.0, Vision=40.0), DomainFigures("domains_overall", "Secret", None)],
        [SpreadFigures("organisation_spread", "Secret", "", None, "", None, None)],
        [ConsensusFigures("staff_importance", "O-9", "Secret", None, False)],
        k=5,
    )
    assert all("Secret" not in f.text for f in found.items)
    assert [f.kind for f in found.items] == ["strongest", "weakest"]
