"""Printable guides for the follow-up: an interview guide and a focus-group topic guide (PDF).

An HTML template (Django autoescape, so outcome texts are text, never markup) is turned into a
PDF by WeasyPrint. A guide is a few pages and renders in well under a second, so it is made
while the person waits rather than as a background job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import FollowUpSchedule
from outcomes.selectors.schedule import chosen_statements
from outcomes.services.follow_up_questionnaire import (
    ACHIEVEMENT_EASY,
    ACHIEVEMENT_TEXT,
    IMPORTANCE_EASY,
    IMPORTANCE_TEXT,
    PROPOSED_EASY,
    PROPOSED_TEXT,
)
from poet.services import record_audit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class GuideKind(StrEnum):
    INTERVIEW = "interview"
    FOCUS_GROUP = "focus-group"

    @property
    def title(self) -> str:  # type: ignore[override]  # the guide's title, read as kind.title
        return _("Interview guide") if self is GuideKind.INTERVIEW else _("Focus group topic guide")

    @property
    def method(self) -> str:
        return (
            FollowUpSchedule.Method.INTERVIEW
            if self is GuideKind.INTERVIEW
            else FollowUpSchedule.Method.FOCUS_GROUP
        )


@dataclass(frozen=True)
class Timing:
    minutes: int
    what: StrOrPromise  # words of the guide, translated when it is made


FOCUS_GROUP_TIMINGS = [
    Timing(10, gettext_lazy("Welcome, consent and ground rules")),
    Timing(5, gettext_lazy("Introductions")),
    Timing(50, gettext_lazy("The outcomes, one at a time")),
    Timing(15, gettext_lazy("What have we missed?")),
    Timing(10, gettext_lazy("Which matter most, and closing")),
]

GROUND_RULES = [
    gettext_lazy("Everyone gets a chance to speak; one person at a time."),
    gettext_lazy("There are no right or wrong answers, and it is fine to disagree."),
    gettext_lazy("What is said in the group stays in the group: do not repeat who said what."),
    gettext_lazy("You do not have to answer anything you would rather not."),
    gettext_lazy("You can take a break or leave at any time, without giving a reason."),
    gettext_lazy("Phones on silent, please."),
]

PROMPTS = [
    gettext_lazy("Can you tell me about a time when this went well for you?"),
    gettext_lazy("Can you tell me about a time when it did not?"),
    gettext_lazy("What made the difference?"),
    gettext_lazy("What would make it better?"),
]


def filename(schedule: FollowUpSchedule, kind: GuideKind) -> str:
    return f"{schedule.wave.partnership.slug}-{schedule.wave.slug}-{kind.value}-guide.pdf"


def guide_html(schedule: FollowUpSchedule, kind: GuideKind) -> str:
    wave = schedule.wave
    context = {
        "kind": kind,
        "title": kind.title,
        "partnership": wave.partnership,
        "wave": wave,
        "outcomes": chosen_statements(schedule),
        "importance_text": IMPORTANCE_TEXT,
        "importance_easy": IMPORTANCE_EASY,
        "achievement_text": ACHIEVEMENT_TEXT,
        "achievement_easy": ACHIEVEMENT_EASY,
        "proposed_text": PROPOSED_TEXT,
        "proposed_easy": PROPOSED_EASY,
        "prompts": PROMPTS,
        "ground_rules": GROUND_RULES,
        "timings": FOCUS_GROUP_TIMINGS,
        "total_minutes": sum(t.minutes for t in FOCUS_GROUP_TIMINGS),
        "made_on": timezone.localdate(),
        "is_focus_group": kind is GuideKind.FOCUS_GROUP,
    }
    return render_to_string("outcomes/schedule/guide.html", context)


def render_guide(schedule: FollowUpSchedule, kind: GuideKind) -> bytes:
    """The guide as PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only guides need

    return HTML(string=guide_html(schedule, kind)).write_pdf()


def download_guide(schedule: FollowUpSchedule, kind: GuideKind, *, actor) -> bytes:
    """The guide as PDF bytes for someone downloading it; the download is audited with how
    long the guide took to make."""
    started = time.monotonic()
    pdf = render_guide(schedule, kind)
    record_audit(
        "guide.downloaded",
        actor=actor,
        partnership=schedule.wave.partnership,
        target=str(schedule),
        wave=schedule.wave.slug,
        guide=kind.value,
        seconds=round(time.monotonic() - started, 3),
    )
    return pdf
