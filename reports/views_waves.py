"""Start the next wave as a copy of this one (partnership administrators). Thin: the rules are in
reports.waves, surveys.waves and outcomes.waves."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from outcomes.models import FollowUpSchedule
from poet.permissions import Access, Right, partnership_view, wave_of
from reports.waves import last_wave, start_next_wave
from surveys.models import Questionnaire


class NextWaveForm(forms.Form):
    name = forms.CharField(
        label="Name of the new wave",
        max_length=120,
        help_text="For example, Follow-up 2027.",
        error_messages={
            "required": "Enter a name for the new wave.",
            "max_length": "The name can be up to 120 characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("name"), Button("start", "Start the next wave"))


@partnership_view(Right.MANAGE_PARTNERSHIP)
def next_wave(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    form = NextWaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = start_next_wave(w, form.cleaned_data["name"], actor=request.user)
        messages.success(request, f"{new.name} started as a copy of {w.name}.")
        return redirect(new)
    schedule = FollowUpSchedule.objects.filter(wave=w).first()
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "form": form,
        "has_questionnaire": Questionnaire.objects.filter(wave=w).exists(),
        "chosen": schedule.chosen_outcomes.count() if schedule else 0,
        "is_last": last_wave(w) == w,
    }
    return render(request, "reports/next_wave.html", context)
