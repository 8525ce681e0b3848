"""The evaluator's questionnaire pages: create from the template, edit, reorder, open and close.

Views are thin: every rule lives in `surveys.services` (design, opening) and every read in
`surveys.selectors`. Items are addressed by their stable code and sections by position (query
parameters), so the same link works whichever version is being edited.
"""

from typing import Protocol, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poet.library import DEFAULT_OUTCOME_CODES
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form
from surveys.errors import SurveyError
from surveys.forms.design import (
    AddItemForm,
    ClosingDateForm,
    ItemForm,
    OutcomesForm,
    SectionForm,
    TextsForm,
)
from surveys.models import Item, Questionnaire
from surveys.selectors import design as read
from surveys.selectors.questionnaire_versions import latest_questionnaire, live_questionnaire
from surveys.selectors.translations import language_statuses, questionnaire_texts
from surveys.services import design
from surveys.services.opening import close_wave, open_wave, publish_changes


def _overview_url(wave: Wave) -> str:
    return reverse(
        "surveys:design", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def _context(access: Access, wave: Wave, **extra) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, **extra}


def _latest_or_404(wave: Wave) -> Questionnaire:
    questionnaire = latest_questionnaire(wave)
    if questionnaire is None:
        raise Http404("This wave has no staff questionnaire yet.")
    return questionnaire


def _saved(
    request: HttpRequest,
    before: Questionnaire,
    after: Questionnaire,
    message: str,
    wave: Wave,
    anchor: str = "",
) -> HttpResponse:
    """Say what changed, plainly when the change went into a new version, and go back to the
    overview."""
    if after.version != before.version:
        message = (
            f"{message} Version {before.version} is frozen, so your change is in version "
            f"{after.version}, a draft. People who answered keep version {before.version}; "
            f"new respondents get it until you publish the changes."
        )
    return done(request, message, _overview_url(wave) + anchor)


def _position(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("section") or request.POST.get("section") or "")
    except ValueError as e:
        raise Http404("No such section.") from e


def _data(request: HttpRequest):
    """The posted data, even when empty (an empty form must still be validated)."""
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "surveys/design/form_page.html", context)


class _Moves(Protocol):
    """What `_with_moves` sets on an item for the template."""

    movable: bool
    moves_pair: bool
    can_move_up: bool
    can_move_down: bool


def _with_moves(items: list[Item]) -> list[Item]:
    """Mark which items get move buttons: an outcome's pair moves as one, from its first item."""
    blocks: list[list[Item]] = []
    for item in items:
        if blocks and item.outcome_id and blocks[-1][0].outcome_id == item.outcome_id:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    for i, block in enumerate(blocks):
        for item in block:
            marked = cast(_Moves, item)  # the item, with what the overview's template reads
            marked.movable = item is block[0]
            marked.moves_pair = len(block) > 1
            marked.can_move_up = i > 0
            marked.can_move_down = i < len(blocks) - 1
    return items


# --- overview and creation -------------------------------------------------------------------


