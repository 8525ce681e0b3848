"""Import of answers collected elsewhere, in the long CSV format of DESIGN §5.

One file holds any mix of staff, service users and carers: one row per respondent and item
(`respondent,audience,organisation,group,item,value`). An import is all-or-nothing: the whole file
is checked first (whole columns at a time with pandas, against lookups loaded once), every bad row
is named with its line number and why, and a file with any bad row is refused as a whole with
nothing stored. A good file is stored in one transaction: one `surveys.Response` per respondent,
its answers, and for service users and carers a pseudonymous `Participant` (code = the respondent
id) with a `ParticipantResponse` captured as *imported*.

Values by kind of item: Likert 1–5, with empty or `DK` stored as "don't know" (never a number);
number items any number within the item's limits (empty or `DK` is "don't know"); single choice
one option value, multiple choice and ranking option values separated by `;`; free text as is
(an empty one is no answer). Staff rows are matched against the latest version of the wave's
staff questionnaire, service users' and carers' against the latest follow-up questionnaire.
Line numbers in messages count the header as line 1, blank lines included.

An uploaded answers file is imported at once when it is small; a larger one (over
`IMPORT_IN_BACKGROUND_BYTES`, 5 MB) is kept under MEDIA_ROOT/imports/ and imported by a background
job (`answers.import`), whose page shows the progress and then the result or every problem; the
file is deleted once the job has read it.

Participants created by an import have no consent recorded (the file does not carry it): the
evaluator records consent on the follow-up pages, as for any participant registered by hand.

Re-importing is refused rather than duplicated: a file whose exact bytes were already imported
into the wave (its SHA-256 is kept in the audit log), or any service user or carer whose respondent
id is already a participant code of the wave's follow-up (a participant has one set of answers:
one who has answers is corrected on their page, by assisted entry or their own link). Staff
respondents carry no stored id (anonymity by construction), so an *edited* staff-only file
cannot be recognised as a re-import.

With `create=True` (bringing a whole evaluation over from another tool) the partnership, wave,
organisations, staff groups, user groups, outcome statements and the wave's staff and follow-up
questionnaires are created when missing. A questionnaire that already exists is never changed:
items it lacks stay errors, since answers must point at the version they were given against.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import struct
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from outcomes.models import (
    FollowUpSchedule,
    Participant,
    ParticipantResponse,
    participant_code_problem,
)
from poet.models import (
    Audience,
    AuditEvent,
    Job,
    Organisation,
    OutcomeStatement,
    Partnership,
    StaffGroup,
    UserGroup,
    Wave,
)
from poet.selectors.outcome_statements import outcome_statements_for
from poet.services import JobRefused, create_job, enqueue, record_audit
from poet.spreadsheet import CHUNK_BYTES, CsvShapeCheck, CsvShapeError
from surveys.models import Answer, Item, Questionnaire, Response, Section
from surveys.selectors.opening import is_closed

COLUMNS = ["respondent", "audience", "organisation", "group", "item", "value"]
STAFF_CLOSED = gettext_lazy("This wave's staff survey is closed: answers can no longer be added.")
FOLLOW_UP_CLOSED = gettext_lazy("This wave's follow-up is closed: answers can no longer be added.")
MAX_MESSAGES = 200
QUOTING = gettext_lazy("put values that contain commas in double quotes.")
BATCH_SIZE = 5000
DONT_KNOW = "DK"
LIKERT_VALUES = [1.0, 2.0, 3.0, 4.0, 5.0]
OUTCOME_MEASURE = re.compile(r"^(?P<outcome>.+)\.(?P<measure>importance|achievement)$")
PROCESS_ITEM = re.compile(r"^P-(?P<domain>[A-Za-z0-9]+)-\d+$")
STAFF, FOLLOW_UP = Questionnaire.For.STAFF.value, Questionnaire.For.FOLLOW_UP.value
AUDIENCES = {a.value for a in Audience}
CHOICE_KINDS = {Item.Kind.SINGLE.value, Item.Kind.MULTIPLE.value, Item.Kind.RANKING.value}


def _max_length(model: type[models.Model], name: str) -> int:
    """The longest a model's text field may be (each field named below has a max_length)."""
    found = model._meta.get_field(name)
    if not isinstance(found, models.CharField) or found.max_length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return found.max_length


_max = {
    "organisation": _max_length(Organisation, "name"),
    "staff_group": _max_length(StaffGroup, "name"),
    "user_group": _max_length(UserGroup, "name"),
    "item": _max_length(Item, "code"),
    "outcome": _max_length(OutcomeStatement, "code"),
}


Progress = Callable[..., None]  # progress(fraction 0–1, message="")


def _no_progress(fraction: float, message: str = "") -> None:
    """Nobody is watching (the page and the command wait for the end)."""


class ImportRefused(Exception):
    """The file was refused as a whole and nothing was stored.

    `messages` names each problem ("Line 12: unknown item X"), at most MAX_MESSAGES of them plus
    a last line saying how many more there were; `problems` is the full count.
    """

    def __init__(self, messages: list[str], problems: int | None = None) -> None:
        problems = len(messages) if problems is None else problems
        shown = list(messages[:MAX_MESSAGES])
        if problems > len(shown):
            more = problems - len(shown)
            shown.append(
                ngettext(
                    "… and %(count)s more problem not listed.",
                    "… and %(count)s more problems not listed.",
                    more,
                )
                % {"count": more}
            )
        self.messages = shown
        self.problems = problems
        super().__init__(shown[0] if shown else _("The file was refused."))


@dataclass
class ImportResult:
    rows: int = 0
    responses: int = 0
    answers: int = 0
    staff: int = 0
    service_users: int = 0
    carers: int = 0
    participants: int = 0
    created: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Item:
    pk: int
    kind: str
    low: float | None = None
    high: float | None = None
    options: tuple[str, ...] = ()
    max_choices: int | None = None


