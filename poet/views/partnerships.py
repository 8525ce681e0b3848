from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from poet.forms import MinimumGroupSizeForm, SourceFilesForm, ThresholdsForm
from poet.models import AuditEvent, Job, Membership
from poet.permissions import (
    Access,
    Right,
    partnership_view,
    partnerships_for,
    roles_by_partnership,
    wave_of,
)
from poet.selectors.wave_tasks import wave_tasks
from poet.services import (
    SetupError,
    set_keep_source_files,
    set_minimum_group_size,
    set_thresholds,
)
from poet.services.jobs import job_result_link, job_title


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_by_partnership(request.user)
    partnerships = [
        (
            p,
            Membership(role=roles[p.pk]).get_role_display()
            if p.pk in roles
            else gettext("Site admin"),
        )
        for p in partnerships_for(request.user).order_by("name")
    ]
    return render(request, "poet/home.html", {"partnerships": partnerships})


@partnership_view()
def partnership(request: HttpRequest, access: Access) -> HttpResponse:
    p = access.partnership
    context = {
        "access": access,
        "partnership": p,
        "waves": p.waves.all(),
        "organisations": p.organisations.all(),
        "staff_groups": p.staff_groups.all(),
        "user_groups": p.user_groups.all(),
        "members": (
            p.memberships.select_related("user").order_by("role", "user__username")
            if access.can(Right.MANAGE_PARTNERSHIP)
            else None
        ),
    }
    return render(request, "poet/partnership.html", context)


def _settings_page(
    request: HttpRequest,
    access: Access,
    *,
    k_form: MinimumGroupSizeForm | None = None,
    thresholds_form: ThresholdsForm | None = None,
    files_form: SourceFilesForm | None = None,
) -> HttpResponse:
    """The settings page with its forms (the one just sent keeps its answers and errors)."""
    p = access.partnership
    k_form = k_form or MinimumGroupSizeForm(initial={"minimum_group_size": p.minimum_group_size})
    thresholds_form = thresholds_form or ThresholdsForm(
        prefix="thresholds",
        action=reverse("partnership_thresholds", kwargs={"partnership": p.slug}),
        initial={
            "celebrate_threshold": p.celebrate_threshold,
            "develop_threshold": p.develop_threshold,
        },
    )
    files_form = files_form or SourceFilesForm(
        prefix="files",
        action=reverse("partnership_source_files", kwargs={"partnership": p.slug}),
        initial={"keep": "yes" if p.keep_source_files else "no"},
    )
    history = AuditEvent.objects.filter(
        partnership=p,
        action__in=[
            "partnership.k_changed",
            "partnership.thresholds_changed",
            "partnership.source_files_changed",
        ],
    )[:20]
    context = {
        "access": access,
        "partnership": p,
        "form": k_form,
        "thresholds_form": thresholds_form,
        "files_form": files_form,
        "has_errors": bool(k_form.errors or thresholds_form.errors or files_form.errors),
        "history": history,
    }
    return render(request, "poet/partnership_settings.html", context)


@partnership_view(Right.MANAGE_PARTNERSHIP)
def partnership_settings(request: HttpRequest, access: Access) -> HttpResponse:
    p = access.partnership
    if request.method != "POST":
        return _settings_page(request, access)
    form = MinimumGroupSizeForm(request.POST)
    if form.is_valid():
        set_minimum_group_size(
            p,
            form.cleaned_data["minimum_group_size"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, f"Minimum reporting group size is now {p.minimum_group_size}.")
        return redirect(p)
    return _settings_page(request, access, k_form=form)


@partnership_view(Right.MANAGE_PARTNERSHIP)
def partnership_thresholds(request: HttpRequest, access: Access) -> HttpResponse:
    """Areas for celebration and development (DESIGN §4): the next comparison runs use them."""
    p = access.partnership
    if request.method != "POST":
        return redirect("partnership_settings", partnership=p.slug)
    form = ThresholdsForm(request.POST, prefix="thresholds", action=request.path)
    if form.is_valid():
        try:
            changed = set_thresholds(
                p,
                celebrate=form.cleaned_data["celebrate_threshold"],
                develop=form.cleaned_data["develop_threshold"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except SetupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Areas for celebration are now at least {p.celebrate_threshold}% positive and "
                f"areas for development at most {p.develop_threshold}%: reports use them from the "
                "next comparison."
                if changed
                else "The thresholds are unchanged.",
            )
            return redirect(p)
    return _settings_page(request, access, thresholds_form=form)


@partnership_view(Right.MANAGE_PARTNERSHIP)
def partnership_source_files(request: HttpRequest, access: Access) -> HttpResponse:
    """Whether uploaded notes and transcripts are kept as files besides their masked text."""
    p = access.partnership
    if request.method != "POST":
        return redirect("partnership_settings", partnership=p.slug)
    form = SourceFilesForm(request.POST, prefix="files", action=request.path)
    if form.is_valid():
        try:
            changed = set_keep_source_files(
                p, form.cleaned_data["keep"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except SetupError as error:
            form.add_error(None, str(error))
        else:
            if not changed:
                message = "Whether original files are kept is unchanged."
            elif p.keep_source_files:
                message = (
                    "Uploaded notes and transcripts are now kept as files too, until the wave's "
                    "personal data is deleted. Only evaluators can download them, and each "
                    "download is recorded."
                )
            else:
                message = (
                    "Uploaded notes and transcripts are no longer kept as files: only their "
                    "masked text. Files already kept stay until the wave's personal data is "
                    "deleted."
                )
            messages.success(request, message)
            return redirect(p)
    return _settings_page(request, access, files_form=form)


@partnership_view()
def wave(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """The wave's task list: each part's tasks with their status and what to do next."""
    w = wave_of(access, wave)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "tasks": wave_tasks(access, w),
    }
    return render(request, "poet/wave.html", context)


@partnership_view()
def job(request: HttpRequest, access: Access, job_id: int) -> HttpResponse:
    """A job's progress: JSON for the page script, a self-refreshing page without JavaScript."""
    j = get_object_or_404(Job, pk=job_id, partnership=access.partnership)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "status": j.status,
                "status_label": j.get_status_display(),
                "progress": j.progress,
                "message": j.message,
                "error": j.error,
                "finished": j.is_finished,
            }
        )
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    context = {
        "access": access,
        "partnership": access.partnership,
        "job": j,
        "job_title": job_title(j),
        "result_link": job_result_link(j),
        "next_url": next_url,
    }
    return render(request, "poet/job.html", context)
