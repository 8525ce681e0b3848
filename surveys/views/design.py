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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        raise Http404(_("This wave has no staff questionnaire yet."))
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
        message = _(
            "%(message)s Version %(before)s is frozen, so your change is in version "
            "%(after)s, a draft. People who answered keep version %(before)s; "
            "new respondents get it until you publish the changes."
        ) % {"message": message, "before": before.version, "after": after.version}
    return done(request, message, _overview_url(wave) + anchor)


def _position(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("section") or request.POST.get("section") or "")
    except ValueError as e:
        raise Http404(_("No such section.")) from e


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
        messages.info(request, _("This wave already has a staff questionnaire."))
        return redirect(_overview_url(wave))
    queryset = read.available_outcomes(access.partnership)
    defaults = list(queryset.filter(partnership__isnull=True, code__in=DEFAULT_OUTCOME_CODES))
    form = OutcomesForm(
        _data(request),
        queryset=queryset,
        initial={"outcomes": defaults},
        button=_("Create the questionnaire"),
    )
    ran, _result = run_form(
        request,
        form,
        lambda data: design.create_staff_questionnaire(wave, data["outcomes"], actor=request.user),
        refused=SurveyError,
        field="outcomes",
    )
    if ran:
        return done(
            request,
            _(
                "Version 1 of the staff questionnaire is ready. Change anything you like "
                "before you open the wave."
            ),
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
            _("The title, introduction, privacy notice and contact are saved."),
            wave,
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading=_("Title, introduction and privacy notice"),
            lead=_("People read these before the first question."),
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
        return _saved(request, before, after, _("The outcomes are saved."), wave)
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading=_("Choose the outcomes"),
            lead=_(
                "Adding an outcome adds its two questions; removing one removes them. "
                "“Pick the three that matter most” always lists the outcomes chosen here."
            ),
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
            request,
            before,
            changed.section.questionnaire,
            _("Question %(code)s is saved.") % {"code": code},
            wave,
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            item=item,
            heading=_("Change a question"),
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
        messages.info(request, _("Add a section first: every question belongs to a section."))
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
            request,
            before,
            item.section.questionnaire,
            _("Question %(code)s is added.") % {"code": item.code},
            wave,
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading=_("Add a question"),
            lead=_("The question goes at the end of the section you choose; move it after."),
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
            lambda after: _saved(
                request, before, after, _("Question %(code)s is removed.") % {"code": code}, wave
            ),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading=_("Remove this question?"),
            item=item,
            hidden={"code": code},
            button=_("Remove the question"),
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
    what, _sep, rest = value.partition(":")
    direction_name, _sep, target = rest.partition(":")
    direction = {"up": -1, "down": 1}.get(direction_name)

    def moved() -> tuple[Questionnaire, str]:
        if direction is None or not target:
            raise SurveyError(_("Choose what to move."))
        if what == "item":
            after = design.move_item(wave, target, direction, actor=request.user)
            moved_item = (
                _("Question %(code)s is moved up.")
                if direction < 0
                else _("Question %(code)s is moved down.")
            )
            return after, moved_item % {"code": target}
        if what == "section" and target.isdigit():
            after = design.move_section(wave, int(target), direction, actor=request.user)
            return after, (
                _("The section is moved up.") if direction < 0 else _("The section is moved down.")
            )
        raise SurveyError(_("Choose what to move."))

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
    form = SectionForm(_data(request), button=_("Add section"))
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
            request,
            before,
            section.questionnaire,
            _("Section “%(title)s” is added.") % {"title": section.title},
            wave,
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            questionnaire=before,
            heading=_("Add a section"),
            lead=_("Each section is one page of the survey. It goes at the end; move it after."),
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
        return _saved(request, before, changed.questionnaire, _("The section is saved."), wave)
    return _form_page(
        request,
        _context(access, wave, form=form, questionnaire=before, heading=_("Change a section")),
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
                request,
                before,
                after,
                _("Section “%(title)s” is removed.") % {"title": section.title},
                wave,
            ),
        )
    count = section.items.count()
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading=_("Remove this section?"),
            body=ngettext(
                "“%(title)s” and its %(count)s question will be removed.",
                "“%(title)s” and its %(count)s questions will be removed.",
                count,
            )
            % {"title": section.title, "count": count},
            hidden={"section": position},
            button=_("Remove the section"),
            warning=True,
        ),
    )


# --- the wave: publish, open, close, closing date --------------------------------------------


@wave_view(Right.EVALUATE)
def publish(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    questionnaire = _latest_or_404(wave)
    if not read.has_unpublished_changes(wave):
        messages.info(request, _("There are no changes to publish."))
        return redirect(_overview_url(wave))
    if request.method == "POST":
        return _confirmed(
            request,
            wave,
            lambda: publish_changes(questionnaire, actor=request.user),
            lambda _published: done(
                request,
                _(
                    "Version %(version)s is published: new respondents get it from "
                    "now on. Answers already given keep their version."
                )
                % {"version": questionnaire.version},
                _overview_url(wave),
            ),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading=_("Publish version %(version)s?") % {"version": questionnaire.version},
            body=_(
                "New respondents will get version %(version)s from now on, and it "
                "is frozen: later changes make another version. Answers already given keep the "
                "version they were given against."
            )
            % {"version": questionnaire.version},
            button=_("Publish changes"),
        ),
    )


@wave_view(Right.EVALUATE)
def open_(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    questionnaire = latest_questionnaire(wave)
    back = _overview_url(wave) if questionnaire else wave.get_absolute_url()
    if wave.status == Wave.Status.OPEN:
        messages.info(request, _("The wave is already open."))
        return redirect(back)
    if request.method == "POST":
        try:
            open_wave(wave, actor=request.user)
        except SurveyError as e:
            messages.error(request, _("The wave could not open: %(reason)s") % {"reason": e})
            return redirect(back)
        return done(
            request,
            _(
                "The wave is open. Version %(version)s of the questionnaire is "
                "frozen: changes from now on make a new version."
            )
            % {"version": questionnaire.version},
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
            heading=_("Open the wave?"),
            body=(
                _(
                    "Staff with a link can answer from now on until %(date)s. The questionnaire "
                    "is frozen when the wave opens: later changes make a new version, and "
                    "answers always keep the version they were given against."
                )
                % {"date": date_format(wave.closes_on, "j F Y")}
                if wave.closes_on
                else _(
                    "Staff with a link can answer from now on. The questionnaire is frozen when "
                    "the wave opens: later changes make a new version, and answers always keep "
                    "the version they were given against."
                )
            ),
            button=_("Open the wave"),
        ),
    )


@wave_view(Right.EVALUATE)
def close(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    if wave.status != Wave.Status.OPEN:
        messages.info(request, _("The wave is not open."))
        return redirect(wave.get_absolute_url())
    if request.method == "POST":
        close_wave(wave, actor=request.user)
        return done(
            request,
            _("The wave is closed: no more answers are accepted."),
            wave.get_absolute_url(),
        )
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            wave,
            heading=_("Close the wave?"),
            body=_(
                "No more answers will be accepted, and the questionnaire can no longer change. "
                "Answers already submitted are kept."
            ),
            button=_("Close the wave"),
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
            _("The wave closes at the end of %(date)s.")
            % {"date": date_format(changed.closes_on, "j F Y")}
            if changed.closes_on
            else _("The wave has no closing date."),
            changed.get_absolute_url(),
        )
    return _form_page(
        request,
        _context(
            access,
            wave,
            form=form,
            heading=_("Closing date"),
            lead=_("Answers are accepted until the end of this day; after it the wave closes."),
        ),
    )
