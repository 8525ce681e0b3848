"""Editing a wave's staff questionnaire: items, sections, outcomes, and the wave's closing date.

Every change goes through `editable_questionnaire`, so changing a frozen version (the wave is
open) first makes the next version, a draft: respondents keep getting the frozen one until the
evaluator publishes the changes, and answers keep pointing at the version they were given against.
Items are found by their stable code and sections by their position, both of which survive the
copy into a new version.
"""

import datetime
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from poet.models import OutcomeStatement, Wave
from poet.services import record_audit
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire, Section
from surveys.questionnaire_template import (
    INTRODUCTION,
    OUTCOMES_INTRODUCTION,
    OUTCOMES_TITLE,
    PRIVACY_NOTICE,
    PROCESS_DOMAINS,
    PROCESS_INTRODUCTION,
    PROCESS_PAGES,
    STAFF_PRIORITIES,
    TITLE,
    TOP3,
    check_outcome_codes,
    outcome_items,
    priorities_section,
    top3_choices,
)
from surveys.selectors.design import (
    available_outcomes,
    chosen_outcomes,
    item_with_code,
    section_at,
    sections_of,
)
from surveys.services.questionnaire_versions import editable_questionnaire

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
RESERVED_SUFFIXES = (".importance", ".achievement")
CHOICE_KINDS = {Item.Kind.SINGLE, Item.Kind.MULTIPLE, Item.Kind.RANKING}


def check_new_code(questionnaire: Questionnaire, code: str) -> None:
    """A new item's code: unique in the questionnaire, and simple enough for exports."""
    if not code or not CODE_PATTERN.match(code) or len(code) > 60:
        raise SurveyError(
            _(
                "Enter a code of up to 60 letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit."
            )
        )
    if code.lower().endswith(RESERVED_SUFFIXES):
        raise SurveyError(
            _("Codes ending in .importance or .achievement are kept for outcome questions.")
        )
    if Item.objects.filter(section__questionnaire=questionnaire, code__iexact=code).exists():
        raise SurveyError(_("Another question already has the code %(code)s.") % {"code": code})


# --- helpers ---------------------------------------------------------------------------------


def _editable(wave: Wave) -> Questionnaire:
    """The version to change, with the wave locked so two evaluators editing a frozen version
    at once make one new version, not two."""
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    return editable_questionnaire(locked)


def _renumber(objects: list) -> None:
    for i, obj in enumerate(objects):
        if obj.order != i:
            obj.order = i
            obj.save(update_fields=["order"])


def _items_of(section: Section) -> list[Item]:
    return list(section.items.order_by("order", "pk"))


def _audit(action: str, questionnaire: Questionnaire, actor, **detail) -> None:
    record_audit(
        action,
        actor=actor,
        partnership=questionnaire.wave.partnership,
        target=str(questionnaire),
        version=questionnaire.version,
        **detail,
    )


# --- questionnaire texts and sections --------------------------------------------------------


@transaction.atomic
def update_texts(
    wave: Wave,
    *,
    title: str,
    introduction: str,
    privacy_notice: str,
    contact: str = "",
    actor=None,
) -> Questionnaire:
    """Title, introduction (purpose) and privacy notice shown before the first question, and
    who to contact, shown on every page of someone answering."""
    questionnaire = _editable(wave)
    questionnaire.title = title.strip()
    questionnaire.introduction = introduction.strip()
    questionnaire.privacy_notice = privacy_notice.strip()
    questionnaire.contact = " ".join(contact.split())
    questionnaire.save(update_fields=["title", "introduction", "privacy_notice", "contact"])
    _audit("questionnaire.texts_changed", questionnaire, actor)
    return questionnaire


@transaction.atomic
def add_section(wave: Wave, *, title: str, introduction: str = "", actor=None) -> Section:
    questionnaire = _editable(wave)
    last = questionnaire.sections.aggregate(m=Max("order"))["m"]
    section = Section.objects.create(
        questionnaire=questionnaire,
        order=0 if last is None else last + 1,
        kind=Section.Kind.OTHER,
        title=title.strip(),
        introduction=introduction.strip(),
    )
    _audit("questionnaire.section_added", questionnaire, actor, section=section.title)
    return section


@transaction.atomic
def update_section(
    wave: Wave, position: int, *, title: str, introduction: str, actor=None
) -> Section:
    questionnaire = _editable(wave)
    section = section_at(questionnaire, position)
    section.title = title.strip()
    section.introduction = introduction.strip()
    section.save(update_fields=["title", "introduction"])
    _audit("questionnaire.section_changed", questionnaire, actor, section=section.title)
    return section


