"""Raw answers released as microdata: which organisation and group labels each respondent keeps.

The tidy answers file (DESIGN §5) shows, beside every answer, the respondent's audience,
organisation and group: its quasi-identifiers. An evaluator holds the staff list, so a row set
that few people share (the one GP of the NHS trust) is a person. `generalise` makes the file
k-anonymous on those three columns by blanking labels of whole combinations, never one column on
its own, and says whose free text must be withheld. Pure pandas; callers map its result onto the
rows (in SQL for the export, so no answer passes through Python).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence

import numpy as np
import pandas as pd

CELL_COLUMNS = ["audience", "organisation", "group", "n"]
RELEASE_COLUMNS = [
    "audience",
    "organisation",
    "group",
    "shown_organisation",
    "shown_group",
    "text_withheld",
]

# A combination's level: which of its two labels are blanked (bit flags).
KEEP, NO_ORG, NO_GROUP = 0, 1, 2
BOTH = NO_ORG | NO_GROUP

_Move = tuple[tuple[int, int], ...]  # (cell index, new level), applied together
_Label = Hashable | None  # an organisation or group label; None is blank
_Pool = tuple[_Label, _Label]  # a released (organisation, group)
_NameKey = tuple[bool, str, Hashable]


def generalise(cells: pd.DataFrame, k: int) -> pd.DataFrame:
    """For each (audience, organisation, group) combination, the labels the file may show.

    ``cells`` has one row per combination and ``n``, its number of respondents; ``organisation``
    and ``group`` may be missing (users and carers have no organisation), which shows as blank.
    Returns the same rows, in the same order, with ``shown_organisation`` and ``shown_group``
    (the label, or None for blank) and ``text_withheld`` (True when the combination itself has
    fewer than k people: writing style can identify a member of a small team even inside a
    generalised group, so their free text is not released).

    The rule, per audience (never generalised: staff and users answer different questionnaires):

    1. A combination with at least k people keeps both labels. A smaller one is generalised as a
       whole: its group is blanked ("any group of this organisation"), or its organisation ("this
       group, any organisation"), or both.
    2. Afterwards every released combination (audience, shown organisation, shown group) holds
       0 or at least k people, so the rows with a blank organisation, or a blank group, hold 0 or
       at least k too: a blanked combination cannot be worked out by subtracting released ones.
       The one exception: an audience with fewer than k people in all, all of it blank.
    3. Subtraction from other releases: the reports show totals by organisation and by group. So
       for each organisation (and each group) with at least k people, the part of it whose label
       is blanked holds 0 or at least k people; otherwise its total minus its shown rows would
       give back the few hidden ones. (A label with fewer than k people in all is blanked for all
       of them; the reports hide it too.)
    4. A released pool still below k is made up by generalising a further combination into it
       (the smallest first), or by generalising the pool itself one step further, whichever
       loses less information in the end: the choice is tried out to a full solution (one step of
       look-ahead), with three starting rules for the small combinations (keep the organisation
       and blank the group; keep the group and blank the organisation; or join whichever of the
       two pools of small combinations is larger), and the solution blanking the fewest labels is
       kept (a label blanked for one respondent counts 1; ties: fewer respondents touched, then
       the order above).

    Every choice is deterministic: ties go to the smaller combination, then by name.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    k = int(k)
    missing = [c for c in CELL_COLUMNS if c not in cells.columns]
    if missing:
        raise ValueError(f"cells lack the columns {missing}")
    audiences, orgs_in, groups_in = (
        [None if pd.isna(v) else v for v in cells[c]] for c in ("audience", "organisation", "group")
    )
    if len(set(zip(audiences, orgs_in, groups_in, strict=True))) < len(cells):
        raise ValueError("cells must have one row per (audience, organisation, group)")
    counts = pd.to_numeric(cells["n"], errors="raise")
    if (counts < 0).any() or (counts != counts.round()).any():
        raise ValueError("n must be whole numbers of people, at least 0")

    shown_org: list[Hashable | None] = [None] * len(cells)
    shown_group: list[Hashable | None] = [None] * len(cells)
    rows = list(zip(audiences, orgs_in, groups_in, counts.astype(int), strict=True))
    by_audience: dict[Hashable, list[int]] = defaultdict(list)
    for position, (audience, *_rest) in enumerate(rows):
        by_audience[audience].append(position)
    for positions in by_audience.values():
        positions.sort(key=lambda p: (_name(rows[p][1]), _name(rows[p][2])))
        orgs = [rows[p][1] for p in positions]
        groups = [rows[p][2] for p in positions]
        levels = _Table(orgs, groups, [rows[p][3] for p in positions], k).solve()
        for p, level, org, group in zip(positions, levels, orgs, groups, strict=True):
            shown_org[p] = None if level & NO_ORG else org
            shown_group[p] = None if level & NO_GROUP else group
    return pd.DataFrame(
        {
            "audience": _objects(audiences, cells.index),
            "organisation": _objects(orgs_in, cells.index),
            "group": _objects(groups_in, cells.index),
            "shown_organisation": _objects(shown_org, cells.index),
            "shown_group": _objects(shown_group, cells.index),
            "text_withheld": counts < k,
        }
    )


def _objects(values: Sequence[_Label], index: pd.Index) -> pd.Series:
    """An object column that keeps None as None (pandas would infer strings and NaN)."""
    return pd.Series(values, index=index, dtype=object)


def _name(label: _Label) -> _NameKey:
    """Sort key for labels of any type: missing last, then by type, then by value."""
    return (label is None, type(label).__name__, label if label is not None else 0)


class _Table:
    """The organisation × group combinations of one audience and their levels while solving."""

    def __init__(
        self, orgs: Sequence[_Label], groups: Sequence[_Label], n: Sequence[int], k: int
    ) -> None:
        self.orgs, self.groups, self.n, self.k = list(orgs), list(groups), list(n), k
        self.size = len(self.n)
        self.start = [
            (NO_ORG if o is None else KEEP) | (NO_GROUP if g is None else KEEP)
            for o, g in zip(self.orgs, self.groups, strict=True)
        ]
        self.org_total: dict[Hashable, int] = defaultdict(int)
        self.group_total: dict[Hashable, int] = defaultdict(int)
        for o, g, n_ in zip(self.orgs, self.groups, self.n, strict=True):
            if o is not None:
                self.org_total[o] += n_
            if g is not None:
                self.group_total[g] += n_
        self.total = sum(self.n)

    # -- solving -------------------------------------------------------------------------------

    def solve(self) -> list[int]:
        best: tuple[tuple[int, int], list[int]] | None = None
        for rule in (self._keep_organisation, self._keep_group, self._join_larger):
            levels = self._lookahead(rule(list(self.start)))
            score = self.loss(levels)
            if best is None or score < best[0]:
                best = (score, levels)
        assert best is not None
        return best[1]

    def loss(self, levels: list[int]) -> tuple[int, int]:
        """(labels blanked, respondents with any label blanked), structural blanks left out."""
        labels = people = 0
        for n_, level, start in zip(self.n, levels, self.start, strict=True):
            extra = level & ~start
            labels += n_ * bin(extra).count("1")
            people += n_ if extra else 0
        return labels, people

    def _small(self, levels: list[int]) -> list[int]:
        return [i for i in range(self.size) if levels[i] == KEEP and 0 < self.n[i] < self.k]

    def _keep_group(self, levels: list[int]) -> list[int]:
        for i in self._small(levels):
            levels[i] = NO_ORG
        return levels

    def _keep_organisation(self, levels: list[int]) -> list[int]:
        for i in self._small(levels):
            levels[i] = NO_GROUP
        return levels

    def _join_larger(self, levels: list[int]) -> list[int]:
        small = self._small(levels)
        by_org: dict[Hashable, int] = defaultdict(int)
        by_group: dict[Hashable, int] = defaultdict(int)
        for i in small:
            by_org[self.orgs[i]] += self.n[i]
            by_group[self.groups[i]] += self.n[i]
        for i in small:
            levels[i] = NO_ORG if by_group[self.groups[i]] > by_org[self.orgs[i]] else NO_GROUP
        return levels

    def _lookahead(self, levels: list[int]) -> list[int]:
        """Repair until safe; where a problem has several fixes, each is finished greedily and
        the one with the smallest final loss is taken."""
        while (fixes := self._problem(levels)) is not None:
            if len(fixes) == 1:
                chosen = fixes[0]
            else:
                trials = []
                for order, fix in enumerate(fixes):
                    trial = self._greedy(_applied(levels, fix))
                    trials.append((self.loss(trial), order))
                chosen = fixes[min(trials)[1]]
            levels = _applied(levels, chosen)
        return levels

    def _greedy(self, levels: list[int]) -> list[int]:
        """Repair until safe, always taking the fix that blanks least now."""
        while (fixes := self._problem(levels)) is not None:
            levels = _applied(levels, min(fixes, key=lambda fix: self._cost(levels, fix)))
        return levels

    def _cost(self, levels: list[int], fix: _Move) -> int:
        return sum(self.n[i] * bin(new & ~levels[i]).count("1") for i, new in fix)

    # -- what is unsafe, and the ways to fix it ------------------------------------------------

    def _problem(self, levels: list[int]) -> list[_Move] | None:
        """The first unsafe thing (in a fixed order) and its fixes, or None when all is safe.

        Every fix raises the level of at least one combination with people, so repairing ends.
        """
        k, n = self.k, self.n
        # 1. A small combination still showing both labels.
        for i in self._small(levels):
            return [((i, NO_GROUP),), ((i, NO_ORG),)]
        pools: dict[_Pool, list[int]] = defaultdict(list)
        for i in range(self.size):
            if n[i] > 0:
                pools[self._released(i, levels[i])].append(i)
        size = {key: sum(n[i] for i in members) for key, members in pools.items()}
        # 2. A pool with one label kept ("this organisation, any group" or the reverse) below k.
        for key, members in sorted(pools.items(), key=lambda kv: (size[kv[0]], _pool_name(kv[0]))):
            org, group = key
            if (org is None) == (group is None) or size[key] >= k:
                continue
            if org is not None:
                joiners = self._cells(levels, KEEP, self.orgs, org)
                pull = NO_GROUP
            else:
                joiners = self._cells(levels, KEEP, self.groups, group)
                pull = NO_ORG
            fixes: list[_Move] = [((joiners[0], pull),)] if joiners else []
            return [*fixes, tuple((i, BOTH) for i in members)]
        # 3. The fully blank pool below k while people elsewhere still show a label.
        blank = size.get((None, None), 0)
        if 0 < blank < k and blank < self.total:
            fixes = []
            keep = self._cells(levels, KEEP)
            if keep:
                fixes.append(((keep[0], BOTH),))
            one_label = [key for key in pools if (key[0] is None) != (key[1] is None)]
            side: Callable[[_Pool], bool]
            for side in (lambda key: key[0] is not None, lambda key: key[1] is not None):
                candidates = sorted(
                    (key for key in one_label if side(key)),
                    key=lambda key: (size[key], _pool_name(key)),
                )
                if candidates:
                    fixes.append(tuple((i, BOTH) for i in pools[candidates[0]]))
            spare = [i for key in one_label for i in pools[key] if size[key] - n[i] >= k]
            if spare:
                i = min(spare, key=lambda i: (n[i], i))
                fixes.append(((i, BOTH),))
            return fixes
        # 4. An organisation (or group) of at least k whose blanked part is 1..k-1.
        for label_of, total, bit in (
            (self.orgs, self.org_total, NO_ORG),
            (self.groups, self.group_total, NO_GROUP),
        ):
            hidden: dict[Hashable, int] = defaultdict(int)
            for i in range(self.size):
                if label_of[i] is not None and levels[i] & bit and not self.start[i] & bit:
                    hidden[label_of[i]] += n[i]
            for label in sorted(hidden, key=_name):
                if not 0 < hidden[label] < k or total[label] < k:
                    continue
                other = NO_GROUP if bit == NO_ORG else NO_ORG
                fixes = []
                keep = self._cells(levels, KEEP, label_of, label)
                if keep:
                    fixes.append(((keep[0], bit),))
                pooled = self._cells(levels, other, label_of, label)
                if pooled:
                    fixes.append(tuple((i, BOTH) for i in pooled))
                return fixes
        return None

    def _released(self, i: int, level: int) -> _Pool:
        return (
            None if level & NO_ORG else self.orgs[i],
            None if level & NO_GROUP else self.groups[i],
        )

    def _cells(
        self,
        levels: list[int],
        level: int,
        labels: Sequence[_Label] | None = None,
        label: object = None,
    ) -> list[int]:
        """Combinations with people at ``level`` (and ``labels[i] == label``), smallest first."""
        found = [
            i
            for i in range(self.size)
            if levels[i] == level and self.n[i] > 0 and (labels is None or labels[i] == label)
        ]
        return sorted(found, key=lambda i: (self.n[i], i))


def _pool_name(key: _Pool) -> tuple[_NameKey, _NameKey]:
    return (_name(key[0]), _name(key[1]))


def _applied(levels: list[int], fix: _Move) -> list[int]:
    out = list(levels)
    for i, new in fix:
        out[i] |= new
    return out
