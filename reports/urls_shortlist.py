"""The outcome shortlist of one wave, under /p/<partnership>/waves/<wave>/shortlist/.

Every route takes only the partnership and the wave; a proposal is addressed as ?proposal=<id>.
"""

from django.urls import path

from reports import views_shortlist as views

app_name = "shortlist"

urlpatterns = [
    path("", views.shortlist, name="shortlist"),
    path("choose/", views.choose, name="choose"),
    path("unchoose/", views.unchoose, name="unchoose"),
    path("proposals/collect/", views.collect, name="collect"),
    path("proposals/adopt/", views.adopt, name="adopt"),
    path("proposals/merge/", views.merge, name="merge"),
    path("proposals/reject/", views.reject, name="reject"),
]
