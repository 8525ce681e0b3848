"""Follow-up schedules in the admin: for looking things up; status changes go through the pages,
so that opening freezes the questionnaire and closing starts the comparison."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from outcomes.models import ChosenOutcome, FollowUpSchedule, FollowUpSession
from outcomes.services.schedule import ScheduleError, check_session


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = FollowUpSession
        fields = [
            "schedule",
            "method",
            "date",
            "mode",
            "facilitator",
            "accessibility_needs",
            "planned_service_users",
            "planned_carers",
        ]

    def clean(self):
        data = super().clean()
        schedule = data.get("schedule") or getattr(self.instance, "schedule", None)
        if schedule is not None and data.get("method"):
            try:
                check_session(schedule, data)
            except ScheduleError as e:
                raise ValidationError(str(e)) from e
        return data


class ChosenOutcomeInline(admin.TabularInline):
    model = ChosenOutcome
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("outcome",)


class SessionInline(admin.StackedInline):
    model = FollowUpSession
    form = SessionAdminForm
    extra = 0


@admin.register(FollowUpSchedule)
class FollowUpScheduleAdmin(admin.ModelAdmin):
    list_display = ("wave", "partnership", "status", "created_at")
    list_filter = ("status", "wave__partnership")
    list_select_related = ("wave__partnership",)
    readonly_fields = ("wave", "status", "created_at")
    inlines = [ChosenOutcomeInline, SessionInline]

    @admin.display(ordering="wave__partnership__name")
    def partnership(self, obj: FollowUpSchedule):
        return obj.wave.partnership

    def has_add_permission(self, request) -> bool:
        return False
