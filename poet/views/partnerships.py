from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from poet.forms import MinimumGroupSizeForm
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
from poet.services import set_minimum_group_size
from poet.services.jobs import job_result_link, job_title


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_by_partnership(request.user)
    partnerships = [
        (p, Membership(role=roles[p.pk]).get_role_display() if p.pk in roles else "Site admin")
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


@partnership_view(Right.MANAGE_PARTNERSHIP)
def partnership_settings(request: HttpRequest, access: Access) -> HttpResponse:
    p = access.partnership
    form = MinimumGroupSizeForm(
        request.POST or None, initial={"minimum_group_size": p.minimum_group_size}
    )
    if request.method == "POST" and form.is_valid():
        set_minimum_group_size(
            p,
            form.cleaned_data["minimum_group_size"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, f"Minimum reporting group size is now {p.minimum_group_size}.")
        return redirect(p)
    history = AuditEvent.objects.filter(partnership=p, action="partnership.k_changed")[:20]
    return render(
        request,
        "poet/partnership_settings.html",
        {"access": access, "partnership": p, "form": form, "history": history},
    )


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
