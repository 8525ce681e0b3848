"""Hypothesis strategies for hostile input: what a careless, curious or malicious client posts."""

from __future__ import annotations

from hypothesis import strategies as st

# Strings that have broken web apps before: markup, formulas, encodings, numbers that are not.
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\u202eevil",
    "🙂" * 50,
    "Ω≈ç√∫",
    "１２",
    "٣",
    "' OR '1'='1' --",
    "../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "%s%s%n",
    "9" * 400,
    "-99999999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "3.5",
    "",
    " ",
    "\n\n",
    "dk",
    "DK",
    "None",
    "null",
    "[]",
    "{}",
    "True",
]

LONG = st.sampled_from(["x" * 5_001, "é" * 20_000, "<b>" * 10_000, "=" + "1+" * 4_000 + "1"])

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    LONG,
)

# A posted value: one string, or a key repeated several times.
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=0, max_size=4))


def form_data(fields: list[str], valid: dict[str, list[str]] | None = None) -> st.SearchStrategy:
    """Posted data for a form with these fields: each field valid, hostile or missing, plus
    unknown extra fields."""
    valid = valid or {}
    per_field = {
        name: st.one_of(
            st.nothing() if name not in valid else st.sampled_from(valid[name]),
            hostile_value,
        )
        for name in fields
    }
    known = st.fixed_dictionaries({}, optional=per_field)
    extra_key = st.one_of(st.sampled_from(["action", "section", "next", "return"]), hostile_text)
    extra = st.dictionaries(extra_key, hostile_value, max_size=3)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


def csv_cell() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=30), st.emails())


def csv_file(header: list[str], real: dict[str, list[str]]) -> st.SearchStrategy:
    """A CSV upload: right, wrong or missing header; rows of real, hostile or missing cells;
    odd encodings, quoting and line endings."""
    cell = {name: st.one_of(st.sampled_from(real.get(name) or [""]), csv_cell()) for name in header}
    row = st.fixed_dictionaries(cell).map(lambda r: list(r.values()))
    ragged = st.lists(csv_cell(), max_size=len(header) + 3)
    rows = st.lists(st.one_of(row, row, ragged), max_size=12)
    heading = st.one_of(
        st.just(header),
        st.permutations(header),
        st.lists(st.sampled_from([*header, "name", "", "EMAIL"]), max_size=len(header) + 1),
    )
    ending = st.sampled_from(["\n", "\r\n", "\r"])
    encoding = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])

    def render(args) -> bytes:
        head, body, end, codec = args
        lines = [",".join(_quote(c) for c in r) for r in [head, *body]]
        return end.join(lines).encode(codec, errors="replace")

    written = st.tuples(heading, rows, ending, encoding).map(render)
    return st.one_of(written, written, written, st.binary(max_size=300))


def _quote(cell: str) -> str:
    if any(ch in cell for ch in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell
