"""The follow-up schedule pages of a wave: /p/<partnership>/waves/<wave>/follow-up/...

Thin views: every rule lives in `outcomes.schedule`, `outcomes.questionnaire` and
`outcomes.guides`. Reading needs Right.VIEW (progress only with Right.EVALUATE); every change
needs Right.EVALUATE.
"""

import time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from outcomes import schedule as services
from outcomes.forms_schedule import ChosenOutcomeForm, MethodsForm, SessionForm
from outcomes.guides import GuideKind, filename, render_guide
from outcomes.models import ChosenOutcome, FollowUpSchedule, FollowUpSession
from outcomes.questionnaire import (
    FOLLOW_UP,
    create_follow_up_questionnaire,
    is_up_to_date,
)
from poet.models import Wave
from poet.permissions import Access, Right, partnership_view, wave_of
from poet.services import record_audit
from surveys.questionnaires import SurveyError, latest_questionnaire, live_questionnaire

ERRORS = (services.ScheduleError, SurveyError)


def _url(wave: Wave, name: str = "schedule", **kwargs) -> str:
    return reverse(
        f"outcomes:{name}",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, **kwargs},
    )


def _context(access: Access, wave: Wave, **extra) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, **extra}


def _schedule_or_404(wave: Wave) -> FollowUpSchedule:
    schedule = services.schedule_of(wave)
    if schedule is None:
        raise Http404("This wave has no follow-up schedule yet.")
    return schedule


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "outcomes/schedule/form_page.html", context)


def _confirm(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "outcomes/schedule/confirm.html", context)


def _pk(request: HttpRequest, name: str) -> int:
    """The id of a session or chosen outcome, from the query string or the posted form."""
    try:
        return int(request.GET.get(name) or request.POST.get(name) or "")
    except ValueError as e:
        raise Http404(f"No such {name}.") from e


def _refuse_if_closed(request: HttpRequest, schedule: FollowUpSchedule) -> HttpResponse | None:
    if schedule.status == FollowUpSchedule.Status.CLOSED:
        messages.info(request, "The follow-up is closed: it can no longer change.")
        return redirect(_url(schedule.wave))
    return None


# --- the schedule page -------------------------------------------------------------------------


