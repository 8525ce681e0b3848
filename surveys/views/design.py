"""The evaluator's questionnaire pages: create from the template, edit, reorder, open and close.

Views are thin: every rule lives in `surveys.design`, `surveys.template` and
`surveys.questionnaires`. Items are addressed by their stable code and sections by position (query
parameters), so the same link works whichever version is being edited.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poet.library import DEFAULT_OUTCOME_CODES
from poet.models import Wave
from poet.permissions import Access, Right, partnership_view, wave_of
from surveys import design
from surveys.forms_design import (
    AddItemForm,
    ClosingDateForm,
    ItemForm,
    OutcomesForm,
    SectionForm,
    TextsForm,
)
from surveys.models import Item, Questionnaire
from surveys.questionnaires import (
    SurveyError,
    close_wave,
    latest_questionnaire,
    live_questionnaire,
    open_wave,
    publish_changes,
)
from surveys.template import create_staff_questionnaire


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


def _saved(request: HttpRequest, before: Questionnaire, after: Questionnaire, done: str) -> None:
    """Say what changed, and say so plainly when the change went into a new version."""
    if after.version != before.version:
        messages.success(
            request,
            f"{done} Version {before.version} is frozen, so your change is in version "
            f"{after.version}, a draft. People who answered keep version {before.version}; "
            f"new respondents get it until you publish the changes.",
        )
    else:
        messages.success(request, done)


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
            item.movable = item is block[0]
            item.moves_pair = len(block) > 1
            item.can_move_up = i > 0
            item.can_move_down = i < len(blocks) - 1
    return items


# --- overview and creation -------------------------------------------------------------------


@partnership_view(Right.EVALUATE)
def overview(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    questionnaire = latest_questionnaire(w)
    if questionnaire is None:
        return redirect("surveys:create", partnership=access.partnership.slug, wave=w.slug)
    sections = [
        (position, section, _with_moves(list(section.items.select_related("outcome"))))
        for position, section in enumerate(design.sections_of(questionnaire), start=1)
    ]
    live = live_questionnaire(w)
    context = _context(
        access,
        w,
        questionnaire=questionnaire,
        sections=sections,
        live=live,
        editable=w.status != Wave.Status.CLOSED,
        unpublished=design.has_unpublished_changes(w),
        outcomes=design.chosen_outcomes(questionnaire),
        item_count=sum(len(items) for _, _, items in sections),
    )
    return render(request, "surveys/design/overview.html", context)


@partnership_view(Right.EVALUATE)
def create(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    if latest_questionnaire(w) is not None:
        messages.info(request, "This wave already has a staff questionnaire.")
        return redirect(_overview_url(w))
    queryset = design.available_outcomes(access.partnership)
    defaults = list(queryset.filter(partnership__isnull=True, code__in=DEFAULT_OUTCOME_CODES))
    form = OutcomesForm(
        _data(request),
        queryset=queryset,
        initial={"outcomes": defaults},
        button="Create the questionnaire",
    )
    if request.method == "POST" and form.is_valid():
        try:
            create_staff_questionnaire(w, form.cleaned_data["outcomes"], actor=request.user)
        except SurveyError as e:
            form.add_error("outcomes", str(e))
        else:
            messages.success(
                request,
                "Version 1 of the staff questionnaire is ready. Change anything you like "
                "before you open the wave.",
            )
            return redirect(_overview_url(w))
    return render(request, "surveys/design/create.html", _context(access, w, form=form))


# --- questionnaire texts, outcomes -----------------------------------------------------------


@partnership_view(Right.EVALUATE)
def edit_texts(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    form = TextsForm(
        _data(request),
        initial={
            "title": before.title,
            "introduction": before.introduction,
            "privacy_notice": before.privacy_notice,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            after = design.update_texts(w, **form.cleaned_data, actor=request.user)
        except SurveyError as e:
            form.add_error(None, str(e))
        else:
            _saved(request, before, after, "The title, introduction and privacy notice are saved.")
            return redirect(_overview_url(w))
    return _form_page(
        request,
        _context(
            access,
            w,
            form=form,
            questionnaire=before,
            heading="Title, introduction and privacy notice",
            lead="People read these before the first question.",
        ),
    )


@partnership_view(Right.EVALUATE)
def outcomes(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    form = OutcomesForm(
        _data(request),
        queryset=design.available_outcomes(access.partnership),
        initial={"outcomes": design.chosen_outcomes(before)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            after = design.set_outcomes(w, form.cleaned_data["outcomes"], actor=request.user)
        except SurveyError as e:
            form.add_error("outcomes", str(e))
        else:
            _saved(request, before, after, "The outcomes are saved.")
            return redirect(_overview_url(w))
    return _form_page(
        request,
        _context(
            access,
            w,
            form=form,
            questionnaire=before,
            heading="Choose the outcomes",
            lead="Adding an outcome adds its two questions; removing one removes them. "
            "“Pick the three that matter most” always lists the outcomes chosen here.",
        ),
    )


# --- items -----------------------------------------------------------------------------------


@partnership_view(Right.EVALUATE)
def edit_item(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    code = request.GET.get("code", "")
    try:
        item = design.item_with_code(before, code)
    except SurveyError as e:
        raise Http404(str(e)) from e
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
    if request.method == "POST" and form.is_valid():
        try:
            after = design.update_item(
                w,
                code,
                text=form.cleaned_data["text"],
                help_text=form.cleaned_data["help_text"],
                required=form.cleaned_data["required"],
                allow_dont_know=form.cleaned_data.get("allow_dont_know", False),
                **{
                    name: form.cleaned_data[name]
                    for name in ("choices", "max_choices", "min_value", "max_value")
                    if name in form.cleaned_data
                },
                actor=request.user,
            )
        except SurveyError as e:
            form.add_error(None, str(e))
        else:
            _saved(request, before, after.section.questionnaire, f"Question {code} is saved.")
            return redirect(_overview_url(w))
    return _form_page(
        request,
        _context(
            access,
            w,
            form=form,
            questionnaire=before,
            item=item,
            heading="Change a question",
        ),
    )


@partnership_view(Right.EVALUATE)
def add_item(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    sections = design.sections_of(before)
    codes = Item.objects.filter(section__questionnaire=before).values_list("code", flat=True)
    initial = {"scale": Item.Scale.AGREEMENT, "allow_dont_know": True}
    if request.GET.get("section", "").isdigit():
        initial["section"] = int(request.GET["section"])
    form = AddItemForm(_data(request), sections=sections, existing_codes=codes, initial=initial)
    if not sections:
        messages.info(request, "Add a section first: every question belongs to a section.")
        return redirect("surveys:add_section", partnership=access.partnership.slug, wave=w.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = design.add_item(
                w,
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
        except SurveyError as e:
            form.add_error(None, str(e))
        else:
            _saved(request, before, item.section.questionnaire, f"Question {item.code} is added.")
            return redirect(_overview_url(w))
    return _form_page(
        request,
        _context(
            access,
            w,
            form=form,
            questionnaire=before,
            heading="Add a question",
            lead="The question goes at the end of the section you choose; move it after.",
        ),
    )


@partnership_view(Right.EVALUATE)
def remove_item(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    code = request.GET.get("code") or request.POST.get("code", "")
    try:
        item = design.item_with_code(before, code)
    except SurveyError as e:
        raise Http404(str(e)) from e
    if request.method == "POST":
        try:
            after = design.remove_item(w, code, actor=request.user)
        except SurveyError as e:
            messages.error(request, str(e))
        else:
            _saved(request, before, after, f"Question {code} is removed.")
        return redirect(_overview_url(w))
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            w,
            heading="Remove this question?",
            item=item,
            hidden={"code": code},
            button="Remove the question",
            warning=True,
        ),
    )


@partnership_view(Right.EVALUATE)
def move(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Move buttons of the overview: `item=<code>` or `section=<position>`, `direction`."""
    w = wave_of(access, wave)
    if request.method != "POST":
        return redirect(_overview_url(w))
    before = _latest_or_404(w)
    value = request.POST.get("move", "")
    what, _, rest = value.partition(":")
    direction_name, _, target = rest.partition(":")
    direction = {"up": -1, "down": 1}.get(direction_name)
    try:
        if direction is None or not target:
            raise SurveyError("Choose what to move.")
        if what == "item":
            after = design.move_item(w, target, direction, actor=request.user)
            done = f"Question {target} is moved {direction_name}."
        elif what == "section" and target.isdigit():
            after = design.move_section(w, int(target), direction, actor=request.user)
            done = f"The section is moved {direction_name}."
        else:
            raise SurveyError("Choose what to move.")
    except SurveyError as e:
        messages.error(request, str(e))
        return redirect(_overview_url(w))
    _saved(request, before, after, done)
    anchor = f"#item-{target}" if what == "item" else ""
    return redirect(_overview_url(w) + anchor)


