"""Live response rates of a wave's staff survey, for everyone who may see the partnership."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poet.analysis import rule_text
from poet.permissions import Access, Right, partnership_view, wave_of
from surveys.selectors import response_rates
from surveys.services import start_recount


@partnership_view(Right.VIEW)
def responses(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Response rates by organisation and staff group, counted as the page loads; small numbers
    hidden. A POST still recounts submitted responses in the background (a check of the live
    figures that also shows the background workers are running)."""
    w = wave_of(access, wave)
    if request.method == "POST":
        job = start_recount(w, user=request.user)
        messages.info(request, "Recounting responses in the background.")
        return redirect(
            reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
            + "?next="
            + request.path
        )
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "rates": response_rates(w),
        "rule": rule_text(access.partnership.minimum_group_size),
    }
    return render(request, "surveys/responses.html", context)
