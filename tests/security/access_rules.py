"""The rule table of the access matrix: what every URL answers to every kind of visitor.

`tests/security/test_access_matrix.py` walks the URLconf; every named URL must have a rule here,
or the test fails and says to add one. For partnership pages (views made with
`poet.permissions.partnership_view`) most of the answer is derived: anonymous visitors are sent to
sign in, members of another partnership get 404, a role without the view's `required_right`
(per `ROLE_RIGHTS`) gets 403. The rule only says what someone *with* the right gets for GET and
for an empty POST, and which query string (``?code=``, ``?session=``…) picks a real object.

Also here: `World`, two partnerships each with one of every object a URL can address, so a 404
in the matrix is never just a missing row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from outcomes.models import (
    ChosenOutcome,
    Coding,
    FollowUpSchedule,
    FollowUpSession,
    OutcomeProposal,
    Participant,
    QualitativeSource,
    Theme,
)
from poet.models import (
    Job,
    Organisation,
    OutcomeStatement,
    Partnership,
    StaffGroup,
    UserGroup,
    Wave,
)
from poet.permissions import Right
from surveys.models import Invitation, InvitationToken, Item, OpenLink, WaveLanguage, new_token
from surveys.services.answering import start_open_draft
from surveys.services.design import create_staff_questionnaire
from surveys.services.opening import open_wave

# --- visitors ------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
TOKEN_HOLDER = "token holder"  # a session from a personal invitation link, no account
MANAGER = "manager of A"
EVALUATOR = "evaluator of A"
ADMINISTRATOR = "administrator of A"
OUTSIDER = "member of B"  # an administrator of partnership B: every right, in the wrong place
SUPERUSER = "superuser"
VISITORS = [ANONYMOUS, TOKEN_HOLDER, MANAGER, EVALUATOR, ADMINISTRATOR, OUTSIDER, SUPERUSER]

LOGIN = "login"  # expected answer: 302 to the sign-in page
OK_OR_FORM = (200, 302)  # an empty POST: the form again with errors, or done and redirected


# --- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """The expected answers of one URL.

    get/post: what a visitor allowed to use the page gets (a status, a tuple of statuses, or
    LOGIN); post=405 for pages that refuse POST. `query` is appended to the URL with `World`
    values filled in. `visitors` overrides the answer for particular visitors (pages outside
    partnerships: respondent and account pages). `exclude` names a URL family not walked here.
    """

    get: int | tuple | str = 200
    post: int | tuple | str = OK_OR_FORM
    query: str = ""
    foreign_query: str = ""  # the same query with partnership A's ids, tried on B's own page
    visitors: dict[str, tuple] = field(default_factory=dict)
    exclude: str = ""
    right: Right | None = None  # for a view that checks a right itself (not partnership_view)


def derived(get=200, post=OK_OR_FORM, **kwargs) -> Rule:
    """A partnership page: who is refused follows from its `required_right`."""
    return Rule(get=get, post=post, **kwargs)


def everyone(get, post, **visitors: tuple) -> Rule:
    """A page outside partnerships: the same answer for everyone unless named."""
    return Rule(get=get, post=post, visitors={k.replace("_", " "): v for k, v in visitors.items()})


def respondent(get, post, *, holder: tuple | None = None) -> Rule:
    """A respondent page: only the token holder's session has a draft behind it."""
    return Rule(get=get, post=post, visitors={TOKEN_HOLDER: holder} if holder else {})


# Without a respondent session, /s/ pages answer "there is no survey in this browser" (403).

