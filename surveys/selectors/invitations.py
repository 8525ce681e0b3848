"""Reading a wave's invitations and open link as the evaluator's pages show them: counts that
say nothing about who has answered."""

from django.db.models import Count

from poet.models import Wave
from surveys.models import Invitation, OpenLink
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
