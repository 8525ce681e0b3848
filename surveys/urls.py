from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("responses/", views.responses, name="responses"),
]
