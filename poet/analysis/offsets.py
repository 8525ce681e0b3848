"""Where passages of a text lie once some of its words were replaced (issue 16, item 4).

Codings are character offsets into a source's masked text. When an evaluator masks more words
by hand after coding began, the text changes length and every later offset would point at other
words; `realign` carries each span over to the new text. The two texts are compared line by line
and, within changed lines only, character by character, so a long transcript is compared fast.
A span's start that falls in replaced words moves to the start of their replacement, its end to
the replacement's end; a span left with nothing is None.

Pure: nothing of Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

Span = tuple[int, int]
Opcode = tuple[str, int, int, int, int]


def _lines_with_offsets(text: str) -> tuple[list[str], list[int]]:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return lines, offsets


def opcodes(old: str, new: str) -> list[Opcode]:
    """Character opcodes (as `SequenceMatcher.get_opcodes`) turning `old` into `new`."""
    old_lines, old_at = _lines_with_offsets(old)
    new_lines, new_at = _lines_with_offsets(new)
    found: list[Opcode] = []
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        a1, a2, b1, b2 = old_at[i1], old_at[i2], new_at[j1], new_at[j2]
        if tag == "equal":
            found.append((tag, a1, a2, b1, b2))
            continue
        chars = SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
        for t, x1, x2, y1, y2 in chars.get_opcodes():
            found.append((t, a1 + x1, a1 + x2, b1 + y1, b1 + y2))
    return found


def _start(position: int, ops: list[Opcode], new_length: int) -> int:
    for tag, a1, a2, b1, _ in ops:
        if a1 <= position < a2:
            return b1 + (position - a1) if tag == "equal" else b1
    return new_length


def _end(position: int, ops: list[Opcode]) -> int:
    for tag, a1, a2, b1, b2 in ops:
        if a1 < position <= a2:
            return b1 + (position - a1) if tag == "equal" else b2
    return 0


def realign(old: str, new: str, spans: Sequence[Span]) -> list[Span | None]:
    """Each [start, end) span of `old` as it lies in `new`; None where nothing of it is left."""
    if old == new:
        return list(spans)
    ops = [op for op in opcodes(old, new) if op[1] != op[2]]  # inserts hold no old character
    moved: list[Span | None] = []
    for start, end in spans:
        s, e = _start(start, ops, len(new)), _end(end, ops)
        moved.append((s, e) if s < e else None)
    return moved
