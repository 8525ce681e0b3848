"""The database side of a comparison: a wave's answers as the analysis input frames.

One query per table, straight into a DataFrame: on PostgreSQL the query runs as
``COPY (...) TO STDOUT`` into ``pandas.read_csv`` (no Python object per row); elsewhere (SQLite in
development and fast tests) through the cursor. Answers carry only ids; the few names they refer
to (organisations, groups, outcome codes, measures, domains) come from small lookups and are
mapped on as categoricals, which keeps both the transfer and the later groupby cheap.

What counts: submitted responses only, never those awaiting confirmation (open-link responses
beyond their group's headcount, `surveys.selectors.headcounts`) or of a withdrawn participant;
"don't know" is NaN (missing, never a number).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Mod

from outcomes.models import Participant, ParticipantResponse
from outcomes.selectors.responses import counted_responses
from poet.analysis import (
    ANSWER_COUNT_COLUMNS,
    DOMAIN_SUM_COLUMNS,
    MEASURES,
    OUTCOME_ANSWER_COLUMNS,
    PICKED_COLUMNS,
    PROCESS_ANSWER_COLUMNS,
    STAFF_SIDE,
    TOP_PICK_COLUMNS,
    USERS_SIDE,
    picks_per_outcome,
)
from poet.analysis.frames import LIKERT_VALUES
from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave
from poet.selectors.outcome_statements import outcome_statements_for
from surveys.models import Answer, Item, Response
from surveys.selectors.headcounts import staff_headcounts

TOP_PICKS_CODE = "TOP3"
AUDIENCES = [a.value for a in Audience]


@dataclass
class WaveFrames:
    """Everything one comparison reads, as plain frames the analysis understands."""

    outcome_answers: pd.DataFrame
    process_answers: pd.DataFrame
    top_picks: pd.DataFrame
    items_per_domain: dict[str, int] = field(default_factory=dict)
    user_proposed: frozenset[str] = frozenset()

    def staff_only(self) -> WaveFrames:
        """The same frames without users' and carers' answers (their collection is open)."""
        staff = (self.outcome_answers["audience"] == Audience.STAFF).to_numpy()
        picks = self.top_picks
        if len(picks):
            picks = picks[(picks["audience"] == Audience.STAFF).to_numpy()]
        return WaveFrames(
            outcome_answers=self.outcome_answers[staff].reset_index(drop=True),
            process_answers=self.process_answers,
            top_picks=picks,
            items_per_domain=self.items_per_domain,
            user_proposed=frozenset(),
        )

    @property
    def n_staff(self) -> int:
        frame = self.outcome_answers
        staff = frame["respondent"][(frame["audience"] == Audience.STAFF).to_numpy()]
        return int(staff.nunique())

    @property
    def n_users(self) -> int:
        frame = self.outcome_answers
        users = frame["respondent"][(frame["audience"] != Audience.STAFF).to_numpy()]
        return int(users.nunique())


@dataclass
class CountedWave:
    """What a comparison job reads (issue 19): the outcome answers as counts per outcome measure,
    audience, organisation, group and value (``answer_counts``, one ``GROUP BY``) and who gave
    them (one row per respondent and cell), never every outcome answer. ``process_sums`` counts
    the people of each cell with each sum of their answers to a domain (``domain_sums``), not
    every answer nor every person; ``picks_per_outcome`` the people per audience who put each
    outcome among their three, not every pick."""

    outcome_counts: pd.DataFrame
    respondents: pd.DataFrame
    process_sums: pd.DataFrame
    picks_per_outcome: pd.DataFrame
    items_per_domain: dict[str, int] = field(default_factory=dict)
    user_proposed: frozenset[str] = frozenset()

    def staff_only(self) -> CountedWave:
        """The same input without users' and carers' answers (their collection is open)."""
        counts = self.outcome_counts
        respondents = self.respondents
        picks = self.picks_per_outcome
        picks = picks[(picks["audience"] == Audience.STAFF).to_numpy()].reset_index(drop=True)
        return CountedWave(
            outcome_counts=counts[(counts["audience"] == Audience.STAFF).to_numpy()].reset_index(
                drop=True
            ),
            respondents=respondents[
                (respondents["audience"] == Audience.STAFF).to_numpy()
            ].reset_index(drop=True),
            process_sums=self.process_sums,
            picks_per_outcome=picks,
            items_per_domain=self.items_per_domain,
            user_proposed=frozenset(),
        )

    @property
    def audiences(self) -> set[str]:
        return set(self.outcome_counts["audience"].dropna().astype(str))

    @property
    def n_outcome_answers(self) -> int:
        return int(self.outcome_counts["count"].sum())

    @property
    def n_process_answers(self) -> int:
        sums = self.process_sums
        return int((sums["n_rows"].to_numpy() * sums["count"].to_numpy()).sum())

    @property
    def n_staff(self) -> int:
        return int((self.respondents["audience"] == Audience.STAFF).sum())

    @property
    def n_users(self) -> int:
        return len(self.respondents) - self.n_staff


Part = tuple[int, int]  # (index, parts): the people whose response id is index modulo parts


def _counted_answers(wave: Wave) -> QuerySet[Answer]:
    withdrawn = ParticipantResponse.objects.filter(
        response=OuterRef("response_id"), participant__withdrawn_on__isnull=False
    )
    return Answer.objects.filter(
        response__wave=wave,
        response__submitted_on__isnull=False,
        response__awaiting_confirmation=False,
    ).filter(~Exists(withdrawn))


def _number_or_dont_know() -> Case:
    return Case(
        When(dont_know=True, then=Value(None)), default=F("number"), output_field=FloatField()
    )


def read_frame(
    qs: QuerySet, columns: list[str], dtypes: dict[str, str] | None = None
) -> pd.DataFrame:
    """Run one ``values_list`` query into a DataFrame: COPY on PostgreSQL, the cursor elsewhere."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # e.g. `__in=[]`: Django knows no row can match
        frame = pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
        return frame.astype(dtypes or {})
    return read_sql_frame(sql, params, columns, dtypes)