RULES: dict[str, Rule] = {
    # --- outside partnerships -------------------------------------------------------------
    # Probes: no sign-in; /readyz is 503 while no worker is alive (a broker configured).
    "livez": everyone(200, 405),
    "readyz": everyone((200, 503), 405),
    "home": everyone(200, 200, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)),
    "login": everyone(200, 200),  # an empty POST shows the form with its errors
    "glossary": everyone(200, 405),  # open to all: no partnership's data
    # The header's language switch: sets the cookie (and a signed-in person's choice), back home.
    "choose_language": everyone(302, 405),
    "favicon": everyone(301, 301),  # to the static icon
    "logout": everyone(405, LOGIN),  # Django 5: sign out by POST only, then to sign in
    "new_partnership": everyone(
        403, 403, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN), superuser=(200, 200)
    ),
    "password_change": everyone(200, 200, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)),
    "password_change_done": everyone(
        200, 405, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)
    ),
    "password_reset": everyone(200, 200),
    "password_reset_done": everyone(200, 405),
    "password_reset_confirm": everyone(200, 200),  # a bad token: "this link is invalid"
    "password_reset_complete": everyone(200, 405),
    "two_factor": everyone(200, 200, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)),
    "two_factor_setup": everyone(200, 200, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)),
    "two_factor_verify": everyone(  # no device yet: on to set one up
        302, 302, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)
    ),
    "admin:": Rule(exclude="Django admin: staff-only by Django itself (is_staff)"),
    # A person's own API tokens; revoking one that is not theirs (or none) is 404.
    "api_tokens": everyone(200, 200, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)),
    "api_token_revoke": everyone(405, 404, anonymous=(LOGIN, LOGIN), token_holder=(LOGIN, LOGIN)),
    "api_docs": everyone(200, 405),  # the API's documentation: open to all, no data
    "api-v1:": Rule(exclude="the API answers tokens, not sessions: tests/api/test_api_access.py"),
    # --- respondents, under /s/ -----------------------------------------------------------
    "respond:survey": respondent(403, 403, holder=(200, 200)),
    "respond:section": respondent(403, 403, holder=(200, 200)),
    "respond:review": respondent(403, 403, holder=(200, 200)),
    "respond:saved": respondent(403, 403, holder=(200, 200)),
    "respond:thanks": respondent(200, 200, holder=(200, 200)),  # a plain thank-you page
    "respond:easy_read": respondent(405, 403, holder=(405, 302)),
    "respond:start": respondent(302, 302),  # a valid invitation link: exchanged for a session
    "respond:open": respondent(200, 200),  # the open link's group choice
    "respond:resume": respondent(302, 302),
    "respond:participant": respondent(404, 404),  # an unknown participant link
    # --- partnership pages (derived from required_right) ----------------------------------
    "partnership": derived(),
    "organisations": derived(),
    "staff_groups": derived(),
    "user_groups": derived(),
    "members": derived(),
    "new_wave": derived(),
    "audit_log": derived(),
    "audit_log_csv": derived(post=200),  # a file, whatever the method
    "partnership_settings": derived(),
    "partnership_thresholds": derived(get=302),  # the form is on the settings page
    "partnership_source_files": derived(get=302),  # the form is on the settings page
    "job": derived(foreign_query=""),
    "wave": derived(),
    "surveys:responses": derived(),
    "surveys:preview": derived(query="section=0"),
    "surveys:design": derived(),
    "surveys:create": derived(get=302),  # an action: GET goes back to its page
    "surveys:edit_texts": derived(),
    "surveys:outcomes": derived(),
    "surveys:edit_item": derived(query="code={item_code}", foreign_query="code={item_code}"),
    "surveys:add_item": derived(query="section=0"),
    "surveys:remove_item": derived(query="code={item_code}", foreign_query="code={item_code}"),
    "surveys:move": derived(get=302),  # an action: GET goes back to its page
    "surveys:edit_section": derived(query="section=1"),
    "surveys:add_section": derived(),
    "surveys:remove_section": derived(query="section=1"),
    "surveys:publish": derived(get=302),  # an action: GET goes back to its page
    "surveys:open": derived(get=302),  # an action: GET goes back to its page
    "surveys:close": derived(),
    "surveys:closing_date": derived(),
    "surveys:invitations": derived(),
    "surveys:invitations_example": derived(),
    "surveys:invitations_add": derived(),  # an empty POST: the form again, with its errors
    "surveys:invitations_people": derived(),  # a list with a search (GET)
    "surveys:invitations_preview": derived(),  # a POST sends a test to oneself, then back
    "surveys:invitations_send": derived(get=302),  # an action: GET goes back to its page
    "surveys:invitations_remind": derived(get=302),  # an action: GET goes back to its page
    "surveys:open_link": derived(),  # the most responses it takes, then the link once
    "surveys:open_link_limit": derived(),
    "surveys:open_link_off": derived(get=302),  # an action: GET goes back to its page
    "surveys:invitations_purge": derived(),
    "surveys:headcounts": derived(),
    "surveys:awaiting": derived(),  # an empty POST: back, saying what to choose
    "surveys:languages": derived(),
    "surveys:languages_import": derived(get=405),  # an empty POST: the page with its errors
    "surveys:languages_download": derived(),  # a file, whatever the method
    "reports:comparison": derived(),
    "reports:comparison_run": derived(get=302),  # an action: GET goes back to its page
    "reports:comparison_csv": derived(get=302),  # no run yet: back to the results
    "outcomes:schedule": derived(),
    "outcomes:create_schedule": derived(get=302),  # an action: GET goes back to its page
    "outcomes:methods": derived(),
    "outcomes:add_outcome": derived(),
    "outcomes:remove_outcome": derived(query="chosen={chosen}", foreign_query="chosen={chosen}"),
    "outcomes:add_session": derived(),
    "outcomes:edit_session": derived(query="session={session}", foreign_query="session={session}"),
    "outcomes:remove_session": derived(
        query="session={session}", foreign_query="session={session}"
    ),
    "outcomes:generate_questionnaire": derived(get=302),  # an action: GET goes back to its page
    "outcomes:open_schedule": derived(),
    "outcomes:close_schedule": derived(),
    "outcomes:interview_guide": derived(),
    "outcomes:focus_group_guide": derived(),
    "outcomes:participants": derived(),
    "outcomes:participants_export": derived(),  # the register as CSV
    "outcomes:participant": derived(),
    "outcomes:participant_link": derived(get=302),  # an action: GET goes back
    "outcomes:participant_withdraw": derived(),
    "outcomes:assisted_entry": derived(get=302, post=302),  # no consent yet: back
    "outcomes:import_answers": derived(),
    # qualitative sources: evaluators of the partnership only (Right.EVALUATE)
    "outcomes:sources": derived(),
    "outcomes:add_source": derived(),
    "outcomes:collect_answers": derived(get=302),  # an action: GET goes back to the list
    "outcomes:source": derived(query="source={source}", foreign_query="source={source}"),
    "outcomes:confirm_source": derived(  # an action: GET goes back to the review page
        get=302, query="source={source}", foreign_query="source={source}"
    ),
    # the test source's kept file is not on disk: back to its review page, saying so
    "outcomes:source_original": derived(
        get=302, post=302, query="source={source}", foreign_query="source={source}"
    ),
    "outcomes:delete_source_original": derived(  # an action: GET goes back to the review page
        get=302, query="source={source}", foreign_query="source={source}"
    ),
    # the codebook and coding: evaluators of the partnership only (Right.EVALUATE)
    "outcomes:codebook": derived(),
    "outcomes:seed_codebook": derived(get=302),  # an action: GET goes back to the codebook
    "outcomes:add_theme": derived(),
    "outcomes:theme": derived(query="theme={theme}", foreign_query="theme={theme}"),
    "outcomes:merge_theme": derived(query="theme={theme}", foreign_query="theme={theme}"),
    "outcomes:propose_theme": derived(  # an action: GET goes back to the theme
        get=302, query="theme={theme}", foreign_query="theme={theme}"
    ),
    "outcomes:remove_theme": derived(  # an action: GET (and a refusal) go back to the theme
        get=302, post=302, query="theme={theme}", foreign_query="theme={theme}"
    ),
    # REFI-QDA exchange: downloads (audited) and the codebook import, as the codebook
    "outcomes:download_qdpx": derived(),
    "outcomes:download_qdc": derived(),
    "outcomes:import_codebook": derived(),
    "outcomes:code_source": derived(
        query="source={coded_source}", foreign_query="source={coded_source}"
    ),
    "outcomes:code_selection": derived(  # an action: GET (and a POST without offsets) go back
        get=302, post=302, query="source={coded_source}", foreign_query="source={coded_source}"
    ),
    "outcomes:coding_done": derived(
        get=302, query="source={coded_source}", foreign_query="source={coded_source}"
    ),
    # a coding is its coder's (the administrator's here) until the others mark the source done
    "outcomes:coding": derived(
        query="coding={coding}",
        foreign_query="coding={coding}",
        visitors={EVALUATOR: (404, 404), SUPERUSER: (404, 404)},
    ),
    "outcomes:remove_coding": derived(  # an action: GET goes back to the source
        get=302, post=302, query="coding={coding}", foreign_query="coding={coding}"
    ),
    # picking a coded passage as a quote: an action on a coding the visitor may see (GET, and a
    # refused POST - the world's theme stands for no outcome - go back to the coding)
    "outcomes:pick_quote": derived(
        get=302,
        post=302,
        query="coding={coding}",
        foreign_query="coding={coding}",
        visitors={EVALUATOR: (404, 404), SUPERUSER: (404, 404)},
    ),
    "outcomes:unpick_quote": derived(get=404, post=404),  # the world has no quote to unpick
    "outcomes:agreement": derived(),
    # the analysis of the coding: evaluators only (Right.EVALUATE); the matrix shows passages
    "outcomes:themes": derived(),
    "outcomes:framework": derived(),
    "outcomes:framework_csv": derived(),  # a download, audited
    "outcomes:shortlist": derived(),
    "outcomes:shortlist_choose": derived(get=302),  # an action: GET goes back to its page
    "outcomes:shortlist_unchoose": derived(get=302),  # an action: GET goes back to its page
    "outcomes:collect_proposals": derived(get=302),  # an action: GET goes back to its page
    "outcomes:adopt_proposal": derived(
        query="proposal={proposal}", foreign_query="proposal={proposal}"
    ),
    "outcomes:merge_proposal": derived(
        query="proposal={proposal}", foreign_query="proposal={proposal}"
    ),
    "outcomes:reject_proposal": derived(
        query="proposal={proposal}", foreign_query="proposal={proposal}"
    ),
    "partnership_two_factor": derived(),
    "reports:formative": derived(),
    "reports:summative": derived(),
    "reports:next_wave": derived(),
    "reports:downloads": derived(),
    "reports:download_file": derived(get=404, post=404),  # the world's job is not a download
    "context:results": derived(),
    "context:leads": derived(),
    "context:edit_integration": derived(get=302),  # no ?lead=: back to the leads
    "context:edit_relationships": derived(get=302),  # no ?lead=: back to the leads
    "context:edit_importance": derived(get=302),  # no ?lead=: back to the leads
    # a partner lead's pages: a lead's link session, else a partnership page for evaluators
    "context:lead": Rule(get=302, post=302, right=Right.EVALUATE),
    "context:lead_integration": Rule(get=302, post=302, right=Right.EVALUATE),
    "context:lead_relationships": Rule(get=302, post=302, right=Right.EVALUATE),
    "context:lead_importance": Rule(get=302, post=302, right=Right.EVALUATE),
}

