"""Process domain scores and summaries against direct computations."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from poet.analysis import (
    DOMAIN_SUM_COLUMNS,
    DOMAIN_SUMMARY_COLUMNS,
    SCORE_COUNT_COLUMNS,
    SPREAD_COLUMNS,
    FrameError,
    domain_scores,
    domain_scores_from_sums,
    domain_sums,
    organisation_spread,
    summarise_domains,
)


def make_process_answers(rng: np.random.Generator, people: int = 150) -> pd.DataFrame:
    items = {"TRUST": 4, "COMMS": 5, "LEAD": 3}
    codes = [f"{domain}.{i}" for domain, count in items.items() for i in range(count)]
    organisation = rng.choice(
        ["Council", "Trust", "Practice", "Charity"], people, p=[0.4, 0.35, 0.2, 0.05]
    )
    staff_group = rng.choice(["GP", "nurse", "porter"], people, p=[0.45, 0.45, 0.1])
    person = np.repeat(np.arange(people), len(codes))
    value = rng.choice(np.arange(1.0, 6.0), size=len(person), p=[0.05, 0.1, 0.25, 0.35, 0.25])
    value[rng.random(len(person)) < 0.35] = np.nan
    return pd.DataFrame(
        {
            "respondent": [f"R{p}" for p in person],
            "organisation": organisation[person],
            "staff_group": staff_group[person],
            "domain": [code.split(".")[0] for code in codes] * people,
            "item": codes * people,
            "value": value,
        }
    )


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return make_process_answers(np.random.default_rng(8))


@pytest.fixture(scope="module")
def scores(answers) -> pd.DataFrame:
    return domain_scores(answers)


def test_domain_scores_match_a_direct_computation(answers, scores):
    expected = {}
    for (respondent, domain), rows in answers.groupby(["respondent", "domain"]):
        items = answers.loc[answers["domain"] == domain, "item"].nunique()
        answered = rows["value"].dropna()
        ok = len(answered) >= items / 2 and len(answered) > 0
        expected[(respondent, domain)] = answered.mean() if ok else np.nan
    assert len(scores) == len(expected)
    for row in scores.itertuples():
        assert row.score == pytest.approx(expected[(row.respondent, row.domain)], nan_ok=True)
    assert scores["score"].isna().any() and scores["score"].notna().any()


@pytest.mark.parametrize(
    ("items", "answered", "scored"), [(4, 2, True), (4, 1, False), (5, 2, False), (5, 3, True)]
)
def test_at_least_half_the_items(items, answered, scored):
    values = [4.0] * answered + [np.nan] * (items - answered)
    frame = pd.DataFrame(
        {
            "respondent": "R1",
            "organisation": "Council",
            "staff_group": "GP",
            "domain": "D",
            "item": [f"D.{i}" for i in range(items)],
            "value": values,
        }
    )
    row = domain_scores(frame).iloc[0]
    assert row["n_items"] == items and row["n_answered"] == answered
    assert (row["score"] == 4.0) if scored else np.isnan(row["score"])


def test_explicit_item_counts(answers):
    # The questionnaire had 10 TRUST items: nobody answered half, so nobody gets a TRUST score.
    counts = {"TRUST": 10, "COMMS": 5, "LEAD": 3}
    scores = domain_scores(answers, items_per_domain=counts)
    assert scores.loc[scores["domain"] == "TRUST", "score"].isna().all()
    with pytest.raises(FrameError, match="no count for domains: LEAD"):
        domain_scores(answers, items_per_domain={"TRUST": 4, "COMMS": 5})


def test_summary_matches_numpy(scores):
    summary = summarise_domains(scores, k=1)
    assert list(summary.columns) == list(DOMAIN_SUMMARY_COLUMNS)
    assert not summary["suppressed"].any()
    scored = scores[scores["score"].notna()]
    for row in summary.itertuples():
        rows = scored[scored["domain"] == row.domain]
        if row.breakdown != "all":
            rows = rows[rows[row.breakdown] == row.group]
        values = rows["score"].to_numpy()
        assert row.n == len(values)
        assert row.mean == pytest.approx(np.mean(values), rel=1e-12)
        assert row.sd == pytest.approx(np.std(values, ddof=1), rel=1e-9, nan_ok=True)
        share = np.mean(values >= 4.0)
        assert row.pct_positive == pytest.approx(100 * share)
        assert row.area == ("celebrate" if share >= 0.7 else "develop" if share <= 0.5 else "")


def test_summary_order_and_suppression(scores):
    summary = summarise_domains(scores, k=15)
    assert summary["domain"].tolist() == sorted(summary["domain"])
    for _, family in summary[summary["breakdown"] != "all"].groupby(["domain", "breakdown"]):
        assert family["suppressed"].sum() != 1
        assert family["group"].tolist() == sorted(family["group"])
    hidden = summary[summary["suppressed"]]
    assert len(hidden) and hidden[["n", "mean", "sd", "pct_positive"]].isna().all().all()
    assert (hidden["area"] == "").all()
    assert (summary.loc[~summary["suppressed"], "n"] >= 15).all()


def test_area_thresholds_are_inclusive():
    def summary_for(scores: list[float], **thresholds) -> pd.Series:
        frame = pd.DataFrame(
            {
                "respondent": [f"R{i}" for i in range(len(scores))],
                "organisation": "Council",
                "staff_group": "GP",
                "domain": "D",
                "score": scores,
            }
        )
        return summarise_domains(frame, k=1, **thresholds).iloc[0]

    assert summary_for([4.0] * 7 + [3.9] * 3)["area"] == "celebrate"  # exactly 70%
    assert summary_for([4.5] * 5 + [2.0] * 5)["area"] == "develop"  # exactly 50%
    assert summary_for([4.5] * 6 + [2.0] * 4)["area"] == ""
    assert summary_for([4.5] * 6 + [2.0] * 4, celebrate=0.6)["area"] == "celebrate"
    with pytest.raises(ValueError):
        summary_for([4.0], celebrate=0.4, develop=0.5)


def test_organisation_spread(scores):
    summary = summarise_domains(scores, k=10)
    spread = organisation_spread(summary)
    assert list(spread.columns) == list(SPREAD_COLUMNS)
    for row in spread.itertuples():
        shown = summary[
            (summary["domain"] == row.domain)
            & (summary["breakdown"] == "organisation")
            & ~summary["suppressed"]
        ]
        assert row.n_organisations == len(shown)
        if len(shown) >= 2:
            assert row.spread == pytest.approx(shown["mean"].max() - shown["mean"].min())
            assert row.highest_organisation == shown.loc[shown["mean"].idxmax(), "group"]
            assert row.lowest_organisation == shown.loc[shown["mean"].idxmin(), "group"]
        else:
            assert np.isnan(row.spread)


def test_empty_process_answers():
    scores = domain_scores(pd.DataFrame())
    summary = summarise_domains(scores, k=5)
    assert len(scores) == 0 and len(summary) == 0
    assert list(organisation_spread(summary).columns) == list(SPREAD_COLUMNS)


def test_bad_process_answers(answers):
    broken = answers.head(20).copy()
    broken.loc[4, "value"] = 0.0
    with pytest.raises(FrameError, match="rows 4"):
        domain_scores(broken)
    moved = answers.head(20).copy()
    moved.loc[0, "organisation"] = "Elsewhere"
    with pytest.raises(FrameError, match="more than one organisation"):
        domain_scores(moved)
    with pytest.raises(FrameError, match="more than one row"):
        domain_scores(pd.concat([answers.head(3), answers.head(1)]))


ITEMS = {"TRUST": 4, "COMMS": 5, "LEAD": 3}


def _score_multiset(scores: pd.DataFrame) -> pd.DataFrame:
    """People per organisation, staff group, domain, items, answers and score."""
    keys = ["organisation", "staff_group", "domain", "n_items", "n_answered", "score"]
    people = scores["count"] if "count" in scores.columns else pd.Series(1, index=scores.index)
    frame = scores[keys].astype({k: object for k in keys[:3]}).assign(count=people.to_numpy())
    counted = frame.groupby(keys, dropna=False)["count"].sum()
    return counted[counted > 0].reset_index()


@pytest.mark.parametrize("seed", [8, 9, 10])
def test_scores_and_summary_from_sums_are_those_of_the_answers(seed):
    answers = make_process_answers(np.random.default_rng(seed), people=120)
    answers = answers.sample(frac=1, random_state=seed)  # any row order
    answers.loc[answers.index[:30], "value"] = np.nan  # don't know
    direct = domain_scores(answers, items_per_domain=ITEMS)
    sums = domain_sums(answers)
    from_sums = domain_scores_from_sums(sums, items_per_domain=ITEMS)
    assert list(from_sums.columns) == list(SCORE_COUNT_COLUMNS)
    # Fewer rows than people: one a distinct sum, holding the people who have it.
    assert len(from_sums) < len(direct) == int(from_sums["count"].sum())
    pd.testing.assert_frame_equal(_score_multiset(from_sums), _score_multiset(direct))
    assert int((sums["n_rows"] * sums["count"]).sum()) == len(answers)
    pd.testing.assert_frame_equal(summarise_domains(from_sums, k=5), summarise_domains(direct, k=5))


def test_summary_figures_are_exact_and_do_not_depend_on_row_order_or_grouping():
    """Mean and SD are the exact rational figures of the scores, rounded once, so one row a
    person, the same people in another order, or one row a distinct score give the same bits."""
    rng = np.random.default_rng(4)
    people = 301
    scores = pd.DataFrame(
        {
            "respondent": [f"R{i}" for i in range(people)],
            "organisation": rng.choice(["Council", "Trust"], people),
            "staff_group": rng.choice(["GP", "nurse"], people),
            "domain": "TRUST",
            "n_items": 3,
            "n_answered": 3,
            "score": rng.integers(3, 16, people) / 3,  # thirds: no score is exact in binary
        }
    )
    summary = summarise_domains(scores, k=1)
    shuffled = summarise_domains(scores.sample(frac=1, random_state=1), k=1)
    pd.testing.assert_frame_equal(summary, shuffled, check_exact=True)
    counted = (
        scores.groupby(["organisation", "staff_group", "domain", "n_items", "n_answered", "score"])
        .size()
        .rename("count")
        .reset_index()
    )
    pd.testing.assert_frame_equal(summary, summarise_domains(counted, k=1), check_exact=True)
    for row in summary.itertuples():
        if row.breakdown == "all":
            values = scores["score"]
        else:
            values = scores.loc[scores[row.breakdown] == row.group, "score"]
        exact = [Fraction(v) for v in values]
        mean = sum(exact, Fraction(0)) / len(exact)
        variance = sum(((v - mean) ** 2 for v in exact), Fraction(0)) / (len(exact) - 1)
        assert row.n == len(exact)
        assert row.mean == float(mean)
        assert row.sd == math.sqrt(variance)
        assert row.pct_positive == pytest.approx(100 * (values >= 4).mean())


def test_one_person_has_a_mean_and_no_sd_and_nobody_has_neither():
    one = pd.DataFrame(
        {
            "organisation": ["Council", "Council"],
            "staff_group": ["GP", "nurse"],
            "domain": ["TRUST", "TRUST"],
            "n_items": [2, 2],
            "n_answered": [2, 0],
            "score": [4.5, np.nan],
            "count": [1, 3],
        }
    )
    summary = summarise_domains(one, k=1).set_index(["breakdown", "group"])
    assert summary.loc[("all", "all"), "n"] == 1
    assert summary.loc[("all", "all"), "mean"] == 4.5
    assert np.isnan(summary.loc[("all", "all"), "sd"])
    assert summary.loc[("all", "all"), "pct_positive"] == 100
    nurses = summary.loc[("staff_group", "nurse")]
    assert nurses["n"] == 0 and np.isnan(nurses["mean"]) and np.isnan(nurses["sd"])
    # Rows of nobody (count 0) are no people at all.
    nobody = one.assign(count=[0, 0])
    assert (summarise_domains(nobody, k=1)["n"] == 0).all()


def test_empty_and_bad_sums():
    empty = domain_sums(
        pd.DataFrame(
            columns=["respondent", "organisation", "staff_group", "domain", "item", "value"]
        )
    )
    assert list(empty.columns) == list(DOMAIN_SUM_COLUMNS)
    scored = domain_scores_from_sums(empty)
    assert len(scored) == 0 and list(scored.columns) == list(SCORE_COUNT_COLUMNS)
    answers = make_process_answers(np.random.default_rng(3), people=4)
    broken = answers.copy()
    broken.loc[4, "value"] = 7.0
    with pytest.raises(FrameError, match="must be 1-5.*1 respondents"):
        domain_scores_from_sums(domain_sums(broken), items_per_domain=ITEMS)
    moved = answers.copy()
    moved.loc[0, "organisation"] = "Elsewhere"
    with pytest.raises(FrameError, match="more than one organisation"):
        domain_sums(moved)
    with pytest.raises(FrameError, match="no count for domains"):
        domain_scores_from_sums(domain_sums(answers), items_per_domain={"TRUST": 4})
    with pytest.raises(FrameError, match="items_per_domain is needed"):
        domain_scores_from_sums(domain_sums(answers))
    blank = domain_sums(answers).astype({"organisation": object})
    blank.loc[0, "organisation"] = ""
    with pytest.raises(FrameError, match="organisation is empty"):
        domain_scores_from_sums(blank, items_per_domain=ITEMS)
