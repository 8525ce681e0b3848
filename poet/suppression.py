"""Small-group suppression for counts shown on pages (DESIGN §4).

A count of fewer than k people is hidden. Where a family of sibling counts is shown beside its
total, hiding one alone would let it be worked out by subtraction, so the next-smallest sibling
is hidden too (as the GP Patient Survey does). The analysis package has its own DataFrame
version of the same rule, because it must not import project code.
"""

from collections.abc import Hashable, Mapping


def suppressed_keys(counts: Mapping[Hashable, int], k: int) -> set[Hashable]:
    """Keys of one family of sibling counts that must be hidden."""
    hidden = {key for key, n in counts.items() if n < k}
    if len(hidden) == 1 and len(counts) > 1:
        shown = sorted((n, str(key), key) for key, n in counts.items() if key not in hidden)
        hidden.add(shown[0][2])
    return hidden


def total_is_hidden(total: int, k: int) -> bool:
    return total < k
