"""The one place that decides who may see and do what in a partnership.

Every view resolves its partnership through `partnership_access` (or the `partnership_view`
decorator). Someone who is not a member gets 404, as if the partnership did not exist, so nobody
can even learn the names of other partnerships; a member whose role lacks the right gets 403.
A member who must first set up or verify two-factor authentication is sent to do so
(`poet.two_factor`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from poet import two_factor
from poet.models import Membership, Partnership, Role, Wave


class Right(StrEnum):
    VIEW = "view"  # see the partnership, its waves and dashboards
    MANAGE_PARTNERSHIP = "manage_partnership"  # organisations, groups, members, k, waves
    EVALUATE = "evaluate"  # design surveys, invite, collect, import, run comparisons
    VIEW_REPORTS = "view_reports"  # read and download reports


ROLE_RIGHTS: dict[str, frozenset[Right]] = {
    Role.ADMINISTRATOR: frozenset(Right),
    Role.EVALUATOR: frozenset({Right.VIEW, Right.EVALUATE, Right.VIEW_REPORTS}),
    Role.MANAGER: frozenset({Right.VIEW, Right.VIEW_REPORTS}),
}


@dataclass(frozen=True)
class Access:
    """What one person may do in one partnership."""

    partnership: Partnership
    role: str | None  # None for a superuser who is not a member
    rights: frozenset[Right]

    def can(self, right: Right) -> bool:
        return right in self.rights

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else gettext("Site administrator")


def partnerships_for(user) -> QuerySet[Partnership]:
    """The partnerships a person may see at all."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    return Partnership.objects.filter(memberships__user=user).distinct()


def roles_by_partnership(user) -> dict[int, str]:
    """A person's role in each partnership they belong to, by partnership id."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("partnership_id", "role"))


def partnership_access(user, slug: str, right: Right = Right.VIEW) -> Access:
    """Resolve a partnership for a person: 404 unless a member, 403 without the right.

    Raises `TwoFactorRequired` (a redirect, via `TwoFactorMiddleware`) when the person must first
    set up or verify two-factor authentication.
    """
    if not user.is_authenticated or "\x00" in slug:  # no slug holds NUL (PostgreSQL refuses it)
        raise Http404
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise Http404
    if user.is_superuser:
        access = Access(partnership, None, frozenset(Right))
    else:
        membership = Membership.objects.filter(user=user, partnership=partnership).first()
        if membership is None:
            raise Http404
        access = Access(partnership, membership.role, ROLE_RIGHTS[membership.role])
    # Only members learn of the partnership's 2FA rule (others got 404 above); it comes before the
    # right, so nothing more about the partnership is answered before the second factor.
    two_factor.check(user, partnership, access.role)
    if not access.can(right):
        raise PermissionDenied
    return access


def wave_of(access: Access, slug: str) -> Wave:
    """A wave, only ever looked up inside the partnership the person may see."""
    if "\x00" in slug:  # the API's paths take any text; no slug holds NUL
        raise Http404
    return get_object_or_404(Wave, partnership=access.partnership, slug=slug)


def wave_view(right: Right = Right.VIEW) -> Callable:
    """Decorator for pages of one wave: as ``partnership_view``, and the ``wave`` URL argument
    resolved inside the partnership (404 otherwise). The view is called as
    ``view(request, access, wave, **other_kwargs)`` with the `Wave`; ``request.wave`` is set too
    (as pretix resolves ``request.event``)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def with_wave(request: HttpRequest, access: Access, wave: str, **kwargs) -> HttpResponse:
            resolved = wave_of(access, wave)
            request.wave = resolved  # type: ignore[attr-defined]  # read by templates
            return view(request, access, resolved, **kwargs)

        return partnership_view(right)(with_wave)

    return decorator


def partnership_view(right: Right = Right.VIEW) -> Callable:
    """Decorator: log in, resolve the `partnership` URL argument, and check the right.

    The view is called as `view(request, access, **other_kwargs)`.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, partnership: str, **kwargs) -> HttpResponse:
            access = partnership_access(request.user, partnership, right)
            request.access = access  # type: ignore[attr-defined]  # read by templates
            return view(request, access, **kwargs)

        wrapper.required_right = right  # type: ignore[attr-defined]  # read by the access tests
        return wrapper

    return decorator
