"""A form built from one section's items, and what its page needs to show them.

Field names are the item codes (a ranking item has one field per option, `<code>__<n>`), so a
draft's answers map straight onto a form. Anything a browser can send is checked here: unknown
codes are ignored, tampered choices, wrong types and oversized text get a message, never a 500.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from poet.models import Organisation, OutcomeStatement, StaffGroup
from surveys.models import Item, Section
from surveys.respondent_words import word
from surveys.services.answering import DONT_KNOW, TEXT_LIMIT, answered, option_values

SCALE_LABELS: dict[str, list] = {
    Item.Scale.AGREEMENT: [
        gettext_lazy("Strongly disagree"),
        gettext_lazy("Disagree"),
        gettext_lazy("Neither agree nor disagree"),
        gettext_lazy("Agree"),
        gettext_lazy("Strongly agree"),
    ],
    Item.Scale.IMPORTANCE: [
        gettext_lazy("Not important"),
        gettext_lazy("Slightly important"),
        gettext_lazy("Moderately important"),
        gettext_lazy("Very important"),
        gettext_lazy("Essential"),
    ],
    Item.Scale.ACHIEVEMENT: [
        gettext_lazy("Not at all"),
        gettext_lazy("A little"),
        gettext_lazy("Partly"),
        gettext_lazy("Mostly"),
        gettext_lazy("Completely"),
    ],
}
DONT_KNOW_LABEL = gettext_lazy("Don't know")
# Easy read: plain words, no numbers, for service users and carers who choose it.
EASY_SCALE_LABELS: dict[str, list] = {
    Item.Scale.AGREEMENT: [
        gettext_lazy("I really disagree"),
        gettext_lazy("I disagree"),
        gettext_lazy("I am not sure"),
        gettext_lazy("I agree"),
        gettext_lazy("I really agree"),
    ],
    Item.Scale.IMPORTANCE: [
        gettext_lazy("Not important"),
        gettext_lazy("A little important"),
        gettext_lazy("Quite important"),
        gettext_lazy("Very important"),
        gettext_lazy("The most important"),
    ],
    Item.Scale.ACHIEVEMENT: [
        gettext_lazy("Not at all"),
        gettext_lazy("A little"),
        gettext_lazy("Some"),
        gettext_lazy("A lot"),
        gettext_lazy("Completely"),
    ],
}
EASY_DONT_KNOW_LABEL = gettext_lazy("I don't know")
NUMBER_CHARACTERS = 30


def scale_of(item: Item) -> str:
    if item.scale in SCALE_LABELS:
        return item.scale
    if item.measure in SCALE_LABELS:
        return item.measure
    return Item.Scale.AGREEMENT


def likert_options(item: Item, easy_read: bool = False) -> list[tuple[str, str]]:
    if easy_read:
        return [
            (str(n), str(label)) for n, label in enumerate(EASY_SCALE_LABELS[scale_of(item)], 1)
        ]
    labels = SCALE_LABELS[scale_of(item)]
    return [(str(n), f"{n} – {label}") for n, label in enumerate(labels, start=1)]


def item_text(item: Item, easy_read: bool = False) -> str:
    """The wording shown: the easy-read wording when chosen and written, else the standard."""
    return item.easy_read_text if easy_read and item.easy_read_text else item.text


def html_id(code: str) -> str:
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", code)


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def outcomes_by_code(questionnaire_id: int) -> dict[str, OutcomeStatement]:
    """The outcome statements a questionnaire asks about, by code: the options of its "three
    that matter most" are these codes, shown in the statements' own (easy-read) words."""
    found = OutcomeStatement.objects.filter(
        items__section__questionnaire_id=questionnaire_id
    ).distinct()
    return {o.code: o for o in found}


def choice_labels(
    item: Item, easy_read: bool = False, outcomes: dict[str, OutcomeStatement] | None = None
) -> list[tuple[str, str]]:
    """(value, label) of a choice item's options; an option that is an outcome of the
    questionnaire says it in easy-read words when those are chosen and written."""
    pairs = []
    for c in item.choices or []:
        if not isinstance(c, dict):
            continue
        value = str(c.get("value"))
        label = str(c.get("label", c.get("value")))
        outcome = (outcomes or {}).get(value)
        if easy_read and outcome is not None and outcome.easy_read_text:
            label = outcome.easy_read_text
        pairs.append((value, label))
    return pairs