def read_sql_frame(
    sql: str, params: tuple, columns: list[str], dtypes: dict[str, str] | None = None
) -> pd.DataFrame:
    """One SQL query into a DataFrame: COPY on PostgreSQL, the cursor elsewhere."""
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
            with raw.copy(statement, params) as copy:
                for chunk in copy:
                    buffer.write(chunk)
        buffer.seek(0)
        if buffer.getbuffer().nbytes == 0:
            frame = pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
        else:
            frame = pd.read_csv(buffer, header=None, names=columns, dtype=dtypes)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        frame = pd.DataFrame.from_records(rows, columns=columns)
    if dtypes:  # only the columns not parsed as asked: astype copies what it touches
        differ = {c: t for c, t in dtypes.items() if c in frame.columns and frame[c].dtype != t}
        if differ:
            frame = frame.astype(differ)
    return frame


def _mapped(codes: pd.Series, names: dict[int, str]) -> pd.Categorical:
    """Ids mapped to names as a categorical (NaN where the id is missing or unknown)."""
    labels = sorted(set(names.values()))
    index = {label: position for position, label in enumerate(labels)}
    lookup = np.full(max(names, default=0) + 2, -1, dtype="int64")
    for key, label in names.items():
        lookup[key] = index[label]
    ids = codes.to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(ids) & (ids >= 0) & (ids < len(lookup) - 1)
    positions = np.full(len(ids), -1, dtype="int64")
    positions[known] = lookup[ids[known].astype("int64")]
    # pandas-stubs want a list of codes; pandas takes (and here gets) an integer array
    return pd.Categorical.from_codes(positions, categories=labels)  # type: ignore[call-overload]


def _audiences(codes: pd.Series) -> pd.Categorical:
    return pd.Categorical(codes.astype(object), categories=AUDIENCES)


def _outcome_items(wave: Wave) -> tuple[dict[int, str], dict[int, str]]:
    """Each outcome item of the wave: its outcome code, and its measure."""
    item_rows = Item.objects.filter(
        section__questionnaire__wave=wave, outcome__isnull=False, measure__in=MEASURES
    ).values_list("pk", "outcome__code", "measure")
    items = {pk: code for pk, code, _ in item_rows}
    measures = {pk: measure for pk, _, measure in item_rows}
    return items, measures


def _outcome_keys(
    raw: pd.DataFrame, wave: Wave, items: dict[int, str], measures: dict[int, str]
) -> dict[str, object]:
    """The key columns of outcome answers (or their counts) from the ids the query returned."""
    partnership = wave.partnership_id
    organisations = dict(
        Organisation.objects.filter(partnership=partnership).values_list("pk", "name")
    )
    staff_groups = dict(
        StaffGroup.objects.filter(partnership=partnership).values_list("pk", "name")
    )
    user_groups = dict(UserGroup.objects.filter(partnership=partnership).values_list("pk", "name"))
    # A staff answer's group is its staff group, a user's or carer's their user group.
    staff_group = _mapped(raw["staff_group"], staff_groups)
    user_group = _mapped(raw["user_group"], user_groups)
    labels = sorted(set(staff_group.categories) | set(user_group.categories))
    staff_group = staff_group.set_categories(labels)
    user_group = user_group.set_categories(labels)
    codes = np.where(staff_group.codes >= 0, staff_group.codes, user_group.codes)
    # pandas-stubs want a list of codes; pandas takes (and here gets) an integer array
    group = pd.Categorical.from_codes(codes, categories=labels)  # type: ignore[call-overload]
    return {
        "audience": _audiences(raw["audience"]),
        "organisation": _mapped(raw["organisation"], organisations),
        "group": group,
        "outcome": _mapped(raw["item"], items),
        "measure": _mapped(raw["item"], measures),
    }


