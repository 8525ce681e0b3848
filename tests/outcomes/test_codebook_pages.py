"""The codebook and coding pages (issue 16, items 3 and 4), driven through the test client as an
evaluator would: the codebook seeded from the chosen outcomes, own themes, renaming, merging and
proposing; coding by paragraph (the page without JavaScript) and by selection; memos; blind
second coding; and the agreement page's numbers."""

from html import unescape

import pytest
from sklearn.metrics import cohen_kappa_score

from outcomes.models import Coding, OutcomeProposal, Theme
from outcomes.services import codebook, coding
from outcomes.services.sources import add_source
from poet.analysis.agreement import paragraphs
from poet.models import Role
from tests.factories import member
from tests.outcomes.coding_support import build_coded_follow_up, second_coder, the_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return build_coded_follow_up()


def text_of(response) -> str:
    return unescape(response.content.decode())


def as_user(client, user):
    client.force_login(user)
    return client


def code_url(built, source=None) -> str:
    return f"{built.url('code_source')}?source={(source or the_source(built)).pk}"


# --- the codebook ------------------------------------------------------------------------------


def test_the_empty_codebook_offers_the_chosen_outcomes(client, built):
    text = text_of(as_user(client, built.evaluator).get(built.url("codebook")))
    assert "No themes yet." in text
    assert "Add the 1 chosen outcome as themes" in text
    assert "Code transcript 1" in text  # the confirmed source is ready to code


def test_seeding_from_the_page(client, built):
    response = as_user(client, built.evaluator).post(built.url("seed_codebook"), follow=True)
    text = text_of(response)
    assert "1 chosen outcome added as themes." in text
    assert "I can stay living in my own home" in text and "O-HOME" in text
    assert "Add the 1 chosen outcome" not in text
    again = text_of(client.post(built.url("seed_codebook"), follow=True))
    assert "Every chosen outcome is already a theme." in again


def test_the_sources_and_schedule_pages_link_to_the_codebook(client, built):
    as_user(client, built.evaluator)
    for name in ("sources", "schedule"):
        assert built.url("codebook") in text_of(client.get(built.url(name)))


def test_a_manager_cannot_open_the_codebook(client, built):
    manager = member(built.partnership, Role.MANAGER)
    assert as_user(client, manager).get(built.url("codebook")).status_code == 403


def test_adding_a_theme_and_a_sub_theme(client, built):
    as_user(client, built.evaluator)
    response = client.post(
        built.url("add_theme"), {"name": "Transport", "description": "Getting out"}, follow=True
    )
    assert "Theme 'Transport' added." in text_of(response)
    transport = Theme.objects.get(name="Transport")
    client.post(built.url("add_theme"), {"name": "Buses", "parent": transport.pk})
    assert Theme.objects.get(name="Buses").parent == transport
    text = text_of(client.get(built.url("codebook")))
    assert "Transport, sub-theme: " in text


def test_a_duplicate_name_is_shown_as_an_error_with_what_was_typed(client, built):
    codebook.add_theme(built.schedule, name="Transport")
    response = as_user(client, built.evaluator).post(
        built.url("add_theme"), {"name": "transport", "description": "kept"}
    )
    text = text_of(response)
    assert response.status_code == 200
    assert "<title>Error: " in text
    assert "There is already a theme called 'transport'" in text
    assert "kept</textarea>" in text


def test_renaming_and_writing_a_memo_on_the_theme_page(client, built):
    theme = codebook.add_theme(built.schedule, name="Isolation")
    url = f"{built.url('theme')}?theme={theme.pk}"
    as_user(client, built.evaluator)
    assert "Theme Isolation" in text_of(client.get(url))
    response = client.post(
        url,
        {"name": "Loneliness", "description": "Seeing nobody", "memo": "Carers too"},
        follow=True,
    )
    assert "Theme 'Loneliness' saved." in text_of(response)
    theme.refresh_from_db()
    assert (theme.name, theme.memo) == ("Loneliness", "Carers too")


def test_merging_on_the_page_moves_the_codings(client, built):
    source = the_source(built)
    lonely = codebook.add_theme(built.schedule, name="Loneliness")
    alone = codebook.add_theme(built.schedule, name="Isolation")
    s, e = paragraphs(source.text)[2]
    coding.code_passage(source, coder=built.evaluator, themes=[alone], start=s, end=e)
    as_user(client, built.evaluator)
    url = f"{built.url('merge_theme')}?theme={alone.pk}"
    assert "Merge Isolation" in text_of(client.get(url))
    response = client.post(url, {"into": lonely.pk}, follow=True)
    assert "'Isolation' is merged into 'Loneliness': 1 coding moved." in text_of(response)
    assert Coding.objects.get().theme == lonely
    empty = client.post(f"{built.url('merge_theme')}?theme={lonely.pk}", {"into": ""})
    assert "Choose the theme to merge it into" in text_of(empty)


