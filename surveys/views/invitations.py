"""Invitations pages of a wave's staff survey (evaluators): the staff list, sending e-mails and
reminders, the open link and deleting e-mail addresses. Thin: the rules are in
surveys.invitations."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poet.models import Wave
from poet.permissions import Access, Right, partnership_view, wave_of
from surveys import invitations as service
from surveys.forms_invitations import StaffListForm
from surveys.models import OpenLink
from surveys.questionnaires import SurveyError, is_accepting_answers
from surveys.staff_list import StaffListError, example_staff_list


def _page_url(access: Access, wave: Wave, name: str = "invitations") -> str:
    return reverse(
        f"surveys:{name}", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


def _job_redirect(access: Access, wave: Wave, job) -> HttpResponse:
    return redirect(
        reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
        + "?next="
        + _page_url(access, wave)
    )


def _render_page(request, access: Access, wave: Wave, form: StaffListForm, status: int = 200):
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "summary": service.invitation_summary(wave),
        "accepting": is_accepting_answers(wave),
        "open_link": OpenLink.objects.filter(wave=wave).first(),
        "reminder_interval_days": service.reminder_interval().days,
        "max_reminders": service.max_reminders(),
    }
    return render(request, "surveys/invitations/index.html", context, status=status)


@partnership_view(Right.EVALUATE)
def invitations(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """The invitations page; a POST uploads a staff list (all of it, or none of it)."""
    w = wave_of(access, wave)
    if request.method != "POST":
        return _render_page(request, access, w, StaffListForm(wave=w))
    form = StaffListForm(request.POST, request.FILES, wave=w)
    if form.is_valid():
        try:
            added = service.add_invitations(w, form.members, actor=request.user)
        except StaffListError as error:
            form.add_error("staff_list", error.problems)
        except SurveyError as error:
            form.add_error("staff_list", str(error))
        else:
            messages.success(
                request, f"{added} {'person' if added == 1 else 'people'} added to the staff list."
            )
            return redirect(_page_url(access, w))
    return _render_page(request, access, w, form)


@partnership_view(Right.EVALUATE)
def example(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """An example staff list with this partnership's organisations and staff groups."""
    w = wave_of(access, wave)
    response = HttpResponse(example_staff_list(w), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff-list-example.csv"'
    return response


@partnership_view(Right.EVALUATE)
def send(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Send the invitation e-mails not yet sent, in the background."""
    w = wave_of(access, wave)
    if request.method != "POST":
        return redirect(_page_url(access, w))
    try:
        job = service.start_sending_invitations(w, user=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(_page_url(access, w))
    return _job_redirect(access, w, job)


@partnership_view(Right.EVALUATE)
def remind(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Remind, now, everyone who has not finished."""
    w = wave_of(access, wave)
    if request.method != "POST":
        return redirect(_page_url(access, w))
    try:
        job = service.start_sending_reminders(w, user=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(_page_url(access, w))
    return _job_redirect(access, w, job)


@partnership_view(Right.EVALUATE)
def open_link(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Make the open link (or a new one) and show it, this once: only its hash is kept."""
    w = wave_of(access, wave)
    if request.method != "POST":
        return redirect(_page_url(access, w))
    try:
        token = service.create_open_link(w, actor=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(_page_url(access, w))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "link": service.open_link_url(token),
    }
    response = render(request, "surveys/invitations/open_link.html", context)
    response["Cache-Control"] = "no-store"
    return response


@partnership_view(Right.EVALUATE)
def open_link_off(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    if request.method == "POST":
        service.deactivate_open_link(w, actor=request.user)
        messages.success(request, "The open link no longer works.")
    return redirect(_page_url(access, w))


@partnership_view(Right.EVALUATE)
def purge(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Delete the e-mail addresses of a closed wave, after a confirmation."""
    w = wave_of(access, wave)
    if request.method == "POST":
        try:
            count = service.purge_emails(w, actor=request.user)
        except SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{count} e-mail address{'' if count == 1 else 'es'} deleted.",
            )
            return redirect(_page_url(access, w))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "closed": w.status == Wave.Status.CLOSED,
        "summary": service.invitation_summary(w),
    }
    return render(request, "surveys/invitations/purge.html", context)
