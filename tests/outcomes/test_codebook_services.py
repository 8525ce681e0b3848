"""The codebook and coding services (issue 16, items 3 and 4): seeding from the chosen outcomes,
own themes and sub-themes, renaming, merging (codings move), proposing a theme as a new outcome,
coding passages and paragraphs, blind coding and done, and what the audit keeps."""

import pytest

from outcomes.models import Coding, CodingDone, OutcomeProposal, Theme
from outcomes.services import codebook, coding
from outcomes.services.sources import add_source
from poet.analysis.agreement import paragraphs
from poet.models import AuditEvent
from tests.outcomes.coding_support import build_coded_follow_up, second_coder, the_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return build_coded_follow_up()


def units(built):
    return paragraphs(the_source(built).text)


# --- the codebook ------------------------------------------------------------------------------


def test_seeding_makes_a_theme_of_each_chosen_outcome_once(built):
    assert codebook.seed_codebook(built.schedule, actor=built.evaluator) == 1
    theme = Theme.objects.get()
    assert (theme.name, theme.description) == ("O-HOME", "I can stay living in my own home")
    assert theme.outcome.code == "O-HOME"
    assert codebook.seed_codebook(built.schedule, actor=built.evaluator) == 0
    assert Theme.objects.count() == 1
    assert AuditEvent.objects.filter(action="codebook.seeded").count() == 2


def test_own_themes_and_one_level_of_sub_themes(built):
    transport = codebook.add_theme(built.schedule, name="  Transport ", actor=built.evaluator)
    assert transport.name == "Transport"
    bus = codebook.add_theme(built.schedule, name="Buses", parent=transport, actor=built.evaluator)
    assert bus.label == "Transport › Buses"
    with pytest.raises(codebook.CodebookError, match="itself a sub-theme"):
        codebook.add_theme(built.schedule, name="Night buses", parent=bus)
    with pytest.raises(codebook.CodebookError, match="already a theme called"):
        codebook.add_theme(built.schedule, name="transport")
    with pytest.raises(codebook.CodebookError, match="name"):
        codebook.add_theme(built.schedule, name="   ")
    travel = codebook.add_theme(built.schedule, name="Travel")
    with pytest.raises(codebook.CodebookError, match="has sub-themes"):
        codebook.change_theme(
            transport, name="Transport", description="", memo="", parent=travel, actor=None
        )
    assert AuditEvent.objects.filter(action="theme.created").count() == 3


def test_renaming_describing_and_the_memo_are_audited_by_what_changed(built):
    theme = codebook.add_theme(built.schedule, name="Isolation")
    changed = codebook.change_theme(
        theme, name="Loneliness", description="Seeing nobody", memo="Often carers", parent=None
    )
    assert changed == ["renamed", "description", "memo"]
    theme.refresh_from_db()
    assert (theme.name, theme.description, theme.memo) == (
        "Loneliness",
        "Seeing nobody",
        "Often carers",
    )
    event = AuditEvent.objects.get(action="theme.changed")
    assert event.detail["changed"] == ["renamed", "description", "memo"]
    assert (
        codebook.change_theme(
            theme, name="Loneliness", description="Seeing nobody", memo="Often carers", parent=None
        )
        == []
    )


def test_merging_moves_the_codings_and_sub_themes_to_the_kept_theme(built):
    source = the_source(built)
    other = second_coder(built)
    lonely = codebook.add_theme(built.schedule, name="Loneliness", description="Seeing nobody")
    alone = codebook.add_theme(built.schedule, name="Isolation")
    sub = codebook.add_theme(built.schedule, name="No visitors", parent=alone)
    s, e = units(built)[2]
    coding.code_passage(source, coder=built.evaluator, themes=[alone, lonely], start=s, end=e)
    coding.code_passage(source, coder=other, themes=[alone], start=s, end=e, memo="bus")
    moved = codebook.merge_themes(alone, lonely, actor=built.evaluator)
    assert moved == 1  # the evaluator's twin coding is kept once
    assert not Theme.objects.filter(pk=alone.pk).exists()
    assert set(Coding.objects.values_list("theme_id", "coder_id")) == {
        (lonely.pk, built.evaluator.pk),
        (lonely.pk, other.pk),
    }
    sub.refresh_from_db()
    assert sub.parent == lonely
    event = AuditEvent.objects.get(action="theme.merged")
    assert event.detail["merged"] == alone.pk and event.detail["codings"] == 1
    with pytest.raises(codebook.CodebookError, match="another theme"):
        codebook.merge_themes(lonely, lonely)


def test_a_theme_cannot_be_merged_into_its_own_sub_theme(built):
    top = codebook.add_theme(built.schedule, name="Transport")
    sub = codebook.add_theme(built.schedule, name="Buses", parent=top)
    with pytest.raises(codebook.CodebookError, match="sub-theme of"):
        codebook.merge_themes(top, sub)


