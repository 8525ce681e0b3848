"""Forms of the headcount pages: the organisation × staff group grid, and a cell's batch of
open-link responses awaiting confirmation."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from poet.models import Organisation, StaffGroup, Wave
from surveys.selectors.headcounts import Cell
from surveys.services.headcounts import MAX_HEADCOUNT


def field_name(organisation_id: int, staff_group_id: int) -> str:
    return f"h-{organisation_id}-{staff_group_id}"


class HeadcountsForm(forms.Form):
    """One whole-number field per organisation × staff group (blank: none recorded), laid out by
    the template as a grid; organisations as rows, staff groups as columns."""

    def __init__(self, *args, wave: Wave, initial_counts: dict[Cell, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(Organisation.objects.filter(partnership=wave.partnership))
        self.staff_groups = list(StaffGroup.objects.filter(partnership=wave.partnership))
        for o in self.organisations:
            for g in self.staff_groups:
                where = {"group": g.name, "organisation": o.name, "most": f"{MAX_HEADCOUNT:,}"}
                self.fields[field_name(o.pk, g.pk)] = forms.IntegerField(
                    label=_("Headcount of %(group)s at %(organisation)s") % where,
                    required=False,
                    min_value=0,
                    max_value=MAX_HEADCOUNT,
                    initial=initial_counts.get((o.pk, g.pk)) or None,
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "numeric",
                            "spellcheck": "false",
                            "autocomplete": "off",
                        }
                    ),
                    error_messages={
                        "invalid": _(
                            "Enter the headcount of %(group)s at %(organisation)s as a whole "
                            "number, such as 12"
                        )
                        % where,
                        "min_value": _(
                            "The headcount of %(group)s at %(organisation)s must be 0 or more"
                        )
                        % where,
                        "max_value": _(
                            "The headcount of %(group)s at %(organisation)s must be %(most)s or "
                            "fewer"
                        )
                        % where,
                    },
                )
        self.helper = FormHelper()  # for the error summary; the grid is laid out by hand

    def rows(self) -> list[dict]:
        """The grid: for each organisation, its bound field in each staff group's column."""
        return [
            {
                "organisation": o,
                "cells": [
                    {"staff_group": g, "field": self[field_name(o.pk, g.pk)]}
                    for g in self.staff_groups
                ],
            }
            for o in self.organisations
        ]

    def counts(self) -> dict[Cell, int | None]:
        return {
            (o.pk, g.pk): self.cleaned_data.get(field_name(o.pk, g.pk))
            for o in self.organisations
            for g in self.staff_groups
        }


class CellActionForm(forms.Form):
    """Confirm or discard one cell's responses awaiting confirmation, as many as were shown."""

    organisation = forms.IntegerField()
    staff_group = forms.IntegerField()
    expected = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("discard", _("Discard"))])
