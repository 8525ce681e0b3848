"""De-identification of qualitative text before anyone codes or quotes it (issue 16, item 2).

Pure text functions (nothing of Django), so the rules can be tested, and mutation-tested, alone.
`mask` replaces, in this order:

1. e-mail addresses by ``[email]`` (first: an address holds names and digits the later rules
   would otherwise mask piecemeal, leaving the rest of the address readable);
2. UK phone numbers by ``[phone]``: national (``07700 900123``, ``(020) 7946 0958``,
   ``0161-496-0000``) and international (``+44 7700 900123``, ``+44 (0)20 7946 0958``,
   ``0044 …``), with spaces, hyphens or dots between groups of digits. Only numbers whose
   national part has 9 or 10 digits count, so dates, times, years and short numbers (111, 999)
   stay as they are;
3. UK postcodes by ``[postcode]``, full ones only (``LS1 4AB``, ``sw1a1aa``), with the letters
   the Royal Mail allows in each place; an outward code alone (``M1``, ``B12``) is left, since it
   names a district, not a home, and looks like motorways and vitamins;
4. participant codes of the register (``P-017``) and known names by ``[name]``: the words of
   the names given (staff, members),
   whole words only, and only where the text writes them with a capital (``Will`` is masked,
   ``I will`` is not); a full name ("Jane Smith", "Smith-Jones") becomes one ``[name]``;
5. the extra words the evaluator asked to mask by hand by ``[masked]``, in any letter case.

The result says how many of each kind were masked, for the evaluator's review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

EMAIL = "email"
PHONE = "phone"
POSTCODE = "postcode"
NAME = "name"
BY_HAND = "by_hand"
KINDS: tuple[str, ...] = (NAME, EMAIL, PHONE, POSTCODE, BY_HAND)
PLACEHOLDERS: dict[str, str] = {
    NAME: "[name]",
    EMAIL: "[email]",
    PHONE: "[phone]",
    POSTCODE: "[postcode]",
    BY_HAND: "[masked]",
}

_EMAIL = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w@])"
)

# A phone number: an international or national prefix, then groups of two or more digits (the
# first may be an area code in brackets) joined by one space, hyphen or dot.
_GROUP = r"\(0\d{2,5}\)|\d{2,11}"
_PHONE = re.compile(
    r"(?<![\w+@./-])"
    r"(?P<prefix>(?:\+|00)[ ]?44[ -]?(?:\(0\)[ -]?)?|(?=\(?0\d))"
    r"(?P<groups>(?:\(0\d{2,5}\)|\d{2,11})(?:[ .-]\d{2,11})*)"
    r"(?![\w/:@])"
)
_NATIONAL_DIGITS = (9, 10)
_NATIONAL_FIRST = "123578"

# Royal Mail's rule: first letter not Q V X, second not I J Z, inward letters not C I K M O V.
_POSTCODE = re.compile(
    r"(?<![\w-])(?:"
    r"[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)"
    r"|GIR(?= ?0AA)"
    r")[ ]?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W\d_]{2,}")  # a name word: two letters or more, no digits
_GENERIC_LOCAL_PARTS = frozenset(
    [
        "admin",
        "administrator",
        "contact",
        "enquiries",
        "enquiry",
        "email",
        "hello",
        "help",
        "info",
        "mail",
        "noreply",
        "office",
        "reception",
        "referrals",
        "team",
        "staff",
        "support",
        "nhs",
        "council",
        "the",
        "and",
    ]
)


@dataclass
class Masked:
    """Masked text and how many identifiers of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, other: Masked) -> Masked:
        """These counts plus `other`'s, with `other`'s text (a further masking of this one)."""
        return Masked(
            other.text, {k: self.counts.get(k, 0) + other.counts.get(k, 0) for k in KINDS}
        )


def _national_digits(prefix: str, groups: str) -> str | None:
    """The national significant number of a candidate phone number, or None if it is none."""
    digits = re.sub(r"\D", "", groups)
    if not prefix.strip():
        if not digits.startswith("0"):
            return None
        digits = digits[1:]
    elif digits.startswith("0") and "(0)" not in prefix:
        digits = digits[1:]  # +44 07700 …, written wrongly but meant
    if len(digits) in _NATIONAL_DIGITS and digits[0] in _NATIONAL_FIRST:
        return digits
    return None


def _longest_phone(prefix: str, groups: str) -> int:
    """How many characters of `groups` make the longest valid number after `prefix` (0: none).

    Tried on ever shorter runs of groups, so two numbers one after the other ("0161 496 0000
    0161 496 0001") are two numbers, not one too long to be either."""
    ends = [m.end() for m in re.finditer(_GROUP, groups)]
    for end in reversed(ends):
        if _national_digits(prefix, groups[:end]) is not None:
            return end
    return 0


