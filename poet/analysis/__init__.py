"""Pure analysis for POET: plain functions over pandas DataFrames (pandas, NumPy, SciPy only).

Nothing here imports Django or the rest of the project, so it can be tested and benchmarked alone.
See README.md beside this file for the input contracts and the suppression rule.
"""

from .comparison import (
    BREAKDOWNS,
    COMPARISON_COLUMNS,
    FLAGS,
    compare_counts,
    compare_outcome_counts,
    compare_outcomes,
    outcome_figure,
    priority_agreement,
    stronger,
)
from .consensus import (
    CONSENSUS_COLUMNS,
    TOP_PICK_COUNT_COLUMNS,
    staff_consensus,
    top_pick_counts,
)
from .counts import (
    ANSWER_COUNT_COLUMNS,
    answer_counts,
    outcome_counts_from,
    validate_answer_counts,
)
from .disclosure import (
    OVER_TIME,
    PRIMARY,
    REASONS,
    SECONDARY,
    TOTAL,
    Earlier,
    Leak,
    LinkedTable,
    Protection,
    find_leak,
    hidden_text,
    protect,
    rule_text,
)
from .frames import (
    AUDIENCES,
    MEASURES,
    OUTCOME_ANSWER_COLUMNS,
    PROCESS_ANSWER_COLUMNS,
    TOP_PICK_COLUMNS,
    FrameError,
    empty_outcome_answers,
    validate_outcome_answers,
    validate_process_answers,
    validate_top_picks,
)
from .process import (
    DOMAIN_SUMMARY_COLUMNS,
    SCORE_COLUMNS,
    SPREAD_COLUMNS,
    domain_scores,
    organisation_spread,
    summarise_domains,
)
from .release import NOTE_COLUMNS, STAFF_SIDE, USERS_SIDE, EarlierRelease, Release
from .staff import STAFF_SUMMARY_COLUMNS, staff_outcome_summary
from .suppression import below_k, blank
from .waves import WAVE_AUDIENCES, WAVE_COLUMNS, wave_change

__all__ = [
    "ANSWER_COUNT_COLUMNS",
    "answer_counts",
    "compare_outcome_counts",
    "outcome_counts_from",
    "validate_answer_counts",
    "NOTE_COLUMNS",
    "OVER_TIME",
    "PRIMARY",
    "REASONS",
    "SECONDARY",
    "TOTAL",
    "Earlier",
    "EarlierRelease",
    "Leak",
    "LinkedTable",
    "Protection",
    "Release",
    "STAFF_SIDE",
    "USERS_SIDE",
    "find_leak",
    "hidden_text",
    "protect",
    "rule_text",
    "AUDIENCES",
    "BREAKDOWNS",
    "COMPARISON_COLUMNS",
    "CONSENSUS_COLUMNS",
    "DOMAIN_SUMMARY_COLUMNS",
    "FLAGS",
    "MEASURES",
    "OUTCOME_ANSWER_COLUMNS",
    "PROCESS_ANSWER_COLUMNS",
    "SCORE_COLUMNS",
    "SPREAD_COLUMNS",
    "STAFF_SUMMARY_COLUMNS",
    "TOP_PICK_COLUMNS",
    "TOP_PICK_COUNT_COLUMNS",
    "WAVE_AUDIENCES",
    "WAVE_COLUMNS",
    "FrameError",
    "below_k",
    "blank",
    "compare_counts",
    "compare_outcomes",
    "domain_scores",
    "empty_outcome_answers",
    "organisation_spread",
    "outcome_figure",
    "priority_agreement",
    "stronger",
    "staff_consensus",
    "staff_outcome_summary",
    "summarise_domains",
    "top_pick_counts",
    "validate_outcome_answers",
    "validate_process_answers",
    "validate_top_picks",
    "wave_change",
]
