"""Helpers for the answering tests: a realistic small staff survey and invitation links."""

from django.utils import timezone

from poet.models import Wave
from surveys.models import Invitation, InvitationToken, Item, OpenLink, Section, new_token
from tests.factories import (
    ItemFactory,
    OrganisationFactory,
    OutcomeStatementFactory,
    QuestionnaireFactory,
    SectionFactory,
    StaffGroupFactory,
    WaveFactory,
)

OPTIONS = [
    {"value": "O-HOME", "label": "I can stay living in my own home"},
    {"value": "O-STORY", "label": "I only have to tell my story once"},
    {"value": "O-CARER", "label": "My carer gets the support they need"},
    {"value": "O-SAFE", "label": "I feel safe"},
]


def build_questionnaire(wave: Wave, *, frozen: bool = True):
    """Three sections: process Likert items; an outcome pair and a top-three; other kinds."""
    questionnaire = QuestionnaireFactory(
        wave=wave,
        title="Working together in our partnership",
        introduction="We want to know how the partnership feels to work in.",
        privacy_notice="Your answers are anonymous. We keep your organisation and staff group.",
        frozen_at=timezone.now() if frozen else None,
    )
    process = SectionFactory(
        questionnaire=questionnaire, title="Working together", order=0, kind=Section.Kind.PROCESS
    )
    ItemFactory(
        section=process,
        code="P-TRUST-1",
        text="I trust colleagues in other partners.",
        required=True,
        order=0,
    )
    ItemFactory(
        section=process,
        code="P-COMMS-1",
        text="Information reaches me when I need it.",
        required=False,
        order=1,
    )
    outcomes = SectionFactory(
        questionnaire=questionnaire,
        title="Outcomes for people",
        order=1,
        kind=Section.Kind.OUTCOMES,
    )
    home = OutcomeStatementFactory(
        code=f"O-HOME-{wave.pk}", text="I can stay living in my own home"
    )
    for order, measure in enumerate(["importance", "achievement"]):
        ItemFactory(
            section=outcomes,
            code=f"O-HOME.{measure}",
            order=order,
            required=True,
            text="How important is this?"
            if measure == "importance"
            else "How far has the partnership achieved this for the people it serves?",
            scale=measure,
            measure=measure,
            outcome=home,
        )
    ItemFactory(
        section=outcomes,
        code="TOP3",
        kind=Item.Kind.MULTIPLE,
        scale="",
        order=2,
        text="Pick the three outcomes that matter most",
        choices=OPTIONS,
        max_choices=3,
    )
    other = SectionFactory(questionnaire=questionnaire, title="About your work", order=2)
    ItemFactory(
        section=other,
        code="RANK",
        kind=Item.Kind.RANKING,
        scale="",
        order=0,
        text="Rank these outcomes",
        choices=OPTIONS[:3],
    )
    ItemFactory(
        section=other,
        code="YEARS",
        kind=Item.Kind.NUMBER,
        scale="",
        order=1,
        text="How many years have you worked here?",
        min_value=0,
        max_value=60,
    )
    ItemFactory(
        section=other,
        code="SETTING",
        kind=Item.Kind.SINGLE,
        scale="",
        order=2,
        text="Where do you mostly work?",
        choices=[
            {"value": "home", "label": "In people's homes"},
            {"value": "office", "label": "In an office"},
        ],
    )
    ItemFactory(
        section=other,
        code="ELSE",
        kind=Item.Kind.TEXT,
        scale="",
        order=3,
        text="What else should this partnership achieve for people?",
    )
    return questionnaire


def build_survey(**wave_fields):
    """An open wave with a frozen questionnaire and one invitation; returns (invitation, token)."""
    wave = WaveFactory(status=Wave.Status.OPEN, **wave_fields)
    build_questionnaire(wave)
    organisation = OrganisationFactory(partnership=wave.partnership, name="City Council")
    group = StaffGroupFactory(partnership=wave.partnership, name="Social worker")
    invitation = Invitation.objects.create(
        wave=wave, organisation=organisation, staff_group=group, email="sam@example.org"
    )
    return invitation, link_for(invitation)


def link_for(invitation: Invitation) -> str:
    token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    return token


def open_link(wave: Wave, active: bool = True) -> str:
    token, token_hash = new_token()
    OpenLink.objects.create(wave=wave, token_hash=token_hash, active=active)
    return token


SECTION_1 = {"P-TRUST-1": "4", "P-COMMS-1": "dk", "action": "continue"}
SECTION_2 = {
    "O-HOME.importance": "5",
    "O-HOME.achievement": "dk",
    "TOP3": ["O-HOME", "O-SAFE"],
    "action": "continue",
}
SECTION_3 = {
    "RANK__0": "2",
    "RANK__1": "1",
    "RANK__2": "",
    "YEARS": "7",
    "SETTING": "home",
    "ELSE": "People should get help sooner.",
    "action": "continue",
}