# --- sections --------------------------------------------------------------------------------


@partnership_view(Right.EVALUATE)
def add_section(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    form = SectionForm(_data(request), button="Add section")
    if request.method == "POST" and form.is_valid():
        try:
            section = design.add_section(w, **form.cleaned_data, actor=request.user)
        except SurveyError as e:
            form.add_error(None, str(e))
        else:
            _saved(request, before, section.questionnaire, f"Section “{section.title}” is added.")
            return redirect(_overview_url(w))
    return _form_page(
        request,
        _context(
            access,
            w,
            form=form,
            questionnaire=before,
            heading="Add a section",
            lead="Each section is one page of the survey. It goes at the end; move it after.",
        ),
    )


@partnership_view(Right.EVALUATE)
def edit_section(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    position = _position(request)
    try:
        section = design.section_at(before, position)
    except SurveyError as e:
        raise Http404(str(e)) from e
    form = SectionForm(
        _data(request),
        initial={"title": section.title, "introduction": section.introduction},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = design.update_section(w, position, **form.cleaned_data, actor=request.user)
        except SurveyError as e:
            form.add_error(None, str(e))
        else:
            _saved(request, before, changed.questionnaire, "The section is saved.")
            return redirect(_overview_url(w))
    return _form_page(
        request,
        _context(access, w, form=form, questionnaire=before, heading="Change a section"),
    )


@partnership_view(Right.EVALUATE)
def remove_section(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    before = _latest_or_404(w)
    position = _position(request)
    try:
        section = design.section_at(before, position)
    except SurveyError as e:
        raise Http404(str(e)) from e
    if request.method == "POST":
        try:
            after = design.remove_section(w, position, actor=request.user)
        except SurveyError as e:
            messages.error(request, str(e))
        else:
            _saved(request, before, after, f"Section “{section.title}” is removed.")
        return redirect(_overview_url(w))
    count = section.items.count()
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            w,
            heading="Remove this section?",
            body=f"“{section.title}” and its {count} question{'s' if count != 1 else ''} will "
            "be removed.",
            hidden={"section": position},
            button="Remove the section",
            warning=True,
        ),
    )


# --- the wave: publish, open, close, closing date --------------------------------------------


@partnership_view(Right.EVALUATE)
def publish(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    questionnaire = _latest_or_404(w)
    if not design.has_unpublished_changes(w):
        messages.info(request, "There are no changes to publish.")
        return redirect(_overview_url(w))
    if request.method == "POST":
        try:
            publish_changes(questionnaire, actor=request.user)
        except SurveyError as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request,
                f"Version {questionnaire.version} is published: new respondents get it from "
                "now on. Answers already given keep their version.",
            )
        return redirect(_overview_url(w))
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            w,
            heading=f"Publish version {questionnaire.version}?",
            body=f"New respondents will get version {questionnaire.version} from now on, and it "
            "is frozen: later changes make another version. Answers already given keep the "
            "version they were given against.",
            button="Publish changes",
        ),
    )


