"""Downloads of one wave, under /p/<partnership>/waves/<wave>/downloads/."""

from django.urls import path

from reports import views_downloads as views

app_name = "downloads"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:job_id>/file/", views.fetch, name="file"),
]
