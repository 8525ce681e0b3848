"""Reading the headcounts of the staff the open link reaches, and the open-link responses that
await confirmation beyond them (the rules: `surveys.services.headcounts`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from poet.models import Audience, Organisation, StaffGroup, Wave
from surveys.models import Invitation, OpenLink, Response, StaffHeadcount

Cell = tuple[int, int]  # (organisation id, staff group id)


def staff_headcounts(wave: Wave) -> dict[tuple[str, str], int]:
    """Per (organisation name, staff group name): the headcount an attacker holding the staff
    list knows, the cell's invitations plus the headcount recorded for the open link. Cells with
    neither are left out (a headcount of 0)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    invited = (
        Invitation.objects.filter(wave=wave)
        .values_list("organisation__name", "staff_group__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recorded = StaffHeadcount.objects.filter(wave=wave, count__gt=0).values_list(
        "organisation__name", "staff_group__name", "count"
    )
    for organisation, group, n in [*invited, *recorded]:
        counts[(organisation, group)] += n
    return dict(counts)


def recorded_headcounts(wave: Wave) -> dict[Cell, int]:
    """The recorded open-link headcounts by (organisation id, staff group id)."""
    return {
        (o, g): n
        for o, g, n in StaffHeadcount.objects.filter(wave=wave).values_list(
            "organisation_id", "staff_group_id", "count"
        )
    }


def open_link_responses(wave_id: int):
    return Response.objects.filter(wave_id=wave_id, audience=Audience.STAFF, via_open_link=True)


@dataclass(frozen=True)
class AwaitingCell:
    """One organisation × staff group with open-link responses awaiting confirmation."""

    organisation: Organisation
    staff_group: StaffGroup
    awaiting: int
    recorded: int


def awaiting_confirmation(wave: Wave) -> list[AwaitingCell]:
    """The cells with responses awaiting confirmation, how many each, and their recorded
    headcount; by organisation and staff group name. Counts only: never an answer, a day or an
    order of arrival."""
    rows = (
        open_link_responses(wave.pk)
        .filter(awaiting_confirmation=True)
        .values_list("organisation_id", "staff_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not rows:
        return []
    organisations = Organisation.objects.in_bulk([o for o, _, _ in rows])
    groups = StaffGroup.objects.in_bulk([g for _, g, _ in rows])
    recorded = recorded_headcounts(wave)
    cells = [
        AwaitingCell(organisations[o], groups[g], n, recorded.get((o, g), 0)) for o, g, n in rows
    ]
    return sorted(cells, key=lambda c: (c.organisation.name.casefold(), c.staff_group.name))


def awaiting_total(wave: Wave) -> int:
    """How many open-link responses of the wave await confirmation."""
    return open_link_responses(wave.pk).filter(awaiting_confirmation=True).count()


def open_link_is_full(link: OpenLink) -> bool:
    """Whether the link has taken as many responses as it may (awaiting ones included)."""
    return open_link_responses(link.wave_id).count() >= link.max_responses


def has_open_place(wave_id: int, organisation_id: int, staff_group_id: int) -> bool:
    """Whether one more open-link response fits in the cell's recorded headcount (none recorded:
    no place). Call under `lock_open_link` when the answer decides a write."""
    recorded = (
        StaffHeadcount.objects.filter(
            wave_id=wave_id, organisation_id=organisation_id, staff_group_id=staff_group_id
        )
        .values_list("count", flat=True)
        .first()
    ) or 0
    if recorded == 0:
        return False
    counted = counted_in_cell(wave_id, organisation_id, staff_group_id)
    return counted < recorded


def counted_in_cell(wave_id: int, organisation_id: int, staff_group_id: int) -> int:
    return (
        open_link_responses(wave_id)
        .filter(
            organisation_id=organisation_id,
            staff_group_id=staff_group_id,
            awaiting_confirmation=False,
        )
        .count()
    )


# --- writes ------------------------------------------------------------------------------------
