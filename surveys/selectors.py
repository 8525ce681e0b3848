"""Read-side queries of the staff survey."""

from django.db.models import Count, Q

from poet.models import Audience, Wave
from poet.suppression import suppressed_keys, suppressed_keys_within_ceilings, total_is_hidden
from surveys.models import Invitation, OpenLink, Response


def submitted_response_counts(wave: Wave) -> dict[str, int]:
    """Submitted responses by organisation, in one query."""
    rows = (
        Response.objects.filter(wave=wave, audience=Audience.STAFF, submitted_on__isnull=False)
        .values_list("organisation__name")
        .annotate(responses=Count("pk"))
        .order_by("organisation__name")
    )
    return dict(rows)


def response_count_table(counts: dict[str, int], k: int) -> dict:
    """Counts ready to show: anything describing fewer than k people is None."""
    hidden = suppressed_keys(counts, k)
    total = sum(counts.values())
    return {
        "total": None if total_is_hidden(total, k) else total,
        "rows": [
            {"organisation": name, "responses": None if name in hidden else n}
            for name, n in sorted(counts.items())
        ],
    }


# --- live response rates ---------------------------------------------------------------------


def _rate(completed: int, invited: int) -> int | None:
    return round(100 * completed / invited) if invited else None


def _table(rows: dict[str, dict[str, int]], k: int) -> tuple[list[dict], bool]:
    """Rows of one breakdown with small counts hidden, and whether the completed total must be
    hidden too. Completed and open-link responses are each a family of siblings (the totals are
    shown, so one hidden figure hides another); completed counts also sit beside the numbers
    invited, so a hidden set must not be pinned by those bounds."""
    hidden_completed, total_pinned = suppressed_keys_within_ceilings(
        {n: r["completed"] for n, r in rows.items()},
        {n: r["invited"] for n, r in rows.items()},
        k,
    )
    hidden_open = suppressed_keys({n: r["open"] for n, r in rows.items()}, k)
    table = []
    for name in sorted(rows, key=str.casefold):
        r = rows[name]
        completed = None if name in hidden_completed else r["completed"]
        table.append(
            {
                "name": name,
                "invited": r["invited"],
                "completed": completed,
                "rate": None if completed is None else _rate(completed, r["invited"]),
                "open": None if name in hidden_open else r["open"],
            }
        )
    return table, total_pinned


def response_rates(wave: Wave) -> dict:
    """Live response rates by organisation and by staff group, and overall, ready to show.

    Invited and completed come from the invitations (one query); responses through the open link
    are the submitted staff responses of each organisation and group beyond the completed
    invitations (a second query). Every count of people who responded that is below the
    partnership's k is None, with its rate, and so is the next-smallest sibling.
    """
    k = wave.partnership.minimum_group_size
    cells: dict[tuple[str, str], dict[str, int]] = {}

    def cell(organisation: str, group: str) -> dict[str, int]:
        return cells.setdefault(
            (organisation, group), {"invited": 0, "completed": 0, "responses": 0}
        )

    invited = (
        Invitation.objects.filter(wave=wave)
        .values_list("organisation__name", "staff_group__name")
        .annotate(invited=Count("pk"), completed=Count("pk", filter=Q(completed_on__isnull=False)))
        .order_by()
    )
    for organisation, group, n_invited, n_completed in invited:
        c = cell(organisation, group)
        c["invited"], c["completed"] = n_invited, n_completed
    responses = (
        Response.objects.filter(wave=wave, audience=Audience.STAFF, submitted_on__isnull=False)
        .values_list("organisation__name", "staff_group__name")
        .annotate(responses=Count("pk"))
        .order_by()
    )
    for organisation, group, n in responses:
        cell(organisation, group)["responses"] = n

    by_organisation: dict[str, dict[str, int]] = {}
    by_group: dict[str, dict[str, int]] = {}
    totals = {"invited": 0, "completed": 0, "open": 0}
    for (organisation, group), c in cells.items():
        # Responses beyond the completed invitations came through the open link.
        figures = {
            "invited": c["invited"],
            "completed": c["completed"],
            "open": max(c["responses"] - c["completed"], 0),
        }
        for breakdown, key in ((by_organisation, organisation), (by_group, group)):
            row = breakdown.setdefault(key, {"invited": 0, "completed": 0, "open": 0})
            for name, value in figures.items():
                row[name] += value
        for name, value in figures.items():
            totals[name] += value

    show_open = totals["open"] > 0 or OpenLink.objects.filter(wave=wave).exists()
    # Beside the total of responses, the two kinds are siblings (when both are shown).
    family = {"completed": totals["completed"]}
    if show_open:
        family["open"] = totals["open"]
    by_organisation, organisations_pinned = _table(by_organisation, k)
    by_staff_group, groups_pinned = _table(by_group, k)
    hidden_total = suppressed_keys(family, k)
    if organisations_pinned or groups_pinned:
        # The completed total would pin hidden groups: hide it, and its sibling beside the sum.
        hidden_total |= set(family)
    completed = None if "completed" in hidden_total else totals["completed"]
    open_responses = None if "open" in hidden_total else totals["open"]
    all_responses = totals["completed"] + totals["open"]
    return {
        "k": k,
        "any": bool(cells),
        "show_open": show_open,
        "overall": {
            "invited": totals["invited"],
            "completed": completed,
            "rate": None if completed is None else _rate(completed, totals["invited"]),
            "open": open_responses,
            "responses": None if total_is_hidden(all_responses, k) else all_responses,
        },
        "by_organisation": by_organisation,
        "by_staff_group": by_staff_group,
    }
