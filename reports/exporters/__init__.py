"""Report exporters behind one registry: `get_exporter("pdf")` and friends.

Each format is an `Exporter` (see `base.py`) registered under its identifier; the downloads page,
the background task and `manage.py export_report` all go through `get_exporter`, so a format added
here is offered everywhere at once.
"""

from __future__ import annotations

from reports.exporters.base import Exporter

EXPORTERS: dict[str, Exporter] = {}


def register(exporter_class: type[Exporter]) -> type[Exporter]:
    """Class decorator: make a format available under its identifier."""
    EXPORTERS[exporter_class.identifier] = exporter_class()
    return exporter_class


def get_exporter(format: str) -> Exporter:
    """The exporter of a format; KeyError names the formats there are."""
    try:
        return EXPORTERS[format]
    except KeyError:
        raise KeyError(
            f"No exporter for {format!r}; there are: {', '.join(sorted(EXPORTERS))}"
        ) from None


def report_formats() -> list[Exporter]:
    """The formats a report can be downloaded in (not the tidy answers)."""
    return [e for e in EXPORTERS.values() if e.source == "report"]


# Registration happens on import of each format's module.
from reports.exporters import csv, html, pdf, xlsx  # noqa: E402, F401, I001
