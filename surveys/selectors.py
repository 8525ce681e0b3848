"""Read-side queries of the staff survey."""

from django.db.models import Count

from poet.models import Wave
from poet.suppression import suppressed_keys, total_is_hidden
from surveys.models import Response


def submitted_response_counts(wave: Wave) -> dict[str, int]:
    """Submitted responses by organisation, in one query."""
    rows = (
        Response.objects.filter(wave=wave, submitted_on__isnull=False)
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
