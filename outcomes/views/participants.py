"""Participants pages of a wave's follow-up (evaluators): the register (search, filters, pages,
CSV), register with consent, record consent, make a link to answer by themselves (to copy, as a
QR code and a printable letter), withdraw. Thin: the rules are in
`outcomes.services.participants`, the reads in `outcomes.selectors.participants`."""

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.forms.participants import ConsentForm, LinkForm, ParticipantForm, RegisterFilterForm
from outcomes.models import FollowUpSchedule, Participant
from outcomes.selectors import participants as selectors
from outcomes.selectors.responses import shown_answers
from outcomes.selectors.schedule import chosen_statements
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


PAGE_SIZE = 50


def _page_links(page, query: dict) -> list[dict]:
    """The GOV.UK pagination items: the first, last, current and its neighbours, with an
    ellipsis for each gap; every address keeps the filters."""
    count, current = page.paginator.num_pages, page.number
    shown = sorted({1, count, current - 1, current, current + 1} & set(range(1, count + 1)))
    items: list[dict] = []
    for number in shown:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append(
            {"number": number, "current": number == current, "url": _with(query, page=number)}
        )
    return items


def _with(query: dict, **changes) -> str:
    kept = {k: v for k, v in (query | changes).items() if v not in ("", None)}
    return "?" + urlencode(kept) if kept else "?"


@wave_view(Right.EVALUATE)
def participants(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The register: search, filters and pages of everyone taking part, its CSV, and a form to
    register the next participant under a new code."""
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
            session=data.get("session"),
            actor=request.user,
        ),
        refused=service.ParticipantError,
    )
    if registered:
        if participant is None:  # run_form returns None only when the action did not run
            raise ValueError("The form's action ran but returned nothing")
        return done(
            request,
            _("%(code)s is registered.") % {"code": participant.code},
            page_url(access, wave, "participant", code=participant.code),
        )
    narrowed = RegisterFilterForm(request.GET, schedule=schedule).narrowed
    # Shown unbound: a value no longer offered (an old bookmark) narrows nothing and is no error.
    filters = RegisterFilterForm(initial=narrowed.__dict__, schedule=schedule)
    query = {
        "code": narrowed.code,
        "session": narrowed.session,
        "audience": narrowed.audience,
        "status": narrowed.status,
    }
    paginator = Paginator(selectors.register(schedule, narrowed), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    sessions = selectors.session_labels(schedule)
    for row in page.object_list:
        row.session_label = sessions.get(row.register_session_id, "")
        row.status_label = selectors.STATUS_LABELS[row.status]
    context = base_context(access, wave, schedule) | {
        "form": form,
        "filters": filters,
        "narrowed": narrowed,
        "page": page,
        "rows": page.object_list,
        "page_links": _page_links(page, query) if paginator.num_pages > 1 else [],
        "previous_url": _with(query, page=page.number - 1) if page.has_previous() else "",
        "next_url": _with(query, page=page.number + 1) if page.has_next() else "",
        "export_url": page_url(access, wave, "participants_export") + _with(query),
        "registered": selectors.registered_count(schedule),
        "has_user_groups": selectors.has_user_groups(access.partnership),
    }
    return render(request, "outcomes/participants/index.html", context)


@wave_view(Right.EVALUATE)
def export(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The register (as filtered on its page) as a CSV file: codes, audience, session, consent
    and status, never answers."""
    schedule = schedule_of(wave)
    narrowed = RegisterFilterForm(request.GET, schedule=schedule).narrowed
    text = service.export_register(
        schedule,
        selectors.register(schedule, narrowed),
        sessions=selectors.session_labels(schedule),
        filters=narrowed.__dict__,
        actor=request.user,
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"participants-{access.partnership.slug}-{wave.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@wave_view(Right.EVALUATE)
def participant(request: HttpRequest, access: Access, wave: Wave, code: str) -> HttpResponse:
    """One participant: consent, their answers so far, and what can be done next."""
    schedule = schedule_of(wave)
    person = participant_of(schedule, code)
    form = ConsentForm(request.POST or None)
    recorded, _recorded = run_form(
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
            _("Consent of %(code)s is recorded.") % {"code": person.code},
            page_url(access, wave, "participant", code=person.code),
        )
    answers = selectors.answer_set_of(person)
    links = list(selectors.links_of(person))
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "form": form,
        "cannot_answer": _refusal(service.check_can_answer, person),
        "not_collecting": _refusal(service.check_collecting, schedule),
        "answers": answers,
        "shown_answers": shown_answers(answers.response, easy_read=answers.easy_read)
        if answers is not None
        else [],
        "links": links,
        "live_link": any(not (k.used_on or k.replaced_on) for k in links),
        "link_form": LinkForm(initial={"contact": _contact_of(request.user)}),
    }
    return render(request, "outcomes/participants/participant.html", context)


def _contact_of(user) -> str:
    """The letter's default contact: the evaluator making the link, by name and work e-mail."""
    name = user.get_full_name() or user.get_username()
    return f"{name}, {user.email}" if user.email else name


def qr_code_svg(url: str) -> str:
    """The link as a QR code, inline SVG drawn by segno (no image request, no script)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, dark="#0b0c0c", light="#ffffff", omitsize=True)
    # An image of its own: the page's text alternative names it, the SVG itself is decoration.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@wave_view(Right.EVALUATE)
def link(request: HttpRequest, access: Access, wave: Wave, code: str) -> HttpResponse:
    """Make a link for the participant to answer by themselves (their earlier link stops
    working), and show it this once: to copy, as a QR code, and as a letter to print."""
    schedule = schedule_of(wave)
    person = participant_of(schedule, code)
    back = page_url(access, wave, "participant", code=person.code)
    if request.method != "POST":
        return redirect(back)
    form = LinkForm(request.POST)
    contact = form.cleaned_data.get("contact", "") if form.is_valid() else ""
    try:
        token = service.create_link(person, actor=request.user)
    except service.ParticipantError as error:
        messages.error(request, str(error))
        return redirect(back)
    url = service.participant_link_url(token)
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "link": url,
        "qr_code": mark_safe(qr_code_svg(url)),  # noqa: S308 (segno's own SVG, no user text)
        "contact": contact,
        "outcomes": chosen_statements(schedule),
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
            ngettext(
                "%(code)s has withdrawn. %(count)s set of answers deleted.",
                "%(code)s has withdrawn. %(count)s sets of answers deleted.",
                deleted,
            )
            % {"code": person.code, "count": deleted},
            page_url(access, wave, "participant", code=person.code),
        )
    context = base_context(access, wave, schedule) | {
        "participant": person,
        "response_count": selectors.response_count(person),
    }
    return render(request, "outcomes/participants/withdraw.html", context)
