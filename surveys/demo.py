"""Demo staff responses, so response counts (and their suppression) have something to show."""

import datetime

from poet.models import Wave
from surveys.models import Response

# Responses per organisation, in the order of the partnership's organisations: the third is
# below the default k of 10, so the demo shows suppression at work.
DEMO_RESPONSES = [14, 12, 4]


def add_demo_responses(wave: Wave) -> int:
    if Response.objects.filter(wave=wave).exists():
        return 0
    organisations = list(wave.partnership.organisations.order_by("name"))
    groups = list(wave.partnership.staff_groups.order_by("name"))
    day = datetime.date(2026, 11, 2)
    responses = [
        Response(
            wave=wave,
            organisation=organisation,
            staff_group=groups[i % len(groups)],
            submitted_on=day,
        )
        for organisation, count in zip(organisations, DEMO_RESPONSES, strict=False)
        for i in range(count)
    ]
    Response.objects.bulk_create(responses)
    return len(responses)
