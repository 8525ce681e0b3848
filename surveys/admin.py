from django.contrib import admin

from surveys.models import Response


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "wave", "organisation", "staff_group", "submitted_on"]
    list_filter = ["wave", "organisation"]