_OUTCOME_ID_FIELDS = (
    "response__audience",
    "response__organisation_id",
    "response__staff_group_id",
    "response__user_group_id",
    "item_id",
)
_OUTCOME_ID_COLUMNS = ["audience", "organisation", "staff_group", "user_group", "item"]


def _outcome_answer_rows(wave: Wave, items: dict[int, str]) -> QuerySet[Answer]:
    return _counted_answers(wave).filter(item_id__in=list(items), response__audience__in=AUDIENCES)


def load_outcome_answers(wave: Wave) -> pd.DataFrame:
    """Answers to outcome measures, staff and users/carers: the ``outcome_answers`` frame."""
    items, measures = _outcome_items(wave)
    qs = _outcome_answer_rows(wave, items).values_list(
        "response_id", *_OUTCOME_ID_FIELDS, _number_or_dont_know()
    )
    ids = ["respondent", *_OUTCOME_ID_COLUMNS, "value"]
    raw = read_frame(qs, ids, {"respondent": "int64", "value": "float64"})
    frame = pd.DataFrame(
        {
            "respondent": raw["respondent"].to_numpy(),
            **_outcome_keys(raw, wave, items, measures),
            "value": raw["value"].to_numpy(dtype="float64"),
        }
    )
    return frame[list(OUTCOME_ANSWER_COLUMNS)]


def _outcome_counts_query(wave: Wave, items: dict[int, str]) -> QuerySet:
    return (
        _outcome_answer_rows(wave, items)
        .values(*_OUTCOME_ID_FIELDS, value=_number_or_dont_know())
        .annotate(count=Count("pk"))
        .order_by()
        .values_list(*_OUTCOME_ID_FIELDS, "value", "count")
    )


def _outcome_respondents_query(wave: Wave, items: dict[int, str]) -> QuerySet:
    """Counted responses with at least one outcome answer: a semi-join, so PostgreSQL probes the
    (response, item) index once per person and stops at the first answer found, instead of
    reading every outcome answer a second time for a ``DISTINCT`` (issue 19)."""
    withdrawn = ParticipantResponse.objects.filter(
        response=OuterRef("pk"), participant__withdrawn_on__isnull=False
    )
    answered = Answer.objects.filter(response=OuterRef("pk"), item_id__in=list(items))
    return (
        Response.objects.filter(
            wave=wave,
            submitted_on__isnull=False,
            awaiting_confirmation=False,
            audience__in=AUDIENCES,
        )
        .filter(Exists(answered))
        .filter(~Exists(withdrawn))
        .values_list("pk", "audience", "organisation_id", "staff_group_id", "user_group_id")
        .order_by()
    )


def counting_queries(wave: Wave) -> dict[str, tuple[str, tuple]]:
    """The SQL (and parameters) of the queries over a wave's answers a comparison runs: the
    outcome answer counts (``GROUP BY``), the respondents (semi-join) and the process sums
    (``GROUP BY`` respondent and domain). For measuring the database's own time
    (``benchmarks/run`` runs them under ``EXPLAIN ANALYZE``)."""
    items, _measures = _outcome_items(wave)
    process = Item.objects.filter(section__questionnaire__wave=wave, kind=Item.Kind.LIKERT).exclude(
        domain=""
    )
    return {
        "outcome counts": _outcome_counts_query(wave, items).query.sql_with_params(),
        "respondents": _outcome_respondents_query(wave, items).query.sql_with_params(),
        "process sums": _process_sum_counts_sql(wave, list(process.values_list("pk", flat=True))),
    }


