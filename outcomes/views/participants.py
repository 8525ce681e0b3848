"""Participants pages of a wave's follow-up (evaluators): register with consent, record consent,
make a link to answer by themselves, withdraw. Thin: the rules are in
`outcomes.services.participants`, the reads in `outcomes.selectors.participants`."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from outcomes.forms.participants import ConsentForm, ParticipantForm
from outcomes.models import FollowUpSchedule, Participant
from outcomes.selectors import participants as selectors
from outcomes.selectors.responses import shown_answers
from outcomes.selectors.schedule import schedule_of as schedule_of_wave
from outcomes.services import participants as service
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form


def schedule_of(wave: Wave) -> FollowUpSchedule:
    schedule = schedule_of_wave(wave)
    if schedule is None:
        raise Http404("This wave has no follow-up yet.")
    return schedule


def participant_of(schedule: FollowUpSchedule, code: str) -> Participant:
    participant = selectors.participant_of(schedule, code)
    if participant is None:
        raise Http404("No such participant.")
    return participant


def page_url(access: Access, wave: Wave, name: str = "participants", **kwargs) -> str:
    return reverse(
        f"outcomes:{name}",
        kwargs={"partnership": access.partnership.slug, "wave": wave.slug, **kwargs},
    )


def base_context(access: Access, wave: Wave, schedule: FollowUpSchedule) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, "schedule": schedule}


def _refusal(check, *args) -> str:
    """What a participant rule says against going on, or "" when nothing does."""
    try:
        check(*args)
    except service.ParticipantError as error:
        return str(error)
    return ""


@wave_view(Right.EVALUATE)
def participants(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Everyone taking part, and a form to register the next one under a new code."""
    schedule = schedule_of(wave)
    form = ParticipantForm(request.POST or None, schedule=schedule)
    registered, participant = run_form(
        request,
        form,
        lambda data: service.register_participant(
            schedule,
            audience=data["audience"],
            user_group=data["user_group"],
            consent_given_on=data.get("consent_given_on"),
            consent_method=data.get("consent_method") or "",
            actor=request.user,
        ),
        refused=service.ParticipantError,
    )
    if registered:
        if participant is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return done(
            request,
            f"{participant.code} is registered.",
            page_url(access, wave, "participant", code=participant.code),
        )
    context = base_context(access, wave, schedule) | {
        "form": form,
        "participants": selectors.participants_of(schedule),
        "has_user_groups": selectors.has_user_groups(access.partnership),
    }
    return render(request, "outcomes/participants/index.html", context)


@wave_view(Right.EVALUATE)
def participant(request: HttpRequest, access: Access, wave: Wave, code: str) -> HttpResponse:
    """One participant: consent, their answers so far, and what can be done next."""
    schedule = schedule_of(wave)
    person = participant_of(schedule, code)
    form = ConsentForm(request.POST or None)
    recorded, _ = run_form(
        request,
        form,
        lambda data: service.record_consent(
            person,
            given_on=data["consent_given_on"],
            method=data["consent_method"],
            actor=request.user,
        ),
        refused=service.ParticipantError,
    )
    if recorded:
        return done(
            request,
            f"Consent of {person.code} is recorded.",
            page_url(access, wave, "participant", code=person.code),
        )
    answers = selectors.answer_set_of(person)
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "form": form,
        "cannot_answer": _refusal(service.check_can_answer, person),
        "not_collecting": _refusal(service.check_collecting, schedule),
        "answers": answers,
        "shown_answers": shown_answers(answers.response, easy_read=answers.easy_read)
        if answers is not None
        else [],
        "links": selectors.links_of(person),
    }
    return render(request, "outcomes/participants/participant.html", context)


@wave_view(Right.EVALUATE)
def link(request: HttpRequest, access: Access, wave: Wave, code: str) -> HttpResponse:
    """Make a link for the participant to answer by themselves, and show it this once."""
    schedule = schedule_of(wave)
    person = participant_of(schedule, code)
    back = page_url(access, wave, "participant", code=person.code)
    if request.method != "POST":
        return redirect(back)
    try:
        token = service.create_link(person, actor=request.user)
    except service.ParticipantError as error:
        messages.error(request, str(error))
        return redirect(back)
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "link": service.participant_link_url(token),
    }
    response = render(request, "outcomes/participants/link.html", context)
    response["Cache-Control"] = "no-store"
    return response


@wave_view(Right.EVALUATE)
def withdraw(request: HttpRequest, access: Access, wave: Wave, code: str) -> HttpResponse:
    """Withdraw a participant after a confirmation: their answers are deleted."""
    schedule = schedule_of(wave)
    person = participant_of(schedule, code)
    if request.method == "POST" and not person.withdrawn_on:
        deleted = service.withdraw(person, actor=request.user)
        return done(
            request,
            f"{person.code} has withdrawn. {deleted} set{'' if deleted == 1 else 's'} of answers "
            "deleted.",
            page_url(access, wave, "participant", code=person.code),
        )
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "response_count": selectors.response_count(person),
    }
    return render(request, "outcomes/participants/withdraw.html", context)
