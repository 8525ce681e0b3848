"""Headcount pages of a wave's staff survey (administrators and evaluators): how many staff the
open link reaches in each organisation × staff group, and the open-link responses beyond them
that await confirmation. Thin: the rules are in surveys.headcounts."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poet.models import Organisation, StaffGroup, Wave
from poet.permissions import Access, Right, partnership_view, wave_of
from surveys import headcounts as service
from surveys.forms_headcounts import CellActionForm, HeadcountsForm
from surveys.models import Invitation


def _url(access: Access, wave: Wave, name: str) -> str:
    return reverse(
        f"surveys:{name}", kwargs={"partnership": access.partnership.slug, "wave": wave.slug}
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@partnership_view(Right.EVALUATE)
def headcounts(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """The grid of recorded headcounts; a POST saves every cell (blank: none recorded)."""
    w = wave_of(access, wave)
    form = HeadcountsForm(
        request.POST or None, wave=w, initial_counts=service.recorded_headcounts(w)
    )
    if request.method == "POST" and form.is_valid():
        changed = service.set_headcounts(w, form.counts(), actor=request.user)
        if changed:
            messages.success(request, f"Headcounts saved ({_plural(changed, 'group', 'groups')}).")
        else:
            messages.info(request, "No headcount changed.")
        return redirect(_url(access, w, "headcounts"))
    invited = {
        (o, g): n
        for o, g, n in Invitation.objects.filter(wave=w)
        .values_list("organisation_id", "staff_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = form.rows()
    for row in rows:
        for cell in row["cells"]:
            cell["invited"] = invited.get((row["organisation"].pk, cell["staff_group"].pk), 0)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "form": form,
        "rows": rows,
        "awaiting": service.awaiting_total(w),
    }
    return render(request, "surveys/headcounts/index.html", context)


@partnership_view(Right.EVALUATE)
def awaiting(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Open-link responses awaiting confirmation, counted by organisation × staff group; a POST
    confirms or discards one group's batch."""
    w = wave_of(access, wave)
    if request.method == "POST":
        form = CellActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a group's responses to confirm or discard.")
            return redirect(_url(access, w, "awaiting"))
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
            n = act(w, organisation, group, expected=data["expected"], actor=request.user)
        except service.HeadcountError as error:
            messages.error(request, str(error))
        else:
            where = f"{group.name} at {organisation.name}"
            if data["action"] == "confirm":
                messages.success(
                    request,
                    f"{_plural(n, 'response', 'responses')} of {where} confirmed: "
                    f"{'it now counts' if n == 1 else 'they now count'}.",
                )
            else:
                messages.success(
                    request, f"{_plural(n, 'response', 'responses')} of {where} discarded."
                )
        return redirect(_url(access, w, "awaiting"))
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": w,
        "cells": service.awaiting_confirmation(w),
        "actions": [
            ("confirm", "Confirm", "govuk-button--secondary"),
            ("discard", "Discard", "govuk-button--warning"),
        ],
    }
    return render(request, "surveys/headcounts/awaiting.html", context)