@dataclass
class _Lookups:
    """Everything the check needs from the database, loaded once."""

    partnership: Partnership | None
    wave: Wave | None
    organisations: dict[str, int]
    staff_groups: dict[str, int]
    user_groups: dict[str, int]
    outcomes: dict[str, int]  # partnership's own codes first, then the built-in library
    questionnaires: dict[str, Questionnaire | None]
    items: dict[tuple[str, str], _Item]  # (questionnaire audience, item code) → item
    participant_codes: set[str]
    answered_codes: set[str] = field(default_factory=set)  # participants with their one response


@dataclass
class _Plan:
    """The checked file as whole columns, ready to store."""

    respondents: pd.Index  # unique respondent ids, in the order they first appear
    respondent_of_row: np.ndarray  # index into `respondents` per row
    first_row: np.ndarray  # row position of each respondent's first row
    key_of_row: np.ndarray  # which * n_codes + item code index, per row
    codes: pd.Index  # unique item codes
    key_item: dict[int, _Item]  # key → existing item
    new_items: list[dict]  # items to create, per key
    kind_of_key: np.ndarray  # object array of item kinds per key
    blank: np.ndarray
    number: np.ndarray
    chosen: dict[int, list[str]]  # row position → chosen option values
    new_orgs: list[str] = field(default_factory=list)
    new_staff_groups: list[str] = field(default_factory=list)
    new_user_groups: list[str] = field(default_factory=list)
    new_outcomes: list[str] = field(default_factory=list)


WHICH = (STAFF, FOLLOW_UP)


# --- reading --------------------------------------------------------------------------------


def _chunks(file) -> Iterator[bytes]:
    if isinstance(file, bytes | bytearray):
        yield bytes(file)
        return
    if isinstance(file, str | Path):
        with open(file, "rb") as opened:
            yield from _chunks(opened)
        return
    while chunk := file.read(CHUNK_BYTES):
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _read_bytes(file) -> bytes:
    """The file's bytes (a path, bytes or a file object), refused at its first line that is too
    long or a header that is too wide, before the rest is read."""
    check = CsvShapeCheck()
    parts = []
    try:
        for chunk in _chunks(file):
            for start in range(0, len(chunk), CHUNK_BYTES):
                check.feed(chunk[start : start + CHUNK_BYTES])
            parts.append(chunk)
        check.finish()
    except CsvShapeError as error:
        raise ImportRefused(
            [
                _("%(problem)s The header must be %(columns)s.")
                % {"problem": error, "columns": ",".join(COLUMNS)}
            ]
        ) from None
    return b"".join(parts)


def _tidy(column: pd.Series, *, lower: bool = False) -> pd.Series:
    """Missing cells empty, spaces around values gone (audience lower case); checked on the
    distinct values first, since most files need nothing done."""
    codes, uniques = pd.factorize(column, sort=False)
    uniques = pd.Index(uniques, dtype=object)
    tidy = uniques.str.strip().str.lower() if lower else uniques.str.strip()
    if (codes >= 0).all() and (tidy == uniques).all():
        return column
    column = column.fillna("").str.strip()
    return column.str.lower() if lower else column


