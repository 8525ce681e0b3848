"""The outcome statements a partnership uses: the built-in library and its own.

A partnership's own statement may share a code with a library one; where a code means one
statement, the partnership's own wins. One query, so every page and report agrees on it.
"""

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from poet.models import OutcomeStatement, Partnership


def outcome_statements_for(partnership: Partnership | int) -> QuerySet[OutcomeStatement]:
    """The library's statements, then the partnership's own (a `Partnership` or its pk), each by
    code: keyed by code in this order, the partnership's own wins."""
    return OutcomeStatement.objects.filter(
        Q(partnership__isnull=True) | Q(partnership=partnership)
    ).order_by(F("partnership_id").asc(nulls_first=True), "code")


def outcome_texts(partnership: Partnership | int, codes: Iterable[str]) -> dict[str, str]:
    """Statement text per code; the partnership's own statement wins over the library's."""
    statements = outcome_statements_for(partnership).filter(code__in=set(codes))
    return dict(statements.values_list("code", "text"))
