"""Answers captured by an evaluator: assisted entry for one participant (the whole follow-up
questionnaire on one page) and the upload of a DESIGN §5 CSV of answers collected elsewhere (a
large one imported by a background job). Thin: the rules are in `outcomes.services.capture`,
`outcomes.services.participants` and `outcomes.services.imports`."""

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.forms.capture import EntryOptionsForm, ImportForm
from outcomes.selectors.participants import answer_set_of
from outcomes.selectors.responses import raw_answers
from outcomes.services import capture as service
from outcomes.services.imports import (
    ImportRefused,
    import_answers,
    imported_message,
    in_background,
    start_import,
)
from outcomes.services.participants import ParticipantError, check_can_answer, check_collecting
from outcomes.views.participants import base_context, page_url, participant_of, schedule_of
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from surveys.forms.answering import SectionForm
from surveys.services.answering import TEXT_LIMIT


def _option_errors(form: EntryOptionsForm) -> list[tuple[str, str]]:
    targets = {"entry_session": "id_entry_session", "entry_wording": "id_entry_wording_1"}
    # An ErrorList's items read as messages (its __getitem__ turns a ValidationError into its
    # text); the stubs type them as ValidationError | str.
    return [
        (targets.get(name, "entry-options"), message)
        for name, errors in form.errors.items()
        for message in cast("list[str]", errors)
    ]


def _based_on(data) -> int | None:
    """The response the evaluator's form started from (the hidden field), None for a blank one."""
    value = data.get("based_on", "")
    return int(value) if value.isdigit() else None


@wave_view(Right.EVALUATE)
def assisted_entry(request: HttpRequest, access: Access, wave: Wave, code: str) -> HttpResponse:
    """Enter what a participant answered in an interview or a focus group, all on one page."""
    schedule = schedule_of(wave)
    person = participant_of(schedule, code)
    back = redirect(page_url(access, wave, "participant", code=person.code))
    try:
        check_can_answer(person)
        questionnaire = check_collecting(schedule)
    except ParticipantError as error:
        messages.error(request, str(error))
        return back
    sections = service.assisted_sections(questionnaire)
    entered = answer_set_of(person)  # their one response: a second entry corrects it
    data = request.POST if request.method == "POST" else None
    wording = request.GET.get("wording")
    if wording not in ("standard", "easy_read"):
        wording = "easy_read" if entered is not None and entered.easy_read else "standard"
    options = EntryOptionsForm(
        data,
        schedule=schedule,
        initial={
            "entry_wording": wording,
            "entry_session": entered.session_id if entered is not None else None,
        },
    )
    if data is not None:
        easy_read = data.get("entry_wording") == "easy_read"
    else:
        easy_read = wording == "easy_read"
    current = entered.response_id if entered is not None else None
    raw = raw_answers(entered.response) if entered is not None else {}
    forms = [SectionForm(s, data, answers=raw, easy_read=easy_read) for s in sections]
    errors: list[tuple[str, str]] = []
    conflict = False
    if data is not None:
        options_ok = options.is_valid()
        sections_ok = all([f.is_valid() for f in forms])
        if options_ok and sections_ok:
            answers: dict = {}
            for form in forms:
                answers.update(form.answer_values())
            try:
                service.enter_answers(
                    person,
                    questionnaire,
                    answers,
                    session=options.cleaned_data.get("entry_session"),
                    easy_read=options.easy_read,
                    based_on=_based_on(data),
                    actor=request.user,
                )
            except ParticipantError as error:
                errors.append(("entry-options", str(error)))
                conflict = _based_on(data) != current
                if conflict:
                    # Someone else saved meanwhile: show what is stored now, to change again.
                    forms = [SectionForm(s, answers=raw, easy_read=easy_read) for s in sections]
            else:
                messages.success(
                    request,
                    (
                        _("The answers of %(code)s are corrected.")
                        if entered is not None
                        else _("The answers of %(code)s are saved.")
                    )
                    % {"code": person.code},
                )
                return back
        errors = _option_errors(options) + errors
        for form in forms:
            errors.extend(form.error_list())
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "questionnaire": questionnaire,
        "options": options,
        "sections": [{"section": f.section, "blocks": f.blocks()} for f in forms],
        "errors": errors,
        "easy_read": easy_read,
        "entered": entered,
        "based_on": current if data is None or conflict else _based_on(data),
        "text_limit": TEXT_LIMIT,
    }
    return render(request, "outcomes/capture/assisted.html", context)


@wave_view(Right.EVALUATE)
def import_page(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Upload answers collected elsewhere: all of the file is stored, or none of it."""
    schedule = schedule_of(wave)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["answers_file"]
        if in_background(upload.size):
            job = start_import(wave, upload, actor=request.user)
            job_url = reverse(
                "job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk}
            )
            back = page_url(access, wave, "import_answers")
            return redirect(f"{job_url}?{urlencode({'next': back})}")
        try:
            result = import_answers(access.partnership.slug, wave.slug, upload, actor=request.user)
        except ImportRefused as refused:
            problems = list(refused.messages)
            count = refused.problems
            form.add_error(
                "answers_file",
                ngettext(
                    "The file has %(count)s problem, listed at the top of the page: nothing was "
                    "stored",
                    "The file has %(count)s problems, listed at the top of the page: nothing was "
                    "stored",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.success(request, imported_message(result))
            return redirect(page_url(access, wave, "import_answers"))
    context = base_context(access, wave, schedule) | {"form": form, "problems": problems}
    return render(request, "outcomes/capture/import.html", context)
