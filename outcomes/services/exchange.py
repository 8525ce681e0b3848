"""Exchange with qualitative software (issue 16, items 7 and 8): a wave's REFI-QDA project
(.qdpx) and codebook (.qdc) for NVivo, MAXQDA, ATLAS.ti and QualCoder, and a .qdc codebook
imported into a wave. Each export and import is audited: who, which wave, how many of what —
never the contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outcomes.exchange import refi_qda
from outcomes.models import FollowUpSchedule, Theme
from outcomes.selectors.exchange import codebook_of, wave_project
from outcomes.services.codebook import CodebookError, add_theme, propose_as_outcome
from poet.services import record_audit

MAX_CODEBOOK_BYTES = refi_qda.MAX_CODEBOOK_BYTES


class ExchangeError(Exception):
    """The file cannot be written or read; the message is for the evaluator."""


# What `refi_qda` refuses, marked here for translation: the exchange formats are pure (no Django),
# so their messages are put into the reader's language on the way out (`_refused`).
REFUSALS = (
    gettext_noop("The codebook has no themes: add a theme before exporting it."),
    gettext_noop("The codebook file must be smaller than 5 MB."),
    gettext_noop(
        "The file is not a REFI-QDA codebook: it declares a document type or entities, which a "
        "codebook never does. Export the codebook from your software as a .qdc file."
    ),
    gettext_noop(
        "The file is not a REFI-QDA codebook: it is not well-formed XML. Export the codebook "
        "from your software as a .qdc file."
    ),
    gettext_noop(
        "The file is not a REFI-QDA codebook (.qdc): its root is not a CodeBook in the namespace "
        "urn:QDA-XML:codebook:1.0."
    ),
    gettext_noop("The codebook has no codes."),
    gettext_noop("A code of the codebook has no name or no GUID."),
)


# Refusals that name something of the file: the English pattern, and the message to translate.
REFUSAL_PATTERNS = (
    (
        re.compile(r"Two codes of the codebook have the same GUID \((?P<guid>[^)]*)\)\."),
        gettext_noop("Two codes of the codebook have the same GUID (%(guid)s)."),
    ),
)


def _refused(error: refi_qda.RefiQdaError) -> ExchangeError:
    """The format's refusal as the evaluator's message, in their language where it is known."""
    message = str(error)
    for pattern, translated in REFUSAL_PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return ExchangeError(_(translated) % found.groupdict())
    return ExchangeError(_(message))


def _audit(action: str, schedule: FollowUpSchedule, actor, **detail) -> None:
    record_audit(
        action,
        actor=actor,
        partnership=schedule.wave.partnership,
        target=f"codebook of {schedule.wave.slug}",
        wave=schedule.wave.slug,
        **detail,
    )


def file_stem(schedule: FollowUpSchedule) -> str:
    """The name downloads are given, without extension: partnership and wave slugs."""
    return f"{schedule.wave.partnership.slug}-{schedule.wave.slug}"


def export_project(schedule: FollowUpSchedule, *, actor=None) -> bytes:
    """The wave's REFI-QDA project (.qdpx): confirmed sources' masked text, the codebook, every
    coder's codings (coders pseudonymised) and the memos. The same data gives the same bytes."""
    project = wave_project(schedule)
    try:
        data = refi_qda.write_project(project)
    except refi_qda.RefiQdaError as e:
        raise _refused(e) from e
    _audit(
        "codebook.project_exported",
        schedule,
        actor,
        sources=len(project.sources),
        themes=len(project.themes),
        codings=len(project.codings),
        memos=len(project.memos),
    )
    return data


def export_codebook(schedule: FollowUpSchedule, *, actor=None) -> bytes:
    """The wave's codebook as a REFI-QDA codebook (.qdc): themes, sub-themes, descriptions and
    the "new outcome proposed by users" set. Refused when the codebook has no themes."""
    themes, _memos = codebook_of(schedule)
    try:
        data = refi_qda.write_codebook(themes)
    except refi_qda.RefiQdaError as e:
        raise _refused(e) from e
    _audit("codebook.codebook_exported", schedule, actor, themes=len(themes))
    return data