def load_outcome_counts(wave: Wave) -> pd.DataFrame:
    """How many answers per outcome measure, audience, organisation, group and value (don't know
    as NaN): the ``answer_counts`` frame, from one ``GROUP BY`` in the database, so its size
    grows with the groups, not the people (issue 19). Several items of one outcome measure (one
    per questionnaire) give several rows of one key; ``outcome_counts_from`` adds them up."""
    items, measures = _outcome_items(wave)
    qs = _outcome_counts_query(wave, items)
    raw = read_frame(
        qs, [*_OUTCOME_ID_COLUMNS, "value", "count"], {"value": "float64", "count": "int64"}
    )
    frame = pd.DataFrame(
        {
            **_outcome_keys(raw, wave, items, measures),
            "value": raw["value"].to_numpy(dtype="float64"),
            "count": raw["count"].to_numpy(dtype="int64"),
        }
    )
    return frame[list(ANSWER_COUNT_COLUMNS)]


RESPONDENT_COLUMNS = ["respondent", *_OUTCOME_ID_COLUMNS[:-1]]


def load_outcome_respondents(wave: Wave) -> pd.DataFrame:
    """Everyone who answered an outcome measure, once each, with their audience and cell (ids):
    one ``DISTINCT`` row per person, not per answer. Counts them per side (n_staff, n_users)
    and, in the fingerprint, says who answered in which cell."""
    items, _measures = _outcome_items(wave)
    qs = _outcome_respondents_query(wave, items)
    ids = dict.fromkeys(_OUTCOME_ID_COLUMNS[1:-1], "float64")  # NULL for the other side
    frame = read_frame(qs, RESPONDENT_COLUMNS, {"respondent": "int64", **ids})
    return frame.astype({"audience": object}).sort_values("respondent").reset_index(drop=True)


def repeated_outcome_items(wave: Wave) -> list[str]:
    """Outcome measures asked twice in one questionnaire of the wave ("CODE measure"): counts
    cannot tell two answers of one person apart, so a comparison refuses such a wave, as the
    check of one answer per respondent and outcome measure on raw answers did."""
    rows = (
        Item.objects.filter(
            section__questionnaire__wave=wave, outcome__isnull=False, measure__in=MEASURES
        )
        .values("section__questionnaire", "outcome__code", "measure")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("outcome__code", "measure")
        .values_list("outcome__code", "measure")
    )
    return sorted({f"{code} {measure}" for code, measure in rows})


def load_process_answers(wave: Wave) -> tuple[pd.DataFrame, dict[str, int]]:
    """Staff answers to process items (those with a domain), and each domain's item count."""
    item_rows = list(
        Item.objects.filter(section__questionnaire__wave=wave, kind=Item.Kind.LIKERT)
        .exclude(domain="")
        .values_list("pk", "code", "domain")
    )
    codes = {pk: code for pk, code, _ in item_rows}
    domains = {pk: domain for pk, _, domain in item_rows}
    items_per_domain: dict[str, int] = {}
    for domain, _code in sorted({(domain, code) for _, code, domain in item_rows}):
        items_per_domain[domain] = items_per_domain.get(domain, 0) + 1
    qs = (
        _counted_answers(wave)
        .filter(item_id__in=list(codes), response__audience=Audience.STAFF)
        .values_list(
            "response_id",
            "response__organisation_id",
            "response__staff_group_id",
            "item_id",
            _number_or_dont_know(),
        )
    )
    columns = ["respondent", "organisation", "staff_group", "item", "value"]
    raw = read_frame(qs, columns, {"respondent": "int64", "value": "float64"})
    partnership = wave.partnership_id
    organisations = dict(
        Organisation.objects.filter(partnership=partnership).values_list("pk", "name")
    )
    staff_groups = dict(
        StaffGroup.objects.filter(partnership=partnership).values_list("pk", "name")
    )
    frame = pd.DataFrame(
        {
            "respondent": raw["respondent"].to_numpy(),
            "organisation": _mapped(raw["organisation"], organisations),
            "staff_group": _mapped(raw["staff_group"], staff_groups),
            "domain": _mapped(raw["item"], domains),
            "item": _mapped(raw["item"], codes),
            "value": raw["value"].to_numpy(dtype="float64"),
        }
    )
    return frame[list(PROCESS_ANSWER_COLUMNS)], items_per_domain


