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


def suppressed_keys_within_ceilings(
    counts: Mapping[Hashable, int], ceilings: Mapping[Hashable, int], k: int
) -> tuple[set[Hashable], bool]:
    """Hidden keys of a family whose counts each have a shown ceiling (people who responded out
    of people invited), and whether the family's total must be hidden too.

    With the total and the ceilings shown, the hidden counts' sum can be worked out; when it is 0
    or the sum of their ceilings, every hidden count is pinned (none or all of them responded).
    So further siblings are hidden, next-smallest first, until the sum pins nothing; if even the
    whole family stays pinned, the total is hidden as well.
    """
    hidden = suppressed_keys(counts, k)

    def pinned() -> bool:
        # A count whose ceiling is 0 is known to be 0 before anything is shown: it pins nothing.
        bounded = [key for key in hidden if ceilings[key] > 0]
        rest = sum(counts[key] for key in bounded)
        return bool(bounded) and rest in (0, sum(ceilings[key] for key in bounded))

    while pinned() and len(hidden) < len(counts):
        shown = sorted((n, str(key), key) for key, n in counts.items() if key not in hidden)
        hidden.add(shown[0][2])
    return hidden, pinned()