def _parse(data: bytes) -> pd.DataFrame:
    if not data.strip():
        raise ImportRefused(
            [_("The file is empty: it needs a header row and at least one answer.")]
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(data),
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skip_blank_lines=False,
                index_col=False,
            )
    except UnicodeDecodeError:
        raise ImportRefused(
            [_("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")]
        ) from None
    except pd.errors.ParserWarning:
        raise ImportRefused(
            [_("Line 2: more values than columns; %(quoting)s") % {"quoting": QUOTING}]
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found:
            expected, line, saw = found.groups()
            message = _(
                "Line %(line)s: %(saw)s values where the header has %(expected)s; %(quoting)s"
            ) % {"line": line, "saw": saw, "expected": expected, "quoting": QUOTING}
        else:
            message = (_("The file is not a valid CSV file: %(error)s") % {"error": error}).strip()
        raise ImportRefused([message]) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ImportRefused(
            [
                ngettext(
                    "Missing column %(missing)s: the header row must name %(columns)s.",
                    "Missing columns %(missing)s: the header row must name %(columns)s.",
                    len(missing),
                )
                % {"missing": ", ".join(missing), "columns": ",".join(COLUMNS)}
            ]
        )
    frame = frame[COLUMNS].copy()
    for column in COLUMNS:
        frame[column] = _tidy(frame[column], lower=column == "audience")
    # Line numbers as a spreadsheet shows them (the header is line 1), blank lines included;
    # a value over several lines (quoted) makes the later lines count as one.
    frame["line"] = np.arange(2, len(frame) + 2)
    empty = np.logical_and.reduce([frame[column].to_numpy() == "" for column in COLUMNS])
    if empty.any():
        frame = frame[~empty].reset_index(drop=True)
    if frame.empty:
        raise ImportRefused([_("The file has a header row but no answers.")])
    return frame


# --- lookups --------------------------------------------------------------------------------


def _items_of(questionnaire: Questionnaire, which: str) -> dict[tuple[str, str], _Item]:
    rows = Item.objects.filter(section__questionnaire=questionnaire).values_list(
        "pk", "code", "kind", "min_value", "max_value", "choices", "max_choices"
    )
    found: dict[tuple[str, str], _Item] = {}
    for pk, code, kind, low, high, choices, max_choices in rows:
        options = tuple(str(c.get("value")) for c in (choices or []) if isinstance(c, dict))
        found.setdefault((which, code), _Item(pk, kind, low, high, options, max_choices))
    return found


def _load(partnership_slug: str, wave_slug: str, create: bool) -> _Lookups:
    partnership = Partnership.objects.filter(slug=partnership_slug).first()
    if partnership is None and not create:
        raise ImportRefused(
            [f"There is no partnership '{partnership_slug}' (use --create to create it)."]
        )
    wave = partnership.waves.filter(slug=wave_slug).first() if partnership else None
    if wave is None and not create:
        raise ImportRefused(
            [f"There is no wave '{wave_slug}' in {partnership} (use --create to create it)."]
        )

    def names(model) -> dict[str, int]:
        if partnership is None:
            return {}
        return dict(model.objects.filter(partnership=partnership).values_list("name", "pk"))

    statements = (
        outcome_statements_for(partnership)
        if partnership is not None
        else OutcomeStatement.objects.filter(partnership__isnull=True)  # the library alone
    )
    outcomes = dict(statements.values_list("code", "pk"))  # in order: its own wins
    questionnaires: dict[str, Questionnaire | None] = {STAFF: None, FOLLOW_UP: None}
    items: dict[tuple[str, str], _Item] = {}
    participant_codes: set[str] = set()
    answered_codes: set[str] = set()
    if wave is not None:
        for which in WHICH:
            q = wave.questionnaires.filter(audience=which).order_by("-version").first()
            questionnaires[which] = q
            if q is not None:
                items.update(_items_of(q, which))
        participant_codes = set(
            Participant.objects.filter(schedule__wave=wave).values_list("code", flat=True)
        )
        answered_codes = set(
            ParticipantResponse.objects.filter(participant__schedule__wave=wave).values_list(
                "participant__code", flat=True
            )
        )
    return _Lookups(
        partnership=partnership,
        wave=wave,
        organisations=names(Organisation),
        staff_groups=names(StaffGroup),
        user_groups=names(UserGroup),
        outcomes=outcomes,
        questionnaires=questionnaires,
        items=items,
        participant_codes=participant_codes,
        answered_codes=answered_codes,
    )


# --- checking -------------------------------------------------------------------------------


class _Problems:
    """Bad rows found so far, kept as whole columns until the first few are formatted."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.parts: list[pd.DataFrame] = []

    def add(self, mask, reason) -> None:
        """`reason` is a string, or a function of the bad rows giving a Series of strings."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        bad = self.frame[mask]
        text = reason(bad) if callable(reason) else pd.Series(reason, index=bad.index)
        self.parts.append(
            pd.DataFrame({"line": bad["line"].to_numpy(), "reason": np.asarray(text, dtype=object)})
        )

    def raise_if_any(self) -> None:
        if not self.parts:
            return
        found = pd.concat(self.parts, ignore_index=True).sort_values("line", kind="stable")
        first = found.head(MAX_MESSAGES)
        line_of = _("Line %(line)s: %(reason)s")
        messages = [
            line_of % {"line": line, "reason": reason}
            for line, reason in first.itertuples(index=False)
        ]
        raise ImportRefused(messages, problems=len(found))


def _q(series: pd.Series) -> pd.Series:
    return "'" + series.astype(str) + "'"


def _fill(template: str, **values: pd.Series) -> pd.Series:
    """One sentence per bad row: `template` (translated, with %(name)s placeholders in the
    order its language needs) filled from the rows' values, a column at a time rather than a
    row at a time, since a bad file may have a million bad rows."""
    parts = re.split(r"%\((\w+)\)s", template)
    index = next(iter(values.values())).index
    text = pd.Series(parts[0].replace("%%", "%"), index=index, dtype=object)
    for i in range(1, len(parts), 2):
        text = text + values[parts[i]].astype(str) + parts[i + 1].replace("%%", "%")
    return text


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes per row and the unique values in order of appearance: checks run on the few
    unique values, not the million rows."""
    codes, uniques = pd.factorize(column, sort=False)
    return codes, pd.Index(uniques, dtype=object)


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """Row position of the first row of each code."""
    _unique, first = np.unique(codes, return_index=True)
    assert len(first) == count
    return first


def _check(frame: pd.DataFrame, lookups: _Lookups, create: bool) -> _Plan:
    """Check every row; return the plan for storing, or raise ImportRefused."""
    problems = _Problems(frame)
    line = frame["line"].to_numpy()
    r_codes, respondents = _factorize(frame["respondent"])
    a_codes, audiences = _factorize(frame["audience"])
    o_codes, org_names = _factorize(frame["organisation"])
    g_codes, group_names = _factorize(frame["group"])
    i_codes, item_codes = _factorize(frame["item"])
    v_codes, values = _factorize(frame["value"])

    is_staff = np.asarray(audiences == Audience.STAFF)[a_codes]
    is_user = np.asarray(audiences.isin([Audience.SERVICE_USER, Audience.CARER]))[a_codes]
    no_org = np.asarray(org_names == "")[o_codes]
    no_group = np.asarray(group_names == "")[g_codes]
    no_respondent = np.asarray(respondents == "")[r_codes]

    problems.add(no_respondent, _("the respondent is empty"))
    problems.add(
        ~np.asarray(audiences.isin(list(AUDIENCES)))[a_codes],
        lambda bad: _fill(
            _("unknown audience %(audience)s (use staff, service_user or carer)"),
            audience=_q(bad["audience"]),
        ),
    )
    # A service user's or carer's respondent id becomes their participant code (staff ids are
    # never stored): checked once per distinct id, by the same rule as every other way in.
    why_not_code = pd.Series(
        [participant_code_problem(str(r)) if r else None for r in respondents], dtype=object
    )
    problems.add(
        is_user & why_not_code.notna().to_numpy()[r_codes],
        lambda bad: _fill(
            _("respondent %(respondent)s %(problem)s"),
            respondent=_q(bad["respondent"]),
            problem=pd.Series(why_not_code.to_numpy()[r_codes[bad.index]], index=bad.index),
        ),
    )

    # Organisation and group.
    problems.add(is_staff & no_org, _("a staff row needs an organisation"))
    problems.add(is_staff & no_group, _("a staff row needs a staff group"))
    problems.add(
        is_user & ~no_org,
        lambda bad: _fill(
            _(
                "organisation %(organisation)s given for a %(audience)s: leave it empty for "
                "service users and carers"
            ),
            organisation=_q(bad["organisation"]),
            audience=bad["audience"].map(
                {Audience.SERVICE_USER.value: _("service user"), Audience.CARER.value: _("carer")}
            ),
        ),
    )
    problems.add(is_user & no_group, _("a service user or carer row needs a user group"))
    unknown_org = (
        is_staff & ~no_org & ~np.asarray(org_names.isin(list(lookups.organisations)))[o_codes]
    )
    unknown_sg = (
        is_staff & ~no_group & ~np.asarray(group_names.isin(list(lookups.staff_groups)))[g_codes]
    )
    unknown_ug = (
        is_user & ~no_group & ~np.asarray(group_names.isin(list(lookups.user_groups)))[g_codes]
    )
    plan_names: dict[str, list[str]] = {}
    if create:
        for label, mask, names, codes, limit in (
            ("new_orgs", unknown_org, org_names, o_codes, _max["organisation"]),
            ("new_staff_groups", unknown_sg, group_names, g_codes, _max["staff_group"]),
            ("new_user_groups", unknown_ug, group_names, g_codes, _max["user_group"]),
        ):
            plan_names[label] = [str(n) for n in names[pd.unique(codes[mask])]]
            long_name = np.asarray(names.str.len() > limit)[codes]
            problems.add(
                mask & long_name,
                _("the name is too long (at most %(limit)s characters)") % {"limit": limit},
            )
    else:
        problems.add(
            unknown_org,
            lambda bad: _fill(_("unknown organisation %(name)s"), name=_q(bad["organisation"])),
        )
        problems.add(
            unknown_sg, lambda bad: _fill(_("unknown staff group %(name)s"), name=_q(bad["group"]))
        )
        problems.add(
            unknown_ug, lambda bad: _fill(_("unknown user group %(name)s"), name=_q(bad["group"]))
        )

    # One respondent, one audience, organisation and group.
    first_row = _first_rows(r_codes, len(respondents))
    first_of_row = first_row[r_codes]
    differs = (
        (a_codes != a_codes[first_of_row])
        | (o_codes != o_codes[first_of_row])
        | (g_codes != g_codes[first_of_row])
    )
    problems.add(
        differs & ~no_respondent,
        lambda bad: _fill(
            _(
                "respondent %(respondent)s has a different audience, organisation or group "
                "than on line %(line)s"
            ),
            respondent=_q(bad["respondent"]),
            line=pd.Series(line[first_of_row[bad.index]], index=bad.index),
        ),
    )

    # Re-import. A participant has one set of answers (DESIGN §5: a duplicate is refused, and
    # the file is all or nothing): one who has answers is corrected on their page, never by a
    # second import.
    if lookups.participant_codes:
        answered = np.asarray(respondents.isin(list(lookups.answered_codes)))[r_codes]
        known = np.asarray(respondents.isin(list(lookups.participant_codes)))[r_codes]
        first = np.arange(len(frame)) == first_of_row
        problems.add(
            is_user & answered & first,
            lambda bad: _fill(
                _(
                    "respondent %(respondent)s already has answers in this wave's follow-up, "
                    "and a participant has one set of answers: correct them on their page, or "
                    "leave their rows out (was this file imported before?)"
                ),
                respondent=_q(bad["respondent"]),
            ),
        )
        problems.add(
            is_user & known & ~answered & first,
            lambda bad: _fill(
                _(
                    "respondent %(respondent)s is already a participant of this wave's "
                    "follow-up (was this file imported before?)"
                ),
                respondent=_q(bad["respondent"]),
            ),
        )

    # Duplicate respondent + item.
    pair = r_codes.astype(np.int64) * max(len(item_codes), 1) + i_codes
    dup = pd.Series(pair).duplicated(keep="first").to_numpy() & ~no_respondent
    if dup.any():
        p_codes, p_uniques = pd.factorize(pair, sort=False)
        first_of_pair = _first_rows(p_codes, len(p_uniques))[p_codes]
        problems.add(
            dup,
            lambda bad: _fill(
                _(
                    "duplicate answer of respondent %(respondent)s to item %(item)s (first on "
                    "line %(line)s)"
                ),
                respondent=_q(bad["respondent"]),
                item=_q(bad["item"]),
                line=pd.Series(line[first_of_pair[bad.index]], index=bad.index),
            ),
        )

    # Items: staff rows against the staff questionnaire, users and carers against the follow-up.
    n_codes = len(item_codes)
    which_of_row = np.where(is_staff, 0, 1)
    key = which_of_row * n_codes + i_codes
    key_item: dict[int, _Item] = {}
    key_kind = np.full(2 * n_codes, None, dtype=object)
    for w, which in enumerate(WHICH):
        for j, code in enumerate(item_codes):
            found = lookups.items.get((which, code))
            if found is not None:
                key_item[w * n_codes + j] = found
                key_kind[w * n_codes + j] = found.kind
    known_key = np.array([k in key_item for k in range(2 * n_codes)], dtype=bool)
    valid_audience = is_staff | is_user
    no_item = np.asarray(item_codes == "")[i_codes]
    problems.add(valid_audience & no_item, _("the item is empty"))
    unknown_item = valid_audience & ~no_item & ~known_key[key]
    buildable_which = np.array(
        [create and lookups.questionnaires[which] is None for which in WHICH], dtype=bool
    )
    buildable = unknown_item & buildable_which[which_of_row]
    missing_item = unknown_item & ~buildable

    def unknown_item_reason(bad: pd.DataFrame) -> pd.Series:
        staff_bad = (bad["audience"] == Audience.STAFF).to_numpy()
        text = pd.Series("", index=bad.index, dtype=object)
        for which in (STAFF, FOLLOW_UP):
            q = lookups.questionnaires[which]
            rows = staff_bad if which == STAFF else ~staff_bad
            if not rows.any():
                continue
            if q is None:
                template = (
                    _("unknown item %(item)s (the wave has no staff questionnaire yet)")
                    if which == STAFF
                    else _("unknown item %(item)s (the wave has no follow-up questionnaire yet)")
                )
            else:
                template = (
                    _("unknown item %(item)s (not in the staff questionnaire, version %(version)s)")
                    if which == STAFF
                    else _(
                        "unknown item %(item)s (not in the follow-up questionnaire, version "
                        "%(version)s)"
                    )
                ).replace("%(version)s", str(q.version))
            text.loc[rows] = _fill(template, item=_q(bad["item"][rows]))
        return text

    problems.add(missing_item, unknown_item_reason)

    # Values: checked once per distinct value.
    upper = values.str.upper()
    blank_v = np.asarray((values == "") | (upper == DONT_KNOW))
    number_v = pd.to_numeric(pd.Series(values.where(~blank_v)), errors="coerce").to_numpy(float)
    likert_v = blank_v | np.isin(number_v, LIKERT_VALUES)
    blank = blank_v[v_codes]
    number = number_v[v_codes]

    new_items: list[dict] = []
    new_outcomes: list[str] = []
    if buildable.any():
        problems.add(
            buildable & np.asarray(item_codes.str.len() > _max["item"])[i_codes],
            _("the item code is too long (at most %(limit)s characters)") % {"limit": _max["item"]},
        )
        not_likert_keys = set(pd.unique(key[buildable & ~likert_v[v_codes]]).tolist())
        for k in pd.unique(key[buildable]).tolist():
            which, code = WHICH[k // n_codes], str(item_codes[k % n_codes])
            match = OUTCOME_MEASURE.match(code)
            measure = match["measure"] if match else None
            outcome = match["outcome"] if match else None
            kind = Item.Kind.LIKERT if measure or k not in not_likert_keys else Item.Kind.TEXT
            key_kind[k] = kind.value
            new_items.append(
                {
                    "key": k,
                    "questionnaire": which,
                    "code": code,
                    "kind": kind.value,
                    "measure": measure,
                    "outcome": outcome,
                }
            )
            if outcome and len(outcome) > _max["outcome"]:
                problems.add(
                    buildable & (key == k),
                    _("the outcome code is too long (at most %(limit)s characters)")
                    % {"limit": _max["outcome"]},
                )
            elif outcome and outcome not in lookups.outcomes and outcome not in new_outcomes:
                new_outcomes.append(outcome)

    kinds = key_kind[key]
    likert = kinds == Item.Kind.LIKERT
    numeric_kind = likert | (kinds == Item.Kind.NUMBER)
    problems.add(
        numeric_kind & ~blank & np.isnan(number),
        lambda bad: pd.Series(
            np.where(
                likert[bad.index],
                _fill(
                    _(
                        "value %(value)s of item %(item)s is not a number (use 1 to 5, or DK or "
                        "empty for don't know)"
                    ),
                    value=_q(bad["value"]),
                    item=_q(bad["item"]),
                ),
                _fill(
                    _("value %(value)s of item %(item)s is not a number"),
                    value=_q(bad["value"]),
                    item=_q(bad["item"]),
                ),
            ),
            index=bad.index,
        ),
    )
    problems.add(
        likert & ~np.isnan(number) & ~np.isin(number, LIKERT_VALUES),
        lambda bad: _fill(
            _(
                "value %(value)s of item %(item)s is out of range (use 1 to 5, or DK or empty "
                "for don't know)"
            ),
            value=_q(bad["value"]),
            item=_q(bad["item"]),
        ),
    )
    number_rows = np.flatnonzero((kinds == Item.Kind.NUMBER) & ~np.isnan(number))
    if len(number_rows):
        low = np.array(
            [key_item[k].low if k in key_item else None for k in key[number_rows]], float
        )
        high = np.array(
            [key_item[k].high if k in key_item else None for k in key[number_rows]], float
        )
        outside = np.zeros(len(frame), dtype=bool)
        outside[number_rows] = (number[number_rows] < low) | (number[number_rows] > high)
        problems.add(
            outside,
            lambda bad: _fill(
                _("value %(value)s of item %(item)s is out of range"),
                value=_q(bad["value"]),
                item=_q(bad["item"]),
            ),
        )
    problems.add(
        np.asarray(values.str.contains("\x00", regex=False))[v_codes],
        _("the value contains a null character"),
    )

    # Choice items: each chosen value must be one of the item's options.
    chosen: dict[int, list[str]] = {}
    choice_rows = np.flatnonzero(np.isin(kinds, list(CHOICE_KINDS)) & ~blank)
    if len(choice_rows):
        bad_choice = np.zeros(len(frame), dtype=bool)
        raw_values = values[v_codes[choice_rows]]
        for row, raw in zip(choice_rows.tolist(), raw_values, strict=True):
            item = key_item[int(key[row])]
            picked = [v.strip() for v in str(raw).split(";") if v.strip()]
            too_many = (
                item.kind == Item.Kind.MULTIPLE
                and item.max_choices
                and (len(picked) > item.max_choices)
            )
            if (
                not picked
                or any(v not in item.options for v in picked)
                or len(set(picked)) != len(picked)
                or (item.kind == Item.Kind.SINGLE and len(picked) != 1)
                or too_many
            ):
                bad_choice[row] = True
            else:
                chosen[row] = picked
        problems.add(
            bad_choice,
            lambda bad: _fill(
                _(
                    "value %(value)s of item %(item)s is not one of its options (separate "
                    "several with ';')"
                ),
                value=_q(bad["value"]),
                item=_q(bad["item"]),
            ),
        )

    problems.raise_if_any()
    return _Plan(
        respondents=respondents,
        respondent_of_row=r_codes,
        first_row=first_row,
        key_of_row=key,
        codes=item_codes,
        key_item=key_item,
        new_items=new_items,
        kind_of_key=key_kind,
        blank=blank,
        number=number,
        chosen=chosen,
        new_outcomes=new_outcomes,
        **plan_names,
    )


# --- storing --------------------------------------------------------------------------------


def _titled(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().title() or slug


def _create_questionnaire(wave: Wave, which: str, items: list[dict], outcomes: dict) -> int:
    """Version 1 of an imported questionnaire, frozen since it holds answers."""
    questionnaire = Questionnaire.objects.create(
        wave=wave,
        audience=which,
        version=1,
        title=(
            "Staff questionnaire (imported)"
            if which == STAFF
            else "Questionnaire for service users and carers (imported)"
        ),
        introduction="Created from an imported file: the wording of each item is its code until "
        "an evaluator edits it.",
        frozen_at=timezone.now(),
    )
    groups: dict[str, list[dict]] = {"process": [], "outcomes": [], "other": []}
    for row in items:
        if row["measure"]:
            groups["outcomes"].append(row)
        elif PROCESS_ITEM.match(row["code"]):
            groups["process"].append(row)
        else:
            groups["other"].append(row)
    titles = {
        "process": (Section.Kind.PROCESS, "Working together"),
        "outcomes": (Section.Kind.OUTCOMES, "Outcomes for people"),
        "other": (Section.Kind.OTHER, "Other questions"),
    }
    created: list[Item] = []
    order = 0
    for name, rows in groups.items():
        if not rows:
            continue
        kind, title = titles[name]
        section = Section.objects.create(
            questionnaire=questionnaire, order=order, kind=kind, title=title
        )
        order += 1
        for position, row in enumerate(rows):
            item = Item(
                section=section,
                order=position,
                code=row["code"],
                kind=row["kind"],
                text=row["code"],
                allow_dont_know=row["kind"] == Item.Kind.LIKERT,
            )
            if row["measure"]:
                item.scale = row["measure"]
                item.measure = row["measure"]
                item.outcome_id = outcomes[row["outcome"]]
            elif row["kind"] == Item.Kind.LIKERT:
                item.scale = Item.Scale.AGREEMENT
            match = PROCESS_ITEM.match(row["code"])
            if match:
                item.domain = f"D-{match['domain'].upper()}"
            created.append(item)
    Item.objects.bulk_create(created, batch_size=BATCH_SIZE)
    return questionnaire.pk


_ANSWER_FIELDS = ("response", "item", "number", "text", "choices", "dont_know")


def _int_type(name: str) -> str:
    """The big-endian NumPy type of a foreign key column, for binary COPY."""
    foreign_key = Answer._meta.get_field(name)
    if not isinstance(foreign_key, models.ForeignKey):
        raise ValueError(f"Answer.{name} is not a foreign key")
    target = foreign_key.target_field
    return ">i8" if target.get_internal_type() in ("BigAutoField", "BigIntegerField") else ">i4"


def _column(name: str) -> str:
    """The database column of a field of Answer (each of _ANSWER_FIELDS has one)."""
    found = Answer._meta.get_field(name)
    if not isinstance(found, models.Field) or found.column is None:
        raise ValueError(f"Answer.{name} has no column")
    return found.column


def _copy_answers(answers: dict[str, np.ndarray]) -> None:
    """PostgreSQL: COPY the answers in binary, most rows as one NumPy array each kind."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(name)) for name in _ANSWER_FIELDS)
    r_type, i_type = _int_type("response"), _int_type("item")
    r_size, i_size = int(r_type[-1]), int(i_type[-1])
    response, item, number = answers["response"], answers["item"], answers["number"]
    dont_know, text, choices = answers["dont_know"], answers["text"], answers["choices"]
    plain = (text == "") & (choices == "")
    with_number = plain & ~np.isnan(number)
    without_number = plain & np.isnan(number)
    chunks = [b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)]

    def fixed(mask: np.ndarray, has_number: bool) -> bytes:
        fields = [("n", ">i2"), ("rl", ">i4"), ("r", r_type), ("il", ">i4"), ("i", i_type)]
        fields += [("nl", ">i4")] + ([("v", ">f8")] if has_number else [])
        fields += [("tl", ">i4"), ("cl", ">i4"), ("dl", ">i4"), ("d", "u1")]
        rows = np.zeros(int(mask.sum()), dtype=np.dtype(fields))
        rows["n"], rows["rl"], rows["il"] = 6, r_size, i_size
        rows["r"], rows["i"] = response[mask], item[mask]
        rows["nl"] = 8 if has_number else -1
        if has_number:
            rows["v"] = number[mask]
        rows["tl"], rows["cl"], rows["dl"] = 0, -1, 1
        rows["d"] = dont_know[mask]
        return rows.tobytes()

    chunks.append(fixed(with_number, True))
    chunks.append(fixed(without_number, False))
    for row in np.flatnonzero(~plain).tolist():
        parts = [struct.pack(">h", 6)]
        parts.append(
            struct.pack(">i", r_size) + int(response[row]).to_bytes(r_size, "big", signed=True)
        )
        parts.append(
            struct.pack(">i", i_size) + int(item[row]).to_bytes(i_size, "big", signed=True)
        )
        value = number[row]
        parts.append(struct.pack(">i", -1) if np.isnan(value) else struct.pack(">id", 8, value))
        encoded = str(text[row]).encode("utf-8")
        parts.append(struct.pack(">i", len(encoded)) + encoded)
        if choices[row] == "":
            parts.append(struct.pack(">i", -1))
        else:
            data = b"\x01" + str(choices[row]).encode("utf-8")  # jsonb binary: version 1, text
            parts.append(struct.pack(">i", len(data)) + data)
        parts.append(struct.pack(">ib", 1, bool(dont_know[row])))
        chunks.append(b"".join(parts))
    chunks.append(struct.pack(">h", -1))
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT binary)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in chunks:
            for start in range(0, len(chunk), 1 << 24):
                copy.write(chunk[start : start + (1 << 24)])


