"""Downloads page of a wave: choose a report, format and earlier wave; fetch finished files."""

from urllib.parse import urlencode

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from poet.models import Job
from poet.permissions import Access, Right, partnership_view, wave_of
from reports import downloads
from reports.selectors import latest_run


class DownloadForm(forms.Form):
    kind = forms.ChoiceField(label="Which report?", widget=forms.RadioSelect)
    format = forms.ChoiceField(
        label="File format",
        widget=forms.RadioSelect,
        required=False,
    )
    compare_with = forms.ChoiceField(
        label="Compare with an earlier wave (optional)", required=False
    )

    def __init__(self, *args, wave, can_evaluate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = list(downloads.REPORT_KINDS.items())
        if can_evaluate:
            kinds.append((downloads.ANSWERS, "Raw answers, one row per person and question (CSV)"))
            self.fields[
                "format"
            ].help_text = "Not needed for the raw answers, which are always CSV."
        self.fields["kind"].choices = kinds
        self.fields["format"].choices = downloads.report_format_choices()
        self.waves = {w.slug: w for w in downloads.earlier_waves(wave)}
        self.fields["compare_with"].choices = [("", "No comparison")] + [
            (w.slug, w.name) for w in self.waves.values()
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.radios("format", legend_size=Size.MEDIUM),
            Field.select("compare_with"),
            Button("submit", "Make the file"),
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != downloads.ANSWERS and not data.get("format"):
            self.add_error("format", "Choose a file format.")
        data["compare_with_wave"] = self.waves.get(data.get("compare_with") or "")
        return data


def _page_url(access: Access, wave) -> str:
    return reverse(
        "downloads:index", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


@require_http_methods(["GET", "POST"])
@partnership_view(Right.VIEW_REPORTS)
def index(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    can_evaluate = access.can(Right.EVALUATE)
    form = DownloadForm(request.POST or None, wave=w, can_evaluate=can_evaluate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = downloads.start_download(
                w,
                data["kind"],
                data.get("format") or "",
                request.user,
                compare_with=data["compare_with_wave"],
            )
        except downloads.DownloadError as exc:
            form.add_error("kind", str(exc))
        else:
            job_url = reverse(
                "job", kwargs={"partnership": access.partnership.slug, "job_id": job.pk}
            )
            return redirect(f"{job_url}?{urlencode({'next': _page_url(access, w)})}")
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "form": form,
        "has_run": latest_run(w) is not None,
        "jobs": downloads.recent_downloads(w, include_answers=can_evaluate),
        "keep_days": settings.DOWNLOAD_KEEP_DAYS,
    }
    return render(request, "reports/downloads/index.html", context)


@partnership_view(Right.VIEW_REPORTS)
def fetch(request: HttpRequest, access: Access, wave: str, job_id: int) -> HttpResponse:
    """The file of a finished download job, as an attachment; raw answers need EVALUATE."""
    w = wave_of(access, wave)
    job = get_object_or_404(
        Job,
        pk=job_id,
        partnership=access.partnership,
        wave=w,
        kind__in=[downloads.REPORT_JOB, downloads.ANSWERS_JOB],
    )
    if job.kind == downloads.ANSWERS_JOB and not access.can(Right.EVALUATE):
        raise Http404
    try:
        found = downloads.download_file(job, user=request.user)
    except downloads.DownloadError as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(
        open(found.path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
