"""Forms of the codebook pages: a theme (name, description, the theme it is a sub-theme of, and
on its own page the memo), and merging one theme into another."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.models import FollowUpSchedule, Theme
from outcomes.services.codebook import NAME_MAX_LENGTH


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class ThemeForm(forms.Form):
    """A new theme, or the changes to one (with its memo)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("A few words, in the words people used where you can."),
        error_messages={
            "required": _("Enter the theme's name"),
            "max_length": _("Keep the name to %(limit_value)d characters or fewer"),
        },
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What a passage must say to be coded to it: coders read this."),
    )
    parent = ThemeChoiceField(
        queryset=Theme.objects.none(),
        label=_("Sub-theme of (optional)"),
        required=False,
        empty_label=_("None: it is a theme of its own"),
        error_messages={"invalid_choice": _("Choose one of the themes listed")},
    )
    memo = forms.CharField(
        label=_("Memo (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Notes for the evaluators: how the theme came about, doubts, what to discuss."),
    )

    def __init__(
        self, *args, schedule: FollowUpSchedule, theme: Theme | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        parents = Theme.objects.filter(schedule=schedule, parent=None).order_by("pk")
        if theme is not None:
            parents = parents.exclude(pk=theme.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        fields = [Field.text("name"), Field.textarea("description"), Field.select("parent")]
        if theme is None:
            del self.fields["memo"]
        else:
            fields.append(Field.textarea("memo"))
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *fields, Button("save", _("Add the theme") if theme is None else _("Save the theme"))
        )


class MergeForm(forms.Form):
    """The theme to keep when merging: it takes the merged theme's codings."""

    into = ThemeChoiceField(
        queryset=Theme.objects.none(),
        label=_("Merge it into"),
        help_text=_(
            "The theme kept: the codings, sub-themes and memo of this one move to it, and this "
            "one is removed."
        ),
        error_messages={
            "required": _("Choose the theme to merge it into"),
            "invalid_choice": _("Choose one of the themes listed"),
        },
    )

    def __init__(self, *args, theme: Theme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        others = Theme.objects.filter(schedule_id=theme.schedule_id).exclude(pk=theme.pk)
        self.fields["into"].queryset = others.select_related("parent").order_by("pk")  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.select("into"),
            Button("merge", _("Merge the themes"), css_class="govuk-button--warning"),
        )
