"""Read-side queries of the staff survey (they change nothing).

``response_rates`` and the response counts are re-exported here for the callers outside the app
that import them from ``surveys.selectors`` (reports); new code imports
``surveys.selectors.response_rates``."""

from surveys.selectors.response_rates import (
    response_count_table,
    response_rates,
    submitted_response_counts,
)

__all__ = ["response_count_table", "response_rates", "submitted_response_counts"]