@transaction.atomic
def remove_section(wave: Wave, position: int, *, actor=None) -> Questionnaire:
    """Remove a page and its questions, except the outcome questions (change outcomes instead)."""
    questionnaire = _editable(wave)
    section = section_at(questionnaire, position)
    if section.items.filter(Q(outcome__isnull=False) | Q(code=TOP3)).exists():
        raise SurveyError(
            _(
                "This section holds the outcome questions. Change the outcomes instead of "
                "removing it."
            )
        )
    title = section.title
    section.delete()
    _renumber(sections_of(questionnaire))
    _audit("questionnaire.section_removed", questionnaire, actor, section=title)
    return questionnaire


@transaction.atomic
def move_section(wave: Wave, position: int, direction: int, *, actor=None) -> Questionnaire:
    """Move a section one place up (direction -1) or down (+1); at either end nothing moves."""
    questionnaire = _editable(wave)
    sections = sections_of(questionnaire)
    section_at(questionnaire, position)
    index, target = position - 1, position - 1 + direction
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]
        _renumber(sections)
        _audit("questionnaire.section_moved", questionnaire, actor, section=sections[target].title)
    return questionnaire


# --- items -----------------------------------------------------------------------------------


KEEP = object()  # an optional rule the caller leaves as it is


@transaction.atomic
def update_item(
    wave: Wave,
    code: str,
    *,
    text: str,
    help_text: str = "",
    required: bool = False,
    allow_dont_know: bool = True,
    choices=KEEP,
    max_choices=KEEP,
    min_value=KEEP,
    max_value=KEEP,
    actor=None,
) -> Item:
    """Change a question's wording and rules; its code and kind never change.

    Options of "pick the three that matter most" follow the chosen outcomes and are not edited
    here."""
    if not text.strip():
        raise SurveyError(_("Enter the question."))
    questionnaire = _editable(wave)
    item = item_with_code(questionnaire, code)
    item.text = text.strip()
    item.help_text = help_text.strip()
    item.required = required
    item.allow_dont_know = allow_dont_know if item.kind == Item.Kind.LIKERT else False
    fields = ["text", "help_text", "required", "allow_dont_know"]
    if choices is not KEEP and item.kind in CHOICE_KINDS and item.code != TOP3:
        item.choices = parse_choices(choices)
        fields.append("choices")
    if max_choices is not KEEP and item.kind == Item.Kind.MULTIPLE:
        item.max_choices = max_choices
        fields.append("max_choices")
    if item.kind == Item.Kind.NUMBER:
        if min_value is not KEEP:
            item.min_value = min_value
            fields.append("min_value")
        if max_value is not KEEP:
            item.max_value = max_value
            fields.append("max_value")
    check_rules(item.kind, item.choices, item.max_choices, item.min_value, item.max_value)
    item.save(update_fields=fields)
    _audit("questionnaire.item_changed", questionnaire, actor, item=code)
    return item


def check_rules(
    kind: str,
    options: list[dict[str, str]],
    max_choices: int | None,
    min_value: float | None,
    max_value: float | None,
) -> None:
    """The rules every question of a kind must keep, whether new or changed."""
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            raise SurveyError(_("Enter at least two options, one per line."))
        if len({o["value"].lower() for o in options}) != len(options):
            raise SurveyError(_("Each option must be different."))
    if kind == Item.Kind.MULTIPLE and max_choices is not None and max_choices < 1:
        raise SurveyError(_("The most options someone may pick must be at least 1."))
    if (
        kind == Item.Kind.NUMBER
        and min_value is not None
        and max_value is not None
        and min_value > max_value
    ):
        raise SurveyError(_("The smallest number must not be more than the largest."))