def _process_sums_query(wave: Wave, item_ids: list[int], part: Part | None = None) -> QuerySet:
    value = _number_or_dont_know()
    answers = _counted_answers(wave).filter(item_id__in=item_ids, response__audience=Audience.STAFF)
    if part is not None:  # a share of the people (by response id), each with all their answers
        index, parts = part
        answers = answers.alias(share=Mod("response_id", Value(parts))).filter(share=index)
    return (
        answers.values("response_id", "response__organisation_id", "response__staff_group_id")
        .annotate(
            domain=F("item__domain"),
            n_rows=Count("pk"),
            n_answered=Count(value),
            total=Coalesce(Sum(value), Value(0.0), output_field=FloatField()),
            n_invalid=Count(
                "pk", filter=Q(dont_know=False, number__isnull=False) & ~Q(number__in=LIKERT_VALUES)
            ),
        )
        .order_by()
        .values_list(
            "response_id",
            "response__organisation_id",
            "response__staff_group_id",
            "domain",
            "n_rows",
            "n_answered",
            "total",
            "n_invalid",
        )
    )


# One person's sums per domain (the inner GROUP BY): the columns of domain_sums but its count.
PROCESS_SUM_COLUMNS = ["respondent", *DOMAIN_SUM_COLUMNS[:-1]]


def _process_sum_counts_sql(
    wave: Wave, item_ids: list[int], part: Part | None = None
) -> tuple[str, tuple]:
    """Each person's sums per domain (the inner ``GROUP BY``), then how many people of each
    cell had each sum (the outer one): a few thousand rows leave the database whatever the
    number of people. With ``part`` (index, parts), only the people whose response id is
    ``index`` modulo ``parts``."""
    inner, params = _process_sums_query(wave, item_ids, part).query.sql_with_params()
    names = ", ".join(PROCESS_SUM_COLUMNS)
    keys = ", ".join(PROCESS_SUM_COLUMNS[1:])
    return (
        f"WITH person ({names}) AS ({inner}) SELECT {keys}, COUNT(*) FROM person GROUP BY {keys}",
        tuple(params),
    )


def load_process_sums(wave: Wave, *, parts: int = 1) -> tuple[pd.DataFrame, dict[str, int]]:
    """Staff answers to process items as ``domain_sums`` (``DOMAIN_SUM_COLUMNS``): summed per
    person and domain in the database (answer rows, answers, their total, answers not 1-5), then
    counted per cell and sum, so neither a national wave's 32 million process answers nor its 8
    million person x domain sums leave PostgreSQL (issue 19); and each domain's item count.

    With ``parts`` > 1 the people are shared out by response id and each share is summed and
    counted on a connection of its own at the same time (`count_side_by_side`), the counts then
    added up: PostgreSQL runs this query on one process (hashing millions of person x domain
    groups does not split across its parallel workers), so a national wave's sums would
    otherwise use one core of the database server (issue 19)."""
    item_rows = list(
        Item.objects.filter(section__questionnaire__wave=wave, kind=Item.Kind.LIKERT)
        .exclude(domain="")
        .values_list("pk", "code", "domain")
    )
    items_per_domain: dict[str, int] = {}
    for domain, _code in sorted({(domain, code) for _, code, domain in item_rows}):
        items_per_domain[domain] = items_per_domain.get(domain, 0) + 1
    columns = list(DOMAIN_SUM_COLUMNS)
    dtypes = {
        "organisation": "float64",
        "staff_group": "float64",
        "n_rows": "int64",
        "n_answered": "int64",
        "total": "float64",
        "n_invalid": "int64",
        "count": "int64",
    }
    item_ids = [pk for pk, _, _ in item_rows]
    try:
        if parts > 1:
            queries = [_process_sum_counts_sql(wave, item_ids, (i, parts)) for i in range(parts)]
        else:
            queries = [_process_sum_counts_sql(wave, item_ids)]
    except EmptyResultSet:
        raw = pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
        raw = raw.astype(dtypes)
    else:
        if len(queries) == 1:
            raw = read_sql_frame(*queries[0], columns, dtypes)
        else:
            shares = count_side_by_side(queries, columns, dtypes)
            summed = (
                pd.concat(shares, ignore_index=True)
                .groupby(columns[:-1], dropna=False, sort=False)["count"]
                .sum()
                .reset_index()
            )
            raw = summed.astype(dtypes)
    partnership = wave.partnership_id
    organisations = dict(
        Organisation.objects.filter(partnership=partnership).values_list("pk", "name")
    )
    staff_groups = dict(
        StaffGroup.objects.filter(partnership=partnership).values_list("pk", "name")
    )
    frame = pd.DataFrame(
        {
            "organisation": _mapped(raw["organisation"], organisations),
            "staff_group": _mapped(raw["staff_group"], staff_groups),
            "domain": pd.Categorical(
                raw["domain"].astype(object), categories=sorted({d for _, _, d in item_rows})
            ),
            **{
                column: raw[column].to_numpy(dtype=dtypes[column])
                for column in ("n_rows", "n_answered", "total", "n_invalid", "count")
            },
        }
    )
    return frame, items_per_domain


