"""Comparison runs of one wave, under /p/<partnership>/waves/<wave>/comparisons/."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.results, name="comparison"),
    path("run/", views.run, name="comparison_run"),
    path("comparison.csv", views.download, name="comparison_csv"),
]
