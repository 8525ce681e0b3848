"""Invitations pages of a wave's staff survey (evaluators): the staff list, sending e-mails and
reminders, the open link and deleting e-mail addresses. Thin: the rules are in
`surveys.services.invitations`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from surveys.errors import SurveyError
from surveys.forms.invitations import AddPersonForm, OpenLinkForm, StaffListForm
from surveys.models import OpenLink
from surveys.selectors.headcounts import awaiting_total, open_link_is_full, recorded_headcounts
from surveys.selectors.invitations import invitation_summary, open_link_of, staff_list
from surveys.selectors.opening import is_accepting_answers, is_closed
from surveys.services import invitations as service
from surveys.services.staff_list import StaffListError, example_staff_list


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
    link = open_link_of(wave)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "summary": invitation_summary(wave),
        "accepting": is_accepting_answers(wave),
        "open_link": link,
        "open_link_full": link is not None and open_link_is_full(link),
        "awaiting": awaiting_total(wave),
        "reminder_interval_days": service.reminder_interval().days,
        "max_reminders": service.max_reminders(),
        "reminder_hour": service.reminder_hour(),
        "sending": service.sending_now(wave),
    }
    return render(request, "surveys/invitations/index.html", context, status=status)


@wave_view(Right.EVALUATE)
def invitations(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The invitations page; a POST uploads a staff list (all of it, or none of it)."""
    if request.method != "POST":
        return _render_page(request, access, wave, StaffListForm(wave=wave))
    form = StaffListForm(request.POST, request.FILES, wave=wave)
    if form.is_valid():
        try:
            added = service.add_invitations(wave, form.members, actor=request.user)
        except StaffListError as error:
            form.add_error("staff_list", error.problems)
        except SurveyError as error:
            form.add_error("staff_list", str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person added to the staff list.",
                    "%(count)s people added to the staff list.",
                    added,
                )
                % {"count": added},
            )
            return redirect(_page_url(access, wave))
    return _render_page(request, access, wave, form)


@wave_view(Right.EVALUATE)
def add_person(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Put one member of staff on the staff list by hand."""
    form = AddPersonForm(request.POST or None, wave=wave)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = service.add_person(
                wave,
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                staff_group=form.cleaned_data["staff_group"],
                actor=request.user,
            )
        except SurveyError as error:
            form.add_error("email", str(error))
        else:
            added = (
                _("%(email)s added to the staff list. Send their invitation below.")
                if is_accepting_answers(wave)
                else _("%(email)s added to the staff list.")
            )
            messages.success(request, added % {"email": invitation.email})
            return redirect(_page_url(access, wave) + "#send")
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "closed": is_closed(wave),
        "can_add": wave.partnership.organisations.exists()
        and wave.partnership.staff_groups.exists(),
    }
    return render(request, "surveys/invitations/add.html", context)


@wave_view(Right.EVALUATE)
def preview(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The invitation or reminder e-mail as recipients see it (HTML and plain text, with an
    example link); a POST sends it as a test to the signed-in person's own address."""
    reminder = request.GET.get("reminder") == "1" or request.POST.get("reminder") == "1"
    here = _page_url(access, wave, "invitations_preview") + ("?reminder=1" if reminder else "")
    if request.method == "POST":
        try:
            address = service.send_test_email(wave, request.user, reminder=reminder)
        except SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                (
                    _(
                        "A test reminder was sent to %(address)s. Its link is an example: it does "
                        "not open the survey."
                    )
                    if reminder
                    else _(
                        "A test invitation was sent to %(address)s. Its link is an example: it "
                        "does not open the survey."
                    )
                )
                % {"address": address},
            )
        return redirect(here)
    email = service.preview_email(wave, reminder=reminder)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "reminder": reminder,
        "email": email,
        "email_context": service.preview_context(wave, reminder=reminder),
        "from_email": email.from_email,
        "own_address": getattr(request.user, "email", ""),
    }
    return render(request, "surveys/invitations/preview.html", context)


PEOPLE_PER_PAGE = 50


