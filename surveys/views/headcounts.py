"""Headcount pages of a wave's staff survey (administrators and evaluators): how many staff the
open link reaches in each organisation × staff group, and the open-link responses beyond them
that await confirmation. Thin: the rules are in surveys.services.headcounts."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from poet.models import Organisation, StaffGroup, Wave
from poet.permissions import Access, Right, wave_view
from surveys.forms.headcounts import CellActionForm, HeadcountsForm
from surveys.selectors import headcounts as counts
from surveys.selectors.invitations import invited_by_cell
from surveys.services import headcounts as service


def _url(access: Access, wave: Wave, name: str) -> str:
    return reverse(
        f"surveys:{name}", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


@wave_view(Right.EVALUATE)
def headcounts(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The grid of recorded headcounts; a POST saves every cell (blank: none recorded)."""
    form = HeadcountsForm(
        request.POST or None, wave=wave, initial_counts=counts.recorded_headcounts(wave)
    )
    if request.method == "POST" and form.is_valid():
        changed = service.set_headcounts(wave, form.counts(), actor=request.user)
        if changed:
            messages.success(
                request,
                ngettext(
                    "Headcounts saved (%(count)s group).",
                    "Headcounts saved (%(count)s groups).",
                    changed,
                )
                % {"count": changed},
            )
        else:
            messages.info(request, _("No headcount changed."))
        return redirect(_url(access, wave, "headcounts"))
    invited = invited_by_cell(wave)
    rows = form.rows()
    for row in rows:
        for cell in row["cells"]:
            cell["invited"] = invited.get((row["organisation"].pk, cell["staff_group"].pk), 0)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "rows": rows,
        "awaiting": counts.awaiting_total(wave),
    }
    return render(request, "surveys/headcounts/index.html", context)


@wave_view(Right.EVALUATE)
def awaiting(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Open-link responses awaiting confirmation, counted by organisation × staff group; a POST
    confirms or discards one group's batch."""
    if request.method == "POST":
        form = CellActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a group's responses to confirm or discard."))
            return redirect(_url(access, wave, "awaiting"))
        data = form.cleaned_data
        organisation = Organisation.objects.filter(
            partnership=access.partnership, pk=data["organisation"]
        ).first()
        group = StaffGroup.objects.filter(
            partnership=access.partnership, pk=data["staff_group"]
        ).first()
        if organisation is None or group is None:
            raise Http404
        act = service.confirm_awaiting if data["action"] == "confirm" else service.discard_awaiting
        try:
            n = act(wave, organisation, group, expected=data["expected"], actor=request.user)
        except service.HeadcountError as error:
            messages.error(request, str(error))
        else:
            where = {"count": n, "group": group.name, "organisation": organisation.name}
            if data["action"] == "confirm":
                messages.success(
                    request,
                    ngettext(
                        "%(count)s response of %(group)s at %(organisation)s confirmed: "
                        "it now counts.",
                        "%(count)s responses of %(group)s at %(organisation)s confirmed: "
                        "they now count.",
                        n,
                    )
                    % where,
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s response of %(group)s at %(organisation)s discarded.",
                        "%(count)s responses of %(group)s at %(organisation)s discarded.",
                        n,
                    )
                    % where,
                )
        return redirect(_url(access, wave, "awaiting"))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "cells": counts.awaiting_confirmation(wave),
        "actions": [
            ("confirm", _("Confirm"), "govuk-button--secondary"),
            ("discard", _("Discard"), "govuk-button--warning"),
        ],
    }
    return render(request, "surveys/headcounts/awaiting.html", context)
