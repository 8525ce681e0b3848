"""Codings follow their words when more words are masked by hand after coding began (issue 16,
item 4): the pure realignment (`poet.analysis.offsets`) and the source's codings moved."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.models import Coding
from outcomes.services import codebook, coding
from outcomes.services.sources import mask_further
from poet.analysis.masking import mask_words
from poet.analysis.offsets import realign
from poet.models import AuditEvent
from tests.outcomes.coding_support import build_coded_follow_up, the_source


def test_spans_after_a_replaced_word_move_with_their_words():
    old = "Dr Okafor came. I can stay at home.\nThe bus stopped."
    new, _ = mask_words(old, ["Okafor"])
    home = (old.index("I can"), old.index(" at home"))
    bus = (old.index("The bus"), len(old))
    (moved_home, moved_bus) = realign(old, new, [home, bus])
    assert new[moved_home[0] : moved_home[1]] == "I can stay"
    assert new[moved_bus[0] : moved_bus[1]] == "The bus stopped."


def test_a_span_over_the_replaced_word_takes_its_replacement():
    old = "Ask Okafor today"
    new, _ = mask_words(old, ["Okafor"])
    (span,) = realign(old, new, [(old.index("Okafor"), old.index(" today"))])
    assert new[span[0] : span[1]] == "[masked]"
    (whole,) = realign(old, new, [(0, len(old))])
    assert whole == (0, len(new))


def test_unchanged_text_leaves_spans_as_they_are():
    assert realign("abc", "abc", [(0, 2)]) == [(0, 2)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["Okafor", "home", "bus", "I", "said", "\n", "."]), min_size=1),
    st.data(),
)
def test_words_outside_the_masked_ones_keep_their_text(words, data):
    old = " ".join(words)
    new, _ = mask_words(old, ["Okafor"])
    # a span of whole words none of which is masked
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, len(words) - 1))
    if any(w == "Okafor" for w in words[i : j + 1]):
        return
    start = len(" ".join(words[:i])) + (1 if i else 0)
    end = start + len(" ".join(words[i : j + 1]))
    (span,) = realign(old, new, [(start, end)])
    assert span is not None and new[span[0] : span[1]] == old[start:end]


@pytest.mark.django_db
def test_masking_more_words_after_coding_moves_the_codings():
    built = build_coded_follow_up()
    source = the_source(built)
    theme = codebook.add_theme(built.schedule, name="Transport")
    start = source.text.index("The bus")
    end = source.text.index(", so I see")
    coding.code_passage(source, coder=built.evaluator, themes=[theme], start=start, end=end)
    gone = source.text.index("Facilitator")
    coding.code_passage(
        source, coder=built.evaluator, themes=[theme], start=gone, end=gone + len("Facilitator")
    )
    mask_further(source, ["Facilitator", "day centre"], actor=built.evaluator)
    source.refresh_from_db()
    codings = list(Coding.objects.order_by("start"))
    texts = [source.text[c.start : c.end] for c in codings]
    assert texts == ["[masked]", "The bus to the [masked] stopped"]
    assert not AuditEvent.objects.filter(action="coding.removed").exists()
