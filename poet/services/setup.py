"""Setting up a partnership: its members and roles, organisations and groups, waves, and k."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from poet.models import (
    MAX_K,
    MIN_K,
    Membership,
    Organisation,
    Partnership,
    Role,
    StaffGroup,
    UserGroup,
    Wave,
)
from poet.services.audit import record_audit


class SetupError(Exception):
    """A set-up rule was broken; the message is for the person who broke it."""


def unique_slug(model, text: str, *, max_length: int = 80, **scope) -> str:
    """A slug for `text` that no other row of `model` in `scope` has yet."""
    base = (slugify(text) or "item")[: max_length - 4].strip("-")
    slug, n = base, 2
    while model.objects.filter(slug=slug, **scope).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_partnership(name: str, *, creator, description: str = "") -> Partnership:
    """A new partnership, with the default staff groups and its creator as administrator."""
    partnership = Partnership.objects.create(
        name=name, slug=unique_slug(Partnership, name), description=description
    )
    StaffGroup.objects.bulk_create(
        StaffGroup(partnership=partnership, name=n) for n in StaffGroup.DEFAULTS
    )
    Membership.objects.create(user=creator, partnership=partnership, role=Role.ADMINISTRATOR)
    record_audit("partnership.created", actor=creator, partnership=partnership, target=name)
    return partnership


def create_wave(
    partnership: Partnership, name: str, *, opens_on=None, closes_on=None, actor=None
) -> Wave:
    """A new draft wave; its opening date is the planned one until it is opened."""
    if opens_on and closes_on and closes_on < opens_on:
        raise SetupError(_("The closing date must be on or after the opening date."))
    wave = Wave.objects.create(
        partnership=partnership,
        name=name,
        slug=unique_slug(Wave, name, partnership=partnership),
        opens_on=opens_on,
        closes_on=closes_on,
    )
    record_audit("wave.created", actor=actor, partnership=partnership, target=name)
    return wave


NamedModel = type[Organisation] | type[StaffGroup] | type[UserGroup]


def add_named(model: NamedModel, partnership: Partnership, *, name: str, actor, **fields) -> None:
    """Add an organisation, staff group or user group; a name already on the list is refused."""
    name = name.strip()
    taken = SetupError(_("“%(name)s” is already on the list.") % {"name": name})
    if model.objects.filter(partnership=partnership, name__iexact=name).exists():
        raise taken
    try:
        with transaction.atomic():
            model.objects.create(partnership=partnership, name=name, **fields)
    except IntegrityError as exc:
        raise taken from exc
    record_audit(
        f"{model._meta.model_name}.added", actor=actor, partnership=partnership, target=name
    )


def remove_named(obj, *, actor) -> None:
    """Remove an organisation or group that nothing refers to yet."""
    try:
        obj.delete()
    except ProtectedError as exc:
        raise SetupError(
            _("“%(name)s” cannot be removed: invitations or answers refer to it.") % {"name": obj}
        ) from exc
    record_audit(
        f"{obj._meta.model_name}.removed", actor=actor, partnership=obj.partnership, target=str(obj)
    )


@transaction.atomic
def add_member(partnership: Partnership, *, email: str, name: str, role: str, actor):
    """Give someone a role; a person new to POET gets an account and a set-your-password e-mail.

    Returns (membership, created_account).
    """
    User = get_user_model()
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    created = existing is None
    if existing is None:
        first, _space, last = name.strip().partition(" ")
        user = User(username=unique_username(email), email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    else:
        user = existing
    if Membership.objects.filter(user=user, partnership=partnership).exists():
        raise SetupError(_("%(email)s is already a member of this partnership.") % {"email": email})
    membership = Membership.objects.create(user=user, partnership=partnership, role=role)
    record_audit("member.added", actor=actor, partnership=partnership, target=email, role=role)
    return membership, created


def unique_username(email: str) -> str:
    User = get_user_model()
    base = email.split("@")[0][:140] or "user"
    username, n = base, 2
    while User.objects.filter(username=username).exists():
        username, n = f"{base}{n}", n + 1
    return username


@transaction.atomic
def change_role(membership, role: str, *, actor) -> None:
    if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        _keep_an_administrator(membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_audit(
        "member.role_changed",
        actor=actor,
        partnership=membership.partnership,
        target=membership.user.email or membership.user.username,
        old=old,
        new=role,
    )


@transaction.atomic
def remove_member(membership, *, actor) -> None:
    if membership.role == Role.ADMINISTRATOR:
        _keep_an_administrator(membership)
    membership.delete()
    record_audit(
        "member.removed",
        actor=actor,
        partnership=membership.partnership,
        target=membership.user.email or membership.user.username,
    )


def _keep_an_administrator(membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(partnership=membership.partnership, role=Role.ADMINISTRATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise SetupError(_("A partnership needs at least one administrator."))


def set_minimum_group_size(partnership: Partnership, k: int, *, reason: str, actor) -> None:
    """Change k; every change is written to the audit log with its reason."""
    if not MIN_K <= k <= MAX_K:
        raise ValueError(f"The minimum group size must be between {MIN_K} and {MAX_K}.")
    if not reason.strip():
        raise ValueError("Say why the minimum group size is changing.")
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        old = locked.minimum_group_size
        if old == k:
            return
        locked.minimum_group_size = k
        locked.save(update_fields=["minimum_group_size"])
        record_audit(
            "partnership.k_changed",
            actor=actor,
            partnership=locked,
            target=str(locked),
            reason=reason.strip(),
            old=old,
            new=k,
        )
    partnership.minimum_group_size = k


def set_keep_source_files(partnership: Partnership, keep: bool, *, reason: str, actor) -> bool:
    """Whether uploaded notes and transcripts are kept as files besides their masked text
    (issue 16, item 1); audited with its reason. Returns False when nothing changed. Files
    already kept stay until the wave's personal data is deleted."""
    if not reason.strip():
        raise SetupError(_("Say why the original files are, or are no longer, kept."))
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        if locked.keep_source_files == keep:
            return False
        locked.keep_source_files = keep
        locked.save(update_fields=["keep_source_files"])
        record_audit(
            "partnership.source_files_changed",
            actor=actor,
            partnership=locked,
            target=str(locked),
            reason=reason.strip(),
            old=not keep,
            new=keep,
        )
    partnership.keep_source_files = keep
    return True


def set_thresholds(
    partnership: Partnership, *, celebrate: int, develop: int, reason: str, actor
) -> bool:
    """Change the % positive at which a process domain is an area for celebration (at or above)
    and for development (at or below) (DESIGN §4); audited with the old and new values.

    Returns False when nothing changed. Comparison runs from now on use the new values."""
    if not (0 <= develop < celebrate <= 100):
        raise SetupError(
            _(
                "The level for development must be below the level for celebration, both from 0 "
                "to 100."
            )
        )
    if not reason.strip():
        raise SetupError(_("Say why the thresholds are changing."))
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        old = {"celebrate": locked.celebrate_threshold, "develop": locked.develop_threshold}
        new = {"celebrate": celebrate, "develop": develop}
        if old == new:
            return False
        locked.celebrate_threshold, locked.develop_threshold = celebrate, develop
        locked.save(update_fields=["celebrate_threshold", "develop_threshold"])
        record_audit(
            "partnership.thresholds_changed",
            actor=actor,
            partnership=locked,
            target=str(locked),
            reason=reason.strip(),
            old=old,
            new=new,
        )
    partnership.celebrate_threshold, partnership.develop_threshold = celebrate, develop
    return True
