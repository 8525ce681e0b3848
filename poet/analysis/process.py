"""Process domains of the staff survey: how working together feels (the formative report).

A respondent's domain score is the mean of the items they answered in the domain, counted only
when they answered at least half of its items, so one answered item cannot stand for a domain.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import cast

import numpy as np
import pandas as pd

from .frames import (
    LIKERT_VALUES,
    PROCESS_ANSWER_COLUMNS,
    FrameError,
    require_columns,
    validate_process_answers,
)
from .release import STAFF_SIDE, TOTAL, Release, release_for
from .suppression import blank, check_k

POSITIVE_SCORE = 4.0  # a domain score counts as positive from 4.0 (the mean of "agree" answers)
CELEBRATE = "celebrate"
DEVELOP = "develop"
DOMAIN_BREAKDOWNS: tuple[str, ...] = ("all", "organisation", "staff_group")

SCORE_COLUMNS: tuple[str, ...] = (
    "respondent",
    "organisation",
    "staff_group",
    "domain",
    "n_items",
    "n_answered",
    "score",
)
DOMAIN_SUMMARY_COLUMNS: tuple[str, ...] = (
    "domain",
    "breakdown",
    "group",
    "n",
    "mean",
    "sd",
    "pct_positive",
    "area",
    "suppressed",
    "suppression",
)
SPREAD_COLUMNS: tuple[str, ...] = (
    "domain",
    "n_organisations",
    "highest_organisation",
    "highest_mean",
    "lowest_organisation",
    "lowest_mean",
    "spread",
)


def _empty(columns: tuple[str, ...], dtypes: Mapping[str, str | type[object]]) -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype="float64") for column in columns})
    text: dict[str, str | type[object]] = {
        c: object for c in ("domain", "breakdown", "group", "area", "suppression") if c in columns
    }
    text.update({c: object for c in columns if c.endswith("_organisation")})
    return frame.astype({**text, **dtypes})


def domain_scores(
    process_answers: pd.DataFrame,
    *,
    items_per_domain: Mapping[str, int] | None = None,
    check_unique: bool = True,
) -> pd.DataFrame:
    """One row per respondent and domain they met: ``score`` is the mean of the items they
    answered there, NaN unless they answered at least half of the domain's items.

    A domain's item count is ``items_per_domain[domain]`` when given (the questionnaire's count,
    which is right even when nobody answered some item), else the number of distinct items of that
    domain in the frame. Don't know (NaN) is not an answer.
    """
    answers = validate_process_answers(process_answers, check_unique=check_unique)
    keys = ["respondent", "organisation", "staff_group", "domain"]
    if len(answers) == 0:
        frame = pd.DataFrame({column: pd.Series(dtype=object) for column in SCORE_COLUMNS})
        return frame.astype({"n_items": "int64", "n_answered": "int64", "score": "float64"})
    grouped = answers.groupby(keys, sort=True, observed=True)["value"]
    scores = grouped.agg(["count", "sum"]).reset_index()
    if scores.duplicated(["respondent", "domain"]).any():
        raise FrameError("process_answers: a respondent has more than one organisation or group")
    if items_per_domain is None:
        n_items = answers.groupby("domain", observed=True)["item"].nunique()
    else:
        missing = sorted(set(scores["domain"]) - set(items_per_domain))
        if missing:
            raise FrameError(f"items_per_domain has no count for domains: {', '.join(missing)}")
        n_items = pd.Series(dict(items_per_domain), dtype="int64")
    scores["n_items"] = scores["domain"].map(n_items).to_numpy(dtype="int64")
    answered = scores["count"].to_numpy(dtype="int64")
    enough = (answered > 0) & (2 * answered >= scores["n_items"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        scores["score"] = np.where(enough, scores["sum"].to_numpy() / answered, np.nan)
    scores["n_answered"] = answered
    return scores[list(SCORE_COLUMNS)]


DOMAIN_SUM_COLUMNS: tuple[str, ...] = (
    "organisation",
    "staff_group",
    "domain",
    "n_rows",
    "n_answered",
    "total",
    "n_invalid",
    "count",
)
# SCORE_COLUMNS with the people who have each score instead of one respondent a row.
SCORE_COUNT_COLUMNS: tuple[str, ...] = (*SCORE_COLUMNS[1:], "count")
_SUM_KEYS = list(DOMAIN_SUM_COLUMNS[:-1])


def domain_sums(process_answers: pd.DataFrame) -> pd.DataFrame:
    """How many people of each organisation x staff group had each sum of their answers to a
    domain (answer rows, don't know included; answers; their total; answers not 1-5): what the
    database returns instead of every answer or every person (issue 19), a national wave's 8
    million person x domain sums becoming a few thousand rows. ``domain_scores_from_sums`` of it
    gives the scores of ``domain_scores``, ``summarise_domains`` the same summary."""
    answers = require_columns(process_answers, PROCESS_ANSWER_COLUMNS, "process_answers")
    keys = ["respondent", "organisation", "staff_group", "domain"]
    if len(answers) == 0:
        frame = pd.DataFrame({column: pd.Series(dtype=object) for column in DOMAIN_SUM_COLUMNS})
        counts = ("n_rows", "n_answered", "n_invalid", "count")
        return frame.astype({**{c: "int64" for c in counts}, "total": "float64"})
    values = pd.to_numeric(answers["value"], errors="coerce").astype("float64")
    invalid = (values.notna() & ~values.isin(LIKERT_VALUES)) | (
        values.isna() & answers["value"].notna()
    )
    frame = answers[keys].assign(_value=values, _invalid=invalid.astype("int64"))
    grouped = frame.groupby(keys, sort=True, observed=True, dropna=False)
    per_person = grouped.agg(
        n_rows=("_value", "size"),
        n_answered=("_value", "count"),
        total=("_value", "sum"),
        n_invalid=("_invalid", "sum"),
    ).reset_index()
    if per_person.duplicated(["respondent", "domain"]).any():
        raise FrameError("process_answers: a respondent has more than one organisation or group")
    sums = per_person.groupby(_SUM_KEYS, sort=True, observed=True, dropna=False).size()
    return sums.rename("count").reset_index()[list(DOMAIN_SUM_COLUMNS)]


def _has_blank(values: pd.Series) -> bool:
    """Whether a key column holds an empty string, without a Python object per row (a national
    wave has 8 million rows): numbers cannot, a categorical only through its labels."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return False
    if isinstance(values.dtype, pd.CategoricalDtype):
        labels = np.asarray(values.cat.categories, dtype=object)
        blank_codes = np.flatnonzero(labels == "")
        return bool(len(blank_codes)) and bool(np.isin(values.cat.codes, blank_codes).any())
    return bool((values.astype(object) == "").any())


def _per_row(domains: pd.Series, per_domain: pd.Series) -> np.ndarray:
    """``per_domain[domain]`` for every row, through a categorical's codes when it is one."""
    if isinstance(domains.dtype, pd.CategoricalDtype):
        labels = list(domains.cat.categories)
        lookup = per_domain.reindex(labels).fillna(0).to_numpy(dtype="int64")
        return lookup[domains.cat.codes.to_numpy()]
    return domains.astype(object).map(per_domain).to_numpy(dtype="int64")


def domain_scores_from_sums(
    sums: pd.DataFrame, *, items_per_domain: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Domain scores from ``domain_sums`` (``DOMAIN_SUM_COLUMNS``): each row's score with the
    number of people who have it (``SCORE_COUNT_COLUMNS``), for ``summarise_domains``. Sums of
    answers 1-5 are whole numbers, exact in floating point, so each score is the same division
    as on the answers. ``items_per_domain`` is required when there are sums (the items cannot be
    counted here)."""
    sums = require_columns(sums, DOMAIN_SUM_COLUMNS, "domain_sums")
    if len(sums) == 0:
        frame = pd.DataFrame({column: pd.Series(dtype=object) for column in SCORE_COUNT_COLUMNS})
        counts = ("n_items", "n_answered", "count")
        return frame.astype({**{c: "int64" for c in counts}, "score": "float64"})
    invalid = sums["n_invalid"].to_numpy(dtype="int64") > 0
    if invalid.any():
        people = int(sums.loc[invalid, "count"].sum())
        raise FrameError(
            f"process_answers.value must be 1-5 or NaN (don't know): {people} respondents "
            "answered otherwise"
        )
    for column in ("organisation", "staff_group", "domain"):
        if sums[column].isna().any() or _has_blank(sums[column]):
            raise FrameError(f"process_answers.{column} is empty")
    if items_per_domain is None:
        raise FrameError("items_per_domain is needed to score domains from sums")
    missing = sorted(set(sums["domain"].astype(object)) - set(items_per_domain))
    if missing:
        raise FrameError(f"items_per_domain has no count for domains: {', '.join(missing)}")
    n_items = pd.Series(dict(items_per_domain), dtype="int64")
    scores = sums[["organisation", "staff_group", "domain"]].copy()
    scores["n_items"] = _per_row(scores["domain"], n_items)
    answered = sums["n_answered"].to_numpy(dtype="int64")
    enough = (answered > 0) & (2 * answered >= scores["n_items"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        scores["score"] = np.where(
            enough, sums["total"].to_numpy(dtype="float64") / answered, np.nan
        )
    scores["n_answered"] = answered
    scores["count"] = sums["count"].to_numpy(dtype="int64")
    return scores[list(SCORE_COUNT_COLUMNS)].reset_index(drop=True)


def _exact_figures(scores: np.ndarray, people: np.ndarray) -> tuple[int, float, float]:
    """n, mean and SD (ddof=1) of scores held by so many people each, in exact rational
    arithmetic rounded once: the same figures whatever the order of the rows or how the people
    are grouped into them (one row a person, or one row a distinct score), to the last bit."""
    n = int(people.sum())
    if n == 0:
        return 0, float("nan"), float("nan")
    exact = [
        (Fraction(float(score)), int(count)) for score, count in zip(scores, people, strict=True)
    ]
    mean = sum((score * count for score, count in exact), Fraction(0)) / n
    if n < 2:
        return n, float(mean), float("nan")
    squares = sum((count * (score - mean) ** 2 for score, count in exact), Fraction(0))
    return n, float(mean), math.sqrt(squares / (n - 1))


def _score_counts(scores: pd.DataFrame) -> pd.DataFrame:
    """People per organisation, staff group, domain and score (NaN: no score), from one row a
    person (``SCORE_COLUMNS``) or rows already counted (``SCORE_COUNT_COLUMNS``)."""
    keys = ["organisation", "staff_group", "domain", "score"]
    people = (
        scores["count"].to_numpy(dtype="int64")
        if "count" in scores.columns
        else np.ones(len(scores), dtype="int64")
    )
    frame = scores[keys].assign(count=people)
    if len(frame) == 0:
        return frame
    per_key = frame.groupby(keys, sort=True, observed=True, dropna=False)["count"].sum()
    counted: pd.DataFrame = per_key.reset_index()
    return counted[(counted["count"] > 0).to_numpy()].reset_index(drop=True)


def domain_figure(domain: str) -> str:
    """The name of a process domain in a release's disclosure note."""
    return f"domain:{domain}"


def _protect_domains(table: pd.DataFrame, scored: pd.DataFrame, release: Release) -> np.ndarray:
    """Why each row is hidden ('' when shown): each domain is one figure of the release, its
    people the respondents with a score, in organisation x staff group cells."""
    people = scored.groupby(["domain", "organisation", "staff_group"], sort=False, observed=True)[
        "count"
    ].sum()
    reason = np.full(len(table), "", dtype=object)
    margin = list(zip(table["breakdown"], table["group"], strict=True))
    for domain, rows in table.groupby("domain", sort=False).groups.items():
        mine = people[people.index.get_level_values(0) == domain] if len(people) else people
        decided = release.protect(
            domain_figure(str(domain)),
            STAFF_SIDE,
            # The index is a MultiIndex, whose labels are tuples; the stubs type them as Hashable.
            {
                (o, g): int(n)
                for (_, o, g), n in cast(
                    "Iterable[tuple[tuple[Hashable, Hashable, Hashable], np.int64]]", mine.items()
                )
            },
        )
        for row in rows:
            reason[row] = decided[margin[row]]
    return reason


def _figures(source: pd.DataFrame) -> pd.DataFrame:
    """n, mean, SD and people with a positive score per domain and group (``_exact_figures``)."""
    rows = []
    # People per distinct score first: a few dozen scores a group, whatever its cells.
    per_score = source.groupby(["domain", "group", "score"], sort=True, observed=True)["count"]
    counted = per_score.sum()
    for key, part in counted.groupby(level=[0, 1], sort=True):
        domain, group = cast("tuple[Hashable, Hashable]", key)
        score = part.index.get_level_values(2).to_numpy(dtype="float64")
        people = part.to_numpy(dtype="int64")
        n, mean, sd = _exact_figures(score, people)
        positive = int(people[score >= POSITIVE_SCORE].sum())
        rows.append((domain, group, n, mean, sd, positive))
    return pd.DataFrame.from_records(
        rows, columns=["domain", "group", "n", "mean", "sd", "positive"]
    ).astype({"n": "int64", "mean": "float64", "sd": "float64", "positive": "int64"})


def summarise_domains(
    scores: pd.DataFrame,
    *,
    k: int,
    celebrate: float = 0.70,
    develop: float = 0.50,
    release: Release | None = None,
) -> pd.DataFrame:
    """Per domain, for all staff, each organisation and each staff group: n, mean, SD (ddof=1),
    % positive (share of respondents whose domain score is >= 4.0, as 0-100) and the area.

    ``area`` is ``celebrate`` at a positive share >= ``celebrate``, ``develop`` at <= ``develop``
    (shares 0..1, settable per partnership). Every domain gets a row for every organisation and
    staff group of the release's structure (or present in ``scores``). What is hidden and why
    (``suppression``) comes from ``release``: every domain is one linked table of organisation x
    staff group cells, its people the respondents with a score.
    """
    k = check_k(k)
    if not 0 <= develop < celebrate <= 1:
        raise ValueError("thresholds must satisfy 0 <= develop < celebrate <= 1")
    counted = _score_counts(scores)
    scored = counted[counted["score"].notna()]
    domains = pd.DataFrame({"domain": sorted(scores["domain"].dropna().unique())})
    if len(domains) == 0:
        return _empty(DOMAIN_SUMMARY_COLUMNS, {"n": "Int64", "suppressed": bool})
    every = scores[["organisation", "staff_group"]].dropna().drop_duplicates()
    release = release_for(k, release, staff_cells=every.itertuples(index=False, name=None))
    known = release.margins(STAFF_SIDE)
    blocks = []
    for breakdown, column in (
        (TOTAL, None),
        ("organisation", "organisation"),
        ("staff_group", "staff_group"),
    ):
        if column is None:
            grid = domains.assign(group=TOTAL)
            source = scored.assign(group=TOTAL)
        else:
            labels = pd.DataFrame({"group": [g for b, g in known if b == breakdown]})
            grid = domains.merge(labels, how="cross")
            source = scored.rename(columns={column: "group"})
        block = grid.merge(_figures(source), on=["domain", "group"], how="left")
        blocks.append(block.assign(breakdown=breakdown))
    table = pd.concat(blocks, ignore_index=True)
    table["n"] = table["n"].fillna(0).astype("int64")
    positive = table["positive"].fillna(0).to_numpy(dtype="float64")
    n = table["n"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, positive / n, np.nan)
    table["pct_positive"] = 100 * share
    table["mean"] = table["mean"].astype("float64")
    table["sd"] = table["sd"].astype("float64")
    table["area"] = np.select([share >= celebrate, share <= develop], [CELEBRATE, DEVELOP], "")
    table["_rank"] = table["breakdown"].map({b: i for i, b in enumerate(DOMAIN_BREAKDOWNS)})
    table = table.sort_values(["domain", "_rank", "group"], kind="stable").reset_index(drop=True)
    reason = _protect_domains(table, scored, release)
    hidden = reason != ""
    table["suppressed"] = hidden
    table["suppression"] = reason
    table = blank(table, hidden, ["n", "mean", "sd", "pct_positive", "area"])
    return table[list(DOMAIN_SUMMARY_COLUMNS)]


def organisation_spread(summary: pd.DataFrame) -> pd.DataFrame:
    """Per domain, the highest minus the lowest organisation mean among the organisations shown.

    Only shown (unsuppressed) organisations count, so the spread never reveals a hidden group;
    NaN with fewer than two. Ties go to the first organisation by name.
    """
    domains = pd.DataFrame({"domain": sorted(summary["domain"].dropna().unique())})
    if len(domains) == 0:
        return _empty(SPREAD_COLUMNS, {"n_organisations": "int64"})
    shown = summary[
        (summary["breakdown"] == "organisation")
        & ~summary["suppressed"].astype(bool)
        & summary["mean"].notna()
    ].sort_values(["domain", "group"], kind="stable", ignore_index=True)
    by_domain = shown.groupby("domain", sort=True)["mean"]
    columns = ["domain", "group", "mean"]
    highest = shown.loc[by_domain.idxmax().to_numpy(), columns] if len(shown) else shown[columns]
    lowest = shown.loc[by_domain.idxmin().to_numpy(), columns] if len(shown) else shown[columns]
    table = domains.merge(
        shown.groupby("domain").size().rename("n_organisations"), on="domain", how="left"
    )
    table = table.merge(
        highest.rename(columns={"group": "highest_organisation", "mean": "highest_mean"}),
        on="domain",
        how="left",
    ).merge(
        lowest.rename(columns={"group": "lowest_organisation", "mean": "lowest_mean"}),
        on="domain",
        how="left",
    )
    table["n_organisations"] = table["n_organisations"].fillna(0).astype("int64")
    enough = table["n_organisations"] >= 2
    table["spread"] = (table["highest_mean"] - table["lowest_mean"]).where(enough)
    for column in ("highest_organisation", "highest_mean", "lowest_organisation", "lowest_mean"):
        table[column] = table[column].where(enough)
    return table[list(SPREAD_COLUMNS)]