def load_top_picks(wave: Wave) -> pd.DataFrame:
    """Each pick of "the three that matter most" (item code TOP3), one row per outcome picked.

    On PostgreSQL the picks are unnested from the JSON arrays in the database and COPYed into
    categoricals (a national wave has millions; no Python object per pick); elsewhere the
    arrays are read through the cursor."""
    qs = _top_pick_rows(wave)
    if connection.vendor == "postgresql":
        return _unnested_top_picks(qs)
    with connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    picks = []
    for respondent, audience, choices in rows:
        if isinstance(choices, str):  # SQLite hands JSON back as text
            choices = json.loads(choices)
        for outcome in choices if isinstance(choices, list) else []:
            if outcome not in (None, ""):
                picks.append((respondent, audience, str(outcome)))
    frame = pd.DataFrame.from_records(picks, columns=list(TOP_PICK_COLUMNS))
    return frame.drop_duplicates(["respondent", "outcome"]).reset_index(drop=True)


def _unnested_picks_sql(sql: str) -> str:
    """One row per pick (respondent, audience, outcome) from the rows of ``_top_pick_rows``."""
    return (
        "SELECT t.respondent, t.audience, p.outcome "
        f"FROM ({sql}) AS t(respondent, audience, choices) "
        "CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(t.choices) = "
        "'array' THEN t.choices ELSE '[]'::jsonb END) AS p(outcome) "
        "WHERE p.outcome IS NOT NULL AND p.outcome <> ''"
    )


def _unnested_top_picks(qs: QuerySet) -> pd.DataFrame:
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        sql, params = "SELECT NULL::int, NULL::text, NULL::jsonb WHERE false", ()
    unnested = _unnested_picks_sql(sql)
    buffer = io.BytesIO()
    statement = f"COPY ({unnested}) TO STDOUT WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        frame = pd.DataFrame({column: pd.Series(dtype=object) for column in TOP_PICK_COLUMNS})
        return frame.astype({"respondent": "int64"})
    frame = pd.read_csv(
        buffer,
        header=None,
        names=list(TOP_PICK_COLUMNS),
        dtype={"respondent": "int64", "audience": "category", "outcome": "category"},
        keep_default_na=False,
    )
    picks = frame.drop_duplicates(["respondent", "outcome"]).reset_index(drop=True)
    # Plain labels, as elsewhere: an object column of a few shared strings, 8 bytes a pick.
    return picks.astype({"audience": object, "outcome": object})


def _top_pick_rows(wave: Wave) -> QuerySet:
    return (
        _counted_answers(wave)
        .filter(item__code=TOP_PICKS_CODE, response__audience__in=AUDIENCES)
        .exclude(choices__isnull=True)
        .values_list("response_id", "response__audience", "choices")
    )


def load_picks_per_outcome(wave: Wave) -> pd.DataFrame:
    """How many respondents put each outcome among their three, per audience
    (``picks_per_outcome``). On PostgreSQL the picks are unnested and counted in the database,
    one person's repeated pick once, so a national wave's 3 million picks never leave it
    (issue 19); elsewhere counted from ``load_top_picks``."""
    if connection.vendor != "postgresql":
        return picks_per_outcome(load_top_picks(wave))
    try:
        sql, params = _top_pick_rows(wave).query.sql_with_params()
    except EmptyResultSet:
        return picks_per_outcome(None)
    counted = (
        f"SELECT audience, outcome, COUNT(*) FROM (SELECT DISTINCT * FROM "
        f"({_unnested_picks_sql(sql)}) AS each_pick) AS pick "
        "GROUP BY audience, outcome ORDER BY audience, outcome"
    )
    with connection.cursor() as cursor:
        cursor.execute(counted, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(PICKED_COLUMNS))
    return frame.astype({"audience": object, "outcome": object, "n_picking": "int64"})


def load_user_proposed(wave: Wave) -> frozenset[str]:
    """Codes of outcomes users or carers proposed that this wave asks about."""
    codes = (
        outcome_statements_for(wave.partnership_id)
        .filter(source=OutcomeStatement.Source.USERS, items__section__questionnaire__wave=wave)
        .values_list("code", flat=True)
    )
    return frozenset(codes)


def load_wave(wave: Wave) -> WaveFrames:
    """All input frames of one wave's comparison."""
    process, items_per_domain = load_process_answers(wave)
    return WaveFrames(
        outcome_answers=load_outcome_answers(wave),
        process_answers=process,
        top_picks=load_top_picks(wave),
        items_per_domain=items_per_domain,
        user_proposed=load_user_proposed(wave),
    )


