"""Live response rates of a wave's staff survey, for everyone who may see the partnership."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from poet.analysis import rule_text
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from surveys.selectors.response_rates import response_rates
from surveys.services.response_counts import start_recount


@wave_view(Right.VIEW)
def responses(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Response rates by organisation and staff group, counted as the page loads; small numbers
    hidden. A POST still recounts submitted responses in the background (a check of the live
    figures that also shows the background workers are running)."""
    if request.method == "POST":
        job = start_recount(wave, user=request.user)
        messages.info(request, _("Recounting responses in the background."))
        return redirect(
            reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
            + "?next="
            + request.path
        )
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "rates": response_rates(wave),
        "rule": rule_text(access.partnership.minimum_group_size),
    }
    return render(request, "surveys/responses.html", context)
