"""Hidden response counts cannot be read off their bounds (invited beside a shown total)."""

import numpy as np
import pytest

from surveys.models import Invitation
from surveys.selectors.response_rates import response_rates
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory
from tests.security.attacker import pinned_groups


def invite(wave, group, rows):
    for name, invited, completed in rows:
        organisation = OrganisationFactory(partnership=wave.partnership, name=name)
        for i in range(invited):
            Invitation.objects.create(
                wave=wave,
                organisation=organisation,
                staff_group=group,
                email=f"{name}{i}@x.org",
                completed_on="2026-11-02" if i < completed else None,
            )


@pytest.mark.django_db
def test_when_everyone_answered_the_small_group_is_not_pinned_by_its_bounds():
    """Trust 12 of 12 and Council 3 of 3: the total 15 of 15 would say all three of Council
    answered, so it goes; Trust's own 12 of 12 says nothing about Council and stays."""
    wave = WaveFactory(partnership__minimum_group_size=10)
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    invite(wave, nurse, [("Trust", 12, 12), ("Council", 3, 3)])
    rates = response_rates(wave)
    by_org = {r["name"]: r for r in rates["by_organisation"]}
    assert by_org["Council"]["completed"] is None
    assert by_org["Trust"]["completed"] == 12  # nothing more hidden than needed
    assert rates["overall"]["completed"] is None and rates["overall"]["rate"] is None
    assert rates["by_staff_group"][0]["completed"] is None  # the one group is the total
    assert rates["overall"]["invited"] == 15
    # The attacker: cells Trust and Council, ceilings from the staff list, the shown rows.
    shown = [[1, 0]] if by_org["Trust"]["completed"] is not None else []
    assert not pinned_groups(np.array(shown), np.array([12, 3]), 10, ceilings=np.array([12, 3]))


@pytest.mark.django_db
def test_a_full_organisation_beside_a_small_group_inside_it():
    """13 of 13 completed beside a hidden 2-person group inside it would say both answered."""
    wave = WaveFactory(partnership__minimum_group_size=3)
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    porter = StaffGroupFactory(partnership=wave.partnership, name="Porter")
    invite(wave, nurse, [("Trust", 11, 11), ("Council", 20, 5)])
    trust = OrganisationFactory._meta.model.objects.get(name="Trust")
    for i in range(2):
        Invitation.objects.create(
            wave=wave,
            organisation=trust,
            staff_group=porter,
            email=f"porter{i}@x.org",
            completed_on="2026-11-02",
        )
    rates = response_rates(wave)
    by_org = {r["name"]: r["completed"] for r in rates["by_organisation"]}
    by_group = {r["name"]: r["completed"] for r in rates["by_staff_group"]}
    assert by_group["Porter"] is None
    assert by_org["Trust"] is None  # 13 of 13 would pin the two porters
    # cells: Trust nurses, Trust porters, Council nurses; what is shown is all the attacker has
    margins = {
        "total": ([1, 1, 1], rates["overall"]["completed"]),
        "Trust": ([1, 1, 0], by_org["Trust"]),
        "Council": ([0, 0, 1], by_org["Council"]),
        "Nurse": ([1, 0, 1], by_group["Nurse"]),
        "Porter": ([0, 1, 0], by_group["Porter"]),
    }
    shown = np.array([row for row, value in margins.values() if value is not None])
    people, ceilings = np.array([11, 2, 5]), np.array([11, 2, 20])
    assert not pinned_groups(shown, people, 3, ceilings=ceilings)
    assert rates["overall"]["completed"] == 18  # the overall count is the one kept
