"""Start the next wave as a copy of this one (partnership administrators). Thin: the copying is
`reports.services.next_wave` and the apps that answer its signal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from outcomes.models import FollowUpSchedule
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form
from reports.forms.next_wave import NextWaveForm
from reports.selectors.waves import last_wave
from reports.services.next_wave import start_next_wave
from surveys.models import Questionnaire


@wave_view(Right.MANAGE_PARTNERSHIP)
def next_wave(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The form naming the next wave; on success, the new wave's page."""
    form = NextWaveForm(request.POST or None)
    started, new = run_form(
        request,
        form,
        lambda data: start_next_wave(wave, data["name"], actor=request.user),
        refused=(),
    )
    if started and new is not None:
        message = _("%(new)s started as a copy of %(wave)s.") % {
            "new": new.name,
            "wave": wave.name,
        }
        return done(request, message, new.get_absolute_url())
    schedule = FollowUpSchedule.objects.filter(wave=wave).first()
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "has_questionnaire": Questionnaire.objects.filter(wave=wave).exists(),
        "chosen": schedule.chosen_outcomes.count() if schedule else 0,
        "is_last": last_wave(wave) == wave,
    }
    return render(request, "reports/next_wave.html", context)
