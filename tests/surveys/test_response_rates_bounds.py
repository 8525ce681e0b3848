"""Hidden response counts cannot be read off their bounds (invited beside a shown total)."""

import pytest

from poet.suppression import suppressed_keys_within_ceilings
from surveys.models import Invitation
from surveys.selectors import response_rates
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory


def test_a_hidden_set_that_all_responded_takes_one_more_sibling():
    counts = {"Trust": 40, "Council": 12, "GPs": 3}
    invited = {"Trust": 60, "Council": 30, "GPs": 3}
    # Primary + secondary hide GPs and Council: 15 of 33 is not pinned.
    assert suppressed_keys_within_ceilings(counts, invited, 10) == ({"GPs", "Council"}, False)
    # Now Council answered in full too: 33 of 33 would pin both, so Trust is hidden as well,
    # and since everyone answered, the total itself must go.
    counts["Council"] = 30
    assert suppressed_keys_within_ceilings(counts, invited, 10) == (
        {"GPs", "Council", "Trust"},
        False,
    )
    hidden, total_pinned = suppressed_keys_within_ceilings({"A": 3, "B": 4}, {"A": 3, "B": 4}, 10)
    assert hidden == {"A", "B"} and total_pinned


def test_none_responded_is_pinned_too_but_nobody_invited_pins_nothing():
    # 0 of 10 would say nobody in A or B answered: C is hidden too; 25 of 40 pins nothing.
    assert suppressed_keys_within_ceilings(
        {"A": 0, "B": 0, "C": 25}, {"A": 4, "B": 6, "C": 30}, 10
    ) == ({"A", "B", "C"}, False)
    # Groups with nobody invited (open link only) are 0 before anything is shown.
    assert suppressed_keys_within_ceilings(
        {"A": 0, "B": 0, "C": 25}, {"A": 0, "B": 0, "C": 30}, 10
    ) == ({"A", "B"}, False)


@pytest.mark.django_db
def test_response_rates_hide_the_total_when_every_group_would_be_pinned():
    wave = WaveFactory(partnership__minimum_group_size=10)
    group = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    for name, invited, completed in [("Trust", 12, 12), ("Council", 3, 3)]:
        organisation = OrganisationFactory(partnership=wave.partnership, name=name)
        for i in range(invited):
            Invitation.objects.create(
                wave=wave,
                organisation=organisation,
                staff_group=group,
                email=f"{name}{i}@x.org",
                completed_on="2026-11-02" if i < completed else None,
            )
    rates = response_rates(wave)
    assert [r["completed"] for r in rates["by_organisation"]] == [None, None]
    assert rates["overall"]["completed"] is None and rates["overall"]["rate"] is None
    assert rates["overall"]["invited"] == 15
