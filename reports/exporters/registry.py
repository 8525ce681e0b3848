"""The registry of exporters: formats register themselves with `register` on import."""

from __future__ import annotations

from typing import TypeVar

from reports.exporters.base import AnswersExporter, Exporter

EXPORTERS: dict[str, Exporter] = {}
ANSWERS_EXPORTERS: dict[str, AnswersExporter] = {}

E = TypeVar("E", bound=type[Exporter] | type[AnswersExporter])


def register(exporter_class: E) -> E:
    """Class decorator: make a format available under its identifier."""
    exporter = exporter_class()
    if isinstance(exporter, AnswersExporter):
        ANSWERS_EXPORTERS[exporter.identifier] = exporter
    else:
        EXPORTERS[exporter.identifier] = exporter
    return exporter_class


def _found(registry: dict, format: str):
    try:
        return registry[format]
    except KeyError:
        raise KeyError(
            f"No exporter for {format!r}; there are: {', '.join(sorted(registry))}"
        ) from None


def get_exporter(format: str) -> Exporter:
    """The exporter of a report format; KeyError names the formats there are."""
    return _found(EXPORTERS, format)


def get_answers_exporter(format: str) -> AnswersExporter:
    """The exporter of a raw answers format; KeyError names the formats there are."""
    return _found(ANSWERS_EXPORTERS, format)


def report_formats() -> list[Exporter]:
    """The formats a report can be downloaded in (not the raw answers)."""
    return [exporter for exporter in EXPORTERS.values() if exporter.listed]


def report_format_choices() -> list[tuple[str, str]]:
    """The formats a report can be downloaded in, as form choices."""
    return [(e.identifier, e.verbose_name) for e in report_formats()]
