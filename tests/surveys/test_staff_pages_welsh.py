"""Issue 17, item 1: the survey pages of evaluators and administrators in Welsh.

An evaluator whose interface language is Welsh (the `django_language` cookie the header's switch
sets) reads the wave's design pages, invitations, response rates, languages, headcounts and the
partnership context in Welsh: headings, buttons, messages, form errors and month names. Without
the cookie every page stays in English.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse

from poet.models import OutcomeStatement, Role
from surveys.models import Invitation
from surveys.services.design import create_staff_questionnaire
from surveys.services.translations import set_languages
from tests.factories import (
    OrganisationFactory,
    ResponseFactory,
    StaffGroupFactory,
    UserGroupFactory,
    WaveFactory,
    member,
)

pytestmark = pytest.mark.django_db
CLOSES = datetime.date(2099, 3, 27)


def url(wave, name, query=""):
    namespace = "context" if name in {"results", "leads"} else "surveys"
    path = reverse(
        f"{namespace}:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    return path + (f"?{query}" if query else "")


def text(response) -> str:
    """The page as a person reads it: entities decoded, tags and runs of spaces gone."""
    page = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def wave():
    wave = WaveFactory(
        name="Baseline 2026", slug="baseline", closes_on=CLOSES, partnership__minimum_group_size=10
    )
    outcomes = OutcomeStatement.objects.filter(partnership=None, code__in=["O-HOME", "O-STORY"])
    create_staff_questionnaire(wave, list(outcomes))
    return wave


@pytest.fixture
def welsh(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    client.cookies["django_language"] = "cy"
    return client


@pytest.fixture
def english(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    return client


def test_the_questionnaire_overview_is_in_welsh_with_welsh_month_names(welsh, wave):
    page = text(welsh.get(url(wave, "design")))
    assert "Holiadur staff" in page
    assert "Drafft" in page
    assert "Ychwanegu cwestiwn" in page and "Ychwanegu adran" in page
    assert "27 Mawrth 2099" in page  # the closing date, with the Welsh month
    assert "Adran 1 o " in page
    for english_words in ("Staff questionnaire", "Add a question", "Closing date", "March"):
        assert english_words not in page


def test_the_overview_stays_in_english_without_the_cookie(english, wave):
    page = text(english.get(url(wave, "design")))
    assert "Staff questionnaire" in page and "Add a question" in page
    assert "27 March 2099" in page
    assert "Holiadur staff" not in page


def test_form_errors_of_the_design_pages_are_in_welsh(welsh, wave):
    page = text(welsh.post(url(wave, "add_section"), {"title": "", "introduction": ""}))
    assert "Rhowch deitl." in page
    assert "Gwall:" in page  # the page title says there is an error
    assert "Enter a title." not in page
    page = text(
        welsh.post(
            url(wave, "add_item"),
            {"section": "1", "kind": "number", "code": "X.importance", "text": "Faint?"},
        )
    )
    assert "Cedwir codau sy’n gorffen gyda .importance neu .achievement" in page
    assert "Codes ending in" not in page


def test_messages_after_a_change_are_in_welsh(welsh, wave):
    response = welsh.post(url(wave, "add_section"), {"title": "Diolch", "introduction": ""})
    page = text(welsh.get(response["Location"]))
    assert "Mae adran “Diolch” wedi’i hychwanegu." in page
    response = welsh.post(
        url(wave, "closing_date"),
        {"closes_on_0": "27", "closes_on_1": "3", "closes_on_2": "2099"},
    )
    page = text(welsh.get(response["Location"]))
    assert "Mae’r cylch yn cau ar ddiwedd 27 Mawrth 2099." in page


def test_the_open_and_remove_confirmations_are_in_welsh(welsh, wave):
    page = text(welsh.get(url(wave, "open")))
    assert "Agor y cylch?" in page
    assert "tan 27 Mawrth 2099" in page
    assert "Open the wave" not in page
    page = text(welsh.get(url(wave, "remove_section", "section=1")))
    assert "Dileu’r adran hon?" in page and "Canslo" in page


def test_the_invitations_page_is_in_welsh(welsh, wave):
    page = text(welsh.get(url(wave, "invitations")))
    assert "Gwahoddiadau" in page
    assert "yn cau 27 Mawrth 2099" in page
    assert "Ychwanegu pobl o restr staff" in page
    assert "Uwchlwytho rhestr staff" in page  # the form's button
    assert "Dolen agored" in page and "Cyfeiriadau e-bost" in page
    for english_words in ("Invitations", "Upload staff list", "Open link", "closes 27"):
        assert english_words not in page


def test_a_staff_list_upload_without_a_file_says_so_in_welsh(welsh, wave):
    page = text(welsh.post(url(wave, "invitations"), {}))
    assert "Dewiswch ffeil CSV rhestr staff i’w huwchlwytho." in page
    assert "Mae problem wedi codi" in page
    assert "Choose a staff list CSV file" not in page


def test_adding_a_person_by_hand_has_welsh_errors(welsh, wave):
    OrganisationFactory(partnership=wave.partnership, name="Trust")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    page = text(welsh.post(url(wave, "invitations_add"), {"email": "not-an-address"}))
    assert "Ychwanegu person at y rhestr staff" in page
    assert "Rhowch gyfeiriad e-bost yn y fformat cywir" in page
    assert "Dewiswch y sefydliad y maen nhw’n gweithio iddo." in page
    assert "Dewiswch eu grŵp staff." in page


def invite(wave, organisation, group, invited, completed):
    for n in range(invited):
        Invitation.objects.create(
            wave=wave,
            organisation=organisation,
            staff_group=group,
            email=f"{organisation.pk}.{group.pk}.{n}@example.org",
            completed_on=CLOSES if n < completed else None,
        )
    ResponseFactory.create_batch(
        completed, wave=wave, organisation=organisation, staff_group=group, answered=True
    )


def test_response_rates_are_in_welsh_with_hidden_figures_marked_in_welsh(welsh, wave):
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    for name, invited, completed in [("Trust", 30, 14), ("Council", 20, 12), ("Charity", 10, 4)]:
        organisation = OrganisationFactory(partnership=wave.partnership, name=name)
        invite(wave, organisation, nurse, invited, completed)
    response = welsh.get(url(wave, "responses"))
    page = text(response)
    assert "Cyfraddau ymateb" in page
    assert "Yn ôl sefydliad" in page and "Yn ôl grŵp staff" in page
    assert "Wedi’u gwahodd" in page and "Cyfradd ymateb" in page
    # The rate of a group whose count is hidden says so in Welsh.
    charity = re.search(r"Charity</th>(.*?)</tr>", html.unescape(response.content.decode()), re.S)
    assert "wedi’i guddio" in charity[1]
    assert "Ailgyfrif yr ymatebion" in page
    for english_words in ("Response rates", "By organisation", "Recount responses", ">hidden<"):
        assert english_words not in html.unescape(response.content.decode())


def test_rounded_counts_of_an_open_wave_say_about_in_welsh(welsh, wave):
    wave.status = wave.Status.OPEN
    wave.save()
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    invite(wave, OrganisationFactory(partnership=wave.partnership, name="Trust"), nurse, 30, 14)
    invite(wave, OrganisationFactory(partnership=wave.partnership, name="Council"), nurse, 20, 12)
    page = text(welsh.get(url(wave, "responses")))
    assert "tua 15" in page and "tua 50%" in page
    assert "wedi’u talgrynnu i’r 5 agosaf" in page
    assert "about 15" not in page


def test_the_languages_page_names_languages_and_missing_texts_in_welsh(welsh, wave):
    set_languages(wave, ["ur"])
    page = text(welsh.get(url(wave, "languages")))
    assert "Ieithoedd a chyfieithiadau" in page
    assert "Wrdw" in page  # Urdu, named in Welsh
    assert "Beth sydd ar goll yn Wrdw" in page
    assert "Holiadur staff: teitl" in page  # where a missing text is, in Welsh
    assert "Holiadur staff, adran 1: teitl" in page
    assert "Cadw’r ieithoedd" in page and "Mewnforio cyfieithiadau" in page
    for english_words in ("Languages and translations", "Staff questionnaire: title", "Urdu"):
        assert english_words not in page


def test_a_wave_that_cannot_open_lists_what_is_missing_in_welsh(welsh, wave):
    set_languages(wave, ["ur"])
    page = text(welsh.get(url(wave, "open")))
    assert "Ni all y cylch agor eto" in page
    assert "Mae’r cylch yn cynnig Wrdw" in page
    assert "Wrdw: " in page and "testun ar goll" in page


def test_a_broken_translation_file_is_refused_in_welsh(welsh, wave):
    set_languages(wave, ["ur"])
    broken = b'msgid ""\nmsgstr ""\n"Language: ur\\n"\n\nmsgctxt "nope"\nmsgid "x"\nmsgstr "y"\n'
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ur.po", broken, content_type="text/x-gettext-translation")
    page = text(welsh.post(url(wave, "languages_import"), {"language": "ur", "file": upload}))
    assert "Ni fewnforiwyd y ffeil ac ni chadwyd dim" in page
    assert "nid oes testun o’r fath yn y cylch" in page
    assert "not imported" not in page


def test_headcounts_page_and_its_errors_are_in_welsh(welsh, wave):
    trust = OrganisationFactory(partnership=wave.partnership, name="Trust")
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    page = text(welsh.get(url(wave, "headcounts")))
    assert "Cyfrif pennau’r staff" in page and "Cadw’r cyfrif pennau" in page
    page = text(welsh.post(url(wave, "headcounts"), {f"h-{trust.pk}-{nurse.pk}": "lots"}))
    assert "Rhowch gyfrif pennau Nurse yn Trust fel rhif cyfan, fel 12" in page
    page = text(welsh.get(url(wave, "awaiting")))
    assert "Nid oes unrhyw ymatebion yn aros i gael eu cadarnhau." in page


def test_partnership_context_pages_are_in_welsh(welsh, wave):
    OrganisationFactory(partnership=wave.partnership, name="Trust")
    UserGroupFactory(partnership=wave.partnership, name="Older people")
    page = text(welsh.get(url(wave, "leads")))
    assert "Arweinwyr partner" in page and "Ychwanegu arweinydd partner" in page
    page = text(welsh.post(url(wave, "leads"), {"name": "", "organisation": ""}))
    assert "Rhowch enw’r arweinydd partner." in page
    assert "Dewiswch sefydliad yr arweinydd partner." in page
    page = text(welsh.get(url(wave, "results")))
    assert "Cyd-destun y bartneriaeth" in page and "Lefelau integreiddio" in page
    assert "Dim arweinwyr partner yn y cylch hwn eto." in page
    assert "Partnership context" not in page


def test_the_wave_pages_tasks_are_in_welsh(welsh, wave):
    page = text(welsh.get(wave.get_absolute_url()))
    assert "Llunio ac agor yr arolwg staff" in page
    assert "Gwahodd staff" in page
    assert "Cyfrif pennau’r staff" in page and "Ieithoedd a chyfieithiadau" in page
    assert "Design and open the staff survey" not in page
