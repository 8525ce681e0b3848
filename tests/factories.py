import datetime

import factory
from django.contrib.auth import get_user_model

from poet.models import (
    Membership,
    Organisation,
    OutcomeStatement,
    Partnership,
    Role,
    StaffGroup,
    UserGroup,
    Wave,
)
from surveys.models import Answer, Item, Questionnaire, Response, Section

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NHS


class StaffGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffGroup

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Staff group {n}")


class UserGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserGroup

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"User group {n}")


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Wave {n}")
    slug = factory.Sequence(lambda n: f"wave-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.EVALUATOR


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    wave = factory.SubFactory(WaveFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, partnership=factory.SelfAttribute("..wave.partnership")
    )
    staff_group = factory.SubFactory(
        StaffGroupFactory, partnership=factory.SelfAttribute("..wave.partnership")
    )
    submitted_on = datetime.date(2026, 11, 2)

    @factory.post_generation
    def answered(obj, create, extracted, **kwargs):
        """``answered=True``: the response holds an answer, so it counts as a respondent
        (`surveys.selectors.respondents`); without it the response is empty, as started ones are."""
        if create and extracted:
            give_an_answer(obj)


def give_an_answer(response: Response) -> Answer:
    """One answer (3 on a scale) to an item of the response's wave and audience's questionnaire,
    made when there is none: a response with an answer is a respondent."""
    audience = (
        Questionnaire.For.STAFF if response.audience == "staff" else Questionnaire.For.FOLLOW_UP
    )
    item = Item.objects.filter(
        section__questionnaire__wave=response.wave, section__questionnaire__audience=audience
    ).first()
    if item is None:
        questionnaire = Questionnaire.objects.filter(wave=response.wave, audience=audience).first()
        if questionnaire is None:
            questionnaire = Questionnaire.objects.create(
                wave=response.wave, audience=audience, title="Questions"
            )
        section = Section.objects.create(questionnaire=questionnaire, title="Questions")
        item = Item.objects.create(
            section=section, code="ANSWERED", kind=Item.Kind.LIKERT, text="Agree?"
        )
    return Answer.objects.create(response=response, item=item, number=3.0)


def member(partnership: Partnership, role: str = Role.EVALUATOR, **kwargs):
    """A user with one role in one partnership."""
    return MembershipFactory(partnership=partnership, role=role, **kwargs).user


def sign_in_with_code(client, user) -> None:
    """Sign in as someone who has entered their authenticator code (what /admin/ asks for)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    wave = factory.SubFactory(WaveFactory)
    title = "Working together in our partnership"
    introduction = "We want to know how the partnership feels to work in."
    privacy_notice = "Your answers are anonymous."


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(int)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    section = factory.SubFactory(SectionFactory)
    code = factory.Sequence(lambda n: f"Q{n}")
    kind = Item.Kind.LIKERT
    scale = Item.Scale.AGREEMENT
    text = factory.Sequence(lambda n: f"Statement number {n}")
    order = factory.Sequence(int)


class OutcomeStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeStatement

    code = factory.Sequence(lambda n: f"O-TEST{n}")
    text = factory.Sequence(lambda n: f"I can do thing number {n}")