@partnership_view(Right.VIEW)
def schedule(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = services.schedule_of(w)
    context = _context(access, w, schedule=s, can_change=access.can(Right.EVALUATE))
    if s is not None:
        questionnaire = latest_questionnaire(w, FOLLOW_UP)
        context.update(
            methods=services.method_labels(s),
            chosen=list(services.chosen_outcomes(s)),
            sessions=list(s.sessions.all()),
            questionnaire=questionnaire,
            live=live_questionnaire(w, FOLLOW_UP),
            up_to_date=is_up_to_date(s, questionnaire),
            editable=s.status != FollowUpSchedule.Status.CLOSED,
        )
        if access.can(Right.EVALUATE):
            context["progress"] = services.progress(s)
    return render(request, "outcomes/schedule/overview.html", context)


@partnership_view(Right.EVALUATE)
def create(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    if request.method != "POST":
        return redirect(_url(w))
    existed = services.schedule_of(w) is not None
    services.create_schedule(w, actor=request.user)
    if not existed:
        messages.success(
            request,
            "The follow-up schedule is created. Choose its methods and outcomes, then add "
            "sessions.",
        )
    return redirect(_url(w))


@partnership_view(Right.EVALUATE)
def methods(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    if refused := _refuse_if_closed(request, s):
        return refused
    form = MethodsForm(_data(request), initial={"methods": s.methods})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_methods(s, form.cleaned_data["methods"], actor=request.user)
        except ERRORS as e:
            form.add_error("methods", str(e))
        else:
            messages.success(request, "The methods are saved.")
            return redirect(_url(w))
    return _form_page(request, _context(access, w, schedule=s, form=form, heading="Methods"))


# --- chosen outcomes ---------------------------------------------------------------------------


@partnership_view(Right.EVALUATE)
def add_outcome(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    if refused := _refuse_if_closed(request, s):
        return refused
    choosable = services.choosable_outcomes(s)
    # Nothing left to choose: say so, rather than a form whose only answer is an error.
    form = ChosenOutcomeForm(_data(request) if choosable else None, outcomes=choosable)
    if request.method == "POST" and choosable and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_chosen_outcome(
                s, data["outcome"], reason=data["reason"], note=data["note"], actor=request.user
            )
        except ERRORS as e:
            form.add_error("outcome", str(e))
        else:
            messages.success(request, f"{data['outcome'].code} is added to the follow-up.")
            return redirect(_url(w))
    context = _context(
        access,
        w,
        schedule=s,
        form=form,
        heading="Add an outcome to the follow-up",
        lead="Service users and carers will be asked how important it is to them and how far "
        "the service has achieved it for them, on the same scales as staff.",
        empty=""
        if choosable
        else "Every outcome statement of the partnership is already in the follow-up. To ask "
        "about a new one, adopt a proposal from staff or service users on the shortlist page.",
    )
    return _form_page(request, context)


@partnership_view(Right.EVALUATE)
def remove_outcome(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    c = get_object_or_404(
        ChosenOutcome.objects.select_related("outcome"), pk=_pk(request, "chosen"), schedule=s
    )
    if refused := _refuse_if_closed(request, s):
        return refused
    if request.method == "POST":
        try:
            services.remove_chosen_outcome(c, actor=request.user)
        except ERRORS as e:
            messages.error(request, str(e))
        else:
            messages.success(request, f"{c.outcome.code} is removed from the follow-up.")
        return redirect(_url(w))
    context = _context(
        access,
        w,
        schedule=s,
        heading="Remove this outcome from the follow-up?",
        body=f"{c.outcome.text} ({c.outcome.code})",
        button="Remove the outcome",
        warning=True,
    )
    return _confirm(request, context)


# --- sessions ----------------------------------------------------------------------------------


def _session_page(
    request: HttpRequest, access: Access, w: Wave, s: FollowUpSchedule, session=None
) -> HttpResponse:
    initial = SessionForm.initial_for(session) if session else {}
    if session is None and len(s.methods) == 1:
        initial["method"] = s.methods[0]
    form = SessionForm(_data(request), initial=initial, methods_in_use=s.methods)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(s, form.cleaned_data, session=session, actor=request.user)
        except ERRORS as e:
            form.add_error("method", str(e))
        else:
            messages.success(request, "The session is saved.")
            return redirect(_url(w) + "#sessions")
    heading = "Change the session" if session else "Add a session"
    return _form_page(request, _context(access, w, schedule=s, form=form, heading=heading))


@partnership_view(Right.EVALUATE)
def add_session(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    if refused := _refuse_if_closed(request, s):
        return refused
    return _session_page(request, access, w, s)


@partnership_view(Right.EVALUATE)
def edit_session(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    found = get_object_or_404(FollowUpSession, pk=_pk(request, "session"), schedule=s)
    if refused := _refuse_if_closed(request, s):
        return refused
    return _session_page(request, access, w, s, found)


@partnership_view(Right.EVALUATE)
def remove_session(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    found = get_object_or_404(FollowUpSession, pk=_pk(request, "session"), schedule=s)
    if refused := _refuse_if_closed(request, s):
        return refused
    if request.method == "POST":
        try:
            services.remove_session(found, actor=request.user)
        except ERRORS as e:
            messages.error(request, str(e))
        else:
            messages.success(request, "The session is removed.")
        return redirect(_url(w) + "#sessions")
    context = _context(
        access,
        w,
        schedule=s,
        heading="Remove this session?",
        body=f"{found}. Answers already collected in it are kept.",
        button="Remove the session",
        warning=True,
    )
    return _confirm(request, context)


# --- questionnaire, opening and closing --------------------------------------------------------


@partnership_view(Right.EVALUATE)
def generate_questionnaire(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    if request.method != "POST":
        return redirect(_url(w))
    before = latest_questionnaire(w, FOLLOW_UP)
    try:
        q = create_follow_up_questionnaire(s, actor=request.user)
    except ERRORS as e:
        messages.error(request, str(e))
    else:
        if before is not None and before.is_frozen:
            messages.success(
                request,
                f"Version {q.version} of the questionnaire is ready. People who already "
                f"answered keep version {before.version}.",
            )
        else:
            messages.success(request, f"Version {q.version} of the questionnaire is ready.")
    return redirect(_url(w) + "#questionnaire")


@partnership_view(Right.EVALUATE)
def open_schedule(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    error = None
    if request.method == "POST":
        try:
            q = services.open_schedule(s, actor=request.user)
        except ERRORS as e:
            error = str(e)
        else:
            messages.success(
                request,
                f"The follow-up is open. Version {q.version} of the questionnaire is frozen: "
                "changing the outcomes now makes a new version.",
            )
            return redirect(_url(w))
    context = _context(
        access,
        w,
        schedule=s,
        heading="Open the follow-up?",
        body="The questionnaire for service users and carers is brought up to date with the "
        "chosen outcomes and frozen, so everyone answers the same questions.",
        button="Open the follow-up",
        error=error,
    )
    return _confirm(request, context)


@partnership_view(Right.EVALUATE)
def close_schedule(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    error = None
    if request.method == "POST":
        try:
            services.close_schedule(s, actor=request.user)
        except ERRORS as e:
            error = str(e)
        else:
            messages.success(
                request,
                "The follow-up is closed. The comparison of staff and service users' answers "
                "starts now.",
            )
            return redirect(_url(w))
    context = _context(
        access,
        w,
        schedule=s,
        heading="Close the follow-up?",
        body="No more answers are collected, and the comparison of staff and service users' "
        "answers runs. A closed follow-up cannot be opened again.",
        button="Close the follow-up",
        warning=True,
        error=error,
    )
    return _confirm(request, context)


# --- guides ------------------------------------------------------------------------------------


@partnership_view(Right.VIEW)
def guide(request: HttpRequest, access: Access, wave: str, kind: str) -> HttpResponse:
    w = wave_of(access, wave)
    s = _schedule_or_404(w)
    try:
        guide_kind = GuideKind(kind)
    except ValueError as e:
        raise Http404("No such guide.") from e
    started = time.monotonic()
    pdf = render_guide(s, guide_kind)
    record_audit(
        "guide.downloaded",
        actor=request.user,
        partnership=access.partnership,
        target=str(s),
        wave=w.slug,
        guide=guide_kind.value,
        seconds=round(time.monotonic() - started, 3),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(s, guide_kind)}"'
    return response