@wave_view(Right.EVALUATE)
def overview(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    questionnaire = latest_questionnaire(wave)
    if questionnaire is None:
        return redirect("surveys:create", partnership=access.partnership.slug, wave=wave.slug)
    sections = [
        (position, section, _with_moves(list(section.items.select_related("outcome"))))
        for position, section in enumerate(read.sections_of(questionnaire), start=1)
    ]
    live = live_questionnaire(wave)
    context = _context(
        access,
        wave,
        questionnaire=questionnaire,
        sections=sections,
        live=live,
        editable=wave.status != Wave.Status.CLOSED,
        unpublished=read.has_unpublished_changes(wave),
        outcomes=read.chosen_outcomes(questionnaire),
        item_count=sum(len(items) for _, _, items in sections),
    )
    return render(request, "surveys/design/overview.html", context)


@wave_view(Right.EVALUATE)
def create(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    if latest_questionnaire(wave) is not None:
        messages.info(request, "This wave already has a staff questionnaire.")
        return redirect(_overview_url(wave))
    queryset = read.available_outcomes(access.partnership)
    defaults = list(queryset.filter(partnership__isnull=True, code__in=DEFAULT_OUTCOME_CODES))
    form = OutcomesForm(
        _data(request),
        queryset=queryset,
        initial={"outcomes": defaults},
        button="Create the questionnaire",
    )
    ran, _ = run_form(
        request,
        form,
        lambda data: design.create_staff_questionnaire(wave, data["outcomes"], actor=request.user),
        refused=SurveyError,
        field="outcomes",
    )
    if ran:
        return done(
            request,
            "Version 1 of the staff questionnaire is ready. Change anything you like "
            "before you open the wave.",
            _overview_url(wave),
        )
    return render(request, "surveys/design/create.html", _context(access, wave, form=form))


# --- questionnaire texts, outcomes -----------------------------------------------------------


@wave_view(Right.EVALUATE)
def edit_texts(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    form = TextsForm(
        _data(request),
        initial={
            "title": before.title,
            "introduction": before.introduction,
            "privacy_notice": before.privacy_notice,
            "contact": before.contact,
        },
    )
    ran, after = run_form(
        request,
        form,
        lambda data: design.update_texts(wave, **data, actor=request.user),
        refused=SurveyError,
    )
    if ran:
        if after is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return _saved(
            request,
            before,
            after,
            "The title, introduction, privacy notice and contact are saved.",
            wave,
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading="Title, introduction and privacy notice",
            lead="People read these before the first question.",
        ),
    )


@wave_view(Right.EVALUATE)
def outcomes(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    form = OutcomesForm(
        _data(request),
        queryset=read.available_outcomes(access.partnership),
        initial={"outcomes": read.chosen_outcomes(before)},
    )
    ran, after = run_form(
        request,
        form,
        lambda data: design.set_outcomes(wave, data["outcomes"], actor=request.user),
        refused=SurveyError,
        field="outcomes",
    )
    if ran:
        if after is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return _saved(request, before, after, "The outcomes are saved.", wave)
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading="Choose the outcomes",
            lead="Adding an outcome adds its two questions; removing one removes them. "
            "“Pick the three that matter most” always lists the outcomes chosen here.",
        ),
    )


# --- items -----------------------------------------------------------------------------------


def _item_or_404(questionnaire: Questionnaire, code: str) -> Item:
    try:
        return read.item_with_code(questionnaire, code)
    except SurveyError as e:
        raise Http404(str(e)) from e


@wave_view(Right.EVALUATE)
def edit_item(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    code = request.GET.get("code", "")
    item = _item_or_404(before, code)
    form = ItemForm(
        _data(request),
        item=item,
        initial={
            "text": item.text,
            "help_text": item.help_text,
            "required": item.required,
            "allow_dont_know": item.allow_dont_know,
        },
    )

    def change(data: dict) -> Item:
        return design.update_item(
            wave,
            code,
            text=data["text"],
            help_text=data["help_text"],
            required=data["required"],
            allow_dont_know=data.get("allow_dont_know", False),
            **{
                name: data[name]
                for name in ("choices", "max_choices", "min_value", "max_value")
                if name in data
            },
            actor=request.user,
        )

    ran, changed = run_form(request, form, change, refused=SurveyError)
    if ran:
        if changed is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return _saved(
            request, before, changed.section.questionnaire, f"Question {code} is saved.", wave
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            item=item,
            heading="Change a question",
        ),
    )


@wave_view(Right.EVALUATE)
def add_item(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    sections = read.sections_of(before)
    codes = read.item_codes(before)
    initial = {"scale": Item.Scale.AGREEMENT, "allow_dont_know": True}
    if request.GET.get("section", "").isdigit():
        initial["section"] = int(request.GET["section"])
    form = AddItemForm(_data(request), sections=sections, existing_codes=codes, initial=initial)
    if not sections:
        messages.info(request, "Add a section first: every question belongs to a section.")
        return redirect("surveys:add_section", partnership=access.partnership.slug, wave=wave.slug)

    def add(data: dict) -> Item:
        return design.add_item(
            wave,
            data["section"],
            code=data["code"],
            kind=data["kind"],
            text=data["text"],
            help_text=data["help_text"],
            required=data["required"],
            allow_dont_know=data["allow_dont_know"],
            scale=data["scale"],
            choices=data["choices"],
            max_choices=data["max_choices"],
            min_value=data["min_value"],
            max_value=data["max_value"],
            actor=request.user,
        )

    ran, item = run_form(request, form, add, refused=SurveyError)
    if ran:
        if item is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return _saved(
            request, before, item.section.questionnaire, f"Question {item.code} is added.", wave
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading="Add a question",
            lead="The question goes at the end of the section you choose; move it after.",
        ),
    )


def _confirmed(request: HttpRequest, wave: Wave, action, saved) -> HttpResponse:
    """A confirmed POST of a page without a form: run the service; its refusal is an error
    message on the overview, its success `saved(result)`."""
    try:
        result = action()
    except SurveyError as e:
        messages.error(request, str(e))
        return redirect(_overview_url(wave))
    return saved(result)


@wave_view(Right.EVALUATE)
def remove_item(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    code = request.GET.get("code") or request.POST.get("code", "")
    item = _item_or_404(before, code)
    if request.method == "POST":
        return _confirmed(
            request,
            wave,
            lambda: design.remove_item(wave, code, actor=request.user),
            lambda after: _saved(request, before, after, f"Question {code} is removed.", wave),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading="Remove this question?",
            item=item,
            hidden={"code": code},
            button="Remove the question",
            warning=True,
        ),
    )


@wave_view(Right.EVALUATE)
def move(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Move buttons of the overview: `item=<code>` or `section=<position>`, `direction`."""
    if request.method != "POST":
        return redirect(_overview_url(wave))
    before = _latest_or_404(wave)
    value = request.POST.get("move", "")
    what, _, rest = value.partition(":")
    direction_name, _, target = rest.partition(":")
    direction = {"up": -1, "down": 1}.get(direction_name)

    def moved() -> tuple[Questionnaire, str]:
        if direction is None or not target:
            raise SurveyError("Choose what to move.")
        if what == "item":
            after = design.move_item(wave, target, direction, actor=request.user)
            return after, f"Question {target} is moved {direction_name}."
        if what == "section" and target.isdigit():
            after = design.move_section(wave, int(target), direction, actor=request.user)
            return after, f"The section is moved {direction_name}."
        raise SurveyError("Choose what to move.")

    def saved(result: tuple[Questionnaire, str]) -> HttpResponse:
        anchor = f"#item-{target}" if what == "item" else ""
        return _saved(request, before, *result, wave, anchor)

    return _confirmed(request, wave, moved, saved)


# --- sections --------------------------------------------------------------------------------


def _section_or_404(questionnaire: Questionnaire, position: int):
    try:
        return read.section_at(questionnaire, position)
    except SurveyError as e:
        raise Http404(str(e)) from e


@wave_view(Right.EVALUATE)
def add_section(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    form = SectionForm(_data(request), button="Add section")
    ran, section = run_form(
        request,
        form,
        lambda data: design.add_section(wave, **data, actor=request.user),
        refused=SurveyError,
    )
    if ran:
        if section is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return _saved(
            request, before, section.questionnaire, f"Section “{section.title}” is added.", wave
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading="Add a section",
            lead="Each section is one page of the survey. It goes at the end; move it after.",
        ),
    )


@wave_view(Right.EVALUATE)
def edit_section(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    position = _position(request)
    section = _section_or_404(before, position)
    form = SectionForm(
        _data(request),
        initial={"title": section.title, "introduction": section.introduction},
    )
    ran, changed = run_form(
        request,
        form,
        lambda data: design.update_section(wave, position, **data, actor=request.user),
        refused=SurveyError,
    )
    if ran:
        if changed is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return _saved(request, before, changed.questionnaire, "The section is saved.", wave)
    return _form_page(
        request,
        _context(access, wave, form=form, questionnaire=before, heading="Change a section"),
    )


@wave_view(Right.EVALUATE)
def remove_section(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    before = _latest_or_404(wave)
    position = _position(request)
    section = _section_or_404(before, position)
    if request.method == "POST":
        return _confirmed(
            request,
            wave,
            lambda: design.remove_section(wave, position, actor=request.user),
            lambda after: _saved(
                request, before, after, f"Section “{section.title}” is removed.", wave
            ),
        )
    count = section.items.count()
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading="Remove this section?",
            body=f"“{section.title}” and its {count} question{'s' if count != 1 else ''} will "
            "be removed.",
            hidden={"section": position},
            button="Remove the section",
            warning=True,
        ),
    )


# --- the wave: publish, open, close, closing date --------------------------------------------


@wave_view(Right.EVALUATE)
def publish(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    questionnaire = _latest_or_404(wave)
    if not read.has_unpublished_changes(wave):
        messages.info(request, "There are no changes to publish.")
        return redirect(_overview_url(wave))
    if request.method == "POST":
        return _confirmed(
            request,
            wave,
            lambda: publish_changes(questionnaire, actor=request.user),
            lambda _: done(
                request,
                f"Version {questionnaire.version} is published: new respondents get it from "
                "now on. Answers already given keep their version.",
                _overview_url(wave),
            ),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading=f"Publish version {questionnaire.version}?",
            body=f"New respondents will get version {questionnaire.version} from now on, and it "
            "is frozen: later changes make another version. Answers already given keep the "
            "version they were given against.",
            button="Publish changes",
        ),
    )


@wave_view(Right.EVALUATE)
def open_(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    questionnaire = latest_questionnaire(wave)
    back = _overview_url(wave) if questionnaire else wave.get_absolute_url()
    if wave.status == Wave.Status.OPEN:
        messages.info(request, "The wave is already open.")
        return redirect(back)
    if request.method == "POST":
        try:
            open_wave(wave, actor=request.user)
        except SurveyError as e:
            messages.error(request, f"The wave could not open: {e}")
            return redirect(back)
        return done(
            request,
            f"The wave is open. Version {questionnaire.version} of the questionnaire is "
            "frozen: changes from now on make a new version.",
            back,
        )
    texts = questionnaire_texts(questionnaire) if questionnaire is not None else []
    untranslated = [s for s in language_statuses(wave, texts) if not s.complete]
    if untranslated:  # say what is missing rather than offer a button that will refuse
        return render(
            request,
            "surveys/languages/cannot_open.html",
            _context(access, wave, statuses=untranslated),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading="Open the wave?",
            body="Staff with a link can answer from now on"
            + (f" until {wave.closes_on:%-d %B %Y}" if wave.closes_on else "")
            + ". The questionnaire is frozen when the wave opens: later changes make a new "
            "version, and answers always keep the version they were given against.",
            button="Open the wave",
        ),
    )


@wave_view(Right.EVALUATE)
def close(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    if wave.status != Wave.Status.OPEN:
        messages.info(request, "The wave is not open.")
        return redirect(wave.get_absolute_url())
    if request.method == "POST":
        close_wave(wave, actor=request.user)
        return done(
            request,
            "The wave is closed: no more answers are accepted.",
            wave.get_absolute_url(),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading="Close the wave?",
            body="No more answers will be accepted, and the questionnaire can no longer change. "
            "Answers already submitted are kept.",
            button="Close the wave",
            warning=True,
        ),
    )


@wave_view(Right.EVALUATE)
def closing_date(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    form = ClosingDateForm(_data(request), initial={"closes_on": wave.closes_on})
    ran, changed = run_form(
        request,
        form,
        lambda data: design.set_closing_date(wave, data["closes_on"], actor=request.user),
        refused=SurveyError,
        field="closes_on",
    )
    if ran:
        if changed is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return done(
            request,
            f"The wave closes at the end of {changed.closes_on:%-d %B %Y}."
            if changed.closes_on
            else "The wave has no closing date.",
            changed.get_absolute_url(),
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            heading="Closing date",
            lead="Answers are accepted until the end of this day; after it the wave closes.",
        ),
    )
