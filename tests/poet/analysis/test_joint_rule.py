"""The joint display's sentence (issue 16, item 6): each branch of the pure rule."""

import pytest

from poet.analysis.joint import (
    AGREE,
    ASSUMED,
    NO_NUMBERS,
    NO_WORDS,
    NO_WORDS_STAFF_HIGHER,
    OVER_ESTIMATED,
    USERS_HIGHER_SENTENCE,
    joint_sentence,
    spoke_of,
)


def test_nobody_spoke_of_it():
    assert joint_sentence([""], compared=True, people=0) == NO_WORDS
    assert joint_sentence([], compared=False, people=0) == NO_WORDS


def test_nobody_spoke_of_it_and_staff_rated_it_higher():
    assert joint_sentence(["over_estimated"], compared=True, people=0) == NO_WORDS_STAFF_HIGHER


def test_words_without_numbers():
    assert joint_sentence([], compared=False, people=4) == NO_NUMBERS


def test_staff_assume_it_is_achieved():
    sentence = joint_sentence(["", "over_estimated"], compared=True, people=4)
    assert sentence == OVER_ESTIMATED.format(spoke="4 of them spoke of it")
    assert sentence.startswith("Staff assume it is achieved; users")


def test_staff_think_it_matters_more():
    assert joint_sentence(["assumed_not_valued"], compared=True, people=3) == ASSUMED.format(
        spoke="3 of them spoke of it"
    )


@pytest.mark.parametrize("flag", ["under_estimated", "blind_spot"])
def test_users_rate_it_higher(flag):
    assert joint_sentence([flag], compared=True, people=5) == USERS_HIGHER_SENTENCE.format(
        spoke="5 of them spoke of it"
    )


def test_numbers_and_words_agree():
    assert joint_sentence(["", ""], compared=True, people=6).startswith("Numbers and words agree")
    assert joint_sentence([], compared=True, people=6) == AGREE.format(spoke=spoke_of(6))


def test_a_hidden_count_says_some_never_a_number():
    sentence = joint_sentence([""], compared=True, people=None)
    assert "some of them spoke of it" in sentence
    assert not any(ch.isdigit() for ch in sentence)