# URL arguments: which `World` value fills each (a new argument without one fails the walk).
ARGUMENTS = {
    "partnership": "slug",
    "wave": "wave_slug",
    "job_id": "job",
    "code": "participant_code",
    "number": "section_number",
    "uidb64": "uidb64",
    "token_id": "unknown_api_token",
    "language": "language_code",
}
# `token` depends on the page: a real link of the right kind.
TOKENS = {
    "respond:start": "invitation_token",
    "respond:open": "open_token",
    "respond:resume": "resume_token",
    "respond:participant": "unknown_token",
    "password_reset_confirm": "unknown_token",
}


def rule_for(name: str | None, route: str = "") -> Rule | None:
    """The rule of a URL: its name's, or its namespace's (``"admin:"``, also for unnamed ones)."""
    if route.startswith("admin/"):
        return RULES["admin:"]
    if name is None:
        return None
    if name in RULES:
        return RULES[name]
    namespace = name.split(":", 1)[0] + ":" if ":" in name else None
    return RULES.get(namespace) if namespace else None


# --- the URLconf walk ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    callback: object
    default_kwargs: dict

    @property
    def arguments(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    @property
    def rule(self) -> Rule | None:
        return rule_for(self.name, self.route)

    @property
    def required_right(self):
        return getattr(self.callback, "required_right", None)


def routes(resolver=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the URLconf with its full name (namespaces joined) and route text."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            inner = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from routes(p, route, inner)
        elif isinstance(p, URLPattern):
            name = namespace + p.name if p.name else None
            yield Route(name, route, p.callback, dict(p.default_args))


def named_routes() -> list[Route]:
    """The routes the matrix walks: one per URL name (a name routed twice is walked once)."""
    seen: dict[str, Route] = {}
    for r in routes():
        key = r.name or r.route
        seen.setdefault(key, r)
    return list(seen.values())


# --- the world: two partnerships with one of everything ------------------------------------------


@dataclass
class Side:
    """One partnership's objects, as URL and query values."""

    partnership: Partnership
    wave: Wave
    values: dict


def build_side(slug: str) -> Side:
    """A partnership with an open wave (template questionnaire), a job, a follow-up, links."""
    p = Partnership.objects.create(name=slug.title(), slug=slug, minimum_group_size=5)
    organisation = Organisation.objects.create(partnership=p, name=f"{slug} council")
    staff_group = StaffGroup.objects.create(partnership=p, name=f"{slug} nurses")
    user_group = UserGroup.objects.create(partnership=p, name=f"{slug} older people")
    outcome = OutcomeStatement.objects.create(
        partnership=p, code=f"O-{slug.upper()}", text=f"I can live well in {slug}"
    )
    wave = Wave.objects.create(partnership=p, name="Baseline", slug="baseline")
    questionnaire = create_staff_questionnaire(wave, [outcome])
    section = questionnaire.sections.order_by("order").first()
    only = Item.objects.create(
        section=section,
        code=f"{slug.upper()}-ONLY",
        kind=Item.Kind.LIKERT,
        text="Only here",
        order=99,
        required=False,
    )
    open_wave(wave)
    WaveLanguage.objects.create(wave=wave, code="cy")  # offered once open: not yet translated
    invitation = Invitation.objects.create(
        wave=wave, organisation=organisation, staff_group=staff_group, email=f"sam@{slug}.org"
    )
    tokens = {}
    for key in ("session_token", "invitation_token"):
        tokens[key], token_hash = new_token()
        if key == "invitation_token":
            invitation = Invitation.objects.create(
                wave=wave, organisation=organisation, staff_group=staff_group, email=f"jo@{slug}"
            )
        InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    tokens["open_token"], token_hash = new_token()
    link = OpenLink.objects.create(wave=wave, token_hash=token_hash, active=True)
    _, tokens["resume_token"] = start_open_draft(link, organisation, staff_group)
    job = Job.objects.create(partnership=p, wave=wave, kind="test")
    schedule = FollowUpSchedule.objects.create(wave=wave)
    chosen = ChosenOutcome.objects.create(schedule=schedule, outcome=outcome, reason="other")
    session = FollowUpSession.objects.create(schedule=schedule, method="interview")
    participant = Participant.objects.create(
        schedule=schedule, code=f"P-{slug.upper()}", audience="carer", user_group=user_group
    )
    proposal = OutcomeProposal.objects.create(wave=wave, source="staff", text="Less waiting")
    source = QualitativeSource.objects.create(  # names a kept file that is not on disk: the
        schedule=schedule,  # review page shows its block, the download sends back saying so
        session=session,
        kind="notes",
        audience="carer",
        text="[name] said",
        original_file="sources/originals/not-on-disk.txt",
    )
    # A confirmed source with a theme and one coding, by the side's administrator (the visitor
    # the page suite opens A's pages as; B's own, for the foreign-object test): other coders do
    # not see it (they code blind).
    coder_name = {"alpha": ADMINISTRATOR, "beta": OUTSIDER}.get(slug, f"coder of {slug}")
    coder = get_user_model().objects.get_or_create(username=coder_name)[0]
    coded = QualitativeSource.objects.create(
        schedule=schedule,
        session=session,
        kind="transcript",
        audience="service_user",
        text="[name]: The bus stopped.\n[name]: Nobody comes now.",
        masking=QualitativeSource.Masking.CONFIRMED,
    )
    theme = Theme.objects.create(schedule=schedule, name="Transport", description="Getting out")
    coding = Coding.objects.create(source=coded, theme=theme, coder=coder, start=8, end=24)
    values = {
        "slug": p.slug,
        "wave_slug": wave.slug,
        "job": job.pk,
        "participant_code": participant.code,
        "section_number": 1,
        "uidb64": "MQ",
        "unknown_token": "no-such-token",
        "unknown_api_token": 999_999,
        "item_code": only.code,
        "language_code": "cy",
        "chosen": chosen.pk,
        "session": session.pk,
        "proposal": proposal.pk,
        "source": source.pk,
        "coded_source": coded.pk,
        "theme": theme.pk,
        "coding": coding.pk,
        **tokens,
    }
    return Side(p, wave, values)