def _bulk_answers(answers: dict[str, np.ndarray]) -> None:
    """Other databases (SQLite in development): bulk_create in batches."""
    batch: list[Answer] = []
    columns = [answers[name] for name in _ANSWER_FIELDS]
    for r, i, n, t, c, d in zip(*columns, strict=True):
        batch.append(
            Answer(
                response_id=int(r),
                item_id=int(i),
                number=None if np.isnan(n) else float(n),
                text=str(t),
                choices=None if c == "" else json.loads(c),
                dont_know=bool(d),
            )
        )
        if len(batch) >= BATCH_SIZE:
            Answer.objects.bulk_create(batch)
            batch = []
    if batch:
        Answer.objects.bulk_create(batch)


def import_answers(
    partnership_slug: str,
    wave_slug: str,
    file,
    *,
    create: bool = False,
    actor=None,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Import a DESIGN §5 CSV file (a path, bytes or a file object) into a wave, all or nothing.

    Raises ImportRefused, with a message per bad row, when anything in the file is wrong; then
    nothing is stored. `progress` hears of each stage (a background import's job page).
    """
    progress(0.05, _("Reading the file"))
    data = _read_bytes(file)
    fingerprint = hashlib.sha256(data).hexdigest()
    progress(0.15, _("Reading the rows"))
    frame = _parse(data)
    lookups = _load(partnership_slug, wave_slug, create)
    if lookups.wave is not None:
        _check_still_collecting(lookups.wave, frame)
    if lookups.wave is not None and _already_imported(lookups.wave, fingerprint):
        raise ImportRefused([_again_message(lookups.wave)])
    progress(
        0.3,
        ngettext("Checking %(count)s row", "Checking %(count)s rows", len(frame))
        % {"count": number_format(len(frame), force_grouping=True)},
    )
    plan = _check(frame, lookups, create)
    progress(0.6, _("Storing the answers"))
    return _store(frame, lookups, plan, partnership_slug, wave_slug, fingerprint, actor)


def _check_still_collecting(wave: Wave, frame: pd.DataFrame) -> None:
    """Refuse answers for a collection that has closed: the staff survey (the wave) for staff
    rows, the follow-up schedule for service users' and carers' rows."""
    audiences = set(frame["audience"].unique())
    problems = []
    if Audience.STAFF in audiences and is_closed(wave):
        problems.append(str(STAFF_CLOSED))
    users = audiences & {Audience.SERVICE_USER, Audience.CARER}
    closed = FollowUpSchedule.objects.filter(wave=wave, status=FollowUpSchedule.Status.CLOSED)
    if users and closed.exists():
        problems.append(str(FOLLOW_UP_CLOSED))
    if problems:
        raise ImportRefused(problems)


def _already_imported(wave: Wave, fingerprint: str) -> bool:
    return AuditEvent.objects.filter(
        action="answers.imported",
        partnership=wave.partnership,
        detail__wave=wave.slug,
        detail__sha256=fingerprint,
    ).exists()


def _again_message(wave: Wave) -> str:
    return _(
        "This file was already imported into %(wave)s: importing it again would count the same "
        "people twice."
    ) % {"wave": wave.name}


def _create_named(
    model: type[models.Model], partnership: Partnership, names: list[str], **extra: object
) -> None:
    """New organisations, staff groups or user groups of the partnership, by name (through
    `_default_manager`, which is `objects` for these models and which the stubs know of any)."""
    model._default_manager.bulk_create(
        [model(partnership=partnership, name=name, **extra) for name in names]
    )


@transaction.atomic
def _store(
    frame: pd.DataFrame,
    lookups: _Lookups,
    plan: _Plan,
    partnership_slug: str,
    wave_slug: str,
    fingerprint: str,
    actor,
) -> ImportResult:
    result = ImportResult(rows=len(frame))
    created: dict[str, list[str]] = {}
    partnership = lookups.partnership
    if partnership is None:
        partnership = Partnership.objects.create(
            name=_titled(partnership_slug), slug=partnership_slug
        )
        created["partnership"] = [partnership.slug]
    wave = lookups.wave
    if wave is None:
        wave = Wave.objects.create(partnership=partnership, name=_titled(wave_slug), slug=wave_slug)
        created["wave"] = [wave.slug]
    # Lock the wave and look again, so two imports of the same file at once store it once.
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    _check_still_collecting(wave, frame)  # closed while the file was being checked
    if _already_imported(wave, fingerprint):
        raise ImportRefused([_again_message(wave)])

    organisations = dict(lookups.organisations)
    staff_groups = dict(lookups.staff_groups)
    user_groups = dict(lookups.user_groups)
    for names, model, target, label in (
        (plan.new_orgs, Organisation, organisations, "organisations"),
        (plan.new_staff_groups, StaffGroup, staff_groups, "staff_groups"),
        (plan.new_user_groups, UserGroup, user_groups, "user_groups"),
    ):
        if not names:
            continue
        extra = {"kind": Organisation.Kind.OTHER} if model is Organisation else {}
        _create_named(model, partnership, names, **extra)
        target.update(model.objects.filter(partnership=partnership).values_list("name", "pk"))
        created[label] = list(names)

    outcomes = dict(lookups.outcomes)
    if plan.new_outcomes:
        OutcomeStatement.objects.bulk_create(
            [
                OutcomeStatement(
                    partnership=partnership,
                    code=code,
                    text=code,
                    source=OutcomeStatement.Source.EVALUATOR,
                )
                for code in plan.new_outcomes
            ]
        )
        outcomes.update(
            OutcomeStatement.objects.filter(partnership=partnership).values_list("code", "pk")
        )
        created["outcomes"] = list(plan.new_outcomes)

    # Item ids per key, the new questionnaires' included.
    n_codes = len(plan.codes)
    item_of_key = np.full(2 * n_codes, -1, dtype=np.int64)
    for k, found in plan.key_item.items():
        item_of_key[k] = found.pk
    questionnaire_ids = {w: (q.pk if q else None) for w, q in lookups.questionnaires.items()}
    for which in WHICH:
        rows = [row for row in plan.new_items if row["questionnaire"] == which]
        if not rows:
            continue
        questionnaire_id = _create_questionnaire(wave, which, rows, outcomes)
        questionnaire_ids[which] = questionnaire_id
        created.setdefault("questionnaires", []).append(which)
        fresh = dict(
            Item.objects.filter(section__questionnaire_id=questionnaire_id).values_list(
                "code", "pk"
            )
        )
        for row in rows:
            item_of_key[row["key"]] = fresh[row["code"]]

    # One response per respondent, in the order they first appear.
    people = frame.iloc[plan.first_row]
    audience = people["audience"].to_numpy()
    is_staff = audience == Audience.STAFF
    today = timezone.localdate()
    responses = [
        Response(
            wave=wave,
            questionnaire_id=questionnaire_ids[STAFF if staff else FOLLOW_UP],
            audience=aud,
            organisation_id=organisations[org] if staff else None,
            staff_group_id=staff_groups[grp] if staff else None,
            user_group_id=None if staff else user_groups[grp],
            submitted_on=today,
        )
        for aud, org, grp, staff in zip(
            audience, people["organisation"], people["group"], is_staff, strict=True
        )
    ]
    Response.objects.bulk_create(responses, batch_size=BATCH_SIZE)
    response_of_person = np.array([r.pk for r in responses], dtype=np.int64)

    # Answers. Blank free text and blank choices are no answer at all; a blank Likert or number
    # is "don't know", stored as such and never as a number.
    kinds = plan.kind_of_key[plan.key_of_row]
    numeric_kind = (kinds == Item.Kind.LIKERT) | (kinds == Item.Kind.NUMBER)
    keep = numeric_kind | ~plan.blank
    value = frame["value"].to_numpy(dtype=object)
    text = np.full(len(frame), "", dtype=object)
    is_text = kinds == Item.Kind.TEXT
    text[is_text] = value[is_text]
    choices = np.full(len(frame), "", dtype=object)
    for r, picked in plan.chosen.items():
        choices[r] = json.dumps(picked)
        if plan.kind_of_key[plan.key_of_row[r]] == Item.Kind.SINGLE:
            text[r] = picked[0]
    answers = {
        "response": response_of_person[plan.respondent_of_row][keep],
        "item": item_of_key[plan.key_of_row][keep],
        "number": np.where(numeric_kind & ~plan.blank, plan.number, np.nan)[keep],
        "text": text[keep],
        "choices": choices[keep],
        "dont_know": (numeric_kind & plan.blank)[keep],
    }
    if connection.vendor == "postgresql":
        _copy_answers(answers)
    else:
        _bulk_answers(answers)

    # Service users and carers: a participant each, linked to their response.
    users = np.flatnonzero(~is_staff)
    if len(users):
        schedule, made = FollowUpSchedule.objects.get_or_create(wave=wave)
        if made:
            created["follow_up_schedule"] = [wave.slug]
        participants = [
            Participant(
                schedule=schedule,
                code=str(plan.respondents[i]),
                audience=audience[i],
                # str() for the stubs: the file is read as text (dtype=str)
                user_group_id=user_groups[str(people["group"].iat[i])],
            )
            for i in users.tolist()
        ]
        Participant.objects.bulk_create(participants, batch_size=BATCH_SIZE)
        ParticipantResponse.objects.bulk_create(
            [
                ParticipantResponse(
                    participant=p,
                    response_id=int(response_of_person[i]),
                    capture=ParticipantResponse.Capture.IMPORTED,
                )
                for p, i in zip(participants, users.tolist(), strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        result.notes.append(
            ngettext(
                "%(count)s participant was created without a consent record: record each "
                "one's consent on the follow-up pages.",
                "%(count)s participants were created without a consent record: record each "
                "one's consent on the follow-up pages.",
                len(participants),
            )
            % {"count": len(participants)}
        )

    result.responses = len(responses)
    result.answers = int(keep.sum())
    result.staff = int(is_staff.sum())
    result.service_users = int((audience == Audience.SERVICE_USER).sum())
    result.carers = int((audience == Audience.CARER).sum())
    result.participants = len(users)
    result.created = created
    record_audit(
        "answers.imported",
        actor=actor,
        partnership=partnership,
        target=str(wave),
        wave=wave.slug,
        sha256=fingerprint,
        rows=result.rows,
        responses=result.responses,
        answers=result.answers,
        staff=result.staff,
        service_users=result.service_users,
        carers=result.carers,
        participants=result.participants,
        created={k: len(v) for k, v in created.items()},
    )
    return result


# --- importing a file in the background, as a job ------------------------------------------

IMPORT_JOB = "answers.import"
IMPORT_IN_BACKGROUND_BYTES = 5 * 1024 * 1024


def in_background(size: int) -> bool:
    """Whether a file this big is imported by a background job rather than in the request."""
    return size > getattr(settings, "IMPORT_IN_BACKGROUND_BYTES", IMPORT_IN_BACKGROUND_BYTES)


def imported_message(result: ImportResult) -> str:
    words = {
        "responses": ngettext("%(count)s response", "%(count)s responses", result.responses),
        "staff": ngettext("%(count)s member of staff", "%(count)s staff", result.staff),
        "service_users": ngettext(
            "%(count)s service user", "%(count)s service users", result.service_users
        ),
        "carers": ngettext("%(count)s carer", "%(count)s carers", result.carers),
        "answers": ngettext("%(count)s answer", "%(count)s answers", result.answers),
    }
    filled = {name: text % {"count": getattr(result, name)} for name, text in words.items()}
    return (
        _("Imported %(responses)s (%(staff)s, %(service_users)s, %(carers)s) with %(answers)s.")
        % filled
    )


def _kept_file(job: Job) -> Path:
    return (
        Path(settings.MEDIA_ROOT) / "imports" / job.partnership.slug / str(job.pk) / "answers.csv"
    )


def start_import(wave: Wave, upload, *, actor) -> Job:
    """Keep an uploaded answers file and queue its import; the job page follows it."""
    # The job reports in the language of the person who started it.
    job = create_job(
        IMPORT_JOB,
        partnership=wave.partnership,
        wave=wave,
        created_by=actor,
        language=translation.get_language(),
    )
    path = _kept_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    enqueue(job)
    return job


def run_import(job: Job, progress: Progress) -> dict:
    """The work of an import job: the kept file into the job's wave, all or nothing, as its
    creator; the file is deleted afterwards, whatever happened (a refused one lists why)."""
    path = _kept_file(job)
    if not path.is_file():
        raise JobRefused(_("The uploaded file is no longer here: upload it again."))
    with translation.override(job.parameters.get("language") or settings.LANGUAGE_CODE):
        return _run_import(job, path, progress)


def _run_import(job: Job, path: Path, progress: Progress) -> dict:
    try:
        if job.wave is None:
            raise ValueError("An import job belongs to a wave")
        result = import_answers(
            job.partnership.slug, job.wave.slug, path, actor=job.created_by, progress=progress
        )
    except ImportRefused as refused:
        count = refused.problems
        raise JobRefused(
            ngettext(
                "The file has %(count)s problem: nothing was stored. Fix every problem listed, "
                "then upload the file again.",
                "The file has %(count)s problems: nothing was stored. Fix every problem listed, "
                "then upload the file again.",
                count,
            )
            % {"count": count},
            refused.messages,
        ) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    message = imported_message(result)
    progress(1.0, message)
    return {"imported": asdict(result), "message": message}
