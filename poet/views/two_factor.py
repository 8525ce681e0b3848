"""Account security pages: two-factor set-up and verification, the 2FA rule, lockout."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poet import two_factor
from poet.permissions import Access, Right, partnership_view


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy("The 6-digit code, for example 123456."),
        max_length=12,
        error_messages={
            "required": gettext_lazy("Enter the 6-digit code from your authenticator app")
        },
    )

    def __init__(self, *args, button: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("code", field_width=Fluid.ONE_THIRD),
            Button("submit", button or _("Continue")),
        )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6-digit code, numbers only"))
        return code


class RequirementForm(forms.Form):
    required = forms.TypedChoiceField(
        label=gettext_lazy("Must evaluators and administrators use two-factor authentication?"),
        choices=[
            ("yes", gettext_lazy("Yes, require it")),
            ("no", gettext_lazy("No, make it optional")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose whether two-factor authentication is required")
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Why is it changing?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Recorded in the audit log."),
        error_messages={"required": gettext_lazy("Enter why the rule is changing")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("required", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("submit", _("Save")),
        )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("home")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Whether this account has two-factor authentication, and a way to set it up or replace it."""
    return render(
        request,
        "poet/two_factor/account.html",
        {"has_device": two_factor.has_device(request.user)},
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret (text and otpauth link) and confirm it with the first code."""
    if two_factor.has_device(request.user) and not two_factor.is_verified(request.user):
        # Replacing an app needs the old one first, so a stolen password cannot swap it.
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None, button=_("Turn on two-factor authentication"))
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_device(request, device, form.cleaned_data["code"]):
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect(_next_url(request))
        form.add_error(
            "code", _("That code is not right: check the time on your phone and try again")
        )
    context = {
        "form": form,
        "secret": two_factor.secret_text(device),
        "otpauth_uri": two_factor.otpauth_uri(device),
        "next": _next_url(request),
        "page_title": _("Set up two-factor authentication"),
    }
    return render(request, "poet/two_factor/setup.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code once per sign-in before partnership pages."""
    if not two_factor.has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = two_factor.is_throttled(request.user)
        if not throttled and two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _("Too many wrong codes: wait a few seconds, then enter the newest code from your app")
            if throttled
            else _("That code is not right: enter the newest code from your app"),
        )
    context = {
        "form": form,
        "next": _next_url(request),
        "page_title": _("Enter your two-factor code"),
    }
    return render(request, "poet/two_factor/verify.html", context)


@partnership_view(Right.MANAGE_PARTNERSHIP)
def partnership_requirement(request: HttpRequest, access: Access) -> HttpResponse:
    """Administrators decide whether evaluators and administrators must use two-factor."""
    p = access.partnership
    form = RequirementForm(
        request.POST or None, initial={"required": "yes" if p.require_two_factor else "no"}
    )
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["required"]
        two_factor.set_requirement(
            p, required, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("Evaluators and administrators must now use two-factor authentication.")
            if required
            else _("Two-factor authentication is now optional in this partnership."),
        )
        return redirect("partnership_two_factor", partnership=p.slug)
    context = {
        "access": access,
        "partnership": p,
        "form": form,
        "page_title": _("Two-factor authentication"),
    }
    return render(request, "poet/two_factor/partnership.html", context)


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response: the sign-in page again, saying why and for how long."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked_out": True,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "next": request.POST.get("next", ""),
        },
        status=429,
    )