@dataclass
class CodebookImport:
    """What an import did: the themes added (sub-themes as "Theme › Sub-theme") and the ones
    not added, each with the reason."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # themes that stand for a chosen outcome
    raised: list[str] = field(default_factory=list)  # deeper codes added one level up


def import_codebook(schedule: FollowUpSchedule, data: bytes, *, actor=None) -> CodebookImport:
    """Add the themes of a REFI-QDA codebook (.qdc) to the wave's codebook, sub-themes under
    their theme. A theme whose name the codebook already has is skipped and reported; its
    sub-themes still go under the existing theme when that is a theme (not a sub-theme). POET
    holds one level of sub-themes, so a deeper code becomes a sub-theme of its top theme
    (reported). A code in the set "New outcomes proposed by users" is proposed as a new
    outcome of this wave, for the shortlist; a theme named by the code of one of this wave's
    chosen outcomes that has no theme yet stands for that outcome (as seeding would have made
    it). All of it or nothing."""
    try:
        tree = refi_qda.read_codebook(data)
    except refi_qda.RefiQdaError as e:
        raise _refused(e) from e
    result = CodebookImport()
    with transaction.atomic():
        FollowUpSchedule.objects.select_for_update().get(pk=schedule.pk)
        existing = {_key(t.name): t for t in schedule.themes.all()}
        have = set(schedule.themes.exclude(outcome=None).values_list("outcome_id", flat=True))
        chosen = {
            _key(c.outcome.code): c.outcome
            for c in schedule.chosen_outcomes.select_related("outcome")
            if c.outcome_id not in have
        }
        for top in tree:
            _import_top(schedule, top, existing, result, actor)
            theme = existing.get(_key(top.name))
            outcome = chosen.pop(_key(top.name), None)
            if (
                theme is not None
                and outcome is not None
                and top.name in result.added
                and theme.proposal_id is None
            ):
                Theme.objects.filter(pk=theme.pk).update(outcome=outcome)
                result.outcomes.append(theme.name)
        _audit(
            "codebook.imported",
            schedule,
            actor,
            added=len(result.added),
            skipped=len(result.skipped),
            proposed=len(result.proposed),
        )
    return result


def _key(name: str) -> str:
    """Names compare as the codebook compares them: spaces collapsed, any letter case."""
    return " ".join(name.split()).casefold()


def _descendants(theme: refi_qda.CodebookTheme) -> list[tuple[refi_qda.CodebookTheme, bool]]:
    """Every code under `theme`, each with whether it sat deeper than one level."""
    found: list[tuple[refi_qda.CodebookTheme, bool]] = []

    def walk(node: refi_qda.CodebookTheme, depth: int) -> None:
        for child in node.children:
            found.append((child, depth > 1))
            walk(child, depth + 1)

    walk(theme, 1)
    return found


def _add(
    schedule: FollowUpSchedule,
    code: refi_qda.CodebookTheme,
    parent: Theme | None,
    existing: dict[str, Theme],
    result: CodebookImport,
    actor,
) -> Theme | None:
    label = f"{parent.name} › {code.name}" if parent else code.name
    if _key(code.name) in existing:
        result.skipped.append((label, _("a theme with this name is already in the codebook")))
        return None
    try:
        theme = add_theme(
            schedule, name=code.name, description=code.description, parent=parent, actor=actor
        )
    except CodebookError as e:
        result.skipped.append((label, str(e)))
        return None
    existing[_key(theme.name)] = theme
    result.added.append(label)
    if code.proposed_as_new_outcome:
        try:
            propose_as_outcome(theme, actor=actor)
            result.proposed.append(theme.name)
        except CodebookError as e:
            result.skipped.append((_("%(theme)s as a new outcome") % {"theme": label}, str(e)))
    return theme


def _import_top(
    schedule: FollowUpSchedule,
    top: refi_qda.CodebookTheme,
    existing: dict[str, Theme],
    result: CodebookImport,
    actor,
) -> None:
    parent = _add(schedule, top, None, existing, result, actor)
    if parent is None:
        same = existing.get(_key(top.name))
        parent = same if same is not None and same.parent_id is None else None
    for code, deeper in _descendants(top):
        if parent is None:
            result.skipped.append(
                (
                    f"{top.name} › {code.name}",
                    _(
                        "its theme '%(theme)s' is a sub-theme here, and a sub-theme cannot have "
                        "sub-themes"
                    )
                    % {"theme": top.name},
                )
            )
            continue
        added = _add(schedule, code, parent, existing, result, actor)
        if added is not None and deeper:
            result.raised.append(f"{parent.name} › {added.name}")
