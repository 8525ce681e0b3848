"""Formative and summative reports of one wave, under /p/<partnership>/waves/<wave>/reports/.

?compare=<earlier-wave-slug> adds change since that wave.
"""

from django.urls import path

from reports import views_reports

app_name = "report"

urlpatterns = [
    path("formative/", views_reports.formative, name="formative"),
    path("summative/", views_reports.summative, name="summative"),
]