def test_proposing_a_theme_as_a_new_outcome_puts_it_on_the_shortlist(client, built):
    theme = codebook.add_theme(
        built.schedule, name="Transport", description="I can get to where I want to go"
    )
    as_user(client, built.evaluator)
    response = client.post(built.url("propose_theme"), {"theme": theme.pk}, follow=True)
    text = text_of(response)
    assert "'Transport' is proposed as a new outcome" in text
    assert "New outcome proposed by users" in text
    proposal = OutcomeProposal.objects.get()
    assert (proposal.source, proposal.text) == ("users", "I can get to where I want to go")
    assert "New outcome proposed by users" in text_of(client.get(built.url("codebook")))
    assert "I can get to where I want to go" in text_of(client.get(built.url("shortlist")))
    response = client.post(
        built.url("propose_theme"), {"theme": theme.pk, "withdraw": "1"}, follow=True
    )
    assert "no longer proposed" in text_of(response)
    assert not OutcomeProposal.objects.exists()


# --- coding ------------------------------------------------------------------------------------


def test_an_unconfirmed_source_is_sent_back_to_its_masking_review(client, built):
    draft = add_source(
        built.schedule, session=built.session, audience="carer", kind="notes", text="Some notes."
    )
    response = as_user(client, built.evaluator).get(code_url(built, draft), follow=True)
    text = text_of(response)
    assert "Review and confirm the masking of this source before coding it." in text
    assert "Review the masking" in text
    assert "Code notes" not in text_of(client.get(built.url("codebook")))


def test_without_themes_the_coding_page_sends_to_the_codebook(client, built):
    text = text_of(as_user(client, built.evaluator).get(code_url(built)))
    assert "The codebook has no themes yet" in text


def test_the_page_without_javascript_codes_by_paragraph(client, built):
    codebook.seed_codebook(built.schedule)
    home = Theme.objects.get(name="O-HOME")
    lonely = codebook.add_theme(built.schedule, name="Loneliness")
    as_user(client, built.evaluator)
    page = text_of(client.get(code_url(built)))
    # four paragraphs, each a fieldset of the themes; the selection part is hidden without JS
    for n in range(1, 5):
        assert f"Paragraph {n}</legend>" in page
    assert 'data-selection="source-text" data-length=' in page and " hidden>" in page
    assert f'id="p1-theme-{home.pk}"' in page
    response = client.post(
        code_url(built), {"p1": [home.pk], "p2": [lonely.pk, home.pk]}, follow=True
    )
    text = text_of(response)
    assert "3 codings added, 0 removed." in text
    assert f'id="p1-theme-{home.pk}" name="p1" type="checkbox" value="{home.pk}" checked' in text
    assert "“Member: I can stay at home now, which matters most to me.”" in text
    # unticking one
    response = client.post(code_url(built), {"p1": [home.pk], "p2": [lonely.pk]}, follow=True)
    assert "0 codings added, 1 removed." in text_of(response)
    assert Coding.objects.count() == 2


def test_a_selection_is_coded_to_two_themes_by_its_offsets(client, built):
    a = codebook.add_theme(built.schedule, name="Home")
    b = codebook.add_theme(built.schedule, name="Choice")
    source = the_source(built)
    start = source.text.index("I can stay")
    end = start + len("I can stay at home")
    as_user(client, built.evaluator)
    response = client.post(
        built.url("code_selection"),
        {"source": source.pk, "start": start, "end": end, "themes": [a.pk, b.pk], "memo": "Key"},
        follow=True,
    )
    text = text_of(response)
    assert "Passage coded to Home, Choice." in text
    assert "“I can stay at home”" in text
    assert {(c.start, c.end, c.memo) for c in Coding.objects.all()} == {(start, end, "Key")}
    # no passage selected: said, nothing coded
    response = client.post(
        built.url("code_selection"), {"source": source.pk, "themes": [a.pk]}, follow=True
    )
    assert "Select a passage first" in text_of(response)
    assert Coding.objects.count() == 2


def test_a_coding_memo_and_its_removal(client, built):
    theme = codebook.add_theme(built.schedule, name="Home")
    source = the_source(built)
    (mine,) = coding.code_passage(source, coder=built.evaluator, themes=[theme], start=0, end=11)
    as_user(client, built.evaluator)
    url = f"{built.url('coding')}?coding={mine.pk}"
    page = text_of(client.get(url))
    assert "Coded passage" in page and "Facilitator" in page
    response = client.post(url, {"memo": "Asked, not said"}, follow=True)
    assert "The memo is saved." in text_of(response)
    assert "Asked, not said" in text_of(response)
    response = client.post(built.url("remove_coding"), {"coding": mine.pk}, follow=True)
    assert "The coding to Home is removed." in text_of(response)
    assert not Coding.objects.exists()


