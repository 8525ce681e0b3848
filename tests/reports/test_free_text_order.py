"""Free text and proposals are listed alphabetically, never in the order people answered.

The order people answered in, beside a staff list and the days invitations went out, can tell
who wrote what (issue 13, item 5).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from outcomes.models import OutcomeProposal
from outcomes.selectors import shortlist as reads
from outcomes.services import shortlist as services
from poet.models import Role
from reports.content.common import staff_comments
from reports.content.formative import _comments
from surveys.models import Answer
from surveys.questionnaire_template import PROPOSED_OUTCOMES
from tests.factories import member
from tests.outcomes.test_shortlist_seed import seed_wave
from tests.reports.test_answers_export import staff_wave

pytestmark = pytest.mark.django_db

# In the order they are submitted: neither alphabetical nor its reverse.
WRITTEN = ["zebra crossing", "Apples", "banana", "apples too", "Cherry", "  able to park"]
ALPHABETICAL = ["able to park", "Apples", "apples too", "banana", "Cherry", "zebra crossing"]


def write(answers, texts: list[str]) -> None:
    """Give the answers (in submission order) these texts, first to first."""
    for answer, text in zip(answers, texts, strict=False):
        Answer.objects.filter(pk=answer.pk).update(text=text)


def test_staff_comments_in_the_report_are_alphabetical_within_each_organisation():
    wave, _ = staff_wave([("Council", "Nurse", 6), ("Agency", "Nurse", 5)], 5)
    comments = Answer.objects.filter(item__code="COMMENT").order_by("response_id")
    write(comments, [*WRITTEN, "Zinc", "yes", "Oranges", "mostly fine", "alright"])
    shown = staff_comments(wave, 5).shown
    assert shown == [
        ("Agency", "alright"),
        ("Agency", "mostly fine"),
        ("Agency", "Oranges"),
        ("Agency", "yes"),
        ("Agency", "Zinc"),
        *[("Council", text) for text in ALPHABETICAL],
    ]
    table = _comments(wave, 5).blocks[0]
    assert [row[1] for row in table.rows] == [text for _, text in shown]
    # the first ones shown, when there are more than fit, are the alphabetical first
    assert staff_comments(wave, 5, limit=3).shown == shown[:3]


def test_proposals_are_listed_alphabetically_on_the_shortlist_page(client):
    seeded = seed_wave(k=5)
    client.force_login(member(seeded.wave.partnership, Role.EVALUATOR))
    empty = Answer.objects.filter(
        item__code=PROPOSED_OUTCOMES, text="", response__submitted_on__isnull=False
    ).order_by("response_id")
    write(empty, WRITTEN)
    services.collect_proposals(seeded.wave)
    staff = OutcomeProposal.objects.filter(wave=seeded.wave, source="staff")
    expected = sorted(
        [*ALPHABETICAL, "I can get to the shops", "Fewer forms to fill in"], key=str.casefold
    )
    # ids follow the alphabet too, so a link's id does not tell the order people answered in
    assert [p.text for p in staff.order_by("pk")] == expected
    assert [p.text for p in reads.proposals(seeded.wave) if p.source == "staff"] == expected

    url = reverse(
        "outcomes:shortlist",
        kwargs={"partnership": seeded.wave.partnership.slug, "wave": seeded.wave.slug},
    )
    html = client.get(url).content.decode()
    table = html.split('id="proposals"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(
        r"<tr class=\"govuk-table__row\">\s*<td class=\"govuk-table__cell\">(.*?)</td>", table
    )
    assert cells == sorted([*expected, "I see the same nurse each time"], key=str.casefold)
