from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poet.models import Job
from poet.permissions import Access, Right, partnership_view, wave_of
from surveys.selectors import response_count_table
from surveys.services import RECOUNT, start_recount


@partnership_view(Right.VIEW)
def responses(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Responses received so far, recounted in the background on request."""
    w = wave_of(access, wave)
    if request.method == "POST":
        job = start_recount(w, user=request.user)
        messages.info(request, "Recounting responses. This page shows the result when it is done.")
        return redirect(
            reverse("job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk})
            + "?next="
            + request.path
        )
    latest = Job.objects.filter(wave=w, kind=RECOUNT).first()
    table = None
    if latest and latest.status == Job.Status.SUCCEEDED:
        table = response_count_table(
            latest.result["by_organisation"], access.partnership.minimum_group_size
        )
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "job": latest,
        "table": table,
    }
    return render(request, "surveys/responses.html", context)
