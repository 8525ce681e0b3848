"""Import of answers collected elsewhere, in the long CSV format of DESIGN §5.

One file holds any mix of staff, service users and carers: one row per respondent and item
(`respondent,audience,organisation,group,item,value`). An import is all-or-nothing: the whole file
is checked first (whole columns at a time with pandas, against lookups loaded once), every bad row
is named with its line number and why, and a file with any bad row is refused as a whole with
nothing stored. A good file is stored in one transaction: one `surveys.Response` per respondent,
its answers, and for service users and carers a pseudonymous `Participant` (code = the respondent
id) with a `ParticipantResponse` captured as *imported*.

Participants created by an import have no consent recorded (the file does not carry it): the
evaluator records consent on the follow-up pages, as for any participant registered by hand.

Re-importing is refused rather than duplicated: a file whose exact bytes were already imported
into the wave (its SHA-256 is kept in the audit log), or any service user or carer whose respondent
id is already a participant code of the wave's follow-up. Staff respondents carry no stored id
(anonymity by construction), so an *edited* staff-only file cannot be recognised as a re-import.

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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from outcomes.models import FollowUpSchedule, Participant, ParticipantResponse
from poet.models import (
    Audience,
    AuditEvent,
    Organisation,
    OutcomeStatement,
    Partnership,
    StaffGroup,
    UserGroup,
    Wave,
)
from poet.services import record_audit
from surveys.models import Answer, Item, Questionnaire, Response, Section

COLUMNS = ["respondent", "audience", "organisation", "group", "item", "value"]
MAX_MESSAGES = 200
BATCH_SIZE = 5000
DONT_KNOW = "DK"
LIKERT_VALUES = [1.0, 2.0, 3.0, 4.0, 5.0]
OUTCOME_MEASURE = re.compile(r"^(?P<outcome>.+)\.(?P<measure>importance|achievement)$")
PROCESS_ITEM = re.compile(r"^P-(?P<domain>[A-Za-z0-9]+)-\d+$")
STAFF, FOLLOW_UP = Questionnaire.For.STAFF.value, Questionnaire.For.FOLLOW_UP.value
AUDIENCES = {a.value for a in Audience}
CHOICE_KINDS = {Item.Kind.SINGLE.value, Item.Kind.MULTIPLE.value, Item.Kind.RANKING.value}
_max = {
    "organisation": Organisation._meta.get_field("name").max_length,
    "staff_group": StaffGroup._meta.get_field("name").max_length,
    "user_group": UserGroup._meta.get_field("name").max_length,
    "code": Participant._meta.get_field("code").max_length,
    "item": Item._meta.get_field("code").max_length,
    "outcome": OutcomeStatement._meta.get_field("code").max_length,
}


class ImportRefused(Exception):
    """The file was refused as a whole and nothing was stored.

    `messages` names each problem ("Line 12: unknown item X"), at most MAX_MESSAGES of them plus
    a last line saying how many more there were; `problems` is the full count.
    """

    def __init__(self, messages: list[str], problems: int | None = None) -> None:
        problems = len(messages) if problems is None else problems
        shown = list(messages[:MAX_MESSAGES])
        if problems > len(shown):
            shown.append(f"… and {problems - len(shown)} more problems not listed.")
        self.messages = shown
        self.problems = problems
        super().__init__(shown[0] if shown else "The file was refused.")


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
class _Lookups:
    """Everything the check needs from the database, loaded once."""

    partnership: Partnership | None
    wave: Wave | None
    organisations: dict[str, int]
    staff_groups: dict[str, int]
    user_groups: dict[str, int]
    outcomes: dict[str, int]  # partnership's own codes first, then the built-in library
    questionnaires: dict[str, Questionnaire | None]
    items: pd.DataFrame  # key, questionnaire, code, item_id, kind, min, max, options, max_choices
    participant_codes: set[str]


# --- reading --------------------------------------------------------------------------------


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _parse(data: bytes) -> pd.DataFrame:
    if not data.strip():
        raise ImportRefused(["The file is empty: it needs a header row and at least one answer."])
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skip_blank_lines=True,
        )
    except UnicodeDecodeError:
        raise ImportRefused(
            ["The file is not UTF-8 text: save it as CSV UTF-8 and try again."]
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ImportRefused([f"The file is not a valid CSV file: {error}".strip()]) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ImportRefused(
            [
                "Missing column"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(missing)
                + ": the header row must name "
                + ",".join(COLUMNS)
                + "."
            ]
        )
    frame = frame[COLUMNS].copy()
    if frame.empty:
        raise ImportRefused(["The file has a header row but no answers."])
    for column in COLUMNS:
        frame[column] = frame[column].str.strip()
    frame["audience"] = frame["audience"].str.lower()
    frame["line"] = np.arange(2, len(frame) + 2)
    return frame


# --- lookups --------------------------------------------------------------------------------


def _item_frame(questionnaire: Questionnaire | None, which: str) -> pd.DataFrame:
    if questionnaire is None:
        return pd.DataFrame(
            columns=["key", "questionnaire", "code", "item_id", "kind", "min", "max", "options"]
        )
    rows = Item.objects.filter(section__questionnaire=questionnaire).values_list(
        "pk", "code", "kind", "min_value", "max_value", "choices", "max_choices"
    )
    records = []
    for pk, code, kind, low, high, choices, max_choices in rows:
        options = [str(c.get("value")) for c in (choices or []) if isinstance(c, dict)]
        records.append(
            {
                "key": f"{which}\x1f{code}",
                "questionnaire": which,
                "code": code,
                "item_id": pk,
                "kind": kind,
                "min": low,
                "max": high,
                "options": (options, max_choices),
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=["key", "questionnaire", "code", "item_id", "kind", "min", "max", "options"],
    )


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

    outcomes = dict(
        OutcomeStatement.objects.filter(partnership__isnull=True).values_list("code", "pk")
    )
    if partnership is not None:
        outcomes.update(
            OutcomeStatement.objects.filter(partnership=partnership).values_list("code", "pk")
        )
    questionnaires: dict[str, Questionnaire | None] = {STAFF: None, FOLLOW_UP: None}
    participant_codes: set[str] = set()
    if wave is not None:
        for which in questionnaires:
            questionnaires[which] = (
                wave.questionnaires.filter(audience=which).order_by("-version").first()
            )
        participant_codes = set(
            Participant.objects.filter(schedule__wave=wave).values_list("code", flat=True)
        )
    items = pd.concat(
        [_item_frame(q, which) for which, q in questionnaires.items()], ignore_index=True
    ).drop_duplicates("key")
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
    )


# --- checking -------------------------------------------------------------------------------


class _Problems:
    """Bad rows found so far, kept as whole columns until the first few are formatted."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, reason) -> None:
        """`reason` is a string, or a function of the bad rows giving a Series of strings."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        bad = self.frame[mask]
        text = reason(bad) if callable(reason) else pd.Series(reason, index=bad.index)
        self.parts.append(pd.DataFrame({"line": bad["line"].to_numpy(), "reason": text.to_numpy()}))

    def raise_if_any(self) -> None:
        if not self.parts:
            return
        found = pd.concat(self.parts, ignore_index=True).sort_values("line", kind="stable")
        first = found.head(MAX_MESSAGES)
        messages = [f"Line {line}: {reason}" for line, reason in first.itertuples(index=False)]
        raise ImportRefused(messages, problems=len(found))


def _q(series: pd.Series) -> pd.Series:
    return "'" + series.astype(str) + "'"


def _check(frame: pd.DataFrame, lookups: _Lookups, create: bool) -> dict:
    """Check every row; return the plan for storing (items to create, kinds) or raise."""
    problems = _Problems(frame)
    audience = frame["audience"]
    is_staff = audience == Audience.STAFF
    is_user = audience.isin([Audience.SERVICE_USER, Audience.CARER])
    org, group, item, value = frame["organisation"], frame["group"], frame["item"], frame["value"]

    problems.add(frame["respondent"] == "", "the respondent is empty")
    problems.add(
        ~audience.isin(AUDIENCES),
        lambda bad: (
            "unknown audience " + _q(bad["audience"]) + " (use staff, service_user or carer)"
        ),
    )
    problems.add(
        is_user & (frame["respondent"].str.len() > _max["code"]),
        lambda bad: (
            "respondent "
            + _q(bad["respondent"])
            + f" is too long for a participant code (at most {_max['code']} characters)"
        ),
    )

    # Organisation and group.
    problems.add(is_staff & (org == ""), "a staff row needs an organisation")
    problems.add(is_staff & (group == ""), "a staff row needs a staff group")
    problems.add(
        is_user & (org != ""),
        lambda bad: (
            "organisation "
            + _q(bad["organisation"])
            + " given for a "
            + bad["audience"].str.replace("_", " ")
            + ": leave it empty for service users and carers"
        ),
    )
    problems.add(is_user & (group == ""), "a service user or carer row needs a user group")
    new_orgs = new_staff_groups = new_user_groups = []
    unknown_org = is_staff & (org != "") & ~org.isin(lookups.organisations.keys())
    unknown_sg = is_staff & (group != "") & ~group.isin(lookups.staff_groups.keys())
    unknown_ug = is_user & (group != "") & ~group.isin(lookups.user_groups.keys())
    if create:
        new_orgs = list(dict.fromkeys(org[unknown_org]))
        new_staff_groups = list(dict.fromkeys(group[unknown_sg]))
        new_user_groups = list(dict.fromkeys(group[unknown_ug]))
        for mask, limit in (
            (unknown_org & (org.str.len() > _max["organisation"]), _max["organisation"]),
            (unknown_sg & (group.str.len() > _max["staff_group"]), _max["staff_group"]),
            (unknown_ug & (group.str.len() > _max["user_group"]), _max["user_group"]),
        ):
            problems.add(mask, f"the name is too long (at most {limit} characters)")
    else:
        problems.add(unknown_org, lambda bad: "unknown organisation " + _q(bad["organisation"]))
        problems.add(unknown_sg, lambda bad: "unknown staff group " + _q(bad["group"]))
        problems.add(unknown_ug, lambda bad: "unknown user group " + _q(bad["group"]))

    # One respondent, one audience, organisation and group.
    firsts = frame.groupby("respondent", sort=False)[["audience", "organisation", "group"]]
    first = firsts.transform("first")
    first_line = frame.groupby("respondent", sort=False)["line"].transform("first")
    differs = (frame[["audience", "organisation", "group"]] != first).any(axis=1)
    problems.add(
        differs & (frame["respondent"] != ""),
        lambda bad: (
            "respondent "
            + _q(bad["respondent"])
            + " has a different audience, organisation or group than on line "
            + first_line[bad.index].astype(str)
        ),
    )

    # Re-import.
    if lookups.participant_codes:
        again = (
            is_user
            & frame["respondent"].isin(lookups.participant_codes)
            & (frame["line"] == first_line)
        )
        problems.add(
            again,
            lambda bad: (
                "respondent "
                + _q(bad["respondent"])
                + " is already a participant of this wave's follow-up"
                + " (was this file imported before?)"
            ),
        )

    # Duplicate respondent + item.
    dup = frame.duplicated(["respondent", "item"], keep="first") & (frame["respondent"] != "")
    if dup.any():
        first_of_pair = frame.groupby(["respondent", "item"], sort=False)["line"].transform("first")
        problems.add(
            dup,
            lambda bad: (
                "duplicate answer of respondent "
                + _q(bad["respondent"])
                + " to item "
                + _q(bad["item"])
                + " (first on line "
                + first_of_pair[bad.index].astype(str)
                + ")"
            ),
        )

    # Items: staff rows against the staff questionnaire, users and carers against the follow-up.
    which = pd.Series(np.where(is_staff, STAFF, FOLLOW_UP), index=frame.index)
    key = which + "\x1f" + item
    known = lookups.items.set_index("key")
    valid_audience = is_staff | is_user
    problems.add(valid_audience & (item == ""), "the item is empty")
    unknown_item = valid_audience & (item != "") & ~key.isin(known.index)
    new_items = pd.DataFrame(columns=["key", "questionnaire", "code"])
    buildable = pd.Series(False, index=frame.index)
    if create:
        for q_name, q in lookups.questionnaires.items():
            if q is None:
                buildable |= unknown_item & (which == q_name)
    missing_item = unknown_item & ~buildable

    def unknown_item_reason(bad: pd.DataFrame) -> pd.Series:
        text = "unknown item " + _q(bad["item"])
        staff_bad = bad["audience"] == Audience.STAFF
        for q_name, label in ((STAFF, "staff"), (FOLLOW_UP, "follow-up")):
            q = lookups.questionnaires[q_name]
            rows = staff_bad if q_name == STAFF else ~staff_bad
            if q is None:
                note = f" (the wave has no {label} questionnaire yet)"
            else:
                note = f" (not in the {label} questionnaire, version {q.version})"
            text.loc[rows] = text.loc[rows] + note
        return text

    problems.add(missing_item, unknown_item_reason)

    outcome_codes = item.str.extract(OUTCOME_MEASURE)
    new_outcomes: list[str] = []
    if buildable.any():
        problems.add(
            buildable & (item.str.len() > _max["item"]),
            f"the item code is too long (at most {_max['item']} characters)",
        )
        new_items = pd.DataFrame(
            {"key": key[buildable], "questionnaire": which[buildable], "code": item[buildable]}
        ).drop_duplicates("key")
        measure_codes = outcome_codes["outcome"][buildable].dropna()
        new_outcomes = [c for c in dict.fromkeys(measure_codes) if c not in lookups.outcomes]
        too_long = buildable & outcome_codes["outcome"].str.len().gt(_max["outcome"])
        problems.add(
            too_long, f"the outcome code is too long (at most {_max['outcome']} characters)"
        )
        # Kind of each new item: Likert when every value is 1–5, DK or empty, else free text.
        numeric = pd.to_numeric(value.where(buildable), errors="coerce")
        likert_value = (
            (value == "") | (value.str.upper() == DONT_KNOW) | numeric.isin(LIKERT_VALUES)
        )
        all_likert = likert_value[buildable].groupby(key[buildable]).all()
        new_items["measure"] = outcome_codes.loc[new_items.index, "measure"]
        new_items["outcome"] = outcome_codes.loc[new_items.index, "outcome"]
        new_items["kind"] = np.where(
            new_items["measure"].notna() | new_items["key"].map(all_likert).fillna(True),
            Item.Kind.LIKERT,
            Item.Kind.TEXT,
        )

    # Values, by the kind of item.
    kinds = key.map(known["kind"])
    if buildable.any():
        kinds = kinds.where(~buildable, key.map(new_items.set_index("key")["kind"]))
    blank = (value == "") | (value.str.upper() == DONT_KNOW)
    number = pd.to_numeric(value.where(~blank & kinds.isin(["likert", "number"])), errors="coerce")
    likert = kinds == Item.Kind.LIKERT
    numeric_kind = likert | (kinds == Item.Kind.NUMBER)
    problems.add(
        numeric_kind & ~blank & number.isna(),
        lambda bad: (
            "value "
            + _q(bad["value"])
            + " of item "
            + _q(bad["item"])
            + " is not a number"
            + np.where(
                bad.index.isin(frame.index[likert]),
                " (use 1 to 5, or DK or empty for don't know)",
                "",
            )
        ),
    )
    problems.add(
        likert & number.notna() & ~number.isin(LIKERT_VALUES),
        lambda bad: (
            "value "
            + _q(bad["value"])
            + " of item "
            + _q(bad["item"])
            + " is out of range (use 1 to 5, or DK or empty for don't know)"
        ),
    )
    is_number = kinds == Item.Kind.NUMBER
    if is_number.any():
        low = key.map(known["min"]).astype(float)
        high = key.map(known["max"]).astype(float)
        problems.add(
            is_number & number.notna() & ((number < low) | (number > high)),
            lambda bad: (
                "value " + _q(bad["value"]) + " of item " + _q(bad["item"]) + " is out of range"
            ),
        )
    problems.add(
        value.str.contains("\x00", regex=False),
        "the value contains a null character",
    )

    # Choice items: each chosen value must be one of the item's options.
    choice_rows = kinds.isin(CHOICE_KINDS) & ~blank
    chosen = pd.Series(None, index=frame.index, dtype=object)
    if choice_rows.any():
        options = key[choice_rows].map(known["options"])
        bad_choice = pd.Series(False, index=frame.index)
        for index, raw, (allowed, max_choices), kind in zip(
            frame.index[choice_rows], value[choice_rows], options, kinds[choice_rows], strict=True
        ):
            picked = [v.strip() for v in raw.split(";") if v.strip()]
            allowed_set = set(allowed)
            too_many = kind == Item.Kind.MULTIPLE and max_choices and len(picked) > max_choices
            if (
                not picked
                or any(v not in allowed_set for v in picked)
                or len(set(picked)) != len(picked)
                or (kind == Item.Kind.SINGLE and len(picked) != 1)
                or too_many
            ):
                bad_choice[index] = True
            else:
                chosen[index] = picked
        problems.add(
            bad_choice,
            lambda bad: (
                "value "
                + _q(bad["value"])
                + " of item "
                + _q(bad["item"])
                + " is not one of its options (separate several with ';')"
            ),
        )

    problems.raise_if_any()
    return {
        "is_staff": is_staff,
        "key": key,
        "kinds": kinds,
        "blank": blank,
        "number": number,
        "chosen": chosen,
        "new_orgs": new_orgs,
        "new_staff_groups": new_staff_groups,
        "new_user_groups": new_user_groups,
        "new_items": new_items,
        "new_outcomes": new_outcomes,
    }


# --- storing --------------------------------------------------------------------------------


def _titled(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().title() or slug


def _create_questionnaire(wave: Wave, which: str, items: pd.DataFrame, outcomes: dict) -> int:
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
        introduction="Created from an imported file: the item wording is the item code until "
        "an evaluator edits it.",
        frozen_at=timezone.now(),
    )
    groups = {"process": [], "outcomes": [], "other": []}
    for row in items.itertuples(index=False):
        if isinstance(row.measure, str):
            groups["outcomes"].append(row)
        elif PROCESS_ITEM.match(row.code):
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
                code=row.code,
                kind=row.kind,
                text=row.code,
                allow_dont_know=row.kind == Item.Kind.LIKERT,
            )
            if isinstance(row.measure, str):
                item.scale = row.measure
                item.measure = row.measure
                item.outcome_id = outcomes[row.outcome]
            elif row.kind == Item.Kind.LIKERT:
                item.scale = Item.Scale.AGREEMENT
            match = PROCESS_ITEM.match(row.code)
            if match:
                item.domain = f"D-{match['domain'].upper()}"
            created.append(item)
    Item.objects.bulk_create(created, batch_size=BATCH_SIZE)
    return questionnaire.pk


def _copy_answers(answers: pd.DataFrame) -> None:
    """PostgreSQL: COPY the answers in (the quickest way for a million rows)."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(Answer._meta.get_field(name).column)
        for name in ("response", "item", "number", "text", "choices", "dont_know")
    )
    text_column = connection.ops.quote_name(Answer._meta.get_field("text").column)
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({text_column}))"
    chunk = 200_000
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(sql) as copy:
            for start in range(0, len(answers), chunk):
                buffer = io.StringIO()
                answers.iloc[start : start + chunk].to_csv(buffer, index=False, header=False)
                copy.write(buffer.getvalue())


