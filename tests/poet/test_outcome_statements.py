"""The one query of a partnership's outcome statements: the library and its own, its own winning."""

import pytest

from poet.selectors.outcome_statements import outcome_statements_for, outcome_texts
from tests.factories import OutcomeStatementFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_library_then_the_partnerships_own_and_never_another_partnerships():
    partnership, other = PartnershipFactory(), PartnershipFactory()
    library = OutcomeStatementFactory(code="O-ZZ-LIB", partnership=None)
    own = OutcomeStatementFactory(code="O-AA-OWN", partnership=partnership)
    OutcomeStatementFactory(code="O-AA-OTHER", partnership=other)
    statements = list(outcome_statements_for(partnership).filter(code__startswith="O-"))
    codes = [s.code for s in statements]
    assert "O-AA-OTHER" not in codes
    assert codes.index(library.code) < codes.index(own.code)  # the library first
    assert list(outcome_statements_for(partnership.pk)) == list(outcome_statements_for(partnership))


def test_the_partnerships_own_statement_wins_a_shared_code():
    partnership = PartnershipFactory()
    OutcomeStatementFactory(code="O-SHARED", text="The library's words", partnership=None)
    OutcomeStatementFactory(code="O-SHARED", text="Our own words", partnership=partnership)
    assert outcome_texts(partnership, ["O-SHARED"]) == {"O-SHARED": "Our own words"}
    assert outcome_texts(PartnershipFactory(), ["O-SHARED"]) == {"O-SHARED": "The library's words"}
