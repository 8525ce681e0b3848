"""A follow-up with a chosen outcome and a confirmed transcript, shared by the codebook and coding
tests."""

from outcomes.models import ChosenOutcome, QualitativeSource
from outcomes.services.sources import add_source, confirm_masking
from poet.models import OutcomeStatement, Role
from tests.factories import member
from tests.outcomes.test_participants_support import FollowUp, build_follow_up

TRANSCRIPT = (
    "Facilitator: What has changed since the service started?\n"
    "Member: I can stay at home now, which matters most to me.\n"
    "Member: The bus to the day centre stopped, so I see nobody.\n"
    "\n"
    "Carer: Getting a carer's break is still hard."
)


def build_coded_follow_up() -> FollowUp:
    """`build_follow_up` with O-HOME chosen and a confirmed four-paragraph transcript."""
    built = build_follow_up()
    home = OutcomeStatement.objects.get(partnership=built.partnership, code="O-HOME")
    ChosenOutcome.objects.create(schedule=built.schedule, outcome=home, reason="most_endorsed")
    source = add_source(
        built.schedule,
        session=built.session,
        audience="service_user",
        kind="transcript",
        text=TRANSCRIPT,
        actor=built.evaluator,
    )
    confirm_masking(source, actor=built.evaluator)
    return built


def the_source(built: FollowUp) -> QualitativeSource:
    return QualitativeSource.objects.get(schedule=built.schedule)


def second_coder(built: FollowUp):
    return member(
        built.partnership, Role.EVALUATOR, user__first_name="Ola", user__last_name="Second"
    )
