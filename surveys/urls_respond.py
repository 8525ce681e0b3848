"""Pages for someone answering (no account), under /s/ (namespace "respond")."""

from django.urls import path

from surveys.views import answering

urlpatterns = [
    path("", answering.survey, name="survey"),
    path("section/<int:number>/", answering.section, name="section"),
    path("review/", answering.review, name="review"),
    path("saved/", answering.saved, name="saved"),
    path("thank-you/", answering.thanks, name="thanks"),
    path("easy-read/", answering.easy_read, name="easy_read"),
    path("p/<str:token>/", answering.participant, name="participant"),
    path("open/<str:token>/", answering.open_link, name="open"),
    path("resume/<str:token>/", answering.resume, name="resume"),
    path("<str:token>/", answering.start, name="start"),
]
