"""Evaluator and manager pages of a wave's staff survey: /p/<partnership>/waves/<wave>/survey/."""

from django.urls import include, path

from surveys.views import preview, responses

app_name = "surveys"

urlpatterns = [
    path("responses/", responses.responses, name="responses"),
    path("preview/", preview.preview, name="preview"),
    path("", include("surveys.urls_design")),
    path("", include("surveys.urls_invitations")),
    path("", include("surveys.urls_headcounts")),
]
