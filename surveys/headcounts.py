"""Headcounts of the staff the open link reaches, and open-link responses beyond them.

Anyone holding a wave's open link can answer, so a threshold on answers alone can be met with
answers of known value: eight made-up responses beside two real ones make a group "of ten", and
the two real people's answers follow by subtraction (padding; DESIGN §4). So:

- an administrator records, per organisation × staff group, how many staff the open link reaches
  who are not on the staff list (`StaffHeadcount`); with the cell's invitations that is the
  headcount an attacker holding the staff list knows (`staff_headcounts`, which the disclosure
  engine reads: a group is shown only when its headcount also reaches k);
- an open-link response beyond its cell's recorded headcount is stored but awaits confirmation:
  counted nowhere until an evaluator confirms its cell's batch (which raises the headcount to
  match) or discards it. The evaluator sees how many wait in each cell, never their answers.

Only open-link responses take open-link places: invitations are the people on the staff list, and
whether they have answered plays no part here, so a flag says nothing about them.

Every change of a headcount, confirmation and discard is in the audit log. They all lock the
wave's open link row first, as a submit through the open link does, so the numbers they compare
cannot change under them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from poet.models import Audience, Organisation, StaffGroup, Wave
from poet.services import record_audit
from surveys.models import Invitation, OpenLink, Response, StaffHeadcount

Cell = tuple[int, int]  # (organisation id, staff group id)
MAX_HEADCOUNT = 100_000


class HeadcountError(Exception):
    """A headcount change, confirmation or discard refused, worded for the person asking."""


# --- reads -------------------------------------------------------------------------------------


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


def _open_link_responses(wave_id: int):
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
        _open_link_responses(wave.pk)
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
    return _open_link_responses(wave.pk).filter(awaiting_confirmation=True).count()


def open_link_is_full(link: OpenLink) -> bool:
    """Whether the link has taken as many responses as it may (awaiting ones included)."""
    return _open_link_responses(link.wave_id).count() >= link.max_responses


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
    counted = _counted_in_cell(wave_id, organisation_id, staff_group_id)
    return counted < recorded


def _counted_in_cell(wave_id: int, organisation_id: int, staff_group_id: int) -> int:
    return (
        _open_link_responses(wave_id)
        .filter(
            organisation_id=organisation_id,
            staff_group_id=staff_group_id,
            awaiting_confirmation=False,
        )
        .count()
    )


# --- writes ------------------------------------------------------------------------------------


def lock_open_link(wave_id: int) -> OpenLink | None:
    """Lock the wave's open link row (inside a transaction): the one lock every open-link
    submit, headcount change, confirmation and discard of the wave takes first."""
    return OpenLink.objects.select_for_update().filter(wave_id=wave_id).first()


def _label(organisation: Organisation, staff_group: StaffGroup) -> str:
    return f"{staff_group.name} at {organisation.name}"


@transaction.atomic
def set_headcounts(wave: Wave, counts: dict[Cell, int | None], *, actor=None) -> int:
    """Record the open-link headcounts of the cells given (None or 0: none recorded); returns
    how many cells changed, each written to the audit log with its old and new value.

    Cells must be organisations and staff groups of the wave's partnership. Lowering a headcount
    below the open-link responses already counted in a cell only hides more: those responses
    still count, and further ones wait for confirmation.
    """
    organisations = {o.pk: o for o in Organisation.objects.filter(partnership=wave.partnership)}
    groups = {g.pk: g for g in StaffGroup.objects.filter(partnership=wave.partnership)}
    for (o, g), n in counts.items():
        if o not in organisations or g not in groups:
            raise HeadcountError("Choose organisations and staff groups of this partnership.")
        if n is not None and not 0 <= n <= MAX_HEADCOUNT:
            raise HeadcountError(f"A headcount is a whole number from 0 to {MAX_HEADCOUNT:,}.")
    lock_open_link(wave.pk)
    existing = {
        (h.organisation_id, h.staff_group_id): h
        for h in StaffHeadcount.objects.select_for_update().filter(wave=wave)
    }
    changes = []
    for (o, g), n in sorted(counts.items()):
        new = n or 0
        row = existing.get((o, g))
        old = row.count if row else 0
        if new == old:
            continue
        if new == 0:
            row.delete()
        elif row is None:
            StaffHeadcount.objects.create(wave=wave, organisation_id=o, staff_group_id=g, count=new)
        else:
            row.count = new
            row.save(update_fields=["count"])
        changes.append({"cell": _label(organisations[o], groups[g]), "old": old, "new": new})
    if changes:
        record_audit(
            "headcounts.changed",
            actor=actor,
            partnership=wave.partnership,
            target=str(wave),
            changes=changes,
        )
    return len(changes)


def _awaiting_in_cell(wave: Wave, organisation: Organisation, staff_group: StaffGroup):
    if (
        organisation.partnership_id != wave.partnership_id
        or staff_group.partnership_id != wave.partnership_id
    ):
        raise HeadcountError("Choose an organisation and staff group of this partnership.")
    return _open_link_responses(wave.pk).filter(
        organisation=organisation, staff_group=staff_group, awaiting_confirmation=True
    )


def _check_expected(found: int, expected: int | None) -> None:
    if found == 0:
        raise HeadcountError("No responses of this group are awaiting confirmation.")
    if expected is not None and found != expected:
        raise HeadcountError(
            "More responses of this group arrived while you were looking: check the number "
            "waiting and choose again."
        )


@transaction.atomic
def confirm_awaiting(
    wave: Wave,
    organisation: Organisation,
    staff_group: StaffGroup,
    *,
    expected: int | None = None,
    actor=None,
) -> int:
    """Count the cell's responses awaiting confirmation (they are genuine): they get today as
    their day, and the cell's recorded headcount rises to cover every open-link response it
    counts. `expected` is the number the evaluator saw; if more arrived since, nothing changes.
    Returns how many were confirmed."""
    lock_open_link(wave.pk)
    waiting = _awaiting_in_cell(wave, organisation, staff_group)
    found = waiting.count()
    _check_expected(found, expected)
    confirmed = waiting.update(awaiting_confirmation=False, submitted_on=timezone.localdate())
    counted = _counted_in_cell(wave.pk, organisation.pk, staff_group.pk)
    row, _ = StaffHeadcount.objects.select_for_update().get_or_create(
        wave=wave, organisation=organisation, staff_group=staff_group, defaults={"count": 0}
    )
    old = row.count
    if counted > row.count:
        row.count = counted
        row.save(update_fields=["count"])
    record_audit(
        "open_link.confirmed",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        cell=_label(organisation, staff_group),
        count=confirmed,
        headcount_old=old,
        headcount_new=row.count,
    )
    return confirmed


@transaction.atomic
def discard_awaiting(
    wave: Wave,
    organisation: Organisation,
    staff_group: StaffGroup,
    *,
    expected: int | None = None,
    actor=None,
) -> int:
    """Delete the cell's responses awaiting confirmation, answers and all (they are not
    genuine). `expected` as for `confirm_awaiting`. Returns how many were deleted."""
    lock_open_link(wave.pk)
    waiting = _awaiting_in_cell(wave, organisation, staff_group)
    found = waiting.count()
    _check_expected(found, expected)
    waiting.delete()
    record_audit(
        "open_link.discarded",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        cell=_label(organisation, staff_group),
        count=found,
    )
    return found
