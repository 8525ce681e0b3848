"""The evaluator's questionnaire pages, driven through the test client."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from poet.library import DEFAULT_OUTCOME_CODES
from poet.models import AuditEvent, OutcomeStatement, Role, Wave
from surveys.models import Answer, Item
from surveys.selectors.questionnaire_versions import latest_questionnaire, live_questionnaire
from surveys.services.design import create_staff_questionnaire
from tests.factories import ResponseFactory, WaveFactory, member

pytestmark = pytest.mark.django_db


def url(wave, name, query=""):
    path = reverse(
        f"surveys:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    return path + (f"?{query}" if query else "")


def library(*codes):
    return [OutcomeStatement.objects.get(partnership=None, code=c) for c in codes]


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def codes(questionnaire, section_position=None):
    sections = list(questionnaire.sections.order_by("order"))
    chosen = sections if section_position is None else [sections[section_position - 1]]
    return [i.code for s in chosen for i in s.items.order_by("order")]


@pytest.fixture
def wave():
    return WaveFactory(name="Baseline 2026", slug="baseline")


@pytest.fixture
def evaluator(client, wave):
    user = member(wave.partnership, Role.EVALUATOR)
    client.force_login(user)
    return user


@pytest.fixture
def drafted(wave):
    """A wave with version 1 of its questionnaire (three outcomes)."""
    create_staff_questionnaire(wave, library("O-HOME", "O-STORY", "O-CARER"))
    return wave


# --- who may ---------------------------------------------------------------------------------

PAGES = [
    "design",
    "create",
    "edit_texts",
    "outcomes",
    "edit_item",
    "add_item",
    "remove_item",
    "move",
    "edit_section",
    "add_section",
    "remove_section",
    "publish",
    "open",
    "close",
    "closing_date",
]


@pytest.mark.parametrize("name", PAGES)
def test_managers_may_not_design(client, drafted, name):
    client.force_login(member(drafted.partnership, Role.MANAGER))
    target = url(drafted, name, "code=P-TRUST-1&section=1")
    assert client.get(target).status_code == 403
    assert client.post(target, {"move": "item:up:P-TRUST-2"}).status_code == 403
    assert drafted.questionnaires.get().sections.count() == 6


def test_wave_page_offers_the_template_to_evaluators_only(client, wave):
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(wave.get_absolute_url()).content.decode()
    assert "Create the staff questionnaire" not in page
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.get(wave.get_absolute_url()).content.decode()
    assert "Create the staff questionnaire" in page
    assert url(wave, "create") in page


# --- create ----------------------------------------------------------------------------------


def test_create_from_template_with_default_outcomes_ticked(client, evaluator, wave):
    assert client.get(url(wave, "design")).url == url(wave, "create")
    page = client.get(url(wave, "create"))
    assert page.status_code == 200
    form = page.context["form"]
    assert {o.code for o in form.initial["outcomes"]} == set(DEFAULT_OUTCOME_CODES)
    chosen = library("O-HOME", "O-PLAN")
    response = client.post(url(wave, "create"), {"outcomes": [o.pk for o in chosen]}, follow=True)
    assert response.redirect_chain[-1][0] == url(wave, "design")
    questionnaire = latest_questionnaire(wave)
    assert questionnaire.version == 1
    assert "O-PLAN.importance" in codes(questionnaire)
    page = response.content.decode()
    assert "Version 1" in page and "Draft" in page and "P-PURPOSE-1" in page
    assert f"/p/{wave.partnership.slug}/waves/baseline/survey/preview/" in page
    assert AuditEvent.objects.filter(action="questionnaire.created", actor=evaluator).exists()
    # The wave page now shows the questionnaire and links to it.
    page = client.get(wave.get_absolute_url()).content.decode()
    assert "version 1" in page and url(wave, "design") in page


def test_create_without_outcomes_says_so(client, evaluator, wave):
    response = client.post(url(wave, "create"), {})
    assert response.status_code == 200
    assert response.content.decode().count("Choose at least one outcome.") >= 1
    assert "<title>Error: " in response.content.decode()
    assert not wave.questionnaires.exists()


def test_create_twice_goes_to_the_overview(client, evaluator, drafted):
    response = client.post(url(drafted, "create"), {"outcomes": [library("O-HOME")[0].pk]})
    assert response.url == url(drafted, "design")
    assert drafted.questionnaires.count() == 1


# --- items -----------------------------------------------------------------------------------


def test_edit_an_item(client, evaluator, drafted):
    page = client.get(url(drafted, "edit_item", "code=P-TRUST-1"))
    assert page.status_code == 200
    assert "P-TRUST-1" in page.content.decode() and "never changes" in page.content.decode()
    response = client.post(
        url(drafted, "edit_item", "code=P-TRUST-1"),
        {"text": "I trust my colleagues.", "help_text": "Think of the last month.", "required": ""},
    )
    assert response.url == url(drafted, "design")
    item = Item.objects.get(code="P-TRUST-1")
    assert (item.text, item.help_text, item.required, item.allow_dont_know) == (
        "I trust my colleagues.",
        "Think of the last month.",
        False,
        False,
    )
    assert drafted.questionnaires.count() == 1


def test_edit_item_errors_and_unknown_code(client, evaluator, drafted):
    response = client.post(url(drafted, "edit_item", "code=P-TRUST-1"), {"text": ""})
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert "Enter the question or statement." in response.content.decode()
    assert client.get(url(drafted, "edit_item", "code=NOPE")).status_code == 404
    assert client.get(url(drafted, "edit_item")).status_code == 404


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ({"kind": "likert", "scale": "agreement", "allow_dont_know": "on"}, {"scale": "agreement"}),
        ({"kind": "single", "choices": "Yes\nNo\n\nNot sure"}, {"choices": 3}),
        ({"kind": "multiple", "choices": "A\nB\nC", "max_choices": "2"}, {"max_choices": 2}),
        ({"kind": "ranking", "choices": "First\nSecond"}, {"choices": 2}),
        ({"kind": "number", "min_value": "0", "max_value": "40"}, {"max_value": 40}),
        ({"kind": "text"}, {}),
    ],
)
def test_add_an_item_of_each_kind(client, evaluator, drafted, data, check):
    assert client.get(url(drafted, "add_item", "section=2")).status_code == 200
    post = {"section": "2", "code": "EXTRA-1", "text": "A new question", **data}
    response = client.post(url(drafted, "add_item"), post)
    assert response.status_code == 302, response.context["form"].errors
    item = Item.objects.get(code="EXTRA-1")
    assert item.kind == data["kind"]
    assert codes(latest_questionnaire(drafted), 2)[-1] == "EXTRA-1"
    for field, expected in check.items():
        value = getattr(item, field)
        assert (len(value) if field == "choices" else value) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "single", "choices": "Only one"}, "Enter at least two options"),
        ({"kind": "single", "choices": "Same\nsame"}, "Each option must be different"),
        ({"kind": "number", "min_value": "5", "max_value": "1"}, "must not be less than"),
        ({"kind": "text", "code": "P-TRUST-1"}, "Another question already has the code"),
        ({"kind": "text", "code": "bad code!"}, "Enter a code of letters"),
        ({"kind": "text", "code": "X.importance"}, "kept for outcome questions"),
        ({"kind": "likert", "scale": ""}, "Choose the scale"),
        ({"kind": "number", "min_value": "lots"}, "Enter a number"),
    ],
)
def test_add_item_refuses_bad_input_keeping_the_rest(client, evaluator, drafted, data, message):
    post = {"section": "1", "code": "EXTRA-1", "text": "Kept question text", **data}
    response = client.post(url(drafted, "add_item"), post)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Kept question text" in page
    assert page.count("<title>Error: ") == 1
    assert not Item.objects.filter(text="Kept question text").exists()


def test_remove_an_item_but_not_an_outcome_measure(client, evaluator, drafted):
    page = client.get(url(drafted, "remove_item", "code=P-TRUST-3"))
    assert page.status_code == 200 and "Remove this question?" in page.content.decode()
    client.post(url(drafted, "remove_item"), {"code": "P-TRUST-3"})
    assert "P-TRUST-3" not in codes(latest_questionnaire(drafted))
    response = client.post(url(drafted, "remove_item"), {"code": "O-HOME.importance"}, follow=True)
    assert any("change the outcomes" in m for m in messages_of(response))
    assert "O-HOME.importance" in codes(latest_questionnaire(drafted))


def test_move_items_and_sections(client, evaluator, drafted):
    q = latest_questionnaire(drafted)
    first_page = codes(q, 1)
    client.post(url(drafted, "move"), {"move": "item:down:P-PURPOSE-1"})
    assert codes(q, 1)[:2] == ["P-PURPOSE-2", "P-PURPOSE-1"]
    client.post(url(drafted, "move"), {"move": "item:up:P-PURPOSE-1"})
    assert codes(q, 1) == first_page
    # At the top nothing moves.
    client.post(url(drafted, "move"), {"move": "item:up:P-PURPOSE-1"})
    assert codes(q, 1) == first_page
    # An outcome's two measures move together, with one pair of buttons.
    page = client.get(url(drafted, "design")).content.decode()
    assert 'Move down<span class="govuk-visually-hidden"> outcome O-HOME</span>' in page
    assert 'value="item:down:O-HOME.achievement"' not in page
    assert 'Move up<span class="govuk-visually-hidden"> outcome O-HOME' not in page
    client.post(url(drafted, "move"), {"move": "item:down:O-HOME.achievement"})
    assert codes(q, 5)[:4] == [
        "O-STORY.importance",
        "O-STORY.achievement",
        "O-HOME.importance",
        "O-HOME.achievement",
    ]
    titles = [s.title for s in q.sections.order_by("order")]
    response = client.post(url(drafted, "move"), {"move": "section:down:1"}, follow=True)
    assert [s.title for s in q.sections.order_by("order")] == [titles[1], titles[0], *titles[2:]]
    assert "The section is moved down." in messages_of(response)
    response = client.post(url(drafted, "move"), {"move": "nonsense"}, follow=True)
    assert "Choose what to move." in messages_of(response)
    assert client.get(url(drafted, "move")).status_code == 302


def test_sections_add_change_remove(client, evaluator, drafted):
    assert client.get(url(drafted, "add_section")).status_code == 200
    client.post(url(drafted, "add_section"), {"title": "About your team", "introduction": ""})
    q = latest_questionnaire(drafted)
    assert q.sections.order_by("order").last().title == "About your team"
    assert client.get(url(drafted, "edit_section", "section=7")).status_code == 200
    client.post(url(drafted, "edit_section", "section=7"), {"title": "Your team"})
    assert q.sections.order_by("order").last().title == "Your team"
    assert client.get(url(drafted, "remove_section", "section=7")).status_code == 200
    client.post(url(drafted, "remove_section"), {"section": "7"})
    assert q.sections.count() == 6
    response = client.post(url(drafted, "remove_section"), {"section": "5"}, follow=True)
    assert any("outcome questions" in m for m in messages_of(response))
    assert q.sections.count() == 6
    assert client.get(url(drafted, "edit_section", "section=99")).status_code == 404
    assert client.get(url(drafted, "edit_section", "section=x")).status_code == 404
    response = client.post(url(drafted, "add_section"), {"title": ""})
    assert "Enter a title." in response.content.decode()


def test_edit_title_introduction_and_privacy_notice(client, evaluator, drafted):
    assert client.get(url(drafted, "edit_texts")).status_code == 200
    client.post(
        url(drafted, "edit_texts"),
        {"title": "Our survey", "introduction": "Why.", "privacy_notice": "Anonymous."},
    )
    q = latest_questionnaire(drafted)
    assert (q.title, q.introduction, q.privacy_notice) == ("Our survey", "Why.", "Anonymous.")


def test_choosing_outcomes_adds_and_removes_pairs_and_keeps_top3_in_step(
    client, evaluator, drafted
):
    page = client.get(url(drafted, "outcomes"))
    assert {o.code for o in page.context["form"].initial["outcomes"]} == {
        "O-HOME",
        "O-STORY",
        "O-CARER",
    }
    own = OutcomeStatement.objects.create(
        partnership=drafted.partnership, code="O-BUS", text="I can get the bus.", source="staff"
    )
    chosen = [*library("O-HOME", "O-SAFE"), own]
    client.post(url(drafted, "outcomes"), {"outcomes": [o.pk for o in chosen]})
    q = latest_questionnaire(drafted)
    all_codes = codes(q)
    assert "O-STORY.importance" not in all_codes and "O-CARER.achievement" not in all_codes
    for code in ("O-HOME", "O-SAFE", "O-BUS"):
        assert f"{code}.importance" in all_codes and f"{code}.achievement" in all_codes
    top3 = Item.objects.get(section__questionnaire=q, code="TOP3")
    assert [c["value"] for c in top3.choices] == ["O-HOME", "O-SAFE", "O-BUS"]
    response = client.post(url(drafted, "outcomes"), {"outcomes": []})
    assert "Choose at least one outcome." in response.content.decode()


def test_other_partnerships_outcomes_are_not_offered(client, evaluator, drafted):
    other = OutcomeStatement.objects.create(
        partnership=WaveFactory().partnership, code="O-ELSE", text="Elsewhere."
    )
    response = client.post(url(drafted, "outcomes"), {"outcomes": [other.pk]})
    assert response.status_code == 200
    assert "O-ELSE.importance" not in codes(latest_questionnaire(drafted))


# --- the wave --------------------------------------------------------------------------------


def test_open_needs_a_questionnaire(client, evaluator, wave):
    response = client.post(url(wave, "open"), follow=True)
    assert any("Create the staff questionnaire" in m for m in messages_of(response))
    wave.refresh_from_db()
    assert wave.status == Wave.Status.DRAFT


def test_open_and_close_the_wave(client, evaluator, drafted):
    page = client.get(url(drafted, "open"))
    assert page.status_code == 200 and "Open the wave?" in page.content.decode()
    response = client.post(url(drafted, "open"), follow=True)
    assert any("The wave is open" in m for m in messages_of(response))
    drafted.refresh_from_db()
    assert drafted.status == Wave.Status.OPEN
    assert latest_questionnaire(drafted).is_frozen
    page = client.get(drafted.get_absolute_url()).content.decode()
    assert url(drafted, "close") in page and "version 1, open" in page  # the task list
    assert client.get(url(drafted, "close")).status_code == 200
    response = client.post(url(drafted, "close"), follow=True)
    assert any("The wave is closed" in m for m in messages_of(response))
    drafted.refresh_from_db()
    assert drafted.status == Wave.Status.CLOSED
    # A closed wave's questionnaire no longer changes.
    response = client.post(
        url(drafted, "edit_item", "code=P-TRUST-1"), {"text": "Changed after closing"}
    )
    assert "closed" in response.content.decode()
    assert not Item.objects.filter(text="Changed after closing").exists()
    assert "Reopen the wave" in client.get(url(drafted, "design")).content.decode()


def test_open_refuses_a_past_closing_date(client, evaluator, drafted):
    Wave.objects.filter(pk=drafted.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client.post(url(drafted, "open"), follow=True)
    assert any("closing date has passed" in m for m in messages_of(response))
    drafted.refresh_from_db()
    assert drafted.status == Wave.Status.DRAFT


def test_closing_date_rules(client, evaluator, drafted):
    assert client.get(url(drafted, "closing_date")).status_code == 200
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url(drafted, "closing_date"),
        {"closes_on_0": past.day, "closes_on_1": past.month, "closes_on_2": past.year},
    )
    assert response.status_code == 200
    assert "today or in the future" in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    response = client.post(
        url(drafted, "closing_date"),
        {"closes_on_0": "31", "closes_on_1": "2", "closes_on_2": "2030"},
    )
    assert response.status_code == 200 and "<title>Error: " in response.content.decode()
    future = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        url(drafted, "closing_date"),
        {"closes_on_0": future.day, "closes_on_1": future.month, "closes_on_2": future.year},
        follow=True,
    )
    drafted.refresh_from_db()
    assert drafted.closes_on == future
    assert any("closes at the end of" in m for m in messages_of(response))
    client.post(
        url(drafted, "closing_date"), {"closes_on_0": "", "closes_on_1": "", "closes_on_2": ""}
    )
    drafted.refresh_from_db()
    assert drafted.closes_on is None


# --- frozen versions -------------------------------------------------------------------------


def test_editing_an_open_wave_makes_version_two_and_answers_keep_version_one(
    client, evaluator, drafted
):
    client.post(url(drafted, "open"))
    v1 = latest_questionnaire(drafted)
    old_item = Item.objects.get(section__questionnaire=v1, code="P-TRUST-1")
    response = ResponseFactory(wave=drafted, questionnaire=v1)
    answer = Answer.objects.create(response=response, item=old_item, number=4)

    reply = client.post(
        url(drafted, "edit_item", "code=P-TRUST-1"),
        {"text": "I trust the people I work with.", "required": "on", "allow_dont_know": "on"},
        follow=True,
    )
    assert any("version 2, a draft" in m for m in messages_of(reply))
    v2 = latest_questionnaire(drafted)
    assert v2.version == 2 and not v2.is_frozen
    assert live_questionnaire(drafted) == v1
    old_item.refresh_from_db()
    assert old_item.text != "I trust the people I work with."
    assert Item.objects.get(section__questionnaire=v2, code="P-TRUST-1").text.startswith(
        "I trust the people"
    )
    answer.refresh_from_db()
    assert answer.item == old_item and answer.response.questionnaire == v1
    # A second change goes into the same draft.
    client.post(url(drafted, "move"), {"move": "item:down:P-TRUST-1"})
    assert drafted.questionnaires.count() == 2
    assert codes(v1) != codes(v2)

    page = client.get(url(drafted, "design")).content.decode()
    assert "Publish changes" in page and "still get version 1" in page
    assert client.get(url(drafted, "publish")).status_code == 200
    reply = client.post(url(drafted, "publish"), follow=True)
    assert any("Version 2 is published" in m for m in messages_of(reply))
    assert live_questionnaire(drafted) == v2
    reply = client.post(url(drafted, "publish"), follow=True)
    assert "There are no changes to publish." in messages_of(reply)


def test_edit_options_and_number_bounds(client, evaluator, drafted):
    client.post(
        url(drafted, "add_item"),
        {"section": "1", "code": "PICK", "kind": "multiple", "text": "Pick", "choices": "A\nB"},
    )
    client.post(
        url(drafted, "add_item"),
        {"section": "1", "code": "YEARS", "kind": "number", "text": "Years?", "min_value": "0"},
    )
    page = client.get(url(drafted, "edit_item", "code=PICK")).content.decode()
    assert "Options, one per line" in page and "A\nB" in page
    response = client.post(
        url(drafted, "edit_item", "code=PICK"),
        {"text": "Pick some", "choices": "A\nB\nC", "max_choices": "2"},
    )
    assert response.status_code == 302
    item = Item.objects.get(code="PICK")
    assert [c["label"] for c in item.choices] == ["A", "B", "C"] and item.max_choices == 2
    response = client.post(url(drafted, "edit_item", "code=PICK"), {"text": "x", "choices": "A"})
    assert "Enter at least two options" in response.content.decode()
    response = client.post(
        url(drafted, "edit_item", "code=YEARS"),
        {"text": "Years?", "min_value": "10", "max_value": "2"},
    )
    assert "must not be less than the smallest" in response.content.decode()
    client.post(
        url(drafted, "edit_item", "code=YEARS"),
        {"text": "Years?", "min_value": "", "max_value": "60"},
    )
    item = Item.objects.get(code="YEARS")
    assert (item.min_value, item.max_value) == (None, 60)
    # The options of "pick the three that matter most" follow the outcomes, not this page.
    page = client.get(url(drafted, "edit_item", "code=TOP3")).content.decode()
    assert "Options, one per line" not in page
