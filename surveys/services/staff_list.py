"""Reading a staff list CSV (email, organisation, staff_group, and optionally language) for a
wave's invitations.

All or nothing: a file with any bad row is refused as a whole, with one message per bad row saying
which row (as a spreadsheet numbers it: the header is row 1) and why, so the evaluator can fix the
file and upload it again. Nothing here touches the database except to look names up.
"""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language_info, ngettext, override
from django.utils.translation import gettext as _

from poet.models import Organisation, StaffGroup, Wave
from poet.spreadsheet import CsvShapeError, check_csv_shape, neutralise, restore
from surveys.models import Invitation

COLUMNS = ("email", "organisation", "staff_group")
LANGUAGE_COLUMN = "language"  # optional: the language of each person's e-mails
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class StaffMember:
    """One row of a staff list, checked against the partnership's names."""

    row: int
    email: str
    organisation: Organisation
    staff_group: StaffGroup
    language: str = ""  # a code of settings.RESPONDENT_LANGUAGES; "" when not known


class StaffListError(Exception):
    """The file was refused; `problems` says why, one message per bad row or file problem."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _names(objects) -> dict[str, object]:
    return {_key(o.name): o for o in objects}


def _find(by_name: dict[str, object], name: str):
    """The object a cell names: its exact text, or the text our example file neutralised."""
    return by_name.get(_key(name)) or by_name.get(_key(restore(name)))


def _known(objects) -> str:
    names = sorted(o.name for o in objects)
    return ", ".join(names) if names else _("none yet: add them to the partnership first")


def language_names() -> dict[str, str]:
    """What a staff list may say for each language a person may read, casefolded → its code: its
    code ("cy", "en", "en-GB"), its own name ("Cymraeg", "Polski"), and its English and Welsh
    names ("Welsh", "English", "Saesneg")."""
    names: dict[str, str] = {}
    for code, own_name in settings.RESPONDENT_LANGUAGES:
        base = code.split("-")[0]
        words = [code, base, own_name]
        for each in {code, base}:
            info = get_language_info(each)
            with override("cy"):
                words += [info["name"], info["name_local"], str(info["name_translated"])]
        for word in words:
            names.setdefault(_key(word), code)
    return names


def read_language(value: str, names: dict[str, str] | None = None) -> str | None:
    """The language code a staff list's cell names ("" when blank), or None when it names none
    POET knows."""
    if not value.strip():
        return ""
    return (names or language_names()).get(_key(value.replace("_", "-")))


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise StaffListError(
            [
                _("The file is too large: a staff list can be up to %(mb)s MB.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            ]
        )
    try:
        check_csv_shape(data)
    except CsvShapeError as error:
        raise StaffListError(
            [
                _("%(problem)s The header must be %(header)s.")
                % {"problem": error, "header": ",".join(COLUMNS)}
            ]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StaffListError(
            [
                _(
                    "The file is not a CSV file in UTF-8: save it from your spreadsheet as "
                    "“CSV UTF-8 (comma delimited)” and upload it again."
                )
            ]
        ) from None
    if "\x00" in text:
        raise StaffListError(
            [_("The file is not a CSV file: save it from your spreadsheet as CSV.")]
        )
    if not text.strip():
        raise StaffListError(
            [
                _(
                    "The file is empty: it needs a header row email,organisation,staff_group and "
                    "a row for each member of staff."
                )
            ]
        )
    return text


def read_staff_list(data: bytes, wave: Wave) -> list[StaffMember]:
    """The members of staff in a staff list file, or StaffListError naming every problem."""
    text = _decode(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise StaffListError(
            [_("The file is not a readable CSV file (%(problem)s).") % {"problem": exc}]
        ) from None
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise StaffListError([_("The file is empty.")])
    header = [cell.strip().lstrip("\ufeff").casefold().replace(" ", "_") for cell in rows[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        names = _(" and ").join(f"“{column}”" for column in missing)
        raise StaffListError(
            [
                ngettext(
                    "The file has no %(names)s column: its first row must be the header "
                    "email,organisation,staff_group.",
                    "The file has no %(names)s columns: its first row must be the header "
                    "email,organisation,staff_group.",
                    len(missing),
                )
                % {"names": names}
            ]
        )
    where = {
        column: header.index(column) for column in (*COLUMNS, LANGUAGE_COLUMN) if column in header
    }
    body = [
        (number, row)
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    if not body:
        raise StaffListError([_("The file has a header row but no members of staff.")])
    if len(body) > MAX_ROWS:
        raise StaffListError(
            [
                _("The file has %(rows)s rows: a staff list can have up to %(most)s.")
                % {"rows": f"{len(body):,}", "most": f"{MAX_ROWS:,}"}
            ]
        )

    partnership = wave.partnership
    organisations = list(Organisation.objects.filter(partnership=partnership))
    groups = list(StaffGroup.objects.filter(partnership=partnership))
    organisation_by_name, group_by_name = _names(organisations), _names(groups)
    already = set(
        Invitation.objects.filter(wave=wave).exclude(email="").values_list("email", flat=True)
    )
    language_by_name = language_names()
    first_row_of: dict[str, int] = {}
    members: list[StaffMember] = []
    problems: list[str] = []

    for number, row in body:

        def cell(column: str, row=row) -> str:
            index = where.get(column, len(row))
            return row[index].strip() if index < len(row) else ""

        email = cell("email").lower()
        organisation_name, group_name = cell("organisation"), cell("staff_group")
        row_problems = []
        if not email:
            row_problems.append(_("the e-mail address is missing"))
        else:
            try:
                if len(email) > 254:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                row_problems.append(
                    _("'%(email)s' is not a valid e-mail address") % {"email": email}
                )
            else:
                if email in first_row_of:
                    row_problems.append(
                        _("'%(email)s' is in the file twice (also on row %(row)s)")
                        % {"email": email, "row": first_row_of[email]}
                    )
                elif email in already:
                    row_problems.append(
                        _("'%(email)s' has already been invited to this wave") % {"email": email}
                    )
                first_row_of.setdefault(email, number)
        organisation = _find(organisation_by_name, organisation_name)
        if not organisation_name:
            row_problems.append(_("the organisation is missing"))
        elif organisation is None:
            row_problems.append(
                _("'%(name)s' is not an organisation of this partnership (they are: %(known)s)")
                % {"name": organisation_name, "known": _known(organisations)}
            )
        group = _find(group_by_name, group_name)
        if not group_name:
            row_problems.append(_("the staff group is missing"))
        elif group is None:
            row_problems.append(
                _("'%(name)s' is not a staff group of this partnership (they are: %(known)s)")
                % {"name": group_name, "known": _known(groups)}
            )
        language = read_language(cell(LANGUAGE_COLUMN), language_by_name)
        if language is None:
            row_problems.append(
                _(
                    "'%(name)s' is not a language POET knows (use one of %(known)s, or leave it "
                    "blank when not known)"
                )
                % {"name": cell(LANGUAGE_COLUMN), "known": _language_examples()}
            )
        if row_problems:
            message = "; ".join(row_problems)
            problems.append(
                _("Row %(row)s: %(problems)s.")
                % {"row": number, "problems": message[0].upper() + message[1:]}
            )
        else:
            members.append(StaffMember(number, email, organisation, group, language or ""))

    if problems:
        if len(problems) > MAX_PROBLEMS_SHOWN:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            problems = problems[:MAX_PROBLEMS_SHOWN] + [
                ngettext(
                    "…and %(more)s more row with problems.",
                    "…and %(more)s more rows with problems.",
                    more,
                )
                % {"more": f"{more:,}"}
            ]
        raise StaffListError(problems)
    return members


def _language_examples() -> str:
    """The languages a staff list may name, each by its code and its name: "cy (Cymraeg), en
    (English), …"."""
    return ", ".join(
        f"{code.split('-')[0]} ({name})" for code, name in settings.RESPONDENT_LANGUAGES
    )