def parse_choices(lines: str | Iterable[str]) -> list[dict[str, str]]:
    """Options typed one per line, blank lines ignored, each its own value."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    labels = [line.strip() for line in lines if line.strip()]
    return [{"value": label, "label": label} for label in labels]


@transaction.atomic
def add_item(
    wave: Wave,
    section_position: int,
    *,
    code: str,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    allow_dont_know: bool = True,
    scale: str = "",
    choices: str | Iterable[str] = (),
    max_choices: int | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    actor=None,
) -> Item:
    """Add a question of any kind at the end of a section."""
    code = code.strip()
    if kind not in Item.Kind.values:
        raise SurveyError(_("Choose what kind of question this is."))
    if not text.strip():
        raise SurveyError(_("Enter the question."))
    options = parse_choices(choices) if kind in CHOICE_KINDS else []
    if kind == Item.Kind.LIKERT and scale not in Item.Scale.values:
        raise SurveyError(_("Choose the scale of answers."))
    check_rules(kind, options, max_choices, min_value, max_value)
    questionnaire = _editable(wave)
    check_new_code(questionnaire, code)
    section = section_at(questionnaire, section_position)
    last = section.items.aggregate(m=Max("order"))["m"]
    item = Item.objects.create(
        section=section,
        order=0 if last is None else last + 1,
        code=code,
        kind=kind,
        text=text.strip(),
        help_text=help_text.strip(),
        required=required,
        allow_dont_know=allow_dont_know if kind == Item.Kind.LIKERT else False,
        scale=scale if kind == Item.Kind.LIKERT else "",
        choices=options,
        max_choices=max_choices if kind == Item.Kind.MULTIPLE else None,
        min_value=min_value if kind == Item.Kind.NUMBER else None,
        max_value=max_value if kind == Item.Kind.NUMBER else None,
    )
    _audit("questionnaire.item_added", questionnaire, actor, item=code)
    return item


@transaction.atomic
def remove_item(wave: Wave, code: str, *, actor=None) -> Questionnaire:
    questionnaire = _editable(wave)
    item = item_with_code(questionnaire, code)
    if item.outcome_id is not None:
        raise SurveyError(
            _("Outcome questions come in pairs: change the outcomes to remove this one.")
        )
    section = item.section
    item.delete()
    _renumber(_items_of(section))
    _audit("questionnaire.item_removed", questionnaire, actor, item=code)
    return questionnaire


@transaction.atomic
def move_item(wave: Wave, code: str, direction: int, *, actor=None) -> Questionnaire:
    """Move a question one place up (-1) or down (+1) within its section.

    An outcome's two measures stay together: they move as a pair, past the neighbouring pair.
    """
    questionnaire = _editable(wave)
    item = item_with_code(questionnaire, code)
    items = _items_of(item.section)
    # Blocks: an outcome's items move together, every other item alone.
    blocks: list[list[Item]] = []
    for it in items:
        if blocks and it.outcome_id is not None and blocks[-1][0].outcome_id == it.outcome_id:
            blocks[-1].append(it)
        else:
            blocks.append([it])
    index = next(i for i, block in enumerate(blocks) if item in block)
    target = index + direction
    if 0 <= target < len(blocks):
        blocks[index], blocks[target] = blocks[target], blocks[index]
        _renumber([it for block in blocks for it in block])
        _audit("questionnaire.item_moved", questionnaire, actor, item=code)
    return questionnaire


# --- outcomes --------------------------------------------------------------------------------


@transaction.atomic
def set_outcomes(wave: Wave, outcomes: Iterable[OutcomeStatement], *, actor=None) -> Questionnaire:
    """Ask about exactly these outcomes: add or remove their pairs of measures, and keep the
    "three that matter most" options in step."""
    outcomes = list(outcomes)
    if not outcomes:
        raise SurveyError(_("Choose at least one outcome."))
    check_outcome_codes(outcomes)
    allowed = set(available_outcomes(wave.partnership).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in outcomes):
        raise SurveyError(_("Choose outcomes from the library or this partnership's own."))
    questionnaire = _editable(wave)
    current = chosen_outcomes(questionnaire)
    wanted = {o.pk for o in outcomes}
    removed = [o for o in current if o.pk not in wanted]
    added = [o for o in outcomes if o.pk not in {c.pk for c in current}]
    outcome_items_qs = Item.objects.filter(section__questionnaire=questionnaire)
    if removed:
        touched = set(
            outcome_items_qs.filter(outcome__in=removed).values_list("section_id", flat=True)
        )
        outcome_items_qs.filter(outcome__in=removed).delete()
        for section in questionnaire.sections.filter(pk__in=touched):
            _renumber(_items_of(section))
    if added:
        holder = (
            outcome_items_qs.filter(outcome__isnull=False)
            .order_by("-section__order", "-order")
            .first()
        )
        if holder is not None:
            section = holder.section
        else:
            found = questionnaire.sections.filter(kind=Section.Kind.OUTCOMES).first()
            if found is None:
                last = questionnaire.sections.aggregate(m=Max("order"))["m"]
                found = Section.objects.create(
                    questionnaire=questionnaire,
                    order=0 if last is None else last + 1,
                    kind=Section.Kind.OUTCOMES,
                    title=OUTCOMES_TITLE,
                    introduction=OUTCOMES_INTRODUCTION,
                )
            section = found
        last = section.items.aggregate(m=Max("order"))["m"]
        start = 0 if last is None else last + 1
        new_items: list[Item] = []
        for i, outcome in enumerate(added):
            new_items.extend(outcome_items(outcome, section, start + 2 * i))
        taken = set(outcome_items_qs.values_list("code", flat=True))
        clash = sorted(taken & {it.code for it in new_items})
        if clash:
            raise SurveyError(
                _("Another question already has the code %(code)s.") % {"code": clash[0]}
            )
        Item.objects.bulk_create(new_items)
    top3 = outcome_items_qs.filter(code=TOP3).first()
    if top3 is not None:
        top3.choices = top3_choices(chosen_outcomes(questionnaire))
        top3.save(update_fields=["choices"])
    _audit(
        "questionnaire.outcomes_changed",
        questionnaire,
        actor,
        added=[o.code for o in added],
        removed=[o.code for o in removed],
    )
    return questionnaire


# --- the wave --------------------------------------------------------------------------------


@transaction.atomic
def set_closing_date(wave: Wave, closes_on: datetime.date | None, *, actor=None) -> Wave:
    """The last day answers are accepted (None: no closing date). Never in the past."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if closes_on is not None:
        if closes_on < timezone.localdate():
            raise SurveyError(_("The closing date must be today or in the future."))
        if wave.opens_on and closes_on < wave.opens_on:
            raise SurveyError(
                _("The closing date must be on or after the opening date, %(date)s.")
                % {"date": date_format(wave.opens_on, "j F Y")}
            )
    old = wave.closes_on
    wave.closes_on = closes_on
    wave.save(update_fields=["closes_on"])
    record_audit(
        "wave.closing_date_set",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        old=old.isoformat() if old else None,
        new=closes_on.isoformat() if closes_on else None,
    )
    return wave


