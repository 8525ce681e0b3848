"""The outcome shortlist: staff figures with suppression, suggestions, choosing, proposals."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ChosenOutcome, FollowUpSchedule, OutcomeProposal
from outcomes.selectors import shortlist as reads
from outcomes.services import shortlist as services
from poet.models import AuditEvent, OutcomeStatement, Role
from surveys.selectors import design
from tests.factories import member
from tests.outcomes.test_shortlist_seed import seed_wave

pytestmark = pytest.mark.django_db


def url(wave, name="shortlist"):
    return reverse(
        f"outcomes:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def compute(wave) -> None:
    """Run the comparison the shortlist reads its staff figures from."""
    call_command(
        "run_comparison",
        wave.partnership.slug,
        wave.slug,
        "--resamples",
        "10",
        stdout=io.StringIO(),
    )


@pytest.fixture
def seeded():
    seeded = seed_wave(k=5)
    compute(seeded.wave)
    return seeded


@pytest.fixture
def evaluator(client, seeded):
    user = member(seeded.wave.partnership, Role.EVALUATOR)
    client.force_login(user)
    return user


def figure_row(html: str, code: str) -> str:
    """The row of the staff figures table about one outcome."""
    table = html.split('id="staff-figures"', 1)[1].split("</table>", 1)[0]
    rows = [r for r in table.split("<tr") if f"({code})" in r]
    assert len(rows) == 1, code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0]))


# --- figures and suppression -------------------------------------------------------------------


def test_service_figures_match_the_answers(seeded):
    data = reads.shortlist(seeded.wave)
    rows = {r.outcome.code: r for r in data.rows}
    assert data.n_staff == 12 and data.k == 5
    agree = rows["O-AGREE"]
    assert agree.importance.n == 12 and agree.importance.mean == pytest.approx(4.5)
    assert agree.importance.pct_positive == 100 and agree.importance.contested is False
    assert agree.achievement.mean == 3 and agree.achievement.pct_positive == 0
    assert agree.top_picks.n_picking == 12 and agree.top_picks.share == 1
    split = rows["O-SPLIT"]
    assert split.importance.contested is True and split.importance.share_within_one == 0
    assert split.importance.iqr == 4
    few = rows["O-FEW"]
    assert few.importance.suppressed and few.importance.n is None and few.importance.mean is None
    assert few.achievement.suppressed and few.top_picks.suppressed


def test_page_shows_figures_and_never_the_numbers_of_a_group_below_k(client, evaluator, seeded):
    response = client.get(url(seeded.wave))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Outcome shortlist" in html
    agree = figure_row(html, "O-AGREE")
    assert "100% positive" in agree and "mean 4.5, 12 staff" in agree
    assert "12 staff" in agree and "100% of the 12 staff who responded" in agree
    split = figure_row(html, "O-SPLIT")
    assert "Contested" in split and "0% within one point" in split
    few = figure_row(html, "O-FEW")
    assert few.count("hidden: fewer than 5 people") == 4
    assert "3 staff" not in few and "mean" not in few and "2 staff" not in few
    # The top-three picks add up to a known total: the next-smallest is hidden too.
    assert "hidden so a smaller group cannot be worked out" in figure_row(html, "O-SPLIT")
    assert "7 staff" not in figure_row(html, "O-SPLIT")


def test_a_change_of_k_is_respected_from_the_next_computation(client, evaluator, seeded):
    partnership = seeded.wave.partnership
    partnership.minimum_group_size = 3
    partnership.save()
    # the figures are those of the stored run, until they are computed again
    assert "mean 4.0" not in figure_row(client.get(url(seeded.wave)).content.decode(), "O-FEW")
    compute(seeded.wave)
    few = figure_row(client.get(url(seeded.wave)).content.decode(), "O-FEW")
    assert "mean 4.0, 3 staff" in few and "fewer than" not in few.split("staff")[0]
    partnership.minimum_group_size = 13
    partnership.save()
    compute(seeded.wave)
    html = client.get(url(seeded.wave)).content.decode()
    for code in ("O-AGREE", "O-SPLIT", "O-FEW"):
        row = figure_row(html, code)
        assert "mean" not in row and "fewer than 13" in row
    assert "Suggested:" not in html  # nothing to suggest from hidden figures


def test_without_a_run_the_page_says_when_figures_come(client):
    fresh = seed_wave(k=5)
    client.force_login(member(fresh.wave.partnership, Role.EVALUATOR))
    html = client.get(url(fresh.wave)).content.decode()
    assert "once the staff survey is closed and its results have been computed" in html
    assert "Compute the staff figures" in html
    assert "100% positive" not in html


def test_while_the_staff_survey_is_open_nothing_can_be_computed(client):
    fresh = seed_wave(k=5)
    client.force_login(member(fresh.wave.partnership, Role.EVALUATOR))
    fresh.wave.status = fresh.wave.Status.OPEN
    fresh.wave.save()
    html = client.get(url(fresh.wave)).content.decode()
    assert "once the staff survey is closed" in html
    assert "Compute the staff figures" not in html


# --- suggestions -------------------------------------------------------------------------------


def test_suggestions_say_why(seeded):
    suggestions = reads.shortlist(seeded.wave).suggestions
    by_code = {s.outcome.code: s for s in suggestions}
    assert [s.outcome.code for s in suggestions] == ["O-AGREE", "O-SPLIT"]
    assert by_code["O-AGREE"].reason == ChosenOutcome.Reason.MOST_ENDORSED
    assert "100% of 12 staff rated it important" in by_code["O-AGREE"].why
    # Only five most endorsed; O-SPLIT is endorsed by 50% and also contested.
    assert by_code["O-SPLIT"].reason == ChosenOutcome.Reason.MOST_ENDORSED
    assert "O-FEW" not in by_code


def test_contested_suggestion_when_not_among_the_most_endorsed(seeded, monkeypatch):
    monkeypatch.setattr(reads, "MOST_ENDORSED_COUNT", 1)
    suggestions = reads.shortlist(seeded.wave).suggestions
    split = next(s for s in suggestions if s.outcome.code == "O-SPLIT")
    assert split.reason == ChosenOutcome.Reason.CONTESTED
    assert "only 0% of 12 answers" in split.why


def test_adopted_proposals_are_suggested_with_reason_proposed(seeded, evaluator):
    services.collect_proposals(seeded.wave)
    proposal = OutcomeProposal.objects.get(text="Fewer forms to fill in")
    services.adopt(proposal, code="O-FORMS", text="I only fill in one form", actor=evaluator)
    suggestion = reads.shortlist(seeded.wave).suggestions[-1]
    assert suggestion.outcome.code == "O-FORMS"
    assert suggestion.reason == ChosenOutcome.Reason.PROPOSED


# --- choosing ----------------------------------------------------------------------------------


def test_choosing_creates_the_schedule_and_records_reasons(client, evaluator, seeded):
    agree, split = seeded.outcomes["O-AGREE"], seeded.outcomes["O-SPLIT"]
    response = client.post(
        url(seeded.wave, "shortlist_choose"),
        {
            "outcome": [agree.pk, split.pk],
            f"reason-{agree.pk}": "most_endorsed",
            f"note-{agree.pk}": "Everyone agrees",
            f"reason-{split.pk}": "contested",
        },
    )
    assert response.status_code == 302
    schedule = FollowUpSchedule.objects.get(wave=seeded.wave)
    chosen = {c.outcome.code: c for c in schedule.chosen_outcomes.all()}
    assert (
        chosen["O-AGREE"].reason == "most_endorsed" and chosen["O-AGREE"].note == "Everyone agrees"
    )
    assert chosen["O-SPLIT"].reason == "contested"
    html = client.get(url(seeded.wave)).content.decode()
    chosen_part = html.split('id="chosen"', 1)[1].split('id="choose"', 1)[0]
    assert "Most endorsed by staff" in chosen_part and "Everyone agrees" in chosen_part
    assert f'id="choose-{agree.pk}"' not in html  # no longer offered
    assert AuditEvent.objects.filter(action="follow_up.outcome_chosen").count() == 2


def test_a_chosen_outcome_without_a_reason_is_refused_and_the_rest_kept(client, evaluator, seeded):
    agree, split = seeded.outcomes["O-AGREE"], seeded.outcomes["O-SPLIT"]
    response = client.post(
        url(seeded.wave, "shortlist_choose"),
        {
            "outcome": [agree.pk, split.pk],
            f"reason-{agree.pk}": "most_endorsed",
            f"note-{agree.pk}": "Keep this note",
            f"reason-{split.pk}": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert f'href="#reason-{split.pk}"' in html and "Choose why O-SPLIT is in." in html
    assert "Keep this note" in html
    assert not ChosenOutcome.objects.exists()


def test_nothing_ticked_and_unknown_outcomes_are_refused(client, evaluator, seeded):
    html = client.post(url(seeded.wave, "shortlist_choose"), {}).content.decode()
    assert "Choose at least one outcome." in html
    other = OutcomeStatement.objects.create(code="O-ELSEWHERE", text="Not this wave's")
    html = client.post(
        url(seeded.wave, "shortlist_choose"), {"outcome": [other.pk], f"reason-{other.pk}": "other"}
    ).content.decode()
    assert "Choose outcomes from the list." in html
    assert not ChosenOutcome.objects.exists()


def test_unchoosing_removes_and_is_refused_once_the_follow_up_is_frozen(client, evaluator, seeded):
    agree, split = seeded.outcomes["O-AGREE"], seeded.outcomes["O-SPLIT"]
    services.choose(
        seeded.wave, [(agree, "most_endorsed", ""), (split, "contested", "")], actor=evaluator
    )
    client.post(url(seeded.wave, "shortlist_unchoose"), {"outcome": agree.pk})
    assert list(ChosenOutcome.objects.values_list("outcome__code", flat=True)) == ["O-SPLIT"]
    seeded.follow_up.frozen_at = timezone.now()
    seeded.follow_up.save()
    response = client.post(
        url(seeded.wave, "shortlist_unchoose"), {"outcome": split.pk}, follow=True
    )
    assert "follow-up questionnaire built from the shortlist is frozen" in (
        response.content.decode()
    )
    assert ChosenOutcome.objects.filter(outcome=split).exists()
    with pytest.raises(services.ShortlistError):
        services.unchoose(seeded.wave, split)


# --- proposals ---------------------------------------------------------------------------------


def test_collecting_proposals_once(client, evaluator, seeded):
    client.post(url(seeded.wave, "collect_proposals"))
    proposals = {(p.source, p.text) for p in OutcomeProposal.objects.filter(wave=seeded.wave)}
    assert proposals == {
        ("staff", "I can get to the shops"),
        ("staff", "Fewer forms to fill in"),
        ("users", "I see the same nurse each time"),
    }
    response = client.post(url(seeded.wave, "collect_proposals"), follow=True)
    assert "No new proposals" in response.content.decode()
    assert OutcomeProposal.objects.count() == 3
    html = client.get(url(seeded.wave)).content.decode()
    proposals_part = html.split('id="proposals"', 1)[1]
    assert "I can get to the shops" in proposals_part
    assert "Org A" not in proposals_part and "Nurse" not in proposals_part.split("</p>", 1)[1]
    assert "Not yet submitted" not in html
    assert AuditEvent.objects.filter(action="shortlist.proposals_collected").count() == 2


def test_adopt_creates_an_outcome_offered_by_the_staff_questionnaire(client, evaluator, seeded):
    services.collect_proposals(seeded.wave)
    proposal = OutcomeProposal.objects.get(text="I can get to the shops")
    adopt = url(seeded.wave, "adopt_proposal") + f"?proposal={proposal.pk}"
    assert "I can get to the shops" in client.get(adopt).content.decode()
    response = client.post(
        adopt,
        {
            "proposal": proposal.pk,
            "text": "I can get to the shops when I want",
            "code": "o-shops",
            "easy_read_text": "I can go to the shops",
        },
    )
    assert response.status_code == 302
    statement = OutcomeStatement.objects.get(code="O-SHOPS")
    assert statement.partnership == seeded.wave.partnership
    assert statement.source == OutcomeStatement.Source.STAFF
    assert statement.easy_read_text == "I can go to the shops"
    proposal.refresh_from_db()
    assert proposal.status == "adopted" and proposal.outcome == statement
    assert proposal.decided_by == evaluator
    assert AuditEvent.objects.filter(action="shortlist.proposal_adopted").exists()
    # It joins the partnership's library: the staff questionnaire's outcome picker offers it.
    assert statement in design.available_outcomes(seeded.wave.partnership)
    picker = client.get(
        reverse(
            "surveys:outcomes",
            kwargs={"partnership": seeded.wave.partnership.slug, "wave": seeded.wave.slug},
        )
    )
    assert "I can get to the shops when I want" in picker.content.decode()
    # ...and it may be chosen for the follow-up with reason "proposed".
    services.choose(seeded.wave, [(statement, "proposed", "")], actor=evaluator)
    assert ChosenOutcome.objects.get(outcome=statement).reason == "proposed"
    # A users' proposal becomes an outcome proposed by users.
    users = OutcomeProposal.objects.get(source="users")
    assert services.adopt(users, code="O-NURSE", text="I see the same nurse").source == "users"


@pytest.mark.parametrize("code", ["O-AGREE", "o-agree", "O-LIB"])
def test_a_code_clash_is_refused_with_a_clear_message(client, evaluator, seeded, code):
    OutcomeStatement.objects.create(code="O-LIB", text="A library outcome")
    services.collect_proposals(seeded.wave)
    proposal = OutcomeProposal.objects.get(text="Fewer forms to fill in")
    response = client.post(
        url(seeded.wave, "adopt_proposal") + f"?proposal={proposal.pk}",
        {"proposal": proposal.pk, "text": "I fill in fewer forms", "code": code},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert f"The code {code.upper()} is already used" in html and "Choose another code." in html
    assert 'href="#id_code"' in html
    assert "I fill in fewer forms" in html  # the other answer is kept
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_malformed_code_is_refused(seeded):
    services.collect_proposals(seeded.wave)
    proposal = OutcomeProposal.objects.first()
    with pytest.raises(services.ShortlistError, match="starts with O-"):
        services.adopt(proposal, code="SHOPS!", text="I can")


def test_merge_into_an_existing_outcome(client, evaluator, seeded):
    services.collect_proposals(seeded.wave)
    proposal = OutcomeProposal.objects.get(text="Fewer forms to fill in")
    target = seeded.outcomes["O-AGREE"]
    merge = url(seeded.wave, "merge_proposal") + f"?proposal={proposal.pk}"
    assert client.get(merge).status_code == 200
    response = client.post(merge, {"proposal": proposal.pk, "outcome": ""})
    assert "Choose the outcome it says the same as." in response.content.decode()
    client.post(merge, {"proposal": proposal.pk, "outcome": target.pk})
    proposal.refresh_from_db()
    assert proposal.status == "merged" and proposal.outcome == target
    assert AuditEvent.objects.filter(
        action="shortlist.proposal_merged", detail__outcome="O-AGREE"
    ).exists()
    # Decided once: a second decision is refused.
    response = client.get(
        url(seeded.wave, "reject_proposal") + f"?proposal={proposal.pk}", follow=True
    )
    assert "already been decided" in response.content.decode()


def test_reject_with_a_reason(client, evaluator, seeded):
    services.collect_proposals(seeded.wave)
    proposal = OutcomeProposal.objects.get(text="Fewer forms to fill in")
    reject = url(seeded.wave, "reject_proposal") + f"?proposal={proposal.pk}"
    response = client.post(reject, {"proposal": proposal.pk, "reason": "  "})
    assert "Say why this proposal is not taken forward." in response.content.decode()
    client.post(reject, {"proposal": proposal.pk, "reason": "About staff, not people"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reason == "About staff, not people"
    event = AuditEvent.objects.get(action="shortlist.proposal_rejected")
    assert event.reason == "About staff, not people" and event.actor == evaluator


def test_an_unknown_proposal_is_not_found(client, evaluator, seeded):
    response = client.get(url(seeded.wave, "adopt_proposal") + "?proposal=999999")
    assert response.status_code == 404
    assert client.get(url(seeded.wave, "adopt_proposal") + "?proposal=abc").status_code == 404


# --- permissions -------------------------------------------------------------------------------


def test_a_manager_gets_403(client, seeded):
    client.force_login(member(seeded.wave.partnership, Role.MANAGER))
    for name in ("shortlist", "adopt_proposal", "merge_proposal", "reject_proposal"):
        assert client.get(url(seeded.wave, name)).status_code == 403, name
    for name in ("shortlist_choose", "shortlist_unchoose", "collect_proposals"):
        assert client.post(url(seeded.wave, name)).status_code == 403, name
    assert not OutcomeProposal.objects.exists()


def test_the_wave_page_links_to_the_shortlist_for_evaluators(client, evaluator, seeded):
    wave_page = client.get(seeded.wave.get_absolute_url()).content.decode()
    assert url(seeded.wave) in wave_page
