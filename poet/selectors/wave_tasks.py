"""The wave page's task list: each app names its tasks and works out their status from its data.

The core knows no app (DESIGN §7): surveys, outcomes and reports each register a function that
returns their tasks for one wave and one person (`register_wave_tasks`, called from their
`AppConfig.ready`). A status is always worked out from the data when the page is drawn, never
stored, so it cannot drift from what really happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from poet.models import Wave
from poet.permissions import Access

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TaskStatus(StrEnum):
    """The four statuses of the GOV.UK task list pattern."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START = "Cannot start yet"

    @property
    def label(self) -> str:
        """The status in the page's language (the value stays the English code)."""
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    TaskStatus.NOT_STARTED: gettext_lazy("Not started"),
    TaskStatus.IN_PROGRESS: gettext_lazy("In progress"),
    TaskStatus.COMPLETED: gettext_lazy("Completed"),
    TaskStatus.CANNOT_START: gettext_lazy("Cannot start yet"),
}


@dataclass(frozen=True)
class TaskAction:
    """Something to do next: a link, or a button that posts (`post=True`)."""

    label: str
    url: str
    post: bool = False
    secondary: bool = False
    warning: bool = False


@dataclass(frozen=True)
class WaveTask:
    """One line of the task list.

    `url` is the task's own page (left empty when the person may not see it, or while the task
    cannot start); `next_step` says in words what to do when this is the task to do next, and
    `actions` are the buttons offered with it.
    """

    key: str
    title: str
    status: TaskStatus
    hint: str = ""
    url: str = ""
    next_step: str = ""
    actions: tuple[TaskAction, ...] = field(default_factory=tuple)

    @property
    def is_open(self) -> bool:
        """Something can be done about it now."""
        return self.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)

    @property
    def tag_class(self) -> str:
        return {
            TaskStatus.NOT_STARTED: "govuk-tag--blue",
            TaskStatus.IN_PROGRESS: "govuk-tag--light-blue",
        }.get(self.status, "")


TaskProvider = Callable[[Access, Wave], list[WaveTask]]
LinkProvider = Callable[[Access, Wave], list[TaskAction]]


@dataclass(frozen=True)
class TaskGroup:
    """A heading of the task list and the tasks under it, in order."""

    order: int
    title: StrOrPromise  # in the reader's language when the page is drawn
    provider: TaskProvider
    links: LinkProvider | None = None


_GROUPS: dict[str, TaskGroup] = {}


def register_wave_tasks(
    key: str,
    *,
    order: int,
    title: StrOrPromise,
    provider: TaskProvider,
    links: LinkProvider | None = None,
) -> None:
    """Add (or replace, by `key`) a group of tasks to every wave page; lower `order` first.

    `links` gives the group's other pages (a preview, the reports), listed under the tasks."""
    _GROUPS[key] = TaskGroup(order=order, title=title, provider=provider, links=links)


@dataclass(frozen=True)
class WaveTaskList:
    groups: list[tuple[str, list[WaveTask]]]
    links: list[TaskAction]

    @property
    def tasks(self) -> list[WaveTask]:
        return [task for _, tasks in self.groups for task in tasks]

    @property
    def next_task(self) -> WaveTask | None:
        """The first task, in order, that this person can do something about now."""
        return next((t for t in self.tasks if t.is_open and t.actions), None)

    @property
    def completed(self) -> int:
        return sum(t.status == TaskStatus.COMPLETED for t in self.tasks)


def wave_tasks(access: Access, wave: Wave) -> WaveTaskList:
    """Every registered group's tasks for this wave, as this person sees them."""
    groups = sorted(_GROUPS.values(), key=lambda g: g.order)
    return WaveTaskList(
        groups=[(str(g.title), g.provider(access, wave)) for g in groups],
        links=[link for g in groups if g.links for link in g.links(access, wave)],
    )
