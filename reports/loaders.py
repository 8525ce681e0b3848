"""Moved to `reports.selectors.frames`; kept only for `reports/shortlist.py`, which moves to
outcomes (issue 14) and then no longer imports it: delete this module with that move."""

from reports.selectors.frames import counted_responses

__all__ = ["counted_responses"]