def mask_phones(text: str) -> tuple[str, int]:
    """Mask UK phone numbers; returns the text and how many were masked."""
    out: list[str] = []
    count = 0
    position = 0
    while True:
        match = _PHONE.search(text, position)
        if match is None:
            break
        prefix, groups = match.group("prefix"), match.group("groups")
        length = _longest_phone(prefix, groups)
        end = match.start("groups") + length
        if length == 0 or (end < len(text) and text[end].isalnum()):
            # not a number, or it runs into a word: skip past the first character of the match
            out.append(text[position : match.start() + 1])
            position = match.start() + 1
            continue
        out.append(text[position : match.start()])
        out.append(PLACEHOLDERS[PHONE])
        count += 1
        position = end
    out.append(text[position:])
    return "".join(out), count


def _sub(pattern: re.Pattern[str], kind: str, text: str) -> tuple[str, int]:
    return pattern.subn(PLACEHOLDERS[kind], text)


def name_words(names: Iterable[str]) -> set[str]:
    """The words of `names` worth masking, case-folded: each word of two letters or more."""
    return {w.casefold() for name in names for w in _WORD.findall(name or "")}


def names_from_email(address: str) -> list[str]:
    """The likely name words of an e-mail address (``jane.smith2@nhs.net`` → Jane, Smith):
    the part before the @ split at dots, hyphens, underscores and digits, without words
    such as "info" or "admin" that name a desk, not a person."""
    local = address.split("@", 1)[0]
    parts = re.split(r"[^\w]|[\d_]", local)
    return [p for p in parts if len(p) >= 2 and p.casefold() not in _GENERIC_LOCAL_PARTS]


# A word as names are matched: letters only, whole (not glued to digits, underscores or a
# placeholder's brackets). Looked up in a set, so thousands of staff names cost no more than ten.
_TOKEN = re.compile(r"(?<![\w\[])[^\W\d_]+(?![\w\]])")


def mask_names(text: str, words: set[str]) -> tuple[str, int]:
    """Mask known name words written with a capital; a full name ("Jane Smith", "Smith-Jones":
    name words joined by one space or hyphen) becomes one ``[name]``."""
    if not words:
        return text, 0
    out: list[str] = []
    count = 0
    position = 0
    last_end = -1  # where the last [name] written ended in `text`
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        if len(word) < 2 or not word[0].isupper() or word.casefold() not in words:
            continue
        between = text[position : match.start()]
        if last_end == match.start() - 1 and between in (" ", "-"):
            position = match.end()  # the rest of a full name: already one [name]
            last_end = match.end()
            continue
        out.append(between)
        out.append(PLACEHOLDERS[NAME])
        count += 1
        position = last_end = match.end()
    out.append(text[position:])
    return "".join(out), count


def mask_words(text: str, words: Iterable[str]) -> tuple[str, int]:
    """Mask each of `words` (a word or a phrase the evaluator typed), whole, in any letter case."""
    wanted = sorted({" ".join(w.split()) for w in words if w and w.strip()}, key=len, reverse=True)
    if not wanted:
        return text, 0
    phrases = "|".join(r"\s+".join(re.escape(p) for p in w.split(" ")) for w in wanted)
    pattern = re.compile(rf"(?<![\w\[])(?:{phrases})(?![\w\]])", re.IGNORECASE)
    return pattern.subn(PLACEHOLDERS[BY_HAND], text)


def mask_codes(text: str, codes: Iterable[str]) -> tuple[str, int]:
    """Mask the participant codes of the register (``P-017``), whole, in any letter case: a
    code in a quote would tie the words to that person's answers. Other codes (an outcome's
    ``O-HOME``, a code not in the register) are left."""
    wanted = sorted({c.strip() for c in codes if c and c.strip()}, key=len, reverse=True)
    if not wanted:
        return text, 0
    alternatives = "|".join(re.escape(c) for c in wanted)
    pattern = re.compile(rf"(?<![\w\[-])(?:{alternatives})(?![\w\]]|-\w)", re.IGNORECASE)
    return pattern.subn(PLACEHOLDERS[NAME], text)


def mask(
    text: str,
    *,
    names: Iterable[str] = (),
    codes: Iterable[str] = (),
    extra_words: Iterable[str] = (),
) -> Masked:
    """`text` with every identifier the rules find replaced, and the count of each kind."""
    counts = dict.fromkeys(KINDS, 0)
    text, counts[EMAIL] = _sub(_EMAIL, EMAIL, text)
    text, counts[PHONE] = mask_phones(text)
    text, counts[POSTCODE] = _sub(_POSTCODE, POSTCODE, text)
    text, coded = mask_codes(text, codes)
    text, named = mask_names(text, name_words(names))
    counts[NAME] = coded + named
    text, counts[BY_HAND] = mask_words(text, extra_words)
    return Masked(text, counts)
