"""Participants pages of a wave's follow-up (evaluators): register with consent, record consent,
make a link to answer by themselves, withdraw. Thin: the rules are in outcomes.participants."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from outcomes import participants as service
from outcomes.forms_participants import ConsentForm, ParticipantForm
from outcomes.models import FollowUpSchedule, Participant, ParticipantResponse
from poet.models import Wave
from poet.permissions import Access, Right, partnership_view, wave_of


def schedule_of(wave: Wave) -> FollowUpSchedule:
    schedule = FollowUpSchedule.objects.filter(wave=wave).select_related("wave").first()
    if schedule is None:
        raise Http404("This wave has no follow-up yet.")
    return schedule


def participant_of(schedule: FollowUpSchedule, code: str) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("user_group", "consent_recorded_by"),
        schedule=schedule,
        code=code,
    )


def page_url(access: Access, wave: Wave, name: str = "participants", **kwargs) -> str:
    return reverse(
        f"outcomes:{name}",
        kwargs={"partnership": access.partnership.slug, "wave": wave.slug, **kwargs},
    )


def base_context(access: Access, wave: Wave, schedule: FollowUpSchedule) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, "schedule": schedule}


@partnership_view(Right.EVALUATE)
def participants(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Everyone taking part, and a form to register the next one under a new code."""
    w = wave_of(access, wave)
    schedule = schedule_of(w)
    form = ParticipantForm(request.POST or None, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        try:
            participant = service.register_participant(
                schedule,
                audience=form.cleaned_data["audience"],
                user_group=form.cleaned_data["user_group"],
                consent_given_on=form.cleaned_data.get("consent_given_on"),
                consent_method=form.cleaned_data.get("consent_method") or "",
                actor=request.user,
            )
        except service.ParticipantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{participant.code} is registered.")
            return redirect(page_url(access, w, "participant", code=participant.code))
    people = (
        Participant.objects.filter(schedule=schedule)
        .select_related("user_group")
        .prefetch_related("responses")
        .order_by("code")
    )
    context = base_context(access, w, schedule) | {
        "form": form,
        "participants": people,
        "has_user_groups": access.partnership.user_groups.exists(),
    }
    return render(request, "outcomes/participants/index.html", context)


@partnership_view(Right.EVALUATE)
def participant(request: HttpRequest, access: Access, wave: str, code: str) -> HttpResponse:
    """One participant: consent, their answers so far, and what can be done next."""
    w = wave_of(access, wave)
    schedule = schedule_of(w)
    person = participant_of(schedule, code)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_consent(
                person,
                given_on=form.cleaned_data["consent_given_on"],
                method=form.cleaned_data["consent_method"],
                actor=request.user,
            )
        except service.ParticipantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Consent of {person.code} is recorded.")
            return redirect(page_url(access, w, "participant", code=person.code))
    try:
        service.check_can_answer(person)
        cannot_answer = ""
    except service.ParticipantError as error:
        cannot_answer = str(error)
    try:
        service.check_collecting(schedule)
        not_collecting = ""
    except service.ParticipantError as error:
        not_collecting = str(error)
    context = base_context(access, w, schedule) | {
        "participant": person,
        "form": form,
        "cannot_answer": cannot_answer,
        "not_collecting": not_collecting,
        "answers": ParticipantResponse.objects.filter(participant=person)
        .select_related("response", "session")
        .order_by("response__submitted_on", "pk"),
        "links": person.links.order_by("-created_at"),
    }
    return render(request, "outcomes/participants/participant.html", context)


@partnership_view(Right.EVALUATE)
def link(request: HttpRequest, access: Access, wave: str, code: str) -> HttpResponse:
    """Make a link for the participant to answer by themselves, and show it this once."""
    w = wave_of(access, wave)
    schedule = schedule_of(w)
    person = participant_of(schedule, code)
    if request.method != "POST":
        return redirect(page_url(access, w, "participant", code=person.code))
    try:
        token = service.create_link(person, actor=request.user)
    except service.ParticipantError as error:
        messages.error(request, str(error))
        return redirect(page_url(access, w, "participant", code=person.code))
    context = base_context(access, w, schedule) | {
        "participant": person,
        "link": service.participant_link_url(token),
    }
    response = render(request, "outcomes/participants/link.html", context)
    response["Cache-Control"] = "no-store"
    return response


@partnership_view(Right.EVALUATE)
def withdraw(request: HttpRequest, access: Access, wave: str, code: str) -> HttpResponse:
    """Withdraw a participant after a confirmation: their answers are deleted."""
    w = wave_of(access, wave)
    schedule = schedule_of(w)
    person = participant_of(schedule, code)
    if request.method == "POST" and not person.withdrawn_on:
        deleted = service.withdraw(person, actor=request.user)
        messages.success(
            request,
            f"{person.code} has withdrawn. {deleted} set{'' if deleted == 1 else 's'} of answers "
            "deleted.",
        )
        return redirect(page_url(access, w, "participant", code=person.code))
    context = base_context(access, w, schedule) | {
        "participant": person,
        "response_count": person.responses.count(),
    }
    return render(request, "outcomes/participants/withdraw.html", context)
