"""A wave's qualitative work as a REFI-QDA project (issue 16, item 7): the models mapped onto the
pure `outcomes.exchange.refi_qda` classes, so the page download and `manage.py export_qdpx`
write the same bytes.

What leaves POET in the file, and what never does:

- sources: only those whose masking an evaluator confirmed, and only their masked text (never
  a kept original file); each named by its kind and number as the sources page numbers it
  ("Transcript 3"), its audience and its session by method, date and mode — never the
  session's facilitator, who is a person;
- coders: "Coder 1", "Coder 2"… in the order they joined the coding, never their names or
  e-mail addresses. The file is made to be opened in other software and passed to other people
  (a university team, a commissioner's analyst), where POET's access rules no longer hold; what
  the coders' work needs there is to tell one coder's codings from another's, which a
  pseudonym does. Who is who stays in POET, where the agreement page names the coders to those
  allowed to see them;
- the evaluators' own words (theme names, descriptions, memos) are typed freely, so they are
  masked with the same rules as the sources (names from the staff list, the members and the
  facilitators, participant codes, e-mail addresses, phone numbers, postcodes) on the way out.

Each kind is read in one query (sources, themes, codings), whatever the size of the wave.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from outcomes.exchange import refi_qda
from outcomes.models import Coding, FollowUpSchedule, QualitativeSource
from outcomes.selectors.coding import source_numbers
from outcomes.selectors.sources import confirmed_sources, known_identifiers
from poet.analysis.masking import mask


def source_session(source: QualitativeSource) -> str:
    """Where the words were said, without a person's name: the session's method, date and mode;
    for staff, their organisation and group."""
    if source.audience == "staff":
        parts = [p.name for p in (source.organisation, source.staff_group) if p is not None]
        return ", ".join(parts) or "Staff survey"
    session = source.session
    if session is not None:
        parts = [session.get_method_display()]
        if session.date:
            parts.append(f"{session.date:%-d %B %Y}")
        parts.append(session.get_mode_display().lower())
        return ", ".join(parts)
    return "Not in a session" if source.answer_id else "Session removed"


# The project file's own words (kinds, audiences, methods) stay in English whatever the page's
# language: the file is read by other software and other teams (REFI-QDA has no language field).
@translation.override("en-gb")
def wave_project(schedule: FollowUpSchedule) -> refi_qda.Project:
    """The wave's confirmed sources, its codebook, every coder's codings of those sources and
    the memos, ready for `refi_qda.write_project` (or its themes for `write_codebook`)."""
    wave = schedule.wave
    masked = masker(schedule)
    numbers = source_numbers(schedule)
    sources = [
        refi_qda.Source(
            id=s.pk,
            name=f"{s.get_kind_display()} {numbers[s.pk]}",
            audience=s.get_audience_display(),
            session=source_session(s),
            text=s.text,
        )
        for s in confirmed_sources(schedule)
    ]
    themes, memos = codebook_of(schedule, masked)
    codings = list(
        Coding.objects.filter(
            source__schedule=schedule, source__masking=QualitativeSource.Masking.CONFIRMED
        )
        .order_by("source_id", "start", "end", "pk")
        .values("pk", "source_id", "coder_id", "theme_id", "start", "end", "memo")
    )
    first_coded: dict[int, int] = {}
    for c in sorted(codings, key=lambda c: c["pk"]):
        first_coded.setdefault(c["coder_id"], c["pk"])
    order = sorted(first_coded, key=lambda coder_id: first_coded[coder_id])
    coders = {coder_id: n for n, coder_id in enumerate(order, start=1)}
    memos.extend(
        refi_qda.Memo(
            id=f"coding-{c['pk']}",
            text=masked(c["memo"]),
            coding_id=c["pk"],
            coder_id=coders[c["coder_id"]],
        )
        for c in codings
        if c["memo"].strip()
    )
    return refi_qda.Project(
        name=f"{wave.partnership.name} – {wave.name}",
        description=(
            f"The follow-up of {wave.name}, exported from POET: the sources whose masking was "
            "confirmed (masked text only), the codebook, every coder's codings and the memos. "
            "Coders are named Coder 1, Coder 2… in the order they started coding."
        ),
        coders=[refi_qda.Coder(id=n, name=f"Coder {n}") for n in coders.values()],
        themes=themes,
        sources=sources,
        codings=[
            refi_qda.Coding(
                id=c["pk"],
                source_id=c["source_id"],
                coder_id=coders[c["coder_id"]],
                theme_id=c["theme_id"],
                start=c["start"],
                end=c["end"],
            )
            for c in codings
        ],
        memos=memos,
        created_at=wave.created_at,
    )


def masker(schedule: FollowUpSchedule) -> Callable[[str], str]:
    """Masks text the evaluators typed with the rules their sources were masked with."""
    known = known_identifiers(schedule)

    def masked(text: str) -> str:
        return mask(text, names=known.names, codes=known.codes).text if text.strip() else text

    return masked


def codebook_of(
    schedule: FollowUpSchedule, masked: Callable[[str], str] | None = None
) -> tuple[list[refi_qda.Theme], list[refi_qda.Memo]]:
    """The wave's themes (each theme, then its sub-themes; the new-outcome flag) and the memos
    on them, in one query; the evaluators' words masked (by `masked`, else the wave's rules)."""
    masked = masked or masker(schedule)

    rows = list(
        schedule.themes.order_by("pk").values(
            "pk", "name", "description", "memo", "parent_id", "proposal_id", "outcome_id"
        )
    )
    tops = sorted(
        (r for r in rows if r["parent_id"] is None),
        key=lambda r: (r["outcome_id"] is None, r["pk"]),
    )
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered.extend(r for r in rows if r["parent_id"] == top["pk"])
    themes = [
        refi_qda.Theme(
            id=r["pk"],
            name=masked(r["name"]),
            description=masked(r["description"]),
            parent_id=r["parent_id"],
            proposed_as_new_outcome=r["proposal_id"] is not None,
        )
        for r in ordered
    ]
    memos: list[refi_qda.Memo] = [
        refi_qda.Memo(id=f"theme-{r['pk']}", text=masked(r["memo"]), theme_id=r["pk"])
        for r in ordered
        if r["memo"].strip()
    ]
    return themes, memos
