"""The masking of qualitative sources (issue 16, item 2): each kind of identifier, where it sits
in the text, and the look-alikes that must stay (pure: `poet.analysis.masking`, no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poet.analysis.masking import mask, mask_codes, mask_phones, mask_words, names_from_email

# --- e-mail addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane.smith@nhs.net", "[email]"),
        ("Write to jane.smith@nhs.net.", "Write to [email]."),
        ("(jane.smith@nhs.net)", "([email])"),
        ("<j_o'neil+care@leeds.gov.uk>, then", "<[email]>, then"),
        ("a@b.co and c.d@e-f.org.uk", "[email] and [email]"),
        ("Email: SAM@EXAMPLE.ORG", "Email: [email]"),
    ],
)
def test_email_addresses_are_masked_wherever_they_sit(text, expected):
    result = mask(text)
    assert result.text == expected
    assert result.counts["email"] == expected.count("[email]")


@pytest.mark.parametrize("text", ["meet @ 3pm", "a@b", "@home", "user@localhost"])
def test_what_only_looks_like_an_address_stays(text):
    assert mask(text).text == text


# --- phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "+44 (0) 20 7946 0958",
        "0044 7700 900 123",
        "020 7946 0958",
        "(020) 7946 0958",
        "0161 496 0000",
        "0113-496-0000",
        "01632 960123",
        "0800 123 4567",
        "0300 123 4567",
        "0800 123456",
        "01632.960.123",
    ],
)
def test_uk_phone_numbers_are_masked_in_every_format(number):
    for text, expected in [
        (number, "[phone]"),
        (f"Ring {number}.", "Ring [phone]."),
        (f"({number})", "([phone])") if not number.startswith("(") else (number, "[phone]"),
        (f"call {number}, or", "call [phone], or"),
        (f"tel:{number}", "tel:[phone]") if not number.startswith("+") else (number, "[phone]"),
    ]:
        result = mask(text)
        assert result.text == expected, text
        assert result.counts["phone"] == 1


def test_two_numbers_one_after_the_other_are_two():
    text, count = mask_phones("0161 496 0000 0161 496 0001 and 07700 900123")
    assert text == "[phone] [phone] and [phone]"
    assert count == 3


@pytest.mark.parametrize(
    "text",
    [
        "We met on 07/12/2026 at 09:30.",
        "On 2026-12-07 and 07-12-2026 and 07.12.2026",
        "Score 4 of 5; answers 1 2 3 4 5",
        "0 1 2 3 4 5 6 7 8 9 10",
        "Ring 111 or 999",
        "In 2025, 2026 and 2027",
        "Waited 12 weeks, 3 days",
        "A reference 0123",
        "NHS number 943 476 5919",
        "12345678901",
        "v07700900123x",
        "£0.50 a week",
        "0.5 1.5 2.5",
    ],
)
def test_dates_times_and_other_numbers_are_not_phone_numbers(text):
    assert mask(text).text == text


# --- postcodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    [
        "LS1 4AB",
        "SW1A 1AA",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "W1A 0AX",
        "EC1A 1BB",
        "ls1 4ab",
        "LS14AB",
        "GIR 0AA",
    ],
)
def test_uk_postcodes_are_masked(postcode):
    for text, expected in [
        (postcode, "[postcode]"),
        (f"I live at {postcode}.", "I live at [postcode]."),
        (f"({postcode})", "([postcode])"),
        (f"{postcode}, near the park", "[postcode], near the park"),
    ]:
        result = mask(text)
        assert result.text == expected, text
        assert result.counts["postcode"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "the M1 and the A1",
        "vitamin B12",
        "at 9am and 10pm",
        "O-HOME and O-CARER",
        "Q1 2026",
        "COVID19 9AM",
        "a 2nd visit",
        "LS1",
        "ref AB12 3CD-7",
    ],
)
def test_look_alikes_of_postcodes_stay(text):
    assert mask(text).text == text


# --- names and codes ---------------------------------------------------------------------------


def test_names_are_masked_where_written_with_a_capital():
    result = mask(
        "Jane said Will helped. I will go; jane's fine.",
        names=["Jane Smith", "Will"],
    )
    assert result.text == "[name] said [name] helped. I will go; jane's fine."
    assert result.counts["name"] == 2


def test_a_full_name_is_one_name():
    result = mask("Jane Smith and Smith-Jones came. SMITH too.", names=["Jane Smith", "Jones"])
    assert result.text == "[name] and [name] came. [name] too."
    assert result.counts["name"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane", "[name]"),
        ("Jane.", "[name]."),
        ("(Jane)", "([name])"),
        ('"Jane," she said', '"[name]," she said'),
        ("Jane's mum", "[name]'s mum"),
        ("Janet and Jane", "Janet and [name]"),
        ("Janeway", "Janeway"),
    ],
)
def test_names_are_whole_words_wherever_they_sit(text, expected):
    assert mask(text, names=["Jane"]).text == expected


def test_names_with_accents_are_masked():
    assert mask("Siân and Zoë came", names=["Siân", "Zoë"]).text == "[name] and [name] came"


def test_names_of_one_letter_are_not_masked():
    assert mask("I said A and J", names=["J", "A"]).text == "I said A and J"


def test_participant_codes_are_masked_and_outcome_codes_stay():
    result = mask("P-017: yes. p-017 and P-0170 and O-HOME and P-018", codes=["P-017"])
    assert result.text == "[name]: yes. [name] and P-0170 and O-HOME and P-018"
    assert result.counts["name"] == 2


def test_a_code_inside_a_longer_code_stays():
    assert mask_codes("XP-017 P-017-B", ["P-017"]) == ("XP-017 P-017-B", 0)


def test_names_come_from_email_addresses():
    assert names_from_email("jane.smith2@nhs.net") == ["jane", "smith"]
    assert names_from_email("o'neil_sam@x.org") == ["neil", "sam"]
    assert names_from_email("info@council.gov.uk") == []
    assert names_from_email("j-bloggs@x.org") == ["bloggs"]


# --- by hand, and all together ---------------------------------------------------------------


def test_words_masked_by_hand_in_any_case_and_phrases():
    text, count = mask_words(
        "Rosewood  Care Home, rosewood care home and Rosewoods", ["Rosewood Care Home"]
    )
    assert text == "[masked], [masked] and Rosewoods"
    assert count == 2


def test_masking_by_hand_leaves_placeholders_alone():
    assert mask_words("[name] said name", ["name"]) == ("[name] said [masked]", 1)


def test_masking_again_changes_nothing():
    once = mask(
        "Jane (jane@x.org, 07700 900123, LS1 4AB) and P-017",
        names=["Jane"],
        codes=["P-017"],
    )
    twice = mask(once.text, names=["Jane"], codes=["P-017"])
    assert twice.text == once.text
    assert twice.total == 0


def test_a_transcript_keeps_everything_but_the_identifiers():
    text = (
        "Interviewer: Thanks, Jane. Could you rate O-HOME from 1 to 5?\n"
        "P-017: I'd say 4 out of 5. Since 3 March 2026 at 10:30 I see Dr Patel weekly.\n"
        "P-017: Ring my daughter on +44 (0)7700 900123 or email sue.patel@gmail.com;\n"
        "we're at LS6 2QH"
    )
    result = mask(text, names=["Jane", "Patel"], codes=["P-017"])
    assert result.text == (
        "Interviewer: Thanks, [name]. Could you rate O-HOME from 1 to 5?\n"
        "[name]: I'd say 4 out of 5. Since 3 March 2026 at 10:30 I see Dr [name] weekly.\n"
        "[name]: Ring my daughter on [phone] or email [email];\n"
        "we're at [postcode]"
    )
    assert result.counts == {"name": 4, "email": 1, "phone": 1, "postcode": 1, "by_hand": 0}
    assert result.total == 7


def test_a_long_transcript_against_a_large_staff_list_is_quick():
    import time

    letters = "abcdefghijklmnopqrstuvwxyz"
    names = ["Ab" + a + b + c for a in letters for b in letters for c in letters][:20_000]
    names.append("Jane")
    text = "Jane said she could stay at home, 4 out of 5, on 3 March 2026. " * 3_000  # ~190 KB
    started = time.perf_counter()
    result = mask(text, names=names, codes=[f"P-{i:03d}" for i in range(500)])
    assert time.perf_counter() - started < 5
    assert result.counts["name"] == 3_000


# --- properties over generated text ------------------------------------------------------------


_PROSE = st.text(alphabet=st.sampled_from("abcdefghij klmnop,.;:!?()'\"\n"), max_size=40).map(
    lambda s: f" {s} "
)
_MOBILE = st.builds(
    lambda prefix, rest, sep: f"{prefix}7{rest[:3]}{sep}{rest[3:]}",
    st.sampled_from(["0", "+44 ", "+44", "0044 ", "+44 (0)"]),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.sampled_from([" ", "", "-"]),
)


@settings(max_examples=200, deadline=None)
@given(before=_PROSE, number=_MOBILE, after=_PROSE)
def test_any_mobile_number_in_any_prose_is_masked(before, number, after):
    result = mask(before + number + after)
    assert result.text == before + "[phone]" + after
    assert result.counts["phone"] == 1


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("Jane Smith 0123456789 O-HOME P-017 @.:/()-\n")))
def test_masking_twice_is_masking_once(text):
    once = mask(text, names=["Jane Smith"], codes=["P-017"])
    assert mask(once.text, names=["Jane Smith"], codes=["P-017"]).text == once.text