def example_staff_list(wave: Wave) -> str:
    """A small CSV in the expected shape, with the partnership's own names, to start from.

    Names are neutralised like every file we write (a name starting with = would run as a
    formula), and read back as the names they were. It starts with a byte order mark, so Excel
    opens it as UTF-8 ("Môn –", not "MÃ´n â€“"); uploads are read with or without one.
    """
    organisations = list(wave.partnership.organisations.values_list("name", flat=True)) or [
        _("Name of a partner organisation")
    ]
    groups = list(wave.partnership.staff_groups.values_list("name", flat=True)) or [
        _("Name of a staff group")
    ]
    # A language column when the wave offers languages besides English: blank (not known), or
    # each offered language by its own name.
    languages = [""] + [
        name
        for code, name in settings.RESPONDENT_LANGUAGES
        if wave.languages.filter(code=code).exists()
    ]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS + ((LANGUAGE_COLUMN,) if len(languages) > 1 else ()))
    for i in range(max(3, min(len(organisations), 6))):
        row = [
            f"person.{i + 1}@example.org",
            neutralise(organisations[i % len(organisations)]),
            neutralise(groups[i % len(groups)]),
        ]
        writer.writerow(row + ([languages[i % len(languages)]] if len(languages) > 1 else []))
    return out.getvalue()
