"""Every page of the reports app, under /p/<partnership>/waves/<wave>/ (namespace "reports").

The follow-up shortlist is follow-up work: `outcomes/urls.py`.
"""

from django.urls import path

from reports.views import comparison, downloads, next_wave, reports

app_name = "reports"

urlpatterns = [
    path("comparisons/", comparison.results, name="comparison"),
    path("comparisons/run/", comparison.run, name="comparison_run"),
    path("comparisons/comparison.csv", comparison.download, name="comparison_csv"),
    path("reports/formative/", reports.formative, name="formative"),
    path("reports/summative/", reports.summative, name="summative"),
    path("downloads/", downloads.index, name="downloads"),
    path("downloads/<int:job_id>/file/", downloads.fetch, name="download_file"),
    path("next-wave/", next_wave.next_wave, name="next_wave"),
]