def test_a_theme_proposed_by_users_becomes_an_outcome_proposal(built):
    theme = codebook.add_theme(
        built.schedule, name="Transport", description="I can get to where I want to go"
    )
    proposal = codebook.propose_as_outcome(theme, actor=built.evaluator)
    assert (proposal.wave, proposal.source, proposal.text) == (
        built.wave,
        "users",
        "I can get to where I want to go",
    )
    assert proposal.status == OutcomeProposal.Status.PENDING
    assert Theme.objects.get(pk=theme.pk).proposal == proposal
    with pytest.raises(codebook.CodebookError, match="already proposed"):
        codebook.propose_as_outcome(theme)
    codebook.withdraw_proposal(theme, actor=built.evaluator)
    assert not OutcomeProposal.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="theme.").values_list("action", flat=True)
    )
    assert "theme.proposed" in actions and "theme.proposal_withdrawn" in actions


def test_an_outcome_theme_is_not_proposed_again(built):
    codebook.seed_codebook(built.schedule)
    with pytest.raises(codebook.CodebookError, match="stands for the outcome O-HOME"):
        codebook.propose_as_outcome(Theme.objects.get())


# --- coding ------------------------------------------------------------------------------------


def test_a_passage_is_coded_to_several_themes_by_its_offsets(built):
    source = the_source(built)
    a = codebook.add_theme(built.schedule, name="Home")
    b = codebook.add_theme(built.schedule, name="Choice")
    text = source.text
    start = text.index("I can stay")
    end = text.index(" now")
    added = coding.code_passage(
        source, coder=built.evaluator, themes=[a, b], start=start - 1, end=end + 1, memo="key"
    )
    assert len(added) == 2
    # the space taken with the selection is left out
    assert {(c.start, c.end) for c in added} == {(start, end)}
    assert text[start:end] == "I can stay at home"
    assert {c.memo for c in added} == {"key"}
    # the same again adds nothing
    assert (
        coding.code_passage(source, coder=built.evaluator, themes=[a], start=start, end=end) == []
    )


def test_the_audit_never_holds_the_passage(built):
    source = the_source(built)
    theme = codebook.add_theme(built.schedule, name="Home")
    s, e = units(built)[1]
    coding.code_passage(source, coder=built.evaluator, themes=[theme], start=s, end=e, memo="m")
    coding.mark_done(source, coder=built.evaluator)
    stored = repr(list(AuditEvent.objects.values("target", "detail", "reason")))
    assert "stay at home" not in stored and "Member" not in stored
    assert AuditEvent.objects.filter(action="coding.added").get().detail == {
        "wave": built.wave.slug,
        "theme": theme.pk,
        "start": s,
        "end": e,
    }
    assert AuditEvent.objects.filter(action="coding.done").exists()


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (7, 3), (0, 10_000)])
def test_a_selection_outside_the_text_is_refused(built, start, end):
    theme = codebook.add_theme(built.schedule, name="Home")
    with pytest.raises(coding.CodingError, match="Select a passage"):
        coding.code_passage(
            the_source(built), coder=built.evaluator, themes=[theme], start=start, end=end
        )


def test_white_space_only_and_no_theme_are_refused(built):
    source = the_source(built)
    theme = codebook.add_theme(built.schedule, name="Home")
    blank = source.text.index("\n\n")
    with pytest.raises(coding.CodingError, match="only spaces"):
        coding.code_passage(
            source, coder=built.evaluator, themes=[theme], start=blank, end=blank + 2
        )
    with pytest.raises(coding.CodingError, match="at least one theme"):
        coding.code_passage(source, coder=built.evaluator, themes=[], start=0, end=5)


def test_an_unconfirmed_source_cannot_be_coded(built):
    theme = codebook.add_theme(built.schedule, name="Home")
    draft = add_source(
        built.schedule,
        session=built.session,
        audience="carer",
        kind="notes",
        text="Not yet reviewed.",
    )
    with pytest.raises(coding.CodingError, match="not yet confirmed"):
        coding.code_passage(draft, coder=built.evaluator, themes=[theme], start=0, end=3)
    with pytest.raises(coding.CodingError, match="not yet confirmed"):
        coding.code_paragraphs(draft, coder=built.evaluator, ticked={0: {theme.pk}})


def test_a_theme_of_another_wave_is_refused(built):
    theme = Theme.objects.create(schedule=built.schedule, name="Here")
    foreign = Theme(pk=None, schedule_id=built.schedule.pk + 999, name="Elsewhere")
    with pytest.raises(coding.CodingError, match="this wave's codebook"):
        coding.code_passage(
            the_source(built), coder=built.evaluator, themes=[theme, foreign], start=0, end=3
        )


