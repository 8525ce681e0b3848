"""Issue 17, item 1 (acceptance): every page of POET in Welsh, with no English left on it.

The walk of `tests/accessibility/test_every_page.py` (the URLconf and the access matrix's rules, so
a page added tomorrow is read tomorrow), with the test client and the `django_language=cy` cookie
the header's switch sets: every page someone may GET, as the first visitor allowed, and again after
an empty POST (the form with its errors, or the page an action sends back to with its message).
The respondent pages are read as a respondent who chose Welsh on their link (the world's wave
translated). Then what that world never shows: the participant pages reached by a form, a wave
with results (tables, hidden figures), a wave just made and a draft one, and the error pages.

Each page must say `<html lang="cy">`, and its visible text (text outside script and style, and
the alt, title, aria-label, placeholder and button values a person or a screen reader meets) must
hold none of the commonest English words once the data this test made is taken out (names of
partnerships, organisations, groups, waves and people; the questionnaire's own English, which the
wave's translations give, not the interface; codes). Text inside an element that declares another
language (`lang="en"`, as the language switch's "English") is that language by design, and code
(`<code>`, `<kbd>`, `<samp>`) is no language: both are passed over. A piece of text that is, whole,
the English of a message the catalogue has Welsh for (a heading or label passed on as a plain
string) fails too, whatever its words. The compiled Welsh catalogue is needed
(`manage.py interface_messages`).

A failure names every page (URL name, URL, visitor) and the English sentences found on it.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from outcomes.models import (
    ChosenOutcome,
    Coding,
    OutcomeProposal,
    Participant,
    QualitativeSource,
    Theme,
)
from poet.library import load_library
from poet.models import (
    AuditEvent,
    Job,
    Organisation,
    OutcomeStatement,
    Partnership,
    StaffGroup,
    UserGroup,
    Wave,
)
from surveys.models import (
    Answer,
    ContextRespondent,
    Invitation,
    Item,
    Questionnaire,
    Section,
    Translation,
)
from surveys.services.context import create_lead
from surveys.services.design import create_staff_questionnaire
from surveys.services.translations import import_po
from tests.accessibility.test_every_page import PARTNER_LEAD, build_world, pages_to_visit
from tests.security.access_rules import ADMINISTRATOR, TOKEN_HOLDER, named_routes
from tests.security.test_access_matrix import expected, person, url_of
from tests.surveys.test_translations import translated_file

pytestmark = pytest.mark.django_db

# The commonest English words that are no Welsh word ("a", "i", "o", "yn", "at" and "is", as in
# "yn is na", are Welsh too, so they are not here). A hyphenated word ("is-adran") is one word.
ENGLISH = {
    *("the", "and", "your", "you", "of", "to", "are", "for", "with", "this", "that"),
    *("not", "has", "have", "was", "will", "can", "no", "or", "be", "by", "from", "on", "an"),
}
WORD = re.compile(r"[\w’'-]+")

# Text that stays English on a Welsh page on purpose: (text, why).
ALLOWED: list[tuple[str, str]] = []

# Pages that cannot be put right yet: {url name: why}. The lead decides what stays here.
KNOWN_ENGLISH: dict[str, str] = {}

VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
VOID = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"),
    *("track", "wbr", "param"),
}
NOT_SHOWN = {"script", "style", "template"}
CODE = {"code", "kbd", "samp"}


class VisibleText(HTMLParser):
    """The pieces of text a person reads, each on its own (a text run or an attribute), and the
    language of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.html_lang: str | None = None
        self.stack: list[tuple[str, bool]] = []  # (tag, passed over)

    def passed_over(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = values.get("lang")
        lang = values.get("lang")
        skip = (
            self.passed_over()
            or tag in NOT_SHOWN
            or tag in CODE
            or (lang is not None and tag != "html" and not lang.lower().startswith("cy"))
        )
        if not skip:
            for name in VISIBLE_ATTRIBUTES & values.keys():
                self.pieces.append(values[name])
            kind = values.get("type", "").lower()
            if tag == "input" and kind in {"submit", "button", "reset"} and values.get("value"):
                self.pieces.append(values["value"])
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.passed_over() and data.strip():
            self.pieces.append(data)


def world_data() -> list[str]:
    """Every text the test's world put in the database that a page may show as it is: people's
    data and the questionnaire's own words (longest first, so a name inside another goes last)."""
    found: set[str] = set()

    def add(*texts: str | None) -> None:
        found.update(t.strip() for t in texts if t and t.strip())

    for user in get_user_model().objects.all():
        add(user.username, user.email, user.get_full_name(), user.first_name, user.last_name)
    for p in Partnership.objects.all():
        add(p.name, p.slug, p.description)
    for model in (Organisation, StaffGroup, UserGroup, Wave):
        add(*model.objects.values_list("name", flat=True))
    for outcome in OutcomeStatement.objects.all():
        add(outcome.code, outcome.text, outcome.easy_read_text)
    for q in Questionnaire.objects.all():
        add(q.title, q.introduction, q.privacy_notice, q.contact)
    for section in Section.objects.all():
        add(section.title, section.introduction)
    for item in Item.objects.all():
        add(item.code, item.text, item.easy_read_text, item.help_text)
    add(*Translation.objects.values_list("text", flat=True))
    add(*Answer.objects.values_list("text", flat=True))
    add(*ChosenOutcome.objects.values_list("note", flat=True))
    add(*Invitation.objects.values_list("email", flat=True))
    add(*ContextRespondent.objects.values_list("name", flat=True))
    add(*Participant.objects.values_list("code", flat=True))
    for theme in Theme.objects.all():
        add(theme.name, theme.description, theme.memo)
    add(*OutcomeProposal.objects.values_list("text", flat=True))
    for source in QualitativeSource.objects.all():
        add(source.text, source.original_file.name)
    for coding in Coding.objects.select_related("source"):
        add(coding.source.text[coding.start : coding.end])
    add(*Job.objects.values_list("kind", flat=True))
    for event in AuditEvent.objects.all():
        add(event.target, event.reason)
    lines = {" ".join(line.split()) for text in found for line in text.splitlines()}
    return sorted({" ".join(t.split()) for t in found} | lines - {""}, key=len, reverse=True)


def without(text: str, data: list[str]) -> str:
    """The text with the world's data taken out, also where a page quotes the start of a long
    text (“The organisations in this…”)."""

    def quoted(match: re.Match) -> str:
        start = match.group(1).strip()
        return " \u2022 " if any(value.startswith(start) for value in data) else match.group(0)

    text = re.sub(r"“(.{20,}?)…”", quoted, text)
    values = [*data, *(allowed for allowed, _ in ALLOWED)]
    pattern = re.compile("|".join(re.escape(v) for v in values), re.IGNORECASE)
    return pattern.sub(" \u2022 ", text)


def english_in(html: str, data: list[str]) -> list[str]:
    """The problems of one page: its language, and each piece of text with English words in it
    (the English words named)."""
    reader = VisibleText()
    reader.feed(html)
    problems = []
    if reader.html_lang != "cy":
        problems.append(f'<html lang="{reader.html_lang}"> (want lang="cy")')
    seen = set()
    for piece in reader.pieces:
        sentence = " ".join(piece.split())
        if sentence in seen:
            continue
        seen.add(sentence)
        left = without(sentence, data)
        found = sorted({w.lower() for w in WORD.findall(left)} & ENGLISH)
        if found:
            problems.append(f"{sentence[:200]!r}  [{', '.join(found)}]")
        elif left.strip(" :.") in english_messages():
            problems.append(f"{sentence[:200]!r}  [a message of the catalogue, in English]")
    return problems


@functools.cache
def english_messages() -> frozenset[str]:
    """The English of every message the catalogue has other Welsh for: shown whole on a Welsh
    page, it went round the translation (a heading or a label passed on as a plain string)."""
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/cy/LC_MESSAGES/django.po"))
    return frozenset(
        " ".join(e.msgid.split()).strip(" :.")
        for e in catalogue
        if e.msgstr and e.msgstr != e.msgid and not e.obsolete and re.search(r"[A-Za-z]", e.msgid)
    )


def welsh_client(visitor: str, world) -> Client:
    """A browser of one kind of visitor whose interface language is Welsh."""
    client = Client()
    client.cookies["django_language"] = "cy"
    a, _ = world
    if visitor == TOKEN_HOLDER:  # a respondent who chose Welsh on their link
        assert client.get(f"/s/{a.values['session_token']}/?lang=cy").status_code == 302
    if visitor == PARTNER_LEAD:
        _, token = create_lead(
            a.wave, name="Pat Lee", organisation=a.partnership.organisations.first()
        )
        start = reverse("context:lead", args=[a.partnership.slug, a.wave.slug])
        assert client.get(f"{start}?token={token}").status_code == 302
        return client
    user = person(visitor, world)
    if user is not None:
        client.force_login(user)
    return client


def is_html(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def test_every_page_is_in_welsh_with_no_english_left():
    world = build_world()
    wave = world[0].wave  # translated into Welsh, so its respondents may answer in Welsh
    import_po(wave, "cy", translated_file(wave, "cy"))
    visits = pages_to_visit(world[0].values)
    assert len(visits) > 40, "the walk found the pages"
    rules = {route.name: route for route in named_routes()}
    report, read = [], []
    for name, visitor, url in visits:
        route = rules[name]
        posts = visitor == PARTNER_LEAD or 200 in _statuses(expected(route, route.rule, visitor)[1])
        for method in ("get", "post") if posts else ("get",):
            savepoint = transaction.savepoint()
            try:
                client = welsh_client(visitor, world)
                response = client.get(url) if method == "get" else client.post(url, follow=True)
                if not is_html(response):
                    continue
                data = world_data()
                problems = english_in(response.content.decode(), data)
            finally:
                transaction.savepoint_rollback(savepoint)
            read.append(f"{method.upper()} {name}")
            if problems and name not in KNOWN_ENGLISH:
                where = f"{method.upper()} {name} ({url} as {visitor})"
                report.append(where + ":\n    " + "\n    ".join(problems))
    assert len(read) > 60, read
    assert not report, f"{len(report)} of {len(read)} pages with English:\n" + "\n".join(report)


def _statuses(want) -> tuple:
    return want if isinstance(want, tuple) else (want,)


def test_participant_pages_reached_by_a_form_are_welsh_too():
    """The pages the walk cannot open by GET (as in the page suite): the register filtered and
    paged, the correction of answers already entered, a participant's new link with its letter
    (shown once, after a POST), and a replaced link's page (a respondent page)."""
    from outcomes.models import FollowUpSchedule
    from outcomes.services.capture import enter_answers
    from outcomes.services.participants import check_collecting
    from poet.models import Role
    from tests.accessibility.support import follow_up_link
    from tests.factories import member

    old_link = follow_up_link()
    schedule = FollowUpSchedule.objects.get()
    carer = Participant.objects.get()
    enter_answers(carer, check_collecting(schedule), {"O-HOME.importance": 4})
    Participant.objects.bulk_create(
        Participant(
            schedule=schedule,
            code=f"Q-{i:03d}",
            audience="service_user",
            user_group=carer.user_group,
        )
        for i in range(60)
    )
    wave, p = schedule.wave, schedule.wave.partnership
    client = Client()
    client.cookies["django_language"] = "cy"
    client.force_login(member(p, Role.EVALUATOR, user__first_name="Eve", user__last_name="Evans"))

    def url(name: str, **kwargs) -> str:
        return reverse(
            f"outcomes:{name}", kwargs={"partnership": p.slug, "wave": wave.slug, **kwargs}
        )

    pages = {
        "the register, filtered and paged": client.get(
            url("participants") + "?status=no_consent&page=2"
        ),
        "correcting answers": client.get(url("assisted_entry", code=carer.code)),
        "a new link and its letter": client.post(url("participant_link", code=carer.code)),
    }
    replaced = Client()
    replaced.cookies["django_language"] = "cy"
    pages["a replaced link"] = replaced.get(old_link)
    assert pages["a replaced link"].status_code == 410
    data = world_data()
    report = []
    for what, response in pages.items():
        assert response.status_code in (200, 410), what
        problems = english_in(response.content.decode(), data)
        if problems:
            report.append(f"{what}:\n    " + "\n    ".join(problems))
    assert not report, "\n".join(report)


def read_wave_pages(wave) -> tuple[list[str], list[str]]:
    """(problems, url names read) of every page of a wave's partnership and of the wave that its
    administrator opens by GET, in Welsh."""
    from poet.models import Membership, Role

    user = get_user_model().objects.create(username=f"welsh administrator {wave.pk}")
    Membership.objects.create(user=user, partnership=wave.partnership, role=Role.ADMINISTRATOR)
    client = Client()
    client.cookies["django_language"] = "cy"
    client.force_login(user)
    values = {"slug": wave.partnership.slug, "wave_slug": wave.slug}
    data = world_data()
    report, read = [], []
    for route in named_routes():
        rule = route.rule
        if rule is None or rule.exclude or rule.query or not route.arguments:
            continue
        if set(route.arguments) - {"partnership", "wave"} or route.name in KNOWN_ENGLISH:
            continue
        if expected(route, rule, ADMINISTRATOR)[0] != 200:
            continue
        url = url_of(route, values)
        response = client.get(url)
        if not is_html(response):
            continue
        read.append(route.name)
        problems = english_in(response.content.decode(), data)
        if problems:
            report.append(f"{route.name} ({url}):\n    " + "\n    ".join(problems))
    return report, read


def test_the_pages_of_a_wave_with_results_are_welsh_too():
    """The walk's world has no answers: here a wave with staff, service users and carers
    answering and a finished comparison run, so the results pages show their tables, charts'
    words and hidden figures."""
    from tests.reports.test_report_content import seeded

    report, read = read_wave_pages(seeded().wave)
    assert {"reports:formative", "reports:summative", "reports:comparison"} <= set(read), read
    assert not report, f"{len(report)} of {len(read)} pages with English:\n" + "\n".join(report)


def test_the_pages_of_a_new_wave_are_welsh_too():
    """The walk's wave is open: here a wave just made (no questionnaire yet) and one whose
    questionnaire is a draft, as a partnership starts."""
    from tests.factories import WaveFactory

    load_library(OutcomeStatement)
    new = WaveFactory(name="Baseline", slug="new")
    drafted = WaveFactory(partnership=new.partnership, name="Second", slug="drafted")
    create_staff_questionnaire(drafted, list(OutcomeStatement.objects.filter(partnership=None)[:2]))
    report = []
    for wave in (new, drafted):
        problems, read = read_wave_pages(wave)
        assert "wave" in read, read
        report += problems
    assert not report, f"{len(report)} pages with English:\n" + "\n".join(report)


def test_error_pages_are_welsh_too():
    """What the walk never sees: a page that does not exist (404), one the visitor may not see
    (403: a manager on an evaluator's page), and /s/ without a survey in the browser."""
    from poet.models import Membership, Role

    world = build_world()
    manager = get_user_model().objects.create(username="welsh manager")
    Membership.objects.create(user=manager, partnership=world[0].partnership, role=Role.MANAGER)
    signed_in = Client()
    signed_in.cookies["django_language"] = "cy"
    signed_in.force_login(manager)
    anonymous = Client()
    anonymous.cookies["django_language"] = "cy"
    codebook = reverse("outcomes:codebook", args=[world[0].partnership.slug, world[0].wave.slug])
    pages = {
        "no such page": (anonymous.get("/no-such-page/"), 404),
        "not allowed": (signed_in.get(codebook), 403),
        "no survey in this browser": (anonymous.get(reverse("respond:survey")), 403),
    }
    data = world_data()
    report = []
    for what, (response, status) in pages.items():
        assert response.status_code == status, what
        problems = english_in(response.content.decode(), data)
        if problems:
            report.append(f"{what}:\n    " + "\n    ".join(problems))
    assert not report, "\n".join(report)


def test_the_check_finds_english_where_there_is_some():
    """The check is not passed by reading nothing: the same page in English fails it, naming the
    sentence, the words and the page's language; in Welsh it passes."""
    world = build_world()
    user = person(ADMINISTRATOR, world)
    english = Client()
    english.force_login(user)
    page = english.get(reverse("partnership_settings", args=[world[0].partnership.slug]))
    problems = english_in(page.content.decode(), world_data())
    assert '<html lang="en-GB"> (want lang="cy")' in problems
    assert any("Skip to main content" in p and "[to]" in p for p in problems), problems
    welsh = welsh_client(ADMINISTRATOR, world)
    page = welsh.get(reverse("partnership_settings", args=[world[0].partnership.slug]))
    assert english_in(page.content.decode(), world_data()) == []
