"""The glossary: what the terms in POET's reports and pages mean, in plain words.

One list for the glossary page (`poet.views.glossary`), the appendix of every report and the
links beside the tables that use a term (`reports.content.glossary`). Each term says how to
recognise it: `headings` is matched against a whole column heading (short symbols such as "q"
only count there), `words` against headings, table titles, notes and text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Term:
    slug: str  # the anchor: /glossary/#term-<slug>
    term: str
    meaning: str
    headings: str = ""  # a regular expression matched against a whole column heading
    words: str = ""  # a regular expression searched for in headings, titles, notes and text

    def used_in_heading(self, heading: str) -> bool:
        return bool(
            (self.headings and re.fullmatch(self.headings, heading.strip(), re.IGNORECASE))
            or self.used_in_text(heading)
        )

    def used_in_text(self, text: str) -> bool:
        return bool(self.words and re.search(self.words, text, re.IGNORECASE))

    def translated(self) -> Term:
        """The term and its meaning in the active language (TERMS hold the English, which the
        reports match and print; the glossary page and any translated report show these)."""
        return replace(self, term=gettext(self.term), meaning=gettext(self.meaning))


TERMS: tuple[Term, ...] = (
    Term(
        "domain",
        gettext_noop("Aspect of working together (domain)"),
        gettext_noop(
            "One side of how partners work together, such as trust and relationships or "
            "communication and information sharing, measured by a few statements staff agree or "
            "disagree with (1 strongly disagree to 5 strongly agree). A member of staff's score "
            "for an aspect is the mean of their answers to its statements."
        ),
        headings=r"Aspect",
        words=r"aspects? of working together|\bdomains?\b",
    ),
    Term(
        "n",
        gettext_noop("n (number of people)"),
        gettext_noop(
            "How many people gave an answer that counts for a figure. “Don't know” answers are not "
            "counted."
        ),
        headings=r".*\(n\)",
    ),
    Term(
        "mean",
        gettext_noop("Mean and median"),
        gettext_noop(
            "The mean is the average answer on the 1 to 5 scale. The median is the middle answer "
            "when all answers are put in order."
        ),
        headings=r".*\b(mean|median)\b.*",
        words=r"\bmean (score|importance|achievement)\b",
    ),
    Term(
        "sd",
        gettext_noop("Standard deviation (SD)"),
        gettext_noop(
            "How spread out the answers are around the mean: about two in three answers are within "
            "one SD of it. A small SD means people answered alike."
        ),
        headings=r"SD|.*\bSD\b.*",
        words=r"standard deviation",
    ),
    Term(
        "positive",
        gettext_noop("% positive"),
        gettext_noop(
            "The share of answers of 4 or 5 on the 1 to 5 scale: agree or strongly agree, "
            "important or essential, mostly or completely achieved."
        ),
        words=r"positive",
    ),
    Term(
        "areas",
        gettext_noop("Area for celebration, area for development"),
        gettext_noop(
            # xgettext:no-python-format
            "An aspect of working together is an area for celebration when at least 70% of staff "
            "are positive about it, and an area for development when 50% or fewer are (a "
            "partnership can set both levels)."
        ),
        words=r"areas? for (celebration|development)",
        headings=r"Area",
    ),
    Term(
        "spread",
        gettext_noop("Spread between organisations"),
        gettext_noop(
            "The highest organisation's mean minus the lowest one's, among organisations with "
            "enough staff answering: a large spread means partners experience something "
            "differently."
        ),
        headings=r"Spread",
        words=r"spread between",
    ),
    Term(
        "consensus",
        gettext_noop("Consensus, contested"),
        gettext_noop(
            "How far staff agree among themselves about an outcome: the share of their answers "
            "within one point of the middle answer (median). An outcome is contested when fewer "
            "than two in three answers are; the interquartile range (the spread of the middle half "
            "of the answers) says the same in points."
        ),
        words=r"consensus|contested|within one point|interquartile",
    ),
    Term(
        "difference",
        gettext_noop("Difference"),
        gettext_noop(
            "The mean of service users and carers minus the mean of staff. Below zero, staff rated "
            "the outcome higher than service users and carers did; above zero, lower."
        ),
        headings=r"Difference",
    ),
    Term(
        "confidence-interval",
        # xgettext:no-python-format
        gettext_noop("95% confidence interval (CI)"),
        gettext_noop(
            "The range in which the true figure most likely lies, given how many people answered "
            "and how much they differed. When the interval of a difference or a change does not "
            "include zero, the difference is unlikely to be chance alone."
        ),
        words=r"\bCI\b|confidence interval",
    ),
    Term(
        "p-value",
        gettext_noop("p value"),
        gettext_noop(
            "How likely a difference at least this large would be if staff and service users and "
            "carers really answered alike (from the Mann–Whitney U test). Small means unlikely."
        ),
        headings=r"p",
        words=r"\bp[- ]values?\b",
    ),
    Term(
        "q-value",
        gettext_noop("q value"),
        gettext_noop(
            "The p value adjusted because many outcomes are tested at once (the Benjamini–Hochberg "
            "method), so that some differences are not flagged by chance alone. Below 0.05, a "
            "difference is flagged."
        ),
        headings=r"q",
        words=r"\bq[- ]values?\b|\bq below\b",
    ),
    Term(
        "cliffs-delta",
        gettext_noop("Cliff's delta"),
        gettext_noop(
            "How large a difference is, from −1 to 1: the chance that a service user's or carer's "
            "answer is higher than a member of staff's, minus the chance that it is lower. 0 means "
            "no difference; about 0.15 is small, 0.33 medium and 0.47 large."
        ),
        words=r"cliff'?s delta",
    ),
    Term(
        "assumed-not-valued",
        gettext_noop("Assumed, not valued"),
        gettext_noop(
            "Staff rated an outcome as more important than service users and carers did, by more "
            "than chance alone would explain (q below 0.05): staff assume it matters more than the "
            "people it is for do."
        ),
        headings=r"Flag",
        words=r"assumed,? (but )?not valued",
    ),
    Term(
        "blind-spot",
        gettext_noop("Blind spot"),
        gettext_noop(
            "Service users and carers rated an outcome as more important than staff did (q below "
            "0.05), or proposed it themselves: something they value that staff did not assume."
        ),
        headings=r"Flag",
        words=r"blind spots?",
    ),
    Term(
        "over-under-estimated",
        gettext_noop("Over-estimated, under-estimated"),
        gettext_noop(
            "Staff rated how far an outcome is achieved higher (over-estimated) or lower "
            "(under-estimated) than service users and carers did, by more than chance alone would "
            "explain (q below 0.05)."
        ),
        headings=r"Flag",
        words=r"(over|under)-estimated",
    ),
    Term(
        "rank-agreement",
        gettext_noop("Spearman's rho, Kendall's tau"),
        gettext_noop(
            "Whether staff and service users and carers put the outcomes in the same order of "
            "importance: 1 the same order, 0 no relation, −1 the opposite order."
        ),
        words=r"spearman|kendall|priority agreement",
    ),
    Term(
        "k",
        gettext_noop("Minimum group size (k), hidden figures"),
        gettext_noop(
            "Any figure about fewer than k people is hidden, so nobody can be recognised from it; "
            "the partnership sets k (10 unless changed). Some further figures are hidden so that a "
            "small group cannot be worked out by subtracting one shown figure from another; a "
            "hidden figure always says why."
        ),
        headings=r".*\(k\)",
        words=r"minimum group size|fewer than \d+ people|why hidden",
    ),
)
BY_SLUG = {t.slug: t for t in TERMS}


def translated_terms() -> list[Term]:
    """Every term, in the active language."""
    return [term.translated() for term in TERMS]