def display_answer(
    item: Item,
    value,
    easy_read: bool = False,
    outcomes: dict[str, OutcomeStatement] | None = None,
) -> str:
    """An answer in words, for the review page."""
    if not answered(value):
        return _("Nothing yet") if easy_read else _("Not answered")
    if item.kind == Item.Kind.LIKERT:
        if value == DONT_KNOW:
            return str(EASY_DONT_KNOW_LABEL if easy_read else DONT_KNOW_LABEL)
        return dict(likert_options(item, easy_read)).get(str(value), str(value))
    labels = dict(choice_labels(item, easy_read, outcomes))
    if item.kind == Item.Kind.SINGLE:
        return labels.get(str(value), str(value))
    if item.kind == Item.Kind.MULTIPLE:
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if item.kind == Item.Kind.RANKING:
        return "; ".join(f"{n}. {labels.get(str(v), str(v))}" for n, v in enumerate(value, 1))
    if item.kind == Item.Kind.NUMBER:
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool = False
    picture: str = ""  # the address of an outcome's icon when the option is an outcome


@dataclass
class RankRow:
    name: str
    id: str
    label: str
    selected: str


@dataclass
class Entry:
    """One question as its page shows it."""

    item: Item
    name: str
    id: str
    text: str = ""
    errors: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    dont_know: Option | None = None
    value: str = ""
    ranks: list[RankRow] = field(default_factory=list)
    rank_choices: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.item.kind

    easy_read: bool = False

    @property
    def limit_hint(self) -> str:
        """ "Select up to N." for a multiple choice, unless its help text says so already."""
        limit = self.item.max_choices
        if self.item.kind != Item.Kind.MULTIPLE or not limit:
            return ""
        help_text = (self.help_text or "").lower()
        # A help text in another language says it in its own words ("hyd at" in Welsh).
        if "up to" in help_text or _("up to").lower() in help_text:
            return ""
        return word("select_up_to", self.easy_read, limit=limit)

    @property
    def help_text(self) -> str:
        """Help text is written in one wording only: easy read shows none rather than hard
        words (its question has its own easy-read wording)."""
        if self.easy_read and self.item.easy_read_text:
            return ""
        return self.item.help_text

    @property
    def number_hint(self) -> str:
        """The help text and the range a number item takes."""
        low, high = self.item.min_value, self.item.max_value
        if low is not None and high is not None:
            allowed = _("Enter a number from %(low)s to %(high)s.") % {
                "low": floatformat(low, -2),
                "high": floatformat(high, -2),
            }
        elif low is not None:
            allowed = _("Enter a number of %(low)s or more.") % {"low": floatformat(low, -2)}
        elif high is not None:
            allowed = _("Enter a number of %(high)s or less.") % {"high": floatformat(high, -2)}
        else:
            allowed = ""
        return " ".join(part for part in (self.help_text, allowed) if part)

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"


@dataclass
class Block:
    """A question on its own, or an outcome statement with its importance and achievement."""

    entries: list[Entry]
    outcome: OutcomeStatement | None = None
    outcome_text: str = ""

    @property
    def has_errors(self) -> bool:
        return any(e.errors for e in self.entries)


def _to_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


