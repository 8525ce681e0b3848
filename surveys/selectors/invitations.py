"""Reading a wave's invitations and open link as the evaluator's pages show them: counts that
say nothing about who has answered."""

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from poet.models import Wave
from surveys.models import Invitation, InvitationToken, OpenLink
from surveys.selectors.headcounts import Cell


def invitation_summary(wave: Wave) -> dict[str, int]:
    """Counts that say nothing about who has answered: invited, e-mailed, still to e-mail."""
    invitations = Invitation.objects.filter(wave=wave)
    return {
        "invited": invitations.count(),
        "sent": invitations.filter(last_sent_at__isnull=False).count(),
        "unsent": invitations.filter(last_sent_at__isnull=True).exclude(email="").count(),
        "purged": invitations.filter(email_purged_at__isnull=False).count(),
        "with_email": invitations.exclude(email="").count(),
    }


def invited_by_cell(wave: Wave) -> dict[Cell, int]:
    """How many people the staff list holds per (organisation id, staff group id)."""
    return {
        (o, g): n
        for o, g, n in Invitation.objects.filter(wave=wave)
        .values_list("organisation_id", "staff_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    }


def open_link_of(wave: Wave) -> OpenLink | None:
    """The wave's open link, if it has one (working or turned off)."""
    return OpenLink.objects.filter(wave=wave).first()


def staff_list(wave: Wave, search: str = "") -> QuerySet[Any, Any]:
    """Who is on the wave's staff list, for the evaluator: e-mail address, organisation, staff
    group, when added and when first e-mailed, in e-mail address order, matching `search` (in
    any of the three).

    Nothing that says whether someone has answered: not when they were last e-mailed (reminders
    move it), nor how many reminders they got (only people who have not answered get one), nor
    any order or filter that depends on either.
    """
    first_sent = (
        InvitationToken.objects.filter(invitation=OuterRef("pk"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    people = Invitation.objects.filter(wave=wave)
    for word in search.split():
        people = people.filter(
            Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(staff_group__name__icontains=word)
        )
    return (
        people.annotate(first_sent_at=Subquery(first_sent))
        .order_by("email", "pk")
        .values(
            "email",
            "organisation__name",
            "staff_group__name",
            "created_at",
            "first_sent_at",
            "email_purged_at",
        )
    )