@contextmanager
def counting_session() -> Iterator[None]:
    """One transaction for a comparison's counting queries, with ``work_mem`` raised for it
    alone (``settings.POET_COUNTING_WORK_MEM``) on PostgreSQL: with the default 4 MB the
    planner sorts hundreds of thousands of rows per worker for a ``GROUP BY`` whose groups a
    hash table of a few MB holds, and spills a national wave's per-person sums to disk (issue 19).
    (Under READ COMMITTED each query still reads its own snapshot, as before.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)",
            [settings.POET_COUNTING_WORK_MEM],
        )
        before = cursor.fetchone()[0]
        yield
        # Inside an outer transaction the setting would outlive this block (a savepoint's
        # release keeps it); an error needs nothing, rolling the setting back with the block.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [before])


def count_side_by_side(
    queries: list[tuple[str, tuple]], columns: list[str], dtypes: dict[str, str]
) -> list[pd.DataFrame]:
    """Run counting queries at the same time, each on a connection of its own (in its own
    `counting_session`), and return their frames in order. Only for data committed before: a
    connection of its own never sees the caller's open transaction (`counting_connections`)."""

    def read(query: tuple[str, tuple]) -> pd.DataFrame:
        try:
            with counting_session():
                return read_sql_frame(*query, columns, dtypes)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(queries), thread_name_prefix="counting") as pool:
        return list(pool.map(read, queries))


def counting_connections(wave: Wave) -> int:
    """On how many connections at once a wave's per-person process sums are counted:
    ``settings.POET_COUNTING_CONNECTIONS`` for a wave of at least ``POET_COUNTING_SHARED_FROM``
    staff on PostgreSQL, else one. Never inside the caller's transaction (a test's, or an
    in-process job's inside a request's), whose rows other connections cannot see."""
    wanted = int(settings.POET_COUNTING_CONNECTIONS)
    if wanted < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    staff = Response.objects.filter(
        wave=wave, audience=Audience.STAFF, submitted_on__isnull=False
    ).count()
    return wanted if staff >= settings.POET_COUNTING_SHARED_FROM else 1


def load_counted_wave(wave: Wave) -> CountedWave:
    """All inputs of one wave's comparison, outcome answers as counts (issue 19)."""
    parts = counting_connections(wave)
    with counting_session():
        process, items_per_domain = load_process_sums(wave, parts=parts)
        return CountedWave(
            outcome_counts=load_outcome_counts(wave),
            respondents=load_outcome_respondents(wave),
            process_sums=process,
            picks_per_outcome=load_picks_per_outcome(wave),
            items_per_domain=items_per_domain,
            user_proposed=load_user_proposed(wave),
        )


Cell = tuple[str, str]


@dataclass
class Structure:
    """What an attacker holding the staff list and the participant register knows of a wave:
    which cells have people and how many (``*_ceilings``), and who is behind each cell now
    (``members``: response ids per side and cell, to count who changed between releases)."""

    staff_ceilings: dict[Cell, int]
    user_ceilings: dict[Cell, int]
    members: dict[str, dict[Cell, list[int]]]

    def cells(self, side: str) -> set[Cell]:
        known = self.staff_ceilings if side == STAFF_SIDE else self.user_ceilings
        return set(known) | set(self.members.get(side, {}))