def _bulk_answers(answers: pd.DataFrame) -> None:
    rows = (
        Answer(
            response_id=int(r),
            item_id=int(i),
            number=None if n != n else float(n),
            text=t,
            choices=None if c == "" else json.loads(c),
            dont_know=bool(d),
        )
        for r, i, n, t, c, d in answers.itertuples(index=False)
    )
    batch: list[Answer] = []
    for answer in rows:
        batch.append(answer)
        if len(batch) >= BATCH_SIZE:
            Answer.objects.bulk_create(batch)
            batch = []
    if batch:
        Answer.objects.bulk_create(batch)


def import_answers(
    partnership_slug: str, wave_slug: str, file, *, create: bool = False, actor=None
) -> ImportResult:
    """Import a DESIGN §5 CSV file (a path, bytes or a file object) into a wave, all or nothing.

    Raises ImportRefused, with a message per bad row, when anything in the file is wrong; then
    nothing is stored.
    """
    data = _read_bytes(file)
    fingerprint = hashlib.sha256(data).hexdigest()
    frame = _parse(data)
    lookups = _load(partnership_slug, wave_slug, create)
    if lookups.wave is not None and _already_imported(lookups.wave, fingerprint):
        raise ImportRefused([_again_message(lookups.wave)])
    plan = _check(frame, lookups, create)
    return _store(frame, lookups, plan, partnership_slug, wave_slug, fingerprint, actor)