class SectionForm(forms.Form):
    """The questions of one section. `answers` (item code → raw value) fills it in."""

    def __init__(
        self,
        section: Section,
        *args,
        answers: dict | None = None,
        easy_read: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.easy_read = easy_read
        self.items: list[Item] = list(section.items.all())
        self.fields = dict(self._section_fields())
        answers = answers or {}
        for item in self.items:
            self.initial.update(self._initial(item, answers.get(item.code)))

    def _section_fields(self) -> dict[str, forms.Field]:
        """The section's fields, built once per section object and wording.

        The sections of a frozen questionnaire are kept per process (`sections_of`), so their
        fields are too: building ten choice fields was a tenth of a section page's CPU. The
        Field objects are shared between forms and never changed; each form has its own dict.
        """
        built = self.section.__dict__.setdefault("_answer_fields", {})
        # Their messages are in the page's language: kept per wording and language.
        key = (self.easy_read, get_language())
        if key not in built:
            fields: dict[str, forms.Field] = {}
            for item in self.items:
                fields.update(self._fields(item))
            built[key] = fields
        return built[key]

    # Building

    def _fields(self, item: Item) -> dict[str, forms.Field]:
        text = short(item_text(item, self.easy_read))
        required = item.required
        if item.kind == Item.Kind.LIKERT:
            choices = likert_options(item, self.easy_read)
            if item.allow_dont_know:
                choices.append((DONT_KNOW, str(DONT_KNOW_LABEL)))
            message = _("Select an answer to “%(text)s”") % {"text": text}
            if item.outcome_id and item.measure == Item.Measure.IMPORTANCE:
                message = _("Select how important “%(outcome)s” is") % {
                    "outcome": short(self._outcome_text(item))
                }
            elif item.outcome_id and item.measure == Item.Measure.ACHIEVEMENT:
                message = _("Select how far “%(outcome)s” has been achieved") % {
                    "outcome": short(self._outcome_text(item))
                }
            return {
                item.code: forms.ChoiceField(
                    choices=choices,
                    required=required,
                    error_messages={"required": message, "invalid_choice": message},
                )
            }
        if item.kind == Item.Kind.SINGLE:
            return {
                item.code: forms.ChoiceField(
                    choices=[(v, v) for v in option_values(item)],
                    required=required,
                    error_messages={
                        "required": _("Select an answer to “%(text)s”") % {"text": text},
                        "invalid_choice": _("Select one of the answers to “%(text)s”")
                        % {"text": text},
                    },
                )
            }
        if item.kind == Item.Kind.MULTIPLE:
            return {
                item.code: forms.MultipleChoiceField(
                    choices=[(v, v) for v in option_values(item)],
                    required=required,
                    error_messages={
                        "required": _("Select at least one answer to “%(text)s”") % {"text": text},
                        "invalid_choice": _("Select only answers listed for “%(text)s”")
                        % {"text": text},
                        "invalid_list": _("Select only answers listed for “%(text)s”")
                        % {"text": text},
                    },
                )
            }
        if item.kind == Item.Kind.RANKING:
            ranks = [str(n) for n in range(1, len(option_values(item)) + 1)]
            return {
                name: forms.ChoiceField(
                    choices=[("", "")] + [(r, r) for r in ranks],
                    required=False,
                    error_messages={
                        "invalid_choice": _("Choose ranks from the list for “%(text)s”")
                        % {"text": text}
                    },
                )
                for name in self._names(item)
            }
        if item.kind == Item.Kind.NUMBER:
            return {
                item.code: forms.CharField(
                    required=required,
                    max_length=NUMBER_CHARACTERS,
                    error_messages={
                        "required": _("Enter a number for “%(text)s”") % {"text": text},
                        "max_length": _("Enter a number for “%(text)s”") % {"text": text},
                    },
                )
            }
        return {
            item.code: forms.CharField(
                required=required,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea,
                error_messages={
                    "required": _("Enter an answer to “%(text)s”") % {"text": text},
                    "max_length": (
                        _("Your answer to “%(text)s” must be %(limit)s characters or fewer")
                        % {"text": text, "limit": TEXT_LIMIT}
                    ),
                },
            )
        }

    def _outcome_text(self, item: Item) -> str:
        """The outcome statement as the page shows it (messages quote what the reader sees)."""
        outcome = item.outcome
        if outcome is None:
            raise ValueError(f"Item {item.code} has no outcome statement")
        if self.easy_read and outcome.easy_read_text:
            return outcome.easy_read_text
        return outcome.text

    def _initial(self, item: Item, value) -> dict:
        """What the item's fields show for a raw value from the draft."""
        if item.kind == Item.Kind.LIKERT:
            return {item.code: str(value) if answered(value) else None}
        if item.kind == Item.Kind.SINGLE:
            return {item.code: value if isinstance(value, str) else None}
        if item.kind == Item.Kind.MULTIPLE:
            return {item.code: value if isinstance(value, list) else []}
        if item.kind == Item.Kind.RANKING:
            current = value if isinstance(value, list) else []
            return {
                name: str(current.index(option) + 1) if option in current else ""
                for name, option in zip(self._names(item), option_values(item), strict=True)
            }
        if item.kind == Item.Kind.NUMBER:
            return {item.code: "" if not answered(value) else display_answer(item, value)}
        return {item.code: value if isinstance(value, str) else ""}

    # Checking

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            text = short(item_text(item, self.easy_read))
            if item.kind == Item.Kind.MULTIPLE and item.max_choices:
                chosen = cleaned.get(item.code) or []
                if len(chosen) > item.max_choices:
                    self.add_error(
                        item.code,
                        word("too_many", self.easy_read, limit=item.max_choices, text=text),
                    )
            elif item.kind == Item.Kind.NUMBER:
                self._clean_number(item, cleaned, text)
            elif item.kind == Item.Kind.RANKING:
                self._clean_ranking(item, cleaned, text)
        return cleaned

    def _clean_number(self, item: Item, cleaned: dict, text: str) -> None:
        raw = cleaned.get(item.code)
        if raw in (None, ""):
            cleaned[item.code] = None
            return
        try:
            number = float(str(raw).replace(",", "").strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.add_error(item.code, _("Enter a number for “%(text)s”, like 12") % {"text": text})
            return
        low, high = item.min_value, item.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                message = _("Enter a number between %(low)s and %(high)s for “%(text)s”") % {
                    "low": f"{low:g}",
                    "high": f"{high:g}",
                    "text": text,
                }
            elif low is not None:
                message = _("Enter a number of %(low)s or more for “%(text)s”") % {
                    "low": f"{low:g}",
                    "text": text,
                }
            else:
                message = _("Enter a number of %(high)s or less for “%(text)s”") % {
                    "high": f"{high:g}",
                    "text": text,
                }
            self.add_error(item.code, message)
            return
        cleaned[item.code] = _to_number(number)

    def _clean_ranking(self, item: Item, cleaned: dict, text: str) -> None:
        values = option_values(item)
        names = [f"{item.code}__{n}" for n in range(len(values))]
        if any(name in self.errors for name in names):
            return
        ranked = [(cleaned.get(name), value) for name, value in zip(names, values, strict=True)]
        ranked = [(int(rank), value) for rank, value in ranked if rank]
        first = names[0] if names else None
        if first is None:
            return
        if len({rank for rank, _ in ranked}) != len(ranked):
            self.add_error(
                first, _("Give each option a different rank for “%(text)s”") % {"text": text}
            )
        elif item.required and len(ranked) != len(values):
            self.add_error(first, _("Rank every option for “%(text)s”") % {"text": text})
        else:
            cleaned[item.code] = [value for _, value in sorted(ranked)] or None

    # Results

    def _value(self, item: Item):
        value = self.cleaned_data.get(item.code)
        if item.kind == Item.Kind.LIKERT and value not in (None, "", DONT_KNOW):
            return int(value)
        if item.kind == Item.Kind.MULTIPLE:
            return list(value) if value else None
        return value if answered(value) else None

    def _names(self, item: Item) -> list[str]:
        if item.kind == Item.Kind.RANKING:
            return [f"{item.code}__{n}" for n in range(len(option_values(item)))]
        return [item.code]

    def answer_values(self) -> dict:
        """Every item code of the section → its raw value (None when blank). Call when valid."""
        return {item.code: self._value(item) for item in self.items}

    def valid_answer_values(self) -> dict:
        """The answers that passed their checks, for saving part-way (bad ones left out)."""
        if not hasattr(self, "cleaned_data"):
            self.full_clean()
        return {
            item.code: self._value(item)
            for item in self.items
            if not any(name in self.errors for name in self._names(item))
        }

    # Showing

    def _raw(self, name: str):
        return self[name].value()

    def entries(self) -> list[Entry]:
        result = []
        for item in self.items:
            base = html_id(item.code)
            errors: list[str] = []
            for name in self._names(item):
                # An ErrorList's items read as messages (its __getitem__ turns a ValidationError
                # into its text); the stubs type them as ValidationError | str.
                errors.extend(cast("list[str]", self.errors.get(name, [])) if self.is_bound else [])
            entry = Entry(
                item=item,
                name=item.code,
                id=base,
                text=item_text(item, self.easy_read),
                errors=list(errors),
                easy_read=self.easy_read,
            )
            if item.kind in (Item.Kind.LIKERT, Item.Kind.SINGLE, Item.Kind.MULTIPLE):
                raw = self._raw(item.code)
                chosen = {str(v) for v in raw} if isinstance(raw, list | tuple) else {str(raw)}
                if item.kind == Item.Kind.LIKERT:
                    pairs = likert_options(item, self.easy_read)
                else:
                    pairs = choice_labels(item, self.easy_read, self.outcomes)
                entry.options = [
                    Option(
                        value,
                        label,
                        base if n == 0 else f"{base}-{n + 1}",
                        value in chosen,
                        self._picture(item, value),
                    )
                    for n, (value, label) in enumerate(pairs)
                ]
                if item.kind == Item.Kind.LIKERT and item.allow_dont_know:
                    entry.dont_know = Option(
                        DONT_KNOW,
                        str(EASY_DONT_KNOW_LABEL if self.easy_read else DONT_KNOW_LABEL),
                        f"{base}-dk",
                        DONT_KNOW in chosen,
                    )
            elif item.kind == Item.Kind.RANKING:
                values = option_values(item)
                labels = dict(choice_labels(item, self.easy_read, self.outcomes))
                entry.rank_choices = [str(n) for n in range(1, len(values) + 1)]
                entry.ranks = [
                    RankRow(
                        name=f"{item.code}__{n}",
                        id=base if n == 0 else f"{base}-{n + 1}",
                        label=labels.get(value, value),
                        selected=str(self._raw(f"{item.code}__{n}") or ""),
                    )
                    for n, value in enumerate(values)
                ]
            else:
                raw = self._raw(item.code)
                entry.value = "" if raw is None else str(raw)
            result.append(entry)
        return result

    @property
    def outcomes(self) -> dict[str, OutcomeStatement]:
        """The questionnaire's outcomes by code, when this section has choice items (whose
        options may be outcomes); kept with the section like its fields."""
        kinds = (Item.Kind.SINGLE, Item.Kind.MULTIPLE, Item.Kind.RANKING)
        if not any(item.kind in kinds for item in self.items):
            return {}
        cached = self.section.__dict__
        if "_outcomes_by_code" not in cached:
            cached["_outcomes_by_code"] = outcomes_by_code(self.section.questionnaire_id)
        return cached["_outcomes_by_code"]

    def _picture(self, item: Item, value: str) -> str:
        outcome = self.outcomes.get(value) if item.kind != Item.Kind.LIKERT else None
        return static(f"icons/outcomes/{outcome.picture}.svg") if outcome is not None else ""

    def blocks(self) -> list[Block]:
        """Questions in order, an outcome's importance and achievement kept together."""
        blocks: list[Block] = []
        for entry in self.entries():
            item = entry.item
            last = blocks[-1] if blocks else None
            if (
                item.outcome_id
                and item.measure
                and last is not None
                and last.outcome is not None
                and last.outcome.pk == item.outcome_id
            ):
                last.entries.append(entry)
            elif item.outcome_id and item.measure:
                blocks.append(
                    Block([entry], outcome=item.outcome, outcome_text=self._outcome_text(item))
                )
            else:
                blocks.append(Block([entry]))
        return blocks

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in page order."""
        return [(entry.id, message) for entry in self.entries() for message in entry.errors]


class ChooseGroupForm(forms.Form):
    """For the open link: where the respondent works, since no invitation says so."""

    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        label=gettext_lazy("Which organisation do you work for?"),
        error_messages={
            "required": gettext_lazy("Select the organisation you work for"),
            "invalid_choice": gettext_lazy("Select the organisation you work for"),
        },
    )
    staff_group: forms.ModelChoiceField[StaffGroup] = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        label=gettext_lazy("Which staff group are you in?"),
        error_messages={
            "required": gettext_lazy("Select your staff group"),
            "invalid_choice": gettext_lazy("Select your staff group"),
        },
    )

    def __init__(self, partnership, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the fields declared above; the stubs type them as Field.
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        staff_group = cast("forms.ModelChoiceField[StaffGroup]", self.fields["staff_group"])
        organisation.queryset = partnership.organisations.order_by("name")
        staff_group.queryset = partnership.staff_groups.order_by("name")
        organisation.widget = forms.RadioSelect()
        staff_group.widget = forms.RadioSelect()
        organisation.widget.choices = organisation.choices
        staff_group.widget.choices = staff_group.choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("organisation", legend_size=Size.MEDIUM),
            Field.radios("staff_group", legend_size=Size.MEDIUM),
            Button("continue", _("Continue")),
        )