def test_paragraphs_ticked_and_unticked(built):
    source = the_source(built)
    home = codebook.add_theme(built.schedule, name="Home")
    lonely = codebook.add_theme(built.schedule, name="Loneliness")
    added, removed = coding.code_paragraphs(
        source, coder=built.evaluator, ticked={1: {home.pk}, 2: {home.pk, lonely.pk}}
    )
    assert (added, removed) == (3, 0)
    text = source.text
    coded = {(c.theme.name, text[c.start : c.end]) for c in Coding.objects.all()}
    assert ("Home", "Member: I can stay at home now, which matters most to me.") in coded
    # unticking paragraph 3's Home and leaving the rest as it is
    added, removed = coding.code_paragraphs(
        source, coder=built.evaluator, ticked={1: {home.pk}, 2: {lonely.pk}}
    )
    assert (added, removed) == (0, 1)
    assert Coding.objects.filter(theme=home).count() == 1


def test_unticking_a_paragraph_keeps_the_rest_of_a_longer_coding(built):
    source = the_source(built)
    home = codebook.add_theme(built.schedule, name="Home")
    u = units(built)
    coding.code_passage(
        source, coder=built.evaluator, themes=[home], start=u[1][0], end=u[2][1], memo="both"
    )
    coding.code_paragraphs(source, coder=built.evaluator, ticked={2: {home.pk}})
    left = Coding.objects.get()
    assert (left.start, left.end, left.memo) == (u[2][0], u[2][1], "both")


def test_a_coder_removes_only_their_own_codings(built):
    source = the_source(built)
    theme = codebook.add_theme(built.schedule, name="Home")
    (mine,) = coding.code_passage(source, coder=built.evaluator, themes=[theme], start=0, end=5)
    with pytest.raises(coding.CodingError, match="only your own"):
        coding.remove_coding(mine, actor=second_coder(built))
    coding.remove_coding(mine, actor=built.evaluator)
    assert not Coding.objects.exists()
    assert AuditEvent.objects.filter(action="coding.removed").count() == 1


def test_after_done_the_coding_of_a_source_is_final(built):
    source = the_source(built)
    theme = codebook.add_theme(built.schedule, name="Home")
    (mine,) = coding.code_passage(source, coder=built.evaluator, themes=[theme], start=0, end=5)
    coding.mark_done(source, coder=built.evaluator)
    assert CodingDone.objects.filter(source=source, coder=built.evaluator).exists()
    with pytest.raises(coding.CodingError, match="marked your coding of this source done"):
        coding.code_passage(source, coder=built.evaluator, themes=[theme], start=6, end=9)
    with pytest.raises(coding.CodingError, match="done"):
        coding.remove_coding(mine, actor=built.evaluator)
    with pytest.raises(coding.CodingError, match="done"):
        coding.mark_done(source, coder=built.evaluator)
    # the second coder still codes
    coding.code_passage(source, coder=second_coder(built), themes=[theme], start=0, end=5)


def test_every_codebook_and_coding_event_has_a_plain_label():
    from poet.selectors.audit_log import audit_kinds

    named = audit_kinds()
    for action in [
        "codebook.seeded",
        "theme.created",
        "theme.changed",
        "theme.merged",
        "theme.proposed",
        "theme.proposal_withdrawn",
        "coding.added",
        "coding.removed",
        "coding.memo_written",
        "coding.done",
    ]:
        assert action in named, action


def test_agreement_counts_only_sources_both_coders_marked_done(built):
    from outcomes.selectors.coding import agreement_between
    from outcomes.services.sources import confirm_masking

    first_source = the_source(built)
    second_source = add_source(
        built.schedule,
        session=built.session,
        audience="carer",
        kind="notes",
        text="Carer: the bus is gone.\nCarer: no break.",
    )
    confirm_masking(second_source)
    theme = codebook.add_theme(built.schedule, name="Transport")
    other = second_coder(built)
    for source in (first_source, second_source):
        s, e = paragraphs(source.text)[0]
        coding.code_passage(source, coder=built.evaluator, themes=[theme], start=s, end=e)
    coding.mark_done(first_source, coder=built.evaluator)
    coding.mark_done(first_source, coder=other)
    coding.mark_done(second_source, coder=built.evaluator)  # the other is still coding it
    report = agreement_between(built.schedule, built.evaluator, other)
    assert [s for _, s in report.sources] == [first_source]
    (row,) = report.themes
    assert (row.result.units, row.result.first_only, row.result.neither) == (4, 1, 3)
    assert [(u.source_number, u.paragraph, u.coded_by) for u in row.disagreements] == [
        (1, 1, built.evaluator)
    ]
