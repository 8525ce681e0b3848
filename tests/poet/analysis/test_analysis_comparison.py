"""compare_outcomes and priority_agreement against direct SciPy/NumPy computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from poet.analysis import (
    COMPARISON_COLUMNS,
    FrameError,
    compare_outcomes,
    empty_outcome_answers,
    priority_agreement,
)

from .helpers import make_outcome_answers, reference_row

SEED = 7
RESAMPLES = 300
FIGURES = [c for c in COMPARISON_COLUMNS if c not in ("outcome", "measure", "breakdown", "group")]
FIGURES = [c for c in FIGURES if c not in ("flag", "suppressed", "suppression")]


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    rng = np.random.default_rng(20260101)
    return make_outcome_answers(rng, n_staff=90, n_users=45, outcomes=5, shift=0.6)


@pytest.fixture(scope="module")
def comparison(answers) -> pd.DataFrame:
    return compare_outcomes(answers, k=8, resamples=RESAMPLES, seed=SEED)


def key_of(row) -> tuple[str, str, str, str]:
    return (row.outcome, row.measure, row.breakdown, row.group)


def test_columns_rows_and_order(comparison, answers):
    assert list(comparison.columns) == list(COMPARISON_COLUMNS)
    outcomes = sorted(answers["outcome"].unique())
    organisations = sorted(answers["organisation"].dropna().unique())
    staff_groups = sorted(answers.loc[answers["audience"] == "staff", "group"].unique())
    audiences = sorted(answers.loc[answers["audience"] != "staff", "audience"].unique())
    expected = [
        (o, m, b, g)
        for o in outcomes
        for m in ("importance", "achievement")
        for b, groups in (
            ("all", ["all"]),
            ("organisation", organisations),
            ("staff_group", staff_groups),
            ("audience", audiences),
        )
        for g in groups
    ]
    assert [key_of(row) for row in comparison.itertuples()] == expected


def test_every_shown_figure_matches_direct_computation(comparison, answers):
    shown = comparison[~comparison["suppressed"]]
    assert len(shown) > 0.8 * len(comparison)
    for row in shown.itertuples():
        expected = reference_row(answers, key_of(row), seed=SEED, resamples=RESAMPLES)
        for column, value in expected.items():
            got = getattr(row, column)
            assert got == pytest.approx(value, rel=1e-9, abs=1e-9, nan_ok=True), (
                key_of(row),
                column,
            )


def test_q_is_benjamini_hochberg_within_measure_breakdown_group(comparison):
    shown = comparison[~comparison["suppressed"]]
    for _, family in shown.groupby(["measure", "breakdown", "group"]):
        expected = stats.false_discovery_control(family["p_value"].to_numpy())
        np.testing.assert_allclose(family["q_value"].to_numpy(), expected, atol=1e-12)
    assert comparison.loc[comparison["suppressed"], "q_value"].isna().all()


def test_flags_follow_the_rule(comparison):
    assert (comparison["flag"] != "").any()
    for row in comparison.itertuples():
        significant = row.q_value < 0.05
        if row.suppressed or not significant:
            expected = ""
        elif row.measure == "importance":
            expected = "assumed_not_valued" if row.mean_diff < 0 else "blind_spot"
        else:
            expected = "over_estimated" if row.mean_diff < 0 else "under_estimated"
        assert row.flag == expected


def test_suppressed_rows_are_empty(answers):
    table = compare_outcomes(answers, k=20, resamples=50, seed=1)
    hidden = table[table["suppressed"]]
    assert len(hidden) > 0
    assert hidden[FIGURES].isna().all().all()
    assert (hidden["flag"] == "").all()
    shown = table[~table["suppressed"]]
    assert (shown["n_staff"] >= 20).all() and (shown["n_users"] >= 20).all()


def test_user_proposed_outcome_is_a_blind_spot_on_the_all_importance_row(answers):
    table = compare_outcomes(answers, k=5, resamples=20, user_proposed={"O-03"})
    flagged = table[(table["outcome"] == "O-03") & (table["flag"] == "blind_spot")]
    assert ("importance", "all") in set(zip(flagged["measure"], flagged["breakdown"], strict=True))
    plain = compare_outcomes(answers, k=5, resamples=20)
    others = table["outcome"] != "O-03"
    assert table.loc[others, "flag"].tolist() == plain.loc[others, "flag"].tolist()


def test_same_input_and_seed_give_identical_output_even_shuffled(answers):
    first = compare_outcomes(answers, k=8, resamples=100, seed=3)
    again = compare_outcomes(answers.sample(frac=1, random_state=5), k=8, resamples=100, seed=3)
    pd.testing.assert_frame_equal(first, again)
    other_seed = compare_outcomes(answers, k=8, resamples=100, seed=4)
    assert not np.allclose(first["ci_low"], other_seed["ci_low"], equal_nan=True)
    same = [c for c in COMPARISON_COLUMNS if c not in ("ci_low", "ci_high")]
    pd.testing.assert_frame_equal(first[same], other_seed[same])


def test_a_comparison_ci_does_not_depend_on_other_outcomes(answers):
    whole = compare_outcomes(answers, k=8, resamples=100, seed=3)
    one = compare_outcomes(answers[answers["outcome"] == "O-02"], k=8, resamples=100, seed=3)
    part = whole[whole["outcome"] == "O-02"].reset_index(drop=True)
    pd.testing.assert_series_equal(part["ci_low"], one["ci_low"])


def test_check_unique_false_gives_the_same_table(answers):
    pd.testing.assert_frame_equal(
        compare_outcomes(answers, k=8, resamples=30),
        compare_outcomes(answers, k=8, resamples=30, check_unique=False),
    )


def test_progress_is_reported_a_few_times_up_to_one(answers):
    seen: list[float] = []
    compare_outcomes(answers, k=8, resamples=10, progress=seen.append)
    assert 3 <= len(seen) <= 20
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


@pytest.mark.parametrize("frame", [empty_outcome_answers(), pd.DataFrame()])
def test_empty_frame_gives_an_empty_table(frame):
    table = compare_outcomes(frame, k=10)
    assert list(table.columns) == list(COMPARISON_COLUMNS) and len(table) == 0
    assert math.isnan(priority_agreement(table)["spearman_rho"])


def frame_of(rows: list[tuple]) -> pd.DataFrame:
    columns = ["respondent", "audience", "organisation", "group", "outcome", "measure", "value"]
    return pd.DataFrame(rows, columns=columns)


def test_a_side_nobody_was_asked_about_leaves_the_other_side_shown():
    # O-A: only staff were asked (not taken to the follow-up); O-B: both; O-C: only service
    # users and carers (proposed after the staff survey), by five people, of whom two carers.
    rows = [(f"s{i}", "staff", "Council", "GP", "O-A", "importance", 4.0) for i in range(5)]
    rows += [(f"u{i}", "carer", None, "older people", "O-B", "importance", 3.0) for i in range(5)]
    rows += [(f"s{i}", "staff", "Council", "GP", "O-B", "importance", 2.0) for i in range(5)]
    rows += [(f"u{i}", "service_user", None, "x", "O-C", "importance", 5.0) for i in range(3)]
    rows += [(f"c{i}", "carer", None, "x", "O-C", "importance", 4.0) for i in range(2)]
    table = compare_outcomes(frame_of(rows), k=3, resamples=10, user_proposed={"O-C"})
    table = table.set_index(["outcome", "breakdown", "group"])

    staff_only = table.loc[("O-A", "all", "all")]
    assert not staff_only["suppressed"] and staff_only["n_staff"] == 5
    assert staff_only["mean_staff"] == 4 and staff_only["n_users"] == 0
    assert pd.isna(staff_only["mean_users"]) and pd.isna(staff_only["mean_diff"])
    assert pd.isna(staff_only["p_value"]) and pd.isna(staff_only["q_value"])

    users_only = table.loc[("O-C", "all", "all")]
    assert not users_only["suppressed"] and users_only["n_users"] == 5
    assert users_only["mean_users"] == pytest.approx(4.6) and users_only["n_staff"] == 0
    assert pd.isna(users_only["ci_low"]) and pd.isna(users_only["cliffs_delta"])
    assert users_only["flag"] == "blind_spot"  # users proposed it
    # 2 carers are still too few, and the 3 service users go with them (else 5 - 3 = 2 carers).
    assert table.loc[("O-C", "audience", "carer"), "suppressed"]
    assert table.loc[("O-C", "audience", "service_user"), "suppressed"]
    assert not table.xs("O-B", level="outcome")["suppressed"].any()


def test_a_member_with_no_answers_is_not_the_one_hidden_to_protect_a_small_one():
    rows = []
    number = 0
    for organisation, size in {"Alpha": 2, "Gamma": 12, "Delta": 14}.items():
        for _ in range(size):
            rows.append((f"s{number}", "staff", organisation, "GP", "O-A", "importance", 4.0))
            number += 1
    rows.append(("z0", "staff", "Beta", "GP", "O-B", "importance", 3.0))  # Beta: none on O-A
    rows += [
        (f"u{i}", "service_user", None, "x", m, "importance", 3.0)
        for i in range(20)
        for m in ("O-A", "O-B")
    ]
    table = compare_outcomes(frame_of(rows), k=5, resamples=10)
    table = table[table["outcome"] == "O-A"].set_index(["breakdown", "group"])
    assert table.loc[("organisation", "Beta"), "n_staff"] == 0
    assert table.loc[("organisation", "Alpha"), "suppressed"]
    # Hiding Beta (nobody) would leave Alpha = all - Gamma - Delta: Gamma goes instead.
    assert table.loc[("organisation", "Gamma"), "suppressed"]
    assert not table.loc[("organisation", "Delta"), "suppressed"]


def test_identical_answers_have_zero_spread_and_scipy_p():
    rows = [(f"s{i}", "staff", "Council", "GP", "O-A", "importance", 3.0) for i in range(4)]
    rows += [
        (f"u{i}", "service_user", None, "older people", "O-A", "importance", 3.0) for i in range(3)
    ]
    row = compare_outcomes(frame_of(rows), k=1, resamples=50).iloc[0]
    expected = stats.mannwhitneyu([3.0] * 3, [3.0] * 4, method="asymptotic")
    assert row["sd_staff"] == 0 and row["sd_users"] == 0
    assert row["p_value"] == expected.pvalue == 1.0
    assert row["u_statistic"] == expected.statistic
    assert row["cliffs_delta"] == 0 and row["ci_low"] == 0 and row["ci_high"] == 0


def test_one_answer_each_side():
    rows = [
        ("s1", "staff", "Council", "GP", "O-A", "importance", 2.0),
        ("u1", "carer", None, "older people", "O-A", "importance", 5.0),
    ]
    row = compare_outcomes(frame_of(rows), k=1, resamples=50).iloc[0]
    expected = stats.mannwhitneyu([5.0], [2.0], method="asymptotic")
    assert row["n_staff"] == 1 and row["n_users"] == 1
    assert math.isnan(row["sd_staff"]) and math.isnan(row["sd_users"])
    assert row["median_users"] == 5 and row["mean_diff"] == 3
    assert row["p_value"] == pytest.approx(expected.pvalue, abs=1e-12)
    assert row["cliffs_delta"] == 1
    assert compare_outcomes(frame_of(rows), k=2, resamples=50)["suppressed"].all()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value", 7.0, "value must be 1-5"),
        ("value", "DK", "value must be numeric"),
        ("audience", "manager", "audience must be one of"),
        ("measure", "relevance", "measure must be one of"),
        ("organisation", None, "organisation is empty"),
        ("group", "", "group is empty"),
    ],
)
@pytest.mark.parametrize("check_unique", [True, False])
def test_bad_input_is_refused_naming_the_row(answers, column, value, message, check_unique):
    frame = answers.head(40).copy().astype({"value": object})
    frame.loc[3, column] = value
    with pytest.raises(FrameError, match=message) as error:
        compare_outcomes(frame, k=5, check_unique=check_unique)
    if "numeric" not in message:
        assert "rows 3" in str(error.value)


def test_duplicate_answers_are_refused(answers):
    frame = pd.concat([answers.head(10), answers.head(1)], ignore_index=True)
    with pytest.raises(FrameError, match="more than one row"):
        compare_outcomes(frame, k=5)


def test_missing_column_and_bad_parameters(answers):
    with pytest.raises(FrameError, match="missing columns: group"):
        compare_outcomes(answers.drop(columns="group"), k=5)
    for bad in ({"k": 0}, {"k": 2.5}, {"k": 5, "resamples": -1}, {"k": 5, "seed": -3}):
        with pytest.raises(ValueError):
            compare_outcomes(answers, **bad)


def test_priority_agreement_matches_scipy(comparison):
    rows = comparison[
        (comparison["breakdown"] == "all")
        & (comparison["measure"] == "importance")
        & ~comparison["suppressed"]
    ]
    result = priority_agreement(comparison)
    rho = stats.spearmanr(rows["mean_staff"], rows["mean_users"])
    tau = stats.kendalltau(rows["mean_staff"], rows["mean_users"])
    assert result["n_outcomes"] == len(rows) == 5
    assert result["spearman_rho"] == pytest.approx(rho.statistic, abs=1e-12)
    assert result["spearman_p"] == pytest.approx(rho.pvalue, abs=1e-12)
    assert result["kendall_tau"] == pytest.approx(tau.statistic, abs=1e-12)
    assert result["kendall_p"] == pytest.approx(tau.pvalue, abs=1e-12)


def test_priority_agreement_skips_suppressed_and_needs_three(comparison):
    hidden = comparison.copy()
    is_all = (hidden["breakdown"] == "all") & (hidden["measure"] == "importance")
    hidden.loc[is_all & hidden["outcome"].isin(["O-00", "O-01", "O-02"]), "suppressed"] = True
    result = priority_agreement(hidden)
    assert result["n_outcomes"] == 2 and math.isnan(result["kendall_tau"])


def test_secondary_suppression_in_the_comparison_table():
    rows = []
    sizes = {"Alpha": 3, "Beta": 12, "Gamma": 15}
    number = 0
    for organisation, size in sizes.items():
        for _ in range(size):
            rows.append((f"s{number}", "staff", organisation, "GP", "O-A", "importance", 4.0))
            number += 1
    rows += [(f"u{i}", "service_user", None, "x", "O-A", "importance", 3.0) for i in range(20)]
    rows += [(f"c{i}", "carer", None, "x", "O-A", "importance", 2.0) for i in range(2)]
    table = compare_outcomes(frame_of(rows), k=5, resamples=10).set_index(["breakdown", "group"])
    hidden = table["suppressed"]
    assert not hidden[("all", "all")] and not hidden[("staff_group", "GP")]
    assert hidden[("organisation", "Alpha")] and hidden[("organisation", "Beta")]
    assert not hidden[("organisation", "Gamma")]
    assert hidden[("audience", "carer")] and hidden[("audience", "service_user")]
    why = table["suppression"]
    assert why[("organisation", "Alpha")] == "primary" and why[("audience", "carer")] == "primary"
    assert why[("organisation", "Beta")] == "secondary"
    assert why[("audience", "service_user")] == "secondary"
    assert why[("all", "all")] == "" and why[("organisation", "Gamma")] == ""


@pytest.mark.parametrize("audience", ["staff", "carer"])
def test_a_frame_with_one_audience_only(answers, audience):
    rows = answers[(answers["audience"] == "staff") == (audience == "staff")]
    table = compare_outcomes(rows, k=1, resamples=5)
    assert not table["suppressed"].any()  # k = 1: nobody is too few
    other = "n_users" if audience == "staff" else "n_staff"
    assert (table[other] == 0).all() and table["mean_diff"].isna().all()
    expected = (
        {"all", "organisation", "staff_group"} if audience == "staff" else {"all", "audience"}
    )
    assert set(table["breakdown"]) == expected
