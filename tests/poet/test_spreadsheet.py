"""poet.spreadsheet: the shape check of files we read, whatever the chunks and line ends."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poet.spreadsheet import CsvShapeCheck, CsvShapeError


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    lengths=st.lists(st.integers(0, 14), min_size=1, max_size=12),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=12, max_size=12),
    chunk=st.integers(1, 40),
)
def test_the_first_line_over_the_limit_is_named_whatever_the_chunks(lengths, ends, chunk):
    lines = ["a," + "x" * max(0, n - 2) if n >= 2 else "a"[:n] for n in lengths]
    data = "".join(line + end for line, end in zip(lines, ends, strict=False)).encode()
    check = CsvShapeCheck(max_line=10, max_columns=50)
    too_long = [i for i, line in enumerate(lines, start=1) if len(line) > 10]
    # Line numbers count LF line ends (a lone CR ends a line for the length, not the count).
    numbers, number = [], 1
    for end in ends[: len(lines)]:
        numbers.append(number)
        number += "\n" in end
    try:
        for start in range(0, len(data), chunk):
            check.feed(data[start : start + chunk])
        check.finish()
    except CsvShapeError as error:
        assert too_long, str(error)
        first = too_long[0]
        if first == 1:
            assert "Line 1 is longer" in str(error) or "header row" in str(error)
        else:
            assert str(error).startswith(f"Line {numbers[first - 1]} is longer than 0 KB")
    else:
        assert not too_long


def test_a_wide_header_is_refused_with_its_width():
    check = CsvShapeCheck(max_columns=3)
    with pytest.raises(CsvShapeError, match="The header row has 4 columns: .* at most 3"):
        check.feed(b'a,b,"c,d",e\r\n1,2,3\n')
    CsvShapeCheck(max_columns=3).feed(b'a,b,"c,d"\n1,2,3,4,5\n')  # rows are the parser's job
