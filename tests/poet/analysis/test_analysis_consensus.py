"""staff_consensus and top_pick_counts against direct computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poet.analysis import (
    CONSENSUS_COLUMNS,
    PICKED_COLUMNS,
    TOP_PICK_COUNT_COLUMNS,
    FrameError,
    picks_per_outcome,
    staff_consensus,
    top_pick_counts,
    top_pick_counts_from,
)

from .helpers import make_outcome_answers


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return make_outcome_answers(np.random.default_rng(5), n_staff=70, n_users=20, outcomes=6)


def test_consensus_matches_numpy(answers):
    table = staff_consensus(answers, k=5)
    assert list(table.columns) == list(CONSENSUS_COLUMNS)
    assert table["outcome"].tolist() == sorted(answers["outcome"].unique().tolist() * 2)
    assert table["measure"].tolist()[:2] == ["importance", "achievement"]
    staff = answers[(answers["audience"] == "staff") & answers["value"].notna()]
    for row in table.itertuples():
        values = staff.loc[
            (staff["outcome"] == row.outcome) & (staff["measure"] == row.measure), "value"
        ].to_numpy()
        q1, q3 = np.percentile(values, [25, 75])
        centre = np.median(values)
        share = np.mean(np.abs(values - centre) <= 1)
        assert row.n == len(values)
        assert row.median == centre and row.q1 == q1 and row.q3 == q3 and row.iqr == q3 - q1
        assert row.share_within_one == pytest.approx(share, abs=1e-12)
        assert row.contested == (share < 2 / 3)


def consensus_of(values: list[float], k: int = 1) -> pd.Series:
    frame = pd.DataFrame(
        {
            "respondent": [f"s{i}" for i in range(len(values))],
            "audience": "staff",
            "organisation": "Council",
            "group": "GP",
            "outcome": "O-A",
            "measure": "importance",
            "value": values,
        }
    )
    return staff_consensus(frame, k=k).iloc[0]


def test_consensus_edge_cases():
    split = consensus_of([1, 1, 5, 5])  # median 3: nobody within one of it
    assert split["median"] == 3 and split["share_within_one"] == 0 and split["contested"]
    half = consensus_of([3, 4, 1, 5, 3, 4])  # median 3.5: 3 and 4 are within one
    assert half["share_within_one"] == pytest.approx(4 / 6) and not half["contested"]
    same = consensus_of([2, 2, 2, np.nan])
    assert same["n"] == 3 and same["iqr"] == 0 and same["share_within_one"] == 1
    one = consensus_of([4])
    assert one["n"] == 1 and one["iqr"] == 0
    hidden = consensus_of([4, 4, 4, 4], k=5)
    assert hidden["suppressed"] and pd.isna(hidden["n"]) and pd.isna(hidden["contested"])
    assert np.isnan(hidden["share_within_one"])


def test_consensus_ignores_users_and_handles_empty(answers):
    staff_only = answers[answers["audience"] == "staff"]
    pd.testing.assert_frame_equal(staff_consensus(answers, k=5), staff_consensus(staff_only, k=5))
    empty = staff_consensus(pd.DataFrame(), k=5)
    assert list(empty.columns) == list(CONSENSUS_COLUMNS) and len(empty) == 0


def picks_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["respondent", "audience", "outcome"])


def test_top_pick_counts_and_shares():
    rng = np.random.default_rng(9)
    outcomes = [f"O-{i}" for i in range(8)]
    rows = []
    for person in range(60):
        audience = "staff" if person < 40 else "carer"
        for outcome in rng.choice(outcomes, size=3, replace=False, p=np.linspace(1, 2, 8) / 12):
            rows.append((f"R{person}", audience, str(outcome)))
    picks = picks_frame(rows)
    table = top_pick_counts(picks, k=1)
    assert list(table.columns) == list(TOP_PICK_COUNT_COLUMNS)
    for row in table.itertuples():
        mine = picks[(picks["audience"] == row.audience) & (picks["outcome"] == row.outcome)]
        base = picks.loc[picks["audience"] == row.audience, "respondent"].nunique()
        if row.suppressed:
            assert len(mine) < 1 or base < 1 or row.n_picking is pd.NA
            continue
        assert row.n_picking == len(mine) and row.n_respondents == base
        assert row.share == pytest.approx(len(mine) / base)
    assert table["audience"].unique().tolist() == ["staff", "carer"]


def test_top_picks_suppression_and_explicit_base():
    rows = [(f"s{i}", "staff", "O-A") for i in range(6)]
    rows += [(f"s{i}", "staff", "O-B") for i in range(5)]
    rows += [("s0", "staff", "O-C"), ("s0", "staff", "O-C")]  # a duplicate pick counts once
    table = top_pick_counts(picks_frame(rows), k=3).set_index("outcome")
    assert table.loc["O-C", "suppressed"] and table.loc["O-B", "suppressed"]  # next-smallest
    assert not table.loc["O-A", "suppressed"] and table.loc["O-A", "n_picking"] == 6
    based = top_pick_counts(picks_frame(rows), k=3, respondents={"staff": 12, "carer": 2})
    based = based.set_index(["audience", "outcome"])
    assert based.loc[("staff", "O-A"), "share"] == 0.5
    assert based.loc[("carer", "O-A"), "suppressed"]  # base of 2 is below k
    assert len(top_pick_counts(None, k=3)) == 0


def test_top_picks_from_counts_are_those_of_the_picks():
    """What the database returns (people per audience and outcome) gives the same table."""
    rng = np.random.default_rng(12)
    outcomes = [f"O-{i}" for i in range(7)]
    rows = []
    for person in range(50):
        audience = ["staff", "service_user", "carer"][person % 3]
        for outcome in rng.choice(outcomes, size=3, replace=True):  # repeats count once
            rows.append((f"R{person}", audience, str(outcome)))
    picks = picks_frame(rows).sample(frac=1, random_state=2)
    picked = picks_per_outcome(picks)
    assert list(picked.columns) == list(PICKED_COLUMNS)
    unique = picks.drop_duplicates(["respondent", "outcome"])
    assert int(picked["n_picking"].sum()) == len(unique) < len(picks)
    for respondents in (None, {"staff": 30, "carer": 2, "service_user": 17}, {"staff": 30}):
        base = respondents or {
            a: picks.loc[picks["audience"] == a, "respondent"].nunique()
            for a in picks["audience"].unique()
        }
        pd.testing.assert_frame_equal(
            top_pick_counts_from(picked, k=3, respondents=base),
            top_pick_counts(picks, k=3, respondents=respondents),
        )
    # Rows of nobody are no picks; an audience with respondents and no picks still gets rows.
    nobody = pd.DataFrame({"audience": ["staff"], "outcome": ["O-9"], "n_picking": [0]})
    table = top_pick_counts_from(pd.concat([picked, nobody]), k=1, respondents={**base, "carer": 4})
    assert "O-9" not in set(table["outcome"])
    assert len(top_pick_counts_from(nobody, k=1, respondents={})) == 0


def test_bad_pick_counts_are_refused():
    good = pd.DataFrame({"audience": ["staff"], "outcome": ["O-1"], "n_picking": [3]})
    with pytest.raises(FrameError, match="whole numbers"):
        top_pick_counts_from(good.assign(n_picking=[-1]), k=1, respondents={"staff": 3})
    with pytest.raises(FrameError, match="whole numbers"):
        top_pick_counts_from(good.assign(n_picking=[1.5]), k=1, respondents={"staff": 3})
    with pytest.raises(FrameError, match="unknown values"):
        top_pick_counts_from(good.assign(audience=["board"]), k=1, respondents={"staff": 3})
    with pytest.raises(FrameError):
        top_pick_counts_from(good.drop(columns="n_picking"), k=1, respondents={"staff": 3})
