"""The follow-up schedule pages of a wave: /p/<partnership>/waves/<wave>/follow-up/...

Thin views: every rule lives in `outcomes.services` (schedule, follow-up questionnaire, guides)
and every read in `outcomes.selectors`. Reading needs Right.VIEW (progress only with
Right.EVALUATE); every change needs Right.EVALUATE.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from outcomes.forms.schedule import ChosenOutcomeForm, MethodsForm, SessionForm
from outcomes.models import FollowUpSchedule, FollowUpSession
from outcomes.selectors import schedule as selectors
from outcomes.selectors.follow_up_questionnaire import (
    is_up_to_date,
    latest_follow_up,
    live_follow_up,
)
from outcomes.services import schedule as services
from outcomes.services.follow_up_questionnaire import create_follow_up_questionnaire
from outcomes.services.guides import GuideKind, download_guide, filename
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form
from surveys.errors import SurveyError

ERRORS = (services.ScheduleError, SurveyError)


def _url(wave: Wave, name: str = "schedule", **kwargs) -> str:
    return reverse(
        f"outcomes:{name}",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, **kwargs},
    )


def _context(access: Access, wave: Wave, **extra) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, **extra}


def _schedule_or_404(wave: Wave) -> FollowUpSchedule:
    schedule = selectors.schedule_of(wave)
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


def _session_or_404(request: HttpRequest, schedule: FollowUpSchedule) -> FollowUpSession:
    found = selectors.session_of(schedule, _pk(request, "session"))
    if found is None:
        raise Http404("No such session.")
    return found


def _refuse_if_closed(request: HttpRequest, schedule: FollowUpSchedule) -> HttpResponse | None:
    if schedule.status == FollowUpSchedule.Status.CLOSED:
        messages.info(request, _("The follow-up is closed: it can no longer change."))
        return redirect(_url(schedule.wave))
    return None


# --- the schedule page -------------------------------------------------------------------------


@wave_view(Right.VIEW)
def schedule(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = selectors.schedule_of(wave)
    context = _context(access, wave, schedule=s, can_change=access.can(Right.EVALUATE))
    if s is not None:
        questionnaire = latest_follow_up(wave)
        context.update(
            methods=selectors.method_labels(s),
            chosen=list(selectors.chosen_outcomes(s)),
            sessions=list(selectors.sessions_of(s)),
            questionnaire=questionnaire,
            live=live_follow_up(wave),
            up_to_date=is_up_to_date(s, questionnaire),
            editable=s.status != FollowUpSchedule.Status.CLOSED,
        )
        if access.can(Right.EVALUATE):
            context["progress"] = selectors.progress(s)
    return render(request, "outcomes/schedule/overview.html", context)


@wave_view(Right.EVALUATE)
def create(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    if request.method != "POST":
        return redirect(_url(wave))
    existed = selectors.schedule_of(wave) is not None
    services.create_schedule(wave, actor=request.user)
    if not existed:
        messages.success(
            request,
            _(
                "The follow-up schedule is created. Choose its methods and outcomes, then add "
                "sessions."
            ),
        )
    return redirect(_url(wave))


@wave_view(Right.EVALUATE)
def methods(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    if refused := _refuse_if_closed(request, s):
        return refused
    form = MethodsForm(_data(request), initial={"methods": s.methods})
    saved, _saved = run_form(
        request,
        form,
        lambda data: services.set_methods(s, data["methods"], actor=request.user),
        refused=ERRORS,
        field="methods",
    )
    if saved:
        return done(request, _("The methods are saved."), _url(wave))
    return _form_page(request, _context(access, wave, schedule=s, form=form, heading=_("Methods")))


# --- chosen outcomes ---------------------------------------------------------------------------


@wave_view(Right.EVALUATE)
def add_outcome(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    if refused := _refuse_if_closed(request, s):
        return refused
    choosable = selectors.choosable_outcomes(s)
    # Nothing left to choose: say so, rather than a form whose only answer is an error.
    form = ChosenOutcomeForm(_data(request) if choosable else None, outcomes=choosable)
    added, chosen = run_form(
        request,
        form,
        lambda data: services.add_chosen_outcome(
            s, data["outcome"], reason=data["reason"], note=data["note"], actor=request.user
        ),
        refused=ERRORS,
        field="outcome",
    )
    if added:
        if chosen is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return done(
            request,
            _("%(code)s is added to the follow-up.") % {"code": chosen.outcome.code},
            _url(wave),
        )
    context = _context(
        access,
        wave,
        schedule=s,
        form=form,
        heading=_("Add an outcome to the follow-up"),
        lead=_(
            "Service users and carers will be asked how important it is to them and how far "
            "the service has achieved it for them, on the same scales as staff."
        ),
        empty=""
        if choosable
        else _(
            "Every outcome statement of the partnership is already in the follow-up. To ask "
            "about a new one, adopt a proposal from staff or service users on the shortlist page."
        ),
    )
    return _form_page(request, context)


@wave_view(Right.EVALUATE)
def remove_outcome(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    c = selectors.chosen_outcome_of(s, _pk(request, "chosen"))
    if c is None:
        raise Http404("No such chosen outcome.")
    if refused := _refuse_if_closed(request, s):
        return refused
    if request.method == "POST":
        try:
            services.remove_chosen_outcome(c, actor=request.user)
        except ERRORS as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request, _("%(code)s is removed from the follow-up.") % {"code": c.outcome.code}
            )
        return redirect(_url(wave))
    context = _context(
        access,
        wave,
        schedule=s,
        heading=_("Remove this outcome from the follow-up?"),
        body=f"{c.outcome.text} ({c.outcome.code})",
        button=_("Remove the outcome"),
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
    saved, _saved = run_form(
        request,
        form,
        lambda data: services.save_session(s, data, session=session, actor=request.user),
        refused=ERRORS,
        field="method",
    )
    if saved:
        return done(request, _("The session is saved."), _url(w) + "#sessions")
    heading = _("Change the session") if session else _("Add a session")
    return _form_page(request, _context(access, w, schedule=s, form=form, heading=heading))


@wave_view(Right.EVALUATE)
def add_session(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    if refused := _refuse_if_closed(request, s):
        return refused
    return _session_page(request, access, wave, s)


@wave_view(Right.EVALUATE)
def edit_session(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    found = _session_or_404(request, s)
    if refused := _refuse_if_closed(request, s):
        return refused
    return _session_page(request, access, wave, s, found)


@wave_view(Right.EVALUATE)
def remove_session(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    found = _session_or_404(request, s)
    if refused := _refuse_if_closed(request, s):
        return refused
    if request.method == "POST":
        try:
            services.remove_session(found, actor=request.user)
        except ERRORS as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The session is removed."))
        return redirect(_url(wave) + "#sessions")
    context = _context(
        access,
        wave,
        schedule=s,
        heading=_("Remove this session?"),
        body=_("%(session)s. Answers already collected in it are kept.") % {"session": found},
        button=_("Remove the session"),
        warning=True,
    )
    return _confirm(request, context)


# --- questionnaire, opening and closing --------------------------------------------------------


@wave_view(Right.EVALUATE)
def generate_questionnaire(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    if request.method != "POST":
        return redirect(_url(wave))
    before = latest_follow_up(wave)
    try:
        q = create_follow_up_questionnaire(s, actor=request.user)
    except ERRORS as e:
        messages.error(request, str(e))
    else:
        if before is not None and before.is_frozen:
            messages.success(
                request,
                _(
                    "Version %(version)s of the questionnaire is ready. People who already "
                    "answered keep version %(before)s."
                )
                % {"version": q.version, "before": before.version},
            )
        else:
            messages.success(
                request,
                _("Version %(version)s of the questionnaire is ready.") % {"version": q.version},
            )
    return redirect(_url(wave) + "#questionnaire")


@wave_view(Right.EVALUATE)
def open_schedule(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    error = None
    if request.method == "POST":
        try:
            q = services.open_schedule(s, actor=request.user)
        except ERRORS as e:
            error = str(e)
        else:
            return done(
                request,
                _(
                    "The follow-up is open. Version %(version)s of the questionnaire is frozen: "
                    "changing the outcomes now makes a new version."
                )
                % {"version": q.version},
                _url(wave),
            )
    context = _context(
        access,
        wave,
        schedule=s,
        heading=_("Open the follow-up?"),
        body=_(
            "The questionnaire for service users and carers is brought up to date with the "
            "chosen outcomes and frozen, so everyone answers the same questions."
        ),
        button=_("Open the follow-up"),
        error=error,
    )
    return _confirm(request, context)


@wave_view(Right.EVALUATE)
def close_schedule(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    s = _schedule_or_404(wave)
    error = None
    if request.method == "POST":
        try:
            services.close_schedule(s, actor=request.user)
        except ERRORS as e:
            error = str(e)
        else:
            return done(
                request,
                _(
                    "The follow-up is closed. The comparison of staff and service users' "
                    "answers starts now."
                ),
                _url(wave),
            )
    context = _context(
        access,
        wave,
        schedule=s,
        heading=_("Close the follow-up?"),
        body=_(
            "No more answers are collected, and the comparison of staff and service users' "
            "answers runs. A closed follow-up cannot be opened again."
        ),
        button=_("Close the follow-up"),
        warning=True,
        error=error,
    )
    return _confirm(request, context)


# --- guides ------------------------------------------------------------------------------------


@wave_view(Right.VIEW)
def guide(request: HttpRequest, access: Access, wave: Wave, kind: str) -> HttpResponse:
    s = _schedule_or_404(wave)
    try:
        guide_kind = GuideKind(kind)
    except ValueError as e:
        raise Http404("No such guide.") from e
    pdf = download_guide(s, guide_kind, actor=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(s, guide_kind)}"'
    return response