@wave_view(Right.EVALUATE)
def people(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Who is on the staff list, when they were invited, a page at a time, with a search; never
    who has answered."""
    search = " ".join(request.GET.get("q", "").split())[:200]
    page = Paginator(staff_list(wave, search), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "search": search,
        "page": page,
        "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "summary": invitation_summary(wave),
        "reminder_interval_days": service.reminder_interval().days,
        "max_reminders": service.max_reminders(),
    }
    return render(request, "surveys/invitations/people.html", context)


@wave_view(Right.EVALUATE)
def example(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """An example staff list with this partnership's organisations and staff groups."""
    response = HttpResponse(example_staff_list(wave), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff-list-example.csv"'
    return response


@wave_view(Right.EVALUATE)
def send(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Send the invitation e-mails not yet sent, in the background."""
    if request.method != "POST":
        return redirect(_page_url(access, wave))
    try:
        job = service.start_sending_invitations(wave, user=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(_page_url(access, wave))
    return _job_redirect(access, wave, job)


@wave_view(Right.EVALUATE)
def remind(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Remind, now, everyone who has not finished."""
    if request.method != "POST":
        return redirect(_page_url(access, wave))
    try:
        job = service.start_sending_reminders(wave, user=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(_page_url(access, wave))
    return _job_redirect(access, wave, job)


def _open_link_form_page(request, access: Access, wave: Wave, form: OpenLinkForm, title: str):
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "page_title": title,
        "link": open_link_of(wave),
    }
    return render(request, "surveys/invitations/open_link_form.html", context)


def _suggested_limit(wave: Wave) -> int:
    """The staff the recorded headcounts say the link is for, else the default."""
    return sum(recorded_headcounts(wave).values()) or OpenLink.DEFAULT_MAX_RESPONSES


@wave_view(Right.EVALUATE)
def open_link(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Make the open link (or a new one) with the most responses it takes, and show it, this
    once: only its hash is kept."""
    if wave.status == Wave.Status.CLOSED:
        messages.error(request, _("This wave is closed: nobody more can be invited."))
        return redirect(_page_url(access, wave))
    link = open_link_of(wave)
    initial = {"max_responses": link.max_responses if link else _suggested_limit(wave)}
    title = _("Make a new open link") if link else _("Make an open link")
    form = OpenLinkForm(request.POST or None, initial=initial, button=title)
    if request.method != "POST" or not form.is_valid():
        return _open_link_form_page(request, access, wave, form, title)
    try:
        token = service.create_open_link(
            wave, max_responses=form.cleaned_data["max_responses"], actor=request.user
        )
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(_page_url(access, wave))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "link": service.open_link_url(token),
    }
    response = render(request, "surveys/invitations/open_link.html", context)
    response["Cache-Control"] = "no-store"
    return response


@wave_view(Right.EVALUATE)
def open_link_limit(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Change the most responses the open link takes (the link itself stays the same)."""
    link = open_link_of(wave)
    if link is None:
        messages.error(request, _("This wave has no open link yet."))
        return redirect(_page_url(access, wave))
    form = OpenLinkForm(
        request.POST or None, initial={"max_responses": link.max_responses}, button=_("Save")
    )
    if request.method == "POST" and form.is_valid():
        service.set_open_link_limit(wave, form.cleaned_data["max_responses"], actor=request.user)
        messages.success(
            request,
            ngettext(
                "The open link now takes up to %(count)s response.",
                "The open link now takes up to %(count)s responses.",
                form.cleaned_data["max_responses"],
            )
            % {"count": number_format(form.cleaned_data["max_responses"], force_grouping=True)},
        )
        return redirect(_page_url(access, wave) + "#open-link")
    return _open_link_form_page(request, access, wave, form, _("Change the open link’s limit"))


@wave_view(Right.EVALUATE)
def open_link_off(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    if request.method == "POST":
        service.deactivate_open_link(wave, actor=request.user)
        messages.success(request, _("The open link no longer works."))
    return redirect(_page_url(access, wave))


@wave_view(Right.EVALUATE)
def purge(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Delete the e-mail addresses of a closed wave, after a confirmation."""
    if request.method == "POST":
        try:
            count = service.purge_emails(wave, actor=request.user)
        except SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s e-mail address deleted.",
                    "%(count)s e-mail addresses deleted.",
                    count,
                )
                % {"count": count},
            )
            return redirect(_page_url(access, wave))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "closed": wave.status == Wave.Status.CLOSED,
        "summary": invitation_summary(wave),
    }
    return render(request, "surveys/invitations/purge.html", context)
