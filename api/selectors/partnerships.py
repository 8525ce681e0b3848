"""What the API reads of partnerships and waves, always inside what the person may see."""

from django.db.models import QuerySet

from poet.models import Organisation, Partnership, StaffGroup, UserGroup, Wave
from poet.permissions import partnerships_for, roles_by_partnership


def partnerships_with_roles(user) -> list[tuple[Partnership, str | None]]:
    """The partnerships a person may see, each with their role there (None: site administrator)."""
    roles = roles_by_partnership(user)
    return [(p, roles.get(p.pk)) for p in partnerships_for(user).order_by("name", "pk")]


def waves_of(partnership: Partnership) -> QuerySet[Wave]:
    return partnership.waves.order_by("created_at", "pk")


def organisations_of(partnership: Partnership) -> QuerySet[Organisation]:
    return partnership.organisations.order_by("name", "pk")


def staff_groups_of(partnership: Partnership) -> QuerySet[StaffGroup]:
    return partnership.staff_groups.order_by("name", "pk")


def user_groups_of(partnership: Partnership) -> QuerySet[UserGroup]:
    return partnership.user_groups.order_by("name", "pk")