def _already_imported(wave: Wave, fingerprint: str) -> bool:
    return AuditEvent.objects.filter(
        action="answers.imported",
        partnership=wave.partnership,
        detail__wave=wave.slug,
        detail__sha256=fingerprint,
    ).exists()


def _again_message(wave: Wave) -> str:
    return (
        f"This file was already imported into {wave.name}: importing it again would count "
        "the same people twice."
    )


@transaction.atomic
def _store(
    frame: pd.DataFrame,
    lookups: _Lookups,
    plan: dict,
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
    # Lock the wave and look again, so two imports of the same file at once store one.
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if _already_imported(wave, fingerprint):
        raise ImportRefused([_again_message(wave)])

    organisations = dict(lookups.organisations)
    staff_groups = dict(lookups.staff_groups)
    user_groups = dict(lookups.user_groups)
    for names, model, target, label in (
        (plan["new_orgs"], Organisation, organisations, "organisations"),
        (plan["new_staff_groups"], StaffGroup, staff_groups, "staff_groups"),
        (plan["new_user_groups"], UserGroup, user_groups, "user_groups"),
    ):
        if not names:
            continue
        extra = {"kind": Organisation.Kind.OTHER} if model is Organisation else {}
        objects = model.objects.bulk_create(
            [model(partnership=partnership, name=name, **extra) for name in names]
        )
        target.update(dict(model.objects.filter(partnership=partnership).values_list("name", "pk")))
        created[label] = [o.name for o in objects]

    outcomes = dict(lookups.outcomes)
    if plan["new_outcomes"]:
        OutcomeStatement.objects.bulk_create(
            [
                OutcomeStatement(
                    partnership=partnership,
                    code=code,
                    text=code,
                    source=OutcomeStatement.Source.EVALUATOR,
                )
                for code in plan["new_outcomes"]
            ]
        )
        outcomes.update(
            OutcomeStatement.objects.filter(partnership=partnership).values_list("code", "pk")
        )
        created["outcomes"] = list(plan["new_outcomes"])

    key = plan["key"]
    item_ids = lookups.items.set_index("key")["item_id"]
    questionnaire_ids = {w: (q.pk if q else None) for w, q in lookups.questionnaires.items()}
    new_items: pd.DataFrame = plan["new_items"]
    if len(new_items):
        for which, rows in new_items.groupby("questionnaire", sort=False):
            questionnaire_ids[which] = _create_questionnaire(wave, which, rows, outcomes)
            created.setdefault("questionnaires", []).append(which)
        fresh = Item.objects.filter(
            section__questionnaire_id__in=[questionnaire_ids[w] for w in created["questionnaires"]]
        ).values_list("section__questionnaire__audience", "code", "pk")
        item_ids = pd.concat(
            [item_ids, pd.Series({f"{w}\x1f{c}": pk for w, c, pk in fresh}, dtype="int64")]
        )

    # One response per respondent, in the order they first appear.
    people = frame.drop_duplicates("respondent")
    is_staff = (people["audience"] == Audience.STAFF).to_numpy()
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
            people["audience"], people["organisation"], people["group"], is_staff, strict=True
        )
    ]
    Response.objects.bulk_create(responses, batch_size=BATCH_SIZE)
    response_ids = pd.Series([r.pk for r in responses], index=people["respondent"].to_numpy())

    # Answers: blank free text and blank choices are no answer at all.
    kinds, blank = plan["kinds"], plan["blank"]
    keep = ~(blank & ~kinds.isin([Item.Kind.LIKERT, Item.Kind.NUMBER]))
    keep &= ~((frame["value"] == "") & (kinds == Item.Kind.TEXT))
    text_kind = kinds == Item.Kind.TEXT
    single = kinds == Item.Kind.SINGLE
    chosen = plan["chosen"]
    numeric_dk = blank & kinds.isin([Item.Kind.LIKERT, Item.Kind.NUMBER])
    text = pd.Series("", index=frame.index, dtype=object)
    text[text_kind] = frame["value"][text_kind]
    text[single & chosen.notna()] = chosen[single & chosen.notna()].str[0]
    choices = pd.Series("", index=frame.index, dtype=object)
    has_choices = chosen.notna()
    if has_choices.any():
        choices[has_choices] = chosen[has_choices].map(json.dumps)
    answers = pd.DataFrame(
        {
            "response_id": frame["respondent"].map(response_ids),
            "item_id": key.map(item_ids).astype("int64"),
            "number": plan["number"].where(~numeric_dk),
            "text": text,
            "choices": choices,
            "dont_know": numeric_dk,
        }
    )[keep.to_numpy()]
    if connection.vendor == "postgresql":
        _copy_answers(answers)
    else:
        _bulk_answers(answers)

    # Service users and carers: a participant each, linked to their response.
    users = people[~is_staff]
    if len(users):
        schedule, made = FollowUpSchedule.objects.get_or_create(wave=wave)
        if made:
            created["follow_up_schedule"] = [wave.slug]
        participants = [
            Participant(schedule=schedule, code=code, audience=aud, user_group_id=user_groups[grp])
            for code, aud, grp in zip(
                users["respondent"], users["audience"], users["group"], strict=True
            )
        ]
        Participant.objects.bulk_create(participants, batch_size=BATCH_SIZE)
        ParticipantResponse.objects.bulk_create(
            [
                ParticipantResponse(
                    participant=p,
                    response_id=int(response_ids[code]),
                    capture=ParticipantResponse.Capture.IMPORTED,
                )
                for p, code in zip(participants, users["respondent"], strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        result.notes.append(
            f"{len(participants)} participants were created without a consent record: "
            "record each one's consent on the follow-up pages."
        )

    audiences = people["audience"].value_counts()
    result.responses = len(responses)
    result.answers = len(answers)
    result.staff = int(audiences.get(Audience.STAFF, 0))
    result.service_users = int(audiences.get(Audience.SERVICE_USER, 0))
    result.carers = int(audiences.get(Audience.CARER, 0))
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
