"""Starting the next wave from a wave (namespace "waves")."""

from django.urls import path

from reports import views_waves

app_name = "waves"

urlpatterns = [path("", views_waves.next_wave, name="next")]
