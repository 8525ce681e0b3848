"""Forms of the partnership context tools: the same forms for a partner lead answering by link
and for an evaluator editing on their behalf."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Layout
from django import forms
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from poet.models import Organisation, Wave
from surveys.models import ContextRespondent, IntegrationAnswer, IntegrationLevel
from surveys.selectors import context as tools

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _helper(*fields, button: str | StrPromise | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template writes the <form> so the action stays the page's own
    helper.layout = Layout(*fields, Button("save", button or _("Save and continue")))
    return helper


def _heading(text: str | StrPromise) -> HTML:
    return HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', text))


class LeadForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter the partner lead's name.")},
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"),
        help_text=_("The partner organisation this person speaks for."),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the partner lead's organisation.")},
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds a copy of the field declared above; the stubs type it as Field.
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        organisation.queryset = wave.partnership.organisations.order_by("name")
        self.helper = _helper(
            Field.text("name", field_width=20),
            Field.select("organisation"),
            button=_("Add partner lead"),
        )


def _level_choices() -> list[Choice]:
    return [
        Choice(int(level), level.label, hint=gettext(tools.LEVEL_HINTS[level]))
        for level in IntegrationLevel
    ]


def _radio(label: str, choices, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        **kwargs,
    )


class IntegrationForm(forms.Form):
    """For each user group: the level of integration now and the level those people need."""

    def __init__(self, *args, lead: ContextRespondent, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.groups = tools.user_groups(lead.wave)
        existing = {a.user_group_id: a for a in IntegrationAnswer.objects.filter(respondent=lead)}
        layout = []
        for group in self.groups:
            answer = existing.get(group.pk)
            self.fields[f"now_{group.pk}"] = _radio(
                _("For %(group)s: the level of integration now") % {"group": group.name},
                _level_choices(),
                initial=answer.now if answer else None,
            )
            self.fields[f"needed_{group.pk}"] = _radio(
                _("For %(group)s: the level these people need") % {"group": group.name},
                _level_choices(),
                initial=answer.needed if answer else None,
            )
            layout += [
                _heading(group.name),
                Field.radios(f"now_{group.pk}", legend_size="s", small=True),
                Field.radios(f"needed_{group.pk}", legend_size="s", small=True),
            ]
        self.helper = _helper(*layout)

    def clean(self):
        data = super().clean()
        for group in self.groups:
            now, needed = data.get(f"now_{group.pk}"), data.get(f"needed_{group.pk}")
            if (now is None) != (needed is None):
                missing = f"now_{group.pk}" if now is None else f"needed_{group.pk}"
                message = (
                    _("Choose the level now for %(group)s, or leave both empty.")
                    if now is None
                    else _("Choose the level needed for %(group)s, or leave both empty.")
                )
                self.add_error(missing, message % {"group": group.name})
        return data

    def answers(self) -> dict[int, tuple[int, int] | None]:
        result = {}
        for group in self.groups:
            now = self.cleaned_data.get(f"now_{group.pk}")
            needed = self.cleaned_data.get(f"needed_{group.pk}")
            result[group.pk] = None if now is None or needed is None else (now, needed)
        return result


PLACEMENT_FIELDS = (
    ("depth_now", "depth", _("How deep the relationship is now"), tools.DEPTH),
    ("breadth_now", "breadth", _("How broad the relationship is now"), tools.BREADTH),
    (
        "depth_needed",
        "depth",
        _("How deep it should be for the outcomes wanted"),
        tools.DEPTH,
    ),
    (
        "breadth_needed",
        "breadth",
        _("How broad it should be for the outcomes wanted"),
        tools.BREADTH,
    ),
)


def _scales(values: Sequence[int | None]) -> tuple[int, int, int, int] | None:
    """The four placement scales (PLACEMENT_FIELDS' order), or None when any is left empty."""
    depth_now, breadth_now, depth_needed, breadth_needed = values
    if depth_now is None or breadth_now is None or depth_needed is None or breadth_needed is None:
        return None
    return depth_now, breadth_now, depth_needed, breadth_needed


class RelationshipsForm(forms.Form):
    """Each relationship of the lead's organisation on the depth × breadth matrix, twice."""

    def __init__(self, *args, lead: ContextRespondent, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.pairs = tools.relationships_for(lead)
        existing = {
            (p.organisation_a_id, p.organisation_b_id): p
            for p in lead.relationship_placements.all()
        }
        layout = []
        for a, b in self.pairs:
            label = tools.pair_label(a, b)
            placed = existing.get((a.pk, b.pk))
            layout.append(_heading(label))
            for name, _kind, question, scale in PLACEMENT_FIELDS:
                key = f"{name}_{a.pk}_{b.pk}"
                self.fields[key] = _radio(
                    f"{label}: {str(question).lower()}",
                    [Choice(i, f"{i} – {gettext(text)}") for i, text in scale.items()],
                    initial=getattr(placed, name) if placed else None,
                )
                layout.append(Field.radios(key, legend_size="s", small=True))
        area = tools.service_area_of(lead)
        self.fields["area"] = forms.CharField(
            label=_("A service area (optional)"),
            help_text=_(
                "For example, hospital discharge for older people. Place it on the matrix below "
                "in the same way."
            ),
            max_length=200,
            required=False,
            initial=area.service_area if area else "",
        )
        layout += [_heading(_("A service area")), Field.text("area")]
        for name, _kind, question, scale in PLACEMENT_FIELDS:
            key = f"{name}_area"
            self.fields[key] = _radio(
                _("The service area: %(question)s") % {"question": str(question).lower()},
                [Choice(i, f"{i} – {gettext(text)}") for i, text in scale.items()],
                initial=getattr(area, name) if area else None,
            )
            layout.append(Field.radios(key, legend_size="s", small=True))
        self.helper = _helper(*layout)

    def clean(self):
        data = super().clean()
        for a, b in self.pairs:
            keys = [f"{name}_{a.pk}_{b.pk}" for name, *_ in PLACEMENT_FIELDS]
            given = [data.get(key) is not None for key in keys]
            if any(given) and not all(given):
                label = tools.pair_label(a, b)
                for key, ok, (_name, _kind, question, _scale) in zip(
                    keys, given, PLACEMENT_FIELDS, strict=True
                ):
                    if not ok:
                        self.add_error(
                            key,
                            _("%(pair)s: choose %(question)s, or leave all four empty.")
                            % {"pair": label, "question": str(question).lower()},
                        )
        area_keys = [f"{name}_area" for name, *_ in PLACEMENT_FIELDS]
        given = [data.get(key) is not None for key in area_keys]
        if data.get("area") and not all(given):
            for key, ok, (_name, _kind, question, _scale) in zip(
                area_keys, given, PLACEMENT_FIELDS, strict=True
            ):
                if not ok:
                    self.add_error(
                        key,
                        _("The service area: choose %(question)s.")
                        % {"question": str(question).lower()},
                    )
        elif any(given) and not data.get("area"):
            self.add_error(
                "area", _("Enter the name of the service area, or leave its scales empty.")
            )
        return data

    def service_area(self) -> tuple[str, tuple[int, int, int, int] | None]:
        values: list[int | None] = [
            self.cleaned_data.get(f"{n}_area") for n, *_ in PLACEMENT_FIELDS
        ]
        name: str = self.cleaned_data.get("area", "")
        return name, (_scales(values) if name else None)

    def placements(self) -> dict[tuple[int, int], tuple[int, int, int, int] | None]:
        result: dict[tuple[int, int], tuple[int, int, int, int] | None] = {}
        for a, b in self.pairs:
            values: list[int | None] = [
                self.cleaned_data.get(f"{n}_{a.pk}_{b.pk}") for n, *_ in PLACEMENT_FIELDS
            ]
            result[(a.pk, b.pk)] = _scales(values)
        return result


class ImportanceForm(forms.Form):
    importance = forms.TypedChoiceField(
        label=_("How strategically important is the joint work to your own organisation?"),
        help_text=_("Think of your organisation's own priorities, not the partnership's."),
        choices=[
            Choice(i, format_lazy("{} – {}", i, _(text))) for i, text in tools.IMPORTANCE.items()
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how important the joint work is to your organisation.")
        },
    )
    reason = forms.CharField(
        label=_("Why? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lead: ContextRespondent, **kwargs):
        rating = getattr(lead, "strategic_importance", None)
        if rating is not None:
            kwargs.setdefault("initial", {"importance": rating.importance, "reason": rating.reason})
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.fields["importance"].label = _(
            "How strategically important is the joint work to %(organisation)s?"
        ) % {"organisation": lead.organisation.name}
        self.helper = _helper(Field.radios("importance", legend_size="m"), Field.textarea("reason"))


TOOL_FORMS = {
    "integration": IntegrationForm,
    "relationships": RelationshipsForm,
    "importance": ImportanceForm,
}
TOOL_TITLES = {
    "integration": _("Levels of integration"),
    "relationships": _("Depth and breadth of relationships"),
    "importance": _("Strategic importance"),
}
