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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from poet.models import Organisation, StaffGroup, Wave
from poet.services import record_audit
from surveys.models import OpenLink, StaffHeadcount
from surveys.selectors.headcounts import (
    Cell,
    counted_in_cell,
    open_link_responses,
)

MAX_HEADCOUNT = 100_000


class HeadcountError(Exception):
    """A headcount change, confirmation or discard refused, worded for the person asking."""


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
            raise HeadcountError(_("Choose organisations and staff groups of this partnership."))
        if n is not None and not 0 <= n <= MAX_HEADCOUNT:
            raise HeadcountError(
                _("A headcount is a whole number from 0 to %(most)s.")
                % {"most": f"{MAX_HEADCOUNT:,}"}
            )
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
        if row is None:  # so old is 0 and new is not
            StaffHeadcount.objects.create(wave=wave, organisation_id=o, staff_group_id=g, count=new)
        elif new == 0:
            row.delete()
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
        raise HeadcountError(_("Choose an organisation and staff group of this partnership."))
    return open_link_responses(wave.pk).filter(
        organisation=organisation, staff_group=staff_group, awaiting_confirmation=True
    )


def _check_expected(found: int, expected: int | None) -> None:
    if found == 0:
        raise HeadcountError(_("No responses of this group are awaiting confirmation."))
    if expected is not None and found != expected:
        raise HeadcountError(
            _(
                "More responses of this group arrived while you were looking: check the number "
                "waiting and choose again."
            )
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
    counted = counted_in_cell(wave.pk, organisation.pk, staff_group.pk)
    row, _created = StaffHeadcount.objects.select_for_update().get_or_create(
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
