"""Optional two-factor authentication (TOTP, django-otp), which a partnership may require.

Anyone may add an authenticator app to their account. Once they have one, every partnership page
asks for a code once per sign-in. A partnership can require two-factor for its evaluators and
administrators (the people who see results and manage members); they are sent to set it up first.
Partnership pages call `check` through `poet.permissions.partnership_access`; the exception it
raises is turned into a redirect by `TwoFactorMiddleware`, so no view has to remember it.
"""

from base64 import b32encode
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from poet.models import Partnership, Role
from poet.services import record_audit

ROLES_THAT_MAY_BE_REQUIRED = frozenset({Role.EVALUATOR, Role.ADMINISTRATOR})
DEVICE_NAME = "Authenticator app"


class TwoFactorRequired(Exception):
    """Raised on a partnership page the person may not see until they set up or verify 2FA."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step  # "setup" or "verify"


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user) -> bool:
    """True when this sign-in was confirmed with a code (set by django-otp's middleware)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def is_required(partnership: Partnership, role: str | None) -> bool:
    return partnership.require_two_factor and role in ROLES_THAT_MAY_BE_REQUIRED


def check(user, partnership: Partnership, role: str | None) -> None:
    """Raise `TwoFactorRequired` unless this person may see the partnership in this sign-in."""
    if is_verified(user):
        return
    if is_required(partnership, role):
        raise TwoFactorRequired("verify" if has_device(user) else "setup")
    if has_device(user):
        raise TwoFactorRequired("verify")


class TwoFactorMiddleware:
    """Turn `TwoFactorRequired` into a redirect to the setup or verify page, coming back after."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TwoFactorRequired):
            return None
        url = reverse("two_factor_setup" if exception.step == "setup" else "two_factor_verify")
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up: made once, so a reload keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    return device.config_url


@transaction.atomic
def confirm_device(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with its first code; the sign-in counts as verified from then on."""
    if not device.verify_token(_clean(token)):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()  # one app per person
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record_audit("account.two_factor_added", actor=request.user, target=request.user.get_username())
    return True


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code against the person's device and mark this sign-in as verified."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(_clean(token)):
            otp_login(request, device)
            return True
    return False


def is_throttled(user) -> bool:
    """After a wrong code django-otp makes people wait (1, 2, 4… seconds) before the next try."""
    return any(
        not device.verify_is_allowed()[0]
        for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )


def set_requirement(partnership: Partnership, required: bool, *, actor, reason: str = "") -> None:
    """Turn the partnership's two-factor requirement on or off, with an audit entry."""
    if partnership.require_two_factor == required:
        return
    with transaction.atomic():
        partnership.require_two_factor = required
        partnership.save(update_fields=["require_two_factor"])
        record_audit(
            "partnership.two_factor_required" if required else "partnership.two_factor_optional",
            actor=actor,
            partnership=partnership,
            target=partnership.name,
            reason=reason,
            new=required,
        )


def _clean(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]