# --- creating from the template -------------------------------------------------------------


@transaction.atomic
def create_staff_questionnaire(
    wave: Wave, outcomes: Iterable[OutcomeStatement], *, actor=None
) -> Questionnaire:
    """Version 1 of the wave's staff questionnaire from the template, with the chosen outcomes."""
    outcomes = list(outcomes)
    if wave.questionnaires.filter(audience=Questionnaire.For.STAFF).exists():
        raise SurveyError(_("This wave already has a staff questionnaire."))
    if not outcomes:
        raise SurveyError(_("Choose at least one outcome."))
    check_outcome_codes(outcomes)
    questionnaire = Questionnaire.objects.create(
        wave=wave,
        audience=Questionnaire.For.STAFF,
        version=1,
        title=TITLE,
        introduction=INTRODUCTION,
        privacy_notice=PRIVACY_NOTICE,
    )
    domains = {d.code: d for d in PROCESS_DOMAINS}
    items: list[Item] = []
    order = 0
    for page_title, codes in PROCESS_PAGES:
        section = Section.objects.create(
            questionnaire=questionnaire,
            order=order,
            kind=Section.Kind.PROCESS,
            title=page_title,
            introduction=PROCESS_INTRODUCTION,
        )
        order += 1
        position = 0
        for code in codes:
            for item_code, text in domains[code].items:
                items.append(
                    Item(
                        section=section,
                        order=position,
                        code=item_code,
                        kind=Item.Kind.LIKERT,
                        text=text,
                        scale=Item.Scale.AGREEMENT,
                        required=True,
                        allow_dont_know=True,
                        domain=code,
                    )
                )
                position += 1
    outcomes_section = Section.objects.create(
        questionnaire=questionnaire,
        order=order,
        kind=Section.Kind.OUTCOMES,
        title=OUTCOMES_TITLE,
        introduction=OUTCOMES_INTRODUCTION,
    )
    for i, outcome in enumerate(outcomes):
        items.extend(outcome_items(outcome, outcomes_section, 2 * i))
    items.extend(
        priorities_section(
            questionnaire, order=order + 1, outcomes=outcomes, wording=STAFF_PRIORITIES
        )
    )
    Item.objects.bulk_create(items)
    record_audit(
        "questionnaire.created",
        actor=actor,
        partnership=wave.partnership,
        target=str(questionnaire),
        wave=wave.slug,
        outcomes=[o.code for o in outcomes],
    )
    return questionnaire