def load_structure(wave: Wave, *, users: bool = True) -> Structure:
    """The wave's release structure: staff cells from the staff list and recorded open-link
    headcounts, users' cells from the participant register, and every counted response's cell.
    ``users=False`` leaves the users' side out (their collection is still open)."""
    participants = (
        Participant.objects.filter(schedule__wave=wave)
        .values_list("audience", "user_group__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Structure(
        staff_ceilings=dict(staff_headcounts(wave)),
        user_ceilings={(a, g or ""): n for a, g, n in participants} if users else {},
        members=_members(wave, users=users),
    )


def _members(wave: Wave, *, users: bool) -> dict[str, dict[Cell, list[int]]]:
    """Every counted response's id by side and cell (names), ids ascending. Read as one frame
    of ids and grouped by cell ids, then named: a national wave has a million responses, which
    Python took 6.5 s to walk one by one (issue 19)."""
    frame = read_frame(
        counted_responses(wave)
        .values_list("pk", "audience", "organisation_id", "staff_group_id", "user_group_id")
        .order_by(),
        ["pk", "audience", "organisation", "staff_group", "user_group"],
        {
            "pk": "int64",
            "organisation": "float64",
            "staff_group": "float64",
            "user_group": "float64",
        },
    ).sort_values("pk", kind="stable")

    def names(model, column: str) -> dict[int, str]:
        ids = [int(i) for i in frame[column].dropna().unique()]
        return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))

    organisations = names(Organisation, "organisation")
    staff_groups = names(StaffGroup, "staff_group")
    user_groups = names(UserGroup, "user_group")
    members: dict[str, dict[Cell, list[int]]] = {STAFF_SIDE: {}, USERS_SIDE: {}}
    staff = frame["audience"] == Audience.STAFF
    sides = [(STAFF_SIDE, frame[staff], ["organisation", "staff_group"])]
    if users:
        sides.append((USERS_SIDE, frame[~staff], ["audience", "user_group"]))
    for side, rows, keys in sides:
        if rows.empty:
            continue
        by = [rows[k] if k == "audience" else rows[k].fillna(-1).astype("int64") for k in keys]
        for key, ids in rows.groupby(by, sort=False)["pk"]:
            first, second = cast(tuple[Any, Any], key)
            if side == STAFF_SIDE:
                # a staff cell without a name stays (None, None), as the names say
                cell = cast(Cell, (organisations.get(first), staff_groups.get(second)))
            else:
                cell = (str(first), user_groups.get(second) or "")
            found = members[side].setdefault(cell, [])
            merged = bool(found)  # two ids of one name: one cell, as the names say
            found.extend(ids.tolist())
            if merged:
                found.sort()
    return members


def changed_since(now: Structure, then: dict[str, dict[str, list[int]]]) -> dict:
    """Per side and cell, how many people joined or left between an earlier release's members
    (as stored: cells keyed by ``cell_key``) and now."""
    changed: dict[str, dict[Cell, int]] = {}
    for side, cells in now.members.items():
        before = {_cell(key): set(ids) for key, ids in then.get(side, {}).items()}
        every = set(cells) | set(before) | now.cells(side)
        changed[side] = {
            cell: len(set(cells.get(cell, ())) ^ before.get(cell, set())) for cell in every
        }
    return changed


CELL_SEPARATOR = "\x1f"


def cell_key(cell: Cell) -> str:
    return CELL_SEPARATOR.join(str(part) for part in cell)


def _cell(key: str) -> tuple[str, str]:
    """A cell back from its stored key (organisation or audience, then group)."""
    first, second = key.split(CELL_SEPARATOR, 1)
    return first, second


def _frame_digest(frame: pd.DataFrame) -> bytes:
    """An order-independent digest of a frame: per-row hashes, sorted, then SHA-256."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    if len(frame):
        rows = pd.util.hash_pandas_object(frame, index=False, categorize=True).to_numpy()
        digest.update(np.sort(rows).tobytes())
    return digest.digest()


def fingerprint(
    frames: WaveFrames | CountedWave,
    parameters: dict[str, int],
    structure: Structure | None = None,
) -> str:
    """SHA-256 over the canonically sorted input frames and the parameters.

    Rows are hashed one by one and the row hashes sorted, so the order the database returns them
    in does not matter; pandas hashes a categorical by its labels, not its codes.

    Of a ``CountedWave`` it hashes the answer counts, the respondents (each person's id with
    audience and cell), the people per cell and domain sum and the people per picked outcome
    instead of every answer: every
    outcome figure is a function of the counts, so the counts change whenever a figure could, and
    the respondents make a change of who answered (one person in, another out, or someone moved
    to another cell, with the counts by chance the same) a new run too, as it was when each
    answer's respondent was hashed. Only two
    people of one cell swapping their answers leaves it unchanged, and no stored figure with it.
    """
    digest = hashlib.sha256()
    hashed: tuple[pd.DataFrame, ...]
    if isinstance(frames, CountedWave):
        hashed = (
            frames.outcome_counts,
            frames.respondents,
            frames.process_sums,
            frames.picks_per_outcome,
        )
    else:
        hashed = (frames.outcome_answers, frames.process_answers, frames.top_picks)
    for frame in hashed:
        digest.update(_frame_digest(frame))
    extra = {
        "items_per_domain": frames.items_per_domain,
        "user_proposed": sorted(frames.user_proposed),
        "parameters": parameters,
    }
    if structure is not None:  # what the attacker knows shapes what must be hidden
        extra["structure"] = {
            "staff": sorted([*cell, n] for cell, n in structure.staff_ceilings.items()),
            "users": sorted([*cell, n] for cell, n in structure.user_ceilings.items()),
        }
    digest.update(json.dumps(extra, sort_keys=True).encode())
    return digest.hexdigest()
