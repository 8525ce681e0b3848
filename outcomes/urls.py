"""Follow-up pages of one wave, under /p/<partnership>/waves/<wave>/follow-up/."""

from django.urls import include, path

from outcomes.views import schedule

app_name = "outcomes"

urlpatterns = [
    path("", schedule.schedule, name="schedule"),
    path("create/", schedule.create, name="create_schedule"),
    path("methods/", schedule.methods, name="methods"),
    path("outcomes/add/", schedule.add_outcome, name="add_outcome"),
    path("outcomes/<int:chosen>/remove/", schedule.remove_outcome, name="remove_outcome"),
    path("sessions/add/", schedule.add_session, name="add_session"),
    path("sessions/<int:session>/", schedule.edit_session, name="edit_session"),
    path("sessions/<int:session>/remove/", schedule.remove_session, name="remove_session"),
    path("questionnaire/", schedule.generate_questionnaire, name="generate_questionnaire"),
    path("open/", schedule.open_schedule, name="open_schedule"),
    path("close/", schedule.close_schedule, name="close_schedule"),
    path("guides/<slug:kind>.pdf", schedule.guide, name="guide"),
    path("", include("outcomes.urls_participants")),
]