@partnership_view(Right.EVALUATE)
def open_(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    questionnaire = latest_questionnaire(w)
    if w.status == Wave.Status.OPEN:
        messages.info(request, "The wave is already open.")
        return redirect(_overview_url(w) if questionnaire else w.get_absolute_url())
    if request.method == "POST":
        try:
            open_wave(w, actor=request.user)
        except SurveyError as e:
            messages.error(request, f"The wave could not open: {e}")
        else:
            messages.success(
                request,
                f"The wave is open. Version {questionnaire.version} of the questionnaire is "
                "frozen: changes from now on make a new version.",
            )
        return redirect(_overview_url(w) if questionnaire else w.get_absolute_url())
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            w,
            heading="Open the wave?",
            body="Staff with a link can answer from now on"
            + (f" until {w.closes_on:%-d %B %Y}" if w.closes_on else "")
            + ". The questionnaire is frozen when the wave opens: later changes make a new "
            "version, and answers always keep the version they were given against.",
            button="Open the wave",
        ),
    )


@partnership_view(Right.EVALUATE)
def close(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    if w.status != Wave.Status.OPEN:
        messages.info(request, "The wave is not open.")
        return redirect(w.get_absolute_url())
    if request.method == "POST":
        close_wave(w, actor=request.user)
        messages.success(request, "The wave is closed: no more answers are accepted.")
        return redirect(w.get_absolute_url())
    return render(
        request,
        "surveys/design/confirm.html",
        _context(
            access,
            w,
            heading="Close the wave?",
            body="No more answers will be accepted, and the questionnaire can no longer change. "
            "Answers already submitted are kept.",
            button="Close the wave",
            warning=True,
        ),
    )


@partnership_view(Right.EVALUATE)
def closing_date(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    form = ClosingDateForm(_data(request), initial={"closes_on": w.closes_on})
    if request.method == "POST" and form.is_valid():
        try:
            w = design.set_closing_date(w, form.cleaned_data["closes_on"], actor=request.user)
        except SurveyError as e:
            form.add_error("closes_on", str(e))
        else:
            messages.success(
                request,
                f"The wave closes at the end of {w.closes_on:%-d %B %Y}."
                if w.closes_on
                else "The wave has no closing date.",
            )
            return redirect(w.get_absolute_url())
    return _form_page(
        request,
        _context(
            access,
            w,
            form=form,
            heading="Closing date",
            lead="Answers are accepted until the end of this day; after it the wave closes.",
        ),
    )
