"""Forms of the evaluator's questionnaire pages (GOV.UK Design System through crispy-forms)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from poet.models import OutcomeStatement
from surveys.models import Item
from surveys.questionnaire_template import TOP3
from surveys.services.design import CHOICE_KINDS, CODE_PATTERN, RESERVED_SUFFIXES, parse_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _helper(*fields, button: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button or _("Save")))
    return helper


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OutcomeStatement) -> str:
        return f"{obj.text} ({obj.code})"


class OutcomesForm(forms.Form):
    outcomes = OutcomeChoiceField(
        queryset=OutcomeStatement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Which outcomes should staff be asked about?"),
        help_text=_(
            "Each outcome adds two questions: how important it is, and how far the "
            "partnership has achieved it. About eight keeps the survey short."
        ),
        error_messages={"required": _("Choose at least one outcome.")},
    )

    def __init__(self, *args, queryset=None, button: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds a copy of the field declared above; the stubs type it as Field.
        cast(OutcomeChoiceField, self.fields["outcomes"]).queryset = queryset
        self.helper = _helper(
            Field.checkboxes("outcomes", legend_size=Size.MEDIUM, small=True), button=button
        )

    def clean_outcomes(self):
        outcomes = list(self.cleaned_data["outcomes"])
        codes = [o.code for o in outcomes]
        clashes = sorted({c for c in codes if codes.count(c) > 1})
        if clashes:
            raise forms.ValidationError(
                _("Two chosen outcomes share the code %(codes)s: choose only one.")
                % {"codes": ", ".join(clashes)}
            )
        return outcomes


class ItemForm(forms.Form):
    """Wording and rules of an existing question; its code is shown, never edited."""

    text = forms.CharField(
        label=_("Question or statement"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the question or statement.")},
    )
    help_text = forms.CharField(
        label=_("Hint (optional)"),
        max_length=500,
        required=False,
        help_text=_("Shown under the question to help people answer."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    allow_dont_know = forms.BooleanField(label=_("Offer “Don’t know”"), required=False)

    def __init__(self, *args, item: Item | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = item.kind if item is not None else ""
        fields = [
            Field.textarea("text", label_size=Size.SMALL),
            Field.text("help_text", label_size=Size.SMALL),
            Field.checkbox("required"),
        ]
        if self.kind == Item.Kind.LIKERT:
            fields.append(Field.checkbox("allow_dont_know"))
        else:
            del self.fields["allow_dont_know"]
        if item is not None and self.kind in CHOICE_KINDS and item.code != TOP3:
            self.fields["choices"] = choices_field(_("Options, one per line"), required=True)
            self.initial.setdefault("choices", "\n".join(c["label"] for c in item.choices))
            fields.append(Field.textarea("choices", label_size=Size.SMALL))
        if item is not None and self.kind == Item.Kind.MULTIPLE:
            self.fields["max_choices"] = max_choices_field(_("Most options someone may pick"))
            self.initial.setdefault("max_choices", item.max_choices)
            fields.append(
                Field.text("max_choices", label_size=Size.SMALL, field_width=Fluid.ONE_QUARTER)
            )
        if item is not None and self.kind == Item.Kind.NUMBER:
            self.fields["min_value"] = number_field(
                _("Smallest number allowed (optional)"),
                _("Enter a number for the smallest number allowed."),
            )
            self.fields["max_value"] = number_field(
                _("Largest number allowed (optional)"),
                _("Enter a number for the largest number allowed."),
            )
            self.initial.setdefault("min_value", item.min_value)
            self.initial.setdefault("max_value", item.max_value)
            for name in ("min_value", "max_value"):
                fields.append(
                    Field.text(name, label_size=Size.SMALL, field_width=Fluid.ONE_QUARTER)
                )
        self.helper = _helper(*fields)

    def clean(self):
        data = super().clean()
        check_option_rules(self, self.kind, data)
        return data


def choices_field(label: StrPromise, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter at least two options, one per line.")},
    )


def max_choices_field(label: StrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Enter a whole number for the most options someone may pick."),
            "min_value": _("The most options someone may pick must be at least 1."),
        },
    )


def number_field(label: StrPromise, invalid: StrPromise) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"invalid": invalid},
    )


def check_option_rules(form: forms.Form, kind: str, data: dict) -> None:
    """The rules of options and number bounds, as errors on the fields concerned."""
    if kind in CHOICE_KINDS and "choices" in form.fields and "choices" not in form.errors:
        options = parse_choices(data.get("choices", ""))
        if len(options) < 2:
            form.add_error("choices", _("Enter at least two options, one per line."))
        elif len({o["value"].lower() for o in options}) != len(options):
            form.add_error("choices", _("Each option must be different."))
    low, high = data.get("min_value"), data.get("max_value")
    if kind == Item.Kind.NUMBER and low is not None and high is not None and low > high:
        form.add_error("max_value", _("The largest number must not be less than the smallest."))


class AddItemForm(forms.Form):
    section = forms.TypedChoiceField(
        label=_("Which section?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a section.")},
    )
    kind = forms.ChoiceField(
        label=_("What kind of question?"),
        widget=forms.RadioSelect,
        choices=Item.Kind.choices,
        error_messages={"required": _("Choose what kind of question this is.")},
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_(
            "Short and stable, for example EXTRA-1. It names the question in every "
            "version, download and import, and cannot be changed later."
        ),
        error_messages={"required": _("Enter a code.")},
    )
    text = forms.CharField(
        label=_("Question or statement"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the question or statement.")},
    )
    help_text = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    scale = forms.ChoiceField(
        label=_("Scale of answers (scale of 1 to 5 only)"),
        widget=forms.RadioSelect,
        choices=Item.Scale.choices,
        required=False,
        initial=Item.Scale.AGREEMENT,
    )
    allow_dont_know = forms.BooleanField(
        label=_("Offer “Don’t know” (scale of 1 to 5 only)"), required=False, initial=True
    )
    choices = choices_field(_("Options, one per line (choice and ranking questions only)"))
    max_choices = max_choices_field(
        _("Most options someone may pick (multiple choice only, optional)")
    )
    min_value = number_field(
        _("Smallest number allowed (number questions only, optional)"),
        _("Enter a number for the smallest number allowed."),
    )
    max_value = number_field(
        _("Largest number allowed (number questions only, optional)"),
        _("Enter a number for the largest number allowed."),
    )

    def __init__(self, *args, sections=(), existing_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_codes = {c.lower() for c in existing_codes}
        self.fields["section"].choices = [
            (i, f"{i}. {s.title}") for i, s in enumerate(sections, start=1)
        ]
        self.helper = _helper(
            Field.radios("section", legend_size=Size.SMALL, small=True),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.text("code", label_size=Size.SMALL, field_width=Fluid.ONE_THIRD),
            Field.textarea("text", label_size=Size.SMALL),
            Field.text("help_text", label_size=Size.SMALL),
            Field.checkbox("required"),
            Field.radios("scale", legend_size=Size.SMALL, small=True),
            Field.checkbox("allow_dont_know"),
            Field.textarea("choices", label_size=Size.SMALL),
            Field.text("max_choices", label_size=Size.SMALL, field_width=Fluid.ONE_QUARTER),
            Field.text("min_value", label_size=Size.SMALL, field_width=Fluid.ONE_QUARTER),
            Field.text("max_value", label_size=Size.SMALL, field_width=Fluid.ONE_QUARTER),
            button=_("Add question"),
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(
                _(
                    "Enter a code of letters, digits, dots, dashes or underscores, starting with a "
                    "letter or digit."
                )
            )
        if code.lower().endswith(RESERVED_SUFFIXES):
            raise forms.ValidationError(
                _("Codes ending in .importance or .achievement are kept for outcome questions.")
            )
        if code.lower() in self.existing_codes:
            raise forms.ValidationError(
                _("Another question already has the code %(code)s.") % {"code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Item.Kind.LIKERT and not data.get("scale"):
            self.add_error("scale", _("Choose the scale of answers."))
        check_option_rules(self, kind, data)
        return data


class SectionForm(forms.Form):
    title = forms.CharField(
        label=_("Section title"), max_length=200, error_messages={"required": _("Enter a title.")}
    )
    introduction = forms.CharField(
        label=_("Introduction (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown at the top of the section's page."),
    )

    def __init__(self, *args, button: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", label_size=Size.SMALL),
            Field.textarea("introduction", label_size=Size.SMALL),
            button=button,
        )


class TextsForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Enter a title.")}
    )
    introduction = forms.CharField(
        label=_("Introduction: why the survey is being done"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Say why the survey is being done.")},
    )
    privacy_notice = forms.CharField(
        label=_("Privacy notice"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter the privacy notice.")},
    )
    contact = forms.CharField(
        label=_("Who to contact with questions (optional)"),
        help_text=_(
            "A name or role, and an e-mail address or phone number. Shown on every page "
            "of the survey; without it, people are told to ask whoever sent them the link."
        ),
        max_length=300,
        required=False,
        error_messages={"max_length": _("Who to contact must be 300 characters or fewer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", label_size=Size.SMALL),
            Field.textarea("introduction", label_size=Size.SMALL),
            Field.textarea("privacy_notice", label_size=Size.SMALL),
            Field.text("contact", label_size=Size.SMALL),
        )


class ClosingDateForm(forms.Form):
    closes_on = DateInputField(
        label=_("Closing date"),
        required=False,
        help_text=_(
            "The last day answers are accepted, for example 27 3 2027. Leave empty for "
            "no closing date."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].require_all_fields = False
        self.helper = _helper(Field("closes_on", context={"legend_size": Size.for_legend("s")}))
