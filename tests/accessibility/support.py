"""What the accessibility tests share: the two questionnaires a respondent can be sent to, axe,
screenshots and the page-width check."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from outcomes.models import ChosenOutcome, FollowUpSchedule, Participant
from outcomes.services.participants import create_link, register_participant
from outcomes.services.schedule import (
    add_chosen_outcome,
    create_schedule,
    open_schedule,
    set_methods,
)
from poet.models import Audience, OutcomeStatement, UserGroup
from tests.outcomes.test_follow_up_browser import seeded_staff_wave
from tests.surveys.test_respond_browser import staff_survey

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 320, "height": 640}

__all__ = [
    "staff_survey",
    "follow_up_link",
    "snap",
    "readme_screenshot",
    "axe_violations",
    "scroll_width",
]


def follow_up_link() -> str:
    """The path of a carer's own link to the opened users/carers follow-up questionnaire.

    Four chosen outcomes: two sections of outcomes, then "which 3 matter most" with four to tick.
    """
    wave, home = seeded_staff_wave()
    schedule = create_schedule(wave)
    set_methods(schedule, [FollowUpSchedule.Method.QUESTIONNAIRE])
    add_chosen_outcome(schedule, home, reason=ChosenOutcome.Reason.MOST_ENDORSED)
    for code in ("O-SAFE", "O-STORY", "O-CARER"):
        outcome = OutcomeStatement.objects.get(partnership=None, code=code)
        add_chosen_outcome(schedule, outcome, reason=ChosenOutcome.Reason.OTHER)
    open_schedule(schedule)
    carer = register_participant(
        schedule,
        audience=Audience.CARER,
        user_group=UserGroup.objects.get(partnership=wave.partnership, name="Older people"),
        consent_given_on=timezone.localdate(),
        consent_method=Participant.ConsentMethod.VERBAL,
    )
    return f"/s/p/{create_link(carer)}/"


def snap(page, folder: str, name: str) -> None:
    """A full-page screenshot for a person to look at, in test-artifacts/<folder>/."""
    where = ARTIFACTS / folder
    where.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(where / f"{name}.png"), full_page=True)


def readme_screenshot(page, name: str) -> None:
    """A full-page screenshot the README shows, docs/screenshots/<name>.png, kept small (at most
    256 colours: the pages are flat colours and text). Rewritten only with POET_DOCS_SCREENSHOTS=1,
    so an ordinary test run leaves the working tree as it was."""
    import os

    from PIL import Image

    if os.environ.get("POET_DOCS_SCREENSHOTS") != "1":
        return
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = DOCS_SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def axe_violations(page, tags: list[str] | None = None, impacts=None) -> list[dict]:
    """axe-core's violations on the page: only `tags` rules if given, only `impacts` if given."""
    options = {"runOnly": {"type": "tag", "values": tags}} if tags else None
    results = Axe().run(page, options=options)
    violations = results.response["violations"]
    if impacts is not None:
        violations = [v for v in violations if v.get("impact") in impacts]
    return violations


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {'; '.join(targets)}")
    return "\n".join(lines)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")