def test_the_second_coder_codes_blind_until_done(client, built):
    theme = codebook.add_theme(built.schedule, name="Loneliness")
    source = the_source(built)
    s, e = paragraphs(source.text)[2]
    (first,) = coding.code_passage(
        source, coder=built.evaluator, themes=[theme], start=s, end=e, memo="First's memo"
    )
    other = second_coder(built)
    as_user(client, other)
    page = text_of(client.get(code_url(built)))
    assert "You are coding blind" in page
    assert "First&#x27;s memo" not in page and "First's memo" not in page
    assert "You have not coded this source yet." in page
    assert "checked" not in page.split("Paragraph 3</legend>")[1].split("</fieldset>")[0]
    # the other coder's coding page is not there for them
    assert client.get(f"{built.url('coding')}?coding={first.pk}").status_code == 404
    # nor can they remove it
    client.post(built.url("remove_coding"), {"coding": first.pk})
    assert Coding.objects.filter(pk=first.pk).exists()
    # done: the others' codings appear, the forms go
    response = client.post(built.url("coding_done"), {"source": source.pk}, follow=True)
    text = text_of(response)
    assert "Your coding of this source is done" in text
    assert "First's memo" in text and "Every coder's codings" in text
    assert "Code selection" not in text and "Save the paragraphs" not in text
    assert client.get(f"{built.url('coding')}?coding={first.pk}").status_code == 200
    # and no more coding
    response = client.post(code_url(built), {"p0": [theme.pk]}, follow=True)
    assert "marked your coding of this source done" in text_of(response)


# --- agreement ---------------------------------------------------------------------------------


def code_units(source, coder, theme, indexes):
    units = paragraphs(source.text)
    for i in indexes:
        coding.code_passage(
            source, coder=coder, themes=[theme], start=units[i][0], end=units[i][0] + 5
        )


def test_the_agreement_page_before_two_coders(client, built):
    as_user(client, built.evaluator)
    assert "Nobody has coded this wave's sources yet." in text_of(
        client.get(built.url("agreement"))
    )
    theme = codebook.add_theme(built.schedule, name="Home")
    code_units(the_source(built), built.evaluator, theme, [1])
    assert "Only one person has coded" in text_of(client.get(built.url("agreement")))
    other = second_coder(built)
    code_units(the_source(built), other, theme, [1])
    text = text_of(client.get(built.url("agreement")))
    assert "have not both marked any source done yet" in text


def test_the_agreement_page_numbers(client, built):
    home = codebook.add_theme(built.schedule, name="Home")
    lonely = codebook.add_theme(built.schedule, name="Loneliness")
    nobody = codebook.add_theme(built.schedule, name="Money")
    source = the_source(built)
    other = second_coder(built)
    # Home: first codes paragraphs 1, 2; second 1 → units [0,1,1,0] v [0,1,0,0]
    code_units(source, built.evaluator, home, [1, 2])
    code_units(source, other, home, [1])
    # Loneliness: both code 2 and 3 → full agreement, kappa 1
    code_units(source, built.evaluator, lonely, [2, 3])
    code_units(source, other, lonely, [2, 3])
    for coder in (built.evaluator, other):
        coding.mark_done(source, coder=coder)
    as_user(client, built.evaluator)
    response = client.get(built.url("agreement"), {"first": built.evaluator.pk, "second": other.pk})
    text = text_of(response)
    assert "4 paragraphs of 1 source both coders marked done (transcript 1)" in text
    assert "The units are the paragraphs" in text
    rows = {
        name: text.split(f'data-theme="{name}"')[1].split("</tr>")[0]
        for name in ("Home", "Loneliness", "Money")
    }
    kappa = cohen_kappa_score([0, 1, 1, 0], [0, 1, 0, 0])
    assert f"{kappa:.2f}" in rows["Home"] and "75%" in rows["Home"]
    assert "1.00" in rows["Loneliness"] and "100%" in rows["Loneliness"]
    assert "100%" in rows["Money"]
    assert "not defined: neither coder coded any unit to this theme" in rows["Money"]
    assert "nan" not in text.lower()
    # the paragraph they disagree on, for discussion
    listed = text.split('data-disagreements="Home"')[1].split("</ul>")[0]
    assert "paragraph 3, coded only by" in listed
    assert "The bus to the day centre stopped" in listed
    assert 'data-disagreements="Loneliness"' not in text
    assert nobody.pk


def test_a_theme_nobody_coded_to_can_be_removed_one_with_codings_is_merged(client, built):
    unused = codebook.add_theme(built.schedule, name="Unused")
    used = codebook.add_theme(built.schedule, name="Used")
    coding.code_passage(the_source(built), coder=built.evaluator, themes=[used], start=0, end=5)
    as_user(client, built.evaluator)
    assert "Remove Unused" in text_of(client.get(f"{built.url('theme')}?theme={unused.pk}"))
    assert "Remove Used" not in text_of(client.get(f"{built.url('theme')}?theme={used.pk}"))
    response = client.post(built.url("remove_theme"), {"theme": unused.pk}, follow=True)
    assert "Theme 'Unused' removed." in text_of(response)
    response = client.post(built.url("remove_theme"), {"theme": used.pk}, follow=True)
    assert "merge it into another theme instead" in text_of(response)
    assert list(Theme.objects.values_list("name", flat=True)) == ["Used"]
