"""A demo partnership to explore POET with, one login per role."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from poet.library import load_library
from poet.models import (
    Membership,
    Organisation,
    OutcomeStatement,
    Partnership,
    Role,
    StaffGroup,
    UserGroup,
    Wave,
)

DEMO_PASSWORD = "poet-demo-2026"
DEMO_ORGANISATIONS = [
    ("Riverside NHS Foundation Trust", Organisation.Kind.NHS),
    ("Riverside City Council Adult Social Care", Organisation.Kind.LOCAL_AUTHORITY),
    ("Age Concern Riverside", Organisation.Kind.VOLUNTARY),
]
DEMO_USER_GROUPS = ["Older people living at home", "People living with dementia"]
DEMO_LOGINS = {
    Role.ADMINISTRATOR: "demo-admin",
    Role.EVALUATOR: "demo-evaluator",
    Role.MANAGER: "demo-manager",
}


@dataclass
class Demo:
    partnership: Partnership
    wave: Wave
    logins: dict[str, str]  # role label -> username
    password: str


@transaction.atomic
def create_demo_partnership() -> Demo:
    """Create (or refresh) the demo partnership; safe to run again."""
    load_library(OutcomeStatement)  # the built-in outcome statements the demo asks about
    partnership, _ = Partnership.objects.get_or_create(
        slug="riverside",
        defaults={
            "name": "Riverside Health and Care Partnership",
            "description": "An NHS trust, the city council and a voluntary organisation "
            "supporting older people to live well at home.",
        },
    )
    for name, kind in DEMO_ORGANISATIONS:
        Organisation.objects.get_or_create(partnership=partnership, name=name, kind=kind)
    for name in StaffGroup.DEFAULTS:
        StaffGroup.objects.get_or_create(partnership=partnership, name=name)
    for name in DEMO_USER_GROUPS:
        UserGroup.objects.get_or_create(partnership=partnership, name=name)
    wave, _ = Wave.objects.get_or_create(
        partnership=partnership, slug="baseline-2026", defaults={"name": "Baseline 2026"}
    )
    User = get_user_model()
    logins = {}
    for role, username in DEMO_LOGINS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = f"Demo {Role(role).label.lower()}"
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, partnership=partnership, defaults={"role": role}
        )
        logins[str(Role(role).label)] = username
    return Demo(partnership, wave, logins, DEMO_PASSWORD)
